package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// headerArticle is a generated article with a known header: page 1 prints
// its title, authors, citation line and abstract; no XMP, a junk /Info
// title.
func headerArticle() pdfgen.HeaderArticle {
	a := pdfgen.HeaderSet(1, 11)[0]
	a.Cite, a.CitePlace, a.XMP, a.Info = pdfgen.CiteParenYearColon, pdfgen.CiteAboveTitle, false, "paper.dvi"
	a.Cover, a.Supplement, a.FigurePage = false, false, 0
	a.Authors = []pdfgen.Person{{Given: "Anna", Family: "Sundström"}, {Given: "Michael", Family: "Rönnlund"}, {Given: "Lars-Göran", Family: "Nilsson"}}
	a.Journal, a.Year, a.Volume, a.Issue, a.FirstPage = "International Psychogeriatrics", 2014, "26", "1", 147
	a.DOI = "10.1017/s1041610213001804"
	return a
}

func importHeaderArticle(t *testing.T, lib *Library, a pdfgen.HeaderArticle) int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "article.pdf")
	if err := os.WriteFile(path, a.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(context.Background(), []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	return rep.Imported[0].ID
}

func importBib(t *testing.T, lib *Library, bib string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "record.bib")
	if err := os.WriteFile(path, []byte(bib), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(context.Background(), []string{path}, nil)
	if err != nil || len(rep.Failed) != 0 {
		t.Fatalf("import record: %+v %v", rep, err)
	}
}

// A PDF imported with no record gets its metadata from its first page, each
// field saying so; a record imported later wins field by field; a field set
// by hand wins over both, also through another record and a re-extraction.
func TestFileMetadataPrecedence(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	a := headerArticle()
	id := importHeaderArticle(t, lib, a)

	d, err := lib.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantAuthors := []importer.Author{{Family: "Sundström", Given: "Anna"}, {Family: "Rönnlund", Given: "Michael"}, {Family: "Nilsson", Given: "Lars-Göran"}}
	if d.Title != a.Title || !reflect.DeepEqual(d.Authors, wantAuthors) || d.Year != 2014 || d.Journal != "International Psychogeriatrics" ||
		d.Volume != "26" || d.Issue != "1" || d.Pages != a.PageRange() || d.DOI != a.DOI || d.Abstract != a.Abstract {
		t.Fatalf("metadata from page 1: %+v", d.Metadata)
	}
	for _, f := range []string{"title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract"} {
		if d.FieldSources[f] != importer.SourcePage1 {
			t.Errorf("%s from %q, want page1", f, d.FieldSources[f])
		}
	}
	// Found by author and journal in search.
	if res, err := lib.Search(ctx, SearchRequest{Query: "author:rönnlund journal:psychogeriatrics"}); err != nil || res.Total == 0 {
		t.Errorf("search by the page's author and journal: %+v %v", res, err)
	}

	// A record, later: its fields win; the fields it lacks keep page 1's.
	importBib(t, lib, fmt.Sprintf(`@article{s, title = {%s}, author = {Sundström, Anna and Rönnlund, Michael}, journal = {Int Psychogeriatr}, year = {2013}, doi = {%s}}`, a.Title, a.DOI))
	d, _ = lib.Document(ctx, id)
	if d.Journal != "Int Psychogeriatr" || d.Year != 2013 || len(d.Authors) != 2 || d.Volume != "26" || d.Pages != a.PageRange() {
		t.Fatalf("after the record: %+v", d.Metadata)
	}
	for f, want := range map[string]string{"journal": "record", "year": "record", "authors": "record", "volume": "page1", "pages": "page1", "abstract": "page1"} {
		if d.FieldSources[f] != want {
			t.Errorf("after the record: %s from %q, want %q", f, d.FieldSources[f], want)
		}
	}

	// By hand: wins over the record and stays through another one.
	if err := lib.SetMetadataField(ctx, id, "journal", "International Psychogeriatrics"); err != nil {
		t.Fatal(err)
	}
	importBib(t, lib, fmt.Sprintf(`@article{s, title = {%s}, journal = {IPG}, doi = {%s}}`, a.Title, a.DOI))
	d, _ = lib.Document(ctx, id)
	if d.Journal != "International Psychogeriatrics" || d.FieldSources["journal"] != importer.SourceUser {
		t.Errorf("journal set by hand: %q from %q", d.Journal, d.FieldSources["journal"])
	}

	// A re-extraction reads the file again: it changes neither the
	// record's fields nor the user's.
	if _, err := lib.Reextract(ctx, []int64{id}, ReextractOptions{}); err != nil {
		t.Fatal(err)
	}
	d, _ = lib.Document(ctx, id)
	if d.Journal != "International Psychogeriatrics" || d.Year != 2013 || len(d.Authors) != 2 || d.FieldSources["year"] != "record" {
		t.Errorf("after re-extraction: %+v %v", d.Metadata, d.FieldSources)
	}
}

// A record imported before its PDF keeps its fields; the PDF's own
// metadata fills only what the record left empty.
func TestRecordBeforePDFKeepsRecordFields(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	a := headerArticle()
	importBib(t, lib, fmt.Sprintf(`@article{s, title = {%s}, author = {Sundström, A.}, journal = {Int Psychogeriatr}, doi = {%s}}`, a.Title, a.DOI))
	id := importHeaderArticle(t, lib, a)
	d, _ := lib.Document(ctx, id)
	if d.Kind != "pdf" || d.Journal != "Int Psychogeriatr" || len(d.Authors) != 1 || d.Authors[0].Given != "A." {
		t.Fatalf("record fields replaced by the PDF's: %+v", d.Metadata)
	}
	if d.Year != 2014 || d.Volume != "26" || d.Pages != a.PageRange() || d.FieldSources["year"] != "page1" || d.FieldSources["journal"] != "record" {
		t.Errorf("empty fields not filled from page 1: %+v %v", d.Metadata, d.FieldSources)
	}
}

// Page numbers: the number printed on each page wins over /PageLabels and
// a record's range; the user's first_printed_page wins over all; the same
// number reaches search results, annotations and the page itself.
func TestPrintedPagesWinAndAgree(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	a := headerArticle()
	a.Cite = pdfgen.CiteParenYearVolume // a page number alone at the foot of each page
	a.Supplement = true
	doc := a.Doc()
	doc.PageLabels = "<< /Nums [0 << /S /D /St 0 >>] >>" // labels 0, 1, 2, …: wrong
	path := filepath.Join(t.TempDir(), "a.pdf")
	os.WriteFile(path, doc.Bytes(), 0o644)
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	id := rep.Imported[0].ID
	d, _ := lib.Document(ctx, id)
	pages, _ := lib.Pages(ctx, id)
	want := a.PrintedPages()
	var got []string
	for _, p := range pages {
		page, _ := d.Numbering().PrintedPage(p.Number, p.Label, p.Printed)
		got = append(got, page)
	}
	// The supplement prints no number: it is cited by its PDF page.
	want[len(want)-1] = fmt.Sprint(len(want))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("printed pages %q, want %q", got, want)
	}
	rpt, err := lib.PageNumbers(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if rpt.Source != PagesFromPrint || rpt.First != "147" || len(rpt.Unnumbered) != 1 || len(rpt.Disagreements) != 1 {
		t.Errorf("page numbers report: %+v", rpt)
	}

	// Search and annotations say the same as the page.
	word := "kindness"
	res, err := lib.Search(ctx, SearchRequest{Query: word, Limit: 50})
	if err != nil || res.Total == 0 {
		t.Fatalf("search: %+v %v", res, err)
	}
	for _, h := range res.Hits {
		if h.PrintedPage != got[h.Page-1] {
			t.Errorf("hit on PDF page %d: printed_page %q, want %q", h.Page, h.PrintedPage, got[h.Page-1])
		}
	}
	ann, err := lib.Tag(ctx, TagRequest{DocID: id, Page: 2, Quote: "Participants valued being treated as persons", Themes: []string{"Trust"}})
	if err != nil {
		// The quote is on another page of this article: find one on page 2.
		t.Fatalf("tag: %v", err)
	}
	if ann.PrintedPage != "148" {
		t.Errorf("annotation on PDF page 2: printed_page %q, want 148", ann.PrintedPage)
	}

	// A record whose range does not fit the PDF's page count changes
	// nothing; one that disagrees with the print is reported.
	importBib(t, lib, fmt.Sprintf(`@article{s, title = {%s}, pages = {200--205}, doi = {%s}}`, a.Title, a.DOI))
	rpt, _ = lib.PageNumbers(ctx, id)
	if rpt.First != "147" || len(rpt.Disagreements) != 2 {
		t.Errorf("after a record with another range: %+v", rpt)
	}
	// The user's first printed page wins, and says it disagrees.
	if err := lib.SetMetadataField(ctx, id, "first_printed_page", "10"); err != nil {
		t.Fatal(err)
	}
	d, _ = lib.Document(ctx, id)
	if p, src := d.Numbering().PrintedPage(2, pages[1].Label, pages[1].Printed); p != "11" || src != PagesFromUser {
		t.Errorf("with first_printed_page 10: page 2 is %q (%s)", p, src)
	}
	if ann, _ := lib.Annotation(ctx, ann.ID); ann.PrintedPage != "11" {
		t.Errorf("annotation after first_printed_page: %q", ann.PrintedPage)
	}
	rpt, _ = lib.PageNumbers(ctx, id)
	if rpt.Source != PagesFromUser || rpt.FirstPrintedPage != 10 || len(rpt.Disagreements) != 3 {
		t.Errorf("report with the user's first page: %+v", rpt)
	}
}

func TestPrintedPageRules(t *testing.T) {
	cases := []struct {
		name           string
		n              PageNumbering
		page           int
		label, printed string
		want, source   string
	}{
		{"printed wins over a wrong label", PageNumbering{PageCount: 10, PrintedPages: 10}, 7, "6", "7", "7", PagesFromPrint},
		{"printed wins over a range that does not fit", PageNumbering{Pages: "305–313", PageCount: 13, PrintedPages: 9}, 2, "", "306", "306", PagesFromPrint},
		{"an unnumbered page of a printed document", PageNumbering{Pages: "305–313", PageCount: 13, PrintedPages: 9}, 11, "11", "", "11", PagesFromPDF},
		{"user wins over print", PageNumbering{FirstPrintedPage: 4, PageCount: 10, PrintedPages: 10}, 2, "", "306", "5", PagesFromUser},
		{"label without print", PageNumbering{PageCount: 8}, 2, "148", "", "148", PagesFromLabels},
		{"range without print or label", PageNumbering{Pages: "275–293", PageCount: 19}, 6, "", "", "280", PagesFromRecord},
		{"nothing: the PDF page", PageNumbering{PageCount: 12}, 4, "", "", "4", PagesFromPDF},
	}
	for _, c := range cases {
		got, src := c.n.PrintedPage(c.page, c.label, c.printed)
		if got != c.want || src != c.source {
			t.Errorf("%s: got %q (%s), want %q (%s)", c.name, got, src, c.want, c.source)
		}
	}
	if got := PageLabel("306", 2); got != "p. 306 (PDF p. 2)" {
		t.Errorf("PageLabel = %q", got)
	}
	if got := PageLabel("2", 2); got != "p. 2" {
		t.Errorf("PageLabel = %q", got)
	}
}
