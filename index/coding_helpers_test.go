package index

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// Helpers of the coding tests: real libraries in temporary folders, with
// documents imported from PDFs generated with known content.

func openCodingLibrary(t *testing.T) (*Library, string) {
	t.Helper()
	dir := t.TempDir()
	lib, err := Open(context.Background(), filepath.Join(dir, "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib, dir
}

// importArticle writes the article as a PDF and imports it; it returns the
// document's id.
func importArticle(t *testing.T, lib *Library, name string, a pdfgen.Article) int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(path, a.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(context.Background(), []string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Imported) != 1 {
		t.Fatalf("import %s: %+v", name, rep)
	}
	return rep.Imported[0].ID
}

// pageRunesOf returns a stored page's NFC text as code points.
func pageRunesOf(t *testing.T, lib *Library, doc int64, page int) []rune {
	t.Helper()
	p, err := lib.PageText(context.Background(), doc, page)
	if err != nil {
		t.Fatal(err)
	}
	return nfcRunes(p.Text)
}

// checkAnchored fails unless the annotation's quote is exactly its span of
// its page's NFC text, with the stored prefix and suffix around it.
func checkAnchored(t *testing.T, lib *Library, a Annotation) {
	t.Helper()
	text := pageRunesOf(t, lib, a.DocID, a.Page)
	if a.Start < 0 || a.End > len(text) || a.Start >= a.End {
		t.Fatalf("annotation %d: span %d–%d outside page %d (%d code points)", a.ID, a.Start, a.End, a.Page, len(text))
	}
	if got := string(text[a.Start:a.End]); got != a.Quote {
		t.Fatalf("annotation %d: page text at %d–%d is %q, quote is %q", a.ID, a.Start, a.End, got, a.Quote)
	}
	pre, suf := spanContext(text, a.Start, a.End)
	if pre != a.Prefix || suf != a.Suffix {
		t.Fatalf("annotation %d: context %q/%q, stored %q/%q", a.ID, pre, suf, a.Prefix, a.Suffix)
	}
}

// codingState is everything an undo must restore: themes, annotations and
// notes, as the API returns them.
func codingState(t *testing.T, lib *Library) string {
	t.Helper()
	ctx := context.Background()
	themes, err := lib.Themes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	anns, err := lib.Annotations(ctx, AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	notes, err := lib.DocNotes(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(map[string]any{"themes": themes, "annotations": anns, "notes": notes}, "", " ")
	return string(b)
}

func countRows(t *testing.T, lib *Library, table string) int {
	t.Helper()
	var n int
	if err := lib.db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// searchTotal runs a search and returns how many pages match.
func searchTotal(t *testing.T, lib *Library, req SearchRequest) int {
	t.Helper()
	res, err := lib.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("search %+v: %v", req, err)
	}
	return int(res.Total)
}

// twoPageArticle has known passages, a repeated phrase on both pages, a
// word hyphenated at a line end and ligatures.
func twoPageArticle() pdfgen.Article {
	return pdfgen.Article{
		Title:    "Helpful relationships in practice",
		BodyFont: pdfgen.TimesLigCMap,
		Pages: [][]string{
			{
				"The participants described collaboration with professionals as central to their recovery. Trust grew over many years of working together.",
				"A long paragraph follows so that a word breaks at a line end: the extraordinarily " + "psy\u00adchi\u00adat\u00adric" + " services were the first to offer this kind of flexible support to everyone.",
				"Spending time together mattered to the persons interviewed.",
			},
			{
				"On the second page, spending time together is mentioned again. The coach was something different, a human being.",
				"Nobody mentioned the final flourish of the officials here.",
			},
		},
	}
}

// twoPageArticle2 is a second document sharing some words with the first.
func twoPageArticle2() pdfgen.Article {
	return pdfgen.Article{
		Title: "Another study",
		Pages: [][]string{
			{"Working together with the coach helped. Time together was short."},
		},
	}
}
