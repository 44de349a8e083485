//go:build !cgo

package main

import (
	"fmt"
	"io"
)

// runGUI in a build without cgo: the window needs cgo (OpenGL), the
// headless commands do not.
func runGUI(dir string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "rapport: this build has no window (built without cgo); use a subcommand, see `rapport help`")
	return exitUsage
}
