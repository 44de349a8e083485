package index

import (
	"bytes"
	"os"
	"path/filepath"
	"sync/atomic"
)

// The integrity check of a whole library.sqlite (PRAGMA quick_check) reads
// every page: most of a second at 100,000 articles, before the window can
// show. A library that was checked when a process opened it, and that this
// process closed cleanly, is as SQLite left it; the close writes a stamp of
// the file (size, modification and change times, inode and device) into
// the lock file, and the next Open skips the check when the file still
// matches it and no write-ahead log is left over. Anything that changed the
// file since — another program, a copy, a restore, a crash with unwritten
// log — changes its stamp (the change time cannot be set back), and the
// check runs again.

// cleanClosePrefix starts the lock file's content after a clean close.
const cleanClosePrefix = "clean-close "

// cleanCloseStamp is the stamp written at a clean close, or nil where the
// file's identity cannot be read (stampOf).
func cleanCloseStamp(dbPath string) []byte {
	s := stampOf(dbPath)
	if s == "" {
		return nil
	}
	return []byte(cleanClosePrefix + s + "\n")
}

// stampStillHolds reports whether the lock file's previous content is the
// stamp of a clean close that still describes library.sqlite, with no
// write-ahead log beside it.
func stampStillHolds(prev []byte, dbPath string) bool {
	if !bytes.HasPrefix(prev, []byte(cleanClosePrefix)) {
		return false
	}
	if info, err := os.Stat(dbPath + "-wal"); err == nil && info.Size() > 0 {
		return false
	} else if err != nil && !os.IsNotExist(err) {
		return false
	}
	want := cleanCloseStamp(dbPath)
	return want != nil && bytes.Equal(bytes.TrimSpace(prev), bytes.TrimSpace(want))
}

// writeCleanCloseStamp records the clean close of the library in dir into
// its lock file, which the process still holds. It writes nothing when the
// log is still there (the database did not close cleanly).
func (l *Library) writeCleanCloseStamp() {
	if l.lock == nil {
		return
	}
	path := filepath.Join(l.dir, DBFile)
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		return
	}
	stamp := cleanCloseStamp(path)
	if stamp == nil {
		return
	}
	if err := l.lock.Truncate(0); err != nil {
		return
	}
	l.lock.WriteAt(stamp, 0)
}

// quickChecks counts the integrity checks Open ran (for tests).
var quickChecks atomic.Int64
