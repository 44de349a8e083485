package importer

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/pdfium"
	"github.com/rapport-qda/rapport/internal/stdfonts"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

// OCR: pages that are pictures of text (scans) are rendered by PDFium,
// read by Tesseract, and the words it finds, their boxes mapped from
// pixels back to PDF user space, become glyph records for the same layout
// engine as born-digital text (the glyph seam): columns, paragraphs,
// hyphenation and running headers follow the same rules. The importer
// reads one page at a time (ScanDocument, PageImage.Recognize) so that a
// caller can run one Tesseract process per core and keep what each page
// gave as it finishes; ExtractOptions.OCR then lays out a document from
// its text layer and the words read so far.

// EngineOCR names text read from page images by Tesseract
// (Extraction.Engine when some page was read so).
const EngineOCR = "ocr"

// OCRDPI is the resolution scanned pages are rendered at for Tesseract.
const OCRDPI = 300

// minOCRDPI is the lowest resolution a page too large for OCRDPI is read
// at; a page that would need less fails (its text would be unreadable).
const minOCRDPI = 100

// maxOCRPixels bounds a page image handed to Tesseract (as PDFium's
// rendering limit does).
const maxOCRPixels = 24_000_000

// LowConfidence is the confidence (0–100) under which a word read by OCR
// is marked uncertain (PageText.Uncertain): kept in the text, shown as
// doubtful.
const LowConfidence = 60

// ErrPageTooLarge: a page is too large to render for OCR.
var ErrPageTooLarge = errors.New("the page is too large to read")

// OCRWord is one word read from a page image, its box in PDF user space
// (points, the page's /Rotate not applied, as Box).
type OCRWord struct {
	Text string  `json:"t"`
	Box  Box     `json:"b"`
	Conf float32 `json:"c"` // Tesseract's confidence, 0–100
	// Line numbers the words of one line, as Tesseract found them (from
	// 0, in its reading order).
	Line int32 `json:"l"`
}

// OCRPage is what OCR read on one page.
type OCRPage struct {
	Words []OCRWord `json:"words"`
	// Rot is the writing direction of the page image's lines in user
	// space (as glyph.rot: 0 when the page is not turned by /Rotate).
	Rot uint8 `json:"rot"`
	// DPI is the resolution the page was read at.
	DPI int `json:"dpi"`
	// Bot and Top are the page's lower and upper edges (y, user space)
	// as rendered.
	Bot float64 `json:"bot"`
	Top float64 `json:"top"`
}

// MeanConfidence is the mean of the words' confidences (0 with no words).
func (p *OCRPage) MeanConfidence() float64 {
	if len(p.Words) == 0 {
		return 0
	}
	sum := 0.0
	for _, w := range p.Words {
		sum += float64(w.Conf)
	}
	return sum / float64(len(p.Words))
}

// ScanDocument is a PDF opened to render its pages for OCR. It holds a
// PDFium instance until Close; it is not safe for concurrent use.
type ScanDocument struct {
	doc *pdfium.Document
}

// OpenScan opens a PDF held in memory for OCR (password may be empty).
func OpenScan(ctx context.Context, data []byte, password string) (*ScanDocument, error) {
	eng, err := pdfium.Get(ctx)
	if err != nil {
		return nil, err
	}
	doc, err := eng.Open(ctx, data, password)
	if err != nil {
		return nil, err
	}
	return &ScanDocument{doc: doc}, nil
}

// PageCount is the number of pages.
func (s *ScanDocument) PageCount() int { return s.doc.PageCount() }

// Close releases the document.
func (s *ScanDocument) Close() error { return s.doc.Close() }

// PageImage is a page rendered for OCR: a grey image at DPI dots per inch
// and the map from its pixels to PDF user space.
type PageImage struct {
	Page   int // 1-based
	Image  *image.Gray
	DPI    float64
	toPage pdfium.Affine
}

// Render draws page n (1-based) in grey at dpi (OCRDPI when 0), or at
// the highest resolution under the pixel limit for a page too large for
// it; a page that has no size, or would need under 100 dpi, fails.
func (s *ScanDocument) Render(n int, dpi float64) (*PageImage, error) {
	if dpi <= 0 {
		dpi = OCRDPI
	}
	i := n - 1
	info, err := s.doc.Page(i)
	if err != nil {
		return nil, fmt.Errorf("render page %d for OCR: %w", n, err)
	}
	w, h := info.Width, info.Height
	if !(w >= 1 && h >= 1) || math.IsInf(w*h, 0) {
		return nil, fmt.Errorf("render page %d for OCR: the page has no size (%gx%g points)", n, w, h)
	}
	if px := w * h * dpi * dpi / (72 * 72); px > maxOCRPixels {
		dpi = math.Floor(dpi * math.Sqrt(maxOCRPixels/px))
		if dpi < minOCRDPI {
			return nil, fmt.Errorf("render page %d for OCR (%.0fx%.0f points): %w", n, w, h, ErrPageTooLarge)
		}
	}
	img, err := s.doc.Render(i, dpi, true)
	if err != nil {
		return nil, fmt.Errorf("render page %d for OCR: %w", n, err)
	}
	gray, ok := img.(*image.Gray)
	if !ok {
		return nil, fmt.Errorf("render page %d for OCR: a %T, not a grey image", n, img)
	}
	b := gray.Bounds()
	m, err := s.doc.DeviceToPage(i, b.Dx(), b.Dy())
	if err != nil {
		return nil, fmt.Errorf("render page %d for OCR: %w", n, err)
	}
	return &PageImage{Page: n, Image: gray, DPI: dpi, toPage: m}, nil
}

