package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestCleanCloseSkipsTheCheck: a library that a process checked and closed
// cleanly opens without reading every page again; any change to the file
// since (even one that puts the modification time back), or a write-ahead
// log left over, brings the check back, and damage is still found.
func TestCleanCloseSkipsTheCheck(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the clean-close stamp needs the file's change time (linux)")
	}
	ctx := context.Background()
	dir := damagedLibrary(t) // closed cleanly after the check of its creation
	path := filepath.Join(dir, DBFile)
	openClose := func(opts *Options) (checked bool, err error) {
		before := quickChecks.Load()
		l, err := Open(ctx, dir, opts)
		if err != nil {
			return quickChecks.Load() > before, err
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		return quickChecks.Load() > before, nil
	}

	if checked, err := openClose(nil); err != nil || checked {
		t.Fatalf("open after a clean close: checked %v, err %v; want no check", checked, err)
	}
	// A reader's session keeps the stamp: the next writer skips the check.
	if checked, err := openClose(&Options{ForReading: true}); err != nil || checked {
		t.Fatalf("open for reading: checked %v, err %v", checked, err)
	}
	if checked, err := openClose(nil); err != nil || checked {
		t.Fatalf("open after a reader: checked %v, err %v; want no check", checked, err)
	}

	// A write-ahead log left beside the file (a crash) brings the check back.
	if err := os.WriteFile(path+"-wal", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if checked, err := openClose(nil); err != nil || !checked {
		// an empty log is no crash, but the check running is harmless
		t.Logf("empty log: checked %v, err %v", checked, err)
	}

	// Damage written by another program, with the modification time put
	// back: the change time still differs, the check runs and refuses.
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copy(data[newLibraryPageSize:], randomBytes(newLibraryPageSize, 3))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	checked, err := openClose(nil)
	if !checked || !errors.Is(err, ErrNotALibrary) {
		t.Fatalf("open after damage with the old mtime: checked %v, err %v; want the check to refuse it", checked, err)
	}
	// and refused again: a refused open leaves no stamp
	if checked, err := openClose(nil); !checked || !errors.Is(err, ErrNotALibrary) {
		t.Fatalf("second open of the damaged file: checked %v, err %v", checked, err)
	}
}
