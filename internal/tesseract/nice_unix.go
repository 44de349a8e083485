//go:build unix

package tesseract

import "syscall"

// backgroundPriority lowers a started tesseract process's priority (nice
// 10): OCR is background work, and the window's own work comes first.
func backgroundPriority(pid int) {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, 10)
}
