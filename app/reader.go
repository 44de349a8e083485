package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/importer"
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
	scanInfo *widget.Label // how a scanned page was read (ocrui.go)
	pageJump *widget.Entry
	find     *widget.Entry
	findInfo *widget.Label
	openPDF  *widget.Button
	details  *widget.Button // opens the metadata editor
	view     *textView
	scroll   *container.Scroll
	tagPanel *tagPanel
	// notice says why a page shows no text (a metadata-only entry, a page
	// without text) and what to do
	notice    *widget.Label
	noticeBox fyne.CanvasObject

	// the page view (see readerpage.go): the page as printed, with its
	// controls; pageMode is the view chosen (remembered), shown on PDFs
	pageMode       bool
	pv             *pageView
	pageScroll     *container.Scroll
	pagePart       *fyne.Container
	pageNotice     *widget.Label
	pageProgress   *widget.ProgressBarInfinite
	pageNoticeBox  *fyne.Container
	textBtn        *widget.Button
	pageBtn        *widget.Button
	zoomBar        *fyne.Container
	zoomLabel      *widget.Label
	areaBtn        *widget.Button
	renderer       *index.PageRenderer
	rendererLib    *index.Library
	fitWidth       bool
	zoom           float32     // Fyne units per PDF point, when not fitting the width
	widthTimer     *time.Timer // refits the page once a new width settles
	area           *index.Rect // the area drawn (or picked) and not yet coded
	highlights     []index.PageHighlight
	boxesErr       error             // why the page's words cannot be selected, if so
	hoverShown     bool              // the status line shows what the pointer is over
	carrySelection index.ReadingSpan // selection to restore after a redraw or a switch of views
	prefetchStop   context.CancelFunc
	turnStarted    time.Time // when the page on its way was asked for (RAPPORT_TRACE_PAGES)

	doc      index.Document
	hasDoc   bool
	page     int
	query    string
	pageText string
	// pageUncertain are the page's words OCR read with low confidence
	pageUncertain [][2]int
	terms         []index.ReadingSpan
	findSpans     []index.ReadingSpan
	findCur       int
	findWant      int // which match to show when a page loads: 0 first, -1 last
	generation    int
	focusAnnot    int64             // annotation to select once the page is shown
	focusSpan     index.ReadingSpan // or a passage to select (a disagreement)
	quiet         bool              // the next load restores the last document: a missing one is no error
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
	r.openPDF = widget.NewButtonWithIcon("Open PDF", theme.FileApplicationIcon(), r.openOriginal)
	r.openPDF.Disable()
	r.details = widget.NewButtonWithIcon("Details…", theme.DocumentCreateIcon(), func() {
		if r.hasDoc {
			u.ShowMetadataEditor(r.doc.ID)
		}
	})
	r.details.Disable()

	r.notice = widget.NewLabel("")
	r.view = newTextView()
	r.scroll = container.NewVScroll(r.view)
	r.view.OnHeightChange = func() { r.scroll.Refresh() }
	r.tagPanel = newTagPanel(u, r)
	r.view.OnSelect = func(index.ReadingSpan) { r.tagPanel.selectionChanged() }
	r.newPageViewPart()
	r.pageMode = u.app.Preferences().String(prefReaderMode) == "page"

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
	r.notice.Wrapping = fyne.TextWrapWord
	r.noticeBox = container.NewBorder(nil, widget.NewSeparator(), widget.NewIcon(theme.InfoIcon()),
		widget.NewButtonWithIcon("Import…", theme.ContentAddIcon(), u.ShowImport), r.notice)
	r.noticeBox.Hide()
	r.scanInfo = widget.NewLabel("")
	views := container.NewHBox(r.scanInfo, r.textBtn, r.pageBtn, r.zoomBar, r.details)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, views, r.title), container.NewBorder(nil, nil, nav, nil, findBar), widget.NewSeparator(), r.noticeBox)
	split := container.NewHSplit(container.NewStack(r.scroll, r.pagePart), r.tagPanel.content)
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

