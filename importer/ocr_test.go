package importer

import (
	"context"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// ocrWordsOf gives the words a perfect OCR would read on a generated page:
// each line of text split at its spaces, each word's box from the font's
// widths, from its descenders' depth (or the baseline) to its capitals'
// height (or the x-height), as Tesseract boxes them.
func ocrWordsOf(p pdfgen.Page) *OCRPage {
	out := &OCRPage{DPI: 300, Bot: 0, Top: 792}
	for li, tx := range p.Texts {
		size := tx.Size
		if size == 0 {
			size = 10
		}
		x := tx.X
		for k, w := range strings.Split(tx.S, " ") {
			if k > 0 {
				x += pdfgen.Width(tx.Font, size, " ")
			}
			wd := pdfgen.Width(tx.Font, size, w)
			if w == "" {
				continue
			}
			bot, top := tx.Y, tx.Y+0.46*size
			if hasDescender(w) {
				bot = tx.Y - 0.22*size
			}
			if hasAscender(w) {
				top = tx.Y + 0.68*size
			}
			out.Words = append(out.Words, OCRWord{Text: w, Box: Box{X0: float32(x), Y0: float32(bot), X1: float32(x + wd), Y1: float32(top)}, Conf: 95, Line: int32(li)})
			x += wd
		}
	}
	return out
}

// TestOCRWordsThroughLayout: words read from page images go through the
// same layout engine as born-digital text — two columns, paragraphs,
// words broken at line ends joined, running headers and footers set
// aside — so a perfect reading of a generated article gives the text its
// born-digital original does, and a word read with low confidence is
// marked uncertain where it stands.
func TestOCRWordsThroughLayout(t *testing.T) {
	hyph := "the psy\u00adchiatric service built rela\u00adtionships that patients called non-\u00adhelpful or a wish-\u00adfulfilment of staff"
	var pages [][]string
	for p := 0; p < 3; p++ {
		var paras []string
		for k := 0; k < 5; k++ {
			para := paragraph(p*5+k, 40)
			if k == 1 {
				para = hyph + " " + para
			}
			paras = append(paras, para)
		}
		pages = append(pages, paras)
	}
	a := pdfgen.Article{Title: "Helpful Relationships in Psychiatric Care", Columns: 2, Pages: pages,
		Header: "Journal of Rapport Studies 12 (2024) %d", Footer: "page %d of 3"}
	d := a.Doc()
	data := d.Bytes()
	want, err := ExtractPDF(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	words := map[int]*OCRPage{}
	for i, p := range d.Pages {
		words[i+1] = ocrWordsOf(p)
	}
	// One word of page 2 read with low confidence.
	low := -1
	for k, w := range words[2].Words {
		if w.Text == "psychiatrists" || (low < 0 && len(w.Text) > 8 && k > 40) {
			low = k
			break
		}
	}
	words[2].Words[low].Conf = 30
	lowWord := words[2].Words[low].Text

	got, err := ExtractPDFWith(context.Background(), data, ExtractOptions{OCR: words, Boxes: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Engine != EngineOCR || len(got.Pages) != len(want.Pages) {
		t.Fatalf("engine %q, %d pages", got.Engine, len(got.Pages))
	}
	for i, p := range got.Pages {
		w := want.Pages[i]
		if p.Text != w.Text {
			t.Errorf("page %d reads\n%q\nwant (born-digital)\n%q", i+1, p.Text, w.Text)
		}
		if p.Header != w.Header {
			t.Errorf("page %d header %q, want %q", i+1, p.Header, w.Header)
		}
		if !p.OCR || p.Scanned {
			t.Errorf("page %d: OCR %v, scanned %v", i+1, p.OCR, p.Scanned)
		}
		if len(p.Boxes) != utf8.RuneCountInString(p.Text) {
			t.Errorf("page %d: %d boxes for %d characters", i+1, len(p.Boxes), utf8.RuneCountInString(p.Text))
		}
	}
	if got.Title != want.Title {
		t.Errorf("title %q, want %q", got.Title, want.Title)
	}
	// The uncertain word, and nothing else.
	p2 := got.Pages[1]
	if len(p2.Uncertain) != 1 {
		t.Fatalf("uncertain spans %v, want one (%q)", p2.Uncertain, lowWord)
	}
	s := p2.Uncertain[0]
	if span := string([]rune(p2.Text)[s[0]:s[1]]); span != strings.Trim(lowWord, ".,;:") && span != lowWord {
		t.Errorf("uncertain span %q, want %q", span, lowWord)
	}
	for _, p := range []PageText{got.Pages[0], got.Pages[2]} {
		if len(p.Uncertain) != 0 {
			t.Errorf("page %d: uncertain %v", p.Number, p.Uncertain)
		}
	}
}

// TestOCRWordsRotatedPage: on a page turned by /Rotate the words read
// from the upright image lie across user space; they still read in order.
func TestOCRWordsRotatedPage(t *testing.T) {
	// A page turned 90° clockwise: the image's x axis runs up user space,
	// its "up" towards smaller x.
	line := []string{"Continuity", "of", "care", "builds", "trust"}
	p := &OCRPage{Rot: 1, Bot: 0, Top: 792}
	y := 100.0
	for _, w := range line {
		wd := pdfgen.Width(pdfgen.TimesRoman, 12, w)
		// Baseline at x = 300: the text's top is towards smaller x.
		p.Words = append(p.Words, OCRWord{Text: w, Box: Box{X0: 300 - 8.2, Y0: float32(y), X1: 300, Y1: float32(y + wd)}, Conf: 90})
		y += wd + 3
	}
	// The next line, below on the screen: further right in user space.
	p.Words = append(p.Words, OCRWord{Text: "Second", Box: Box{X0: 316 - 8.2, Y0: 100, X1: 316, Y1: 135}, Conf: 90, Line: 1})
	pt := LayoutOCRPage(p, 1)
	if want := "Continuity of care builds trust Second"; pt.Text != want {
		t.Errorf("text %q, want %q", pt.Text, want)
	}
}

// TestOCRWordsAskew: the words of a page scanned 1.5° or 2° askew read as
// the page laid straight (Tesseract's lines keep their words together;
// the layout engine finds the columns whose edges lean), and the boxes of
// the characters are where the words stand on the scan.
func TestOCRWordsAskew(t *testing.T) {
	var pages [][]string
	for p := 0; p < 2; p++ {
		var paras []string
		for k := 0; k < 6; k++ {
			paras = append(paras, paragraph(p*6+k, 45))
		}
		pages = append(pages, paras)
	}
	d := pdfgen.Article{Title: "Helpful Relationships in Psychiatric Care", Columns: 2, Pages: pages}.Doc()
	data := d.Bytes()
	want, err := ExtractPDF(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, deg := range []float64{1.5, -2} {
		sin, cos := math.Sincos(deg * math.Pi / 180)
		words := map[int]*OCRPage{}
		for i, p := range d.Pages {
			op := ocrWordsOf(p)
			for k, w := range op.Words {
				// Turned about the page's centre.
				cx, cy := float64(w.Box.X0+w.Box.X1)/2-306, float64(w.Box.Y0+w.Box.Y1)/2-396
				dx, dy := cx*cos-cy*sin-cx, cx*sin+cy*cos-cy
				op.Words[k].Box = Box{X0: w.Box.X0 + float32(dx), Y0: w.Box.Y0 + float32(dy), X1: w.Box.X1 + float32(dx), Y1: w.Box.Y1 + float32(dy)}
			}
			words[i+1] = op
		}
		got, err := ExtractPDFWith(context.Background(), data, ExtractOptions{OCR: words, Boxes: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range got.Pages {
			if p.Text != want.Pages[i].Text {
				t.Errorf("%g°: page %d reads\n%q\nwant\n%q", deg, i+1, p.Text, want.Pages[i].Text)
			}
		}
		// The box of the page's first character is the first word's, turned.
		first := words[1].Words[0]
		for k, w := range words[1].Words {
			if strings.HasPrefix(got.Pages[0].Text, w.Text) {
				first = words[1].Words[k]
				break
			}
		}
		b := got.Pages[0].Boxes[0]
		if math.Abs(float64(b.X0-first.Box.X0)) > 1 || b.Y1 < first.Box.Y0 || b.Y0 > first.Box.Y1 {
			t.Errorf("%g°: box of the first character %+v, its word's %+v", deg, b, first.Box)
		}
	}
}
