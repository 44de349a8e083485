package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rapport-qda/rapport/internal/xvfb"
)

// checkWindowBuild makes sure rapport can open the window: built with cgo
// itself, or the headless build with the window program (rapport-window,
// built with cgo) beside it, as make build installs them.
func checkWindowBuild(rapport string) error {
	noCgo := func(bin string) bool {
		out, _ := exec.Command("go", "version", "-m", bin).Output()
		return strings.Contains(string(out), "CGO_ENABLED=0")
	}
	if !noCgo(rapport) {
		return nil
	}
	window := filepath.Join(filepath.Dir(rapport), "rapport-window")
	if _, err := os.Stat(window); err != nil {
		return fmt.Errorf("%s is the headless build and %s is missing: build both with make build", rapport, window)
	}
	if noCgo(window) {
		return errors.New(window + " was built without cgo (no window): build it with make build")
	}
	return nil
}

// measureGUI starts the desktop app on the library under a private Xvfb
// display and measures the time until its window is mapped (xdotool), and
// its resident memory once it has settled.
func measureGUI(ctx context.Context, rapport, lib string) (*Step, error) {
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not installed (scripts/install-deps)", tool)
		}
	}
	if err := checkWindowBuild(rapport); err != nil {
		return nil, err
	}
	x, err := xvfb.Start(ctx, "1280x800x24")
	if err != nil {
		return nil, err
	}
	defer x.Stop()
	env := append(os.Environ(), "DISPLAY="+x.Display)
	app := exec.CommandContext(ctx, rapport, "--library", lib)
	app.Env = env
	start := time.Now()
	if err := app.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rapport, err)
	}
	defer func() {
		// closed as a user would close it (Fyne quits the app on SIGTERM), so
		// that the library is left as a clean close leaves it for the next run
		app.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { app.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			app.Process.Kill()
			<-done
		}
	}()
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	wait := exec.CommandContext(wctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "Rapport")
	wait.Env = env
	if out, err := wait.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("no Rapport window within 60s: %v %s", err, out)
	}
	first := time.Since(start).Seconds()
	time.Sleep(3 * time.Second) // let it load what it shows first
	rss, hwm := procMem(app.Process.Pid)
	return &Step{Step: "gui first frame", Tool: "rapport (Xvfb)", WallS: first, RSSMB: rss,
		Note: fmt.Sprintf("time until the window is mapped; RSS %.0f MB 3 s after (peak %.0f MB)", rss, hwm)}, nil
}

// procMem returns a process's current and peak resident memory in MB.
func procMem(pid int) (rss, hwm float64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}
