package export

import (
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/pdfium"
	"github.com/rapport-qda/rapport/internal/testenv"
)

// codedArticle is a two-page article, the second page in two columns, with
// words enough that a passage runs over a column break.
func codedArticle() *pdfgen.Doc {
	words := strings.Fields("recovery trust collaboration professionals warmth relationship support listening time meeting persons coach human being service practice flexible everyday small gestures help")
	var long strings.Builder
	for i := 0; i < 700; i++ {
		long.WriteString(words[(i*7+i/5)%len(words)] + " ")
	}
	one := pdfgen.Article{Title: "Helpful relationships in practice", Pages: [][]string{{
		"The participants described collaboration with professionals as central to their recovery. Trust grew over many years of working together, and small gestures of warmth mattered more than any method.",
		"A coach who listened without hurry was described as a human being rather than a function.",
	}}}.Doc()
	two := pdfgen.Article{Columns: 2, Pages: [][]string{{long.String()}}}.Doc()
	one.Pages = append(one.Pages, two.Pages[0])
	return one
}

func openLibrary(t *testing.T) *index.Library {
	t.Helper()
	lib, err := index.Open(context.Background(), filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

func importFile(t *testing.T, lib *index.Library, path string) int64 {
	t.Helper()
	rep, err := lib.Import(context.Background(), []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import %s: %v %+v", path, err, rep)
	}
	return rep.Imported[0].ID
}

// codingOf is a document's coding as the round trip compares it: quote,
// themes and note of each annotation.
func codingOf(t *testing.T, lib *index.Library, id int64) []string {
	t.Helper()
	anns, err := lib.Annotations(context.Background(), index.AnnotationFilter{DocID: id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range anns {
		themes := append([]string(nil), a.Themes...)
		sort.Strings(themes)
		out = append(out, fmt.Sprintf("p%d %q %v %q", a.Page, a.Quote, themes, a.Note))
	}
	sort.Strings(out)
	return out
}

// TestCodedPDF: a coded copy has one highlight per annotation over its
// characters (a quadrilateral per line piece), in its first theme's
// colour, its comment the themes and note, its title the coder; PDFium
// reads them back with the same rectangles and comments; the file passes
// qpdf --check and poppler reads its text and pages; the original stored
// in the library is unchanged. Importing the copy into a new library
// brings back the same quotes, themes and notes.
func TestCodedPDF(t *testing.T) {
	ctx := context.Background()
	lib := openLibrary(t)
	lib.Author = "Coder One"
	src := filepath.Join(t.TempDir(), "article.pdf")
	if err := os.WriteFile(src, codedArticle().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	id := importFile(t, lib, src)
	// A passage that runs over the column break of page 2.
	page2, err := lib.PageText(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := lib.PageBoxes(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	text := []rune(page2.Text)
	// The column break: the first character set far above the one
	// before it.
	breakAt, prev := -1, -1
	for i := range text {
		if boxes[i].Empty() {
			continue
		}
		if prev >= 0 && boxes[i].Y0 > boxes[prev].Y0+300 {
			breakAt = i
			break
		}
		prev = i
	}
	if breakAt < 0 {
		t.Fatal("no column break found on page 2")
	}
	for _, req := range []index.TagRequest{
		{DocID: id, Quote: "collaboration with professionals as central to their recovery", Themes: []string{"Trust"}, Note: "the core finding"},
		{DocID: id, Quote: "small gestures of warmth mattered more than any method. A coach who listened", Themes: []string{"Trust", "Support"}},
		{DocID: id, Page: 2, Start: breakAt - 20, End: breakAt + 25, Themes: []string{"Support"}, Note: "over the column break"},
	} {
		if _, err := lib.Tag(ctx, req); err != nil {
			t.Fatalf("tag %+v: %v", req, err)
		}
	}
	stored, _ := lib.Document(ctx, id)
	before := fileSum(t, lib.FilePath(stored))

	out := filepath.Join(t.TempDir(), "coded.pdf")
	res, err := WriteCodedPDF(ctx, lib, id, out, PDFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Highlights != 3 || res.Skipped != 0 {
		t.Errorf("result %+v", res)
	}
	if fileSum(t, lib.FilePath(stored)) != before {
		t.Error("the stored original changed")
	}
	// Only the annotations coded with a theme (or one under it).
	if r, err := WriteCodedPDF(ctx, lib, id, filepath.Join(t.TempDir(), "support.pdf"), PDFOptions{Themes: []string{"support"}}); err != nil || r.Highlights != 2 {
		t.Errorf("--theme Support: %+v %v", r, err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkTools(t, out, "collaboration with professionals", 2)

	// PDFium reads the highlights back as written.
	anns, _ := lib.Annotations(ctx, index.AnnotationFilter{DocID: id})
	themes, _ := lib.Themes(ctx)
	colour := map[string]string{}
	for _, th := range themes {
		colour[th.Name] = th.Color
	}
	engine, err := pdfium.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := engine.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	read := map[string]pdfium.Annot{}
	for p := 0; p < doc.PageCount(); p++ {
		list, _, err := doc.PageAnnots(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			read[a.Name] = a
		}
	}
	for _, a := range anns {
		h, ok := read["rapport-"+a.GUID]
		if !ok {
			t.Errorf("annotation %d (%q) has no highlight", a.ID, a.Quote)
			continue
		}
		b, _ := lib.PageBoxes(ctx, id, a.Page)
		want := LineQuads(b[a.Start:a.End])
		if len(h.Quads) != len(want) {
			t.Errorf("%q: %d quads, want %d", a.Quote, len(h.Quads), len(want))
		} else {
			for k := range want {
				if !sameQuad(h.Quads[k], want[k]) {
					t.Errorf("%q: quad %d %v, want %v", a.Quote, k, h.Quads[k], want[k])
				}
			}
		}
		if h.Contents != index.CodedContents(a.Themes, a.Note) || h.Author != "Coder One" || h.Subtype != "Highlight" {
			t.Errorf("%q: contents %q author %q", a.Quote, h.Contents, h.Author)
		}
		if h.Color.Hex() != strings.ToUpper(colour[a.Themes[0]]) {
			t.Errorf("%q: colour %s, theme %s is %s", a.Quote, h.Color.Hex(), a.Themes[0], colour[a.Themes[0]])
		}
	}
	if want := 2; len(LineQuads(boxes[breakAt-20:breakAt+25])) < want {
		t.Errorf("the passage over the column break has fewer than %d line pieces", want)
	}

	// Round trip: a new library importing the copy gets the same coding.
	other := openLibrary(t)
	copyID := importFile(t, other, out)
	got, want := codingOf(t, other, copyID), codingOf(t, lib, id)
	if len(want) != 3 {
		t.Fatalf("coding of the original: %q", want)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("round trip:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// TestCodedPDFFlattened: flattened, the highlights are in the page
// content (drawn where the passage is), the file has no annotation, and
// its text still reads.
func TestCodedPDFFlattened(t *testing.T) {
	ctx := context.Background()
	lib := openLibrary(t)
	src := filepath.Join(t.TempDir(), "article.pdf")
	if err := os.WriteFile(src, codedArticle().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	id := importFile(t, lib, src)
	a, err := lib.Tag(ctx, index.TagRequest{DocID: id, Quote: "collaboration with professionals", Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "flat.pdf")
	if _, err := WriteCodedPDF(ctx, lib, id, out, PDFOptions{Flatten: true}); err != nil {
		t.Fatal(err)
	}
	checkTools(t, out, "collaboration with professionals", 2)
	img := flattenedFirstPage(t, out)
	boxes, _ := lib.PageBoxes(ctx, id, 1)
	q := LineQuads(boxes[a.Start:a.End])[0].Bounds()
	// Just above the baseline, between letters: the theme's colour
	// multiplied with white paper is the colour itself.
	themes, _ := lib.Themes(ctx)
	var hex string
	for _, th := range themes {
		if th.Name == "Trust" {
			hex = th.Color
		}
	}
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	found := false
	for x := int(q.X0); x < int(q.X1) && !found; x++ {
		pr, pg, pb, _ := img.At(x, 792-int(q.Y1)+1).RGBA()
		if near(int(pr>>8), r) && near(int(pg>>8), g) && near(int(pb>>8), b) {
			found = true
		}
	}
	if !found {
		t.Errorf("no pixel of the theme's colour %s along the top of the highlight", hex)
	}
}

func near(a, b int) bool { return a-b <= 3 && b-a <= 3 }

// flattenedFirstPage opens a flattened coded copy with PDFium, checks that
// its first page has no annotations left, and draws that page at 72 dpi.
func flattenedFirstPage(t *testing.T, path string) image.Image {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := pdfium.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := engine.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	if list, _, _ := doc.PageAnnots(0); len(list) != 0 {
		t.Errorf("%d annotations in a flattened copy", len(list))
	}
	img, err := doc.Render(0, 72, false)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestCodedPDFNotAPDF: a text source has no PDF to copy.
func TestCodedPDFNotAPDF(t *testing.T) {
	lib := openLibrary(t)
	src := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(src, []byte("Some plain text notes."), 0o644)
	id := importFile(t, lib, src)
	out := filepath.Join(t.TempDir(), "x.pdf")
	if _, err := WriteCodedPDF(context.Background(), lib, id, out, PDFOptions{}); err == nil || !strings.Contains(err.Error(), "no PDF") {
		t.Errorf("text source: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a file was written")
	}
}

func TestLineQuads(t *testing.T) {
	box := func(x0, y0, x1, y1 float32) importer.Box { return importer.Box{X0: x0, Y0: y0, X1: x1, Y1: y1} }
	for _, tc := range []struct {
		name  string
		boxes []importer.Box
		want  []pdfium.Rect
	}{
		{"one line with a layout space", []importer.Box{box(72, 698, 77, 708), box(77, 698, 82, 708), {}, box(85, 698, 90, 708)},
			[]pdfium.Rect{{X0: 72, Y0: 698, X1: 90, Y1: 708}}},
		{"two lines", []importer.Box{box(300, 698, 305, 708), box(305, 698, 310, 708), {}, box(72, 685, 77, 695)},
			[]pdfium.Rect{{X0: 300, Y0: 698, X1: 310, Y1: 708}, {X0: 72, Y0: 685, X1: 77, Y1: 695}}},
		{"a column break", []importer.Box{box(250, 72, 255, 82), {}, box(330, 700, 335, 710)},
			[]pdfium.Rect{{X0: 250, Y0: 72, X1: 255, Y1: 82}, {X0: 330, Y0: 700, X1: 335, Y1: 710}}},
		{"text turned on its side", []importer.Box{box(290, 100, 302, 106), box(290, 106, 302, 111), box(290, 111, 302, 118)},
			[]pdfium.Rect{{X0: 290, Y0: 100, X1: 302, Y1: 118}}},
		{"nothing placed", []importer.Box{{}, {}}, nil},
	} {
		var got []pdfium.Rect
		for _, q := range LineQuads(tc.boxes) {
			got = append(got, q.Bounds())
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func sameQuad(a, b pdfium.Quad) bool {
	for k := range a {
		if math.Abs(a[k]-b[k]) > 0.01 {
			return false
		}
	}
	return true
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// checkTools runs qpdf --check, pdftotext and pdfinfo on a file when they
// are installed (scripts/install-deps installs them).
func checkTools(t *testing.T, path, text string, pages int) {
	t.Helper()
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	} else {
		t.Log("qpdf not installed: not checked")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("poppler-utils not installed: not checked")
		return
	}
	// Poppler's complaints (a bad annotation rectangle…) go to the output
	// too.
	out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
	if err != nil || !strings.Contains(strings.Join(strings.Fields(string(out)), " "), text) || strings.Contains(string(out), "Error") {
		t.Errorf("pdftotext: %v\n%s", err, out)
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil || !strings.Contains(strings.Join(strings.Fields(string(info)), " "), fmt.Sprintf("Pages: %d ", pages)) {
		t.Errorf("pdfinfo: %v\n%s", err, info)
	}
}

// corpusDir is the shared folder TestCodedPDFCorpus reads.
var corpusDir = "corpus"

// TestCodedPDFCorpus: the coded copy of each real article of the corpus
// (the first sentence of long paragraphs on its first pages coded) passes
// qpdf --check and poppler, and a new library importing it gets the same
// coding back.
func TestCodedPDFCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus round trip")
	}
	dir := testenv.Shared(t, corpusDir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) == 0 {
		t.Skip("no corpus PDFs")
	}
	ctx := context.Background()
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			lib := openLibrary(t)
			id := importFile(t, lib, file)
			d, _ := lib.Document(ctx, id)
			tagged := 0
			for page := 1; page <= min(d.PageCount, 3); page++ {
				p, err := lib.PageText(ctx, id, page)
				if err != nil {
					t.Fatal(err)
				}
				text := []rune(p.Text)
				// Passages of 120 characters from the page's middle and
				// from its start, often running over line ends.
				for _, at := range []int{len(text) / 3, len(text) / 2} {
					if at+120 > len(text) {
						continue
					}
					start, end := at, at+120
					for start < end && (text[start] == ' ' || text[start] == '\n') {
						start++
					}
					for end > start && (text[end-1] == ' ' || text[end-1] == '\n') {
						end--
					}
					if _, err := lib.Tag(ctx, index.TagRequest{DocID: id, Page: page, Start: start, End: end, Themes: []string{"Trust"}, Note: fmt.Sprintf("p%d at %d", page, at)}); err == nil {
						tagged++
					}
				}
			}
			if tagged == 0 {
				t.Skip("nothing to tag")
			}
			t.Logf("%d passages coded", tagged)
			out := filepath.Join(t.TempDir(), "coded.pdf")
			res, err := WriteCodedPDF(ctx, lib, id, out, PDFOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Highlights != tagged {
				t.Errorf("%d highlights for %d annotations", res.Highlights, tagged)
			}
			checkTools(t, out, "", d.PageCount)
			other := openLibrary(t)
			copyID := importFile(t, other, out)
			got, want := codingOf(t, other, copyID), codingOf(t, lib, id)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("round trip:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
		})
	}
}

// TestCodedPDFAreas: an area annotation goes into the coded copy as a
// Square annotation over its rectangle, in its theme's colour, with its
// themes and note; PDFium reads it back as written, poppler still reads the
// file, and importing the copy into a new library brings the same area
// back (rectangle, themes, note). Flattened, its outline is drawn into the
// page in the theme's colour.
func TestCodedPDFAreas(t *testing.T) {
	ctx := context.Background()
	lib := openLibrary(t)
	lib.Author = "Coder One"
	src := filepath.Join(t.TempDir(), "article.pdf")
	if err := os.WriteFile(src, codedArticle().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	id := importFile(t, lib, src)
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: id, Quote: "collaboration with professionals", Themes: []string{"Trust"}}); err != nil {
		t.Fatal(err)
	}
	blank := index.Rect{X1: 100, Y1: 100, X2: 300, Y2: 220} // the empty foot of page 1: a figure, say
	area, err := lib.Tag(ctx, index.TagRequest{DocID: id, Page: 1, Rect: &blank, Themes: []string{"Support"}, Note: "the figure"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "coded.pdf")
	res, err := WriteCodedPDF(ctx, lib, id, out, PDFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Highlights != 2 || res.Skipped != 0 {
		t.Errorf("result %+v", res)
	}
	checkTools(t, out, "collaboration with professionals", 2)
	data, _ := os.ReadFile(out)
	engine, err := pdfium.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := engine.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	list, _, err := doc.PageAnnots(0)
	if err != nil {
		t.Fatal(err)
	}
	var sq *pdfium.Annot
	for i := range list {
		if list[i].Name == "rapport-"+area.GUID {
			sq = &list[i]
		}
	}
	themes, _ := lib.Themes(ctx)
	colour := map[string]string{}
	for _, th := range themes {
		colour[th.Name] = th.Color
	}
	switch {
	case sq == nil:
		t.Fatalf("no annotation for the area among %+v", list)
	case sq.Subtype != pdfium.SubtypeSquare:
		t.Errorf("the area is a %s", sq.Subtype)
	case math.Abs(sq.Rect.X0-100) > 0.01 || math.Abs(sq.Rect.Y0-100) > 0.01 || math.Abs(sq.Rect.X1-300) > 0.01 || math.Abs(sq.Rect.Y1-220) > 0.01:
		t.Errorf("square at %+v, want %v", sq.Rect, blank)
	case sq.Contents != "Support — the figure" || sq.Author != "Coder One":
		t.Errorf("square contents %q author %q", sq.Contents, sq.Author)
	case sq.Color.Hex() != strings.ToUpper(colour["Support"]):
		t.Errorf("square colour %s, Support is %s", sq.Color.Hex(), colour["Support"])
	}

	// Round trip.
	other := openLibrary(t)
	copyID := importFile(t, other, out)
	got, want := codingOf(t, other, copyID), codingOf(t, lib, id)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("round trip:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	back, _ := other.Annotations(ctx, index.AnnotationFilter{DocID: copyID})
	areas := 0
	for _, a := range back {
		if a.IsArea() {
			areas++
			if *a.Rect != blank || a.Author != "Coder One" {
				t.Errorf("area read back at %v by %q, want %v by Coder One", *a.Rect, a.Author, blank)
			}
		}
	}
	if areas != 1 {
		t.Errorf("%d areas read back", areas)
	}

	// Flattened: the outline in the theme's colour, no annotations.
	flat := filepath.Join(t.TempDir(), "flat.pdf")
	if r, err := WriteCodedPDF(ctx, lib, id, flat, PDFOptions{Flatten: true}); err != nil || r.Highlights != 2 {
		t.Fatalf("flatten: %+v %v", r, err)
	}
	img := flattenedFirstPage(t, flat)
	var r, g, b int
	fmt.Sscanf(colour["Support"], "#%02x%02x%02x", &r, &g, &b)
	edge, inside := 0, 0
	for x := 110; x < 290; x++ {
		// The outline lies within 2 points inside the rectangle's top edge
		// (792-220 = 572 from the top of the image); its middle stays paper.
		for y := 571; y <= 574; y++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(int(pr>>8), r) && near(int(pg>>8), g) && near(int(pb>>8), b) {
				edge++
				break
			}
		}
		if pr, pg, pb, _ := img.At(x, 792-160).RGBA(); pr>>8 > 250 && pg>>8 > 250 && pb>>8 > 250 {
			inside++
		}
	}
	if edge < 170 || inside < 170 {
		t.Errorf("flattened area: %d of 180 columns with the outline in %s, %d with paper inside", edge, colour["Support"], inside)
	}
}
