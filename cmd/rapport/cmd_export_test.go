package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/index"
)

// codedLibrary imports a generated article through the CLI and codes two
// passages through the library API.
func codedLibrary(t *testing.T) string {
	t.Helper()
	lib := filepath.Join(t.TempDir(), "lib")
	src := t.TempDir()
	writeArticle(t, src, "article.pdf", "Relationships in supported employment", "wombat", 2)
	if _, errs, code := rapport(t, lib, "import", src); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	ctx := context.Background()
	l, err := index.Open(ctx, lib, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, th := range []index.Theme{{Name: "CLI parent", Color: "#123456"}, {Name: "CLI child", Parent: "CLI parent", Color: "#654321"}} {
		if _, err := l.AddTheme(ctx, th); err != nil {
			t.Fatal(err)
		}
	}
	for _, tag := range []index.TagRequest{
		{DocID: 1, Page: 1, Quote: "wombatb", Themes: []string{"CLI parent"}, Note: "A <note> & more"},
		{DocID: 1, Page: 2, Quote: "helpful relationships", Themes: []string{"CLI child"}},
	} {
		if _, err := l.Tag(ctx, tag); err != nil {
			t.Fatal(err)
		}
	}
	return lib
}

func TestExportCommand(t *testing.T) {
	lib := codedLibrary(t)
	out := t.TempDir()

	md := filepath.Join(out, "excerpts.md")
	os.WriteFile(md, []byte("stale"), 0o644)
	if _, errs, code := rapport(t, lib, "export", "-o", md); code != 0 {
		t.Fatalf("export md: %s", errs)
	}
	b, _ := os.ReadFile(md)
	for _, want := range []string{"## CLI parent", "### CLI child", "> wombatb", "**Note:** A \\<note\\> & more", "n.d., p. 2)"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, b)
		}
	}

	stdout, errs, code := rapport(t, lib, "export", "--format", "csv", "-o", "-", "--theme", "cli child", "--bom")
	if code != 0 || !strings.HasPrefix(stdout, "\uFEFFtheme,quote,") || strings.Count(stdout, "\r\n") != 2 || !strings.Contains(stdout, "CLI child,helpful relationships") {
		t.Errorf("csv to stdout (code %d, %s):\n%q", code, errs, stdout)
	}

	if _, errs, code := rapport(t, lib, "export", "--format", "qdpx", "-o", "-"); code != exitUsage {
		t.Errorf("qdpx to stdout: code %d, %s", code, errs)
	}
	if _, _, code := rapport(t, lib, "export", "--format", "pdf", "-o", filepath.Join(out, "x.pdf")); code != exitUsage {
		t.Errorf("unknown format: code %d", code)
	}
	if _, errs, code := rapport(t, lib, "export", "-o", filepath.Join(out, "x.md"), "--theme", "No such"); code != exitFail || !strings.Contains(errs, "No such") {
		t.Errorf("unknown theme: code %d, %s", code, errs)
	}

	qdpx := filepath.Join(out, "project.qdpx")
	var summary map[string]any
	if code := rapportJSON(t, lib, &summary, "export", "-o", qdpx); code != 0 || summary["excerpts"] != float64(2) {
		t.Fatalf("export qdpx: code %d, %v", code, summary)
	}
	qdc := filepath.Join(out, "codebook.qdc")
	if _, errs, code := rapport(t, lib, "export", "-o", qdc, "--theme", "CLI parent"); code != 0 {
		t.Fatalf("export qdc: %s", errs)
	}
	if m, _ := filepath.Glob(filepath.Join(out, ".*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}

	fresh := filepath.Join(t.TempDir(), "fresh")
	_, errs, code = rapport(t, fresh, "import", qdpx)
	if code != 0 || !strings.Contains(errs, "2 annotations added") || strings.Contains(errs, "not mapped") {
		t.Errorf("import qdpx: code %d\n%s", code, errs)
	}
	var docs []map[string]any
	rapportJSON(t, fresh, &docs, "docs")
	if len(docs) != 1 || docs[0]["annotations"] != float64(2) || docs[0]["title"] != "Relationships in supported employment" {
		t.Errorf("docs after import: %v", docs)
	}
	other := filepath.Join(t.TempDir(), "other")
	if _, errs, code := rapport(t, other, "import", qdc); code != 0 || !strings.Contains(errs, "2 themes added") {
		t.Errorf("import qdc: code %d\n%s", code, errs)
	}
}
