package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/index"
)

func TestExportWritesTheChosenFormat(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	u, _ := newTestUI(t, lib)
	doc := openFirstArticle(t, u, lib)
	th := u.sidebar.themes
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc.ID, Quote: "Trust grows slowly.", Themes: []string{th[1].Name}}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc.ID, Page: 2, Quote: "Professionals transgress boundaries sometimes.", Themes: []string{th[2].Name}}); err != nil {
		t.Fatal(err)
	}
	u.ShowExport() // the dialog opens with the formats
	dir := t.TempDir()
	md := filepath.Join(dir, "out.md")
	u.runExport(exportRequest{format: export.Markdown, themes: []string{th[1].Name}}, md)
	csv := filepath.Join(dir, "out.csv")
	u.runExport(exportRequest{format: export.CSV, bom: true}, csv)
	u.Wait()
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Trust grows slowly.") || strings.Contains(string(b), "transgress") {
		t.Errorf("markdown filtered by %q:\n%s", th[1].Name, b)
	}
	c, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(c), "\ufeff") || !strings.Contains(string(c), "transgress") || !strings.Contains(string(c), "Trust grows") {
		t.Errorf("csv:\n%s", c)
	}
}
