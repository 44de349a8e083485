package pdfgen

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/jpeg"
)

// Image is a raster image drawn on a page as an image XObject: the
// picture of a scanned page, for OCR tests and benchmarks. It fills the
// rectangle at X, Y (its lower left corner, in points) of W × H points.
type Image struct {
	X, Y, W, H float64
	// Gray is the picture (8-bit grey, DeviceGray).
	Gray *image.Gray
	// JPEG, from 1 to 100, writes it as a JPEG of that quality
	// (/DCTDecode), as scanners do; 0 writes the raw pixels deflated
	// (/FlateDecode), losslessly.
	JPEG int
	// Width and Height, when not zero, are the /Width and /Height written
	// instead of the picture's own: hostile-file tests claim sizes the
	// data does not have.
	Width, Height int
}

// object returns the image XObject's dictionary and stream.
func (im Image) object() string {
	b := im.Gray.Bounds()
	w, h := b.Dx(), b.Dy()
	var data bytes.Buffer
	filter := "/FlateDecode"
	if im.JPEG > 0 {
		filter = "/DCTDecode"
		jpeg.Encode(&data, im.Gray, &jpeg.Options{Quality: min(im.JPEG, 100)}) // writes to a buffer do not fail
	} else {
		zw := zlib.NewWriter(&data)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			off := im.Gray.PixOffset(b.Min.X, y)
			zw.Write(im.Gray.Pix[off : off+w])
		}
		zw.Close()
	}
	if im.Width != 0 || im.Height != 0 {
		w, h = im.Width, im.Height
	}
	return fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter %s /Length %d >>\nstream\n%s\nendstream",
		w, h, filter, data.Len(), data.Bytes())
}
