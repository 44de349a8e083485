package app

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// pageAnnotations loads the annotations of one page (off the UI
// goroutine): the coder's own only when coding blind.
func pageAnnotations(u *UI, lib *index.Library, docID int64, page int, coder string) ([]index.Annotation, error) {
	return lib.Annotations(u.ctx, index.AnnotationFilter{DocID: docID, Page: page, Coder: coder})
}

// blindCoder is the coder whose annotations alone the window shows, or ""
// when it shows every coder's (blind coding is off). Call on the UI
// goroutine.
func (u *UI) blindCoder() string {
	if !u.blind() {
		return ""
	}
	if c := u.coderName(); c != "" {
		return c
	}
	return index.NoCoder
}

// afterChange reloads what a change of the coding shows: the reader's
// page, theme counts, annotation counts of the list, the annotations view.
func (u *UI) afterChange() {
	u.reader.reload()
	u.sidebar.reload()
	u.docs.reload()
	u.annotations.refresh()
	u.codebook.reload()
	if u.currentView() == ViewReports {
		u.reports.refresh()
	}
}

// change runs a library change off the UI goroutine, then reloads; done,
// when set, runs on the UI goroutine after a success.
func (u *UI) change(what string, fn func() error, done func()) {
	u.background(func() {
		err := fn()
		u.do(func() {
			if errors.Is(err, index.ErrAlreadyCoded) {
				// Not a failure: the passage has the theme already.
				u.setStatus("Already coded: %v", err)
				return
			}
			if err != nil {
				u.showError(what, err)
				return
			}
			u.setStatus("%s", what)
			if done != nil {
				done()
			}
			u.afterChange()
		})
	})
}

// Undo reverts the last tagging, note or codebook change (a text field
// with the focus undoes its own typing instead).
func (u *UI) Undo() { u.history(true) }

// Redo re-applies the last undone change.
func (u *UI) Redo() { u.history(false) }

