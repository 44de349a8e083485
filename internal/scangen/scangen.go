// Package scangen makes scans with known text, for Rapport's OCR tests and
// benchmarks: it renders a PDF's pages to grey images with PDFium, spoils
// them as a scanner and an old photocopy do (a slight skew, blur, noise,
// pure Go image operations), and wraps the images as an image-only PDF
// (one picture per page, no text layer), as scanning software writes them.
package scangen

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// Options say how the scan is made.
type Options struct {
	// DPI is the scanning resolution (default 300).
	DPI float64
	// SkewDegrees turns each page by this angle (counter-clockwise; the
	// sign alternates from page to page).
	SkewDegrees float64
	// Blur is the radius in pixels of a box blur (0: none).
	Blur int
	// Noise is the standard deviation of grey noise added to each pixel
	// (0–255 scale; 0: none); a thousandth of the pixels also turn black
	// or white (specks).
	Noise float64
	// JPEG writes the pages as JPEGs of this quality (0: losslessly).
	JPEG int
	// Seed makes the noise reproducible.
	Seed uint64
}

// Scan renders every page of the PDF in data and returns an image-only
// PDF of the spoiled pages, each the size of the original page.
func Scan(ctx context.Context, data []byte, opts Options) ([]byte, error) {
	imgs, sizes, err := Render(ctx, data, opts.DPI)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5ca1ab1e))
	doc := &pdfgen.Doc{}
	for i, img := range imgs {
		img = Spoil(img, opts, i, rng)
		w, h := sizes[i][0], sizes[i][1]
		doc.Pages = append(doc.Pages, pdfgen.Page{Width: w, Height: h, Images: []pdfgen.Image{{X: 0, Y: 0, W: w, H: h, Gray: img, JPEG: opts.JPEG}}})
	}
	return doc.Bytes(), nil
}

// Render draws every page of a PDF in grey at dpi (default 300) and gives
// each page's size in points.
func Render(ctx context.Context, data []byte, dpi float64) ([]*image.Gray, [][2]float64, error) {
	if dpi <= 0 {
		dpi = 300
	}
	eng, err := pdfium.Get(ctx)
	if err != nil {
		return nil, nil, err
	}
	doc, err := eng.Open(ctx, data, "")
	if err != nil {
		return nil, nil, err
	}
	defer doc.Close()
	var imgs []*image.Gray
	var sizes [][2]float64
	for i := 0; i < doc.PageCount(); i++ {
		info, err := doc.Page(i)
		if err != nil {
			return nil, nil, err
		}
		img, err := doc.Render(i, dpi, true)
		if err != nil {
			return nil, nil, err
		}
		g, ok := img.(*image.Gray)
		if !ok {
			return nil, nil, fmt.Errorf("scangen: page %d rendered as %T", i+1, img)
		}
		imgs = append(imgs, g)
		sizes = append(sizes, [2]float64{info.Width, info.Height})
	}
	return imgs, sizes, nil
}

// Spoil applies the options' skew, blur and noise to page i's image.
func Spoil(img *image.Gray, opts Options, i int, rng *rand.Rand) *image.Gray {
	if opts.SkewDegrees != 0 {
		angle := opts.SkewDegrees
		if i%2 == 1 {
			angle = -angle
		}
		img = Rotate(img, angle)
	}
	if opts.Blur > 0 {
		img = BoxBlur(img, opts.Blur)
	}
	if opts.Noise > 0 {
		img = AddNoise(img, opts.Noise, rng)
	}
	return img
}

// Rotate turns an image by degrees (counter-clockwise) about its centre,
// with bilinear interpolation; what comes in from outside is white.
func Rotate(src *image.Gray, degrees float64) *image.Gray {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(degrees * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(src.Pix[(y)*src.Stride+x])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// The source point that lands here (the inverse rotation; y
			// grows downwards, so counter-clockwise on screen).
			dx, dy := float64(x)-cx, float64(y)-cy
			sx := cos*dx - sin*dy + cx
			sy := sin*dx + cos*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
			dst.Pix[y*dst.Stride+x] = uint8(math.Round(v))
		}
	}
	return dst
}

// BoxBlur blurs an image with a square box of the given radius (two
// passes, horizontal then vertical).
func BoxBlur(src *image.Gray, radius int) *image.Gray {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	tmp := image.NewGray(image.Rect(0, 0, w, h))
	dst := image.NewGray(image.Rect(0, 0, w, h))
	n := 2*radius + 1
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+w]
		sum := 0
		for k := -radius; k <= radius; k++ {
			sum += int(row[clamp(k, w)])
		}
		for x := 0; x < w; x++ {
			tmp.Pix[y*tmp.Stride+x] = uint8(sum / n)
			sum += int(row[clamp(x+radius+1, w)]) - int(row[clamp(x-radius, w)])
		}
	}
	for x := 0; x < w; x++ {
		sum := 0
		for k := -radius; k <= radius; k++ {
			sum += int(tmp.Pix[clamp(k, h)*tmp.Stride+x])
		}
		for y := 0; y < h; y++ {
			dst.Pix[y*dst.Stride+x] = uint8(sum / n)
			sum += int(tmp.Pix[clamp(y+radius+1, h)*tmp.Stride+x]) - int(tmp.Pix[clamp(y-radius, h)*tmp.Stride+x])
		}
	}
	return dst
}

func clamp(i, n int) int { return max(0, min(i, n-1)) }

// AddNoise adds Gaussian grey noise of standard deviation sigma to every
// pixel, and turns one pixel in a thousand black or white.
func AddNoise(src *image.Gray, sigma float64, rng *rand.Rand) *image.Gray {
	b := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			v := float64(src.GrayAt(b.Min.X+x, b.Min.Y+y).Y) + rng.NormFloat64()*sigma
			if rng.IntN(1000) == 0 {
				v = float64(255 * rng.IntN(2))
			}
			dst.SetGray(x, y, color.Gray{Y: uint8(max(0, min(255, math.Round(v))))})
		}
	}
	return dst
}

// Small pages of a few lines, for tests: quick to read.
const (
	LinesPageW, LinesPageH = 360.0, 200.0
	LinesX                 = 36.0  // left edge of every line
	LinesTop               = 160.0 // baseline of the first line
	LinesLeading           = 22.0
	LinesSize              = 14.0
)

// LinesDoc is a document of small pages, each line of pages[i] set on page
// i+1 in Times 14 pt, the first baseline at LinesTop, the next ones
// LinesLeading lower, from LinesX.
func LinesDoc(pages [][]string) *pdfgen.Doc {
	d := &pdfgen.Doc{}
	for _, lines := range pages {
		p := pdfgen.Page{Width: LinesPageW, Height: LinesPageH}
		for k, l := range lines {
			p.Texts = append(p.Texts, pdfgen.Text{X: LinesX, Y: LinesTop - float64(k)*LinesLeading, Size: LinesSize, Font: pdfgen.TimesRoman, S: l})
		}
		d.Pages = append(d.Pages, p)
	}
	return d
}

// ScanLines scans LinesDoc(pages): an image-only PDF of small pages.
func ScanLines(ctx context.Context, pages [][]string, opts Options) ([]byte, error) {
	return Scan(ctx, LinesDoc(pages).Bytes(), opts)
}
