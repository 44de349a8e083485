package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/rapport-qda/rapport/bench"
)

// The command line, one process per call as a script runs it: `rapport
// help`, `rapport search` against `recollq` and `rapport extract` against
// `pdftotext`, on the same queries and files, interleaved call by call (the
// order alternating from round to round) so that both sides meet the same
// moments of a shared machine.

// cliCall is one command to time: the rapport side or its peer's.
type cliCall struct {
	name string
	args []string
}

// cliSample is what one process took.
type cliSample struct{ wallMS, cpuMS float64 }

// cliQueries picks one query of each kind that Recoll can express too.
func cliQueries(seed uint64) []bench.Query {
	var out []bench.Query
	seen := map[string]bool{}
	for _, q := range bench.Queries(seed, nil) {
		if q.Recoll == "" || seen[q.Kind] {
			continue
		}
		seen[q.Kind] = true
		out = append(out, q)
	}
	return out
}

// cliArticles picks n article PDFs spread over the corpus (its layouts
// rotate with the article number).
func cliArticles(pdfDir string, n int) []string {
	var all []string
	filepath.WalkDir(pdfDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".pdf") {
			all = append(all, path)
		}
		return nil
	})
	sort.Strings(all)
	if len(all) <= n {
		return all
	}
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, all[i*len(all)/n+i%4])
	}
	return out
}

// runCLICall runs one call with its output discarded; it fails on a
// non-zero exit. It returns what the call wrote to stderr.
func runCLICall(ctx context.Context, env []string, c cliCall) (cliSample, string, error) {
	cmd := exec.CommandContext(ctx, c.name, c.args...)
	cmd.Env = env
	var stderr tail
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	s := cliSample{wallMS: float64(time.Since(start).Microseconds()) / 1000}
	if cmd.ProcessState == nil {
		return s, "", fmt.Errorf("%s: %w", c.name, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.cpuMS = (tv(ru.Utime) + tv(ru.Stime)) * 1000
	}
	if err != nil {
		return s, "", fmt.Errorf("%s %s: %w: %s", filepath.Base(c.name), strings.Join(c.args, " "), err, stderr.String())
	}
	return s, stderr.String(), nil
}

// cliEnv is the environment of the calls: the C locale of containers and
// CI, where Fyne used to complain on every command.
func cliEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "LANG=") || strings.HasPrefix(kv, "LC_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LANG=C.UTF-8")
}

// cliSide is one program of a comparison: rapport, a baseline build of
// rapport, or the peer.
type cliSide struct {
	tool    string
	call    cliCall
	rapport bool // rapport itself or its baseline: stderr is watched
	out     []cliSample
}

// cliItem is one query or article (or the help) with its sides.
type cliItem struct {
	step  string
	sides []*cliSide
}

