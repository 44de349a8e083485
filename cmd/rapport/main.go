// Command rapport is Rapport's one binary: with no subcommand it opens the
// desktop window on a library; with one it runs headless, for scripts and
// tests (see `rapport help`).
//
// This file is the composition root: it picks the library folder and hands
// it to the window or to a subcommand; neither holds the other's logic.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
