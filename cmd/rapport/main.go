// Command rapport is Rapport's one command: with no subcommand it opens the
// desktop window on a library; with one it runs headless, for scripts and
// tests (see `rapport help`).
//
// It is built twice from this package. Built without cgo (CGO_ENABLED=0,
// bin/rapport) it links no window toolkit, so that a subcommand starts in
// milliseconds and never loads OpenGL or X11; with no subcommand it hands
// the process over to the window program installed beside it. Built with
// cgo (bin/rapport-window) it is that window program, Fyne's OpenGL driver
// included, and still runs every subcommand. `make build` builds both.
//
// This file is the composition root: it picks the library folder and hands
// it to the window or to a subcommand; neither holds the other's logic.
package main

import (
	"os"

	// Initialised right after the runtime: the heap's first arena is
	// advised to use huge pages before the other initialisers touch it.
	_ "github.com/rapport-qda/rapport/internal/startheap"
)

// windowProgram is the file name of the window: this same program built with
// cgo (Fyne's OpenGL driver), installed beside the headless one. `make build`
// and `make package` install both.
const windowProgram = "rapport-window"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
