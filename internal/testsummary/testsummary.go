// Package testsummary reads the event stream of `go test -json` and prints
// what `go test` prints without it — a line per package, the output of
// failed tests and of failed builds — and, at the end, one line that lists
// the tests that were skipped and why, which plain `go test` hides behind
// "ok". scripts/test pipes its test runs through it (scripts/testsummary.go).
package testsummary

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action     string
	Package    string
	ImportPath string // build events
	Test       string
	Elapsed    float64
	Output     string
}

// Skip is one skipped test and the reason it gave.
type Skip struct {
	Package, Test, Reason string
}

// Result is what a run found.
type Result struct {
	Failed   bool // a test, a package or a build failed
	Packages int
	Tests    int // tests that ran to a verdict (pass, fail or skip)
	Skips    []Skip
	// Slowest are the packages by their test time, slowest first.
	Slowest []PackageTime
	// SlowestTests are the top-level tests by their time, slowest first.
	SlowestTests []PackageTime
}

// PackageTime is how long one package's tests took.
type PackageTime struct {
	Package string
	Elapsed time.Duration
}

// Summarise copies the run to w as plain `go test` would show it and
// returns what it found.
func Summarise(r io.Reader, w io.Writer) (*Result, error) {
	res := &Result{}
	output := map[string][]string{} // package/test → its output lines
	key := func(e event) string { return e.Package + "\x00" + e.Test }
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintln(w, string(line)) // not an event: pass it on
			continue
		}
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "build-fail":
			res.Failed = true
		case "output":
			output[key(e)] = append(output[key(e)], e.Output)
		case "pass", "fail", "skip":
			lines := output[key(e)]
			delete(output, key(e))
			if e.Test != "" {
				res.Tests++
				if !strings.Contains(e.Test, "/") {
					res.SlowestTests = append(res.SlowestTests, PackageTime{e.Package + "." + e.Test, time.Duration(e.Elapsed * float64(time.Second))})
				}
				switch e.Action {
				case "fail":
					// A subtest's output comes with its own events: it is
					// printed when the subtest fails, before its parent's.
					fmt.Fprint(w, strings.Join(lines, ""))
				case "skip":
					res.Skips = append(res.Skips, Skip{Package: e.Package, Test: e.Test, Reason: skipReason(lines)})
				}
				continue
			}
			res.Packages++
			elapsed := time.Duration(e.Elapsed * float64(time.Second))
			switch {
			case e.Action == "fail":
				res.Failed = true
				// The package's own output: a panic, a build error, FAIL.
				fmt.Fprint(w, strings.Join(lines, ""))
				if !endsWithFail(lines) {
					fmt.Fprintf(w, "FAIL\t%s\t%.3fs\n", e.Package, e.Elapsed)
				}
			case e.Action == "skip":
				fmt.Fprintf(w, "?   \t%s\t[no test files]\n", e.Package)
			default:
				fmt.Fprintf(w, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
			}
			if e.Action != "skip" {
				res.Slowest = append(res.Slowest, PackageTime{e.Package, elapsed})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("read go test -json output: %w", err)
	}
	sort.SliceStable(res.Slowest, func(i, j int) bool { return res.Slowest[i].Elapsed > res.Slowest[j].Elapsed })
	sort.SliceStable(res.SlowestTests, func(i, j int) bool { return res.SlowestTests[i].Elapsed > res.SlowestTests[j].Elapsed })
	return res, nil
}

func endsWithFail(lines []string) bool {
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return strings.HasPrefix(l, "FAIL")
		}
	}
	return false
}

// skipReason is what a skipped test logged, without the framework's lines.
func skipReason(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		// "file_test.go:16: skipping: …" → "skipping: …"
		if i := strings.Index(t, ": "); i > 0 && strings.Contains(t[:i], ".go:") {
			t = t[i+2:]
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return strings.Join(parts, " ")
}

// SkipLine is the one line that lists the skipped tests and why, tests
// with the same reason together.
func (r *Result) SkipLine() string {
	if len(r.Skips) == 0 {
		return "skipped: none"
	}
	var reasons []string
	tests := map[string][]string{}
	for _, s := range r.Skips {
		if tests[s.Reason] == nil {
			reasons = append(reasons, s.Reason)
		}
		name := s.Package[strings.LastIndex(s.Package, "/")+1:] + "." + s.Test
		tests[s.Reason] = append(tests[s.Reason], name)
	}
	var parts []string
	for _, why := range reasons {
		parts = append(parts, strings.Join(tests[why], ", ")+" ("+why+")")
	}
	n := len(r.Skips)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return fmt.Sprintf("skipped: %d test%s: %s", n, plural, strings.Join(parts, "; "))
}
