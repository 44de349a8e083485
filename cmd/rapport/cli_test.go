package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/testenv"
)

// rapport runs the CLI in-process and returns stdout, stderr and the code.
func rapport(t *testing.T, lib string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--library", lib}, args...), &out, &errb)
	return out.String(), errb.String(), code
}

// rapportJSON runs a command with --json and decodes its output into v.
func rapportJSON(t *testing.T, lib string, v any, args ...string) int {
	t.Helper()
	out, errs, code := rapport(t, lib, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("rapport %s: output is not one JSON value: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errs)
	}
	return code
}

func writeArticle(t *testing.T, dir, name, title, marker string, pages int) string {
	t.Helper()
	art := pdfgen.Article{Title: title, Columns: 1}
	for p := 1; p <= pages; p++ {
		art.Pages = append(art.Pages, []string{fmt.Sprintf("Page text about helpful relationships with the word %s%c on it.", marker, 'a'+rune(p))})
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, art.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCLIContract(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	src := t.TempDir()
	writeArticle(t, src, "first.pdf", "From role to person in supported employment", "quokkamarker", 3)
	os.WriteFile(filepath.Join(src, "bad.pdf"), []byte("not a pdf"), 0o644)

	var imp struct {
		Imported []map[string]any `json:"imported"`
		Updated  []map[string]any `json:"updated"`
		Failed   []map[string]any `json:"failed"`
	}
	code := rapportJSON(t, lib, &imp, "import", src)
	if code == 0 {
		t.Error("import with a failed file exited 0")
	}
	if len(imp.Imported) != 1 || len(imp.Failed) != 1 || imp.Updated == nil {
		t.Fatalf("import JSON: %+v", imp)
	}
	for _, k := range []string{"id", "file", "title", "doi", "pages"} {
		if _, ok := imp.Imported[0][k]; !ok {
			t.Errorf("import JSON: imported entry lacks %q", k)
		}
	}
	for _, k := range []string{"file", "error"} {
		if _, ok := imp.Failed[0][k]; !ok {
			t.Errorf("import JSON: failed entry lacks %q", k)
		}
	}
	if !strings.Contains(imp.Failed[0]["error"].(string), "bad.pdf") {
		t.Errorf("failure does not name the file: %v", imp.Failed[0])
	}
	id := fmt.Sprint(imp.Imported[0]["id"])

	var docs []map[string]any
	if code := rapportJSON(t, lib, &docs, "docs"); code != 0 || len(docs) != 1 {
		t.Fatalf("docs: code %d, %v", code, docs)
	}
	for _, k := range []string{"id", "title", "authors", "year", "journal", "doi", "pages", "file"} {
		if _, ok := docs[0][k]; !ok {
			t.Errorf("docs JSON lacks %q", k)
		}
	}
	if docs[0]["pages"].(float64) != 3 {
		t.Errorf("docs: pages = %v, want 3", docs[0]["pages"])
	}

	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			DocID   int64   `json:"doc_id"`
			Title   string  `json:"title"`
			Page    int     `json:"page"`
			Score   float64 `json:"score"`
			Snippet string  `json:"snippet"`
		} `json:"hits"`
	}
	if code := rapportJSON(t, lib, &res, "search", "quokkamarkerc", "--limit", "5"); code != 0 {
		t.Fatalf("search exited %d", code)
	}
	if res.Total != 1 || res.Hits[0].Page != 2 || fmt.Sprint(res.Hits[0].DocID) != id || res.Hits[0].Score <= 0 ||
		!strings.Contains(res.Hits[0].Snippet, "<mark>quokkamarkerc</mark>") {
		t.Fatalf("search JSON: %+v", res)
	}

	var text struct {
		Pages []struct {
			Page int    `json:"page"`
			Text string `json:"text"`
		} `json:"pages"`
	}
	if code := rapportJSON(t, lib, &text, "text", id, "--page", "3"); code != 0 || len(text.Pages) != 1 ||
		!strings.Contains(text.Pages[0].Text, "quokkamarkerd") {
		t.Fatalf("text --page 3: %+v", text)
	}

	var ex struct {
		Pages []struct {
			Page int    `json:"page"`
			Text string `json:"text"`
		} `json:"pages"`
		DOI   *string `json:"doi"`
		Title *string `json:"title"`
	}
	if code := rapportJSON(t, lib, &ex, "extract", filepath.Join(src, "first.pdf")); code != 0 || len(ex.Pages) != 3 ||
		ex.Pages[0].Page != 1 || ex.DOI == nil || ex.Title == nil {
		t.Fatalf("extract JSON: %+v", ex)
	}

	var show map[string]any
	if code := rapportJSON(t, lib, &show, "show", id); code != 0 || show["title"] != "From role to person in supported employment" {
		t.Fatalf("show: %v", show)
	}
	if _, errs, code := rapport(t, lib, "show", "999"); code == 0 || !strings.Contains(errs, "999") {
		t.Errorf("show of an unknown id: code %d, stderr %q", code, errs)
	}
	if _, _, code := rapport(t, lib, "check"); code != 0 {
		t.Error("check failed on a healthy library")
	}
	if _, _, code := rapport(t, lib, "reindex"); code != 0 {
		t.Error("reindex failed")
	}
	if _, errs, code := rapport(t, lib, "frobnicate"); code != exitUsage || !strings.Contains(errs, "frobnicate") {
		t.Errorf("unknown command: code %d, stderr %q", code, errs)
	}
}

func TestCLIImportSharedCorpusAndSeeds(t *testing.T) {
	corpus := testenv.Shared(t, "corpus")
	seeds := testenv.Shared(t, "seeds")
	lib := filepath.Join(t.TempDir(), "lib")
	var imp struct {
		Imported []struct {
			ID    int64  `json:"id"`
			File  string `json:"file"`
			DOI   string `json:"doi"`
			Pages int    `json:"pages"`
		} `json:"imported"`
		Updated []struct {
			DOI string `json:"doi"`
		} `json:"updated"`
		Failed []map[string]string `json:"failed"`
	}
	if code := rapportJSON(t, lib, &imp, "import", corpus, seeds); code != 0 {
		t.Fatalf("import of the shared corpus and seeds failed: %+v", imp.Failed)
	}
	manifest, err := os.ReadFile(filepath.Join(corpus, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string]int{}
	for i, it := range imp.Imported {
		byFile[filepath.Base(it.File)] = i
	}
	for _, line := range strings.Split(strings.TrimSpace(string(manifest)), "\n")[1:] {
		f := strings.Split(line, "\t")
		i, ok := byFile[f[0]]
		if !ok {
			t.Errorf("%s not imported", f[0])
			continue
		}
		it := imp.Imported[i]
		if fmt.Sprint(it.Pages) != f[1] || it.DOI != strings.ToLower(f[2]) {
			t.Errorf("%s: pages %d doi %q, want %s %q", f[0], it.Pages, it.DOI, f[1], f[2])
		}
	}
	seedDOIs := map[string]bool{}
	for _, it := range imp.Imported {
		seedDOIs[it.DOI] = true
	}
	for _, it := range imp.Updated {
		seedDOIs[it.DOI] = true
	}
	for _, doi := range []string{"10.1007/s11126-015-9347-5", "10.1080/15487768.2016.1255276"} {
		if !seedDOIs[doi] {
			t.Errorf("seed with DOI %s not imported", doi)
		}
	}
}

// A query may start with an excluded word: "-word" is text to search, not
// an unknown flag, while the command's own flags still work around it.
func TestCLISearchExcludedWordIsNotAFlag(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	src := t.TempDir()
	writeArticle(t, src, "a.pdf", "Here and now action", "wombatmarker", 3)
	if _, errs, code := rapport(t, lib, "import", src); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	for _, tc := range []struct {
		args  []string
		total int
	}{
		{[]string{"search", "-wombatmarkerb helpful"}, 2},
		{[]string{"search", "--limit", "5", "-wombatmarkerb", "helpful"}, 2},
		{[]string{"search", "helpful", "-wombatmarkerc", "--limit=5"}, 2},
		{[]string{"search", "helpful", "--limit", "1"}, 3},
	} {
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				Page int `json:"page"`
			} `json:"hits"`
		}
		if code := rapportJSON(t, lib, &res, tc.args...); code != 0 || res.Total != tc.total {
			t.Errorf("%q: code %d, total %d, want %d", tc.args, code, res.Total, tc.total)
		}
	}
	if _, errs, code := rapport(t, lib, "text", "1", "--pgae", "2"); code != exitUsage || !strings.Contains(errs, "pgae") {
		t.Errorf("a misspelt flag of a command without free text: code %d, stderr %q", code, errs)
	}
}
