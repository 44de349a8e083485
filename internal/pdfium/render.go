package pdfium

import (
	"fmt"
	"image"
	"math"

	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/requests"
)

// maxRenderPixels bounds a rendered page (a hostile page size, or a zoom
// too far): about a 100 MB RGBA image.
const maxRenderPixels = 25_000_000

// ErrTooLarge: the page would render to an image over maxRenderPixels.
var ErrTooLarge = fmt.Errorf("the page is too large to render at that resolution")

// Render draws page i (0-based) at dpi dots per inch, as displayed (the
// page's /Rotate applied). gray renders an *image.Gray for OCR: the page's
// content only, without its annotations (a reader's highlights, notes and
// ink would spoil the words OCR reads under them); else an *image.RGBA
// with the annotations, as displayed. The image is the caller's.
func (d *Document) Render(i int, dpi float64, gray bool) (img image.Image, err error) {
	info, err := d.Page(i)
	if err != nil {
		return nil, err
	}
	w, h := info.Width*dpi/72, info.Height*dpi/72
	if w < 1 || h < 1 || math.IsNaN(w*h) {
		return nil, fmt.Errorf("pdfium: page %d has no size (%gx%g points)", i+1, info.Width, info.Height)
	}
	if w*h > maxRenderPixels {
		return nil, fmt.Errorf("render page %d at %g dpi (%.0fx%.0f pixels): %w", i+1, dpi, w, h, ErrTooLarge)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: render page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	req := &requests.RenderPageInPixels{
		Page:        requests.Page{ByIndex: &requests.PageByIndex{Document: d.ref, Index: i}},
		Width:       int(math.Round(w)),
		Height:      int(math.Round(h)),
		RenderFlags: enums.FPDF_RENDER_FLAG_ANNOT | enums.FPDF_RENDER_FLAG_LCD_TEXT,
	}
	if gray {
		req.ImageFormat = requests.RenderImageFormatGrayscale
		req.RenderFlags = 0
	}
	resp, err := d.inst.RenderPageInPixels(req)
	if err != nil {
		return nil, classify(err)
	}
	defer resp.Cleanup()
	// The pixels live in PDFium's memory until Cleanup: copy them out.
	switch src := resp.Result.RenderedImage.(type) {
	// Row by row: PDFium pads a row to a multiple of four bytes, so a grey
	// image's stride may exceed its width.
	case *image.Gray:
		out := image.NewGray(src.Rect)
		copyRows(out.Pix, out.Stride, src.Pix, src.Stride, src.Rect.Dx(), src.Rect.Dy())
		return out, nil
	case *image.RGBA:
		out := image.NewRGBA(src.Rect)
		copyRows(out.Pix, out.Stride, src.Pix, src.Stride, 4*src.Rect.Dx(), src.Rect.Dy())
		return out, nil
	case nil:
		return nil, fmt.Errorf("pdfium: render page %d: no image", i+1)
	default:
		return nil, fmt.Errorf("pdfium: render page %d: unexpected image type %T", i+1, src)
	}
}

// copyRows copies h rows of n bytes from src (stride ss) to dst (stride ds).
func copyRows(dst []byte, ds int, src []byte, ss, n, h int) {
	for y := 0; y < h; y++ {
		if y*ss+n > len(src) || y*ds+n > len(dst) {
			return
		}
		copy(dst[y*ds:y*ds+n], src[y*ss:y*ss+n])
	}
}
