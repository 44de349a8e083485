//go:build cgo

package main

import (
	"fmt"
	"io"

	"github.com/rapport-qda/rapport/app"
)

// runGUI opens the desktop window on the library in dir.
func runGUI(dir string, stderr io.Writer) int {
	if err := app.Run(dir); err != nil {
		fmt.Fprintln(stderr, "rapport:", err)
		return exitFail
	}
	return exitOK
}
