package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// The reader's page view: the article's page as printed (rendered by
// PDFium), beside the text view. Both views show the same page, select
// the same spans of its text and tag through the same panel; the page
// view also draws and codes areas. Which view is on show is remembered.

// prefReaderMode remembers the reader's view: "text" or "page".
const prefReaderMode = "readerMode"

// Page view sizes and bounds.
const (
	renderCacheBytes = 24 << 20 // the pages drawn, kept for turning back (ten at 75 dpi)
	minZoom          = 0.25     // Fyne units per PDF point
	maxZoom          = 6
	zoomStep         = 1.25
	maxPagePixels    = 12_000_000 // a page's image at most (48 MB): deeper zooms are stretched
	// actualSize is the zoom shown as 100%: a point is 1/72 inch on a
	// 96 dpi screen.
	actualSize = 96.0 / 72
)

// tracePages, when RAPPORT_TRACE_PAGES is set, writes to standard error
// how long each page of the page view took from the turn (the key, the
// button) to being on show (scripts/pageview-bench reads it).
var tracePages = os.Getenv("RAPPORT_TRACE_PAGES") != ""

// pdfiumStarted tells whether the PDF engine runs already (a variable so
// that tests can see the first start's notice).
var pdfiumStarted = pdfiumStartedDefault

func pdfiumStartedDefault() bool { return pdfium.Started() }

// pageRender is what the reader draws a page of the page view with,
// loaded off the UI goroutine.
type pageRender struct {
	// when it was asked for, and how long drawing and the highlights and
	// boxes took (RAPPORT_TRACE_PAGES)
	asked            time.Time
	infoMs, drawMs   float64
	marksMs, queueMs float64
	ready            time.Time
	cached           bool
	page             index.RenderedPage
	zoom             float32 // Fyne units per point the page was drawn for
	boxes            []importer.Box
	boxesErr         error
	highlights       []index.PageHighlight
	err              error
}

// pageViewRequest is what the UI goroutine decides before a page is
// drawn: the zoom (or the width to fit), the canvas's scale.
type pageViewRequest struct {
	fit      bool
	zoom     float32
	width    float32 // the view's width, for fit
	scale    float32
	renderer *index.PageRenderer
	coder    string // coding blind: whose annotations are drawn
}

// newPageViewPart makes the page view and its controls.
func (r *readerPane) newPageViewPart() {
	r.fitWidth = true
	r.zoom = 1
	r.pv = newPageView()
	r.pageScroll = container.NewScroll(container.NewCenter(r.pv))
	r.pageNotice = widget.NewLabel("")
	r.pageNotice.Wrapping = fyne.TextWrapWord
	r.pageNotice.Alignment = fyne.TextAlignCenter
	r.pageProgress = widget.NewProgressBarInfinite()
	r.pageProgress.Stop()
	r.pageNoticeBox = container.NewVBox(layoutSpacer(60), r.pageNotice, r.pageProgress)
	r.pageNoticeBox.Hide()
	watcher := &widthLayout{onWidth: r.pageWidthChanged}
	r.pagePart = container.New(watcher, container.NewStack(r.pageScroll, container.NewPadded(r.pageNoticeBox)))
	r.pagePart.Hide()

	r.textBtn = widget.NewButtonWithIcon("Text", theme.DocumentIcon(), func() { r.setPageMode(false) })
	r.pageBtn = widget.NewButtonWithIcon("Page", theme.FileImageIcon(), func() { r.setPageMode(true) })
	r.zoomLabel = widget.NewLabel("")
	r.areaBtn = widget.NewButtonWithIcon("Area", theme.ViewFullScreenIcon(), r.toggleAreaTool)
	r.zoomBar = container.NewHBox(
		widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { r.zoomBy(1 / zoomStep) }),
		r.zoomLabel,
		widget.NewButtonWithIcon("", theme.ZoomFitIcon(), r.zoomFit),
		widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { r.zoomBy(zoomStep) }),
		r.areaBtn,
	)
	r.zoomBar.Hide()

	r.pv.OnSelect = func(s index.ReadingSpan) {
		if s.End > s.Start && r.area != nil {
			r.area = nil
			r.refreshMarks()
		}
		r.tagPanel.selectionChanged()
	}
	r.pv.OnArea = func(b importer.Box) {
		a := index.Rect{X1: float64(b.X0), Y1: float64(b.Y0), X2: float64(b.X1), Y2: float64(b.Y1)}.Round()
		r.area = &a
		r.pv.Select(index.ReadingSpan{})
		r.refreshMarks()
		r.u.setStatus("Area drawn: press 1–9 or a theme's button to code it, Esc to let it go.")
	}
	r.pv.OnAnnotation = r.pickAnnotation
	r.pv.OnHover = func(label string) {
		switch {
		case label != "":
			r.u.setStatus("%s", label)
			r.hoverShown = true
		case r.hoverShown:
			r.u.setStatus("")
			r.hoverShown = false
		}
	}
	r.updateModeButtons()
}

