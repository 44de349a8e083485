//go:build !unix

package tesseract

func backgroundPriority(pid int) {}
