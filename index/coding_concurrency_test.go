package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentCoding tags, notes and edits themes from several goroutines
// at once (as a window and a background job may): every call that
// returned is in the library, once, and the index agrees; a passage tagged
// with a theme it already has is refused however the calls interleave, so
// no two annotations code one passage with one theme.
func TestConcurrentCoding(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	const workers, each = 4, 8
	var wg sync.WaitGroup
	var refused atomic.Int64
	errs := make(chan error, workers*each*2)
	ids := make(chan int64, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				q := killQuotes[(w+i)%len(killQuotes)]
				a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: q.quote, Page: q.page, Themes: []string{killThemes[w%len(killThemes)]}})
				if errors.Is(err, ErrAlreadyCoded) {
					refused.Add(1)
					continue
				}
				if err != nil {
					errs <- err
					continue
				}
				ids <- a.ID
				if _, err := lib.AddDocNote(ctx, doc, fmt.Sprintf("note %d-%d", w, i), ""); err != nil {
					errs <- err
				}
			}
			c := fmt.Sprintf("#%02X%02X%02X", 16*w, 32, 64)
			if _, err := lib.UpdateTheme(ctx, killThemes[w%len(killThemes)], ThemeUpdate{Color: &c}); err != nil {
				errs <- err
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("annotation id %d returned twice", id)
		}
		seen[id] = true
		a, err := lib.Annotation(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		checkAnchored(t, lib, a)
	}
	tagged := len(seen)
	if tagged+int(refused.Load()) != workers*each || countRows(t, lib, "annotations") != tagged || countRows(t, lib, "doc_notes") != tagged {
		t.Fatalf("%d ids, %d refused, %d annotations, %d notes", tagged, refused.Load(), countRows(t, lib, "annotations"), countRows(t, lib, "doc_notes"))
	}
	// Each (passage, theme) pair the workers tag is coded exactly once.
	var pairs int
	lib.db.QueryRow("SELECT COUNT(*) FROM (SELECT DISTINCT a.page, a.start, a.end, at.theme_id FROM annotations a JOIN annotation_themes at ON at.annotation_id = a.id)").Scan(&pairs)
	if pairs != tagged {
		t.Errorf("%d annotations code %d distinct (passage, theme) pairs", tagged, pairs)
	}
	if n := countRows(t, lib, "history"); n != 2*tagged+workers {
		t.Errorf("%d history steps, want %d", n, 2*tagged+workers)
	}
	if n := searchTotal(t, lib, SearchRequest{AnnotatedOnly: true}); n != 2 {
		t.Errorf("annotated pages in the index: %d", n)
	}
	rep, err := lib.Check(ctx, CheckOptions{})
	if err != nil || !rep.OK {
		t.Fatalf("check: %+v %v", rep, err)
	}
	if problems, err := lib.CheckCoding(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check coding: %v %v", problems, err)
	}
}
