package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// TestExtractWorkersSameResult: pages laid out on several goroutines
// (ExtractOptions.Workers) give the very extraction that one goroutine
// gives, boxes included, for generated articles and the corpus's real
// ones (under -race, it also shows the goroutines share nothing they
// write: fonts, their caches, the fallback font).
func TestExtractWorkersSameResult(t *testing.T) {
	type file struct {
		name string
		data []byte
	}
	var files []file
	for i, a := range pdfgen.HeaderSet(4, 11) {
		files = append(files, file{name: "generated " + string(rune('a'+i)), data: a.Doc().Bytes()})
	}
	if dir := findCorpus(); dir != "" {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		if testing.Short() && len(paths) > 2 {
			paths = paths[:2]
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, file{name: filepath.Base(p), data: data})
		}
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			for _, boxes := range []bool{false, true} {
				one, err := ExtractPDFWith(context.Background(), f.data, ExtractOptions{Boxes: boxes, Engine: EngineNative})
				if err != nil {
					t.Fatal(err)
				}
				for _, workers := range []int{2, 3} {
					many, err := ExtractPDFWith(context.Background(), f.data, ExtractOptions{Boxes: boxes, Engine: EngineNative, Workers: workers})
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(one, many) {
						t.Errorf("boxes %v, %d workers: the extraction differs from one worker's", boxes, workers)
					}
				}
			}
		})
	}
}

// TestLayoutPagesFirstFailure: with several workers, the error is the one
// a page-by-page layout meets first (here: the context ended before any
// page), and no layouts come back.
func TestLayoutPagesFirstFailure(t *testing.T) {
	rd, err := openPDF(pdfgen.HeaderSet(1, 3)[0].Doc().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	pages := allPages(rd, rd.NumPage())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, workers := range []int{1, 2, 4} {
		lays, err := layoutPages(ctx, pages, false, workers)
		if !errors.Is(err, context.Canceled) || lays != nil {
			t.Errorf("%d workers: %d layouts, error %v; want none and context.Canceled", workers, len(lays), err)
		}
	}
}

// TestEachPageFirstPanic: a panic comes back in the calling goroutine,
// the first page's that panicked, after every page before it was done;
// a page that stops the work stops it after the pages before it, and a
// later page's panic then does not come back.
func TestEachPageFirstPanic(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		var done [10]atomic.Bool
		func() {
			defer func() {
				if r := recover(); r != "page 4" {
					t.Errorf("%d workers: recovered %v, want page 4", workers, r)
				}
			}()
			eachPage(10, workers, func() func(i int) bool {
				return func(i int) bool {
					if i == 4 || i == 7 {
						panic(fmt.Sprintf("page %d", i))
					}
					done[i].Store(true)
					return false
				}
			})
		}()
		for i := range 4 {
			if !done[i].Load() {
				t.Errorf("%d workers: page %d not done before the panic", workers, i+1)
			}
		}
		var stoppedDone [10]atomic.Bool
		eachPage(10, workers, func() func(i int) bool {
			return func(i int) bool {
				stoppedDone[i].Store(true)
				return i == 5
			}
		})
		for i := range 6 {
			if !stoppedDone[i].Load() {
				t.Errorf("%d workers: page %d not done before the stop", workers, i)
			}
		}
		// A page that stops the work before one that panics: no panic, as
		// one page after the other.
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%d workers: panic %v after page 3 stopped the work", workers, r)
				}
			}()
			eachPage(10, workers, func() func(i int) bool {
				return func(i int) bool {
					if i == 4 {
						panic("page 4")
					}
					return i == 3
				}
			})
		}()
		if workers == 1 && stoppedDone[6].Load() {
			t.Errorf("one worker: page 6 begun after page 5 stopped the work")
		}
	}
}
