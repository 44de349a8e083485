// Package gctune sets the garbage collector for bulk work (importing and
// indexing many files), which allocates fast and keeps little: collecting
// at 5× the live heap instead of 2×, under a soft memory limit, spends a
// third less CPU and wall time on an import of 1,000 articles; and for a
// one-off command that does one bounded piece of work and exits (see
// ForOneOff). A GOGC or GOMEMLIMIT set in the environment is left to rule.
package gctune

import (
	"os"
	"runtime/debug"
)

const (
	bulkPercent     = 400
	bulkMemoryLimit = 400 << 20 // bytes; soft: the collector runs more often near it

	// oneOffPercent: the heap may grow to 5× what is live before a
	// collection (and to 16 MB before the first) instead of 2× (4 MB).
	oneOffPercent = 400
)

// ForBulk sets the collector for bulk work and returns the function that
// restores the previous settings.
func ForBulk() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(bulkPercent)
	limit := debug.SetMemoryLimit(bulkMemoryLimit)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

// windowMemoryLimit is the window's soft limit: its Go memory (the
// library's caches, the page view's drawn pages, PDFium's WebAssembly
// memory) is collected and handed back to the system as it nears it, so
// that the process — with the OpenGL driver and PDFium's compiled code on
// top — stays within its 400 MB budget while pages are turned. It is soft:
// a larger working set (a big import) is collected more often, not
// refused. Measured with scripts/pageview-bench (50 turns of the corpus
// joined, under Xvfb with Mesa's software OpenGL, whose own memory is
// about 130 MB of the process): resident 461 MB after the turns at 256 MB,
// 386 MB at 160 MB, the turn's p95 unchanged (89 and 75 ms, a loaded
// machine); at 128 MB the p50 rose from 44 to 58 ms.
const windowMemoryLimit = 160 << 20

// ForWindow sets the collector for the window (GOMEMLIMIT, when set,
// rules).
func ForWindow() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(windowMemoryLimit)
}

// ForOneOff sets the collector for a one-off command, such as `rapport
// extract FILE`: the extraction of an article allocates about 4 MB, which
// with the default setting took one or two collections in a process that
// exits right after, each costing their CPU time and the first touch of
// the collector's own memory. With it, a short command runs without a
// collection, while a large document still gets collected at 5× its live
// heap, so memory stays proportional to the work. It returns the function
// that restores the previous setting.
func ForOneOff() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(oneOffPercent)
	return func() { debug.SetGCPercent(percent) }
}
