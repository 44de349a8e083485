package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// A damaged index.bleve makes Bleve panic (out-of-range reads in a segment)
// rather than return an error. The index is derived data, so a panic while
// reading it is caught here and answered with a rebuild from SQLite; it
// must never take the app down.

// guardIndex runs fn, turning a panic inside Bleve into an error wrapping
// ErrIndexDamaged.
func guardIndex(what string, fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: %w (%v)", what, ErrIndexDamaged, p)
		}
	}()
	return fn()
}

// probeIndex reads what opening does not: the entry count and one hit,
// which touch every segment.
func probeIndex(idx bleve.Index) error {
	return guardIndex("read search index", func() error {
		if _, err := idx.DocCount(); err != nil {
			return err
		}
		_, err := idx.Search(bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false))
		return err
	})
}

// dropDamagedIndex closes and deletes an index found damaged while in use,
// so that the next use rebuilds it from SQLite, and tells the user.
func (l *Library) dropDamagedIndex(damaged bleve.Index, cause error) {
	l.idxMu.Lock()
	defer l.idxMu.Unlock()
	if l.idx != damaged {
		return // already dropped or rebuilt
	}
	guardIndex("close search index", func() error { return l.idx.Close() })
	l.idx = nil
	if l.readOnly {
		return // the process holding the library rebuilds it
	}
	path := filepath.Join(l.dir, IndexDir)
	os.RemoveAll(path)
	l.notify(fmt.Sprintf("The search index of %s is damaged (%v); rebuilding it from the library database.", l.dir, cause))
}

// searchGuarded runs a search; when the index turns out damaged it is
// rebuilt and the search run once more.
func (l *Library) searchGuarded(ctx context.Context, idx bleve.Index, sr *bleve.SearchRequest) (*bleve.SearchResult, error) {
	var res *bleve.SearchResult
	err := guardIndex("search", func() error {
		var err error
		resetFacetCounting(ctx)
		res, err = idx.SearchInContext(ctx, sr)
		return err
	})
	if err == nil || !isIndexDamaged(err) {
		return res, err
	}
	l.dropDamagedIndex(idx, err)
	idx, err = l.searchIndex(ctx)
	if err != nil {
		return nil, err
	}
	err = guardIndex("search", func() error {
		var err error
		resetFacetCounting(ctx)
		res, err = idx.SearchInContext(ctx, sr)
		return err
	})
	return res, err
}

func isIndexDamaged(err error) bool {
	for e := err; e != nil; {
		if e == ErrIndexDamaged {
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// expectedEntriesQuery counts the entries the search index must hold: a
// page per page of every indexed document (one for a document without
// pages). It runs on every open of the index, so it reads the index
// documents_indexed_pages (schema 11), not the documents table.
const expectedEntriesQuery = "SELECT COALESCE(SUM(MAX(page_count, 1)), 0) FROM documents WHERE indexed = 1"

// indexShortfall says why an opened index cannot be trusted when it holds
// fewer entries than the documents SQLite marks indexed, or "".
func (l *Library) indexShortfall(ctx context.Context, idx bleve.Index) string {
	var n uint64
	if err := guardIndex("count index entries", func() error {
		var err error
		n, err = idx.DocCount()
		return err
	}); err != nil {
		return fmt.Sprintf("is unreadable (%v)", err)
	}
	var want uint64
	if err := l.db.QueryRowContext(ctx, expectedEntriesQuery).Scan(&want); err != nil {
		return ""
	}
	if n < want {
		return fmt.Sprintf("has lost entries (it holds %d, the library's indexed documents need %d)", n, want)
	}
	return ""
}

// rebuildMarker, in the settings table, says a rebuild of the index began
// and has not been swapped in yet. A rebuild marks documents indexed as it
// writes them into the new index; if it stops before the swap, those marks
// describe an index that was thrown away, and the old one may be stale for
// them. A rebuild that is cancelled or fails puts the marks back and lifts
// the marker (restoreIndexState); while the marker stands (the process was
// killed) the old index is not trusted: the next open rebuilds it.
const rebuildMarker = "index_rebuild_started"

func (l *Library) setRebuildMarker(ctx context.Context, on bool) error {
	var err error
	if on {
		_, err = l.db.ExecContext(ctx, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", rebuildMarker, now())
	} else {
		_, err = l.db.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", rebuildMarker)
	}
	return err
}

func (l *Library) rebuildInterrupted(ctx context.Context) bool {
	var at string
	return l.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", rebuildMarker).Scan(&at) == nil
}
