package main

// The crash harness: real `rapport` child processes working on one library
// are killed with SIGKILL at random moments, many times; after each kill the
// library must open, `rapport check` must pass or `rapport check --repair`
// must restore consistency, and everything a command reported as done must
// still be there.
//
//	go test ./cmd/rapport -run TestCrash -crash.iter=50    (or RAPPORT_CRASH_ITER=50)

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

var crashIter = flag.Int("crash.iter", 0, "kill iterations of TestCrashSafety (default RAPPORT_CRASH_ITER, else 5)")

func crashIterations() int {
	if *crashIter > 0 {
		return *crashIter
	}
	if n, err := strconv.Atoi(os.Getenv("RAPPORT_CRASH_ITER")); err == nil && n > 0 {
		return n
	}
	return 5
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// rapportBinary builds the headless rapport binary (no cgo: no window) once
// per test run.
func rapportBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the crash harness uses SIGKILL")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rapport-crash-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "rapport")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		cmd := exec.Command(goTool, "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build rapport: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// cliResult is one finished child process.
type cliResult struct {
	code   int
	stdout []byte
	stderr string
}

func runCLI(t *testing.T, bin, lib string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--library", lib, "--json"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("rapport %v: %v", args, err)
	}
	return cliResult{code, out.Bytes(), errb.String()}
}

// crashArticle is a generated article with text known from its seed.
func crashArticle(seed int) []byte {
	r := rand.New(rand.NewSource(int64(seed)))
	words := strings.Fields("interview theme nurse patient trust care ward clinic stigma resilience burnout coping family support policy access")
	para := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[r.Intn(len(words))]
		}
		return strings.Join(ws, " ")
	}
	a := pdfgen.Article{Title: fmt.Sprintf("Crash test article %d on %s", seed, words[seed%len(words)]), Columns: 1 + seed%2}
	for p := 0; p < 1+seed%4; p++ {
		a.Pages = append(a.Pages, []string{para(60), para(50) + fmt.Sprintf(" crashmark%d", seed)})
	}
	return a.Doc().Bytes()
}

// crashInputs writes the pool of files imports draw from: generated
// articles, plus the shared corpus when it is there (bigger, slower PDFs
// widen the window a kill can hit).
func crashInputs(t *testing.T, dir string, n int) []string {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	var pool []string
	for s := 0; s < n; s++ {
		p := filepath.Join(dir, fmt.Sprintf("crash %03d é.pdf", s))
		if err := os.WriteFile(p, crashArticle(s), 0o644); err != nil {
			t.Fatal(err)
		}
		pool = append(pool, p)
	}
	if shared := sharedCorpus(); shared != "" {
		files, _ := filepath.Glob(filepath.Join(shared, "*.pdf"))
		pool = append(pool, files...)
	}
	return pool
}

// sharedCorpus is ../shared/corpus beside the module root, or "".
func sharedCorpus() string {
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "corpus")
			if _, err := os.Stat(c); err == nil {
				return c
			}
			return ""
		}
	}
	return ""
}

// committedDoc is a document an import reported as stored before it
// returned: it must survive every later crash.
type committedDoc struct {
	id    int64
	title string
	pages int
}

// committedAnnotation is an annotation a `rapport tag` that returned
// reported: it must survive every later crash, with its quote and themes.
type committedAnnotation struct {
	id     int64
	doc    int64
	quote  string
	themes string
}

// tagTarget is a page of a generated article: its text ends with a word
// found nowhere else, so its last words are a quote found exactly once.
type tagTarget struct {
	doc  int64
	page int
	text []string // words
}

