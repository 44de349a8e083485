package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// TestSixHundredPageBookSearchableOnLastPage: nothing caps what is indexed
// (Zotero stops at 100 pages by default) — a word only on page 600 of a
// 600-page PDF is found there.
func TestSixHundredPageBookSearchableOnLastPage(t *testing.T) {
	if testing.Short() {
		t.Skip("600-page PDF: skipped with -short")
	}
	const pages = 600
	art := pdfgen.Article{Title: "A very long book on recovery", Author: "A. Tester", Columns: 1}
	for p := 1; p <= pages; p++ {
		text := fmt.Sprintf("Chapter text of page %d about trust and professional support in recovery.", p)
		switch p {
		case pages:
			text += " The closing word quokkalantern is printed here only."
		case 100:
			text += " Page one hundred carries hundredmarker."
		}
		art.Pages = append(art.Pages, []string{text})
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "book.pdf")
	if err := os.WriteFile(file, art.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := newTestLibrary(t)
	ctx := context.Background()
	rep, err := lib.Import(ctx, []string{file}, nil)
	if err != nil || len(rep.Imported) != 1 || len(rep.Failed) > 0 {
		t.Fatalf("import: %v, %+v", err, rep)
	}
	if got := rep.Imported[0].Pages; got != pages {
		t.Fatalf("imported %d pages, want %d", got, pages)
	}
	for _, c := range []struct {
		word string
		page int
	}{{"quokkalantern", pages}, {"hundredmarker", 100}} {
		res, err := lib.Search(ctx, SearchRequest{Query: c.word})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Page != c.page {
			t.Fatalf("search %q: %d hits %+v, want page %d only", c.word, res.Total, res.Hits, c.page)
		}
		if res.Hits[0].Snippet == "" {
			t.Errorf("search %q: no snippet", c.word)
		}
	}
	// Removed and brought back whole: all 600 pages, found again on the last.
	start := time.Now()
	if _, err := lib.RemoveDocuments(ctx, []int64{rep.Imported[0].ID}); err != nil {
		t.Fatal(err)
	}
	removed := time.Since(start)
	if res, _ := lib.Search(ctx, SearchRequest{Query: "quokkalantern"}); res.Total != 0 {
		t.Fatalf("after removal: %d hits", res.Total)
	}
	start = time.Now()
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("remove %v, undo %v (600 pages)", removed, time.Since(start))
	if res, _ := lib.Search(ctx, SearchRequest{Query: "quokkalantern"}); res.Total != 1 || res.Hits[0].Page != pages {
		t.Fatalf("after undo: %+v", res)
	}
}
