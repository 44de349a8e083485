package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// TestImportHighlightsAndCodedPDF: the window's action imports the
// highlight made in a PDF imported without its marks (for the document
// open in the reader), says what it did, and the export dialog's coded PDF
// writes the document with its coding as highlights.
func TestImportHighlightsAndCodedPDF(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	doc := pdfgen.Article{Title: "A highlighted article", Pages: [][]string{{"The coach listened without hurry and the participants felt seen."}}}.Doc()
	rects, _ := doc.Pages[0].PhraseRects("listened without hurry", 0)
	hl := pdfgen.Annot{Subtype: "Highlight", Color: []float64{0x5F / 255.0, 0xB2 / 255.0, 0x36 / 255.0}, Contents: "patience"}
	for _, r := range rects {
		hl.Quads = append(hl.Quads, pdfgen.QuadOf(r))
	}
	doc.Pages[0].Markup = []pdfgen.Annot{hl}
	src := filepath.Join(t.TempDir(), "highlighted.pdf")
	os.WriteFile(src, doc.Bytes(), 0o644)
	rep, err := lib.Import(ctx, []string{src}, &index.ImportOptions{NoHighlights: true})
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	id := rep.Imported[0].ID

	u, _ := newTestUI(t, lib)
	u.OpenDocument(id, 1, "")
	u.Wait()
	u.ShowImportHighlights() // the dialog opens
	u.runImportHighlights([]int64{id})
	u.Wait()
	anns, _ := lib.Annotations(ctx, index.AnnotationFilter{DocID: id})
	if len(anns) != 1 || anns[0].Quote != "listened without hurry" || anns[0].Themes[0] != "Zotero green" || anns[0].Note != "patience" {
		t.Fatalf("annotations after the action: %+v", anns)
	}
	if !strings.Contains(u.status.Text, "1 imported") {
		t.Errorf("status %q", u.status.Text)
	}
	if lines := highlightLines([]index.HighlightReport{{Title: "T", Items: []index.HighlightItem{{Page: 2, Status: "not-matched", Kind: "highlight", Reason: "its rectangles cover no text"}}}}); len(lines) != 1 || !strings.Contains(lines[0], "p. 2") || !strings.Contains(lines[0], "cover no text") || !strings.Contains(lines[0], "highlight not matched") {
		t.Errorf("report lines %q", lines)
	}

	u.ShowExport()
	out := filepath.Join(t.TempDir(), "coded.pdf")
	u.runExport(exportRequest{format: export.PDF}, out) // the document open in the reader
	u.Wait()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("coded copy: %v (status %q)", err, u.status.Text)
	}
	e, err := pdfium.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := e.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer pd.Close()
	list, _, err := pd.PageAnnots(0)
	if err != nil {
		t.Fatal(err)
	}
	rapport := 0
	for _, a := range list {
		if strings.HasPrefix(a.Name, "rapport-") && a.Contents == "Zotero green — patience" {
			rapport++
		}
	}
	if rapport != 1 {
		t.Errorf("coded copy's annotations: %+v", list)
	}
}
