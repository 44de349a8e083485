package app

import (
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// searchDelay is how long the search bar waits for the next key before it
// searches (the results update as the user types).
var searchDelay = 250 * time.Millisecond

const searchPageSize = 50

// facetFilter narrows results to one value of the year or journal facet.
type facetFilter struct{ facet, value string }

// searchPane shows the results of the search bar: title, page and snippet
// with the matched words emphasised, facets to narrow them, and the theme
// chosen in the sidebar as a filter.
type searchPane struct {
	u       *UI
	content fyne.CanvasObject
	list    *widget.List
	summary *widget.Label
	more    *widget.Button
	filters *fyne.Container
	facets  *fyne.Container

	hits       []index.SearchHit
	total      uint64
	facetData  map[string][]index.FacetCount
	narrow     []facetFilter
	theme      string // theme filter from the sidebar or the theme facet
	generation int
	debounce   *time.Timer
	lastQuery  string
}

func newSearchPane(u *UI) *searchPane {
	s := &searchPane{u: u}
	s.summary = widget.NewLabel("Type in the search bar to search every page of the library.")
	s.summary.Wrapping = fyne.TextWrapWord
	s.more = widget.NewButton("More results", func() { s.run(len(s.hits)) })
	s.more.Hide()
	s.filters = container.NewHBox()
	s.facets = container.NewVBox()
	s.list = widget.NewList(
		func() int { return len(s.hits) },
		func() fyne.CanvasObject { return newHitRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.hits) {
				o.(*hitRow).set(&s.hits[id])
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.hits) {
			h := s.hits[id]
			u.OpenDocument(h.DocID, h.Page, s.lastQuery)
		}
	}
	facetScroll := container.NewVScroll(s.facets)
	facetScroll.SetMinSize(fyne.NewSize(200, 0))
	results := container.NewBorder(container.NewVBox(s.summary, s.filters), s.more, nil, nil, s.list)
	split := container.NewHSplit(results, facetScroll)
	split.SetOffset(0.74)
	s.content = split
	return s
}

// queryChanged restarts the debounce timer; the results come to the front.
func (s *searchPane) queryChanged() {
	s.u.debounce(&s.debounce, searchDelay, func() { s.reveal(); s.run(0) })
}

// runNow searches at once (Enter in the search bar), the results to the
// front.
func (s *searchPane) runNow() {
	s.stopDebounce()
	s.reveal()
	s.run(0)
}

func (s *searchPane) stopDebounce() {
	if s.debounce != nil && s.debounce.Stop() {
		s.u.jobs.Done()
	}
}

// reveal shows the search results, for a query the user typed (a search
// run again after an import or an undo leaves the view alone).
func (s *searchPane) reveal() {
	if strings.TrimSpace(s.u.searchEntry.Text) != "" {
		s.u.ShowView(ViewSearch)
	}
}

// reset forgets the query, its results and its filters (another library
// is shown).
func (s *searchPane) reset() {
	s.narrow, s.theme = nil, ""
	s.u.searchEntry.SetText("")
	s.stopDebounce()
	s.run(0)
}

// rerun repeats the current search (after the library changed).
func (s *searchPane) rerun() {
	if s.active() {
		s.run(0)
	}
}

func (s *searchPane) active() bool {
	return strings.TrimSpace(s.u.searchEntry.Text) != "" || s.theme != "" || len(s.narrow) > 0
}

// setTheme filters results by a theme ("" clears it).
func (s *searchPane) setTheme(name string) {
	s.theme = name
	s.run(0)
}

func (s *searchPane) request(offset int) (index.SearchRequest, error) {
	q := strings.TrimSpace(s.u.searchEntry.Text)
	for _, f := range s.narrow {
		clause, err := index.FacetClause(f.facet, f.value)
		if err != nil {
			return index.SearchRequest{}, err
		}
		q = strings.TrimSpace(q + " " + clause)
	}
	req := index.SearchRequest{Query: q, Limit: searchPageSize, Offset: offset}
	if s.theme != "" {
		req.Themes = []string{s.theme}
	}
	return req, nil
}

// run searches off the UI goroutine; offset > 0 appends the next page.
func (s *searchPane) run(offset int) {
	s.generation++
	gen := s.generation
	query := strings.TrimSpace(s.u.searchEntry.Text)
	if !s.active() {
		s.hits, s.total, s.facetData = nil, 0, nil
		s.lastQuery = ""
		s.summary.SetText("Type in the search bar to search every page of the library.")
		s.more.Hide()
		s.showFacets()
		s.list.Refresh()
		return
	}
	req, err := s.request(offset)
	if err != nil {
		s.summary.SetText(err.Error())
		return
	}
	lib := s.u.lib
	s.u.background(func() {
		res, err := lib.Search(s.u.ctx, req)
		s.u.do(func() {
			if gen != s.generation {
				return
			}
			if err != nil {
				if errors.Is(err, index.ErrInvalidInput) {
					s.summary.SetText("Not a complete query yet: " + err.Error())
				} else {
					s.summary.SetText("Search failed: " + err.Error())
				}
				return
			}
			s.lastQuery = query
			if offset == 0 {
				s.hits = res.Hits
				s.list.ScrollToTop()
				s.loadFacets(gen, req)
			} else {
				s.hits = append(s.hits, res.Hits...)
			}
			s.total = res.Total
			what := fmt.Sprintf("%d pages match", res.Total)
			if res.Total == 1 {
				what = "1 page matches"
			}
			if s.theme != "" {
				what += " in passages coded " + s.theme
			}
			s.summary.SetText(fmt.Sprintf("%s (%s).", what, res.Took.Round(time.Millisecond)))
			if uint64(len(s.hits)) < s.total {
				s.more.Show()
			} else {
				s.more.Hide()
			}
			s.showFilters()
			s.showFacets()
			s.list.Refresh()
		})
	})
}

// loadFacets counts hits per theme, year and journal in a request of its
// own: facets can take much longer than the hits (while an import adds
// to the index), and the hits should not wait for them.
func (s *searchPane) loadFacets(gen int, req index.SearchRequest) {
	req.Facets, req.NoSnippets, req.Limit, req.Offset = true, true, 1, 0
	lib := s.u.lib
	s.u.background(func() {
		res, err := lib.Search(s.u.ctx, req)
		s.u.do(func() {
			if gen != s.generation || err != nil {
				return
			}
			s.facetData = res.Facets
			s.showFacets()
		})
	})
}

// showFilters lists the active narrowing filters, each removable.
func (s *searchPane) showFilters() {
	s.filters.RemoveAll()
	if s.theme != "" {
		s.filters.Add(widget.NewButtonWithIcon("theme: "+s.theme, theme.CancelIcon(), func() {
			s.u.sidebar.clearSelection()
			s.setTheme("")
		}))
	}
	for i, f := range s.narrow {
		i := i
		s.filters.Add(widget.NewButtonWithIcon(f.facet+": "+f.value, theme.CancelIcon(), func() {
			s.narrow = append(s.narrow[:i:i], s.narrow[i+1:]...)
			s.run(0)
		}))
	}
}

// showFacets lists counts per theme, year and journal; a click narrows.
func (s *searchPane) showFacets() {
	s.facets.RemoveAll()
	if len(s.facetData) == 0 {
		return
	}
	// headings bold, with a rule above all but the first; the values plain,
	// indented, each with its count at the right
	for _, f := range []struct{ key, title string }{{"theme", "Themes"}, {"year", "Years"}, {"journal", "Journals"}} {
		counts := s.facetData[f.key]
		if len(counts) == 0 {
			continue
		}
		if len(s.facets.Objects) > 0 {
			s.facets.Add(widget.NewSeparator())
		}
		s.facets.Add(widget.NewLabelWithStyle(f.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, c := range counts {
			c := c
			key := f.key
			indent := canvas.NewRectangle(nil)
			indent.SetMinSize(fyne.NewSize(theme.Padding()*2, 0))
			s.facets.Add(newChoiceRow(c.Value, fyne.TextStyle{}, indent, fmt.Sprint(c.Count), func() {
				if key == "theme" {
					s.setTheme(c.Value)
					return
				}
				s.narrow = append(s.narrow, facetFilter{key, c.Value})
				s.run(0)
			}))
		}
	}
}

// hitRow is one search result: title and page, then the snippet.
type hitRow struct {
	widget.BaseWidget
	title   *widget.Label
	page    *widget.Label
	themes  *widget.Label
	snippet *widget.RichText
	clip    *container.Scroll
}

const snippetLines = 3

func newHitRow() *hitRow {
	r := &hitRow{
		title:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		page:    widget.NewLabel(""),
		themes:  widget.NewLabel(""),
		snippet: widget.NewRichText(),
	}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.themes.Truncation = fyne.TextTruncateEllipsis
	r.themes.Importance = widget.LowImportance
	r.snippet.Wrapping = fyne.TextWrapWord
	r.ExtendBaseWidget(r)
	return r
}

func (r *hitRow) set(h *index.SearchHit) {
	r.title.SetText(h.Title)
	r.page.SetText(index.PageLabel(h.PrintedPage, h.Page))
	r.themes.SetText(strings.Join(h.Themes, " · "))
	r.snippet.Segments = snippetSegments(h.Snippet)
	r.snippet.Refresh()
}

func (r *hitRow) CreateRenderer() fyne.WidgetRenderer {
	// A fixed-height row (the title line and snippetLines lines of the
	// snippet, the rest clipped) keeps the list virtualised with uniform
	// rows. The clip ends where the line after the last one shown begins,
	// so no line is cut through.
	head := container.NewBorder(nil, nil, nil, container.NewHBox(r.themes, r.page), r.title)
	r.clip = container.NewScroll(r.snippet)
	r.clip.Direction = container.ScrollNone
	spacer := canvas.NewRectangle(nil)
	// the padding around the row, and the border's gap under the head
	spacer.SetMinSize(fyne.NewSize(200, head.MinSize().Height+snippetClipHeight()+3*theme.Padding()))
	body := container.NewBorder(head, nil, nil, nil, r.clip)
	return widget.NewSimpleRenderer(container.NewStack(spacer, container.NewPadded(body)))
}

// snippetClipHeight is the height of snippetLines wrapped lines of a
// snippet: the rich text's inner padding above them, then one line height
// (the taller of plain and bold text) per line, as RichText lays out the
// rows of a wrapped paragraph.
func snippetClipHeight() float32 {
	size := theme.TextSize()
	line := max(fyne.MeasureText("x", size, fyne.TextStyle{}).Height, fyne.MeasureText("x", size, fyne.TextStyle{Bold: true}).Height)
	return theme.InnerPadding() + snippetLines*line
}

const zeroWidthSpace = "\u200b"

// snippetSegments turns a snippet (HTML-escaped, matches in <mark>) into
// rich text with the matches bold in the primary colour.
func snippetSegments(snippet string) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	add := func(text string, mark bool) {
		text = collapseSpace(html.UnescapeString(text))
		if text == "" {
			return
		}
		st := widget.RichTextStyleInline
		if mark {
			st.TextStyle = fyne.TextStyle{Bold: true}
			st.ColorName = theme.ColorNamePrimary
		}
		if len(segs) > 0 {
			// A zero-width space first: Fyne 2.7.1 wraps a segment that
			// begins where not one letter fits on the row one letter per
			// row; this takes that sliver, and the word starts the next
			// row (fixed upstream after 2.7.1).
			text = zeroWidthSpace + text
		}
		segs = append(segs, &widget.TextSegment{Style: st, Text: text})
	}
	rest := strings.ReplaceAll(snippet, "\n", " ")
	for rest != "" {
		i := strings.Index(rest, index.MarkStart)
		if i < 0 {
			add(rest, false)
			break
		}
		add(rest[:i], false)
		rest = rest[i+len(index.MarkStart):]
		j := strings.Index(rest, index.MarkEnd)
		if j < 0 {
			add(rest, true)
			break
		}
		add(rest[:j], true)
		rest = rest[j+len(index.MarkEnd):]
	}
	return segs
}

// collapseSpace replaces every run of white space with one space.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
