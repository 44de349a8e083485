//go:build !unix

package index

import "os"

// acquireLock on systems without flock only creates the lock file; SQLite's
// own locking still keeps the database consistent.
func acquireLock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

func releaseLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}
