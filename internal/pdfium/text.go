package pdfium

import (
	"errors"
	"fmt"
	"math"

	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

type docRef = references.FPDF_DOCUMENT

// Char is one character PDFium found on a page, in PDF user space (points,
// origin at the bottom left, y up; the page's /Rotate is not applied).
type Char struct {
	Text string
	// OriginX, OriginY: where the glyph is drawn from, on its baseline.
	OriginX, OriginY float64
	// Box is the character's loose box: its advance along the baseline by
	// the font's ascent and descent, as axis-aligned bounds.
	Box Rect
	// Matrix is the character's text rendering matrix (a b c d): its
	// direction and size on the page.
	A, B, C, D float64
	// Size is the font size on the page (the em, the text matrix applied).
	Size float64
	// Font is the font's base name ("ABCDEF+Times-Bold"), Flags its
	// descriptor flags, Weight its weight (400 normal, 700 bold), or 0.
	Font   string
	Flags  int
	Weight int
	// Space: a space character, drawn or inserted by PDFium between words.
	Space bool
}

// Rect is a rectangle in PDF user space.
type Rect struct{ X0, Y0, X1, Y1 float64 }

// PageInfo is a page's geometry.
type PageInfo struct {
	Width, Height float64 // points, as displayed (rotation applied)
	MediaBox      Rect
	// CropBox is the part of the page that is displayed and rendered (the
	// MediaBox when the page sets none).
	CropBox Rect
	Rotate  int // degrees clockwise the page is turned when displayed: 0, 90, 180, 270
}

// ToPixel maps a point in PDF user space to the pixel it falls on in the
// page rendered at dpi (see Render): the crop box's corner at the origin,
// the page's rotation applied.
func (p PageInfo) ToPixel(x, y, dpi float64) (px, py float64) {
	s := dpi / 72
	c := p.CropBox
	switch p.Rotate {
	case 90:
		return (y - c.Y0) * s, (x - c.X0) * s
	case 180:
		return (c.X1 - x) * s, (y - c.Y0) * s
	case 270:
		return (c.Y1 - y) * s, (c.X1 - x) * s
	}
	return (x - c.X0) * s, (c.Y1 - y) * s
}

// FromPixel is the inverse of ToPixel: the point in PDF user space under a
// pixel of the page rendered at dpi.
func (p PageInfo) FromPixel(px, py, dpi float64) (x, y float64) {
	s := dpi / 72
	c := p.CropBox
	px, py = px/s, py/s
	switch p.Rotate {
	case 90:
		return py + c.X0, px + c.Y0
	case 180:
		return c.X1 - px, py + c.Y0
	case 270:
		return c.X1 - py, c.Y1 - px
	}
	return px + c.X0, c.Y1 - py
}

// maxCharsPerPage bounds the characters read from one page (a hostile page
// can claim millions).
const maxCharsPerPage = 300_000

// PageChars returns the characters of page i (0-based) in PDFium's order
// (content-stream order), with their boxes and fonts. PDFium's own line
// breaks are left out; the spaces it inserts between words are kept.
func (d *Document) PageChars(i int) (chars []Char, err error) {
	if i < 0 || i >= d.pages {
		return nil, fmt.Errorf("pdfium: page %d out of range (1–%d)", i+1, d.pages)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	inst := d.inst
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d.ref, Index: i})
	if err != nil {
		return nil, classify(err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return nil, classify(err)
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	count, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return nil, classify(err)
	}
	n := min(count.Count, maxCharsPerPage)
	chars = make([]Char, 0, n)
	text := tp.TextPage
	for k := 0; k < n; k++ {
		uni, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: text, Index: k})
		if err != nil {
			return nil, classify(err)
		}
		r := rune(uni.Unicode)
		switch r {
		case '\r', '\n':
			// PDFium's line breaks: the layout engine finds lines itself.
			continue
		case ' ', 0xA0, '\t':
			// A space, drawn or inserted by PDFium between words: it only
			// separates words, its box does not matter.
			chars = append(chars, Char{Text: " ", Space: true})
			continue
		}
		var c Char
		if r != 0 && r != 0xFFFE && r != 0xFFFF && r != 0xFFFD {
			c.Text = string(r)
		}
		org, err := inst.FPDFText_GetCharOrigin(&requests.FPDFText_GetCharOrigin{TextPage: text, Index: k})
		if err != nil {
			return nil, classify(err)
		}
		c.OriginX, c.OriginY = org.X, org.Y
		box, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: text, Index: k})
		if err != nil {
			return nil, classify(err)
		}
		c.Box = Rect{float64(box.Rect.Left), float64(box.Rect.Bottom), float64(box.Rect.Right), float64(box.Rect.Top)}
		if c.Box.X0 > c.Box.X1 {
			c.Box.X0, c.Box.X1 = c.Box.X1, c.Box.X0
		}
		if c.Box.Y0 > c.Box.Y1 {
			c.Box.Y0, c.Box.Y1 = c.Box.Y1, c.Box.Y0
		}
		m, err := inst.FPDFText_GetMatrix(&requests.FPDFText_GetMatrix{TextPage: text, Index: k})
		if err != nil {
			return nil, classify(err)
		}
		c.A, c.B, c.C, c.D = float64(m.Matrix.A), float64(m.Matrix.B), float64(m.Matrix.C), float64(m.Matrix.D)
		fs, err := inst.FPDFText_GetFontSize(&requests.FPDFText_GetFontSize{TextPage: text, Index: k})
		if err != nil {
			return nil, classify(err)
		}
		// The em on the page: the font size through the text matrix's
		// vertical axis.
		c.Size = fs.FontSize * math.Hypot(c.C, c.D)
		if c.Size <= 0 || math.IsNaN(c.Size) || math.IsInf(c.Size, 0) {
			c.Size = math.Max(c.Box.Y1-c.Box.Y0, 1)
		}
		if fi, err := inst.FPDFText_GetFontInfo(&requests.FPDFText_GetFontInfo{TextPage: text, Index: k}); err == nil {
			c.Font, c.Flags = fi.FontName, fi.Flags
		}
		if fw, err := inst.FPDFText_GetFontWeight(&requests.FPDFText_GetFontWeight{TextPage: text, Index: k}); err == nil {
			c.Weight = fw.FontWeight
		}
		chars = append(chars, c)
	}
	return chars, nil
}