// Recognize reads the page image with Tesseract (one process) and maps
// its words to user space. CPU is the processor time Tesseract took.
func (p *PageImage) Recognize(ctx context.Context, eng *tesseract.Engine, lang string) (page *OCRPage, cpu time.Duration, err error) {
	res, err := eng.Recognize(ctx, p.Image, int(math.Round(p.DPI)), lang)
	if err != nil {
		return nil, 0, fmt.Errorf("OCR of page %d: %w", p.Page, err)
	}
	return p.Words(res.Words), res.CPU, nil
}

// Words maps Tesseract's words (pixels, top left origin) to user space.
func (p *PageImage) Words(words []tesseract.Word) *OCRPage {
	m := p.toPage
	out := &OCRPage{DPI: int(math.Round(p.DPI))}
	// The direction of the image's lines (pixels to the right) and of
	// "up" (pixels upwards) in user space give the writing direction.
	out.Rot = rotationOf(matrix{m.A, m.B, -m.C, -m.D, 0, 0})
	b := p.Image.Bounds()
	out.Bot, out.Top = math.Inf(1), math.Inf(-1)
	for _, c := range [4][2]float64{{0, 0}, {float64(b.Dx()), 0}, {0, float64(b.Dy())}, {float64(b.Dx()), float64(b.Dy())}} {
		_, y := m.Apply(c[0], c[1])
		out.Bot, out.Top = math.Min(out.Bot, y), math.Max(out.Top, y)
	}
	type lineKey struct{ block, par, line int }
	lines := map[lineKey]int32{}
	for _, w := range words {
		text := strings.TrimSpace(w.Text)
		if text == "" || !utf8.ValidString(text) {
			continue
		}
		k := lineKey{w.Block, w.Par, w.Line}
		line, ok := lines[k]
		if !ok {
			line = int32(len(lines))
			lines[k] = line
		}
		x0, y0 := m.Apply(float64(w.Left), float64(w.Top+w.Height))
		x1, y1 := m.Apply(float64(w.Left+w.Width), float64(w.Top))
		conf := float32(math.Max(0, math.Min(100, w.Conf)))
		out.Words = append(out.Words, OCRWord{
			Text: text,
			Box:  Box{X0: float32(min(x0, x1)), Y0: float32(min(y0, y1)), X1: float32(max(x0, x1)), Y1: float32(max(y0, y1))},
			Conf: conf,
			Line: line,
		})
	}
	return out
}

// frameBox is a word's box in the frame of the page's writing direction.
type frameBox struct{ x0, y0, x1, y1 float64 }

func toFrameBox(rot uint8, b Box) frameBox {
	ax, ay := toFrame(rot, float64(b.X0), float64(b.Y0))
	bx, by := toFrame(rot, float64(b.X1), float64(b.Y1))
	return frameBox{min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)}
}

// Letters that reach below the baseline, and above the x-height, in the
// fonts articles are set in.
const (
	descenders = "gjpqyQ,;()[]{}|/@$µßþçÇ"
	ascenders  = "bdfhklt0123456789!?'\"()[]{}|/@#$%&ßþ"
)

func hasAscender(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || strings.ContainsRune(ascenders, r) {
			return true
		}
	}
	return false
}

func hasDescender(s string) bool { return strings.ContainsAny(s, descenders) }

// ocrLine is one line of words with its baseline and font size in the
// frame of the writing direction.
type ocrLine struct {
	words      []int // indexes into the page's words, left to right
	base, size float64
}