// layoutSpacer is an empty object of a height.
func layoutSpacer(h float32) fyne.CanvasObject {
	s := widget.NewLabel("")
	s.Hide()
	box := container.NewGridWrap(fyne.NewSize(1, h), s)
	return box
}

// widthLayout stacks its objects over its whole size and reports width
// changes (the page view refits the page to a new width).
type widthLayout struct {
	width   float32
	onWidth func(float32)
}

func (l *widthLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
	if size.Width != l.width {
		l.width = size.Width
		if l.onWidth != nil {
			l.onWidth(size.Width)
		}
	}
}

func (l *widthLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}

// setPageMode shows the page view (or the text view), keeps the
// selection, and remembers the choice.
func (r *readerPane) setPageMode(on bool) {
	r.u.app.Preferences().SetString(prefReaderMode, map[bool]string{true: "page", false: "text"}[on])
	if on == r.pageMode {
		return
	}
	sel := r.selection()
	r.pageMode = on
	r.area = nil
	r.updateModeButtons()
	if !r.pageShown() {
		r.refreshMarks() // the text view gets the page's text first
		r.view.Select(sel)
		return
	}
	r.carrySelection = sel
	r.reload()
}

// pageShown tells whether the page view is on show: the page mode on a
// stored PDF.
func (r *readerPane) pageShown() bool {
	return r.pageMode && r.hasDoc && r.isPDF()
}

func (r *readerPane) isPDF() bool {
	return r.doc.Kind == string(importer.KindPDF) && r.doc.SHA256 != "" && r.doc.PageCount > 0
}

// updateModeButtons shows the view chosen and its controls.
func (r *readerPane) updateModeButtons() {
	page := r.pageShown()
	r.textBtn.Importance, r.pageBtn.Importance = widget.HighImportance, widget.MediumImportance
	if r.pageMode {
		r.textBtn.Importance, r.pageBtn.Importance = widget.MediumImportance, widget.HighImportance
	}
	if r.hasDoc && r.doc.ID != 0 && !r.isPDF() {
		r.pageBtn.Disable() // a text source or a metadata-only entry has no page to draw
	} else {
		r.pageBtn.Enable()
	}
	r.textBtn.Refresh()
	r.pageBtn.Refresh()
	if page {
		r.scroll.Hide()
		r.pagePart.Show()
		r.zoomBar.Show()
	} else {
		r.pagePart.Hide()
		r.zoomBar.Hide()
		r.scroll.Show()
	}
	r.areaBtn.Importance = widget.MediumImportance
	if r.pv.AreaTool {
		r.areaBtn.Importance = widget.HighImportance
	}
	r.areaBtn.Refresh()
	r.updateZoomLabel()
}

func (r *readerPane) updateZoomLabel() {
	if r.fitWidth {
		r.zoomLabel.SetText("Fit")
		return
	}
	r.zoomLabel.SetText(fmt.Sprintf("%.0f%%", float64(r.zoom)/actualSize*100))
}

// toggleAreaTool makes a plain drag draw an area (or select text again).
func (r *readerPane) toggleAreaTool() {
	r.pv.AreaTool = !r.pv.AreaTool
	r.updateModeButtons()
	if r.pv.AreaTool {
		r.u.setStatus("Area tool: drag over a figure or a table to draw an area, then press 1–9 to code it.")
	} else {
		r.u.setStatus("")
	}
}

// zoomBy zooms the page in or out by a factor, from what is on show.
func (r *readerPane) zoomBy(f float32) {
	if !r.pageShown() {
		return
	}
	z := r.pv.Zoom()
	if z <= 0 {
		z = r.zoom
	}
	r.zoom = min(max(z*f, minZoom), maxZoom)
	r.fitWidth = false
	r.rerenderPage()
}

