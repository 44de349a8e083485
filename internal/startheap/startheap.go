// Package startheap asks Linux to back the Go heap's first arena with
// transparent huge pages (madvise MADV_HUGEPAGE), from the first package
// initialiser that runs, before most of the program's initialisers and
// its main have touched the heap.
//
// Why: a one-off command (`rapport help`, `search`, `extract`) is short
// enough that touching memory for the first time is a large part of it.
// On Rapport's 2-core VM each first touch of a 4 KB page costs 5–30 µs
// (a page fault, and the hypervisor's own fault behind it), so the few
// hundred heap pages that the package initialisers and a command touch
// cost milliseconds; a 2 MB huge page is one fault. Measured there:
// `rapport help` 24.3 → 21.4 ms at p50, interleaved. The Go runtime stopped
// advising huge pages itself in Go 1.21.1 (for long-lived servers, where
// they can hold memory the collector has freed); here the advice covers
// only the arena the heap starts in, the memory Rapport's one-off
// commands live in, and the kernel honours it only where THP is enabled
// ("always" or "madvise", the default of most distributions).
//
// The package imports nothing but unsafe, so that Go initialises it right
// after the runtime; cmd/rapport imports it for that side effect alone.
package startheap

import "unsafe"

// arenaBytes is the size and alignment of the Go runtime's heap arenas on
// 64-bit Linux (runtime.heapArenaBytes).
const arenaBytes = 64 << 20

const madvHugepage = 14 // MADV_HUGEPAGE, linux/mman-common.h

// probe is an object on the heap, whose address tells where the heap is.
var probe *[16]byte

// Errno is the result of the advice: 0 when the kernel accepted it (or on
// systems where it is not given), else the error number.
var Errno uintptr

func init() {
	probe = new([16]byte)
	arena := uintptr(unsafe.Pointer(probe)) &^ (arenaBytes - 1)
	Errno = adviseHugePages(arena, arenaBytes)
}
