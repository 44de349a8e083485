package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A rebuild cancelled part way leaves the index it was replacing in use:
// nothing rebuilt again when the library is next searched, every document
// still found, the documents that were waiting to be indexed (here one
// whose title changed) caught up into it.
func TestReindexCancelledKeepsTheOldIndex(t *testing.T) {
	defer func(n int) { indexPendingDocs = n }(indexPendingDocs)
	indexPendingDocs = 2 // a rebuild of several steps out of five documents

	ctx := context.Background()
	src := t.TempDir()
	for i := range 5 {
		text := fmt.Sprintf("Note %d on mutual trust, with the word qvorm%d.", i, i)
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("note%d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "lib")
	var notices []string
	lib, err := Open(ctx, dir, &Options{Notice: func(msg string) { notices = append(notices, msg) }})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	rep, err := lib.Import(ctx, []string{src}, nil)
	if err != nil || len(rep.Imported) != 5 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	// A document waiting to be indexed when the rebuild starts.
	waiting := rep.Imported[0].ID
	if _, err := lib.db.Exec("UPDATE documents SET title = 'Blorptitle', indexed = 0 WHERE id = ?", waiting); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	steps := 0
	err = lib.Reindex(cctx, func(done, total int) {
		steps++
		cancel() // after the first step: some documents are in the new index
	})
	cancel()
	if !errors.Is(err, context.Canceled) || steps != 1 {
		t.Fatalf("cancelled reindex: err %v after %d steps, want context.Canceled after 1", err, steps)
	}
	if _, err := os.Stat(filepath.Join(dir, IndexDir+tmpSuffix)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the new index was left beside the old one: %v", err)
	}
	if lib.rebuildInterrupted(ctx) {
		t.Error("the rebuild marker stands: the next open would rebuild the index")
	}
	// Only the document that was waiting is to be indexed again: the
	// others are in the old index as they were (at 100,000 articles,
	// catching up every document is a rebuild in all but name).
	var unindexed []int64
	rows, err := lib.db.Query("SELECT id FROM documents WHERE indexed = 0 ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		unindexed = append(unindexed, id)
	}
	rows.Close()
	if len(unindexed) != 1 || unindexed[0] != waiting {
		t.Errorf("after the cancelled reindex, documents %v are to be indexed again, want only %d", unindexed, waiting)
	}

	for i := range 5 {
		res, err := lib.Search(ctx, SearchRequest{Query: fmt.Sprintf("qvorm%d", i)})
		if err != nil || res.Total != 1 {
			t.Errorf("after the cancelled reindex, qvorm%d: %+v %v", i, res, err)
		}
	}
	if res, err := lib.Search(ctx, SearchRequest{Query: "blorptitle"}); err != nil || res.Total != 1 || res.Hits[0].DocID != waiting {
		t.Errorf("the document waiting to be indexed was not caught up: %+v %v", res, err)
	}
	if len(notices) > 0 {
		t.Errorf("the index was rebuilt after the cancelled reindex: %q", notices)
	}

	// Once not cancelled, it finishes.
	if err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if res, err := lib.Search(ctx, SearchRequest{Query: fmt.Sprintf("qvorm%d", i)}); err != nil || res.Total != 1 {
			t.Errorf("after the reindex, qvorm%d: %+v %v", i, res, err)
		}
	}
}
