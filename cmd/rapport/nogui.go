//go:build !cgo

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// runGUI in the headless build (CGO_ENABLED=0: no window toolkit linked, so
// that a command starts in milliseconds and never loads OpenGL or X11) hands
// the process over to the window program beside it, with the same
// arguments, so that it sees the command line the user typed.
func runGUI(args []string, dir string, stderr io.Writer) int {
	path, err := windowPath()
	if err != nil {
		fmt.Fprintln(stderr, "rapport:", err)
		return exitUsage
	}
	quietCLocale()
	code, err := execWindow(path, args)
	if err != nil {
		fmt.Fprintf(stderr, "rapport: open the window (%s): %v\n", path, err)
		return exitFail
	}
	return code
}

// windowPath finds the window program beside this executable (symbolic links
// resolved, so a link to rapport on PATH finds the real installation).
func windowPath() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the window program: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	name := windowProgram
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	path := filepath.Join(filepath.Dir(self), name)
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("this build has no window (built without cgo) and the window program %s is not installed beside it; "+
			"`make build` builds both, or use a subcommand (see `rapport help`)", path)
	}
	if err != nil {
		return "", fmt.Errorf("find the window program %s: %w", path, err)
	}
	if selfInfo, err := os.Stat(self); err == nil && os.SameFile(info, selfInfo) {
		return "", fmt.Errorf("%s is this headless program itself, not the window (build it with CGO_ENABLED=1)", path)
	}
	return path, nil
}
