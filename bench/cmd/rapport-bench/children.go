package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rapport-qda/rapport/bench"
	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/gctune"
)

// searchGCPercent is the collector's goal in the search step (childSearch).
const searchGCPercent = 400

// extractOut is what the extract child reports.
type extractOut struct {
	Files     int   `json:"files"`
	Pages     int   `json:"pages"`
	Failed    int   `json:"failed"`
	TextBytes int64 `json:"text_bytes"`
}

// childExtract extracts every PDF under -dir with Rapport's extractor on
// -workers goroutines, keeping nothing.
func childExtract(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder of PDFs")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	files := pdfFiles(*dir)
	var next atomic.Int64
	var out extractOut
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) || ctx.Err() != nil {
					return
				}
				ex, err := importer.ExtractPDFFile(ctx, files[i])
				mu.Lock()
				out.Files++
				if err != nil {
					out.Failed++
				} else {
					out.Pages += len(ex.Pages)
					for _, p := range ex.Pages {
						out.TextBytes += int64(len(p.Text) + len(p.Header))
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return json.NewEncoder(os.Stdout).Encode(out)
}

func pdfFiles(dir string) []string {
	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".pdf") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files
}

// importReport is the part of `rapport import --json` the bench reads.
type importReport struct {
	Imported []json.RawMessage `json:"imported"`
	Updated  []json.RawMessage `json:"updated"`
	Failed   []struct {
		File  string `json:"file"`
		Error string `json:"error"`
	} `json:"failed"`
}

// prepareOut is what the prepare child reports.
type prepareOut struct {
	Themes []string `json:"themes"` // themes coded on some passages
	Notes  []string `json:"notes"`
}

// childPrepare readies an imported library for the search step: it fills
// metadata the import did not (when no metadata reader is there yet), and
// codes passages with themes where the library can (see annotate).
func childPrepare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ContinueOnError)
	libDir := fs.String("lib", "", "library folder")
	manifestPath := fs.String("manifest", "", "corpus manifest.json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var m bench.Manifest
	data, err := os.ReadFile(*manifestPath)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	byDOI := map[string]bench.Article{}
	for _, a := range m.Articles {
		byDOI[strings.ToLower(a.DOI)] = a
	}
	lib, err := index.Open(ctx, *libDir, nil)
	if err != nil {
		return err
	}
	defer lib.Close()
	docs, err := lib.Documents(ctx)
	if err != nil {
		return err
	}
	var out prepareOut
	filled := 0
	start := time.Now()
	for _, d := range docs {
		a, ok := byDOI[strings.ToLower(d.DOI)]
		if !ok || d.Year != 0 {
			continue
		}
		if err := lib.SetMetadataField(ctx, d.ID, "year", strconv.Itoa(a.Year)); err != nil {
			return err
		}
		if err := lib.SetMetadataField(ctx, d.ID, "journal", a.Journal); err != nil {
			return err
		}
		filled++
	}
	if filled > 0 {
		// Index the changed documents now, not during the first query.
		if _, err := lib.Search(ctx, index.SearchRequest{Query: "recovery", Limit: 1}); err != nil {
			return err
		}
		out.Notes = append(out.Notes, fmt.Sprintf("the import left %d documents without a year (no BibTeX reader yet): year and journal set with SetMetadataField from the corpus manifest in %.1fs; author: queries find nothing until authors are imported", filled, time.Since(start).Seconds()))
	}
	themes, note, err := annotate(ctx, lib, docs)
	if err != nil {
		return err
	}
	out.Themes = themes
	if note != "" {
		out.Notes = append(out.Notes, note)
	}
	// Coding 500 passages leaves as many small index updates: let Bleve
	// merge them now, not while the search child measures.
	settle := time.Now()
	lib.WaitForIndex(ctx)
	out.Notes = append(out.Notes, fmt.Sprintf("the search index settled %.1fs after the coding (Library.WaitForIndex)", time.Since(settle).Seconds()))
	return json.NewEncoder(os.Stdout).Encode(out)
}

