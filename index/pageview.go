package index

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// The page as the author printed it: rendered by PDFium, with each coded
// passage drawn over the boxes of its characters (see PageBoxes). The
// window's page view and `rapport render` both use these.

// PageHighlight is one annotation as drawn on its page.
type PageHighlight struct {
	AnnotationID int64    `json:"annotation_id"`
	Themes       []string `json:"themes"`
	Colors       []string `json:"colors"` // "#RRGGBB", one per theme
	Note         string   `json:"note,omitempty"`
	// Rects are the passage's boxes merged line by line (the space between
	// two words on a line included), in PDF user space; an area
	// annotation's one rectangle.
	Rects []importer.Box `json:"rects"`
	// Area: an area annotation, drawn as an outline rather than a fill.
	Area bool `json:"area,omitempty"`
}

// PageHighlights returns the annotations of one page with the rectangles
// they cover. Annotations whose text cannot be placed (orphaned ones, a
// document whose text must be re-extracted) are left out; err says why
// when none can be placed.
func (l *Library) PageHighlights(ctx context.Context, docID int64, page int) ([]PageHighlight, error) {
	return l.PageHighlightsOf(ctx, docID, page, "")
}

// PageHighlightsOf is PageHighlights of one coder's annotations (every
// coder's when coder is ""; NoCoder: those that record none), as the page
// view shows them when coding blind.
func (l *Library) PageHighlightsOf(ctx context.Context, docID int64, page int, coder string) ([]PageHighlight, error) {
	anns, err := l.Annotations(ctx, AnnotationFilter{DocID: docID, Page: page, Coder: coder})
	if err != nil {
		return nil, err
	}
	if len(anns) == 0 {
		return nil, nil
	}
	// Areas do not need the text's boxes: a page whose text must be
	// re-extracted still shows them.
	hasText := false
	for _, a := range anns {
		hasText = hasText || !a.IsArea()
	}
	var boxes []importer.Box
	var boxErr error
	if hasText {
		boxes, boxErr = l.PageBoxes(ctx, docID, page)
	}
	colors, err := l.themeColors(ctx)
	if err != nil {
		return nil, err
	}
	var out []PageHighlight
	for _, a := range anns {
		var h PageHighlight
		switch {
		case a.IsArea() && a.Rect != nil:
			r := a.Rect
			h = PageHighlight{AnnotationID: a.ID, Themes: a.Themes, Note: a.Note, Area: true,
				Rects: []importer.Box{{X0: float32(r.X1), Y0: float32(r.Y1), X1: float32(r.X2), Y1: float32(r.Y2)}}}
		case boxErr != nil || a.Orphaned || a.Start < 0 || a.End > len(boxes) || a.Start >= a.End:
			continue
		default:
			h = PageHighlight{AnnotationID: a.ID, Themes: a.Themes, Note: a.Note, Rects: LineRects(boxes[a.Start:a.End])}
		}
		for _, t := range a.Themes {
			h.Colors = append(h.Colors, colors[strings.ToLower(t)])
		}
		out = append(out, h)
	}
	if len(out) == 0 && boxErr != nil {
		return nil, boxErr
	}
	return out, nil
}

func (l *Library) themeColors(ctx context.Context) (map[string]string, error) {
	themes, err := l.Themes(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(themes))
	for _, t := range themes {
		m[strings.ToLower(t.Name)] = t.Color
	}
	return m, nil
}

