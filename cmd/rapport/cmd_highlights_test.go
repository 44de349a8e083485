package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// highlightedArticle writes a PDF with a Zotero-yellow highlight (with a
// comment) over "collaboration with professionals" and a sticky note.
func highlightedArticle(t *testing.T, dir string) string {
	t.Helper()
	doc := pdfgen.Article{Title: "Helpful relationships in supported employment", Pages: [][]string{
		{"The participants described collaboration with professionals as central to their recovery. Trust grew over many years of working together."},
	}}.Doc()
	rects, ok := doc.Pages[0].PhraseRects("collaboration with professionals", 0)
	if !ok {
		t.Fatal("phrase not on the page")
	}
	hl := pdfgen.Annot{Subtype: "Highlight", Color: []float64{1, 212.0 / 255, 0}, Contents: "central", Author: "Ann"}
	for _, r := range rects {
		hl.Quads = append(hl.Quads, pdfgen.QuadOf(r))
	}
	doc.Pages[0].Markup = []pdfgen.Annot{hl, {Subtype: "Text", Rect: [4]float64{500, 700, 520, 720}, Contents: "Read again"}}
	path := filepath.Join(dir, "highlighted.pdf")
	if err := os.WriteFile(path, doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCLIHighlights: import --no-highlights leaves a PDF's marks,
// `highlights import` brings them (and reports them), a second run adds
// nothing, and `annotations --json` marks the imported one with its source
// and colour.
func TestCLIHighlights(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	src := highlightedArticle(t, t.TempDir())
	var imp map[string]any
	if code := rapportJSON(t, lib, &imp, "import", "--no-highlights", src); code != 0 || imp["highlights"] != nil {
		t.Fatalf("import --no-highlights: code %d, %v", code, imp["highlights"])
	}
	var res struct {
		Documents []struct {
			DocID int64 `json:"doc_id"`
			Items []struct {
				Page   int      `json:"page"`
				Kind   string   `json:"kind"`
				Status string   `json:"status"`
				Quote  string   `json:"quote"`
				Themes []string `json:"themes"`
			} `json:"items"`
		} `json:"documents"`
		Imported  int `json:"imported"`
		Unchanged int `json:"unchanged"`
	}
	if code := rapportJSON(t, lib, &res, "highlights", "import"); code != 0 || res.Imported != 2 || len(res.Documents) != 1 {
		t.Fatalf("highlights import: code %d, %+v", code, res)
	}
	found := false
	for _, it := range res.Documents[0].Items {
		if it.Kind == "highlight" && it.Status == "imported" && it.Quote == "collaboration with professionals" && it.Page == 1 &&
			len(it.Themes) == 1 && it.Themes[0] == "Zotero yellow" {
			found = true
		}
	}
	if !found {
		t.Errorf("report items %+v", res.Documents[0].Items)
	}
	if code := rapportJSON(t, lib, &res, "highlights", "import", "1"); code != 0 || res.Imported != 0 || res.Unchanged != 2 {
		t.Errorf("second import: code %d, %+v", code, res)
	}
	var anns []map[string]any
	if code := rapportJSON(t, lib, &anns, "annotations"); code != 0 || len(anns) != 1 {
		t.Fatalf("annotations: code %d, %v", code, anns)
	}
	if anns[0]["source"] != "pdf-highlight" || anns[0]["color"] != "#FFD400" || anns[0]["note"] != "central" || anns[0]["author"] != "Ann" {
		t.Errorf("annotation %v", anns[0])
	}
	for _, k := range []string{"id", "doc_id", "page", "start", "end", "quote", "themes", "note"} {
		if _, ok := anns[0][k]; !ok {
			t.Errorf("annotation lacks %q", k)
		}
	}
	// A PDF imported with its marks: the report is in the import's JSON.
	lib2 := filepath.Join(t.TempDir(), "lib2")
	if code := rapportJSON(t, lib2, &imp, "import", src); code != 0 {
		t.Fatal("import")
	}
	if hs, _ := imp["highlights"].([]any); len(hs) != 1 {
		t.Errorf("import's highlights: %v", imp["highlights"])
	}
	out, _, code := rapport(t, lib2, "highlights", "import")
	if code != 0 || !strings.Contains(out, "unchanged") || !strings.Contains(out, `"collaboration with professionals"`) {
		t.Errorf("human report (code %d):\n%s", code, out)
	}
	if _, errs, code := rapport(t, lib2, "highlights", "export"); code == 0 {
		t.Errorf("highlights export: accepted (%s)", errs)
	}
}

// TestCLIExportPDF: a coded copy of one document to a file, of several
// into a folder, flattened on demand; a document with no PDF fails
// clearly.
func TestCLIExportPDF(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	src := t.TempDir()
	highlightedArticle(t, src)
	codingArticle(t, src)
	os.WriteFile(filepath.Join(src, "notes.txt"), []byte("Plain notes."), 0o644)
	if _, errs, code := rapport(t, lib, "import", src); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	var docs []map[string]any
	rapportJSON(t, lib, &docs, "docs")
	ids := map[string]string{}
	for _, d := range docs {
		ids[d["file"].(string)] = fmt.Sprint(int64(d["id"].(float64)))
	}
	out := t.TempDir()
	one := filepath.Join(out, "one.pdf")
	var res map[string]any
	if code := rapportJSON(t, lib, &res, "export", "--format", "pdf", "--doc", ids["highlighted.pdf"], "-o", one); code != 0 || res["highlights"] != float64(1) {
		t.Fatalf("export one: code %d, %v", code, res)
	}
	if data, err := os.ReadFile(one); err != nil || !strings.HasPrefix(string(data), "%PDF") {
		t.Fatalf("coded copy: %v", err)
	}
	dir := filepath.Join(out, "copies")
	var many []map[string]any
	if code := rapportJSON(t, lib, &many, "export", "--format", "pdf", "--flatten", "--doc", ids["highlighted.pdf"], "--doc", ids["article.pdf"], "-o", dir); code != 0 || len(many) != 2 {
		t.Fatalf("export several: code %d, %v", code, many)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || !strings.HasSuffix(entries[0].Name(), "-coded.pdf") {
		t.Errorf("folder holds %v", entries)
	}
	if many[0]["flattened"] != true {
		t.Errorf("not flattened: %v", many[0])
	}
	if _, errs, code := rapport(t, lib, "export", "--format", "pdf", "--doc", ids["notes.txt"], "-o", filepath.Join(out, "x.pdf")); code == 0 || !strings.Contains(errs, "no PDF") {
		t.Errorf("text source: code %d, %s", code, errs)
	}
	if _, errs, code := rapport(t, lib, "export", "--format", "pdf", "-o", filepath.Join(out, "y.pdf")); code != 2 || !strings.Contains(errs, "--doc") {
		t.Errorf("no --doc: code %d, %s", code, errs)
	}
}
