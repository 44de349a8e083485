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
	"unicode/utf16"

	"github.com/rapport-qda/rapport/internal/stdfonts"
	"golang.org/x/text/encoding/charmap"
)

// Font names a standard font. Only WinAnsi (Latin-1) text can be shown.
type Font string

// The standard fonts pdfgen writes.
const (
	Helvetica     Font = "Helvetica"
	HelveticaBold Font = "Helvetica-Bold"
	TimesRoman    Font = "Times-Roman"
	// TimesLigDiff is Times-Roman whose encoding's /Differences put the
	// glyphs /fi and /fl at codes 1 and 2: "fi" and "fl" in text are drawn
	// as those single ligature glyphs.
	TimesLigDiff Font = "Times-Roman+LigDiff"
	// TimesLigCMap draws "fi" and "fl" as codes 1 and 2 too, with no
	// /Differences, and a /ToUnicode CMap that maps them to U+FB01 and
	// U+FB02 (the compatibility ligature characters).
	TimesLigCMap Font = "Times-Roman+LigCMap"
	// TimesCID is a composite (Type0, Identity-H) font as Word, LibreOffice
	// and cairo write them: two-byte codes (the ASCII code point, and 1 and
	// 2 for the fi and fl ligatures), widths in the CIDFont's /W array and a
	// /ToUnicode CMap that maps the ligatures to U+FB01 and U+FB02. Word
	// spacing (Tw) does not apply to its spaces.
	TimesCID Font = "Times-Roman+CID"
	// TimesBold and TimesItalic are written with Times-Roman's widths: the
	// positions are those the /Widths say, which is all extraction reads.
	TimesBold   Font = "Times-Bold"
	TimesItalic Font = "Times-Italic"
)

var fontOrder = []Font{Helvetica, HelveticaBold, TimesRoman, TimesLigDiff, TimesLigCMap, TimesCID, TimesBold, TimesItalic}

func isLigFont(f Font) bool { return f == TimesLigDiff || f == TimesLigCMap || f == TimesCID }

// showString writes codes as a string operand in font f: two bytes per code
// for TimesCID, one otherwise.
func showString(f Font, codes []rune) string {
	if f != TimesCID {
		return pdfString(codes)
	}
	var b strings.Builder
	b.WriteByte('<')
	for _, r := range codes {
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteByte('>')
	return b.String()
}

// encode turns text into the codes drawn in font f.
func encode(f Font, s string) []rune {
	if isLigFont(f) {
		s = strings.NewReplacer("fi", "\x01", "fl", "\x02").Replace(s)
	}
	codes := []rune(s)
	for i, r := range codes {
		// Characters of WinAnsi (Windows-1252) beyond Latin-1: dashes,
		// curly quotes, daggers, the bullet.
		if r > 255 {
			if b, ok := charmap.Windows1252.EncodeRune(r); ok {
				codes[i] = rune(b)
			}
		}
	}
	return codes
}

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
	// Kern, when non-zero, draws the run with TJ and inserts this
	// adjustment (thousandths of an em, positive moves left) after every
	// second letter inside words.
	Kern int
	// PositionedWords draws the run with TJ without space characters: each
	// space becomes a TJ offset of the same width (as many producers do).
	PositionedWords bool
	// Invisible draws the run in text rendering mode 3 (neither filled nor
	// stroked), as OCR programs lay their text over a scanned image.
	Invisible bool
}

// Form is a form XObject drawn on a page with "Do": its texts are in the
// form's own coordinates, mapped to the page by Matrix.
type Form struct {
	Matrix [6]float64
	Texts  []Text
}

// Page is one page: its size (zero means US Letter) and what is drawn on it.
type Page struct {
	Width, Height float64
	Texts         []Text
	// Raw is content-stream text appended as it is, for tests that need
	// operators pdfgen does not model.
	Raw string
	// Forms are drawn after Texts, each as a form XObject.
	Forms []Form
	// Rotate turns the page when displayed (/Rotate: 0, 90, 180, 270).
	Rotate int
	// CropBox, when not zero, is the displayed part of the page
	// (x0 y0 x1 y1).
	CropBox [4]float64
	// Annots are annotation dictionaries written as they are (e.g.
	// "<< /Type /Annot /Subtype /Highlight … >>").
	Annots []string
	// Markup are annotations written (after Annots) into the page's
	// /Annots, each an indirect object, as readers write them.
	Markup []Annot
	// RawAnnots, when set, is written as the value of /Annots as it is
	// (for tests of broken annotation arrays); Annots and Markup are then
	// ignored.
	RawAnnots string
	// Images are drawn before Texts, each as an image XObject.
	Images []Image
	// MediaBox, when not zero, is the page's /MediaBox [x0 y0 x1 y1]
	// (Width and Height are then ignored).
	MediaBox [4]float64
}

