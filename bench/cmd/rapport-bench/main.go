// Command rapport-bench measures Rapport at library scale against the tools
// a researcher would otherwise use offline: poppler's pdftotext for
// extraction and Recoll (Xapian) for indexing and search. It generates a
// reproducible synthetic library (package bench), runs every step as its own
// process so that each one's peak memory is its own, prints one table and
// writes it as JSON.
//
//	rapport-bench [-n 1000] [-seed 1] [-work bench/work] [-rapport bin/rapport] [-out bench/results.json]
//	rapport-bench -only cli -merge   # the command line alone, on the cached library
//
// BENCH_N and BENCH_SEED set -n and -seed; BENCH_SKIP and BENCH_ONLY -skip
// and -only. The subcommands extract, search
// and prepare are the measured children; they are not meant to be run by
// hand.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rapport-qda/rapport/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "extract":
			err = childExtract(ctx, os.Args[2:])
		case "search":
			err = childSearch(ctx, os.Args[2:])
		case "import":
			err = childImport(ctx, os.Args[2:])
		case "table":
			err = printTableFile(os.Args[2:])
		case "prepare":
			err = childPrepare(ctx, os.Args[2:])
		default:
			err = run(ctx, os.Args[1:])
		}
	} else {
		err = run(ctx, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rapport-bench:", err)
		os.Exit(1)
	}
}

// Step is one row of the table.
type Step struct {
	Step    string  `json:"step"`
	Tool    string  `json:"tool"`
	WallS   float64 `json:"wall_s"`
	CPUS    float64 `json:"cpu_s,omitempty"`
	Rate    float64 `json:"rate,omitempty"`
	Unit    string  `json:"unit,omitempty"` // of Rate: pages/s, queries/s
	P50ms   float64 `json:"p50_ms,omitempty"`
	P95ms   float64 `json:"p95_ms,omitempty"`
	P99ms   float64 `json:"p99_ms,omitempty"`
	CPUP50  float64 `json:"cpu_p50_ms,omitempty"` // search: CPU time of the process per query
	CPUP95  float64 `json:"cpu_p95_ms,omitempty"`
	CPUP99  float64 `json:"cpu_p99_ms,omitempty"`
	RSSMB   float64 `json:"peak_rss_mb,omitempty"`
	DiskMB  float64 `json:"disk_mb,omitempty"`
	Ratio   string  `json:"ratio,omitempty"` // against the step's reference tool
	Note    string  `json:"note,omitempty"`
	Skipped bool    `json:"skipped,omitempty"`
}

// Results is bench/results.json.
type Results struct {
	Date       string            `json:"date"`
	Machine    string            `json:"machine"`
	Cores      int               `json:"cores"`
	GoVersion  string            `json:"go"`
	Commit     string            `json:"commit,omitempty"`
	N          int               `json:"n"`
	Seed       uint64            `json:"seed"`
	Pages      int               `json:"pages"`
	PDFMB      float64           `json:"pdf_mb"`
	TextMB     float64           `json:"text_mb"`
	Queries    int               `json:"queries"`
	Steps      []Step            `json:"steps"`
	Ratios     map[string]string `json:"ratios"`
	Notes      []string          `json:"notes,omitempty"`
	Load       string            `json:"load_average"` // at the start and the end: the machine may be shared
	QueryKinds map[string]int    `json:"query_kinds,omitempty"`
}

