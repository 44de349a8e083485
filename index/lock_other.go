//go:build !unix

package index

import (
	"io"
	"os"
)

// acquireLock on systems without flock only creates the lock file; SQLite's
// own locking still keeps the database consistent.
func acquireLock(path string) (*os.File, []byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	prev, _ := io.ReadAll(io.LimitReader(f, 4096))
	f.Truncate(0)
	return f, prev, nil
}

func releaseLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}
