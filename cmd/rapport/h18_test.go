package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// A phrase search over a library holding a metadata-only entry prints its
// results as JSON (it failed with "json: unsupported value: NaN").
func TestCLIPhraseSearchJSONWithMetadataOnlyEntry(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	bib := filepath.Join(t.TempDir(), "rehab.bib")
	os.WriteFile(bib, []byte(`@article{r, title = {Psychiatric rehabilitation and recovery}, author = {Smith, John}, year = {2010},
  abstract = {We study psychiatric rehabilitation in community settings.}}`), 0o644)
	if _, errs, code := rapport(t, lib, "import", bib); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			Score float64 `json:"score"`
		} `json:"hits"`
	}
	if code := rapportJSON(t, lib, &res, "search", `"psychiatric rehabilitation"`); code != 0 || res.Total != 1 {
		t.Fatalf("search: exit %d, %+v", code, res)
	}
}

// Only import creates a library: every other command on a folder holding
// none says "no library at PATH", exits non-zero and creates nothing.
func TestCLINoLibraryAtMistypedPath(t *testing.T) {
	typo := filepath.Join(t.TempDir(), "libary")
	out := filepath.Join(t.TempDir(), "x.md")
	for _, args := range [][]string{
		{"docs"}, {"show", "1"}, {"text", "1"}, {"search", "trust"}, {"annotations"}, {"notes"}, {"history"},
		{"themes"}, {"themes", "add", "New"}, {"report"}, {"export", "-o", out}, {"check"}, {"reindex"},
		{"set", "1", "title", "x"}, {"tag", "1", "--quote", "x", "--theme", "Trust"}, {"autocode", "x", "--theme", "Trust"},
		{"undo"}, {"note", "1", "text"}, {"reextract"}, {"remove", "1"}, {"render", "1", "--page", "1", "-o", out + ".png"},
	} {
		stdout, stderr, code := rapport(t, typo, args...)
		if code == 0 || !strings.Contains(stderr, "no library at "+typo) {
			t.Errorf("rapport %s on a mistyped path: exit %d, stdout %q, stderr %q; want a failure saying there is no library at %s", strings.Join(args, " "), code, stdout, stderr, typo)
		}
		if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("rapport %s created %s", strings.Join(args, " "), typo)
		}
	}
	// import creates it.
	txt := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(txt, []byte("Some text about trust."), 0o644)
	if _, stderr, code := rapport(t, typo, "import", txt); code != 0 {
		t.Fatalf("import into a new folder: %s", stderr)
	}
	if stdout, _, code := rapport(t, typo, "docs"); code != 0 || !strings.Contains(stdout, "a") {
		t.Errorf("docs after import: exit %d, %q", code, stdout)
	}
}

// text --page takes 1 to the page count; anything else is an error naming
// the problem, not every page.
func TestCLITextPageOutOfRange(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	pdf := writeArticle(t, t.TempDir(), "a.pdf", "A title for the test", "zebramarker", 3)
	bib := filepath.Join(t.TempDir(), "m.bib")
	os.WriteFile(bib, []byte(`@article{m, title = {Only metadata here}, year = {2001}}`), 0o644)
	if _, stderr, code := rapport(t, lib, "import", pdf, bib); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"text", "1", "--page", "0"}, exitUsage, "pages are numbered from 1"},
		{[]string{"text", "1", "--page", "-2"}, exitUsage, "pages are numbered from 1"},
		{[]string{"text", "1", "--page", "4"}, exitFail, "document 1 has no page 4 (it has pages 1–3)"},
		{[]string{"text", "2", "--page", "1"}, exitFail, "document 2 has no pages (a metadata-only entry)"},
	} {
		stdout, stderr, code := rapport(t, lib, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("rapport %s: exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.want)
		}
	}
	if stdout, _, code := rapport(t, lib, "text", "1", "--page", "2"); code != 0 || !strings.Contains(stdout, "zebramarkerc") || strings.Contains(stdout, "zebramarkerb") {
		t.Errorf("text --page 2: exit %d, %q", code, stdout)
	}
}

// Tagging a passage twice with one theme says "already coded" and leaves
// one annotation.
func TestCLITagTwiceSaysAlreadyCoded(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	pdf := writeArticle(t, t.TempDir(), "a.pdf", "A title for the test", "zebramarker", 1)
	if _, stderr, code := rapport(t, lib, "import", pdf); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	args := []string{"tag", "1", "--quote", "the word zebramarkerb on it", "--theme", "Trust"}
	if _, stderr, code := rapport(t, lib, args...); code != 0 {
		t.Fatalf("tag: %s", stderr)
	}
	if _, stderr, code := rapport(t, lib, args...); code != exitFail || !strings.Contains(stderr, "already coded with Trust") || !strings.Contains(stderr, "nothing was changed") {
		t.Errorf("tag again: exit %d, stderr %q; want an error saying it is already coded", code, stderr)
	}
	var anns []map[string]any
	if rapportJSON(t, lib, &anns, "annotations"); len(anns) != 1 {
		t.Errorf("%d annotations after tagging twice, want 1", len(anns))
	}
}