type config struct {
	n       int
	seed    uint64
	work    string
	rapport string
	out     string
	workers int
	rounds  int
	skip    map[string]bool

	cliRounds      int
	cliBaseline    string
	cliBaselineLib string
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("rapport-bench", flag.ContinueOnError)
	var c config
	fs.IntVar(&c.n, "n", envInt("BENCH_N", 1000), "articles in the synthetic library")
	seed := fs.Uint64("seed", uint64(envInt("BENCH_SEED", 1)), "seed of the generator")
	fs.StringVar(&c.work, "work", "bench/work", "folder for the corpus, libraries and indexes (cached by N and seed)")
	fs.StringVar(&c.rapport, "rapport", "bin/rapport", "the rapport binary")
	fs.StringVar(&c.out, "out", "bench/results.json", "where to write the results")
	fs.IntVar(&c.workers, "workers", runtime.GOMAXPROCS(0), "parallel extraction processes/goroutines for both extractors")
	fs.IntVar(&c.rounds, "rounds", 5, "times each query is run in-process")
	merge := fs.Bool("merge", false, "keep the steps of the existing -out file that this run skips (e.g. -skip extract,import,recoll,search -merge measures the GUI alone)")
	skip := fs.String("skip", os.Getenv("BENCH_SKIP"), "comma-separated steps to skip: extract,import,recoll,search,cli,gui")
	only := fs.String("only", os.Getenv("BENCH_ONLY"), "comma-separated steps to run, the others skipped (e.g. cli, on the library and Recoll index of an earlier run)")
	fs.IntVar(&c.cliRounds, "cli-rounds", envInt("BENCH_CLI_ROUNDS", 20), "rounds of the command-line step (each: help, a few searches, a few extractions)")
	fs.StringVar(&c.cliBaseline, "cli-baseline", "", "another rapport build timed in the same rounds of the command-line step (e.g. the one before a change)")
	fs.StringVar(&c.cliBaselineLib, "cli-baseline-library", "", "the library the -cli-baseline build searches (a copy of the bench's library at a schema it understands; default the same library)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.seed = *seed
	c.skip = map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		c.skip[strings.TrimSpace(s)] = true
	}
	if *only != "" {
		run := map[string]bool{}
		for _, s := range strings.Split(*only, ",") {
			s = strings.TrimSpace(s)
			if !stepKeys[s] {
				return fmt.Errorf("-only %s: no such step (%s)", s, strings.Join(sortedKeys(stepKeys), ", "))
			}
			run[s] = true
		}
		for step := range stepKeys {
			c.skip[step] = !run[step]
		}
	}
	var err error
	if c.work, err = filepath.Abs(c.work); err != nil {
		return err
	}
	if c.rapport, err = filepath.Abs(c.rapport); err != nil {
		return err
	}
	for _, p := range []*string{&c.cliBaseline, &c.cliBaselineLib} {
		if *p != "" {
			if *p, err = filepath.Abs(*p); err != nil {
				return err
			}
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	res := &Results{Date: time.Now().UTC().Format(time.RFC3339), Machine: machine(), Cores: runtime.NumCPU(), GoVersion: runtime.Version(),
		Commit: gitCommit(), N: c.n, Seed: c.seed, Ratios: map[string]string{}}
	res.Load = loadavg()
	logf("corpus: %d articles, seed %d, in %s", c.n, c.seed, c.work)

	// Corpus.
	t0 := time.Now()
	last := time.Now()
	var mu sync.Mutex
	corpus, err := bench.Open(ctx, c.work, c.n, c.seed, c.workers, func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) > 5*time.Second || done == total {
			last = time.Now()
			logf("  generated %d/%d", done, total)
		}
	})
	if err != nil {
		return err
	}
	m := corpus.Manifest
	res.Pages, res.PDFMB = m.Pages, mb(m.PDFBytes)
	logf("corpus ready in %.1fs: %d pages, %.1f MB of PDF", time.Since(t0).Seconds(), m.Pages, res.PDFMB)
	pages := float64(m.Pages)

	tag := fmt.Sprintf("n%d-s%d", c.n, c.seed)
	lib := filepath.Join(c.work, "lib-"+tag)
	recollConf := filepath.Join(c.work, "recoll-"+tag)

	// Extraction.
	var rapportEx, popplerEx *Step
	if !c.skip["extract"] {
		logf("extraction: Rapport (%d workers)", c.workers)
		var out extractOut
		p, err := measure(ctx, nil, &out, self, "extract", "-dir", corpus.PDFDir, "-workers", strconv.Itoa(c.workers))
		if err != nil {
			return fmt.Errorf("rapport extraction: %w", err)
		}
		res.TextMB = mb(out.TextBytes)
		rapportEx = &Step{Step: "extraction", Tool: "rapport", WallS: p.wall, CPUS: p.cpu, Rate: float64(out.Pages) / p.wall, Unit: "pages/s", RSSMB: p.rssMB,
			DiskMB: mb(out.TextBytes), Note: fmt.Sprintf("%d files, %d pages, %d failed; disk = extracted text", out.Files, out.Pages, out.Failed)}
		logf("  %.1fs, %.0f pages/s", p.wall, rapportEx.Rate)
		logf("extraction: pdftotext (%d processes at a time)", c.workers)
		pt, err := runPdftotext(ctx, corpus, filepath.Join(c.work, "pdftotext-"+tag), c.workers)
		if err != nil {
			return err
		}
		popplerEx = &Step{Step: "extraction", Tool: "pdftotext", WallS: pt.wall, CPUS: pt.cpu, Rate: pages / pt.wall, Unit: "pages/s", RSSMB: pt.rssMB,
			DiskMB: mb(pt.bytes), Note: "one process per file; peak RSS of the largest"}
		logf("  %.1fs, %.0f pages/s", pt.wall, popplerEx.Rate)
		rapportEx.Ratio = fmt.Sprintf("%.2f× pdftotext time (CPU %.2f×)", rapportEx.WallS/popplerEx.WallS, rapportEx.CPUS/popplerEx.CPUS)
		res.Ratios["extraction_time_vs_pdftotext"] = fmt.Sprintf("%.2f", rapportEx.WallS/popplerEx.WallS)
		res.Ratios["extraction_cpu_vs_pdftotext"] = fmt.Sprintf("%.2f", rapportEx.CPUS/popplerEx.CPUS)
		res.Steps = append(res.Steps, *rapportEx, *popplerEx)
	}

	// Import + index.
	var rapportImp, recollImp *Step
	if !c.skip["import"] {
		if _, err := os.Stat(c.rapport); err != nil {
			return fmt.Errorf("%s not found: build it first (make build, or CGO_ENABLED=0 go build -o bin/rapport ./cmd/rapport)", c.rapport)
		}
		os.RemoveAll(lib)
		logf("import + index: rapport import")
		var rep importReport
		p, err := measure(ctx, nil, &rep, c.rapport, "--library", lib, "import", corpus.PDFDir, corpus.BibFile, "--json")
		if err != nil && len(rep.Imported) == 0 {
			return fmt.Errorf("rapport import: %w", err)
		}
		sizes := librarySizes(lib)
		rapportImp = &Step{Step: "import+index", Tool: "rapport import", WallS: p.wall, CPUS: p.cpu, Rate: pages / p.wall, Unit: "pages/s", RSSMB: p.rssMB,
			DiskMB: mb(sizes.db + sizes.index),
			Note: fmt.Sprintf("%d imported, %d updated, %d failed; disk = SQLite %.1f MB + Bleve %.1f MB (+ originals %.1f MB)",
				len(rep.Imported), len(rep.Updated), len(rep.Failed), mb(sizes.db), mb(sizes.index), mb(sizes.files))}
		for i, f := range rep.Failed {
			if i < 3 {
				res.Notes = append(res.Notes, "import failure: "+f.Error)
			}
		}
		logf("  %.1fs, %.0f pages/s, %s", p.wall, rapportImp.Rate, rapportImp.Note)
		res.Steps = append(res.Steps, *rapportImp)
		if res.TextMB == 0 {
			// The extraction step was skipped: take the size of the text
			// the library stores (the same extractor's output).
			var chk struct {
				TextBytes int64 `json:"text_bytes"`
			}
			if _, err := measure(ctx, nil, &chk, c.rapport, "--library", lib, "check", "--json"); err == nil && chk.TextBytes > 0 {
				res.TextMB = mb(chk.TextBytes)
				res.Notes = append(res.Notes, "import: extracted text size from the library (rapport check: text_bytes)")
			} else {
				logf("  could not read the library's text size: %v", err)
			}
		}
		if res.TextMB > 0 {
			res.Ratios["store_and_index_vs_extracted_text"] = fmt.Sprintf("%.2f", mb(sizes.db+sizes.index)/res.TextMB)
		}
		res.Ratios["library_vs_pdfs"] = fmt.Sprintf("%.2f", mb(sizes.db+sizes.index+sizes.files)/res.PDFMB)
		res.Ratios["store_and_index_vs_pdfs"] = fmt.Sprintf("%.2f", mb(sizes.db+sizes.index)/res.PDFMB)
	}
	if !c.skip["recoll"] {
		logf("import + index: recollindex")
		st, err := runRecollindex(ctx, corpus, recollConf)
		if err != nil {
			res.Notes = append(res.Notes, "recollindex: "+err.Error())
			logf("  %v", err)
		} else {
			st.Rate = pages / st.WallS
			recollImp = st
			res.Steps = append(res.Steps, *st)
			logf("  %.1fs, %.0f pages/s, %s", st.WallS, st.Rate, st.Note)
			if rapportImp != nil {
				r := rapportImp.WallS / recollImp.WallS
				res.Ratios["import_time_vs_recollindex"] = fmt.Sprintf("%.2f", r)
				res.Ratios["import_cpu_vs_recollindex"] = fmt.Sprintf("%.2f", rapportImp.CPUS/recollImp.CPUS)
				res.Steps[len(res.Steps)-2].Ratio = fmt.Sprintf("%.2f× recollindex time", r)
			}
		}
	}

	// Search.
	if !c.skip["search"] {
		logf("search: preparing the library (metadata, coded passages)")
		var prep prepareOut
		if _, err := measure(ctx, nil, &prep, self, "prepare", "-lib", lib, "-manifest", filepath.Join(corpus.Dir, "manifest.json")); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		for _, n := range prep.Notes {
			res.Notes = append(res.Notes, "search: "+n)
		}
		queries := bench.Queries(c.seed, prep.Themes)
		res.Queries = len(queries)
		res.QueryKinds = map[string]int{}
		for _, q := range queries {
			res.QueryKinds[q.Kind]++
		}
		qfile := filepath.Join(c.work, "queries-"+tag+".json")
		data, _ := json.MarshalIndent(queries, "", " ")
		if err := os.WriteFile(qfile, data, 0o644); err != nil {
			return err
		}
		var plainP50 float64
		for _, mode := range []string{"snippets", "nosnippets", "facets", "theme"} {
			logf("search: in-process, %s", mode)
			var out searchOut
			p, err := measure(ctx, nil, &out, self, "search", "-lib", lib, "-queries", qfile, "-rounds", strconv.Itoa(c.rounds), "-mode", mode)
			if err != nil {
				return fmt.Errorf("search %s: %w", mode, err)
			}
			st := Step{Step: "search " + mode, Tool: "rapport (Bleve, in-process)", WallS: out.TotalS, Rate: float64(out.Count) / out.TotalS, Unit: "queries/s",
				P50ms: out.P50, P95ms: out.P95, P99ms: out.P99, RSSMB: p.rssMB,
				Note: fmt.Sprintf("CPU time of the process per query p50/p95/p99 %.2f/%.2f/%.2f ms; %s", out.CPUP50, out.CPUP95, out.CPUP99, out.Note)}
			st.CPUP50, st.CPUP95, st.CPUP99 = out.CPUP50, out.CPUP95, out.CPUP99
			if out.Count == 0 {
				st.Skipped = true
			}
			switch mode {
			case "snippets":
				plainP50 = out.P50
				res.Ratios["search_p50_ms"] = fmt.Sprintf("%.2f", out.P50)
				res.Ratios["search_p99_ms"] = fmt.Sprintf("%.2f", out.P99)
			case "facets", "theme":
				if plainP50 > 0 && out.Count > 0 {
					st.Ratio = fmt.Sprintf("%.2f× plain p50", out.P50/plainP50)
					res.Ratios["search_"+mode+"_vs_plain_p50"] = fmt.Sprintf("%.2f", out.P50/plainP50)
				}
			}
			logf("  p50 %.2f ms, p95 %.2f ms, p99 %.2f ms; %s", out.P50, out.P95, out.P99, out.Note)
			res.Steps = append(res.Steps, st)
		}
		if recollImp != nil {
			logf("search: recollq, one process per query")
			st, err := runRecollq(ctx, recollConf, queries)
			if err != nil {
				res.Notes = append(res.Notes, "recollq: "+err.Error())
			} else {
				res.Steps = append(res.Steps, *st)
				res.Ratios["search_p50_vs_recollq"] = fmt.Sprintf("%.3f", plainP50/st.P50ms)
				logf("  p50 %.2f ms, p95 %.2f ms, p99 %.2f ms", st.P50ms, st.P95ms, st.P99ms)
			}
		}
	}

	// The command line, a process per call.
	if !c.skip["cli"] {
		logf("cli: rapport help, search and extract against recollq and pdftotext, a process per call (%d rounds)", c.cliRounds)
		steps, ratios, notes, err := measureCLI(ctx, c.rapport, c.cliBaseline, c.cliBaselineLib, lib, recollConf, corpus.PDFDir, c.seed, c.cliRounds)
		if err != nil {
			res.Notes = append(res.Notes, "cli: "+err.Error())
			logf("  %v", err)
		}
		res.Notes = append(res.Notes, notes...)
		res.Steps = append(res.Steps, steps...)
		for k, v := range ratios {
			res.Ratios[k] = v
		}
		for _, st := range steps {
			logf("  %s, %s: p50 %.1f ms (CPU %.1f ms) %s", st.Step, st.Tool, st.P50ms, st.CPUP50, st.Ratio)
		}
	}

	// GUI.
	if !c.skip["gui"] {
		logf("gui: cold start under Xvfb")
		st, err := measureGUI(ctx, c.rapport, lib)
		if err != nil {
			res.Notes = append(res.Notes, "gui: "+err.Error())
			res.Steps = append(res.Steps, Step{Step: "gui first frame", Tool: "rapport", Skipped: true, Note: err.Error()})
			logf("  skipped: %v", err)
		} else {
			res.Steps = append(res.Steps, *st)
			logf("  %.2fs to the window, %.0f MB RSS", st.WallS, st.RSSMB)
		}
	}

	res.Load += " → " + loadavg()
	if *merge {
		mergeResults(res, c.out, func(note string) bool {
			for step := range stepKeys {
				if !c.skip[step] && strings.HasPrefix(note, step) {
					return true
				}
			}
			return false
		})
	}
	printTable(os.Stdout, res)
	data, _ := json.MarshalIndent(res, "", "  ")
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(c.out, append(data, '\n'), 0o644)
}