func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// measureLine estimates a line's baseline and font size from its words'
// boxes: the baseline where the words with no descender stand, the size
// from the height of capitals and ascenders above it.
func measureLine(boxes []frameBox, words []OCRWord, idx []int) (base, size float64) {
	var bottoms, tops, xtops []float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, i := range idx {
		b, t := boxes[i], words[i].Text
		lo, hi = math.Min(lo, b.y0), math.Max(hi, b.y1)
		if !hasDescender(t) {
			bottoms = append(bottoms, b.y0)
		}
		if hasAscender(t) {
			tops = append(tops, b.y1)
		} else {
			xtops = append(xtops, b.y1)
		}
	}
	if len(bottoms) > 0 {
		base = median(bottoms)
	} else {
		base = lo + 0.21*(hi-lo)
	}
	switch {
	case len(tops) > 0:
		size = (median(tops) - base) / 0.69
	case len(xtops) > 0:
		size = (median(xtops) - base) / 0.46
	}
	if !(size > 0) || size > 3*(hi-lo) {
		size = hi - lo
	}
	return base, math.Max(size, 1)
}

// charWeights are the advances of a word's characters in Times-Roman, so
// that the characters of a word read by OCR share its box as they were
// set: an "m" wider than an "i".
func charWeights(s string) []float64 {
	var w []float64
	for _, r := range s {
		v := 500.0
		if r >= 32 && r < 127 {
			v = float64(stdfonts.TimesRoman[r-32])
		}
		w = append(w, math.Max(v, 150))
	}
	return w
}

// ocrGlyphs turns a page's OCR words into the layout engine's glyph
// records: each word's characters spread across its box, on its line's
// baseline at its line's size, a space between the words of a line.
// uncertain[i] tells glyph i belongs to a word read with low confidence.
func ocrGlyphs(p *OCRPage) (glyphs []glyph, uncertain []bool) {
	words := p.Words
	boxes := make([]frameBox, len(words))
	byLine := map[int32][]int{}
	var order []int32
	for i, w := range words {
		boxes[i] = toFrameBox(p.Rot, w.Box)
		if _, ok := byLine[w.Line]; !ok {
			order = append(order, w.Line)
		}
		byLine[w.Line] = append(byLine[w.Line], i)
	}
	for _, ln := range order {
		idx := byLine[ln]
		sort.SliceStable(idx, func(a, b int) bool { return boxes[idx[a]].x0 < boxes[idx[b]].x0 })
		base, size := measureLine(boxes, words, idx)
		for k, i := range idx {
			w := words[i]
			low := w.Conf < LowConfidence
			if k > 0 {
				glyphs = append(glyphs, glyph{text: " ", space: true})
				uncertain = append(uncertain, false)
			}
			b := boxes[i]
			weights := charWeights(w.Text)
			total := 0.0
			for _, v := range weights {
				total += v
			}
			x, j := b.x0, 0
			for _, r := range w.Text {
				adv := (b.x1 - b.x0) * weights[j] / total
				glyphs = append(glyphs, glyph{
					text: cleanGlyphText(string(r)),
					x0:   x, x1: x + adv,
					y:    base,
					size: size,
					rot:  p.Rot,
				})
				uncertain = append(uncertain, low)
				x += adv
				j++
			}
		}
	}
	return glyphs, uncertain
}

// ocrLayout lays a page out from the words OCR read on it (the page's
// own text, if any, is left out: the OCR read it too).
func ocrLayout(p *OCRPage, bot, top float64) *pageLayout {
	glyphs, uncertain := ocrGlyphs(p)
	lay := newPageLayout(glyphs, bot, top, true)
	lay.ocr = true
	lay.uncertain = uncertain
	return lay
}

// uncertainSpans gives the spans of traced page text (rune offsets, end
// exclusive) whose characters come from glyphs marked uncertain: the
// words OCR read with low confidence.
func uncertainSpans(x ttext, uncertain []bool) [][2]int {
	if x.src == nil || len(uncertain) == 0 {
		return nil
	}
	var spans [][2]int
	r := 0
	open := -1
	for i := range x.s {
		g := x.src[i]
		low := g >= 0 && int(g) < len(uncertain) && uncertain[g]
		switch {
		case low && open < 0:
			open = r
		case !low && open >= 0:
			spans = append(spans, [2]int{open, r})
			open = -1
		}
		r++
	}
	if open >= 0 {
		spans = append(spans, [2]int{open, r})
	}
	return spans
}

// LayoutOCRPage lays out one page read by OCR on its own (as a document of
// that one page: no running headers can be told from the body), with the
// boxes of its characters: the page's text while its document's other
// pages are still being read. number is the page's number (from 1).
func LayoutOCRPage(p *OCRPage, number int) PageText {
	bot, top := p.Bot, p.Top
	if !(top-bot > 10) {
		bot, top = 0, 792
	}
	ex, err := assemble(docSource{layouts: []*pageLayout{ocrLayout(p, bot, top)}, engine: EngineOCR}, ExtractOptions{Boxes: true})
	if err != nil || len(ex.Pages) != 1 {
		return PageText{Number: number, OCR: true, Boxes: []Box{}}
	}
	pt := ex.Pages[0]
	pt.Number = number
	return pt
}
