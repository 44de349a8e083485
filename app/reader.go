package app

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// readerPane shows one document page by page: navigation, jump to page,
// find in the document, search terms and annotations highlighted, and the
// tagging panel for the selection.
type readerPane struct {
	u       *UI
	content fyne.CanvasObject

	title    *widget.Label
	pageInfo *widget.Label
	pageJump *widget.Entry
	find     *widget.Entry
	findInfo *widget.Label
	openPDF  *widget.Button
	view     *textView
	scroll   *container.Scroll
	tagPanel *tagPanel

	doc        index.Document
	hasDoc     bool
	page       int
	query      string
	pageText   string
	terms      []index.ReadingSpan
	findSpans  []index.ReadingSpan
	findCur    int
	findWant   int // which match to show when a page loads: 0 first, -1 last
	generation int
	focusAnnot int64 // annotation to select once the page is shown
}

func newReaderPane(u *UI) *readerPane {
	r := &readerPane{u: u}
	r.title = widget.NewLabelWithStyle("Open a document from the library or a search result.", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.pageInfo = widget.NewLabel("")
	r.pageJump = widget.NewEntry()
	r.pageJump.SetPlaceHolder("page")
	r.pageJump.OnSubmitted = func(s string) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err == nil {
			r.showPage(n)
		}
		r.pageJump.SetText("")
		u.win.Canvas().Unfocus()
	}
	r.find = widget.NewEntry()
	r.find.SetPlaceHolder("Find in document")
	r.find.OnChanged = func(string) { r.findInPage(0) }
	r.find.OnSubmitted = func(string) { r.findNext(1) }
	r.findInfo = widget.NewLabel("")
	r.openPDF = widget.NewButtonWithIcon("Open PDF at this page", theme.FileApplicationIcon(), r.openOriginal)
	r.openPDF.Disable()

	r.view = newTextView()
	r.scroll = container.NewVScroll(r.view)
	r.view.OnHeightChange = func() { r.scroll.Refresh() }
	r.tagPanel = newTagPanel(u, r)
	r.view.OnSelect = func(index.ReadingSpan) { r.tagPanel.selectionChanged() }

	nav := container.NewHBox(
		widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { r.showPage(1) }),
		widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { r.showPage(r.page - 1) }),
		r.pageInfo,
		widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { r.showPage(r.page + 1) }),
		widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { r.showPage(r.doc.PageCount) }),
		container.NewGridWrap(fyne.NewSize(80, r.pageJump.MinSize().Height), r.pageJump),
	)
	findBar := container.NewBorder(nil, nil, nil, container.NewHBox(
		r.findInfo,
		widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { r.findNext(-1) }),
		widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { r.findNext(1) }),
		r.openPDF,
	), r.find)
	top := container.NewVBox(r.title, container.NewBorder(nil, nil, nav, nil, findBar), widget.NewSeparator())
	split := container.NewHSplit(r.scroll, r.tagPanel.content)
	split.SetOffset(0.7)
	r.content = container.NewBorder(top, nil, nil, nil, split)
	return r
}

// OpenDocument shows a document's page in the reader, with the words of
// query highlighted.
func (u *UI) OpenDocument(docID int64, page int, query string) {
	// The view first: the page then loads in the background, and nothing
	// lays the reader out while that job updates it.
	u.ShowView(ViewReader)
	u.reader.open(docID, page, query, 0)
}

// OpenAnnotation shows the page of an annotation with it selected.
func (u *UI) OpenAnnotation(docID int64, page int, annotationID int64) {
	u.ShowView(ViewReader)
	u.reader.open(docID, page, "", annotationID)
}

func (r *readerPane) open(docID int64, page int, query string, annot int64) {
	r.query = query
	r.focusAnnot = annot
	r.hasDoc = true
	r.doc = index.Document{ID: docID}
	r.load(docID, page, true)
}

// close forgets the document (another library was opened).
func (r *readerPane) close() {
	r.hasDoc = false
	r.doc = index.Document{}
	r.page = 0
	r.view.SetText("")
	r.title.SetText("Open a document from the library or a search result.")
	r.pageInfo.SetText("")
	r.openPDF.Disable()
	r.tagPanel.selectionChanged()
}

// reload shows the current page again (annotations or text changed).
func (r *readerPane) reload() {
	if r.hasDoc {
		r.load(r.doc.ID, r.page, false)
	}
}

func (r *readerPane) showPage(n int) {
	if !r.hasDoc || n < 1 || n > r.doc.PageCount || n == r.page {
		return
	}
	r.load(r.doc.ID, n, true)
}