// OpenPassage shows a page with a passage (start to end, in code points)
// selected.
func (u *UI) OpenPassage(docID int64, page, start, end int) {
	u.ShowView(ViewReader)
	u.reader.open(docID, page, "", 0)
	u.reader.focusSpan = index.ReadingSpan{Start: start, End: end} // before the page shows: it loads in the background
}

func (r *readerPane) open(docID int64, page int, query string, annot int64) {
	r.query = query
	r.focusAnnot = annot
	r.focusSpan = index.ReadingSpan{}
	r.hasDoc = true
	r.doc = index.Document{ID: docID}
	r.load(docID, page, true)
}

// restore opens the document last read, at its page, quietly: it may have
// been removed since.
func (r *readerPane) restore(docID int64, page int) {
	r.quiet = true
	r.open(docID, page, "", 0)
}

// close forgets the document (another library was opened).
func (r *readerPane) close() {
	r.hasDoc = false
	r.doc = index.Document{}
	r.page = 0
	r.view.SetText("")
	r.title.SetText("Open a document from the library or a search result.")
	r.pageInfo.SetText("")
	r.scanInfo.SetText("")
	r.openPDF.Disable()
	r.noticeBox.Hide()
	r.details.Disable()
	r.area = nil
	r.highlights = nil
	r.pv.SetPage(index.RenderedPage{}, "", nil)
	if r.renderer != nil {
		r.renderer.Close()
		r.renderer, r.rendererLib = nil, nil
	}
	r.updateModeButtons()
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
	render *pageRender // the page view's page, when it is on show
}

