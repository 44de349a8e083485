package app

import (
	"image/color"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// pageMark is something drawn over the page: an annotation's rectangles in
// its themes' colours, an area annotation's outline, a search hit.
type pageMark struct {
	annotation int64
	rects      []importer.Box // PDF user space
	colours    []color.NRGBA
	label      string // themes and note, shown when the pointer is over it
	outline    bool   // drawn as an outline (areas, search hits), not a fill
}

// pageView shows a page as the author printed it: rendered by PDFium, each
// coded passage over the boxes of its characters in its themes' colours
// (several themes in stripes), area annotations and search hits outlined.
//
// Selecting is the text view's, on the page: a drag selects the characters
// between its ends in the page text's order (following the columns, not
// the screen rectangle), a double click a word, a triple click a
// paragraph; a click on a passage selects its annotation. Shift+drag draws
// an area (a figure, a table) to code.
type pageView struct {
	widget.BaseWidget

	page  index.RenderedPage
	text  []rune
	boxes []importer.Box
	marks []pageMark
	sel   index.ReadingSpan
	zoom  float32 // Fyne units per PDF point

	// OnSelect is called when the text selection changes (End == Start:
	// none); OnArea when an area was drawn (PDF user space); OnAnnotation
	// when a click picked an annotation; OnHover with the label of the
	// mark under the pointer ("" when none).
	OnSelect     func(index.ReadingSpan)
	OnArea       func(importer.Box)
	OnAnnotation func(id int64)
	OnHover      func(label string)
	// AreaTool makes a plain drag draw an area (as Shift+drag does).
	AreaTool bool

	shift      bool
	pressPos   fyne.Position
	pressed    bool
	dragging   bool
	dragFrom   fyne.Position
	dragTo     fyne.Position
	areaDrag   bool
	lastDouble time.Time
	hover      string
}

func newPageView() *pageView {
	v := &pageView{zoom: 1}
	v.ExtendBaseWidget(v)
	return v
}

// SetPage shows a rendered page with its text and its characters' boxes
// (one per rune of text); the selection and marks are cleared.
func (v *pageView) SetPage(p index.RenderedPage, text string, boxes []importer.Box) {
	v.page, v.text, v.boxes = p, []rune(text), boxes
	v.marks, v.sel = nil, index.ReadingSpan{}
	v.Refresh()
}

// SetZoom sets the size of the page: Fyne units per PDF point.
func (v *pageView) SetZoom(z float32) {
	v.zoom = max(z, 0.1)
	v.Refresh()
}

// Zoom is the current zoom.
func (v *pageView) Zoom() float32 { return v.zoom }

// SetMarks sets what is drawn over the page.
func (v *pageView) SetMarks(marks []pageMark) {
	v.marks = marks
	v.Refresh()
}

// Selection is the selected span of the page text.
func (v *pageView) Selection() index.ReadingSpan { return v.sel }

// Select sets the selection.
func (v *pageView) Select(s index.ReadingSpan) {
	s.Start, s.End = max(s.Start, 0), min(s.End, len(v.text))
	if s.End < s.Start {
		s.End = s.Start
	}
	v.sel = s
	v.Refresh()
	if v.OnSelect != nil {
		v.OnSelect(s)
	}
}

// SelectedText is the text of the selection.
func (v *pageView) SelectedText() string {
	if v.sel.End <= v.sel.Start || v.sel.End > len(v.text) {
		return ""
	}
	return string(v.text[v.sel.Start:v.sel.End])
}

// unitsDPI is the resolution at which one pixel is one Fyne unit.
func (v *pageView) unitsDPI() float64 { return 72 * float64(v.zoom) }

// toPos maps a point of the page (PDF user space) into the widget.
func (v *pageView) toPos(x, y float64) fyne.Position {
	px, py := v.page.Info.ToPixel(x, y, v.unitsDPI())
	return fyne.NewPos(float32(px), float32(py))
}

// fromPos maps a position in the widget to the page (PDF user space).
func (v *pageView) fromPos(p fyne.Position) (float64, float64) {
	return v.page.Info.FromPixel(float64(p.X), float64(p.Y), v.unitsDPI())
}

// rectOf is a box of the page as a rectangle of the widget.
func (v *pageView) rectOf(b importer.Box) (fyne.Position, fyne.Size) {
	a := v.toPos(float64(b.X0), float64(b.Y0))
	c := v.toPos(float64(b.X1), float64(b.Y1))
	x0, y0 := min(a.X, c.X), min(a.Y, c.Y)
	return fyne.NewPos(x0, y0), fyne.NewSize(max(a.X, c.X)-x0, max(a.Y, c.Y)-y0)
}

// charPos is where character i's box starts in the widget (its top
// left); ok is false when it has no box.
func (v *pageView) charPos(i int) (fyne.Position, bool) {
	if i < 0 || i >= len(v.boxes) {
		return fyne.Position{}, false
	}
	for j := i; j < len(v.boxes) && j < i+200; j++ { // a break has no box: the next character
		if !v.boxes[j].Empty() {
			pos, _ := v.rectOf(v.boxes[j])
			return pos, true
		}
	}
	return fyne.Position{}, false
}

// charAt is the character under a position of the widget, or -1.
func (v *pageView) charAt(p fyne.Position) int {
	x, y := v.fromPos(p)
	return index.CharAt(v.boxes, x, y)
}

// markAt is the mark whose rectangles hold the position, or nil.
func (v *pageView) markAt(p fyne.Position) *pageMark {
	x, y := v.fromPos(p)
	for i := len(v.marks) - 1; i >= 0; i-- {
		m := &v.marks[i]
		if m.annotation == 0 {
			continue
		}
		for _, r := range m.rects {
			if x >= float64(r.X0) && x <= float64(r.X1) && y >= float64(r.Y0) && y <= float64(r.Y1) {
				return m
			}
		}
	}
	return nil
}

// MouseDown notes whether Shift is held (a drag then draws an area).
func (v *pageView) MouseDown(ev *desktop.MouseEvent) {
	v.shift = ev.Modifier&fyne.KeyModifierShift != 0
	v.pressPos, v.pressed = ev.Position, true
}

// MouseUp is part of desktop.Mouseable.
func (v *pageView) MouseUp(*desktop.MouseEvent) { v.pressed = false }

// MouseIn, MouseMoved and MouseOut report the mark under the pointer.
func (v *pageView) MouseIn(ev *desktop.MouseEvent) { v.MouseMoved(ev) }

func (v *pageView) MouseMoved(ev *desktop.MouseEvent) {
	label := ""
	if m := v.markAt(ev.Position); m != nil {
		label = m.label
	}
	if label != v.hover {
		v.hover = label
		if v.OnHover != nil {
			v.OnHover(label)
		}
	}
}

func (v *pageView) MouseOut() {
	if v.hover != "" {
		v.hover = ""
		if v.OnHover != nil {
			v.OnHover("")
		}
	}
}

func (v *pageView) releaseFocus() {
	if fyne.CurrentApp() == nil {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Unfocus()
	}
}

// Tapped picks the annotation under the pointer; a tap right after a
// double tap (a triple click) selects the paragraph.
func (v *pageView) Tapped(ev *fyne.PointEvent) {
	v.releaseFocus()
	if time.Since(v.lastDouble) < 500*time.Millisecond {
		v.lastDouble = time.Time{}
		if c := v.charAt(ev.Position); c >= 0 {
			s, e := index.ParagraphSpan(v.text, c)
			v.Select(index.ReadingSpan{Start: s, End: e})
		}
		return
	}
	if m := v.markAt(ev.Position); m != nil {
		if v.OnAnnotation != nil {
			v.OnAnnotation(m.annotation)
		}
		return
	}
	if v.sel.End > v.sel.Start {
		v.Select(index.ReadingSpan{})
	}
}

// DoubleTapped selects the word under the pointer.
func (v *pageView) DoubleTapped(ev *fyne.PointEvent) {
	v.releaseFocus()
	v.lastDouble = time.Now()
	if c := v.charAt(ev.Position); c >= 0 {
		s, e := index.WordSpan(v.text, c)
		v.Select(index.ReadingSpan{Start: s, End: e})
	}
}

// Dragged selects the text between the drag's start and the pointer, or,
// with Shift, draws an area.
func (v *pageView) Dragged(ev *fyne.DragEvent) {
	if !v.dragging {
		v.dragging = true
		v.dragFrom = ev.Position.Subtract(ev.Dragged)
		if v.pressed {
			v.dragFrom = v.pressPos
		}
		v.areaDrag = v.shift || v.AreaTool
	}
	v.dragTo = ev.Position
	if !v.areaDrag {
		x0, y0 := v.fromPos(v.dragFrom)
		x1, y1 := v.fromPos(v.dragTo)
		if s, e, ok := index.SelectBetween(v.boxes, x0, y0, x1, y1); ok {
			v.sel = index.ReadingSpan{Start: s, End: e}
		}
	}
	v.Refresh()
}

// DragEnd finishes a selection or an area.
func (v *pageView) DragEnd() {
	v.releaseFocus()
	v.dragging = false
	if v.areaDrag {
		v.areaDrag, v.shift = false, false
		x0, y0 := v.fromPos(v.dragFrom)
		x1, y1 := v.fromPos(v.dragTo)
		area := importer.Box{X0: float32(math.Min(x0, x1)), Y0: float32(math.Min(y0, y1)), X1: float32(math.Max(x0, x1)), Y1: float32(math.Max(y0, y1))}
		v.Refresh()
		if area.X1-area.X0 >= 4 && area.Y1-area.Y0 >= 4 && v.OnArea != nil {
			v.OnArea(area)
		}
		return
	}
	if v.OnSelect != nil {
		v.OnSelect(v.sel)
	}
}

// Cursor is a cross over the page.
func (v *pageView) Cursor() desktop.Cursor { return desktop.CrosshairCursor }

// MinSize is the page at the current zoom.
func (v *pageView) MinSize() fyne.Size {
	v.ExtendBaseWidget(v)
	w, h := v.page.Info.Width, v.page.Info.Height
	if w == 0 || h == 0 {
		w, h = 612, 792
	}
	return fyne.NewSize(float32(w)*v.zoom, float32(h)*v.zoom)
}

func (v *pageView) CreateRenderer() fyne.WidgetRenderer {
	r := &pageViewRenderer{v: v, img: canvas.NewImageFromImage(nil)}
	r.img.FillMode = canvas.ImageFillStretch
	r.img.ScaleMode = canvas.ImageScaleSmooth
	r.paper = canvas.NewRectangle(color.White)
	return r
}

type pageViewRenderer struct {
	v       *pageView
	paper   *canvas.Rectangle
	img     *canvas.Image
	rects   []*canvas.Rectangle
	objects []fyne.CanvasObject
}

func (r *pageViewRenderer) Layout(fyne.Size) { r.build() }

func (r *pageViewRenderer) MinSize() fyne.Size { return r.v.MinSize() }

// rect returns the n-th rectangle canvas object, made when needed.
func (r *pageViewRenderer) rect(n int) *canvas.Rectangle {
	for len(r.rects) <= n {
		r.rects = append(r.rects, canvas.NewRectangle(color.Transparent))
	}
	return r.rects[n]
}

func (r *pageViewRenderer) build() {
	v := r.v
	size := v.MinSize()
	r.objects = append(r.objects[:0], r.paper, r.img)
	r.paper.Resize(size)
	r.img.Image = v.page.Image
	r.img.Resize(size)
	n := 0
	place := func(b importer.Box, fill, stroke color.Color, width float32) *canvas.Rectangle {
		pos, sz := v.rectOf(b)
		rc := r.rect(n)
		n++
		rc.FillColor, rc.StrokeColor, rc.StrokeWidth = fill, stroke, width
		rc.Move(pos)
		rc.Resize(sz)
		r.objects = append(r.objects, rc)
		return rc
	}
	for _, m := range v.marks {
		for _, b := range m.rects {
			if m.outline {
				c := color.NRGBA{0xff, 0x8c, 0x00, 0xff}
				if len(m.colours) > 0 {
					c = m.colours[0]
					c.A = 0xff
				}
				place(b, color.Transparent, c, 2)
				continue
			}
			cols := m.colours
			if len(cols) == 0 {
				cols = []color.NRGBA{{0xff, 0xd7, 0x00, 0x60}}
			}
			// Several themes share the passage in horizontal stripes.
			h := b.Y1 - b.Y0
			for k, c := range cols {
				stripe := b
				stripe.Y1 = b.Y1 - h*float32(k)/float32(len(cols))
				stripe.Y0 = b.Y1 - h*float32(k+1)/float32(len(cols))
				place(stripe, c, color.Transparent, 0)
			}
		}
	}
	if v.sel.End > v.sel.Start && v.sel.End <= len(v.boxes) {
		sel := theme.Color(theme.ColorNamePrimary)
		rr, gg, bb, _ := sel.RGBA()
		fill := color.NRGBA{uint8(rr >> 8), uint8(gg >> 8), uint8(bb >> 8), 0x50}
		for _, b := range index.LineRects(v.boxes[v.sel.Start:v.sel.End]) {
			place(b, fill, color.Transparent, 0)
		}
	}
	if v.dragging && v.areaDrag {
		x0, y0 := v.fromPos(v.dragFrom)
		x1, y1 := v.fromPos(v.dragTo)
		place(importer.Box{X0: float32(math.Min(x0, x1)), Y0: float32(math.Min(y0, y1)), X1: float32(math.Max(x0, x1)), Y1: float32(math.Max(y0, y1))},
			color.NRGBA{0x1f, 0x5f, 0xa8, 0x20}, theme.Color(theme.ColorNamePrimary), 1.5)
	}
}

func (r *pageViewRenderer) Refresh() {
	r.build()
	for _, o := range r.objects {
		o.Refresh()
	}
}

func (r *pageViewRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *pageViewRenderer) Destroy()                     {}

// highlightMarks turns a page's highlights into marks in their themes'
// colours (translucent).
func highlightMarks(hs []index.PageHighlight) []pageMark {
	marks := make([]pageMark, 0, len(hs))
	for _, h := range hs {
		m := pageMark{annotation: h.AnnotationID, rects: h.Rects, label: strings.Join(h.Themes, "; "), outline: h.Area}
		if h.Note != "" {
			m.label += " — " + h.Note
		}
		for _, c := range h.Colors {
			m.colours = append(m.colours, parseColour(c, 0x60))
		}
		marks = append(marks, m)
	}
	return marks
}
