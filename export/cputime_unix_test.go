//go:build unix

package export

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used (user and system, all
// threads): benchmarks report it besides wall time, which other work on a
// shared machine stretches.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
