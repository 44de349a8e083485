package main

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// windowBinary is the window program make build (and scripts/test) put in
// bin/, or "" when it is not there or is out of date.
func windowBinary(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", "..", "bin", windowProgram))
	if err != nil {
		return ""
	}
	if _, err := os.Stat(bin); err != nil {
		return ""
	}
	return bin
}

// startTestDisplay starts a private Xvfb and returns its DISPLAY value.
func startTestDisplay(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	xlog := new(bytes.Buffer)
	x.Stderr = xlog
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("Xvfb said:\n%s", xlog.String())
		}
	})
	if err := x.Start(); err != nil {
		t.Skipf("Xvfb would not start (%v): the window's test needs it (scripts/install-deps)", err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Signal(syscall.SIGTERM); x.Wait() })
	// Read up to the newline: Xvfb may write the number and the newline
	// apart, and a pipe closed after the first write kills it ("Cannot
	// write display number to fd 3").
	r.SetReadDeadline(time.Now().Add(20 * time.Second))
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	buf, n := []byte(line), len(line)
	if err != nil || strings.TrimSpace(string(buf[:n])) == "" {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	num := strings.TrimSpace(string(buf[:n]))
	// The display can be reported before it takes connections: wait until
	// its socket answers, or the window fails with "Failed to open display"
	// (-noreset: the probe's leaving would otherwise reset the server, and
	// a client arriving meanwhile is refused).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Xvfb display :%s takes no connections: %v", num, err)
		}
	}
	return ":" + num
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
		t.Skip("bin/rapport-window is not built (make build; scripts/test builds it before the tests)")
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skip("Xvfb is not installed (scripts/install-deps)")
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