func TestCrashSafety(t *testing.T) {
	bin := rapportBinary(t)
	iterations := crashIterations()
	seed := time.Now().UnixNano()
	if s, err := strconv.ParseInt(os.Getenv("RAPPORT_CRASH_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("crash harness: %d iterations, seed %d (RAPPORT_CRASH_SEED to replay)", iterations, seed)
	rng := rand.New(rand.NewSource(seed))
	tmp := t.TempDir()
	lib := filepath.Join(tmp, "library")
	pool := crashInputs(t, filepath.Join(tmp, "inputs"), 60)

	// How long an uninterrupted command takes bounds the random kill time.
	start := time.Now()
	if r := runCLI(t, bin, lib, "import", pool[0], pool[1], pool[2]); r.code != 0 {
		t.Fatalf("first import: exit %d: %s", r.code, r.stderr)
	}
	base := time.Since(start)
	committed := map[int64]committedDoc{}
	recordDocs(t, runCLI(t, bin, lib, "docs"), committed, true)
	annotations := map[int64]committedAnnotation{}
	var themes []string
	{
		var list []struct{ Name string }
		r := runCLI(t, bin, lib, "themes")
		if err := json.Unmarshal(r.stdout, &list); err != nil || len(list) == 0 {
			t.Fatalf("themes: %v %s", err, r.stderr)
		}
		for _, th := range list {
			themes = append(themes, th.Name)
		}
	}
	var targets []tagTarget
	addTargets := func(items []index.ImportItem) {
		for _, it := range items {
			if !strings.Contains(filepath.Base(it.File), "crash ") {
				continue
			}
			var txt struct {
				Pages []struct {
					Page int
					Text string
				}
			}
			r := runCLI(t, bin, lib, "text", strconv.FormatInt(it.ID, 10))
			if err := json.Unmarshal(r.stdout, &txt); err != nil {
				t.Fatalf("text %d: %v %s", it.ID, err, r.stderr)
			}
			for _, p := range txt.Pages {
				targets = append(targets, tagTarget{it.ID, p.Page, strings.Fields(p.Text)})
			}
		}
	}
	{
		var docs []docSummary
		json.Unmarshal(runCLI(t, bin, lib, "docs").stdout, &docs)
		for i, d := range docs {
			addTargets([]index.ImportItem{{ID: d.ID, File: pool[i]}})
		}
	}

	stats := map[string]int{}
	for i := 0; i < iterations; i++ {
		var args []string
		switch k := rng.Intn(10); {
		case k < 4 && len(targets) > 0:
			tg := targets[rng.Intn(len(targets))]
			n := 1 + rng.Intn(min(6, len(tg.text)))
			args = []string{"tag", strconv.FormatInt(tg.doc, 10), "--page", strconv.Itoa(tg.page),
				"--quote", strings.Join(tg.text[len(tg.text)-n:], " "), "--theme", themes[rng.Intn(len(themes))],
				"--note", fmt.Sprintf("note of iteration %d", i)}
			if rng.Intn(2) == 0 {
				args = append(args, "--theme", themes[rng.Intn(len(themes))])
			}
		case k < 8:
			n := 2 + rng.Intn(12)
			args = []string{"import"}
			for j := 0; j < n; j++ {
				args = append(args, pool[rng.Intn(len(pool))])
			}
		case k < 9 && rng.Intn(2) == 0:
			args = []string{"reindex"}
		case k < 9:
			args = []string{"check", "--repair"}
		default:
			args = []string{"set", "1", "journal", fmt.Sprintf("Journal %d", i)}
		}
		limit := base
		switch args[0] {
		case "import":
			limit = base * time.Duration(len(args)) / 3
		case "reindex", "check", "tag":
			limit = 2 * base
		}
		delay := time.Duration(rng.Int63n(int64(limit) + 1))
		killed, res := runAndKill(t, bin, lib, delay, args...)
		if killed {
			stats["killed "+args[0]]++
		} else {
			stats["finished "+args[0]]++
			if args[0] == "import" && res.code == 0 {
				var rep index.ImportReport
				if err := json.Unmarshal(res.stdout, &rep); err != nil {
					t.Fatalf("iteration %d: import report: %v\n%s", i, err, res.stdout)
				}
				for _, it := range append(rep.Imported, rep.Updated...) {
					committed[it.ID] = committedDoc{it.ID, it.Title, it.Pages}
				}
				addTargets(rep.Imported)
			}
			if args[0] == "tag" && res.code == 0 {
				var a index.Annotation
				if err := json.Unmarshal(res.stdout, &a); err != nil || a.ID == 0 {
					t.Fatalf("iteration %d: tag output: %v\n%s", i, err, res.stdout)
				}
				sort.Strings(a.Themes)
				annotations[a.ID] = committedAnnotation{a.ID, a.DocID, a.Quote, strings.Join(a.Themes, "|")}
			}
			if res.code != 0 && args[0] != "check" {
				t.Errorf("iteration %d: rapport %s finished with exit %d: %s", i, args[0], res.code, res.stderr)
			}
		}
		if n := verifyAfterCrash(t, bin, lib, i, committed, annotations); n > 0 {
			stats["repairs needed"]++
		}
		if t.Failed() {
			t.Fatalf("iteration %d (%v, killed=%v after %v) broke the library; replay with RAPPORT_CRASH_SEED=%d", i, args[:1], killed, delay, seed)
		}
	}
	if r := runCLI(t, bin, lib, "search", "crashmark1"); r.code != 0 {
		t.Errorf("search after the crashes: exit %d: %s", r.code, r.stderr)
	}
	t.Logf("crash harness: %d iterations survived; %d documents and %d annotations committed, all present (0 lost); %v", iterations, len(committed), len(annotations), stats)
}

// runAndKill starts rapport and SIGKILLs it after delay unless it finished
// first.
func runAndKill(t *testing.T, bin, lib string, delay time.Duration, args ...string) (bool, cliResult) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--library", lib, "--json"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return false, cliResult{code, out.Bytes(), errb.String()}
	case <-time.After(delay):
		cmd.Process.Signal(syscall.SIGKILL)
		err := <-done
		if ee, ok := err.(*exec.ExitError); ok && !ee.Exited() {
			return true, cliResult{-1, out.Bytes(), errb.String()}
		}
		// It finished just before the signal.
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return false, cliResult{code, out.Bytes(), errb.String()}
	}
}

