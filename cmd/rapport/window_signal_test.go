package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/internal/xvfb"
)

// windowBinary is the window program make build (and scripts/test) put in
// bin/, or "" when it is not there or is out of date.
func windowBinary(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", "..", "bin", windowProgram))
	if err != nil {
		return ""
	}
	built, err := os.Stat(bin)
	if err != nil {
		return ""
	}
	// Out of date: a source file (or an embedded asset) changed after it
	// was built, so it would run other code than the one under test.
	root := filepath.Join("..", "..")
	stale := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "bin" || name == "bench" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(built.ModTime()) {
			return errStaleBinary
		}
		return nil
	})
	if stale != nil {
		t.Logf("bin/%s is older than the sources, or they could not be read (%v)", windowProgram, stale)
		return ""
	}
	return bin
}

var errStaleBinary = errors.New("a source changed after the build")

// startTestDisplay starts a private Xvfb and returns its DISPLAY value;
// when the test fails, what Xvfb said is logged.
func startTestDisplay(t *testing.T) string {
	t.Helper()
	x, err := xvfb.Start(context.Background(), "1280x800x24")
	if errors.Is(err, exec.ErrNotFound) {
		t.Skip("Xvfb is not installed (scripts/install-deps)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		x.Stop()
		if t.Failed() {
			t.Logf("Xvfb said:\n%s", x.Log())
		}
	})
	return x.Display
}

// TestWindowClosesCleanlyOnSIGTERM: the window asked to end by a signal (a
// logout, a service manager, kill) closes as its close button would: the
// library is closed cleanly, which leaves the clean-close stamp in its lock
// file (so the next start skips the whole-file check), and it exits 0.
func TestWindowClosesCleanlyOnSIGTERM(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the clean-close stamp is written on linux only")
	}
	window := windowBinary(t)
	if window == "" {
		t.Skip("bin/rapport-window is not built or out of date (make build; scripts/test builds it before the tests)")
	}
	display := startTestDisplay(t)

	src := t.TempDir()
	pdf := writeArticle(t, src, "a.pdf", "Signals and windows", "sigtermmarker", 2)
	lib := filepath.Join(t.TempDir(), "lib")
	bin := rapportBinary(t)
	if res := runCLI(t, bin, lib, "import", pdf); res.code != 0 {
		t.Fatalf("import: exit %d: %s", res.code, res.stderr)
	}
	lockPath := filepath.Join(lib, ".rapport.lock")

	cmd := exec.Command(window, "--library", lib)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// The window holds the library once its pid is in the lock file.
	pid := strconv.Itoa(cmd.Process.Pid)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(lockPath)
		if strings.TrimSpace(string(b)) == pid {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the window ended before it opened the library: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the window did not open the library within a minute\n%s", stderr.String())
		}
	}
	time.Sleep(time.Second) // into its event loop
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("the window ended before it was asked to (%v): %v\n%s", err, <-done, stderr.String())
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM the window ended with %v, want exit 0\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the window did not end within 30 s of SIGTERM\n%s", stderr.String())
	}
	b, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "clean-close ") {
		t.Errorf("after SIGTERM the lock file holds %q, want the clean-close stamp", b)
	}
	// and the library opens again at once, not "in use"
	if res := runCLI(t, bin, lib, "search", "sigtermmarker"); res.code != 0 {
		t.Errorf("search after the window closed: exit %d: %s", res.code, res.stderr)
	}
}
