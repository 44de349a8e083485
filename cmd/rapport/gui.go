//go:build cgo

package main

import (
	"fmt"
	"io"

	"github.com/rapport-qda/rapport/app"
)

// runGUI opens the desktop window on the library in dir. This is the window
// program (the build with cgo, installed as rapport-window beside the
// headless rapport); args, the command line, are read by the window itself.
func runGUI(args []string, dir string, stderr io.Writer) int {
	if err := app.Run(dir); err != nil {
		fmt.Fprintln(stderr, "rapport:", err)
		return exitFail
	}
	return exitOK
}