// zoomFit fits the page to the view's width again (Ctrl+0).
func (r *readerPane) zoomFit() {
	if !r.pageShown() {
		return
	}
	r.fitWidth = true
	r.rerenderPage()
}

// rerenderPage draws the page again at the current zoom, keeping the
// selection and the place on the page.
func (r *readerPane) rerenderPage() {
	r.updateZoomLabel()
	if !r.hasDoc {
		return
	}
	r.carrySelection = r.selection()
	r.load(r.doc.ID, r.page, false)
}

// pageWidthChanged refits the page when the view's width changes (a
// window resized, the split moved), once the width has settled.
func (r *readerPane) pageWidthChanged(w float32) {
	if !r.fitWidth || !r.pageShown() || w <= 0 || r.pv.page.Image == nil {
		return
	}
	if math.Abs(float64(r.fitZoom(w, r.pv.page.Info.Width)-r.pv.Zoom())) < 0.01 {
		return
	}
	r.u.debounce(&r.widthTimer, 250*time.Millisecond, r.rerenderPage)
}

// fitZoom is the zoom that fits a page pageWidth points wide into the view
// w units wide.
func (r *readerPane) fitZoom(w float32, pageWidth float64) float32 {
	avail := w - 2*theme.Padding() - theme.ScrollBarSize()
	if pageWidth <= 0 || avail <= 0 {
		return 1
	}
	return min(max(avail/float32(pageWidth), minZoom), maxZoom)
}

// pageRequest notes, on the UI goroutine, how the next page is drawn.
func (r *readerPane) pageRequest() *pageViewRequest {
	if !r.pageMode {
		return nil
	}
	scale := float32(1)
	if c := r.u.win.Canvas(); c != nil && c.Scale() > 0 {
		scale = c.Scale()
	}
	w := r.pageScroll.Size().Width
	if w <= 0 {
		w = r.scroll.Size().Width
	}
	return &pageViewRequest{fit: r.fitWidth, zoom: r.zoom, width: w, scale: scale, renderer: r.rendererFor(r.u.lib), coder: r.u.blindCoder()}
}

// rendererFor returns the page renderer of the library on show (a new
// one after a library switch).
func (r *readerPane) rendererFor(lib *index.Library) *index.PageRenderer {
	if r.renderer == nil || r.rendererLib != lib {
		if r.renderer != nil {
			r.renderer.Close()
		}
		r.renderer, r.rendererLib = lib.NewPageRenderer(renderCacheBytes), lib
	}
	return r.renderer
}

// stopRendering closes the page renderer (its open document and drawn
// pages) and stops drawing ahead; safe off the UI goroutine.
func (r *readerPane) stopRendering() {
	if r.prefetchStop != nil {
		r.prefetchStop()
	}
	if r.renderer != nil {
		r.renderer.Close()
	}
}

// loadPage draws a page for the page view (off the UI goroutine).
func (r *readerPane) loadPage(ctx context.Context, lib *index.Library, req *pageViewRequest, docID int64, page int) *pageRender {
	out := &pageRender{}
	ti := time.Now()
	info, err := req.renderer.Info(ctx, docID, page)
	out.infoMs = ms(time.Since(ti))
	if err != nil {
		out.err = err
		return out
	}
	zoom := req.zoom
	if req.fit {
		zoom = r.fitZoom(req.width, info.Width)
	}
	// Pixels of the image for a unit of the view: the canvas's scale, so
	// that a page is as sharp as the screen; deep zooms are stretched.
	dpi := math.Round(72 * float64(zoom*req.scale))
	if px := info.Width * info.Height * (dpi / 72) * (dpi / 72); px > maxPagePixels {
		dpi = math.Floor(72 * math.Sqrt(maxPagePixels/(info.Width*info.Height)))
	}
	out.zoom = zoom
	t0 := time.Now()
	_, out.cached = req.renderer.Cached(docID, page, max(dpi, 18))
	if out.page, err = req.renderer.Render(ctx, docID, page, max(dpi, 18)); err != nil {
		out.err = err
		return out
	}
	t1 := time.Now()
	out.boxes, out.boxesErr = lib.PageBoxes(ctx, docID, page)
	out.highlights, _ = lib.PageHighlightsOf(ctx, docID, page, req.coder)
	out.drawMs, out.marksMs = ms(t1.Sub(t0)), ms(time.Since(t1))
	out.ready = time.Now()
	return out
}

