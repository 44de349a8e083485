package app

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rapport-qda/rapport/index"
)

// BenchmarkReaderPageTurn turns the pages of the corpus articles in the
// reader's page view on the headless driver (the window's own work: the
// page's text and annotations loaded, the page drawn or taken from the
// cache, the widgets updated; no painting), one page at a time with the
// next page drawn ahead meanwhile, and reports p50/p95 per turn.
//
//	go test ./app -run '^$' -bench ReaderPageTurn -benchtime 1x
func BenchmarkReaderPageTurn(b *testing.B) {
	corpus := "/work/shared/corpus"
	if s := os.Getenv("RAPPORT_SHARED"); s != "" {
		corpus = filepath.Join(s, "corpus")
	}
	paths, _ := filepath.Glob(filepath.Join(corpus, "*.pdf"))
	if len(paths) == 0 {
		b.Skip("no corpus")
	}
	ctx := context.Background()
	lib, err := index.Open(ctx, b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	if _, err := lib.Import(ctx, paths, nil); err != nil {
		b.Fatal(err)
	}
	docs, _ := lib.Documents(ctx)
	for _, d := range docs {
		for p := 1; p <= d.PageCount; p++ {
			lib.Tag(ctx, index.TagRequest{DocID: d.ID, Page: p, Start: 200, End: 400, Themes: []string{"Trust"}})
			lib.Tag(ctx, index.TagRequest{DocID: d.ID, Page: p, Start: 350, End: 600, Themes: []string{"Collaboration", "Support"}})
			lib.Tag(ctx, index.TagRequest{DocID: d.ID, Page: p, Rect: &index.Rect{X1: 60, Y1: 450, X2: 300, Y2: 650}, Themes: []string{"Access to resources"}})
		}
	}
	lib.WaitForIndex(ctx)
	a := test.NewTempApp(b)
	a.Preferences().SetBool(prefWelcomed, true)
	w := a.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1200, 800))
	u := buildHeadless(a, w, lib)
	defer u.Close()
	u.Wait()
	for i := 0; i < b.N; i++ {
		var times []float64
		for _, d := range docs {
			u.reader.setPageMode(true)
			u.OpenDocument(d.ID, 1, "")
			u.Wait()
			for p := 2; p <= d.PageCount; p++ {
				time.Sleep(300 * time.Millisecond) // reading: the next page is drawn ahead
				t0 := time.Now()
				u.reader.showPage(p)
				u.Wait()
				times = append(times, float64(time.Since(t0).Microseconds())/1000)
			}
		}
		if f := os.Getenv("RAPPORT_BENCH_HEAP"); f != "" {
			runtime.GC()
			if out, err := os.Create(f); err == nil {
				pprof.WriteHeapProfile(out)
				out.Close()
			}
		}
		sort.Float64s(times)
		b.ReportMetric(times[len(times)/2], "p50-ms")
		b.ReportMetric(times[int(float64(len(times))*0.95)], "p95-ms")
		b.Logf("%d turns: p50 %.1f ms, p95 %.1f ms, max %.1f ms", len(times), times[len(times)/2], times[int(float64(len(times))*0.95)], times[len(times)-1])
	}
}