// Annot is an annotation of a page, as a PDF reader or a viewer writes it.
type Annot struct {
	// Subtype: Highlight, Underline, Squiggly, StrikeOut, Text, FreeText,
	// Ink, Square…
	Subtype string
	// Rect is /Rect (x0 y0 x1 y1); zero means the bounds of Quads.
	Rect [4]float64
	// Quads is /QuadPoints, one quadrilateral per entry in the order
	// viewers write: top left, top right, bottom left, bottom right.
	Quads [][8]float64
	// Color is /C (0, 1, 3 or 4 components in 0–1); nil leaves it out.
	Color []float64
	// Contents, Author (/T), Name (/NM), Created (/CreationDate) and
	// Modified (/M) are written as text strings when not empty.
	Contents, Author, Name, Created, Modified string
	// Popup adds a /Popup annotation (after this one) whose /Parent is
	// this annotation; PopupContents, if set, is the popup's /Contents.
	Popup         bool
	PopupContents string
	// InReplyTo, when > 0, makes this annotation a reply (/IRT) to the
	// page's annotation number InReplyTo (1-based, in Annots).
	InReplyTo int
	// Ink is /InkList: each stroke a list of x y pairs.
	Ink [][]float64
	// AP, when set, is the content of the annotation's normal appearance
	// stream (with /BBox its Rect).
	AP string
	// Extra is appended to the dictionary as it is ("/F 4 /CA 0.5").
	Extra string
}

// QuadOf returns the quadrilateral of a rectangle x0 y0 x1 y1 in the point
// order viewers write.
func QuadOf(r [4]float64) [8]float64 {
	return [8]float64{r[0], r[3], r[2], r[3], r[0], r[1], r[2], r[1]}
}

// Doc is a whole document.
type Doc struct {
	Title  string // the info dictionary's /Title; empty leaves it out
	Author string
	Pages  []Page
	// PageLabels, if set, is written as the catalog's /PageLabels number
	// tree, e.g. "<< /Nums [0 << /S /r >> 2 << /S /D >>] >>".
	PageLabels string
	// XMP, if set, is written as the catalog's /Metadata stream (an XMP
	// packet, see XMPPacket).
	XMP string
}

// Width returns the width in points of s in font f at size pt.
func Width(f Font, size float64, s string) float64 {
	w := 0.0
	for _, r := range encode(f, s) {
		w += float64(glyphWidth(f, r))
	}
	return w * size / 1000
}

func glyphWidth(f Font, r rune) int {
	table := stdfonts.Helvetica
	switch f {
	case HelveticaBold:
		table = stdfonts.HelveticaBold
	case TimesRoman, TimesLigDiff, TimesLigCMap, TimesCID, TimesBold, TimesItalic:
		table = stdfonts.TimesRoman
	}
	if isLigFont(f) && (r == 1 || r == 2) {
		return 556 // Times fi, fl
	}
	if r >= 32 && r < 127 {
		return table[r-32]
	}
	return 556
}

// RunWidth is the advance of a Text run as drawn: glyph widths, word
// spacing for each space, kerning adjustments.
func RunWidth(t Text) float64 {
	size := t.Size
	if size == 0 {
		size = 10
	}
	w := Width(t.Font, size, t.S)
	if t.Font != TimesCID {
		w += t.WordSpacing * float64(strings.Count(t.S, " "))
	}
	if t.Kern != 0 {
		w -= float64(t.Kern*kernCount(t.S)) / 1000 * size
	}
	return w
}

