package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/index"
)

// TestSecondProcessReadsWhileLibraryIsHeld: while one process holds a
// library open (as the window does, through the same index API), another
// rapport reads it — docs, show, text, search (answered by the holder),
// annotations, export, report — and its writers are refused with a clear
// "in use" message naming the holder, and change nothing; a backup still
// works.
func TestSecondProcessReadsWhileLibraryIsHeld(t *testing.T) {
	bin := rapportBinary(t)
	tmp := t.TempDir()
	lib := filepath.Join(tmp, "lib")
	pool := crashInputs(t, filepath.Join(tmp, "in"), 40)
	if r := runCLI(t, bin, lib, "import", pool[0]); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	if r := runCLI(t, bin, lib, "tag", "1", "--quote", "crashmark0", "--theme", "Trust", "--page", "1"); r.code != 0 {
		t.Fatalf("tag: %s", r.stderr)
	}

	// This process holds the library, as the desktop app would.
	held, err := index.Open(context.Background(), lib, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(lib, index.DBFile))
	for _, tc := range []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"docs"}, `"Crash test article 0`},
		{[]string{"show", "1"}, `"page_count"`},
		{[]string{"text", "1", "--page", "1"}, "crashmark0"},
		{[]string{"search", "crashmark0"}, `"total": 1`},
		{[]string{"search", "+crashmark0 +trust", "--facets"}, `"facets"`},
		{[]string{"annotations"}, `"quote": "crashmark0"`},
		{[]string{"export", "--format", "md", "-o", "-"}, "crashmark0"},
		{[]string{"report"}, "Trust"},
		{[]string{"themes"}, `"Trust"`},
	} {
		r := runCLI(t, bin, lib, tc.args...)
		if r.code != 0 || !strings.Contains(string(r.stdout), tc.want) {
			t.Errorf("rapport %s while the library is held: exit %d, stderr %q, stdout %.300q; want %q", strings.Join(tc.args, " "), r.code, r.stderr, r.stdout, tc.want)
		}
	}
	if r := runCLI(t, bin, lib, "search", "year:>>"); r.code == 0 || !strings.Contains(r.stderr, "query syntax") {
		t.Errorf("a bad query while the library is held: exit %d, stderr %q; want the syntax error", r.code, r.stderr)
	}
	for _, args := range [][]string{{"import", pool[1]}, {"check", "--repair"}, {"tag", "1", "--quote", "crashmark0", "--theme", "Support"}, {"undo"}} {
		r := runCLI(t, bin, lib, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "in use") || !strings.Contains(r.stderr, "pid "+strconv.Itoa(os.Getpid())) {
			t.Errorf("rapport %s while the library is held: exit %d, stderr %q; want a failure naming pid %d", args[0], r.code, r.stderr, os.Getpid())
		}
	}
	if r := runCLI(t, bin, lib, "backup", filepath.Join(tmp, "while-held.zip")); r.code != 0 {
		t.Errorf("backup while the library is held: exit %d: %s", r.code, r.stderr)
	}
	held.Close()
	if after, _ := os.ReadFile(filepath.Join(lib, index.DBFile)); string(after) != string(before) {
		t.Error("commands run while the library was held changed library.sqlite")
	}

	// Two rapport processes: the second, started while the first imports,
	// is refused; the library is sound afterwards.
	first := exec.Command(bin, append([]string{"--library", lib, "--json", "import"}, pool[2:]...)...)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(lib, ".rapport.lock")
	deadline := time.Now().Add(30 * time.Second)
	refused := false
	for time.Now().Before(deadline) {
		holder, _ := os.ReadFile(lockPath)
		if strings.TrimSpace(string(holder)) == strconv.Itoa(first.Process.Pid) {
			r := runCLI(t, bin, lib, "tag", "1", "--quote", "care", "--theme", "x")
			if r.code != 0 && strings.Contains(r.stderr, "in use") && strings.Contains(r.stderr, fmt.Sprint(first.Process.Pid)) {
				refused = true
			} else if r.code == 0 {
				t.Errorf("a second process tagged while the first imported")
			}
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("the first process: %v", err)
	}
	if !refused {
		t.Log("the first import ended before a second process could contend; contention covered above")
	}
	r := runCLI(t, bin, lib, "check")
	if r.code != 0 {
		t.Errorf("check after two processes: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}