// stepKeys are the steps -skip names; notes about a step start with its key.
var stepKeys = map[string]bool{"extract": true, "import": true, "recoll": true, "search": true, "cli": true, "gui": true}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mergeResults keeps, from the results already in path, the steps, ratios
// and notes this run did not produce.
func mergeResults(res *Results, path string, ranStep func(note string) bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var old Results
	if json.Unmarshal(data, &old) != nil || old.N != res.N || old.Seed != res.Seed {
		return
	}
	have := map[string]bool{}
	for _, s := range res.Steps {
		have[s.Step+"|"+s.Tool] = true
		have[s.Step] = true
	}
	var steps []Step
	for _, s := range old.Steps {
		if !have[s.Step+"|"+s.Tool] && !(s.Skipped && have[s.Step]) {
			steps = append(steps, s)
		}
	}
	res.Steps = append(steps, res.Steps...)
	// Ratios between a step of this run and its peer's from the old one.
	var imp, recoll *Step
	for i := range res.Steps {
		switch s := &res.Steps[i]; {
		case s.Skipped:
		case s.Step == "import+index" && s.Tool == "rapport import":
			imp = s
		case s.Step == "import+index" && s.Tool == "recollindex":
			recoll = s
		}
	}
	if imp != nil && recoll != nil && recoll.WallS > 0 && recoll.CPUS > 0 {
		r := imp.WallS / recoll.WallS
		res.Ratios["import_time_vs_recollindex"] = fmt.Sprintf("%.2f", r)
		res.Ratios["import_cpu_vs_recollindex"] = fmt.Sprintf("%.2f", imp.CPUS/recoll.CPUS)
		imp.Ratio = fmt.Sprintf("%.2f× recollindex time (runs merged)", r)
	}
	for k, v := range old.Ratios {
		if _, ok := res.Ratios[k]; !ok {
			res.Ratios[k] = v
		}
	}
	// Old notes of a step this run measured again are stale.
	var notes []string
	for _, n := range old.Notes {
		if !ranStep(n) {
			notes = append(notes, n)
		}
	}
	res.Notes = append(notes, res.Notes...)
	if res.TextMB == 0 {
		res.TextMB = old.TextMB
	}
	if res.Queries == 0 {
		res.Queries, res.QueryKinds = old.Queries, old.QueryKinds
	}
	res.Load = old.Load + "; " + res.Load
}

