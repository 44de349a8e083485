//go:build !cgo && !unix

package main

import (
	"errors"
	"os"
	"os/exec"
)

// execWindow runs the window program with this process's standard streams
// and returns its exit code (there is no exec(2) to hand the process over).
func execWindow(path string, args []string) (int, error) {
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return exitFail, err
	}
	return exitOK, nil
}
