package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/testenv"
)

// TestHeadlessBuildLinksNoWindowToolkit: built without cgo, rapport links
// nothing of Fyne (or OpenGL, X11, the Markdown renderer Fyne brings), so a
// command neither pays for their start-up nor loads their libraries; built
// with cgo, the same package is the window program.
func TestHeadlessBuildLinksNoWindowToolkit(t *testing.T) {
	root := testenv.RepoRoot(t)
	deps := func(cgo string) []string {
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", "./cmd/rapport")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+cgo)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps ./cmd/rapport (CGO_ENABLED=%s): %v\n%s", cgo, err, out)
		}
		return strings.Fields(string(out))
	}
	for _, dep := range deps("0") {
		for _, banned := range []string{"fyne.io/", "github.com/go-gl/", "github.com/yuin/goldmark", "github.com/rapport-qda/rapport/app"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("the headless build links %s", dep)
			}
		}
	}
	window := false
	for _, dep := range deps("1") {
		window = window || dep == "github.com/rapport-qda/rapport/app"
	}
	if !window {
		t.Error("built with cgo, cmd/rapport does not link the window (package app)")
	}
}

// headlessCopy copies the headless rapport into a folder of its own, where
// a test can put (or not) a window program beside it.
func headlessCopy(t *testing.T) (dir, bin string) {
	t.Helper()
	data, err := os.ReadFile(rapportBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "rapport")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, bin
}

// TestHeadlessCommandsSayNothingOnStderr: under the C locale of containers
// and CI, where Fyne printed "Error parsing user locale C" on every command,
// a headless command writes nothing to stderr.
func TestHeadlessCommandsSayNothingOnStderr(t *testing.T) {
	_, bin := headlessCopy(t)
	src := t.TempDir()
	pdf := writeArticle(t, src, "a.pdf", "Quiet commands", "hushmarker", 2)
	lib := filepath.Join(t.TempDir(), "lib")
	for _, args := range [][]string{
		{"help"},
		{"--library", lib, "--json", "import", pdf}, // (without --json, its progress goes to stderr)
		{"--library", lib, "search", "hushmarkera"},
		{"extract", pdf},
	} {
		for _, locale := range []string{"C.UTF-8", "C", "POSIX", "sv_SE.UTF-8"} {
			cmd := exec.Command(bin, args...)
			cmd.Env = append(withoutLocale(os.Environ()), "LANG="+locale)
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = nil, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("rapport %s (LANG=%s): %v\n%s", strings.Join(args, " "), locale, err, stderr.String())
			}
			if stderr.Len() > 0 {
				t.Errorf("rapport %s (LANG=%s) wrote to stderr: %q", strings.Join(args, " "), locale, stderr.String())
			}
		}
	}
}

func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "LANG=") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANGUAGE=") {
			out = append(out, kv)
		}
	}
	return out
}

// TestHeadlessHandsOverToTheWindow: with no subcommand, the headless rapport
// becomes the window program installed beside it — same process, the
// command line passed on as typed — and says clearly when there is none.
func TestHeadlessHandsOverToTheWindow(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in window program is a shell script")
	}
	dir, bin := headlessCopy(t)
	lib := filepath.Join(t.TempDir(), "lib")

	// No window program: a usage error that names the missing file.
	cmd := exec.Command(bin, "--library", lib)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitUsage {
		t.Fatalf("no window program beside rapport: %v, want exit %d", err, exitUsage)
	}
	window := filepath.Join(dir, windowProgram)
	if !strings.Contains(stderr.String(), window) || !strings.Contains(stderr.String(), "make build") {
		t.Errorf("the message does not name %s and say how to build it: %q", window, stderr.String())
	}

	// A stand-in for the window program (the real one needs cgo and a
	// display): it records its process id and arguments, and exits 7.
	record := filepath.Join(dir, "record.txt")
	script := "#!/bin/sh\necho \"$$\" > " + record + "\nfor a in \"$@\"; do echo \"$a\" >> " + record + "; done\nexit 7\n"
	if err := os.WriteFile(window, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// Reached through a symbolic link, as from a bin folder on PATH.
	link := filepath.Join(t.TempDir(), "rapport")
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(link, "--library", lib)
	stderr.Reset()
	cmd.Stderr = &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
		t.Fatalf("rapport with a window program beside it: %v (stderr %q), want the window's exit 7", err, stderr.String())
	}
	got, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the window program did not run: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if want := []string{strconv.Itoa(cmd.Process.Pid), "--library", lib}; strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("the window program ran as %q, want %q (the same process, the arguments as typed)", lines, want)
	}

	// A headless build put there by mistake is refused, not run in a loop.
	data, _ := os.ReadFile(bin)
	if err := os.WriteFile(window, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bin, "--library", lib)
	stderr.Reset()
	cmd.Stderr = &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitUsage || !strings.Contains(stderr.String(), "not the window") {
		t.Errorf("a headless build as the window program: %v, stderr %q; want exit %d saying it is not the window", err, stderr.String(), exitUsage)
	}
}

// Start-up budget of the headless rapport: what the package initialisers
// allocate before main, as GODEBUG=inittrace=1 reports it (bytes are
// deterministic where times are not). Today about 460 KB in total, the
// largest ledongthuc/pdf's glyph table (about 215 KB). Work that only some
// commands need (a WebAssembly PDF engine, a fuzzy-query automaton, compiled
// patterns) belongs in a sync.Once at first use, not in an init.
const (
	initBudgetTotal      = 1 << 20   // bytes, all initialisers together
	initBudgetPerPackage = 300 << 10 // bytes, any one package
)

// TestStartupInitBudget fails when a package initialiser of the headless
// build does heavy work: for example when Bleve's scorch builds its fuzzy
// automata at init again (1 MB, 26,000 allocations: third_party/vellum is
// what defers them).
func TestStartupInitBudget(t *testing.T) {
	_, bin := headlessCopy(t)
	cmd := exec.Command(bin, "help")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("rapport help: %v\n%s", err, stderr.String())
	}
	type initCost struct {
		pkg    string
		bytes  int
		allocs int
	}
	var costs []initCost
	total := 0
	for _, line := range strings.Split(stderr.String(), "\n") {
		// init github.com/x/y @1.2 ms, 0.5 ms clock, 1234 bytes, 5 allocs
		f := strings.Fields(line)
		if len(f) < 11 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		b, err1 := strconv.Atoi(f[7])
		a, err2 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil {
			t.Fatalf("unexpected inittrace line %q", line)
		}
		costs = append(costs, initCost{f[1], b, a})
		total += b
	}
	if len(costs) == 0 {
		t.Fatalf("no inittrace lines in the output:\n%s", stderr.String())
	}
	sort.Slice(costs, func(i, j int) bool { return costs[i].bytes > costs[j].bytes })
	for i, c := range costs[:min(5, len(costs))] {
		t.Logf("#%d %s: %d bytes, %d allocs", i+1, c.pkg, c.bytes, c.allocs)
	}
	t.Logf("%d initialisers, %d bytes in all", len(costs), total)
	if total > initBudgetTotal {
		t.Errorf("package initialisers allocate %d bytes, over the budget of %d", total, initBudgetTotal)
	}
	for _, c := range costs {
		if c.bytes > initBudgetPerPackage {
			t.Errorf("init %s allocates %d bytes (%d allocs), over the budget of %d for one package", c.pkg, c.bytes, c.allocs, initBudgetPerPackage)
		}
	}
}
