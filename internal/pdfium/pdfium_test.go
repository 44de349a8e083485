package pdfium

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

func samplePDF() []byte {
	return (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: []pdfgen.Text{{X: 72, Y: 700, Size: 12, Font: pdfgen.Helvetica, S: "Warm and personal help"}}}}}).Bytes()
}

func pageText(t testing.TB, e *Engine) string {
	t.Helper()
	doc, err := e.Open(context.Background(), samplePDF(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	chars, err := doc.PageChars(0)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range chars {
		b.WriteString(c.Text)
	}
	return b.String()
}

// TestDamagedCacheIsRebuilt: a compilation cache whose files are garbage
// (a crash while writing it, a disk error) does not stop the engine: it is
// discarded, the module compiled again, and the cache written anew.
func TestDamagedCacheIsRebuilt(t *testing.T) {
	// A filled cache: a copy of the process engine's (compiling once more
	// would double the test's time).
	if _, err := Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "cache")
	if err := os.CopyFS(dir, os.DirFS(CacheDir())); err != nil {
		t.Fatal(err)
	}
	// Damage every file of the cache.
	n := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.WriteFile(path, []byte("not a compiled module"), 0o644)
			n++
		}
		return nil
	})
	if n == 0 {
		t.Fatal("the engine wrote no cache")
	}
	e, err := Start(dir)
	if err != nil {
		t.Fatalf("start with a damaged cache: %v", err)
	}
	defer e.Close()
	if got := pageText(t, e); got != "Warm and personal help" {
		t.Errorf("text %q", got)
	}
}

// TestCharsHaveBoxesAndFonts: PDFium's characters carry what the layout
// engine needs: text, origin on the baseline, an advance box, size, font.
func TestCharsHaveBoxesAndFonts(t *testing.T) {
	e, err := Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := e.Open(context.Background(), samplePDF(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	chars, err := doc.PageChars(0)
	if err != nil {
		t.Fatal(err)
	}
	w := chars[0]
	if w.Text != "W" || w.OriginX < 71.9 || w.OriginX > 72.1 || w.OriginY < 699.9 || w.OriginY > 700.1 {
		t.Errorf("first char %+v, want W at (72, 700)", w)
	}
	if w.Size < 11.9 || w.Size > 12.1 || !strings.Contains(w.Font, "Helvetica") {
		t.Errorf("first char size %g font %q", w.Size, w.Font)
	}
	if w.Box.X0 > 72.1 || w.Box.X1 < 80 || w.Box.Y0 > 700 || w.Box.Y1 < 708 {
		t.Errorf("first char box %+v", w.Box)
	}
	if _, err := doc.PageChars(1); err == nil {
		t.Error("page 2 of a one-page document: no error")
	}
	info, err := doc.Page(0)
	if err != nil || info.Width != 612 || info.Height != 792 {
		t.Errorf("page info %+v, %v", info, err)
	}
	img, err := doc.Render(0, 72, true)
	if err != nil || img.Bounds().Dx() != 612 || img.Bounds().Dy() != 792 {
		t.Errorf("render: %v %v", img.Bounds(), err)
	}
}

func benchmarkStart(b *testing.B, cached bool) {
	dir := filepath.Join(b.TempDir(), "cache")
	if cached {
		e, err := Start(dir)
		if err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := dir
		if !cached {
			d = filepath.Join(b.TempDir(), "cold")
		}
		e, err := Start(d)
		if err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
}

// BenchmarkStartCold: compiling the module with an empty cache.
func BenchmarkStartCold(b *testing.B) { benchmarkStart(b, false) }

// BenchmarkStartWarm: loading the compiled module from the disk cache.
func BenchmarkStartWarm(b *testing.B) { benchmarkStart(b, true) }

// TestToPixelMatchesPDFium: the pixel a point of the page falls on, for
// each rotation and a crop box, is where PDFium puts it; FromPixel inverts
// ToPixel.
func TestToPixelMatchesPDFium(t *testing.T) {
	e, err := Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, rot := range []int{0, 90, 180, 270} {
		for _, crop := range [][4]float64{{}, {36, 50, 500, 700}} {
			data := (&pdfgen.Doc{Pages: []pdfgen.Page{{Rotate: rot, CropBox: crop, Texts: []pdfgen.Text{{X: 72, Y: 700, Size: 12, Font: pdfgen.Helvetica, S: "x"}}}}}).Bytes()
			doc, err := e.Open(context.Background(), data, "")
			if err != nil {
				t.Fatal(err)
			}
			info, err := doc.Page(0)
			if err != nil {
				t.Fatal(err)
			}
			const dpi = 144
			for _, pt := range [][2]float64{{72, 700}, {300, 100}, {450, 600}} {
				px, py := info.ToPixel(pt[0], pt[1], dpi)
				dx, dy, err := doc.PageToDevice(0, pt[0], pt[1], dpi)
				if err != nil {
					t.Fatal(err)
				}
				if abs(px-float64(dx)) > 1.5 || abs(py-float64(dy)) > 1.5 {
					t.Errorf("rotate %d crop %v: %v → (%.1f, %.1f), PDFium (%d, %d)", rot, crop, pt, px, py, dx, dy)
				}
				x, y := info.FromPixel(px, py, dpi)
				if abs(x-pt[0]) > 1e-6 || abs(y-pt[1]) > 1e-6 {
					t.Errorf("rotate %d: FromPixel(ToPixel(%v)) = (%g, %g)", rot, pt, x, y)
				}
			}
			doc.Close()
		}
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