func (u *UI) history(undo bool) {
	if e, ok := u.win.Canvas().Focused().(*widget.Entry); ok {
		if undo {
			e.TypedShortcut(&fyne.ShortcutUndo{})
		} else {
			e.TypedShortcut(&fyne.ShortcutRedo{})
		}
		return
	}
	lib := u.lib
	u.background(func() {
		var e index.HistoryEntry
		var err error
		if undo {
			e, err = lib.Undo(u.ctx)
		} else {
			e, err = lib.Redo(u.ctx)
		}
		u.do(func() {
			switch {
			case errors.Is(err, index.ErrNothingToUndo), errors.Is(err, index.ErrNothingToRedo):
				u.setStatus("%s", strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
			case err != nil:
				u.showError("undo", err)
			default:
				if undo {
					u.setStatus("Undone: %s", e.Label)
				} else {
					u.setStatus("Redone: %s", e.Label)
				}
				u.afterChange()
				u.search.rerun() // a step may bring back or take away documents
			}
		})
	})
}

// swatch is a small square of a theme's colour.
func swatch(hex string) *canvas.Rectangle {
	r := canvas.NewRectangle(parseColour(hex, 0xff))
	r.SetMinSize(fyne.NewSize(14, 14))
	r.CornerRadius = 3
	return r
}

// themeSidebar lists the codebook with counts; a click filters the search
// results and the annotations by the theme.
type themeSidebar struct {
	u       *UI
	content fyne.CanvasObject
	list    *widget.List
	themes  []index.Theme
	current string
}

func newThemeSidebar(u *UI) *themeSidebar {
	s := &themeSidebar{u: u}
	s.list = widget.NewList(
		func() int { return len(s.themes) + 1 },
		func() fyne.CanvasObject {
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			count := widget.NewLabel("")
			return container.NewBorder(nil, nil, container.NewHBox(canvas.NewRectangle(nil), swatch("#808080")), count, name)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			name := c.Objects[0].(*widget.Label)
			left := c.Objects[1].(*fyne.Container)
			count := c.Objects[2].(*widget.Label)
			indent := left.Objects[0].(*canvas.Rectangle)
			sw := left.Objects[1].(*canvas.Rectangle)
			if id == 0 {
				name.SetText("All passages")
				name.TextStyle = fyne.TextStyle{Italic: true}
				count.SetText("")
				sw.FillColor = theme.Color(theme.ColorNameDisabled)
				indent.SetMinSize(fyne.NewSize(0, 0))
			} else {
				t := s.themes[id-1]
				name.SetText(t.Name)
				name.TextStyle = fyne.TextStyle{Bold: t.Depth == 0}
				count.SetText(fmt.Sprint(t.Count))
				sw.FillColor = parseColour(t.Color, 0xff)
				indent.SetMinSize(fyne.NewSize(float32(t.Depth)*14, 0))
			}
			name.Refresh()
			sw.Refresh()
			left.Refresh()
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		name := ""
		if id > 0 && id <= len(s.themes) {
			name = s.themes[id-1].Name
		}
		s.choose(name)
	}
	head := widget.NewLabelWithStyle("Themes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.content = container.NewBorder(head, nil, nil, nil, s.list)
	return s
}

// choose filters results and annotations by a theme ("" shows all).
func (s *themeSidebar) choose(name string) {
	if name == s.current {
		return
	}
	s.current = name
	s.u.search.setTheme(name)
	s.u.annotations.setTheme(name)
	if v := s.u.currentView(); v != ViewSearch && v != ViewAnnotations {
		if strings.TrimSpace(s.u.searchEntry.Text) != "" {
			s.u.ShowView(ViewSearch)
		} else {
			s.u.ShowView(ViewAnnotations)
		}
	}
}

func (s *themeSidebar) clearSelection() {
	s.current = ""
	s.list.UnselectAll()
	s.u.annotations.setTheme("")
}

// reload fetches the codebook with counts.
func (s *themeSidebar) reload() {
	lib := s.u.lib
	coder := s.u.blindCoder()
	s.u.background(func() {
		themes, err := lib.Themes(s.u.ctx)
		if err == nil && coder != "" {
			// coding blind: the coder's own counts
			var counts map[int64]int
			if counts, err = lib.ThemeCounts(s.u.ctx, coder); err == nil {
				for i := range themes {
					themes[i].Count = counts[themes[i].ID]
				}
			}
		}
		s.u.do(func() {
			if err != nil {
				s.u.setStatus("Themes: %v", err)
				return
			}
			s.themes = themes
			s.u.reader.tagPanel.setThemes(themes)
			s.list.Refresh()
		})
	})
}

// selectionHint is what the Selection panel says while nothing is
// selected.
const selectionHint = "Click a sentence to select it (Shift+click extends, double-click takes the paragraph, drag selects words)."

// pageSelectionHint is what it says while the page view shows nothing
// selected.
const pageSelectionHint = "Drag over words to select them (double-click a word, triple-click its paragraph); Shift+drag, or the Area tool, draws an area around a figure or a table."

// tagPanel is the reader's side panel: the selection, the numbered theme
// buttons that tag it, a note, and the page's annotations with edit and
// remove one click away.
type tagPanel struct {
	u       *UI
	r       *readerPane
	content fyne.CanvasObject

	selLabel *widget.Label
	note     *widget.Entry
	buttons  *fyne.Container
	annList  *fyne.Container

	themes []index.Theme
	annots []index.Annotation
	// shownKey says which cards the list shows (see showAnnotations)
	shownKey string
}

func newTagPanel(u *UI, r *readerPane) *tagPanel {
	p := &tagPanel{u: u, r: r}
	p.selLabel = widget.NewLabel(selectionHint)
	p.selLabel.Wrapping = fyne.TextWrapWord
	p.note = widget.NewMultiLineEntry()
	p.note.SetPlaceHolder("Note (optional), saved with the tag")
	p.note.SetMinRowsVisible(2)
	p.note.Wrapping = fyne.TextWrapWord
	p.buttons = container.NewVBox()
	p.annList = container.NewVBox()
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	box := container.NewVBox(
		bold("Selection"), p.selLabel, p.note,
		bold("Tag with (keys 1–9)"), p.buttons,
		widget.NewSeparator(),
		bold("Annotations on this page"), p.annList,
	)
	// scrolled up and down only: the panel's width is the column's, and
	// what is wider wraps or ends in an ellipsis
	p.content = container.NewVScroll(box)
	return p
}

// setThemes updates the theme buttons.
func (p *tagPanel) setThemes(themes []index.Theme) {
	p.themes = themes
	p.shownKey = "" // the cards show the themes' colours
	p.buttons.RemoveAll()
	for i, t := range themes {
		t := t
		label := t.Name
		if i < 9 {
			label = fmt.Sprintf("%d  %s", i+1, t.Name)
		}
		indent := canvas.NewRectangle(nil)
		indent.SetMinSize(fyne.NewSize(float32(t.Depth)*14, 0))
		row := newChoiceRow(label, fyne.TextStyle{Bold: t.Depth == 0}, container.NewHBox(indent, swatch(t.Color)), "", func() { p.tag(t.Name) })
		p.buttons.Add(row)
	}
	p.r.refreshMarks()
}

// setAnnotations shows the page's annotations.
func (p *tagPanel) setAnnotations(annots []index.Annotation) {
	p.annots = annots
	p.showAnnotations()
}

func (p *tagPanel) themeColour(name string) string {
	for _, t := range p.themes {
		if t.Name == name {
			return t.Color
		}
	}
	return "#808080"
}

// colourSpans are the page's annotations in their first theme's colour.
func (p *tagPanel) colourSpans() []colourSpan {
	var out []colourSpan
	for _, a := range p.annots {
		if a.Orphaned || a.IsArea() || len(a.Themes) == 0 {
			continue
		}
		for _, th := range a.Themes {
			out = append(out, colourSpan{index.ReadingSpan{Start: a.Start, End: a.End}, parseColour(p.themeColour(th), 0x60)})
		}
	}
	return out
}

func (p *tagPanel) selectionChanged() {
	sel := p.r.selection()
	switch {
	case p.r.pageShown() && p.r.area != nil:
		a := *p.r.area
		label := fmt.Sprintf("Area of page %d, %.0f × %.0f points", p.r.page, a.Width(), a.Height())
		if inside := strings.Join(strings.Fields(index.TextInArea(p.r.pv.text, p.r.pv.boxes, a)), " "); inside != "" {
			if r := []rune(inside); len(r) > 200 {
				inside = string(r[:200]) + "…"
			}
			label += ": “" + inside + "”"
		}
		p.selLabel.SetText(label)
	case sel.End <= sel.Start && p.r.pageShown():
		p.selLabel.SetText(pageSelectionHint)
	case sel.End <= sel.Start:
		p.selLabel.SetText(selectionHint)
	default:
		text := strings.Join(strings.Fields(p.r.selectedText()), " ")
		if r := []rune(text); len(r) > 280 {
			text = string(r[:140]) + " … " + string(r[len(r)-120:])
		}
		p.selLabel.SetText("“" + text + "”")
	}
	p.showAnnotations()
}

// showAnnotations lists the page's annotations, those touching the
// selection first.
func (p *tagPanel) showAnnotations() {
	sel := p.r.selection()
	var first, rest []index.Annotation
	for _, a := range p.annots {
		touches := sel.End > sel.Start && !a.IsArea() && a.Start < sel.End && a.End > sel.Start
		if area := p.r.area; area != nil && p.r.pageShown() && a.IsArea() && a.Rect != nil {
			touches = area.Overlaps(*a.Rect)
		}
		if touches {
			first = append(first, a)
		} else {
			rest = append(rest, a)
		}
	}
	order := append(first, rest...)
	// The same cards in the same order (a page drawn, a selection that
	// touches the same annotations): nothing to redo. Cards are costly
	// to lay out (wrapped labels), so they are replaced at once.
	key := fmt.Sprint(len(p.annots) == 0)
	for _, a := range order {
		key += fmt.Sprintf("|%d %s %v %s", a.ID, a.UpdatedAt.Format(time.RFC3339Nano), a.Themes, a.Note)
	}
	if key == p.shownKey && p.annList.Objects != nil {
		return
	}
	p.shownKey = key
	var objs []fyne.CanvasObject
	if len(p.annots) == 0 {
		objs = append(objs, widget.NewLabel("None yet."))
	}
	for _, a := range order {
		objs = append(objs, p.annotationCard(a))
	}
	p.annList.Objects = objs
	p.annList.Refresh()
}

func (p *tagPanel) annotationCard(a index.Annotation) fyne.CanvasObject {
	quote := strings.Join(strings.Fields(a.Quote), " ")
	if r := []rune(quote); len(r) > 160 {
		quote = string(r[:160]) + "…"
	}
	themes := widget.NewLabelWithStyle(strings.Join(a.Themes, ", "), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	themes.Wrapping = fyne.TextWrapWord
	text := "“" + quote + "”"
	if a.IsArea() {
		text = "Area of the page (shown in the page view)"
		if quote != "" {
			text = "Area of the page: “" + quote + "”"
		}
	}
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{themes, body}
	if a.Coder != "" && !strings.EqualFold(a.Coder, p.u.coderName()) {
		by := widget.NewLabelWithStyle("coded by "+a.Coder, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		by.Truncation = fyne.TextTruncateEllipsis
		parts = append(parts, by)
	}
	if a.Note != "" {
		note := widget.NewLabelWithStyle("Note: "+a.Note, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		note.Wrapping = fyne.TextWrapWord
		parts = append(parts, note)
	}
	show := widget.NewButtonWithIcon("", theme.VisibilityIcon(), func() {
		if a.IsArea() && !p.r.pageShown() {
			p.r.focusAnnot = a.ID // an area is seen on the page
			p.r.setPageMode(true)
			return
		}
		p.r.showAnnotation(a)
	})
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { p.edit(a) })
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { p.remove(a) })
	colour := ""
	if len(a.Themes) > 0 {
		colour = p.themeColour(a.Themes[0])
	}
	bar := canvas.NewRectangle(parseColour(colour, 0xff))
	bar.SetMinSize(fyne.NewSize(4, 10))
	return container.NewBorder(nil, widget.NewSeparator(), bar, container.NewVBox(show, edit, remove), container.NewVBox(parts...))
}

// tag codes the selection with a theme (and the note, if any). A
// selection that is exactly an existing annotation gains the theme.
func (p *tagPanel) tag(themeName string) {
	sel := p.r.selection()
	if p.r.hasDoc && p.r.doc.PageCount == 0 {
		p.u.setStatus("This entry has no pages to code: import its PDF first.")
		return
	}
	if p.r.pageShown() && p.r.area != nil {
		p.tagArea(themeName, *p.r.area)
		return
	}
	if sel.End <= sel.Start || !p.r.hasDoc {
		p.u.setStatus("Select a passage first: click a sentence, or drag over words.")
		return
	}
	note := strings.TrimSpace(p.note.Text)
	lib := p.u.lib
	coder := p.u.coderName()
	for _, a := range p.annots {
		// the coder's own annotation of exactly the selection gains the
		// theme; another coder's is theirs, never changed
		if a.Start == sel.Start && a.End == sel.End && strings.EqualFold(a.Coder, coder) {
			id := a.ID
			p.u.change(fmt.Sprintf("Tagged with %s", themeName), func() error {
				up := index.AnnotationUpdate{AddThemes: []string{themeName}}
				if note != "" {
					up.Note = &note
				}
				_, err := lib.UpdateAnnotation(p.u.ctx, id, up)
				return err
			}, func() { p.note.SetText("") })
			return
		}
	}
	req := index.TagRequest{DocID: p.r.doc.ID, Page: p.r.page, Start: sel.Start, End: sel.End,
		Themes: []string{themeName}, Note: note, Author: p.u.authorName()}
	p.u.change(fmt.Sprintf("Tagged with %s", themeName), func() error {
		_, err := lib.Tag(p.u.ctx, req)
		return err
	}, func() { p.note.SetText("") })
}

// tagArea codes the area drawn on the page; an area that is exactly the
// coder's own area annotation gains the theme (another coder's is theirs:
// the coder gets an area of their own).
func (p *tagPanel) tagArea(themeName string, area index.Rect) {
	note := strings.TrimSpace(p.note.Text)
	lib := p.u.lib
	done := func() {
		p.note.SetText("")
		p.r.area = nil
	}
	coder := p.u.coderName()
	for _, a := range p.annots {
		if a.IsArea() && a.Rect != nil && sameRect(*a.Rect, area) && strings.EqualFold(a.Coder, coder) {
			id := a.ID
			p.u.change(fmt.Sprintf("Area tagged with %s", themeName), func() error {
				up := index.AnnotationUpdate{AddThemes: []string{themeName}}
				if note != "" {
					up.Note = &note
				}
				_, err := lib.UpdateAnnotation(p.u.ctx, id, up)
				return err
			}, done)
			return
		}
	}
	req := index.TagRequest{DocID: p.r.doc.ID, Page: p.r.page, Rect: &area, Themes: []string{themeName}, Note: note, Author: p.u.authorName()}
	p.u.change(fmt.Sprintf("Area tagged with %s", themeName), func() error {
		_, err := lib.Tag(p.u.ctx, req)
		return err
	}, done)
}

// sameRect tells rectangles equal to a hundredth of a point.
func sameRect(a, b index.Rect) bool {
	return math.Abs(a.X1-b.X1) < 0.01 && math.Abs(a.Y1-b.Y1) < 0.01 && math.Abs(a.X2-b.X2) < 0.01 && math.Abs(a.Y2-b.Y2) < 0.01
}

// tagNumbered tags the selection with the nth theme (keys 1–9).
func (p *tagPanel) tagNumbered(n int) {
	if n >= 1 && n <= len(p.themes) && n <= 9 {
		p.tag(p.themes[n-1].Name)
	}
}

// tagWithNote asks for a theme and a note for the selection (Enter).
func (p *tagPanel) tagWithNote() {
	sel := p.r.selection()
	if (sel.End <= sel.Start && !(p.r.pageShown() && p.r.area != nil)) || len(p.themes) == 0 {
		return
	}
	var names []string
	for _, t := range p.themes {
		names = append(names, t.Name)
	}
	pick := widget.NewSelect(names, nil)
	pick.PlaceHolder = "Theme"
	note := widget.NewMultiLineEntry()
	note.SetText(p.note.Text)
	items := []*widget.FormItem{widget.NewFormItem("Theme", pick), widget.NewFormItem("Note", note)}
	dialog.ShowForm("Tag the selection", "Tag", "Cancel", items, func(ok bool) {
		if ok && pick.Selected != "" {
			p.note.SetText(note.Text)
			p.tag(pick.Selected)
		}
	}, p.u.win)
}

// edit changes an annotation's note and themes.
func (p *tagPanel) edit(a index.Annotation) {
	var names []string
	for _, t := range p.themes {
		names = append(names, t.Name)
	}
	checks := widget.NewCheckGroup(names, nil)
	checks.SetSelected(a.Themes)
	note := widget.NewMultiLineEntry()
	note.SetText(a.Note)
	note.SetMinRowsVisible(3)
	content := container.NewBorder(container.NewVBox(widget.NewLabel("Note"), note, widget.NewLabel("Themes")), nil, nil, nil, container.NewVScroll(checks))
	d := dialog.NewCustomConfirm("Edit annotation", "Save", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		if len(checks.Selected) == 0 {
			p.remove(a)
			return
		}
		text := note.Text
		themes := append([]string(nil), checks.Selected...)
		lib := p.u.lib
		p.u.change("Annotation saved", func() error {
			_, err := lib.UpdateAnnotation(p.u.ctx, a.ID, index.AnnotationUpdate{Note: &text, Themes: themes})
			return err
		}, nil)
	}, p.u.win)
	d.Resize(fyne.NewSize(520, 560))
	d.Show()
}

// remove deletes an annotation (undo brings it back).
func (p *tagPanel) remove(a index.Annotation) {
	lib := p.u.lib
	p.u.change("Annotation removed (Ctrl+Z brings it back)", func() error {
		return lib.Untag(p.u.ctx, a.ID)
	}, nil)
}

// annotationPane lists annotations, filtered by the sidebar's theme; a
// click opens the passage in the reader.
type annotationPane struct {
	u       *UI
	content fyne.CanvasObject
	head    *widget.Label
	list    *widget.List
	theme   string
	annots  []index.Annotation
	colours map[string]string
	gen     int
}

func newAnnotationPane(u *UI) *annotationPane {
	p := &annotationPane{u: u, colours: map[string]string{}}
	p.head = widget.NewLabel("")
	p.list = widget.NewList(
		func() int { return len(p.annots) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			quote := widget.NewLabel("")
			quote.Truncation = fyne.TextTruncateEllipsis
			note := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
			note.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, swatch("#808080"), nil, container.NewVBox(title, quote, note))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.annots) {
				return
			}
			a := p.annots[id]
			c := o.(*fyne.Container)
			box := c.Objects[0].(*fyne.Container)
			sw := c.Objects[1].(*canvas.Rectangle)
			if len(a.Themes) > 0 {
				sw.FillColor = parseColour(p.colours[a.Themes[0]], 0xff)
				sw.Refresh()
			}
			head := fmt.Sprintf("%s — %s — %s", strings.Join(a.Themes, ", "), index.PageLabel(a.PrintedPage, a.Page), a.DocTitle)
			if a.Coder != "" {
				head += " · " + a.Coder
			}
			if a.Orphaned {
				head = "[orphaned] " + head
			}
			box.Objects[0].(*widget.Label).SetText(head)
			box.Objects[1].(*widget.Label).SetText("“" + strings.Join(strings.Fields(a.Quote), " ") + "”")
			box.Objects[2].(*widget.Label).SetText(a.Note)
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		p.list.UnselectAll()
		if id < len(p.annots) {
			a := p.annots[id]
			u.OpenAnnotation(a.DocID, a.Page, a.ID)
		}
	}
	all := widget.NewButton("Show all themes", func() { u.sidebar.clearSelection() })
	p.content = container.NewBorder(container.NewBorder(nil, nil, nil, all, p.head), nil, nil, nil, p.list)
	return p
}

func (p *annotationPane) setTheme(name string) {
	p.theme = name
	p.refresh()
}

func (p *annotationPane) refresh() {
	p.gen++
	gen := p.gen
	lib := p.u.lib
	f := index.AnnotationFilter{Theme: p.theme, WithSubthemes: true, Coder: p.u.blindCoder()}
	p.u.background(func() {
		annots, err := lib.Annotations(p.u.ctx, f)
		themes, terr := lib.Themes(p.u.ctx)
		p.u.do(func() {
			if gen != p.gen {
				return
			}
			if err == nil {
				err = terr
			}
			if err != nil {
				p.head.SetText("Annotations: " + err.Error())
				return
			}
			for _, t := range themes {
				p.colours[t.Name] = t.Color
			}
			p.annots = annots
			what := "all themes"
			if p.theme != "" {
				what = p.theme
			}
			if f.Coder != "" {
				what += " — yours only (blind coding)"
			}
			p.head.SetText(fmt.Sprintf("%d annotations — %s", len(annots), what))
			p.list.Refresh()
		})
	})
}
