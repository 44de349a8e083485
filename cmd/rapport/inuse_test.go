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

// TestSecondProcessIsToldLibraryInUse: while one process works on a
// library, another rapport gets a clear "in use" message naming the
// holder, and changes nothing; a backup still works.
func TestSecondProcessIsToldLibraryInUse(t *testing.T) {
	bin := rapportBinary(t)
	tmp := t.TempDir()
	lib := filepath.Join(tmp, "lib")
	pool := crashInputs(t, filepath.Join(tmp, "in"), 40)
	if r := runCLI(t, bin, lib, "import", pool[0]); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}

	// This process holds the library, as the desktop app would.
	held, err := index.Open(context.Background(), lib, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(lib, index.DBFile))
	for _, args := range [][]string{{"docs"}, {"import", pool[1]}, {"search", "care"}, {"check", "--repair"}} {
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
		t.Error("refused commands changed library.sqlite")
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
