package index

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentCoding tags, notes and edits themes from several goroutines
// at once (as a window and a background job may): every call that
// returned is in the library, once, and the index agrees.
func TestConcurrentCoding(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	const workers, each = 4, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	ids := make(chan int64, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				q := killQuotes[(w+i)%len(killQuotes)]
				a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: q.quote, Page: q.page, Themes: []string{killThemes[w%len(killThemes)]}})
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
	if len(seen) != workers*each || countRows(t, lib, "annotations") != workers*each || countRows(t, lib, "doc_notes") != workers*each {
		t.Fatalf("%d ids, %d annotations, %d notes", len(seen), countRows(t, lib, "annotations"), countRows(t, lib, "doc_notes"))
	}
	if n := countRows(t, lib, "history"); n != 2*workers*each+workers {
		t.Errorf("%d history steps, want %d", n, 2*workers*each+workers)
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