// renderPage draws the page of d for the page view off the UI goroutine
// and shows it, unless another page was asked for meanwhile.
func (r *readerPane) renderPage(d pageData, samePage, scrollTop bool) {
	gen := r.generation
	req := r.pageRequest()
	lib := r.u.lib
	docID, page := d.doc.ID, d.page.Number
	asked := time.Now()
	r.u.background(func() {
		pr := r.loadPage(r.u.ctx, lib, req, docID, page)
		pr.asked = asked
		r.u.do(func() {
			if gen != r.generation || !r.pageShown() {
				return
			}
			pr.queueMs = ms(time.Since(pr.ready))
			d.render = pr
			r.showPageView(pr, d.page.Text, samePage, scrollTop)
			r.showNotice(d)
		})
	})
}

// prefetchNext draws the next page ahead, at the zoom of this one, while
// the reader reads; a turn or another document cancels it.
func (r *readerPane) prefetchNext(pr *pageRender) {
	if r.prefetchStop != nil {
		r.prefetchStop()
		r.prefetchStop = nil
	}
	if pr == nil || pr.err != nil || r.page >= r.doc.PageCount || r.renderer == nil {
		return
	}
	ctx, stop := context.WithCancel(r.u.ctx)
	r.prefetchStop = stop
	rend, doc, next, dpi := r.renderer, r.doc.ID, r.page+1, pr.page.DPI
	lib := r.u.lib
	r.u.background(func() {
		defer stop()
		rend.Prefetch(ctx, doc, next, dpi)
		if ctx.Err() == nil {
			lib.PageHighlights(ctx, doc, next) // warms the boxes of a document read by PDFium
		}
	})
}

// showPreparing says the page view is being prepared: the first page of a
// session starts PDFium, which takes seconds the first time.
func (r *readerPane) showPreparing() {
	if pdfiumStarted() {
		return
	}
	r.pageNotice.SetText("Preparing the page view… (the PDF engine starts once per session; the first time on this computer it takes a few seconds)")
	r.pageNoticeBox.Show()
	r.pageProgress.Start()
	r.pageScroll.Hide()
	// on show even before the document is known to be a PDF (the first
	// page of a session); show() puts the text view back if it is not
	r.scroll.Hide()
	r.pagePart.Show()
}

// showPageView puts a drawn page on show (UI goroutine).
func (r *readerPane) showPageView(pr *pageRender, text string, samePage, scrollTop bool) {
	r.pageProgress.Stop()
	if pr.err != nil {
		msg := "The page cannot be drawn: " + pr.err.Error()
		if errors.Is(pr.err, pdfium.ErrUnavailable) {
			msg = "The page view needs the PDF engine, which could not start on this computer (" + pr.err.Error() + "). The text view works without it."
		}
		r.pageNotice.SetText(msg)
		r.pageNoticeBox.Show()
		r.pageScroll.Hide()
		return
	}
	r.pageNoticeBox.Hide()
	r.pageScroll.Show()
	keep := index.ReadingSpan{}
	if samePage {
		keep = r.pv.Selection()
	}
	if r.carrySelection.End > r.carrySelection.Start {
		keep, r.carrySelection = r.carrySelection, index.ReadingSpan{}
	}
	boxes := pr.boxes
	if pr.boxesErr != nil {
		boxes = nil
	}
	if !samePage || r.pv.page.Image != pr.page.Image || r.pv.Zoom() != pr.zoom {
		offset := r.pageScroll.Offset
		r.pv.zoom = max(pr.zoom, 0.1)
		r.pv.SetPage(pr.page, text, boxes)
		r.pageScroll.Refresh()
		if samePage && !scrollTop {
			r.pageScroll.ScrollToOffset(offset)
		}
	}
	r.highlights = pr.highlights
	r.boxesErr = pr.boxesErr
	if keep.End > keep.Start && len(boxes) > 0 {
		r.pv.sel = keep
	}
	if !samePage {
		r.area = nil
	}
	r.refreshMarks()
	if scrollTop {
		r.pageScroll.ScrollToTop()
	}
	r.updateZoomLabel()
	r.tagPanel.selectionChanged()
	if tracePages && !r.turnStarted.IsZero() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(os.Stderr, "page-view doc=%d page=%d dpi=%.0f cached=%v text=%.1f info=%.1f draw=%.1f marks=%.1f queue=%.1f ui=%.1f heap=%dMB sys=%dMB ms=%.1f\n", r.doc.ID, r.page, pr.page.DPI, pr.cached,
			ms(pr.asked.Sub(r.turnStarted)), pr.infoMs, pr.drawMs, pr.marksMs, pr.queueMs, ms(time.Since(pr.ready))-pr.queueMs, m.HeapInuse>>20, m.Sys>>20, ms(time.Since(r.turnStarted)))
		r.turnStarted = time.Time{}
	}
	r.prefetchNext(pr)
	// the view's width changed while the page was drawn (a window just
	// resized): fit it again once the width settles
	if w := r.pageScroll.Size().Width; r.fitWidth && w > 0 && math.Abs(float64(r.fitZoom(w, pr.page.Info.Width)-pr.zoom)) > 0.01 {
		r.u.debounce(&r.widthTimer, 250*time.Millisecond, r.rerenderPage)
	}
}

