package pdfium

import (
	"context"
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

func openDoc(t *testing.T, data []byte) *Document {
	t.Helper()
	e, err := Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := e.Open(context.Background(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { doc.Close() })
	return doc
}

// darkColumns returns the columns of row y of img darker than mid grey.
func darkColumns(img *image.Gray, y int) []int {
	var xs []int
	b := img.Bounds()
	for x := b.Min.X; x < b.Max.X; x++ {
		if img.GrayAt(x, y).Y < 128 {
			xs = append(xs, x)
		}
	}
	return xs
}

// TestRenderGrayRowsAligned: a grey page whose width in pixels is not a
// multiple of four (PDFium pads its rows) renders upright: a vertical
// bar stands in the same columns on every row, not sheared.
func TestRenderGrayRowsAligned(t *testing.T) {
	// 301 points at 72 dpi: 301 pixels a row, padded to 304 by PDFium.
	bar := "0 g 100 50 10 300 re f\n"
	doc := openDoc(t, (&pdfgen.Doc{Pages: []pdfgen.Page{{Width: 301, Height: 400, Raw: bar}}}).Bytes())
	for _, gray := range []bool{true, false} {
		img, err := doc.Render(0, 72, gray)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := img.(*image.Gray)
		if !ok {
			rgba := img.(*image.RGBA)
			g = image.NewGray(rgba.Rect)
			for y := 0; y < rgba.Rect.Dy(); y++ {
				for x := 0; x < rgba.Rect.Dx(); x++ {
					g.Set(x, y, rgba.At(x, y))
				}
			}
		}
		// The bar spans y 50–350 in user space: rows 50–350 from the top.
		for _, y := range []int{60, 200, 340} {
			if got := fmt.Sprint(darkColumns(g, y)); got != "[100 101 102 103 104 105 106 107 108 109]" {
				t.Errorf("gray %v: row %d dark at %s, want columns 100–109", gray, y, got)
			}
		}
	}
}

// TestDeviceToPage: the pixels of a rendered page map back to user space
// with the page's rotation and its media box's origin.
func TestDeviceToPage(t *testing.T) {
	cases := []struct {
		name     string
		page     pdfgen.Page
		w, h     int       // the rendered image at 72 dpi
		topLeft  []float64 // user space of pixel (0, 0)
		botRight []float64 // user space of pixel (w, h)
	}{
		{"upright", pdfgen.Page{Width: 200, Height: 300}, 200, 300, []float64{0, 300}, []float64{200, 0}},
		{"origin moved", pdfgen.Page{MediaBox: [4]float64{50, 100, 250, 400}}, 200, 300, []float64{50, 400}, []float64{250, 100}},
		{"turned 90", pdfgen.Page{Width: 200, Height: 300, Rotate: 90}, 300, 200, []float64{0, 0}, []float64{200, 300}},
		{"turned 180", pdfgen.Page{Width: 200, Height: 300, Rotate: 180}, 200, 300, []float64{200, 0}, []float64{0, 300}},
		{"turned 270", pdfgen.Page{Width: 200, Height: 300, Rotate: 270}, 300, 200, []float64{200, 300}, []float64{0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := openDoc(t, (&pdfgen.Doc{Pages: []pdfgen.Page{c.page}}).Bytes())
			img, err := doc.Render(0, 72, true)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
				t.Fatalf("rendered %dx%d, want %dx%d", b.Dx(), b.Dy(), c.w, c.h)
			}
			m, err := doc.DeviceToPage(0, c.w, c.h)
			if err != nil {
				t.Fatal(err)
			}
			near := func(x, y float64, want []float64) bool {
				return math.Abs(x-want[0]) < 1.01 && math.Abs(y-want[1]) < 1.01
			}
			if x, y := m.Apply(0, 0); !near(x, y, c.topLeft) {
				t.Errorf("pixel (0,0) → (%g, %g), want %v", x, y, c.topLeft)
			}
			if x, y := m.Apply(float64(c.w), float64(c.h)); !near(x, y, c.botRight) {
				t.Errorf("pixel (%d,%d) → (%g, %g), want %v", c.w, c.h, x, y, c.botRight)
			}
		})
	}
}

// TestImageCoverage: a page that is one image is covered whole, a page of
// text not at all, a small picture in part.
func TestImageCoverage(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 20, 20))
	cases := []struct {
		name     string
		page     pdfgen.Page
		min, max float64
	}{
		{"scan", pdfgen.Page{Images: []pdfgen.Image{{X: 0, Y: 0, W: 612, H: 792, Gray: gray}}}, 0.99, 1},
		{"text", pdfgen.Page{Texts: []pdfgen.Text{{X: 72, Y: 700, S: "Only text"}}}, 0, 0},
		{"figure", pdfgen.Page{Images: []pdfgen.Image{{X: 100, Y: 100, W: 306, H: 396, Gray: gray}}}, 0.24, 0.26},
		{"larger than the page", pdfgen.Page{Images: []pdfgen.Image{{X: -100, Y: -100, W: 2000, H: 2000, Gray: gray}}}, 0.99, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := openDoc(t, (&pdfgen.Doc{Pages: []pdfgen.Page{c.page}}).Bytes())
			got, err := doc.ImageCoverage(0)
			if err != nil || got < c.min || got > c.max {
				t.Errorf("coverage %g (%v), want %g–%g", got, err, c.min, c.max)
			}
		})
	}
}

// TestRenderGrayLeavesAnnotationsOut: a grey render is what OCR reads, so
// it draws the page without its annotations (a reader's highlight over a
// scanned line darkens the words Tesseract must read); a colour render,
// the page as displayed, keeps them.
func TestRenderGrayLeavesAnnotationsOut(t *testing.T) {
	rect := [4]float64{100, 100, 200, 120}
	page := pdfgen.Page{Width: 300, Height: 400, Markup: []pdfgen.Annot{{
		Subtype: "Highlight", Rect: rect, Quads: [][8]float64{pdfgen.QuadOf(rect)},
		Color: []float64{0.1, 0.3, 0.3}, AP: "0.1 0.3 0.3 rg 100 100 100 20 re f",
	}}}
	doc := openDoc(t, (&pdfgen.Doc{Pages: []pdfgen.Page{page}}).Bytes())
	y := 400 - 110 // the middle of the highlight, in rows from the top
	for _, c := range []struct {
		gray bool
		want string
	}{{true, "[]"}, {false, "[100 … 199]"}} {
		img, err := doc.Render(0, 72, c.gray)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := img.(*image.Gray)
		if !ok {
			rgba := img.(*image.RGBA)
			g = image.NewGray(rgba.Rect)
			for x := 0; x < rgba.Rect.Dx(); x++ {
				g.Set(x, y, rgba.At(x, y))
			}
		}
		got := darkColumns(g, y)
		s := fmt.Sprint(got)
		if len(got) > 2 {
			s = fmt.Sprintf("[%d … %d]", got[0], got[len(got)-1])
		}
		if s != c.want {
			t.Errorf("gray %v: dark columns %s, want %s", c.gray, s, c.want)
		}
	}
}