// Page returns page i's geometry.
func (d *Document) Page(i int) (info PageInfo, err error) {
	if i < 0 || i >= d.pages {
		return info, fmt.Errorf("pdfium: page %d out of range (1–%d)", i+1, d.pages)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	size, err := d.inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: d.ref, Index: i})
	if err != nil {
		return info, classify(err)
	}
	info.Width, info.Height = size.Width, size.Height
	pg := requests.Page{ByIndex: &requests.PageByIndex{Document: d.ref, Index: i}}
	if rot, err := d.inst.FPDFPage_GetRotation(&requests.FPDFPage_GetRotation{Page: pg}); err == nil {
		info.Rotate = int(rot.PageRotation) * 90
	}
	if mb, err := d.inst.FPDFPage_GetMediaBox(&requests.FPDFPage_GetMediaBox{Page: pg}); err == nil {
		info.MediaBox = normRect(Rect{float64(mb.Left), float64(mb.Bottom), float64(mb.Right), float64(mb.Top)})
	} else {
		w, h := info.Width, info.Height
		if info.Rotate == 90 || info.Rotate == 270 {
			w, h = h, w
		}
		info.MediaBox = Rect{0, 0, w, h}
	}
	info.CropBox = info.MediaBox
	if cb, err := d.inst.FPDFPage_GetCropBox(&requests.FPDFPage_GetCropBox{Page: pg}); err == nil {
		c := normRect(Rect{float64(cb.Left), float64(cb.Bottom), float64(cb.Right), float64(cb.Top)})
		// PDFium shows the crop box clipped to the media box.
		c = Rect{max(c.X0, info.MediaBox.X0), max(c.Y0, info.MediaBox.Y0), min(c.X1, info.MediaBox.X1), min(c.Y1, info.MediaBox.Y1)}
		if c.X1-c.X0 > 1 && c.Y1-c.Y0 > 1 {
			info.CropBox = c
		}
	}
	return info, nil
}

func normRect(r Rect) Rect {
	if r.X0 > r.X1 {
		r.X0, r.X1 = r.X1, r.X0
	}
	if r.Y0 > r.Y1 {
		r.Y0, r.Y1 = r.Y1, r.Y0
	}
	return r
}

// PageToDevice asks PDFium where a point of page i falls in the page
// rendered at dpi (what ToPixel computes; for tests).
func (d *Document) PageToDevice(i int, x, y, dpi float64) (px, py int, err error) {
	info, err := d.Page(i)
	if err != nil {
		return 0, 0, err
	}
	res, err := d.inst.FPDF_PageToDevice(&requests.FPDF_PageToDevice{
		Page:  requests.Page{ByIndex: &requests.PageByIndex{Document: d.ref, Index: i}},
		SizeX: int(math.Round(info.Width * dpi / 72)), SizeY: int(math.Round(info.Height * dpi / 72)),
		Rotate: 0, PageX: x, PageY: y,
	})
	if err != nil {
		return 0, 0, classify(err)
	}
	return res.DeviceX, res.DeviceY, nil
}

// IsPassword reports whether err means a password is needed.
func IsPassword(err error) bool { return errors.Is(err, ErrPassword) }

// MetaText returns an entry of the document's information dictionary
// ("Title", "Author", …), or "".
func (d *Document) MetaText(tag string) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	r, err := d.inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: d.ref, Tag: tag})
	if err != nil {
		return ""
	}
	return r.Value
}

// PageLabel returns page i's printed label from /PageLabels, or "".
func (d *Document) PageLabel(i int) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	r, err := d.inst.FPDF_GetPageLabel(&requests.FPDF_GetPageLabel{Document: d.ref, Page: i})
	if err != nil {
		return ""
	}
	return r.Label
}