// printTableFile prints the table of a results file: rapport-bench table FILE.
func printTableFile(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: rapport-bench table results.json")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	printTable(os.Stdout, &r)
	return nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// proc is what measuring a child process found.
type proc struct {
	wall, cpu float64 // seconds
	rssMB     float64 // peak resident set of the process
}

// measure runs a command, decodes its standard output as JSON into out (if
// set), and reports its wall time, CPU time and peak RSS.
func measure(ctx context.Context, env []string, out any, name string, args ...string) (proc, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout strings.Builder
	cmd.Stdout = &stdout
	var stderr tail
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	p := proc{wall: time.Since(start).Seconds()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			p.rssMB = float64(ru.Maxrss) / 1024
			p.cpu = tv(ru.Utime) + tv(ru.Stime)
		}
	}
	if out != nil && stdout.Len() > 0 {
		if jerr := json.Unmarshal([]byte(stdout.String()), out); jerr != nil && err == nil {
			err = fmt.Errorf("%s: output is not JSON: %v", name, jerr)
		}
	}
	if err != nil {
		return p, fmt.Errorf("%s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	return p, nil
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// tail keeps the last few KB written to it.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}
func (t *tail) String() string { return strings.TrimSpace(string(t.b)) }

type pdftotextResult struct {
	wall, cpu, rssMB float64
	bytes            int64
}

// runPdftotext converts every PDF with pdftotext, workers processes at a time.
func runPdftotext(ctx context.Context, c *bench.Corpus, outDir string, workers int) (pdftotextResult, error) {
	os.RemoveAll(outDir)
	var files []string
	filepath.WalkDir(c.PDFDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".pdf") {
			files = append(files, path)
		}
		return nil
	})
	jobs := make(chan string)
	var mu sync.Mutex
	var res pdftotextResult
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				rel, _ := filepath.Rel(c.PDFDir, f)
				out := filepath.Join(outDir, strings.TrimSuffix(rel, ".pdf")+".txt")
				os.MkdirAll(filepath.Dir(out), 0o755)
				p, err := measure(ctx, nil, nil, "pdftotext", "-enc", "UTF-8", f, out)
				var size int64
				if info, serr := os.Stat(out); serr == nil {
					size = info.Size()
				}
				mu.Lock()
				res.cpu += p.cpu
				res.rssMB = max(res.rssMB, p.rssMB)
				res.bytes += size
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	res.wall = time.Since(start).Seconds()
	if firstErr != nil {
		return res, fmt.Errorf("pdftotext: %w", firstErr)
	}
	return res, nil
}

// runRecollindex indexes the corpus's PDFs with recollindex in a throwaway
// configuration folder.
func runRecollindex(ctx context.Context, c *bench.Corpus, conf string) (*Step, error) {
	if _, err := exec.LookPath("recollindex"); err != nil {
		return nil, errors.New("recollindex not installed (scripts/install-deps installs recoll)")
	}
	os.RemoveAll(conf)
	if err := os.MkdirAll(conf, 0o755); err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf("topdirs = %s\ndbdir = %s\nloglevel = 1\nnoaspell = 1\nidxflushmb = 50\nidxniceprio = 0\n", c.PDFDir, filepath.Join(conf, "xapiandb"))
	if err := os.WriteFile(filepath.Join(conf, "recoll.conf"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	p, err := measure(ctx, []string{"RECOLL_CONFDIR=" + conf}, nil, "recollindex", "-c", conf, "-z")
	if err != nil {
		return nil, err
	}
	size := dirSize(filepath.Join(conf, "xapiandb"))
	// How many documents went in: every article names its DOI resolver.
	n := recollCount(ctx, conf, "doi")
	st := &Step{Step: "import+index", Tool: "recollindex", WallS: p.wall, CPUS: p.cpu, Unit: "pages/s", RSSMB: p.rssMB, DiskMB: mb(size),
		Note: fmt.Sprintf("%d documents found by recollq; disk = Xapian index; CPU and peak RSS include its filters (rclpdf.py, pdftotext); idxniceprio = 0", n)}
	if n == 0 {
		return nil, fmt.Errorf("recollindex indexed no PDF (is pdftotext installed?)")
	}
	return st, nil
}

func recollCount(ctx context.Context, conf, word string) int {
	out, _ := exec.CommandContext(ctx, "recollq", "-c", conf, "-Q", "-E", word).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[1] == "results" {
			n, _ := strconv.Atoi(f[0])
			return n
		}
	}
	return 0
}

// runRecollq runs the queries Recoll can express, one recollq process each
// with abstracts (its snippets), twice, and reports the latencies.
func runRecollq(ctx context.Context, conf string, queries []bench.Query) (*Step, error) {
	var lat []float64
	start := time.Now()
	var rss float64
	var cpu float64
	for round := 0; round < 2; round++ {
		for _, q := range queries {
			if q.Recoll == "" {
				continue
			}
			t := time.Now()
			p, err := measure(ctx, nil, nil, "recollq", "-c", conf, "-n", "20", "-A", q.Recoll)
			if err != nil {
				return nil, err
			}
			if round > 0 { // the first round warms the cache, as the in-process runs do
				lat = append(lat, float64(time.Since(t).Microseconds())/1000)
				rss = max(rss, p.rssMB)
				cpu += p.cpu
			}
		}
	}
	_ = start
	total := 0.0
	for _, l := range lat {
		total += l
	}
	sort.Float64s(lat)
	return &Step{Step: "search snippets", Tool: "recollq (process per query, -A abstracts)", WallS: total / 1000, CPUS: cpu, Rate: float64(len(lat)) / (total / 1000), Unit: "queries/s",
		P50ms: pct(lat, 50), P95ms: pct(lat, 95), P99ms: pct(lat, 99), RSSMB: rss,
		Note: fmt.Sprintf("%d queries Recoll can express (no year/author metadata, no themes)", len(lat))}, nil
}

func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

type libSizes struct{ db, index, files int64 }

func librarySizes(lib string) libSizes {
	var s libSizes
	entries, _ := os.ReadDir(lib)
	for _, e := range entries {
		p := filepath.Join(lib, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), "library.sqlite"):
			s.db += dirSize(p)
		case e.Name() == "index.bleve":
			s.index += dirSize(p)
		case e.Name() == "files":
			s.files += dirSize(p)
		}
	}
	return s
}

func dirSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func machine() string {
	model := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				_, model, _ = strings.Cut(line, ":")
				model = strings.TrimSpace(model)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(data)); len(f) > 1 {
			if kb, err := strconv.Atoi(f[1]); err == nil {
				mem = fmt.Sprintf(", %.0f GB RAM", float64(kb)/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%s, %d cores%s, %s/%s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH)
}

func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func printTable(w io.Writer, r *Results) {
	fmt.Fprintf(w, "\nRapport benchmark — N=%d articles (%d pages, %.1f MB PDF, %.1f MB extracted text), seed %d, %d queries\n",
		r.N, r.Pages, r.PDFMB, r.TextMB, r.Seed, r.Queries)
	fmt.Fprintf(w, "Machine: %s; %s; commit %s; %s; load average %s\n\n", r.Machine, r.GoVersion, r.Commit, r.Date, r.Load)
	fmt.Fprintln(w, "| step | tool | wall s | CPU s | rate | latency p50/p95/p99 ms | peak RSS MB | disk MB | ratio |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---|")
	for _, s := range r.Steps {
		if s.Skipped {
			fmt.Fprintf(w, "| %s | %s | — | — | — | — | — | — | skipped: %s |\n", s.Step, s.Tool, s.Note)
			continue
		}
		rate, lat, disk, rss, cpu := "", "", "", "", ""
		if s.CPUS > 0 {
			cpu = fmt.Sprintf("%.1f", s.CPUS)
		}
		if s.Rate > 0 {
			rate = fmt.Sprintf("%.0f %s", s.Rate, s.Unit)
		}
		if s.P50ms > 0 {
			lat = fmt.Sprintf("%.2f / %.2f / %.2f", s.P50ms, s.P95ms, s.P99ms)
			if s.CPUP50 > 0 {
				lat += fmt.Sprintf(" (CPU %.2f / %.2f / %.2f)", s.CPUP50, s.CPUP95, s.CPUP99)
			}
		}
		if s.DiskMB > 0 {
			disk = fmt.Sprintf("%.1f", s.DiskMB)
		}
		if s.RSSMB > 0 {
			rss = fmt.Sprintf("%.0f", s.RSSMB)
		}
		fmt.Fprintf(w, "| %s | %s | %.2f | %s | %s | %s | %s | %s | %s |\n", s.Step, s.Tool, s.WallS, cpu, rate, lat, rss, disk, s.Ratio)
	}
	fmt.Fprintln(w)
	keys := make([]string, 0, len(r.Ratios))
	for k := range r.Ratios {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s = %s\n", k, r.Ratios[k])
	}
	for _, s := range r.Steps {
		if s.Note != "" && !s.Skipped {
			fmt.Fprintf(w, "note (%s, %s): %s\n", s.Step, s.Tool, s.Note)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
