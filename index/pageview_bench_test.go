package index

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// BenchmarkPageTurn measures the page view's page turn: from the turn to
// everything the page view draws — the page rendered by PDFium (through
// the window's PageRenderer), its highlights and its characters' boxes —
// over 50 turns, one page at a time, through the corpus articles
// (../shared/corpus, else generated articles), each page coded with two
// themes and an area. The engine is warm (started before); a document's
// first page, which also reads its boxes, is a document opening and is
// counted apart. Run it alone:
//
//	go test ./index -run '^$' -bench PageTurn -benchtime 1x
//
// It reports, per scenario, p50 and p95 in milliseconds:
//   - cold: every page drawn afresh (nothing cached, nothing drawn ahead);
//   - read: the window's way — after a page is shown the next one is drawn
//     ahead while the reader reads (pause), so that the turn finds it;
//
// and the process's resident memory after the 50 turns and at its peak.
func BenchmarkPageTurn(b *testing.B) {
	ctx := context.Background()
	lib, err := Open(ctx, filepath.Join(b.TempDir(), "lib"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	docs := benchPageViewLibrary(b, lib)
	if _, err := pdfium.Get(ctx); err != nil {
		b.Fatal(err)
	}
	const dpi = 96 // a letter page 816 px wide: one screen page at 1200x800 and scale 1
	pause := 400 * time.Millisecond
	if s := os.Getenv("RAPPORT_BENCH_PAUSE"); s != "" {
		if d, err := time.ParseDuration(s); err == nil {
			pause = d
		}
	}
	// the turns: page after page through the documents
	type turn struct {
		doc  int64
		page int
	}
	var turns []turn
	for len(turns) < 51 {
		for _, d := range docs {
			for p := 1; p <= d.PageCount && len(turns) < 51; p++ {
				turns = append(turns, turn{d.ID, p})
			}
		}
	}
	show := func(r *PageRenderer, t turn) error {
		if _, err := r.Render(ctx, t.doc, t.page, dpi); err != nil {
			return err
		}
		if _, err := lib.PageHighlights(ctx, t.doc, t.page); err != nil {
			return err
		}
		_, err := lib.PageBoxes(ctx, t.doc, t.page)
		return err
	}
	for i := 0; i < b.N; i++ {
		for _, scenario := range []string{"cold", "read"} {
			r := lib.NewPageRenderer(64 << 20)
			var times, opens []float64
			for k, t := range turns {
				if scenario == "cold" {
					r.Clear()
				}
				t0 := time.Now()
				if err := show(r, t); err != nil {
					b.Fatalf("%s: document %d page %d: %v", scenario, t.doc, t.page, err)
				}
				ms := float64(time.Since(t0).Microseconds()) / 1000
				if t.page == 1 {
					opens = append(opens, ms)
				} else {
					times = append(times, ms)
				}
				if scenario == "read" && k+1 < len(turns) {
					next := turns[k+1]
					go r.Prefetch(ctx, next.doc, next.page, dpi)
					time.Sleep(pause)
				}
			}
			r.Close()
			runtime.GC()
			rss, peak := procMemoryMB()
			n, _ := r.Stats()
			b.ReportMetric(percentile(times, 50), scenario+"-p50-ms")
			b.ReportMetric(percentile(times, 95), scenario+"-p95-ms")
			b.ReportMetric(percentile(opens, 50), scenario+"-open-p50-ms")
			b.ReportMetric(rss, scenario+"-rss-MB")
			b.ReportMetric(peak, "peak-rss-MB")
			b.Logf("%s: %d turns, p50 %.1f ms, p95 %.1f ms, max %.1f ms; %d document openings (p50 %.1f ms); RSS %.0f MB (peak %.0f MB); cache emptied at close (%d pages)",
				scenario, len(times), percentile(times, 50), percentile(times, 95), percentile(times, 100), len(opens), percentile(opens, 50), rss, peak, n)
		}
	}
}

// benchPageViewLibrary imports the corpus articles (or, without the
// corpus, ten generated ten-page articles) and codes every page with two
// passages of two themes and an area.
func benchPageViewLibrary(b *testing.B, lib *Library) []Document {
	ctx := context.Background()
	var paths []string
	if dir := sharedCorpus(); dir != "" {
		paths, _ = filepath.Glob(filepath.Join(dir, "*.pdf"))
		sort.Strings(paths)
	}
	if len(paths) == 0 {
		src := b.TempDir()
		for i := 0; i < 10; i++ {
			a := pdfgen.Article{Title: fmt.Sprintf("Generated article %d", i+1), Columns: 2}
			for p := 0; p < 10; p++ {
				a.Pages = append(a.Pages, []string{strings.Repeat(fmt.Sprintf("Paragraph %d of page %d speaks of trust and of time spent together. ", p, p+1), 12)})
			}
			path := filepath.Join(src, fmt.Sprintf("a%02d.pdf", i))
			if err := os.WriteFile(path, a.Doc().Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
			paths = append(paths, path)
		}
	}
	rep, err := lib.Import(ctx, paths, nil)
	if err != nil || len(rep.Imported) == 0 {
		b.Fatalf("import: %v %+v", err, rep)
	}
	docs, err := lib.Documents(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range docs {
		for p := 1; p <= d.PageCount; p++ {
			pg, err := lib.PageText(ctx, d.ID, p)
			if err != nil {
				b.Fatal(err)
			}
			text := []rune(pg.Text)
			if len(text) > 400 {
				lib.Tag(ctx, TagRequest{DocID: d.ID, Page: p, Start: 50, End: 200, Themes: []string{"Trust", "Collaboration"}})
				lib.Tag(ctx, TagRequest{DocID: d.ID, Page: p, Start: 250, End: 400, Themes: []string{"Spending time together"}})
			}
			lib.Tag(ctx, TagRequest{DocID: d.ID, Page: p, Rect: &Rect{X1: 100, Y1: 300, X2: 400, Y2: 500}, Themes: []string{"Trust"}})
		}
	}
	return docs
}

// sharedCorpus finds the corpus: $RAPPORT_SHARED/corpus, ../shared/corpus
// beside the checkout, or /work/shared/corpus; "" when absent.
func sharedCorpus() string {
	var dirs []string
	if s := os.Getenv("RAPPORT_SHARED"); s != "" {
		dirs = append(dirs, filepath.Join(s, "corpus"))
	}
	dirs = append(dirs, filepath.Join("..", "..", "shared", "corpus"), "/work/shared/corpus")
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return ""
}

// percentile returns the p-th percentile (nearest rank) of xs.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// procMemoryMB reads the process's resident memory and its peak (Linux;
// 0 elsewhere).
func procMemoryMB() (rss, peak float64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak
}
