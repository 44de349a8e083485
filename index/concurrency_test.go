package index

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestSearchAndTagDuringImport searches and tags from other goroutines
// while an import runs (as the window does): nothing fails, every tag is
// kept, and afterwards the library passes check and finds everything.
// Run under go test -race in CI.
func TestSearchAndTagDuringImport(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	l := openTestLibrary(t, filepath.Join(tmp, "lib"))
	first := mustImport(t, l, writeArticles(t, filepath.Join(tmp, "a"), 1, 3)...)
	themes, err := l.Themes(ctx)
	if err != nil || len(themes) < 2 {
		t.Fatalf("codebook: %v", err)
	}
	type target struct {
		doc   int64
		page  int
		words []string
	}
	var targets []target
	for _, it := range first.Imported {
		pages, err := l.Pages(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			targets = append(targets, target{it.ID, p.Number, strings.Fields(p.Text)})
		}
	}
	more := writeArticles(t, filepath.Join(tmp, "b"), 100, 40)

	var wg sync.WaitGroup
	importDone := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(importDone)
		rep, err := l.Import(ctx, more, &ImportOptions{Workers: 2})
		if err != nil {
			t.Errorf("import: %v", err)
		} else if len(rep.Imported) != len(more) {
			t.Errorf("import: %d of %d imported, failed %v", len(rep.Imported), len(more), rep.Failed)
		}
	}()
	var mu sync.Mutex
	tagged := map[int64]Annotation{}
	searches := 0
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-importDone:
					if i > 0 {
						return
					}
				default:
				}
				if w == 0 {
					if _, err := l.Search(ctx, SearchRequest{Query: "care trust", Facets: true}); err != nil {
						t.Errorf("search during import: %v", err)
						return
					}
					mu.Lock()
					searches++
					mu.Unlock()
					continue
				}
				tg := targets[i%len(targets)]
				n := 1 + i%5
				a, err := l.Tag(ctx, TagRequest{DocID: tg.doc, Page: tg.page, Quote: strings.Join(tg.words[len(tg.words)-n:], " "),
					Themes: []string{themes[i%len(themes)].Name}, Note: fmt.Sprintf("during import %d", i)})
				if err != nil {
					t.Errorf("tag during import: %v", err)
					return
				}
				mu.Lock()
				tagged[a.ID] = a
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	t.Logf("%d searches and %d tags during the import", searches, len(tagged))
	if len(tagged) == 0 || searches == 0 {
		t.Fatal("nothing ran beside the import")
	}
	for id, want := range tagged {
		a, err := l.Annotation(ctx, id)
		if err != nil || a.Quote != want.Quote || a.Note != want.Note {
			t.Errorf("annotation %d made during the import: %+v, %v", id, a, err)
		}
	}
	rep, err := l.Check(ctx, CheckOptions{VerifyFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Errorf("check after concurrent work: %v", rep.Problems)
	}
	for _, seed := range []int{100, 120, 139} {
		res, err := l.Search(ctx, SearchRequest{Query: fmt.Sprintf("marker%dp1", seed)})
		if err != nil || res.Total != 1 {
			t.Errorf("article %d after the import: %v %v", seed, res, err)
		}
	}
	res, err := l.Search(ctx, SearchRequest{Themes: []string{themes[0].Name}})
	if err != nil || res.Total == 0 {
		t.Errorf("theme filter after tagging during the import: %v %v", res, err)
	}
}
