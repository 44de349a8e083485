//go:build !cgo && unix

package main

import (
	"os"
	"syscall"
)

// execWindow replaces this process with the window program: same process
// id, so whoever started rapport (a desktop launcher, a script that later
// kills it) holds the window. It returns only on failure.
func execWindow(path string, args []string) (int, error) {
	err := syscall.Exec(path, append([]string{path}, args...), os.Environ())
	return exitFail, err
}
