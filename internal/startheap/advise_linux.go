//go:build linux && (amd64 || arm64)

package startheap

// madvise is the raw system call (in assembly: the syscall package would
// make this package initialise after the ones it is meant to precede).
func madvise(addr, n, advice uintptr) (errno uintptr)

func adviseHugePages(addr, n uintptr) uintptr { return madvise(addr, n, madvHugepage) }