// LineRects merges the boxes of a run of characters into one rectangle per
// line piece: consecutive boxes on one line (the same height, overlapping
// vertically) that follow each other from left to right join, across the
// empty boxes of the spaces between words; a jump back or to another line
// starts a new rectangle.
func LineRects(boxes []importer.Box) []importer.Box {
	var out []importer.Box
	for _, b := range boxes {
		if b.Empty() {
			continue
		}
		if n := len(out); n > 0 {
			r := &out[n-1]
			h := math.Min(float64(r.Y1-r.Y0), float64(b.Y1-b.Y0))
			overlap := math.Min(float64(r.Y1), float64(b.Y1)) - math.Max(float64(r.Y0), float64(b.Y0))
			// On the line, and not before its start nor far after its end.
			if overlap > 0.6*h && b.X0 >= r.X0-1 && float64(b.X0-r.X1) < 3*h {
				r.X0, r.Y0 = min(r.X0, b.X0), min(r.Y0, b.Y0)
				r.X1, r.Y1 = max(r.X1, b.X1), max(r.Y1, b.Y1)
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// RenderOptions tune RenderPage.
type RenderOptions struct {
	DPI float64 // default 96
	// Highlights draws the page's annotations over it, each in its themes'
	// colours (translucent; several themes of one passage in stripes).
	Highlights bool
}

// RenderedPage is a page drawn as an image, with the geometry that maps
// PDF points onto it.
type RenderedPage struct {
	Image image.Image
	Info  pdfium.PageInfo
	DPI   float64
}

// ToPixel maps a point in PDF user space onto the image.
func (r RenderedPage) ToPixel(x, y float64) (float64, float64) { return r.Info.ToPixel(x, y, r.DPI) }

// FromPixel maps a pixel of the image to PDF user space.
func (r RenderedPage) FromPixel(px, py float64) (float64, float64) {
	return r.Info.FromPixel(px, py, r.DPI)
}

// RenderPage draws a page of a stored PDF with PDFium (starting it if this
// process has not yet).
func (l *Library) RenderPage(ctx context.Context, docID int64, page int, opts RenderOptions) (RenderedPage, error) {
	dpi := opts.DPI
	if dpi <= 0 {
		dpi = 96
	}
	out := RenderedPage{DPI: dpi}
	doc, _, err := l.openPDF(ctx, docID, page)
	if err != nil {
		return out, fmt.Errorf("render: %w", err)
	}
	defer doc.Close()
	if out.Info, err = doc.Page(page - 1); err != nil {
		return out, fmt.Errorf("render document %d page %d: %w", docID, page, err)
	}
	img, err := doc.Render(page-1, dpi, false)
	if err != nil {
		return out, fmt.Errorf("render document %d page %d: %w", docID, page, err)
	}
	out.Image = img
	if opts.Highlights {
		hs, err := l.PageHighlights(ctx, docID, page)
		if err != nil {
			return out, fmt.Errorf("render document %d page %d: %w", docID, page, err)
		}
		rgba, ok := img.(*image.RGBA)
		if !ok {
			rgba = image.NewRGBA(img.Bounds())
			draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
		}
		for _, h := range hs {
			drawHighlight(rgba, out, h)
		}
		out.Image = rgba
	}
	return out, nil
}

// drawHighlight fills a highlight's rectangles translucently in its
// themes' colours: one theme fills the rectangle, several share it in
// horizontal stripes.
func drawHighlight(img *image.RGBA, page RenderedPage, h PageHighlight) {
	cols := make([]color.NRGBA, 0, len(h.Colors))
	for _, c := range h.Colors {
		cols = append(cols, parseHexColor(c, 0x70))
	}
	if len(cols) == 0 {
		cols = append(cols, color.NRGBA{0xff, 0xd7, 0x00, 0x70})
	}
	for _, r := range h.Rects {
		x0, y0 := page.ToPixel(float64(r.X0), float64(r.Y0))
		x1, y1 := page.ToPixel(float64(r.X1), float64(r.Y1))
		rect := image.Rect(int(math.Floor(min(x0, x1))), int(math.Floor(min(y0, y1))), int(math.Ceil(max(x0, x1))), int(math.Ceil(max(y0, y1))))
		if h.Area {
			// An outline in each theme's colour, one inside the other.
			w := max(2, int(math.Round(page.DPI/48)))
			for k, c := range cols {
				c.A = 0xff
				outline(img, rect.Inset(k*w), w, c)
			}
			continue
		}
		n := len(cols)
		for k, c := range cols {
			stripe := rect
			if n > 1 {
				h := rect.Dy()
				stripe.Min.Y = rect.Min.Y + h*k/n
				stripe.Max.Y = rect.Min.Y + h*(k+1)/n
			}
			draw.Draw(img, stripe.Intersect(img.Bounds()), &image.Uniform{c}, image.Point{}, draw.Over)
		}
	}
}

// outline draws a rectangle's border w pixels wide, inside it.
func outline(img *image.RGBA, r image.Rectangle, w int, c color.NRGBA) {
	if r.Dx() <= 2*w || r.Dy() <= 2*w {
		draw.Draw(img, r.Intersect(img.Bounds()), &image.Uniform{c}, image.Point{}, draw.Over)
		return
	}
	for _, side := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+w)},
		{image.Pt(r.Min.X, r.Max.Y-w), r.Max},
		{image.Pt(r.Min.X, r.Min.Y+w), image.Pt(r.Min.X+w, r.Max.Y-w)},
		{image.Pt(r.Max.X-w, r.Min.Y+w), image.Pt(r.Max.X, r.Max.Y-w)},
	} {
		draw.Draw(img, side.Intersect(img.Bounds()), &image.Uniform{c}, image.Point{}, draw.Over)
	}
}

// parseHexColor reads "#RRGGBB" with the given alpha (grey when malformed).
func parseHexColor(s string, alpha uint8) color.NRGBA {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil || len(strings.TrimPrefix(s, "#")) != 6 {
		return color.NRGBA{0x80, 0x80, 0x80, alpha}
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), alpha}
}