// load fetches a page off the UI goroutine and shows it.
func (r *readerPane) load(docID int64, page int, scrollTop bool) {
	r.generation++
	gen := r.generation
	lib := r.u.lib
	query := r.query
	quiet := r.quiet
	coder := r.u.blindCoder()
	r.quiet = false
	// With the PDF engine running, the page is drawn in the same job as
	// its text is read, and both go on show in one update of the window
	// (one frame); its first start shows the text, then the page.
	var preq *pageViewRequest
	if r.pageMode {
		r.showPreparing()
		r.turnStarted = time.Now()
		if pdfiumStarted() {
			preq = r.pageRequest()
		}
	}
	if r.prefetchStop != nil {
		r.prefetchStop() // the page drawn ahead is no longer the next
		r.prefetchStop = nil
	}
	asked := time.Now()
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
			d.annots, err = pageAnnotations(r.u, lib, docID, d.page.Number, coder)
		}
		if err == nil && preq != nil && d.doc.Kind == string(importer.KindPDF) && d.doc.SHA256 != "" && d.doc.PageCount > 0 {
			d.render = r.loadPage(r.u.ctx, lib, preq, docID, d.page.Number)
			d.render.asked = asked
		}
		r.u.do(func() {
			if gen != r.generation {
				return
			}
			if err != nil {
				if errors.Is(err, index.ErrNotFound) {
					r.close()
					if quiet {
						return
					}
				}
				r.u.setStatus("Reader: %v", err)
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
	r.pageUncertain = d.page.Uncertain
	title := displayTitle(&d.doc)
	if a := authorList(&d.doc); a != "" {
		title += " — " + a
	}
	if d.doc.Year > 0 {
		title += fmt.Sprintf(" (%d)", d.doc.Year)
	}
	r.title.SetText(title)
	r.details.Enable()
	r.updateModeButtons()
	r.pageInfo.SetText(readerPageInfo(d.doc, d.page))
	r.scanInfo.SetText(ocrPageInfo(d.page))
	// The text view is laid out only when on show (the page view keeps
	// it hidden: see syncTextView).
	if !samePage && !r.pageShown() {
		r.view.SetText(d.page.Text)
		r.view.SetUncertain(d.page.Uncertain)
	}
	r.terms = d.terms
	r.tagPanel.setAnnotations(d.annots)
	want := r.findWant
	r.findWant = 0
	if samePage {
		want = 1
	}
	r.findInPage(want)
	if samePage && !r.pageShown() {
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
	if r.pageShown() {
		// the page itself next, off the UI goroutine; until it is drawn
		// the page before stays on show, with nothing to select on it
		if !samePage && d.render == nil {
			r.pv.SetPage(r.pv.page, "", nil)
			r.highlights, r.area = nil, nil
		}
		if d.render != nil {
			d.render.queueMs = ms(time.Since(d.render.ready))
			r.showPageView(d.render, d.page.Text, samePage, scrollTop)
		} else {
			r.renderPage(d, samePage, scrollTop)
		}
	} else {
		r.pageProgress.Stop()
		r.pageNoticeBox.Hide()
		r.pageScroll.Show()
		if sel := r.carrySelection; sel.End > sel.Start {
			r.view.Select(sel)
		}
		r.carrySelection = index.ReadingSpan{}
	}
	r.showNotice(d)
	prefs := r.u.app.Preferences()
	prefs.SetInt(prefLastDoc, int(d.doc.ID))
	prefs.SetInt(prefLastPage, d.page.Number)
	prefs.SetString(prefLastLibrary, r.u.lib.Dir())
	if r.focusAnnot != 0 {
		for _, a := range d.annots {
			if a.ID == r.focusAnnot {
				r.showAnnotation(a)
			}
		}
		r.focusAnnot = 0
	} else if sp := r.focusSpan; sp.End > sp.Start {
		r.focusSpan = index.ReadingSpan{}
		if sp.End <= len([]rune(d.page.Text)) {
			r.view.Select(sp)
			r.scrollTo(sp.Start)
		}
	} else if len(d.terms) > 0 && scrollTop {
		r.scrollTo(d.terms[0].Start)
	}
}

// showNotice says why a page shows no text, and what to do: a
// metadata-only entry has no pages at all; a page of a PDF may hold no text
// (a scanned image).
func (r *readerPane) showNotice(d pageData) {
	var msg string
	switch {
	case r.pageShown():
		msg = pageNoticeText(d, d.render)
	case d.doc.PageCount == 0:
		msg = "This entry has no PDF or text in the library, only its metadata (from a BibTeX, RIS or CSL-JSON record), so there are no pages to read or code."
		if strings.TrimSpace(d.doc.Abstract) != "" {
			msg += " Its abstract is shown below."
		}
		msg += " Import the article's PDF (Import…, or drop it on the window): it joins this entry by its DOI or title."
	case d.page.Scanned && strings.TrimSpace(d.page.Text) == "":
		msg = r.scanNotice(d.page)
	case strings.TrimSpace(d.page.Text) == "":
		msg = "No text was found on this page: it may be a scanned image or a figure. Open PDF shows it as printed."
	}
	r.notice.SetText(msg)
	if msg == "" {
		r.noticeBox.Hide()
	} else {
		r.noticeBox.Show()
	}
}

// refreshMarks redraws annotation colours, terms and find matches in the
// view on show.
func (r *readerPane) refreshMarks() {
	if r.pageShown() {
		r.pv.SetMarks(r.pageMarks())
		return
	}
	r.syncTextView()
	r.view.SetMarks(r.tagPanel.colourSpans(), r.terms, r.findSpans, r.findCur)
}

// syncTextView gives the text view the page's text when the page view
// kept it from it.
func (r *readerPane) syncTextView() {
	if r.view.Text() != r.pageText {
		r.view.SetText(r.pageText)
		r.view.SetUncertain(r.pageUncertain)
	}
}

// selection is the selected span of the page's text in the view on show.
func (r *readerPane) selection() index.ReadingSpan {
	if r.pageShown() {
		return r.pv.Selection()
	}
	return r.view.Selection()
}

// selectedText is the text of the selection in the view on show.
func (r *readerPane) selectedText() string {
	if r.pageShown() {
		return r.pv.SelectedText()
	}
	return r.view.SelectedText()
}

// selectSpan selects a span of the page's text in the view on show.
func (r *readerPane) selectSpan(s index.ReadingSpan) {
	if r.pageShown() {
		r.area = nil
		r.pv.Select(s)
		r.refreshMarks()
		return
	}
	r.view.Select(s)
}

// showAnnotation selects an annotation and scrolls to it.
func (r *readerPane) showAnnotation(a index.Annotation) {
	if a.IsArea() && a.Rect != nil {
		if r.pageShown() {
			rect := *a.Rect
			r.area = &rect
			r.pv.Select(index.ReadingSpan{})
			r.refreshMarks()
			r.showArea(rect)
		}
		return
	}
	r.selectSpan(index.ReadingSpan{Start: a.Start, End: a.End})
	r.scrollTo(a.Start)
}

// refreshColours follows a light/dark switch.
func (r *readerPane) refreshColours() { r.view.Refresh() }

func (r *readerPane) scrollTo(rn int) {
	if r.pageShown() {
		r.scrollPageTo(rn)
		return
	}
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
		sc := r.scroll
		if r.pageShown() {
			sc = r.pageScroll
		}
		off := sc.Offset
		off.Y = max(0, off.Y+step)
		sc.ScrollToOffset(off)
	case fyne.KeyEscape:
		if r.area != nil {
			r.area = nil
			r.refreshMarks()
			r.tagPanel.selectionChanged()
		}
		r.selectSpan(index.ReadingSpan{})
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

// viewerGrace is how long "Open PDF" watches the viewer it
// started: one that quits with an error within it did not open the file
// (xdg-open quits at once when no program opens PDFs).
var viewerGrace = 10 * time.Second

// openOriginal opens the stored PDF in a viewer at the current page. When
// no viewer starts, or the one started fails at once, a dialog says so and
// gives the file's path to open it by hand.
func (r *readerPane) openOriginal() {
	path := r.u.lib.FilePath(r.doc)
	if path == "" {
		return
	}
	if _, err := os.Stat(path); err != nil {
		r.viewerFailed(path, "The library's copy of this PDF is missing; importing the PDF again restores it.")
		return
	}
	page := r.page
	cmd := viewerCommand(path, page)
	viewer := filepath.Base(cmd.Path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		why := fmt.Sprintf("No PDF viewer could be started (%s: %v).", viewer, err)
		if errors.Is(err, exec.ErrNotFound) && viewer == "xdg-open" {
			why = "No PDF viewer was found: none of evince, okular, zathura, qpdfview, mupdf or xdg-open is installed."
		}
		r.viewerFailed(path, why)
		return
	}
	r.u.setStatus("Opening page %d of %s with %s…", page, filepath.Base(path), viewer)
	r.u.background(func() {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(viewerGrace):
		}
		if err == nil {
			return
		}
		why := err.Error()
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			why = msg
		}
		r.u.do(func() {
			r.u.setStatus("")
			r.viewerFailed(path, fmt.Sprintf("No PDF viewer opened the file: %s said %q.", viewer, why))
		})
	})
}

// viewerFailed says why the PDF did not open and where the file is, with a
// button that copies its path.
func (r *readerPane) viewerFailed(path, why string) {
	msg := widget.NewLabel(why + " The file is stored at:")
	msg.Wrapping = fyne.TextWrapWord
	where := widget.NewLabel(path)
	where.Wrapping = fyne.TextWrapBreak
	where.Selectable = true
	copyPath := widget.NewButtonWithIcon("Copy path", theme.ContentCopyIcon(), func() {
		r.u.app.Clipboard().SetContent(path)
		r.u.setStatus("Copied %s", path)
	})
	content := container.NewVBox(msg, where, container.NewHBox(copyPath))
	d := dialog.NewCustom("Open PDF", "Close", content, r.u.win)
	d.Resize(fyne.NewSize(r.u.dialogWidth(620), d.MinSize().Height))
	d.Show()
}

// viewerCommand is the command that opens a PDF: a viewer that can open
// at a page when one is installed, else the system's default viewer.
func viewerCommand(path string, page int) *exec.Cmd {
	p := strconv.Itoa(page)
	switch runtime.GOOS {
	case "darwin":
		return exec.Command("open", path)
	case "windows":
		return exec.Command("cmd", "/c", "start", "", path)
	}
	viewers := [][]string{
		{"evince", "--page-index=" + p, path},
		{"okular", "-p", p, path},
		{"zathura", "-P", p, path},
		{"qpdfview", path + "#" + p},
		{"mupdf", path, p},
	}
	for _, v := range viewers {
		if _, err := exec.LookPath(v[0]); err == nil {
			return exec.Command(v[0], v[1:]...)
		}
	}
	return exec.Command("xdg-open", path)
}
