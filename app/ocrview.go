package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/rapport-qda/rapport/index"
)

// SetUncertain marks the words OCR read with low confidence (rune spans of
// the page's text): they are underlined in the warning colour, so a reader
// checks them against the scan before quoting.
func (v *textView) SetUncertain(spans [][2]int) {
	v.uncertain = v.uncertain[:0]
	for _, s := range spans {
		v.uncertain = append(v.uncertain, index.ReadingSpan{Start: s[0], End: s[1]})
	}
	v.layoutW = 0
	v.Refresh()
}

// underline returns the line under a doubtful word (a rectangle from the
// renderer's pool, counted in *nr).
func (r *textViewRenderer) underline(nr *int, p textPiece, lh, size float32) *canvas.Rectangle {
	var rect *canvas.Rectangle
	if *nr < len(r.rects) {
		rect = r.rects[*nr]
	} else {
		rect = canvas.NewRectangle(nil)
		r.rects = append(r.rects, rect)
	}
	*nr++
	rect.FillColor = theme.Color(theme.ColorNameWarning)
	// Under the text's baseline, within the line.
	y := p.y + (lh-size*1.3)/2 + size*1.2
	rect.Move(fyne.NewPos(p.x, y))
	rect.Resize(fyne.NewSize(p.w, max(1.5, size/10)))
	return rect
}