// kernCount is how many kerning adjustments a run gets: one after every
// second letter inside a word (never next to a space or at the end).
func kernCount(s string) int {
	n := 0
	for _, w := range strings.Split(s, " ") {
		k := len(encode(TimesRoman, w))
		if k > 2 {
			n += (k - 1) / 2
		}
	}
	return n
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
		widths := make([]string, 0, 224)
		for r := rune(32); r < 256; r++ {
			widths = append(widths, fmt.Sprint(glyphWidth(f, r)))
		}
		switch f {
		case TimesCID:
			var w strings.Builder
			w.WriteString("1 [556 556] 32 [")
			for r := rune(32); r < 127; r++ {
				fmt.Fprintf(&w, "%d ", glyphWidth(f, r))
			}
			w.WriteString("]")
			desc := obj(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Times-Roman /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [%s] >>", w.String()))
			cmap := cidLigatureCMap
			tu := obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(cmap), cmap))
			fontObjs[i] = obj(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /Times-Roman /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", desc, tu))
		case TimesLigDiff, TimesLigCMap:
			lig := make([]string, 0, 126)
			for r := rune(1); r < 127; r++ {
				w := 0
				if r < 3 || r >= 32 {
					w = glyphWidth(f, r)
				}
				lig = append(lig, fmt.Sprint(w))
			}
			enc := "<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /fl] >>"
			extra := ""
			if f == TimesLigCMap {
				enc = "/WinAnsiEncoding"
				cmap := ligatureCMap
				extra = fmt.Sprintf(" /ToUnicode %d 0 R", obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(cmap), cmap)))
			}
			fontObjs[i] = obj(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding %s /FirstChar 1 /LastChar 126 /Widths [%s]%s >>",
				enc, strings.Join(lig, " "), extra))
		default:
			fontObjs[i] = obj(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths [%s] >>",
				f, strings.Join(widths, " ")))
		}
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
		mediaBox := fmt.Sprintf("[0 0 %g %g]", w, h)
		if p.MediaBox != [4]float64{} {
			mb := p.MediaBox
			mediaBox = fmt.Sprintf("[%g %g %g %g]", mb[0], mb[1], mb[2], mb[3])
		}
		var xobjs strings.Builder
		content := ""
		for k, im := range p.Images {
			io := obj(im.object())
			fmt.Fprintf(&xobjs, "/Im%d %d 0 R ", k+1, io)
			content += fmt.Sprintf("q %g 0 0 %g %g %g cm /Im%d Do Q\n", im.W, im.H, im.X, im.Y, k+1)
		}
		content += p.content()
		for k, form := range p.Forms {
			fc := Page{Texts: form.Texts}.content()
			m := form.Matrix
			if m == [6]float64{} {
				m = [6]float64{1, 0, 0, 1, 0, 0}
			}
			fo := obj(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 %g %g] /Matrix [%g %g %g %g %g %g] /Resources << /Font << %s>> >> /Length %d >>\nstream\n%s\nendstream",
				w, h, m[0], m[1], m[2], m[3], m[4], m[5], fontRes.String(), len(fc), fc))
			fmt.Fprintf(&xobjs, "/Fm%d %d 0 R ", k+1, fo)
			content += fmt.Sprintf("q /Fm%d Do Q\n", k+1)
		}
		xres := ""
		if xobjs.Len() > 0 {
			xres = " /XObject << " + xobjs.String() + ">>"
		}
		c := obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
		extra := ""
		if p.Rotate != 0 {
			extra += fmt.Sprintf(" /Rotate %d", p.Rotate)
		}
		if p.CropBox != [4]float64{} {
			extra += fmt.Sprintf(" /CropBox [%g %g %g %g]", p.CropBox[0], p.CropBox[1], p.CropBox[2], p.CropBox[3])
		}
		// The page's own number is known before it is written: annotations
		// written first point to it with /P.
		pageNum := len(offsets) + 1 + annotObjects(p)
		switch {
		case p.RawAnnots != "":
			extra += " /Annots " + p.RawAnnots
		case len(p.Annots) > 0 || len(p.Markup) > 0:
			var refs []string
			for _, a := range p.Annots {
				refs = append(refs, fmt.Sprintf("%d 0 R", obj(a)))
			}
			if len(p.Markup) > 0 {
				refs = append(refs, writeAnnots(p.Markup, pageNum, obj))
			}
			extra += " /Annots [" + strings.Join(refs, " ") + "]"
		}
		pg := obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox %s%s /Resources << /Font << %s>>%s >> /Contents %d 0 R >>",
			mediaBox, extra, fontRes.String(), xres, c))
		if pg != pageNum {
			panic(fmt.Sprintf("pdfgen: page object %d, expected %d", pg, pageNum))
		}
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	info := 0
	if d.Title != "" || d.Author != "" {
		var s strings.Builder
		s.WriteString("<< ")
		if d.Title != "" {
			fmt.Fprintf(&s, "/Title %s ", pdfString([]rune(d.Title)))
		}
		if d.Author != "" {
			fmt.Fprintf(&s, "/Author %s ", pdfString([]rune(d.Author)))
		}
		s.WriteString("/Producer (Rapport pdfgen) >>")
		info = obj(s.String())
	}
	// Catalog and page tree, at their reserved numbers.
	labels := ""
	if d.PageLabels != "" {
		labels = " /PageLabels " + d.PageLabels
	}
	if d.XMP != "" {
		labels += fmt.Sprintf(" /Metadata %d 0 R", obj(fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream", len(d.XMP), d.XMP)))
	}
	offsets[0] = b.Len()
	fmt.Fprintf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R%s >>\nendobj\n", labels)
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
		mode := ""
		if t.Invisible {
			mode = "3 Tr "
		}
		if t.Kern == 0 && !t.PositionedWords {
			fmt.Fprintf(&s, "BT %s/%s %g Tf %g Tw %g %g Td %s Tj ET\n", mode, fontKey(t.Font), size, t.WordSpacing, t.X, t.Y, showString(t.Font, encode(t.Font, t.S)))
			continue
		}
		fmt.Fprintf(&s, "BT %s/%s %g Tf %g Tw %g %g Td [", mode, fontKey(t.Font), size, t.WordSpacing, t.X, t.Y)
		words := strings.Split(t.S, " ")
		for i, w := range words {
			if i > 0 {
				if t.PositionedWords {
					space := float64(glyphWidth(t.Font, ' ')) + t.WordSpacing*1000/size
					fmt.Fprintf(&s, " %g ", -space)
				} else {
					s.WriteString(showString(t.Font, []rune(" ")))
				}
			}
			codes := encode(t.Font, w)
			if t.Kern == 0 || len(codes) <= 2 {
				s.WriteString(showString(t.Font, codes))
				continue
			}
			for j := 0; j < len(codes); j += 2 {
				end := min(j+2, len(codes))
				s.WriteString(showString(t.Font, codes[j:end]))
				if end < len(codes) {
					fmt.Fprintf(&s, " %d ", t.Kern)
				}
			}
		}
		s.WriteString("] TJ ET\n")
	}
	s.WriteString(p.Raw)
	return s.String()
}