// measureCLI times the command line against its peers; rounds is the number
// of measured rounds (one more warms the page cache first). baseline, when
// set, is another rapport build timed in the same rounds (the one before a
// change), so that before and after come from one run; it searches
// baselineLib when that is set (a copy of lib at a schema it understands),
// else lib.
func measureCLI(ctx context.Context, rapport, baseline, baselineLib, lib, recollConf, pdfDir string, seed uint64, rounds int) ([]Step, map[string]string, []string, error) {
	if _, err := os.Stat(filepath.Join(lib, "library.sqlite")); err != nil {
		return nil, nil, nil, fmt.Errorf("no library at %s: run the import step first", lib)
	}
	haveRecoll := false
	if _, err := exec.LookPath("recollq"); err == nil {
		if _, err := os.Stat(filepath.Join(recollConf, "xapiandb")); err == nil {
			haveRecoll = true
		}
	}
	_, pdftotextErr := exec.LookPath("pdftotext")
	var items []*cliItem
	add := func(step string, args []string, peerTool string, peer *cliCall) {
		it := &cliItem{step: step}
		name := "rapport " + strings.TrimPrefix(step, "cli ")
		it.sides = append(it.sides, &cliSide{tool: name, call: cliCall{rapport, args}, rapport: true})
		if baseline != "" {
			bargs := args
			if baselineLib != "" && len(args) > 1 && args[0] == "--library" {
				bargs = append([]string{"--library", baselineLib}, args[2:]...)
			}
			it.sides = append(it.sides, &cliSide{tool: name + " (baseline " + filepath.Base(baseline) + ")", call: cliCall{baseline, bargs}, rapport: true})
		}
		if peer != nil {
			it.sides = append(it.sides, &cliSide{tool: peerTool, call: *peer})
		}
		items = append(items, it)
	}
	add("cli help", []string{"help"}, "", nil)
	for _, q := range cliQueries(seed) {
		var peer *cliCall
		if haveRecoll {
			peer = &cliCall{"recollq", []string{"-c", recollConf, "-n", "20", "-A", q.Recoll}}
		}
		add("cli search", []string{"--library", lib, "search", q.Bleve}, "recollq", peer)
	}
	for _, a := range cliArticles(pdfDir, 5) {
		var peer *cliCall
		if pdftotextErr == nil {
			peer = &cliCall{"pdftotext", []string{a, "-"}}
		}
		add("cli extract", []string{"extract", a}, "pdftotext", peer)
	}

	env := cliEnv()
	var notes []string
	saidSomething := map[string]bool{}
	for round := 0; round <= rounds; round++ {
		for _, it := range items {
			// The sides take turns going first.
			n := len(it.sides)
			for k := 0; k < n; k++ {
				side := it.sides[(k+round)%n]
				s, said, err := runCLICall(ctx, env, side.call)
				if err != nil {
					return nil, nil, nil, err
				}
				// A headless command says nothing on stderr (no window
				// toolkit complaining about the locale).
				if side.rapport && said != "" && !saidSomething[side.tool] {
					saidSomething[side.tool] = true
					notes = append(notes, fmt.Sprintf("cli: %s wrote to stderr: %q", side.tool, said))
				}
				if round > 0 {
					side.out = append(side.out, s)
				}
			}
		}
	}

	// One row per step and tool, over all its calls.
	type row struct {
		tool    string
		samples []cliSample
		peer    bool
	}
	var stepOrder []string
	rows := map[string][]*row{}
	counts := map[string]int{}
	for _, it := range items {
		if rows[it.step] == nil {
			stepOrder = append(stepOrder, it.step)
		}
		counts[it.step]++
		for i, side := range it.sides {
			if len(rows[it.step]) <= i {
				rows[it.step] = append(rows[it.step], &row{tool: side.tool, peer: !side.rapport})
			}
			rows[it.step][i].samples = append(rows[it.step][i].samples, side.out...)
		}
	}
	ratios := map[string]string{}
	var steps []Step
	for _, step := range stepOrder {
		what := map[string]string{"cli help": "call", "cli search": "query", "cli extract": "article"}[step]
		note := fmt.Sprintf("one process per call, LANG=C.UTF-8; %d %s(s) × %d rounds, interleaved; p50/p95/p99 of the calls", counts[step], what, rounds)
		var peer *Step
		for _, r := range rows[step] {
			if r.peer {
				st := cliStep(step, r.tool, r.samples, note)
				peer = &st
			}
		}
		key := strings.ReplaceAll(step, " ", "_")
		for i, r := range rows[step] {
			st := cliStep(step, r.tool, r.samples, note)
			switch {
			case r.peer:
			case peer != nil:
				st.Ratio = fmt.Sprintf("%.2f× %s per call (p50; mean %.2f×, CPU p50 %.2f×)", st.P50ms/peer.P50ms, peer.Tool,
					mean(r.samples)/meanMS(peer), st.CPUP50/peer.CPUP50)
				if i == 0 {
					ratios[key+"_vs_"+peer.Tool+"_p50"] = fmt.Sprintf("%.2f", st.P50ms/peer.P50ms)
				} else {
					ratios[key+"_baseline_vs_"+peer.Tool+"_p50"] = fmt.Sprintf("%.2f", st.P50ms/peer.P50ms)
				}
			case step == "cli help":
				st.Ratio = fmt.Sprintf("target < 15 ms (p50 %.1f ms)", st.P50ms)
				if i == 0 {
					ratios["cli_help_p50_ms"] = fmt.Sprintf("%.1f", st.P50ms)
				} else {
					ratios["cli_help_baseline_p50_ms"] = fmt.Sprintf("%.1f", st.P50ms)
				}
			}
			steps = append(steps, st)
		}
	}
	if !haveRecoll {
		notes = append(notes, "cli: no recollq index (run the recoll step): rapport search measured alone")
	}
	quiet := true
	for tool := range saidSomething {
		quiet = quiet && strings.Contains(tool, "(baseline ")
	}
	if quiet {
		notes = append(notes, "cli: rapport wrote nothing to stderr under LANG=C.UTF-8")
	}
	return steps, ratios, notes, nil
}

func cliStep(step, tool string, samples []cliSample, note string) Step {
	wall := make([]float64, len(samples))
	cpu := make([]float64, len(samples))
	total := 0.0
	for i, s := range samples {
		wall[i], cpu[i] = s.wallMS, s.cpuMS
		total += s.wallMS
	}
	sort.Float64s(wall)
	sort.Float64s(cpu)
	return Step{Step: step, Tool: tool, WallS: total / 1000, Rate: float64(len(samples)) / (total / 1000), Unit: "calls/s",
		P50ms: pct(wall, 50), P95ms: pct(wall, 95), P99ms: pct(wall, 99),
		CPUP50: pct(cpu, 50), CPUP95: pct(cpu, 95), CPUP99: pct(cpu, 99), CPUS: sum(cpu) / 1000, Note: note}
}

// mean is the mean wall time of samples, in ms.
func mean(samples []cliSample) float64 {
	if len(samples) == 0 {
		return 0
	}
	t := 0.0
	for _, s := range samples {
		t += s.wallMS
	}
	return t / float64(len(samples))
}

// meanMS is a row's mean wall time per call, in ms.
func meanMS(st *Step) float64 { return 1000 / st.Rate }

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}