// pageData is what the reader loads for one page off the UI goroutine.
type pageData struct {
	doc    index.Document
	page   index.Page
	terms  []index.ReadingSpan
	annots []index.Annotation
}

// load fetches a page off the UI goroutine and shows it.
func (r *readerPane) load(docID int64, page int, scrollTop bool) {
	r.generation++
	gen := r.generation
	lib := r.u.lib
	query := r.query
	r.u.background(func() {
		var d pageData
		var err error
		d.doc, err = lib.Document(r.u.ctx, docID)
		if err == nil {
			if page < 1 {
				page = 1
			}
			if d.doc.PageCount > 0 && page > d.doc.PageCount {
				page = d.doc.PageCount
			}
			if d.doc.PageCount > 0 {
				d.page, err = lib.PageText(r.u.ctx, docID, page)
			} else {
				d.page = index.Page{DocID: docID, Number: 1, Text: d.doc.Abstract}
			}
		}
		if err == nil && query != "" {
			d.terms, _ = lib.TermBounds(r.u.ctx, query, d.page.Text)
		}
		if err == nil {
			d.annots, err = pageAnnotations(r.u, lib, docID, d.page.Number)
		}
		r.u.do(func() {
			if gen != r.generation {
				return
			}
			if err != nil {
				r.u.setStatus("Reader: %v", err)
				if errors.Is(err, index.ErrNotFound) {
					r.close()
				}
				return
			}
			r.show(d, scrollTop)
		})
	})
}

func (r *readerPane) show(d pageData, scrollTop bool) {
	samePage := r.page == d.page.Number && r.doc.ID == d.doc.ID && r.pageText == d.page.Text
	sel := r.view.Selection()
	r.doc = d.doc
	r.page = d.page.Number
	r.pageText = d.page.Text
	title := displayTitle(&d.doc)
	if a := authorList(&d.doc); a != "" {
		title += " — " + a
	}
	if d.doc.Year > 0 {
		title += fmt.Sprintf(" (%d)", d.doc.Year)
	}
	r.title.SetText(title)
	r.pageInfo.SetText(readerPageInfo(d.doc, d.page))
	if !samePage {
		r.view.SetText(d.page.Text)
	}
	r.terms = d.terms
	r.tagPanel.setAnnotations(d.annots)
	want := r.findWant
	r.findWant = 0
	if samePage {
		want = 1
	}
	r.findInPage(want)
	if samePage {
		r.view.Select(sel)
	}
	if r.u.lib.FilePath(d.doc) != "" && d.doc.Kind == "pdf" {
		r.openPDF.Enable()
	} else {
		r.openPDF.Disable()
	}
	if scrollTop {
		r.scroll.ScrollToTop()
	}
	r.u.app.Preferences().SetInt(prefLastDoc, int(d.doc.ID))
	r.u.app.Preferences().SetInt(prefLastPage, d.page.Number)
	if r.focusAnnot != 0 {
		for _, a := range d.annots {
			if a.ID == r.focusAnnot {
				r.view.Select(index.ReadingSpan{Start: a.Start, End: a.End})
				r.scrollTo(a.Start)
			}
		}
		r.focusAnnot = 0
	} else if len(d.terms) > 0 && scrollTop {
		r.scrollTo(d.terms[0].Start)
	}
}

// refreshMarks redraws annotation colours, terms and find matches.
func (r *readerPane) refreshMarks() {
	r.view.SetMarks(r.tagPanel.colourSpans(), r.terms, r.findSpans, r.findCur)
}

// refreshColours follows a light/dark switch.
func (r *readerPane) refreshColours() { r.view.Refresh() }

func (r *readerPane) scrollTo(rn int) {
	y := r.view.OffsetOf(rn) - r.scroll.Size().Height/3
	if y < 0 {
		y = 0
	}
	r.scroll.ScrollToOffset(fyne.NewPos(0, y))
}

