// Package pdfgen writes small, valid PDF files with known content, for
// Rapport's tests and benchmarks: the words, their pages and their reading
// order are known exactly, so extraction and search can be checked against
// them. It writes the standard 14 fonts (with their widths, so that glyph
// positions are real) and lays out paragraphs in one or two columns.
//
// It is not a general PDF writer: it is as small as the tests allow.
package pdfgen

import (
	"bytes"
	"fmt"
	"strings"
)

// Font names a standard font. Only WinAnsi (Latin-1) text can be shown.
type Font string

// The standard fonts pdfgen writes.
const (
	Helvetica     Font = "Helvetica"
	HelveticaBold Font = "Helvetica-Bold"
	TimesRoman    Font = "Times-Roman"
)

var fontOrder = []Font{Helvetica, HelveticaBold, TimesRoman}

func fontKey(f Font) string {
	for i, g := range fontOrder {
		if g == f {
			return fmt.Sprintf("F%d", i+1)
		}
	}
	return "F1"
}

// Text is one run of text drawn at a baseline position, in points from the
// bottom-left corner of the page.
type Text struct {
	X, Y float64
	Size float64
	Font Font
	S    string
	// WordSpacing, when non-zero, is set with the Tw operator before the run
	// (as justified text does); Width then includes it for every space.
	WordSpacing float64
}

// Page is one page: its size (zero means US Letter) and what is drawn on it.
type Page struct {
	Width, Height float64
	Texts         []Text
	// Raw is content-stream text appended as it is, for tests that need
	// operators pdfgen does not model.
	Raw string
}

// Doc is a whole document.
type Doc struct {
	Title  string // the info dictionary's /Title; empty leaves it out
	Author string
	Pages  []Page
}

// Width returns the width in points of s in font f at size pt.
func Width(f Font, size float64, s string) float64 {
	w := 0.0
	for _, r := range s {
		w += float64(glyphWidth(f, r))
	}
	return w * size / 1000
}

func glyphWidth(f Font, r rune) int {
	table := helveticaWidths
	switch f {
	case HelveticaBold:
		table = helveticaBoldWidths
	case TimesRoman:
		table = timesWidths
	}
	if r >= 32 && r < 127 {
		return table[r-32]
	}
	return 556
}

// Bytes returns the PDF file.
func (d *Doc) Bytes() []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) int {
		offsets = append(offsets, b.Len())
		n := len(offsets)
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
		return n
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1: catalog, 2: pages (written with known numbers below).
	offsets = append(offsets, 0, 0)
	fontObjs := make([]int, len(fontOrder))
	for i, f := range fontOrder {
		widths := make([]string, 0, 95)
		for r := rune(32); r < 127; r++ {
			widths = append(widths, fmt.Sprint(glyphWidth(f, r)))
		}
		fontObjs[i] = obj(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [%s] >>",
			f, strings.Join(widths, " ")))
	}
	var fontRes strings.Builder
	for i := range fontOrder {
		fmt.Fprintf(&fontRes, "/F%d %d 0 R ", i+1, fontObjs[i])
	}
	var kids []string
	for _, p := range d.Pages {
		w, h := p.Width, p.Height
		if w == 0 || h == 0 {
			w, h = 612, 792
		}
		content := p.content()
		c := obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
		pg := obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << %s>> >> /Contents %d 0 R >>",
			w, h, fontRes.String(), c))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	info := 0
	if d.Title != "" || d.Author != "" {
		var s strings.Builder
		s.WriteString("<< ")
		if d.Title != "" {
			fmt.Fprintf(&s, "/Title %s ", pdfString(d.Title))
		}
		if d.Author != "" {
			fmt.Fprintf(&s, "/Author %s ", pdfString(d.Author))
		}
		s.WriteString("/Producer (Rapport pdfgen) >>")
		info = obj(s.String())
	}
	// Catalog and page tree, at their reserved numbers.
	offsets[0] = b.Len()
	fmt.Fprintf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	offsets[1] = b.Len()
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n", strings.Join(kids, " "), len(kids))

	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R", len(offsets)+1)
	if info != 0 {
		fmt.Fprintf(&b, " /Info %d 0 R", info)
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func (p Page) content() string {
	var s strings.Builder
	for _, t := range p.Texts {
		size := t.Size
		if size == 0 {
			size = 10
		}
		fmt.Fprintf(&s, "BT /%s %g Tf %g Tw %g %g Td %s Tj ET\n", fontKey(t.Font), size, t.WordSpacing, t.X, t.Y, pdfString(t.S))
	}
	s.WriteString(p.Raw)
	return s.String()
}

// pdfString encodes s as a literal PDF string in WinAnsi (Latin-1 for the
// characters pdfgen supports; others become '?').
func pdfString(s string) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 32 && r < 127:
			b.WriteRune(r)
		case r >= 160 && r < 256:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	b.WriteByte(')')
	return b.String()
}