// annotObjects is how many objects a page's annotations take.
func annotObjects(p Page) int {
	if p.RawAnnots != "" {
		return 0
	}
	return len(p.Annots) + markupObjects(p.Markup)
}

// markupObjects is how many objects annotations of Page.Markup take.
func markupObjects(annots []Annot) int {
	n := 0
	for _, a := range annots {
		n++
		if a.Popup {
			n++
		}
		if a.AP != "" {
			n++
		}
	}
	return n
}

// writeAnnots writes a page's annotations with obj and returns the
// references of the /Annots array. Object numbers are known in advance, so
// that a popup and its parent, or a reply and the annotation it answers,
// can point to each other.
func writeAnnots(annots []Annot, page int, obj func(string) int) string {
	first := page - markupObjects(annots)
	num := make([]int, len(annots)) // each annotation's object number
	next := first
	for i, a := range annots {
		if a.AP != "" {
			next++ // its appearance stream goes first
		}
		num[i] = next
		next++
		if a.Popup {
			next++
		}
	}
	var refs []string
	for i, a := range annots {
		rect := a.Rect
		if rect == [4]float64{} && len(a.Quads) > 0 {
			rect = [4]float64{a.Quads[0][0], a.Quads[0][1], a.Quads[0][0], a.Quads[0][1]}
			for _, q := range a.Quads {
				for k := 0; k < 8; k += 2 {
					rect[0], rect[2] = min(rect[0], q[k]), max(rect[2], q[k])
					rect[1], rect[3] = min(rect[1], q[k+1]), max(rect[3], q[k+1])
				}
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "<< /Type /Annot /Subtype /%s /Rect [%g %g %g %g] /P %d 0 R", a.Subtype, rect[0], rect[1], rect[2], rect[3], page)
		if len(a.Quads) > 0 {
			b.WriteString(" /QuadPoints [")
			for k, q := range a.Quads {
				if k > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%g %g %g %g %g %g %g %g", q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7])
			}
			b.WriteString("]")
		}
		if a.Color != nil {
			b.WriteString(" /C [")
			for k, c := range a.Color {
				if k > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%g", c)
			}
			b.WriteString("]")
		}
		for _, kv := range [][2]string{{"Contents", a.Contents}, {"T", a.Author}, {"NM", a.Name}, {"CreationDate", a.Created}, {"M", a.Modified}} {
			if kv[1] != "" {
				fmt.Fprintf(&b, " /%s %s", kv[0], TextString(kv[1]))
			}
		}
		if len(a.Ink) > 0 {
			b.WriteString(" /InkList [")
			for _, stroke := range a.Ink {
				b.WriteString("[")
				for k, v := range stroke {
					if k > 0 {
						b.WriteByte(' ')
					}
					fmt.Fprintf(&b, "%g", v)
				}
				b.WriteString("]")
			}
			b.WriteString("]")
		}
		if a.InReplyTo > 0 && a.InReplyTo <= len(annots) {
			fmt.Fprintf(&b, " /IRT %d 0 R", num[a.InReplyTo-1])
		}
		if a.Popup {
			fmt.Fprintf(&b, " /Popup %d 0 R", num[i]+1)
		}
		if a.AP != "" {
			ap := obj(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [%g %g %g %g] /Length %d >>\nstream\n%s\nendstream", rect[0], rect[1], rect[2], rect[3], len(a.AP), a.AP))
			fmt.Fprintf(&b, " /AP << /N %d 0 R >>", ap)
		}
		if a.Extra != "" {
			b.WriteString(" " + a.Extra)
		}
		b.WriteString(" >>")
		n := obj(b.String())
		if n != num[i] {
			panic(fmt.Sprintf("pdfgen: annotation object %d, expected %d", n, num[i]))
		}
		refs = append(refs, fmt.Sprintf("%d 0 R", n))
		if a.Popup {
			contents := ""
			if a.PopupContents != "" {
				contents = " /Contents " + TextString(a.PopupContents)
			}
			pop := obj(fmt.Sprintf("<< /Type /Annot /Subtype /Popup /Rect [%g %g %g %g] /Parent %d 0 R /P %d 0 R%s >>", rect[2], rect[1], rect[2]+150, rect[1]+80, n, page, contents))
			refs = append(refs, fmt.Sprintf("%d 0 R", pop))
		}
	}
	return strings.Join(refs, " ")
}

// TextString encodes s as a PDF text string: a literal string when it is
// printable ASCII, else UTF-16BE with a byte-order mark, in hex.
func TextString(s string) string {
	ascii := true
	for _, r := range s {
		if r < 32 || r > 126 {
			ascii = false
			break
		}
	}
	if ascii {
		return pdfString([]rune(s))
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfString encodes s as a literal PDF string in WinAnsi (Latin-1 for the
// characters pdfgen supports; others become '?').
func pdfString(codes []rune) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, r := range codes {
		switch {
		case r < 32:
			fmt.Fprintf(&b, "\\%03o", r)
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 32 && r < 127:
			b.WriteRune(r)
		case r >= 127 && r < 256:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	b.WriteByte(')')
	return b.String()
}

// ligatureCMap maps codes 1 and 2 to U+FB01 and U+FB02 and the printable
// ASCII codes to themselves.
const ligatureCMap = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Rapport-Lig def
1 begincodespacerange
<00> <FF>
endcodespacerange
2 beginbfchar
<01> <FB01>
<02> <FB02>
endbfchar
1 beginbfrange
<20> <7E> <0020>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end`

// cidLigatureCMap is TimesCID's ToUnicode: two-byte codes, 1 and 2 to the
// ligature characters, printable ASCII to itself.
const cidLigatureCMap = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Rapport-CID def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0001> <FB01>
<0002> <FB02>
endbfchar
1 beginbfrange
<0020> <007E> <0020>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end`

// PhraseRects returns the rectangles a viewer's highlight of the nth
// occurrence (0-based) of phrase would have on the page: one per text run
// (line) the phrase covers, from a descender's depth to an ascender's
// height. The phrase is looked for in the page's runs (Texts, in drawing
// order) joined by single spaces, so it may run on from one line to the
// next (but not through a hyphen the line break added).
func (p Page) PhraseRects(phrase string, nth int) ([][4]float64, bool) {
	var joined strings.Builder
	starts := make([]int, len(p.Texts))
	for i, t := range p.Texts {
		if i > 0 {
			joined.WriteByte(' ')
		}
		starts[i] = joined.Len()
		joined.WriteString(t.S)
	}
	s := joined.String()
	at := -1
	for from := 0; nth >= 0; nth-- {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return nil, false
		}
		at = from + i
		from = at + 1
	}
	end := at + len(phrase)
	var rects [][4]float64
	for i, t := range p.Texts {
		a, b := max(at, starts[i]), min(end, starts[i]+len(t.S))
		if a >= b {
			continue
		}
		size := t.Size
		if size == 0 {
			size = 10
		}
		prefix := func(n int) float64 {
			u := t
			u.S = t.S[:n]
			return RunWidth(u)
		}
		x0, x1 := t.X+prefix(a-starts[i]), t.X+prefix(b-starts[i])
		rects = append(rects, [4]float64{x0, t.Y - 0.22*size, x1, t.Y + 0.8*size})
	}
	return rects, len(rects) > 0
}
