package app

import (
	"image/color"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// colourSpan is a stretch of text drawn on a coloured background (an
// annotation in its theme's colour).
type colourSpan struct {
	index.ReadingSpan
	colour color.NRGBA
}

// textView shows one page of text, reflowed to its width, with annotations
// on their theme colour, search terms in bold, find matches and the
// selection marked. Fyne's text widgets cannot select by sentence or draw
// backgrounds behind words, so it lays the words out itself.
//
// Selecting: a click selects the sentence under the pointer, Shift+click
// extends the selection to the clicked sentence, a double click selects the
// paragraph, and dragging selects exactly the words dragged over.
type textView struct {
	widget.BaseWidget

	text       []rune
	sentences  []index.ReadingSpan
	paragraphs []index.ReadingSpan
	colours    []colourSpan
	terms      []index.ReadingSpan
	finds      []index.ReadingSpan
	uncertain  []index.ReadingSpan // words OCR read with low confidence: underlined
	current    int                 // the current find match, -1 for none
	sel        index.ReadingSpan

	// OnSelect is called when the selection changes (End == Start: none).
	OnSelect func(sel index.ReadingSpan)
	// OnHeightChange is called when reflowing changed the height, so that
	// the surrounding scroller can update.
	OnHeightChange func()

	shift     bool
	pressPos  fyne.Position
	pressed   bool
	dragging  bool
	anchor    int
	layoutW   float32
	height    float32
	pieces    []textPiece
	lineTops  []float32
	lineStart []int // index of the first piece of each line
}

// textPiece is a run of characters of one style on one line.
type textPiece struct {
	start, end int // runes
	x, y, w    float32
	line       int
	text       string
	style      pieceStyle
}

type pieceStyle struct {
	bg       color.Color
	bold     bool
	emphasis bool
	space    bool // a space between words: background only
	doubtful bool // a word OCR read with low confidence: underlined
}

func newTextView() *textView {
	v := &textView{current: -1}
	v.ExtendBaseWidget(v)
	return v
}

// SetText shows a new page; the selection and marks are cleared (OnSelect
// hears of a selection cleared).
func (v *textView) SetText(text string) {
	hadSelection := v.sel.End > v.sel.Start
	v.text = []rune(text)
	v.sentences = index.SentenceBounds(text)
	v.paragraphs = index.ParagraphBounds(text)
	v.colours, v.terms, v.finds, v.uncertain = nil, nil, nil, nil
	v.current = -1
	v.sel = index.ReadingSpan{}
	v.layoutW = 0
	v.Refresh()
	if hadSelection && v.OnSelect != nil {
		v.OnSelect(v.sel)
	}
}

// Text is the page shown.
func (v *textView) Text() string { return string(v.text) }

// SetMarks sets the annotation colours, search terms and find matches.
func (v *textView) SetMarks(colours []colourSpan, terms, finds []index.ReadingSpan, current int) {
	v.colours, v.terms, v.finds, v.current = colours, terms, finds, current
	v.layoutW = 0
	v.Refresh()
}

// Selection is the selected span (Start == End: none).
func (v *textView) Selection() index.ReadingSpan { return v.sel }

// Select sets the selection.
func (v *textView) Select(s index.ReadingSpan) {
	if s.Start < 0 {
		s.Start = 0
	}
	if s.End > len(v.text) {
		s.End = len(v.text)
	}
	if s.End < s.Start {
		s.End = s.Start
	}
	v.sel = s
	v.layoutW = 0
	v.Refresh()
	if v.OnSelect != nil {
		v.OnSelect(s)
	}
}

// SelectedText is the text of the selection.
func (v *textView) SelectedText() string {
	if v.sel.End <= v.sel.Start {
		return ""
	}
	return string(v.text[v.sel.Start:v.sel.End])
}

// OffsetOf returns the vertical position of a character (for scrolling).
func (v *textView) OffsetOf(r int) float32 {
	for _, p := range v.pieces {
		if p.end > r {
			return p.y
		}
	}
	return 0
}

func (v *textView) textSize() float32 { return theme.TextSize() * 1.08 }

func (v *textView) lineHeight() float32 { return v.textSize() * 1.5 }

// styleAt is the look of one character.
func (v *textView) styles() []pieceStyle {
	st := make([]pieceStyle, len(v.text))
	for _, c := range v.colours {
		for i := max(c.Start, 0); i < min(c.End, len(st)); i++ {
			if prev, ok := st[i].bg.(color.NRGBA); ok {
				st[i].bg = blend(prev, c.colour)
			} else {
				st[i].bg = c.colour
			}
		}
	}
	for _, t := range v.terms {
		for i := max(t.Start, 0); i < min(t.End, len(st)); i++ {
			st[i].bold, st[i].emphasis = true, true
		}
	}
	findBg := color.NRGBA{R: 0xff, G: 0xa5, B: 0x00, A: 0x70}
	currentBg := color.NRGBA{R: 0xff, G: 0x70, B: 0x00, A: 0xd0}
	for k, f := range v.finds {
		bg := findBg
		if k == v.current {
			bg = currentBg
		}
		for i := max(f.Start, 0); i < min(f.End, len(st)); i++ {
			st[i].bg = bg
		}
	}
	for _, u := range v.uncertain {
		for i := max(u.Start, 0); i < min(u.End, len(st)); i++ {
			st[i].doubtful = true
		}
	}
	if v.sel.End > v.sel.Start {
		selBg := theme.Color(theme.ColorNameSelection)
		for i := max(v.sel.Start, 0); i < min(v.sel.End, len(st)); i++ {
			st[i].bg = selBg
		}
	}
	return st
}

func blend(a, b color.NRGBA) color.NRGBA {
	return color.NRGBA{R: uint8((int(a.R) + int(b.R)) / 2), G: uint8((int(a.G) + int(b.G)) / 2), B: uint8((int(a.B) + int(b.B)) / 2), A: max(a.A, b.A)}
}

// layout reflows the text to width.
func (v *textView) layout(width float32) {
	v.layoutW = width
	v.pieces = v.pieces[:0]
	v.lineTops = v.lineTops[:0]
	v.lineStart = v.lineStart[:0]
	size := v.textSize()
	lh := v.lineHeight()
	pad := theme.Padding() * 2
	maxW := width - 2*pad
	if maxW < 50 {
		maxW = 50
	}
	st := v.styles()
	spaceW := fyne.MeasureText(" ", size, fyne.TextStyle{}).Width
	boldSpaceW := fyne.MeasureText(" ", size, fyne.TextStyle{Bold: true}).Width
	x, y := float32(0), pad
	line := 0
	newLine := func(gap float32) {
		x = 0
		y += gap
		line++
	}
	v.lineTops = append(v.lineTops, y)
	v.lineStart = append(v.lineStart, 0)
	startLine := func() {
		v.lineTops = append(v.lineTops, y)
		v.lineStart = append(v.lineStart, len(v.pieces))
	}
	i := 0
	n := len(v.text)
	for i < n {
		if unicode.IsSpace(v.text[i]) {
			j := i
			newlines := 0
			for j < n && unicode.IsSpace(v.text[j]) {
				if v.text[j] == '\n' {
					newlines++
				}
				j++
			}
			if newlines >= 2 && x > 0 || newlines >= 2 && len(v.pieces) > 0 {
				newLine(lh * 1.6)
				startLine()
			} else if x > 0 {
				// a space: drawn with the words around it (in bold inside
				// a phrase that is a search term)
				style := st[i]
				style.space = true
				w := spaceW
				if style.bold {
					w = boldSpaceW
				}
				v.pieces = append(v.pieces, textPiece{start: i, end: i + 1, x: x + pad, y: y, w: w, line: line, text: " ", style: style})
				x += w
			}
			i = j
			continue
		}
		j := i
		for j < n && !unicode.IsSpace(v.text[j]) {
			j++
		}
		// the word i..j, split where the style changes
		wordW := float32(0)
		type run struct {
			s, e int
			w    float32
		}
		var runs []run
		for k := i; k < j; {
			m := k + 1
			for m < j && sameStyle(st[m], st[k]) {
				m++
			}
			w := fyne.MeasureText(string(v.text[k:m]), size, fyne.TextStyle{Bold: st[k].bold}).Width
			runs = append(runs, run{k, m, w})
			wordW += w
			k = m
		}
		if x > 0 && x+wordW > maxW {
			// drop a trailing space piece and wrap
			if len(v.pieces) > 0 && v.pieces[len(v.pieces)-1].style.space && v.pieces[len(v.pieces)-1].line == line {
				v.pieces = v.pieces[:len(v.pieces)-1]
			}
			newLine(lh)
			startLine()
		}
		for _, r := range runs {
			v.pieces = append(v.pieces, textPiece{start: r.s, end: r.e, x: x + pad, y: y, w: r.w, line: line, text: string(v.text[r.s:r.e]), style: st[r.s]})
			x += r.w
		}
		i = j
	}
	v.height = y + lh + pad
}

func sameStyle(a, b pieceStyle) bool {
	return a.bold == b.bold && a.emphasis == b.emphasis && a.doubtful == b.doubtful && colourKey(a.bg) == colourKey(b.bg)
}

func colourKey(c color.Color) string {
	if c == nil {
		return ""
	}
	r, g, b, a := c.RGBA()
	return strconv.FormatUint(uint64(r)<<48|uint64(g)<<32|uint64(b)<<16|uint64(a), 16)
}

// runeAt returns the character under pos (the nearest on its line), or -1.
func (v *textView) runeAt(pos fyne.Position) int {
	if len(v.pieces) == 0 {
		return -1
	}
	line := sort.Search(len(v.lineTops), func(i int) bool { return v.lineTops[i] > pos.Y }) - 1
	if line < 0 {
		line = 0
	}
	best, bestDist := -1, float32(1e9)
	for k := v.lineStart[line]; k < len(v.pieces) && v.pieces[k].line <= line; k++ {
		p := v.pieces[k]
		if p.line != line || p.style.space {
			continue
		}
		if pos.X >= p.x && pos.X <= p.x+p.w {
			// the character inside the piece, by proportion
			frac := (pos.X - p.x) / p.w
			return min(p.start+int(frac*float32(p.end-p.start)), p.end-1)
		}
		d := min(abs32(pos.X-p.x), abs32(pos.X-p.x-p.w))
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best < 0 {
		return -1
	}
	p := v.pieces[best]
	if pos.X < p.x {
		return p.start
	}
	return p.end - 1
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

func containing(spans []index.ReadingSpan, r int) (index.ReadingSpan, bool) {
	for _, s := range spans {
		if r >= s.Start && r < s.End {
			return s, true
		}
	}
	// between spans: the next one
	for _, s := range spans {
		if s.Start > r {
			return s, true
		}
	}
	return index.ReadingSpan{}, false
}

// wordAt returns the word around character r.
func (v *textView) wordAt(r int) index.ReadingSpan {
	s, e := r, r
	for s > 0 && !unicode.IsSpace(v.text[s-1]) {
		s--
	}
	for e < len(v.text) && !unicode.IsSpace(v.text[e]) {
		e++
	}
	return index.ReadingSpan{Start: s, End: e}
}

// MouseDown notes whether Shift is held (the tap that follows extends).
func (v *textView) MouseDown(ev *desktop.MouseEvent) {
	v.shift = ev.Modifier&fyne.KeyModifierShift != 0
	v.pressPos, v.pressed = ev.Position, true
}

// MouseUp is part of desktop.Mouseable.
func (v *textView) MouseUp(*desktop.MouseEvent) { v.pressed = false }

// releaseFocus takes the keyboard focus from whichever field had it, so
// that the reader's keys (1–9, Enter, arrows) reach the window.
func (v *textView) releaseFocus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Unfocus()
	}
}

// Tapped selects the sentence under the pointer, or extends the selection
// to it with Shift.
func (v *textView) Tapped(ev *fyne.PointEvent) {
	v.releaseFocus()
	r := v.runeAt(ev.Position)
	if r < 0 {
		return
	}
	s, ok := containing(v.sentences, r)
	if !ok {
		return
	}
	if v.shift && v.sel.End > v.sel.Start {
		s = index.ReadingSpan{Start: min(s.Start, v.sel.Start), End: max(s.End, v.sel.End)}
	}
	v.shift = false
	v.Select(s)
}

// DoubleTapped selects the paragraph under the pointer.
func (v *textView) DoubleTapped(ev *fyne.PointEvent) {
	v.releaseFocus()
	r := v.runeAt(ev.Position)
	if r < 0 {
		return
	}
	if p, ok := containing(v.paragraphs, r); ok {
		v.Select(p)
	}
}

// Dragged selects the words between where the drag started and the pointer.
func (v *textView) Dragged(ev *fyne.DragEvent) {
	cur := v.runeAt(ev.Position)
	if cur < 0 {
		return
	}
	if !v.dragging {
		v.dragging = true
		from := ev.Position.Subtract(ev.Dragged)
		if v.pressed {
			from = v.pressPos
		}
		start := v.runeAt(from)
		if start < 0 {
			start = cur
		}
		v.anchor = start
	}
	a, b := v.wordAt(v.anchor), v.wordAt(cur)
	v.sel = index.ReadingSpan{Start: min(a.Start, b.Start), End: max(a.End, b.End)}
	v.layoutW = 0
	v.Refresh()
}

// DragEnd finishes a drag selection.
func (v *textView) DragEnd() {
	v.releaseFocus()
	v.dragging = false
	if v.OnSelect != nil {
		v.OnSelect(v.sel)
	}
}

// Cursor shows the text cursor over the page.
func (v *textView) Cursor() desktop.Cursor { return desktop.TextCursor }

// MinSize is the height of the text reflowed to the last width.
func (v *textView) MinSize() fyne.Size {
	v.ExtendBaseWidget(v)
	w := v.layoutW
	if w == 0 {
		w = v.Size().Width
	}
	if w == 0 {
		w = 600
	}
	if v.layoutW != w || len(v.pieces) == 0 && len(v.text) > 0 {
		v.layout(w)
	}
	return fyne.NewSize(200, v.height)
}

func (v *textView) CreateRenderer() fyne.WidgetRenderer {
	return &textViewRenderer{v: v}
}

type textViewRenderer struct {
	v       *textView
	objects []fyne.CanvasObject
	texts   []*canvas.Text
	rects   []*canvas.Rectangle
}

func (r *textViewRenderer) Layout(size fyne.Size) {
	v := r.v
	if v.layoutW != size.Width {
		oldH := v.height
		v.layout(size.Width)
		r.build()
		if v.height != oldH && v.OnHeightChange != nil {
			v.OnHeightChange()
		}
	}
}

func (r *textViewRenderer) MinSize() fyne.Size { return r.v.MinSize() }

// build makes the canvas objects for the laid-out pieces, reusing old ones.
//
// The words of a line that share a font and colour are drawn as one text,
// spaces included: the font's shaper then spaces them, and the line is
// snapped to the pixel grid once. (Drawn word by word, each word was
// snapped on its own, so the spaces between words came out a pixel or two
// wider or narrower than the font's and words seemed to run together.)
// Backgrounds are one rectangle per run of one colour on a line, edge to
// edge, so translucent highlights show no seams where words meet.
func (r *textViewRenderer) build() {
	v := r.v
	size := v.textSize()
	lh := v.lineHeight()
	fg := theme.Color(theme.ColorNameForeground)
	em := theme.Color(theme.ColorNamePrimary)
	r.objects = r.objects[:0]
	nt, nr := 0, 0
	for _, run := range backgroundRuns(v.pieces) {
		var rect *canvas.Rectangle
		if nr < len(r.rects) {
			rect = r.rects[nr]
		} else {
			rect = canvas.NewRectangle(nil)
			r.rects = append(r.rects, rect)
		}
		nr++
		rect.FillColor = run.bg
		rect.Move(fyne.NewPos(run.x, run.y))
		rect.Resize(fyne.NewSize(run.w, lh))
		r.objects = append(r.objects, rect)
	}
	for _, p := range v.pieces {
		if p.style.doubtful && !p.style.space {
			r.objects = append(r.objects, r.underline(&nr, p, lh, size))
		}
	}
	for _, run := range textRuns(v.pieces) {
		var t *canvas.Text
		if nt < len(r.texts) {
			t = r.texts[nt]
		} else {
			t = canvas.NewText("", fg)
			r.texts = append(r.texts, t)
		}
		nt++
		t.Text = run.text
		t.TextSize = size
		t.TextStyle = fyne.TextStyle{Bold: run.bold}
		t.Color = fg
		if run.emphasis {
			t.Color = em
		}
		t.Move(fyne.NewPos(run.x, run.y+(lh-size*1.3)/2))
		t.Resize(fyne.NewSize(run.w, size*1.3))
		r.objects = append(r.objects, t)
	}
}

// drawRun is a stretch of one line drawn as one object: a text of one font
// and colour, or a background of one colour.
type drawRun struct {
	x, y, w        float32
	text           string
	bold, emphasis bool
	bg             color.Color
}

// textRuns joins the pieces of each line that share font and colour; a
// space at the end of a line is left out.
func textRuns(pieces []textPiece) []drawRun {
	var runs []drawRun
	var b strings.Builder
	flush := func() {
		if len(runs) > 0 {
			last := &runs[len(runs)-1]
			last.text = b.String()
		}
		b.Reset()
	}
	line := -1
	for _, p := range pieces {
		if n := len(runs); n > 0 && p.line == line && runs[n-1].bold == p.style.bold && runs[n-1].emphasis == p.style.emphasis {
			b.WriteString(p.text)
			runs[n-1].w = p.x + p.w - runs[n-1].x
			continue
		}
		flush()
		line = p.line
		runs = append(runs, drawRun{x: p.x, y: p.y, w: p.w, bold: p.style.bold, emphasis: p.style.emphasis})
		b.WriteString(p.text)
	}
	flush()
	out := runs[:0]
	for _, r := range runs {
		if strings.TrimSpace(r.text) != "" {
			out = append(out, r)
		}
	}
	return out
}

// backgroundRuns joins the pieces of each line that share a background
// colour into one rectangle.
func backgroundRuns(pieces []textPiece) []drawRun {
	var runs []drawRun
	line, key := -1, ""
	for _, p := range pieces {
		if p.style.bg == nil {
			line = -1
			continue
		}
		k := colourKey(p.style.bg)
		if n := len(runs); n > 0 && p.line == line && k == key {
			runs[n-1].w = p.x + p.w - runs[n-1].x
			continue
		}
		line, key = p.line, k
		runs = append(runs, drawRun{x: p.x, y: p.y, w: p.w, bg: p.style.bg})
	}
	return runs
}

func (r *textViewRenderer) Refresh() {
	v := r.v
	w := v.Size().Width
	if w == 0 {
		w = v.layoutW
	}
	oldH := v.height
	v.layout(w)
	r.build()
	for _, o := range r.objects {
		o.Refresh()
	}
	if v.height != oldH && v.OnHeightChange != nil {
		v.OnHeightChange()
	}
}

func (r *textViewRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *textViewRenderer) Destroy()                     {}

// parseColour reads #RRGGBB (or #RGB) into a colour with alpha a.
func parseColour(hex string, a uint8) color.NRGBA {
	h := strings.TrimPrefix(strings.TrimSpace(hex), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil || len(h) != 6 {
		return color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: a}
	}
	return color.NRGBA{R: uint8(n >> 16), G: uint8(n >> 8), B: uint8(n), A: a}
}
