//go:build unix

package index

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// acquireLock takes an exclusive, non-blocking lock on path, so that two
// processes never write one library at once. The lock dies with the
// process, so a crash never leaves a library locked. It returns what the
// file held before it wrote its own pid there: the stamp of the last clean
// close, if there was one (see cleanCloseStamp).
func acquireLock(path string) (*os.File, []byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(holder))
			if _, perr := strconv.Atoi(pid); perr == nil {
				return nil, nil, fmt.Errorf("%w (pid %s); close it first", ErrLibraryInUse, pid)
			}
			return nil, nil, fmt.Errorf("%w; close it first", ErrLibraryInUse)
		}
		return nil, nil, err
	}
	prev, _ := io.ReadAll(io.LimitReader(f, 4096))
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, prev, nil
}

func releaseLock(f *os.File) {
	if f == nil {
		return
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}
