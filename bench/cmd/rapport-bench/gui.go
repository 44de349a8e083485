package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// measureGUI starts the desktop app on the library under a private Xvfb
// display and measures the time until its window is mapped (xdotool), and
// its resident memory once it has settled.
func measureGUI(ctx context.Context, rapport, lib string) (*Step, error) {
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not installed (scripts/install-deps)", tool)
		}
	}
	if out, _ := exec.Command("go", "version", "-m", rapport).Output(); strings.Contains(string(out), "CGO_ENABLED=0") {
		return nil, errors.New("bin/rapport was built without cgo (no window): build it with make build")
	}
	display := ":" + strconv.Itoa(90+os.Getpid()%9)
	x := exec.CommandContext(ctx, "Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	defer func() { x.Process.Kill(); x.Wait() }()
	sock := "/tmp/.X11-unix/X" + strings.TrimPrefix(display, ":")
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	env := append(os.Environ(), "DISPLAY="+display)
	app := exec.CommandContext(ctx, rapport, "--library", lib)
	app.Env = env
	start := time.Now()
	if err := app.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rapport, err)
	}
	defer func() { app.Process.Kill(); app.Wait() }()
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
