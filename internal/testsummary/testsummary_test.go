package testsummary

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A real `go test -json` run of a small module with a passing, a failing
// and two skipped tests (one skip in a subtest), and a package with no
// tests: the summary prints the usual lines and the failing test's output,
// says the run failed, and lists the skips with their reasons.
func TestSummariseRealRun(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs go test on a generated module")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":      "module example.com/demo\n\ngo 1.22\n",
		"a/a.go":      "package a\n",
		"a/a_test.go": "package a\nimport \"testing\"\nfunc TestPass(t *testing.T) {}\nfunc TestFail(t *testing.T) { t.Log(\"the detail\"); t.Fatal(\"it broke\") }\nfunc TestSkip(t *testing.T) { t.Skip(\"skipping: needs ../shared\") }\nfunc TestSub(t *testing.T) { t.Run(\"inner\", func(t *testing.T) { t.Skipf(\"no %s here\", \"X\") }) }\nfunc TestNested(t *testing.T) { t.Run(\"deep\", func(t *testing.T) { t.Error(\"the nested cause\") }) }\n",
		"b/b.go":      "package b\n",
		"c/c.go":      "package c\n",
		"c/c_test.go": "package c\nimport \"testing\"\nfunc TestOK(t *testing.T) {}\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "test", "-json", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	out, _ := cmd.Output() // fails: TestFail
	var w bytes.Buffer
	res, err := Summarise(bytes.NewReader(out), &w)
	if err != nil {
		t.Fatal(err)
	}
	text := w.String()
	for _, want := range []string{"FAIL\texample.com/demo/a", "it broke", "the detail", "the nested cause", "--- FAIL: TestNested/deep", "ok  \texample.com/demo/c", "?   \texample.com/demo/b\t[no test files]"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if !res.Failed {
		t.Error("a failing run is not marked failed")
	}
	line := res.SkipLine()
	for _, want := range []string{"skipped: 2 tests", "a.TestSkip (skipping: needs ../shared)", "a.TestSub/inner (no X here)"} {
		if !strings.Contains(line, want) {
			t.Errorf("skip line %q lacks %q", line, want)
		}
	}
	if len(res.SlowestTests) != 6 || len(res.Slowest) != 2 {
		t.Errorf("timings: %d tests, %d packages; want 6 top-level tests, 2 packages with tests", len(res.SlowestTests), len(res.Slowest))
	}
	if strings.Contains(text, "TestPass") {
		t.Errorf("a passing test's output is shown:\n%s", text)
	}
}

func TestSkipLineGroupsReasons(t *testing.T) {
	r := &Result{Skips: []Skip{{"x/index", "TestA", "no corpus"}, {"x/cmd", "TestB", "no corpus"}, {"x/app", "TestC", "short"}}}
	if got, want := r.SkipLine(), "skipped: 3 tests: index.TestA, cmd.TestB (no corpus); app.TestC (short)"; got != want {
		t.Errorf("SkipLine() = %q, want %q", got, want)
	}
	if got := (&Result{}).SkipLine(); got != "skipped: none" {
		t.Errorf("no skips: %q", got)
	}
}