// findInPage marks the find text's matches on the page; want selects the
// current match: 0 the first, -1 the last, 1 keeps the current one.
func (r *readerPane) findInPage(want int) {
	needle := strings.ToLower(strings.TrimSpace(r.find.Text))
	r.findSpans = nil
	if needle != "" {
		hay := []rune(strings.ToLower(r.pageText))
		nr := []rune(needle)
		for i := 0; i+len(nr) <= len(hay); i++ {
			if string(hay[i:i+len(nr)]) == needle {
				r.findSpans = append(r.findSpans, index.ReadingSpan{Start: i, End: i + len(nr)})
				i += len(nr) - 1
			}
		}
	}
	switch {
	case len(r.findSpans) == 0:
		r.findCur = -1
	case want == 0:
		r.findCur = 0
	case want == -1:
		r.findCur = len(r.findSpans) - 1
	case r.findCur < 0:
		r.findCur = 0
	case r.findCur >= len(r.findSpans):
		r.findCur = len(r.findSpans) - 1
	}
	if needle == "" {
		r.findInfo.SetText("")
	} else {
		r.findInfo.SetText(fmt.Sprintf("%d on this page", len(r.findSpans)))
	}
	r.refreshMarks()
	if r.findCur >= 0 && want != 1 {
		r.scrollTo(r.findSpans[r.findCur].Start)
	}
}

// findNext moves to the next (dir 1) or previous (dir -1) match, going on
// to the following pages of the document when the page has no more.
func (r *readerPane) findNext(dir int) {
	needle := strings.ToLower(strings.TrimSpace(r.find.Text))
	if needle == "" || !r.hasDoc {
		return
	}
	if next := r.findCur + dir; r.findCur >= 0 && next >= 0 && next < len(r.findSpans) {
		r.findCur = next
		r.refreshMarks()
		r.scrollTo(r.findSpans[next].Start)
		return
	}
	// look on the other pages, lazily, off the UI goroutine
	lib, docID, from, count := r.u.lib, r.doc.ID, r.page, r.doc.PageCount
	r.findInfo.SetText("searching…")
	r.u.background(func() {
		found := 0
		for k := 1; k < count; k++ {
			p := (from-1+dir*k+count*k)%count + 1
			pg, err := lib.PageText(r.u.ctx, docID, p)
			if err == nil && strings.Contains(strings.ToLower(pg.Text), needle) {
				found = p
				break
			}
		}
		r.u.do(func() {
			if found == 0 {
				r.findInPage(0)
				if len(r.findSpans) == 0 {
					r.findInfo.SetText("not found")
				}
				return
			}
			r.findWant = 0
			if dir < 0 {
				r.findWant = -1
			}
			r.load(docID, found, true)
		})
	})
}

func (r *readerPane) focusFind() {
	r.u.ShowView(ViewReader)
	r.u.win.Canvas().Focus(r.find)
}

// typedKey handles the reader's page keys.
func (r *readerPane) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyLeft, fyne.KeyPageUp:
		r.showPage(r.page - 1)
	case fyne.KeyRight, fyne.KeyPageDown:
		r.showPage(r.page + 1)
	case fyne.KeyHome:
		r.showPage(1)
	case fyne.KeyEnd:
		r.showPage(r.doc.PageCount)
	case fyne.KeyUp, fyne.KeyDown:
		step := r.view.lineHeight() * 3
		if ev.Name == fyne.KeyUp {
			step = -step
		}
		off := r.scroll.Offset
		off.Y = max(0, off.Y+step)
		r.scroll.ScrollToOffset(off)
	case fyne.KeyEscape:
		r.view.Select(index.ReadingSpan{})
	case fyne.KeyReturn, fyne.KeyEnter:
		r.tagPanel.tagWithNote()
	}
}

// typedRune tags the selection with theme 1–9.
func (r *readerPane) typedRune(c rune) {
	if c >= '1' && c <= '9' {
		r.tagPanel.tagNumbered(int(c - '0'))
	}
}

// openOriginal opens the stored PDF in the system viewer at the current
// page where the viewer supports it.
func (r *readerPane) openOriginal() {
	path := r.u.lib.FilePath(r.doc)
	if path == "" {
		return
	}
	if err := openAtPage(path, r.page); err != nil {
		dialog.ShowError(fmt.Errorf("open %s: %w", path, err), r.u.win)
	}
}

// openAtPage starts a PDF viewer: one that can open at a page when
// installed, else the system's default viewer.
func openAtPage(path string, page int) error {
	p := strconv.Itoa(page)
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", path)
	case "windows":
		cmd = exec.Command("cmd", "/c", "start", "", path)
	default:
		viewers := [][]string{
			{"evince", "--page-index=" + p, path},
			{"okular", "-p", p, path},
			{"zathura", "-P", p, path},
			{"qpdfview", path + "#" + p},
			{"mupdf", path, p},
		}
		for _, v := range viewers {
			if _, err := exec.LookPath(v[0]); err == nil {
				cmd = exec.Command(v[0], v[1:]...)
				break
			}
		}
		if cmd == nil {
			cmd = exec.Command("xdg-open", path)
		}
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