// Selecting on the page: a point picks the character whose box holds it
// (or the nearest one on its line), and a drag from one point to another
// selects the characters between them in the page text's order — which
// follows columns, not the screen rectangle — so a selection made on the
// page is the same start/end as the same words selected in the text.

// CharAt returns the index of the character (rune) of a page whose box
// holds the point (x, y) in PDF user space, or, when none does, the nearest
// character on the line under the point (within half a line's height), or
// -1.
func CharAt(boxes []importer.Box, x, y float64) int {
	best, bestD := -1, math.Inf(1)
	for i, b := range boxes {
		if b.Empty() {
			continue
		}
		x0, y0, x1, y1 := float64(b.X0), float64(b.Y0), float64(b.X1), float64(b.Y1)
		if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
			return i
		}
		h := y1 - y0
		if y < y0-0.5*h || y > y1+0.5*h {
			continue
		}
		d := math.Max(x0-x, 0) + math.Max(x-x1, 0) + math.Max(y0-y, 0) + math.Max(y-y1, 0)
		if d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// SelectBetween returns the span [start, end) of characters selected by a
// drag from (x0, y0) to (x1, y1), in page text order; ok is false when
// neither end is near text.
func SelectBetween(boxes []importer.Box, x0, y0, x1, y1 float64) (start, end int, ok bool) {
	a, b := CharAt(boxes, x0, y0), CharAt(boxes, x1, y1)
	if a < 0 && b < 0 {
		return 0, 0, false
	}
	if a < 0 {
		a = b
	}
	if b < 0 {
		b = a
	}
	if a > b {
		a, b = b, a
	}
	return a, b + 1, true
}

// WordSpan returns the span of the word around character i of text (what a
// double click selects): letters, digits and the marks and hyphens inside
// a word.
func WordSpan(text []rune, i int) (start, end int) {
	if i < 0 || i >= len(text) {
		return i, i
	}
	inWord := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '-' || r == '\'' || r == '’'
	}
	if !inWord(text[i]) {
		return i, i + 1
	}
	start, end = i, i+1
	for start > 0 && inWord(text[start-1]) {
		start--
	}
	for end < len(text) && inWord(text[end]) {
		end++
	}
	return start, end
}

// ParagraphSpan returns the span of the paragraph around character i (what
// a triple click selects; see ParagraphBounds).
func ParagraphSpan(text []rune, i int) (start, end int) {
	for _, p := range ParagraphBounds(string(text)) {
		if i >= p.Start && i < p.End {
			return p.Start, p.End
		}
	}
	return i, i
}
