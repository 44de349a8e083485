package index

import (
	"context"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// TestRenderPageWithHighlights: a coded passage is drawn over exactly the
// characters it covers, in its theme's colour, and the page around it is
// left as PDFium draws it; two themes share the passage in stripes.
func TestRenderPageWithHighlights(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importArticle(t, lib, "render", twoPageArticle())
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Trust grew over many years", Page: 1, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := lib.PageHighlights(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || hs[0].AnnotationID != a.ID || len(hs[0].Rects) == 0 {
		t.Fatalf("highlights %+v", hs)
	}
	plain, err := lib.RenderPage(ctx, doc, 1, RenderOptions{DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	coded, err := lib.RenderPage(ctx, doc, 1, RenderOptions{DPI: 72, Highlights: true})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Image.Bounds() != coded.Image.Bounds() || coded.Image.Bounds().Dx() != 612 {
		t.Fatalf("bounds %v and %v", plain.Image.Bounds(), coded.Image.Bounds())
	}
	r := hs[0].Rects[0]
	cx, cy := coded.ToPixel(float64(r.X0+r.X1)/2, float64(r.Y0+r.Y1)/2)
	// The middle of the passage's first rectangle, at a white pixel near
	// it: tinted towards Trust's colour (#138D75).
	tinted := false
	for dx := -8; dx <= 8 && !tinted; dx++ {
		p := color.NRGBAModel.Convert(plain.Image.At(int(cx)+dx, int(cy))).(color.NRGBA)
		c := color.NRGBAModel.Convert(coded.Image.At(int(cx)+dx, int(cy))).(color.NRGBA)
		if p.R > 240 && p.G > 240 && p.B > 240 {
			tinted = c.R < 200 && c.G > c.R && c.B > c.R
		}
	}
	if !tinted {
		t.Errorf("the passage at (%.0f, %.0f) is not drawn in Trust's colour", cx, cy)
	}
	// Far from the passage, the page is unchanged.
	ox, oy := coded.ToPixel(float64(r.X0), float64(r.Y1)+200)
	if oy >= 0 && plain.Image.At(int(ox), int(oy)) != coded.Image.At(int(ox), int(oy)) {
		t.Errorf("a pixel far from the passage changed")
	}
	// The rectangles cover the passage's characters' boxes, line by line.
	boxes, _ := lib.PageBoxes(ctx, doc, 1)
	for i := a.Start; i < a.End; i++ {
		b := boxes[i]
		if b.Empty() {
			continue
		}
		inside := false
		for _, r := range hs[0].Rects {
			if b.X0 >= r.X0-0.01 && b.X1 <= r.X1+0.01 && b.Y0 >= r.Y0-0.01 && b.Y1 <= r.Y1+0.01 {
				inside = true
			}
		}
		if !inside {
			t.Fatalf("character %d's box %+v is outside the highlight %+v", i, b, hs[0].Rects)
		}
	}
	if math.Abs(float64(hs[0].Rects[0].Y1-hs[0].Rects[0].Y0)) > 30 {
		t.Errorf("a line's rectangle is %g points high", hs[0].Rects[0].Y1-hs[0].Rects[0].Y0)
	}
}

// TestSelectOnPageIsSelectInText: dragging over a passage on the page
// selects the same start/end as finding its words in the text — also
// across a column break, where the screen rectangle and the reading order
// differ — and tagging either way makes the same annotation.
func TestSelectOnPageIsSelectInText(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "columns.pdf")
	if err := os.WriteFile(path, twoColumnPage(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	doc := rep.Imported[0].ID
	p, _ := lib.PageText(ctx, doc, 1)
	text := []rune(p.Text)
	boxes, err := lib.PageBoxes(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, "kept in touch.\n\nThe right column begins") {
		t.Fatalf("page text %q does not read the columns in order", p.Text)
	}
	centre := func(i int) (float64, float64) {
		b := boxes[i]
		return float64(b.X0+b.X1) / 2, float64(b.Y0+b.Y1) / 2
	}
	for _, phrase := range []string{
		"collaboration with professionals as central",
		// The end of the left column and the start of the right one: the
		// drag's rectangle on the screen would hold the two columns'
		// whole last and first lines.
		"kept in touch.\n\nThe right column begins",
	} {
		i := runeIndex(string(text), phrase)
		if i < 0 {
			t.Fatalf("%q not in the page text %q", phrase, p.Text)
		}
		j := i + len([]rune(phrase)) - 1
		x0, y0 := centre(i)
		x1, y1 := centre(j)
		start, end, ok := SelectBetween(boxes, x0, y0, x1, y1)
		if !ok || start != i || end != j+1 {
			t.Errorf("%q: dragged [%d, %d), text has it at [%d, %d)", phrase, start, end, i, j+1)
			continue
		}
		onPage, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Start: start, End: end, Themes: []string{"Trust"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := lib.Untag(ctx, onPage.ID); err != nil {
			t.Fatal(err)
		}
		inText, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Quote: strings.ReplaceAll(phrase, "\n\n", " "), Themes: []string{"Trust"}})
		if err != nil {
			t.Fatal(err)
		}
		if onPage.Start != inText.Start || onPage.End != inText.End || onPage.Quote != inText.Quote {
			t.Errorf("%q: page [%d, %d) %q, text [%d, %d) %q", phrase, onPage.Start, onPage.End, onPage.Quote, inText.Start, inText.End, inText.Quote)
		}
		if err := lib.Untag(ctx, inText.ID); err != nil {
			t.Fatal(err)
		}
	}
	// A double click selects a word, a triple click a paragraph.
	i := runeIndex(string(text), "professionals")
	if s, e := WordSpan(text, i+3); string(text[s:e]) != "professionals" {
		t.Errorf("word: %q", string(text[s:e]))
	}
	if s, e := ParagraphSpan(text, i); !strings.HasPrefix(string(text[s:e]), "The participants described") || strings.Contains(string(text[s:e]), "\n") {
		t.Errorf("paragraph: %q", string(text[s:e]))
	}
}

func runeIndex(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		return -1
	}
	return utf8.RuneCountInString(s[:i])
}

// twoColumnPage is a page in two columns of nine lines each, the left
// column's last line ending a sentence that the right column's first
// line is followed by.
func twoColumnPage() []byte {
	left := []string{
		"The participants described collaboration with",
		"professionals as central to their recovery, and",
		"said so in many words over the interviews. They",
		"spoke of the times when the professional was",
		"there for them and of how the professional kept",
		"in touch with them between the appointments. A",
		"few of them spoke of the help with housing and",
		"with money as what made the difference. All of",
		"them had been followed for years and kept in touch.",
	}
	right := []string{
		"The right column begins with this sentence and",
		"goes on about flexibility and availability, and",
		"about the small things that made a difference to",
		"them: a phone call, a coffee, a walk in the town.",
		"Several said that the professional was something",
		"more than a professional, a human being, and that",
		"this was what they had not met before in care. It",
		"is this kind of relationship that the synthesis",
		"calls helpful, and that the codebook describes.",
	}
	var texts []pdfgen.Text
	for i, l := range left {
		texts = append(texts, pdfgen.Text{X: 72, Y: 700 - 13*float64(i), Size: 10, Font: pdfgen.TimesRoman, S: l})
	}
	for i, l := range right {
		texts = append(texts, pdfgen.Text{X: 320, Y: 700 - 13*float64(i), Size: 10, Font: pdfgen.TimesRoman, S: l})
	}
	return (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: texts}}}).Bytes()
}