// A .bib with one bad record of eight: the text report says how many
// records were imported and which was skipped, with its line; the JSON
// keeps its keys and adds records_skipped; README.md of the folder is
// listed as skipped with its reason.
func TestCLIImportReportsSkippedRecordsAndFiles(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	src := t.TempDir()
	var b strings.Builder
	for i := 0; i < 8; i++ {
		if i == 4 {
			b.WriteString("@article{bad,\n  title = {Broken {record,\n  year = 2001\n}\n\n")
			continue
		}
		b.WriteString("@article{r" + string(rune('a'+i)) + ",\n  title = {Record " + string(rune('a'+i)) + " on trust},\n  year = {2001}\n}\n\n")
	}
	os.WriteFile(filepath.Join(src, "refs.bib"), []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(src, "README.md"), []byte("# My sources\n"), 0o644)
	stdout, _, code := rapport(t, lib, "import", src)
	if code != exitFail {
		t.Errorf("import with a bad record: exit %d, want %d", code, exitFail)
	}
	for _, want := range []string{"refs.bib: 7 records imported, 1 skipped (line 21: @article{bad: field \"title\": unbalanced braces in value)", "skipped", "README.md (a README"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import report lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "FAILED") {
		t.Errorf("the .bib is listed as failed:\n%s", stdout)
	}
	var raw map[string]json.RawMessage
	rapportJSON(t, filepath.Join(t.TempDir(), "lib2"), &raw, "import", src)
	for _, k := range []string{"imported", "updated", "unchanged", "failed", "skipped", "skipped_files", "restored", "records_skipped"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("import JSON lacks %q", k)
		}
	}
	var rep struct {
		Imported       []map[string]any `json:"imported"`
		Failed         []map[string]any `json:"failed"`
		Skipped        []string         `json:"skipped"`
		SkippedFiles   []map[string]any `json:"skipped_files"`
		RecordsSkipped []map[string]any `json:"records_skipped"`
	}
	b2, _ := json.Marshal(raw)
	json.Unmarshal(b2, &rep)
	if len(rep.Imported) != 7 || len(rep.Failed) != 0 || len(rep.RecordsSkipped) != 1 || rep.RecordsSkipped[0]["line"] != float64(21) ||
		len(rep.Skipped) != 1 || len(rep.SkippedFiles) != 1 || rep.SkippedFiles[0]["reason"] == "" {
		t.Errorf("import JSON: %v", rep)
	}
}

// With a stored original deleted, check names the fix that applies
// (import the file again, not --repair), and importing the file again puts
// the original back and says so.
func TestCLIReimportRestoresMissingOriginal(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	pdf := writeArticle(t, t.TempDir(), "paper.pdf", "A title for the test", "zebramarker", 2)
	if _, stderr, code := rapport(t, lib, "import", pdf); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	blobs, _ := filepath.Glob(filepath.Join(lib, "files", "*", "*"))
	if len(blobs) != 1 {
		t.Fatalf("stored originals: %v", blobs)
	}
	original, _ := os.ReadFile(blobs[0])
	os.Remove(blobs[0])
	stdout, _, code := rapport(t, lib, "check")
	if code == 0 || !strings.Contains(stdout, "is missing") || !strings.Contains(stdout, "fix: import paper.pdf again") || strings.Contains(stdout, "run `rapport check --repair`") {
		t.Errorf("check with a missing original: exit %d:\n%s", code, stdout)
	}
	stdout, stderr, code := rapport(t, lib, "import", pdf)
	if code != 0 || !strings.Contains(stdout, "restored") || !strings.Contains(stdout, "1 restored") {
		t.Errorf("import again: exit %d, %s %s", code, stdout, stderr)
	}
	if back, err := os.ReadFile(blobs[0]); err != nil || string(back) != string(original) {
		t.Errorf("the original is not back: %v", err)
	}
	if stdout, _, code := rapport(t, lib, "check", "--verify-files"); code != 0 {
		t.Errorf("check after the import: exit %d:\n%s", code, stdout)
	}
}

// autocode counts a sentence overlapping a coded passage as already coded
// and leaves the reference list out, saying so; --include-references codes
// it.
func TestCLIAutocodeLeavesReferencesOut(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	art := pdfgen.Article{Title: "Morale on the ward", Pages: [][]string{
		{"Staff morale improved after the clinic opened. Nurses spoke of morale often."},
		{"References", "[1] A. Smith, Morale in nursing teams, J. Nurs. Manag. 12 (2004) 1-9.", "[2] B. Jones, Ward morale revisited, Nurs. Times 99 (2010) 20-25."},
	}}
	pdf := filepath.Join(t.TempDir(), "morale.pdf")
	os.WriteFile(pdf, art.Doc().Bytes(), 0o644)
	if _, stderr, code := rapport(t, lib, "import", pdf); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	if _, stderr, code := rapport(t, lib, "tag", "1", "--quote", "morale improved", "--theme", "Support"); code != 0 {
		t.Fatalf("tag: %s", stderr)
	}
	stdout, stderr, code := rapport(t, lib, "autocode", "morale", "--theme", "Support", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "would tag 2 passages with \"Support\" (1 already coded with it)") || !strings.Contains(stdout, "left out 2 passages in reference lists") {
		t.Errorf("autocode: exit %d, %s %s", code, stdout, stderr)
	}
	stdout, _, _ = rapport(t, lib, "autocode", "morale", "--theme", "Support", "--dry-run", "--include-references")
	if !strings.Contains(stdout, "would tag 4 passages") {
		t.Errorf("autocode --include-references:\n%s", stdout)
	}
}
