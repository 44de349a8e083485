package index

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/pdfium"
	"github.com/rapport-qda/rapport/internal/scangen"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

// needTesseract skips a test when Tesseract is not installed.
func needTesseract(t *testing.T) *tesseract.Engine {
	t.Helper()
	eng, err := tesseract.Find(context.Background())
	if err != nil {
		t.Skipf("Tesseract is not installed (scripts/install-deps installs it): %v", err)
	}
	if eng.CheckLang("eng") != nil {
		t.Skip("Tesseract has no English data (apt-get install tesseract-ocr-eng)")
	}
	return eng
}

// The pages of the scans the tests read: words that appear on one page.
var scanPages = [][]string{
	{"Warm relationships with professionals", "matter to recovery in daily life."},
	{"Helpful psychiatrists listened patiently", "and spoke with the families."},
	{"Continuity of care builds trust", "over many ordinary meetings."},
}

// writeScan writes an image-only PDF of the given pages into dir.
func writeScan(t *testing.T, dir, name string, pages [][]string) string {
	t.Helper()
	data, err := scangen.ScanLines(context.Background(), pages, scangen.Options{DPI: 200, JPEG: 90})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// importScan imports a scan and checks it is stored "scanned, not read".
func importScan(t *testing.T, lib *Library, path string, pages int) int64 {
	t.Helper()
	rep, err := lib.Import(context.Background(), []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	it := rep.Imported[0]
	if it.Scanned != pages || it.Pages != pages {
		t.Fatalf("imported %+v, want %d pages, all scanned", it, pages)
	}
	d, err := lib.Document(context.Background(), it.ID)
	if err != nil || d.OCRPending != pages || d.OCRPages != 0 {
		t.Fatalf("document after import: pending %d, read %d (%v)", d.OCRPending, d.OCRPages, err)
	}
	return it.ID
}

func searchPages(t *testing.T, lib *Library, q string) []int {
	t.Helper()
	res, err := lib.Search(context.Background(), SearchRequest{Query: q})
	if err != nil {
		t.Fatal(err)
	}
	var pages []int
	for _, h := range res.Hits {
		pages = append(pages, h.Page)
	}
	return pages
}

// TestOCRScanSearchableTaggable: a scan imports as "scanned, not read";
// OCR reads it; its words are found by search on the right page, with
// boxes where they were drawn; a passage on an OCR page is tagged, and
// survives a forced second reading.
func TestOCRScanSearchableTaggable(t *testing.T) {
	eng := needTesseract(t)
	ctx := context.Background()
	lib := newTestLibrary(t)
	id := importScan(t, lib, writeScan(t, t.TempDir(), "scan.pdf", scanPages[:2]), 2)
	if got := searchPages(t, lib, "psychiatrists"); len(got) != 0 {
		t.Fatalf("found on %v before OCR", got)
	}

	var progress []OCRProgress
	rep, err := lib.OCR(ctx, nil, OCROptions{Engine: eng, Progress: func(p OCRProgress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 1 || rep.Documents[0].Pages != 2 || !rep.Documents[0].Finished || rep.Tesseract != eng.Version {
		t.Fatalf("report %+v", rep)
	}
	if n := len(progress); n != 3 || progress[n-1].Done != 2 || progress[n-1].Total != 2 {
		t.Errorf("progress %+v", progress)
	}
	if got := searchPages(t, lib, "psychiatrists"); len(got) != 1 || got[0] != 2 {
		t.Errorf("psychiatrists found on pages %v, want [2]", got)
	}
	if got := searchPages(t, lib, "relationships"); len(got) != 1 || got[0] != 1 {
		t.Errorf("relationships found on pages %v, want [1]", got)
	}
	d, err := lib.Document(ctx, id)
	if err != nil || d.Engine != importer.EngineOCR || d.OCRPending != 0 || d.OCRPages != 2 {
		t.Fatalf("document after OCR: engine %q, pending %d, read %d (%v)", d.Engine, d.OCRPending, d.OCRPages, err)
	}
	p, err := lib.PageText(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, "Helpful psychiatrists listened patiently and spoke with the families.") {
		t.Errorf("page 2 reads %q", p.Text)
	}
	if !p.FromScan() || p.OCR.Lang != "eng" || p.OCR.Tesseract != eng.Version || p.OCR.MeanConf < 80 || p.OCR.Words < 8 {
		t.Errorf("page 2 OCR %+v", p.OCR)
	}

	// Boxes: the word stands where it was drawn (line 1 of page 2).
	boxes, err := lib.PageBoxes(ctx, id, 2)
	if err != nil || len(boxes) != utf8.RuneCountInString(p.Text) {
		t.Fatalf("%d boxes for %d characters (%v)", len(boxes), utf8.RuneCountInString(p.Text), err)
	}
	start := utf8.RuneCountInString(p.Text[:strings.Index(p.Text, "psychiatrists")])
	b := boxes[start]
	wantX := scangen.LinesX + pdfgen.Width(pdfgen.TimesRoman, scangen.LinesSize, "Helpful ")
	if abs(float64(b.X0)-wantX) > 3 || float64(b.Y0) > scangen.LinesTop || float64(b.Y1) < scangen.LinesTop+5 {
		t.Errorf("box of the p of psychiatrists %+v, want x0 near %.1f across the baseline y=%g", b, wantX, scangen.LinesTop)
	}

	// Tagging on the OCR page, kept through a forced second reading.
	a, err := lib.Tag(ctx, TagRequest{DocID: id, Quote: "listened patiently and spoke", Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Page != 2 {
		t.Errorf("tagged on page %d", a.Page)
	}
	rep, err = lib.OCR(ctx, []int64{id}, OCROptions{Engine: eng, Force: true})
	if err != nil || len(rep.Documents) != 1 || rep.Documents[0].Pages != 2 {
		t.Fatalf("forced run: %+v %v", rep, err)
	}
	a2, err := lib.Annotation(ctx, a.ID)
	if err != nil || a2.Orphaned || a2.Quote != a.Quote || a2.Page != 2 {
		t.Errorf("annotation after a forced run %+v (%v)", a2, err)
	}

	// Re-extraction lays the page out again from the stored words.
	rx, err := lib.Reextract(ctx, []int64{id}, ReextractOptions{})
	if err != nil || len(rx.Documents) != 1 || rx.Documents[0].Orphaned != 0 {
		t.Fatalf("re-extract: %+v %v", rx, err)
	}
	p2, _ := lib.PageText(ctx, id, 2)
	if p2.Text != p.Text || !p2.FromScan() {
		t.Errorf("after re-extraction page 2 reads %q (ocr %+v)", p2.Text, p2.OCR)
	}

	// Removed and brought back by undo: what OCR read comes back too.
	if _, err := lib.RemoveDocuments(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	p3, err := lib.PageText(ctx, id, 2)
	if err != nil || p3.Text != p.Text || !p3.FromScan() || p3.OCR.Words != p.OCR.Words {
		t.Errorf("after remove and undo page 2: %q, OCR %+v (%v)", p3.Text, p3.OCR, err)
	}
	if b, err := lib.PageBoxes(ctx, id, 2); err != nil || len(b) != len(boxes) {
		t.Errorf("after remove and undo: %d boxes (%v)", len(b), err)
	}
	if got := searchPages(t, lib, "psychiatrists"); len(got) != 1 || got[0] != 2 {
		t.Errorf("after remove and undo psychiatrists found on %v", got)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// TestOCRWithoutTesseract: with no tesseract on PATH a scan still imports,
// marked "scanned, not read", and OCR says in one line how to install it.
func TestOCRWithoutTesseract(t *testing.T) {
	path := writeScan(t, t.TempDir(), "scan.pdf", scanPages[:1])
	t.Setenv("PATH", t.TempDir())
	ctx := context.Background()
	lib := newTestLibrary(t)
	id := importScan(t, lib, path, 1)
	_, err := lib.OCR(ctx, nil, OCROptions{})
	if !errors.Is(err, ErrOCRUnavailable) {
		t.Fatalf("OCR without tesseract: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "scanned, not read") || !strings.Contains(msg, "apt-get install tesseract-ocr") || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
	d, _ := lib.Document(ctx, id)
	if d.OCRPending != 1 {
		t.Errorf("pending %d", d.OCRPending)
	}
	ids, err := lib.PendingOCR(ctx)
	if err != nil || len(ids) != 1 || ids[0] != id {
		t.Errorf("pending documents %v (%v)", ids, err)
	}
}

// TestOCRResumes: a run stopped after its first page keeps that page;
// the next run reads only the others, and lays the document out whole.
func TestOCRResumes(t *testing.T) {
	eng := needTesseract(t)
	lib := newTestLibrary(t)
	id := importScan(t, lib, writeScan(t, t.TempDir(), "scan.pdf", scanPages), 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := lib.OCR(ctx, nil, OCROptions{Engine: eng, Workers: 1, Progress: func(p OCRProgress) {
		if p.Done == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped run: %v", err)
	}
	d, _ := lib.Document(context.Background(), id)
	if d.OCRPages != 1 || d.OCRPending != 2 {
		t.Fatalf("after the stop: %d pages read, %d pending", d.OCRPages, d.OCRPending)
	}
	// The page read is searchable already.
	if got := searchPages(t, lib, "relationships"); len(got) != 1 || got[0] != 1 {
		t.Errorf("relationships found on %v", got)
	}
	rep, err := lib.OCR(context.Background(), nil, OCROptions{Engine: eng})
	if err != nil || len(rep.Documents) != 1 || rep.Documents[0].Pages != 2 || !rep.Documents[0].Finished {
		t.Fatalf("resumed run: %+v %v", rep, err)
	}
	for _, c := range []struct {
		word string
		page int
	}{{"relationships", 1}, {"psychiatrists", 2}, {"continuity", 3}} {
		if got := searchPages(t, lib, c.word); len(got) != 1 || got[0] != c.page {
			t.Errorf("%s found on %v, want page %d", c.word, got, c.page)
		}
	}
	var rows int
	lib.db.QueryRow("SELECT COUNT(*) FROM ocr_pages WHERE doc_id = ?", id).Scan(&rows)
	if rows != 3 {
		t.Errorf("%d pages stored as read", rows)
	}
}

// TestOCRLanguages: the library's language, a document's own, and one
// Tesseract lacks.
func TestOCRLanguages(t *testing.T) {
	eng := needTesseract(t)
	ctx := context.Background()
	lib := newTestLibrary(t)
	if l, _ := lib.OCRLanguage(ctx); l != DefaultOCRLang {
		t.Errorf("default %q", l)
	}
	for _, bad := range []string{"", "en", "eng+", "eng; rm -rf", "../eng"} {
		if err := lib.SetOCRLanguage(ctx, bad); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("language %q accepted: %v", bad, err)
		}
	}
	if err := lib.SetOCRLanguage(ctx, "eng+swe"); err != nil {
		t.Fatal(err)
	}
	if l, _ := lib.OCRLanguage(ctx); l != "eng+swe" {
		t.Errorf("set %q", l)
	}
	id := importScan(t, lib, writeScan(t, t.TempDir(), "scan.pdf", scanPages[:1]), 1)
	if _, err := lib.OCR(ctx, nil, OCROptions{Engine: eng, Lang: "xxx"}); err == nil || !strings.Contains(err.Error(), "tesseract-ocr-xxx") {
		t.Errorf("a language without data: %v", err)
	}
	if eng.CheckLang("eng+swe") != nil {
		t.Skip("Tesseract has no Swedish data")
	}
	if _, err := lib.OCR(ctx, nil, OCROptions{Engine: eng}); err != nil {
		t.Fatal(err)
	}
	p, _ := lib.PageText(ctx, id, 1)
	if p.OCR == nil || p.OCR.Lang != "eng+swe" {
		t.Errorf("page read in %+v, want the library's eng+swe", p.OCR)
	}
	if _, err := lib.OCR(ctx, []int64{id}, OCROptions{Engine: eng, Lang: "eng", Force: true}); err != nil {
		t.Fatal(err)
	}
	d, _ := lib.Document(ctx, id)
	p, _ = lib.PageText(ctx, id, 1)
	if d.OCRLang != "eng" || p.OCR.Lang != "eng" {
		t.Errorf("document language %q, page read in %q; want eng", d.OCRLang, p.OCR.Lang)
	}
}

// TestOCRHostilePages: pages with no size, a page too large to render,
// an image claiming a size its data lacks: the import succeeds, OCR
// reports each page's failure by name and goes on, nothing else changes.
func TestOCRHostilePages(t *testing.T) {
	eng := needTesseract(t)
	ctx := context.Background()
	gray := scangenGray(40, 40)
	doc := &pdfgen.Doc{Pages: []pdfgen.Page{
		// A page of no size drawing a page-sized image.
		{MediaBox: [4]float64{0, 0, 0, 0}, Images: []pdfgen.Image{{X: 0, Y: 0, W: 612, H: 792, Gray: gray}}},
		// A page 200 inches square.
		{MediaBox: [4]float64{0, 0, 14400, 14400}, Images: []pdfgen.Image{{X: 0, Y: 0, W: 14400, H: 14400, Gray: gray}}},
		// An image that claims 60000 × 60000 pixels over 1600 bytes.
		{Images: []pdfgen.Image{{X: 0, Y: 0, W: 612, H: 792, Gray: gray, Width: 60000, Height: 60000}}},
		// A page of one point square: too small to be a scan of anything.
		{MediaBox: [4]float64{0, 0, 1, 1}, Images: []pdfgen.Image{{X: 0, Y: 0, W: 1, H: 1, Gray: gray}}},
	}}
	path := filepath.Join(t.TempDir(), "hostile-scan.pdf")
	os.WriteFile(path, doc.Bytes(), 0o644)
	lib := newTestLibrary(t)
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	id := rep.Imported[0].ID
	orep, err := lib.OCR(ctx, nil, OCROptions{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	if len(orep.Documents) != 1 {
		t.Fatalf("report %+v", orep)
	}
	errs := strings.Join(orep.Documents[0].PageErrors, "\n")
	t.Logf("page errors:\n%s", errs)
	for _, want := range []string{"page 2: render page 2 for OCR", "too large"} {
		if !strings.Contains(errs, want) {
			t.Errorf("page errors %q lack %q", errs, want)
		}
	}
	// Each page is done with, read or failed: nothing pending, no text.
	pages, err := lib.Pages(ctx, id)
	if err != nil || len(pages) != 4 {
		t.Fatalf("%d pages (%v)", len(pages), err)
	}
	for _, p := range pages[:3] {
		if p.OCR == nil || strings.TrimSpace(p.Text) != "" {
			t.Errorf("page %d: OCR %+v, text %q", p.Number, p.OCR, p.Text)
		}
	}
	if pages[3].Scanned || pages[3].OCR != nil {
		t.Errorf("the one-point page: scanned %v, OCR %+v", pages[3].Scanned, pages[3].OCR)
	}
	d, _ := lib.Document(ctx, id)
	if d.OCRPending != 0 {
		t.Errorf("%d pages pending after the run", d.OCRPending)
	}
	// A second run has nothing to do.
	orep, err = lib.OCR(ctx, nil, OCROptions{Engine: eng})
	if err != nil || len(orep.Documents) != 0 {
		t.Errorf("second run: %+v %v", orep, err)
	}
}

// TestInvisibleOCRLayerKept: a scan that already carries an invisible text
// layer (OCR done by the scanner) keeps it: no page is marked for OCR.
func TestInvisibleOCRLayerKept(t *testing.T) {
	ctx := context.Background()
	gray := scangenGray(40, 40)
	var texts []pdfgen.Text
	for k, l := range []string{"An older article scanned and read by its scanner", "keeps the invisible text its scanner wrote over the image"} {
		texts = append(texts, pdfgen.Text{X: 72, Y: 700 - float64(k)*14, Size: 11, Font: pdfgen.TimesRoman, S: l, Invisible: true})
	}
	doc := &pdfgen.Doc{Pages: []pdfgen.Page{{Images: []pdfgen.Image{{X: 0, Y: 0, W: 612, H: 792, Gray: gray}}, Texts: texts}}}
	path := filepath.Join(t.TempDir(), "with-layer.pdf")
	os.WriteFile(path, doc.Bytes(), 0o644)
	lib := newTestLibrary(t)
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 || rep.Imported[0].Scanned != 0 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if got := searchPages(t, lib, "invisible"); len(got) != 1 {
		t.Errorf("the invisible layer's words found on %v", got)
	}
	ids, _ := lib.PendingOCR(ctx)
	if len(ids) != 0 {
		t.Errorf("pending OCR: %v", ids)
	}
}

// scangenGray is a light grey picture with one dark pixel.
func scangenGray(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 200
	}
	g.Pix[len(g.Pix)/2] = 20
	return g
}

// TestOCRFillsMetadataFromTheScan: a scan has no text to read its
// metadata from when it is imported; once OCR has read it, what its first
// page prints (title, authors, year, journal, …) fills the fields still
// empty, each with its source, as an import does for a born-digital
// article, and the pages carry the numbers printed on them. A field set by
// hand before the OCR is kept.
func TestOCRFillsMetadataFromTheScan(t *testing.T) {
	eng := needTesseract(t)
	ctx := context.Background()
	lib := newTestLibrary(t)
	a := pdfgen.HeaderSet(1, 7)[0]
	a.XMP, a.Info, a.Body = false, "", a.Body[:1] // nothing but the printed page
	// Names without diacritics: how well Tesseract reads "ö" is not this
	// test's question.
	a.Authors = []pdfgen.Person{{Given: "Anna", Family: "Larsson"}, {Given: "Peter", Family: "Berg"}}
	data, err := scangen.Scan(ctx, a.Doc().Bytes(), scangen.Options{DPI: 300, JPEG: 90})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	id := importScan(t, lib, path, 2)
	if err := lib.SetMetadata(ctx, id, []FieldValue{{Field: "volume", Value: "99"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.OCR(ctx, []int64{id}, OCROptions{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	d, err := lib.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 1 || rep.Documents[0].Title != d.Title {
		t.Errorf("the OCR report names the document %+v, not by the title it has now, %q", rep.Documents, d.Title)
	}
	var families []string
	for _, au := range d.Authors {
		families = append(families, au.Family)
	}
	var want []string
	for _, p := range a.Authors {
		want = append(want, p.Family)
	}
	if d.Title != a.Title {
		t.Errorf("title %q, want %q", d.Title, a.Title)
	}
	if strings.Join(families, "; ") != strings.Join(want, "; ") {
		t.Errorf("authors %v, want %v", families, want)
	}
	if d.Year != a.Year || d.Journal != a.Journal {
		t.Errorf("year %d journal %q, want %d %q", d.Year, d.Journal, a.Year, a.Journal)
	}
	// (The DOI is left out: Tesseract may read "2511" as "251 1".)
	for _, f := range []string{"title", "authors", "year", "journal"} {
		if d.FieldSources[f] != importer.SourcePage1 {
			t.Errorf("source of %s: %q, want %q (all: %v)", f, d.FieldSources[f], importer.SourcePage1, d.FieldSources)
		}
	}
	if d.Volume != "99" || d.FieldSources["volume"] != importer.SourceUser {
		t.Errorf("volume set by hand: %q from %q", d.Volume, d.FieldSources["volume"])
	}
	pages, err := lib.Pages(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pages {
		if want := strconv.Itoa(a.FirstPage + i); p.Printed != want {
			t.Errorf("page %d prints %q, want %q", p.Number, p.Printed, want)
		}
	}
}

// TestScanHighlightsAfterOCR: a highlight on a scan not read yet is
// reported with the remedy (OCR, then import the highlights again), not
// stored as an area; once OCR has read the page, importing the highlights
// again anchors it on the words under it.
func TestScanHighlightsAfterOCR(t *testing.T) {
	needTesseract(t)
	ctx := context.Background()
	data, err := scangen.ScanLines(ctx, scanPages[:1], scangen.Options{DPI: 200, JPEG: 90})
	if err != nil {
		t.Fatal(err)
	}
	// Highlight the first line's words "Warm relationships" on the scan.
	engine, err := pdfium.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := engine.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	x1 := scangen.LinesX + pdfgen.Width(pdfgen.TimesRoman, scangen.LinesSize, "Warm relationships")
	q := pdfium.QuadOfRect(pdfium.Rect{X0: scangen.LinesX - 1, Y0: scangen.LinesTop - 4, X1: x1 + 1, Y1: scangen.LinesTop + 11})
	if err := doc.AddHighlights([]pdfium.Highlight{{Page: 0, Quads: []pdfium.Quad{q}, Color: pdfium.RGB{R: 0xFF, G: 0xD4}}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.Save(&buf); err != nil {
		t.Fatal(err)
	}
	doc.Close()
	path := filepath.Join(t.TempDir(), "marked-scan.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := newTestLibrary(t)
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 || len(rep.Highlights) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	id := rep.Imported[0].ID
	if h := rep.Highlights[0]; h.NotMatched != 1 || !strings.Contains(h.Items[0].Reason, "rapport ocr") {
		t.Errorf("before OCR: %+v", h)
	}
	if n := countRows(t, lib, "annotations"); n != 0 {
		t.Errorf("%d annotations before OCR", n)
	}
	if _, err := lib.OCR(ctx, []int64{id}, OCROptions{}); err != nil {
		t.Fatal(err)
	}
	reps, err := lib.ImportHighlights(ctx, []int64{id}, HighlightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	anns, _ := lib.Annotations(ctx, AnnotationFilter{DocID: id})
	if reps[0].Imported != 1 || len(anns) != 1 || anns[0].IsArea() || anns[0].Quote != "Warm relationships" {
		t.Errorf("after OCR: %+v, annotations %+v", reps[0], anns)
	}
}
