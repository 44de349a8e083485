package index

import (
	"context"
	"image/color"
	"math"
	"testing"
)

// TestRenderPageWithHighlights: a coded passage is drawn over exactly the
// characters it covers, in its theme's colour, and the page around it is
// left as PDFium draws it; two themes share the passage in stripes.
func TestRenderPageWithHighlights(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importArticle(t, lib, "render", twoPageArticle())
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Trust grew over many years", Page: 1, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := lib.PageHighlights(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || hs[0].AnnotationID != a.ID || len(hs[0].Rects) == 0 {
		t.Fatalf("highlights %+v", hs)
	}
	plain, err := lib.RenderPage(ctx, doc, 1, RenderOptions{DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	coded, err := lib.RenderPage(ctx, doc, 1, RenderOptions{DPI: 72, Highlights: true})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Image.Bounds() != coded.Image.Bounds() || coded.Image.Bounds().Dx() != 612 {
		t.Fatalf("bounds %v and %v", plain.Image.Bounds(), coded.Image.Bounds())
	}
	r := hs[0].Rects[0]
	cx, cy := coded.ToPixel(float64(r.X0+r.X1)/2, float64(r.Y0+r.Y1)/2)
	// The middle of the passage's first rectangle, at a white pixel near
	// it: tinted towards Trust's colour (#138D75).
	tinted := false
	for dx := -8; dx <= 8 && !tinted; dx++ {
		p := color.NRGBAModel.Convert(plain.Image.At(int(cx)+dx, int(cy))).(color.NRGBA)
		c := color.NRGBAModel.Convert(coded.Image.At(int(cx)+dx, int(cy))).(color.NRGBA)
		if p.R > 240 && p.G > 240 && p.B > 240 {
			tinted = c.R < 200 && c.G > c.R && c.B > c.R
		}
	}
	if !tinted {
		t.Errorf("the passage at (%.0f, %.0f) is not drawn in Trust's colour", cx, cy)
	}
	// Far from the passage, the page is unchanged.
	ox, oy := coded.ToPixel(float64(r.X0), float64(r.Y1)+200)
	if oy >= 0 && plain.Image.At(int(ox), int(oy)) != coded.Image.At(int(ox), int(oy)) {
		t.Errorf("a pixel far from the passage changed")
	}
	// The rectangles cover the passage's characters' boxes, line by line.
	boxes, _ := lib.PageBoxes(ctx, doc, 1)
	for i := a.Start; i < a.End; i++ {
		b := boxes[i]
		if b.Empty() {
			continue
		}
		inside := false
		for _, r := range hs[0].Rects {
			if b.X0 >= r.X0-0.01 && b.X1 <= r.X1+0.01 && b.Y0 >= r.Y0-0.01 && b.Y1 <= r.Y1+0.01 {
				inside = true
			}
		}
		if !inside {
			t.Fatalf("character %d's box %+v is outside the highlight %+v", i, b, hs[0].Rects)
		}
	}
	if math.Abs(float64(hs[0].Rects[0].Y1-hs[0].Rects[0].Y0)) > 30 {
		t.Errorf("a line's rectangle is %g points high", hs[0].Rects[0].Y1-hs[0].Rects[0].Y0)
	}
}