// pageMarks are what the page view draws over the page: the annotations
// (areas outlined), the find matches outlined (the current one filled too)
// and the area drawn and not yet coded.
func (r *readerPane) pageMarks() []pageMark {
	marks := highlightMarks(r.highlights)
	if len(r.pv.boxes) > 0 {
		orange := color.NRGBA{0xff, 0x8c, 0x00, 0xff}
		for i, s := range r.findSpans {
			if s.Start < 0 || s.End > len(r.pv.boxes) || s.End <= s.Start {
				continue
			}
			rects := index.LineRects(r.pv.boxes[s.Start:s.End])
			if i == r.findCur {
				marks = append(marks, pageMark{rects: rects, colours: []color.NRGBA{{0xff, 0x8c, 0x00, 0x50}}})
			}
			marks = append(marks, pageMark{rects: rects, colours: []color.NRGBA{orange}, outline: true})
		}
	}
	if a := r.area; a != nil {
		marks = append(marks, pageMark{rects: []importer.Box{{X0: float32(a.X1), Y0: float32(a.Y1), X1: float32(a.X2), Y1: float32(a.Y2)}},
			colours: []color.NRGBA{toNRGBA(theme.Color(theme.ColorNamePrimary))}, outline: true})
	}
	return marks
}

func toNRGBA(c color.Color) color.NRGBA {
	return color.NRGBAModel.Convert(c).(color.NRGBA)
}

// pickAnnotation selects an annotation clicked on the page: its passage,
// or its area (theme keys then add themes to it).
func (r *readerPane) pickAnnotation(id int64) {
	for _, a := range r.tagPanel.annots {
		if a.ID != id {
			continue
		}
		if a.IsArea() && a.Rect != nil {
			rect := *a.Rect
			r.area = &rect
			r.pv.Select(index.ReadingSpan{})
			r.refreshMarks()
		} else {
			r.pv.Select(index.ReadingSpan{Start: a.Start, End: a.End})
		}
		label := strings.Join(a.Themes, ", ")
		if a.Note != "" {
			label += " — " + a.Note
		}
		r.u.setStatus("Selected: %s", label)
		return
	}
}

// scrollPageTo scrolls the page view to character rn of the page.
func (r *readerPane) scrollPageTo(rn int) {
	pos, ok := r.pv.charPos(rn)
	if !ok {
		return
	}
	r.scrollPageToY(pos.Y)
}

func (r *readerPane) scrollPageToY(y float32) {
	// the page sits in a centring box: its top is where the box puts it
	y += r.pv.Position().Y - r.pageScroll.Size().Height/3
	if y < 0 {
		y = 0
	}
	r.pageScroll.ScrollToOffset(fyne.NewPos(r.pageScroll.Offset.X, y))
}

// showArea scrolls the page view to an area.
func (r *readerPane) showArea(a index.Rect) {
	pos, _ := r.pv.rectOf(importer.Box{X0: float32(a.X1), Y0: float32(a.Y1), X1: float32(a.X2), Y1: float32(a.Y2)})
	r.scrollPageToY(pos.Y)
}

// pageNoticeText says what a page view shows of a page without text.
func pageNoticeText(d pageData, pr *pageRender) string {
	switch {
	case pr == nil || pr.err != nil:
		return ""
	case errors.Is(pr.boxesErr, index.ErrStaleText):
		return "This document's text was read by an older version of Rapport, so its words cannot be selected on the page until it is read again (rapport reextract). Areas can be coded."
	case strings.TrimSpace(d.page.Text) == "":
		return "No text was found on this page: drag with Shift (or use the Area tool) over a figure, a table or an image to code it as an area."
	}
	return ""
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
