package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// An article printed 305–308 on five PDF pages (its pages, then an
// unnumbered supplement), with /PageLabels that say 1, 2, 3, …: the
// reader's page label, the search results, the annotation list and the
// export all give PDF page 2 the number printed on it, 306.
func TestPrintedPageAgreesEverywhere(t *testing.T) {
	ctx := context.Background()
	a := pdfgen.HeaderSet(1, 21)[0]
	a.Cite, a.CitePlace = pdfgen.CiteParenYearVolume, pdfgen.CiteAboveTitle
	a.Journal, a.Year, a.Volume, a.FirstPage = "Clinical Science", 2014, "126", 305
	a.Cover, a.FigurePage, a.Supplement = false, 0, true
	a.Authors = []pdfgen.Person{{Given: "Ross G.", Family: "Douglas"}, {Given: "Rajni K.", Family: "Sharma"}, {Given: "Geoffrey", Family: "Masuyer"}}
	a.Body = [][]string{
		{"The zeppelin scaffold bound the N-domain with a direct hydrogen bond."},
		{"A third page of the article."},
		{"The last page of the article."},
	}
	doc := a.Doc()
	doc.PageLabels = "<< /Nums [0 << /S /D >>] >>"
	lib, err := index.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	path := filepath.Join(t.TempDir(), "douglas.pdf")
	if err := os.WriteFile(path, doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	id := rep.Imported[0].ID
	ann, err := lib.Tag(ctx, index.TagRequest{DocID: id, Page: 2, Quote: "The zeppelin scaffold bound the N-domain", Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := newTestUI(t, lib)

	// The reader.
	u.OpenDocument(id, 2, "")
	u.Wait()
	if got := u.reader.pageInfo.Text; got != "p. 306 (PDF 2 of 5)" {
		t.Errorf("reader page label %q", got)
	}
	u.OpenDocument(id, 5, "")
	u.Wait()
	if got := u.reader.pageInfo.Text; got != "Page 5 of 5" {
		t.Errorf("the unnumbered supplement: reader page label %q", got)
	}

	// The search results.
	u.searchEntry.SetText("zeppelin")
	u.Wait()
	if len(u.search.hits) != 1 || u.search.hits[0].PrintedPage != "306" {
		t.Fatalf("search hits %+v", u.search.hits)
	}
	row := newHitRow()
	row.set(&u.search.hits[0])
	if row.page.Text != "p. 306 (PDF p. 2)" {
		t.Errorf("search result page %q", row.page.Text)
	}

	// The annotation list.
	u.ShowView(ViewAnnotations)
	u.annotations.refresh()
	u.Wait()
	if len(u.annotations.annots) != 1 {
		t.Fatalf("%d annotations listed", len(u.annotations.annots))
	}
	item := u.annotations.list.CreateItem()
	u.annotations.list.UpdateItem(0, item)
	head := item.(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*widget.Label).Text
	if !strings.Contains(head, "p. 306 (PDF p. 2)") {
		t.Errorf("annotation list entry %q", head)
	}

	// The export.
	d, err := export.Collect(ctx, lib, export.Filter{})
	if err != nil || len(d.Excerpts) != 1 {
		t.Fatalf("export: %+v %v", d, err)
	}
	if e := d.Excerpts[0]; e.ID != ann.ID || e.Citation != "(Douglas et al., 2014, p. 306)" || e.PDFPageNote() != "PDF p. 2" {
		t.Errorf("export cites %q (%s)", e.Citation, e.PDFPageNote())
	}
}