// verifyAfterCrash checks the library after a kill; it returns how many
// problems check found (all must be repairable index problems).
func verifyAfterCrash(t *testing.T, bin, lib string, iter int, committed map[int64]committedDoc, annotations map[int64]committedAnnotation) int {
	t.Helper()
	r := runCLI(t, bin, lib, "check")
	var rep index.CheckReport
	if err := json.Unmarshal(r.stdout, &rep); err != nil {
		t.Errorf("iteration %d: check did not run (exit %d): %s", iter, r.code, r.stderr)
		return 0
	}
	problems := len(rep.Problems)
	for _, p := range rep.Problems {
		if !strings.HasPrefix(p, "index:") {
			t.Errorf("iteration %d: check found damage beyond the index: %s", iter, p)
		}
	}
	if !rep.OK {
		r = runCLI(t, bin, lib, "check", "--repair")
		rep = index.CheckReport{}
		if err := json.Unmarshal(r.stdout, &rep); err != nil || !rep.OK {
			t.Errorf("iteration %d: check --repair did not restore consistency (exit %d): %v %s", iter, r.code, rep.Problems, r.stderr)
		}
	}
	present := map[int64]committedDoc{}
	recordDocs(t, runCLI(t, bin, lib, "docs"), present, false)
	for id, want := range committed {
		got, ok := present[id]
		if !ok {
			t.Errorf("iteration %d: document %d (%s), imported by a command that returned, is gone", iter, id, want.title)
		} else if got.pages != want.pages {
			t.Errorf("iteration %d: document %d has %d pages, had %d", iter, id, got.pages, want.pages)
		}
	}
	var list []index.Annotation
	r = runCLI(t, bin, lib, "annotations")
	if err := json.Unmarshal(r.stdout, &list); err != nil {
		t.Errorf("iteration %d: annotations: exit %d: %v %s", iter, r.code, err, r.stderr)
	}
	have := map[int64]index.Annotation{}
	for _, a := range list {
		have[a.ID] = a
	}
	for id, want := range annotations {
		a, ok := have[id]
		if !ok {
			t.Errorf("iteration %d: annotation %d (%q), made by a tag that returned, is gone", iter, id, want.quote)
			continue
		}
		sort.Strings(a.Themes)
		if a.DocID != want.doc || a.Quote != want.quote || strings.Join(a.Themes, "|") != want.themes {
			t.Errorf("iteration %d: annotation %d changed: %+v, want %+v", iter, id, a, want)
		}
	}
	return problems
}

func recordDocs(t *testing.T, r cliResult, into map[int64]committedDoc, fail bool) {
	t.Helper()
	var docs []docSummary
	if err := json.Unmarshal(r.stdout, &docs); err != nil {
		t.Fatalf("docs: exit %d: %v: %s", r.code, err, r.stderr)
	}
	for _, d := range docs {
		into[d.ID] = committedDoc{d.ID, d.Title, d.Pages}
	}
}