// searchOut is what the search child reports.
type searchOut struct {
	Count  int     `json:"count"`
	TotalS float64 `json:"total_s"`
	P50    float64 `json:"p50_ms"`
	P95    float64 `json:"p95_ms"`
	P99    float64 `json:"p99_ms"`
	// CPU time of the process per query, all threads (GC included): the
	// work a query costs, without the wait for a CPU.
	CPUP50 float64 `json:"cpu_p50_ms"`
	CPUP95 float64 `json:"cpu_p95_ms"`
	CPUP99 float64 `json:"cpu_p99_ms"`
	Note   string  `json:"note"`
}

// childSearch runs the query set in-process against the library: once to
// warm up, then -rounds times measured.
//
// The collector is set as in the window, whose searches this measures:
// its soft memory limit (gctune.ForWindow), and a goal that lets a few
// searches' garbage gather between collections. This process holds about
// 1 MB of live heap, the window about 40 MB (with its widgets, themes and
// caches: GODEBUG=gctrace=1 on the 10,000-article library), so at Go's
// default the harness collected before nearly every search (4 MB minimum
// goal, a search allocating about 1 MB: 212 collections in 300 searches
// on 100,000 articles) where the window collects once in some 40; each
// collection also empties the sync.Pools Bleve's search reuses. At
// searchGCPercent the harness collects about once in 16 searches, still
// more often than the window. GOGC in the environment rules (GOGC=100
// measures the old way).
func childSearch(ctx context.Context, args []string) error {
	gctune.ForWindow()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(searchGCPercent)
	}
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	libDir := fs.String("lib", "", "library folder")
	qfile := fs.String("queries", "", "queries JSON")
	rounds := fs.Int("rounds", 5, "measured rounds")
	mode := fs.String("mode", "snippets", "snippets, nosnippets, facets or theme")
	kind := fs.String("kind", "", "only queries of this kind (word, phrase, ...)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured rounds here")
	memprofile := fs.String("memprofile", "", "write a profile of the measured rounds' allocations here")
	perQuery := fs.String("per-query", "", "write each query's median latency (ms), kind and text here, slowest first (TSV)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var queries []bench.Query
	data, err := os.ReadFile(*qfile)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &queries); err != nil {
		return err
	}
	openStart := time.Now()
	lib, err := index.Open(ctx, *libDir, nil)
	if err != nil {
		return err
	}
	defer lib.Close()
	if _, err := lib.Search(ctx, index.SearchRequest{Query: "recovery", Limit: 1}); err != nil {
		return err
	}
	openS := time.Since(openStart).Seconds()
	var reqs []index.SearchRequest
	var kinds []string
	for _, q := range queries {
		isTheme := len(q.Themes) > 0
		if (*mode == "theme") != isTheme || *kind != "" && q.Kind != *kind {
			continue
		}
		kinds = append(kinds, q.Kind)
		reqs = append(reqs, index.SearchRequest{Query: q.Bleve, Themes: q.Themes, Limit: 20,
			NoSnippets: *mode == "nosnippets", Facets: *mode == "facets"})
	}
	out := searchOut{}
	if len(reqs) == 0 {
		out.Note = "no queries of this kind (no coded passages)"
		return json.NewEncoder(os.Stdout).Encode(out)
	}
	zero, marked, hits := 0, 0, 0
	var firstMS float64      // the first query after opening: with facets, it reads every segment's facet values
	for i, r := range reqs { // warm-up round, and a look at the results
		t := time.Now()
		res, err := lib.Search(ctx, r)
		if err != nil {
			return fmt.Errorf("query %q: %w", r.Query, err)
		}
		if i == 0 {
			firstMS = float64(time.Since(t).Microseconds()) / 1000
		}
		if res.Total == 0 {
			zero++
		}
		for _, h := range res.Hits {
			hits++
			if strings.Contains(h.Snippet, index.MarkStart) {
				marked++
			}
		}
	}
	var lat []float64
	byKind := map[string][]float64{}
	run0, wait0 := schedStat()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
	}
	start := time.Now()
	// The queries run one at a time as the window runs them (no locked
	// OS thread: locking one made every goroutine hand-off inside a
	// search wake that thread, 10-20% of the latency). The process's CPU
	// time per query is read too: on a shared machine wall latency
	// includes waiting for a CPU, CPU time does not.
	var cpuLat []float64
	var gcBefore runtime.MemStats
	runtime.ReadMemStats(&gcBefore)
	for range *rounds {
		for i, r := range reqs {
			t := time.Now()
			c0 := processCPU()
			if _, err := lib.Search(ctx, r); err != nil {
				return err
			}
			ms := float64(time.Since(t).Microseconds()) / 1000
			cpuLat = append(cpuLat, (processCPU()-c0)*1000)
			lat = append(lat, ms)
			byKind[kinds[i]] = append(byKind[kinds[i]], ms)
		}
	}
	if *perQuery != "" {
		if err := writePerQuery(*perQuery, reqs, kinds, lat, *rounds); err != nil {
			return err
		}
	}
	var perKind []string
	for k, l := range byKind {
		sort.Float64s(l)
		perKind = append(perKind, fmt.Sprintf("%s %.1f/%.1f", k, pct(l, 50), pct(l, 99)))
	}
	sort.Strings(perKind)
	out.TotalS = time.Since(start).Seconds()
	var gcAfter runtime.MemStats
	runtime.ReadMemStats(&gcAfter)
	run1, wait1 := schedStat()
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if *memprofile != "" {
		// Allocations since the start, the warm-up round among them
		// (one round in rounds+1): read it with -sample_index=alloc_space.
		if err := writeHeapProfile(*memprofile); err != nil {
			return err
		}
	}
	out.Count = len(lat)
	sort.Float64s(lat)
	out.P50, out.P95, out.P99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
	sort.Float64s(cpuLat)
	out.CPUP50, out.CPUP95, out.CPUP99 = pct(cpuLat, 50), pct(cpuLat, 95), pct(cpuLat, 99)
	out.Note = fmt.Sprintf("%d queries × %d rounds, limit 20; %d queries without hits; %d hits, %d with a marked snippet; library opened in %.2fs; p50/p99 ms by kind: %s; while measuring, threads ran %.1fs and waited %.1fs for a CPU",
		len(reqs), *rounds, zero, hits, marked, openS, strings.Join(perKind, ", "), run1-run0, wait1-wait0)
	out.Note += fmt.Sprintf("; first query %.1f ms (%q); %d garbage collections while measuring", firstMS, reqs[0].Query, gcAfter.NumGC-gcBefore.NumGC)
	return json.NewEncoder(os.Stdout).Encode(out)
}

// processCPU returns the CPU seconds the process has used, all threads.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// writeHeapProfile writes the heap profile (with every allocation since
// the process started) to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// writePerQuery writes each query's median latency over the rounds, its
// kind and its text, slowest first; lat holds rounds × len(reqs)
// latencies in the order they ran.
func writePerQuery(path string, reqs []index.SearchRequest, kinds []string, lat []float64, rounds int) error {
	type row struct {
		ms         float64
		kind, text string
	}
	rows := make([]row, len(reqs))
	for i, r := range reqs {
		l := make([]float64, 0, rounds)
		for round := range rounds {
			l = append(l, lat[round*len(reqs)+i])
		}
		sort.Float64s(l)
		rows[i] = row{pct(l, 50), kinds[i], r.Query}
	}
	sort.Slice(rows, func(a, b int) bool { return rows[a].ms > rows[b].ms })
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%.2f\t%s\t%s\n", r.ms, r.kind, r.text)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
