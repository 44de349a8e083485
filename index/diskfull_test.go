package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// smallDisk mounts a tmpfs of size bytes (root, with mount allowed) and
// returns its folder and a function that remounts it read-only; it skips
// the test with a clear message where that is impossible.
func smallDisk(t *testing.T, size string) (string, func(readOnly bool)) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: mounting a small tmpfs needs root (the read-only case is covered by TestReadOnlyLibraryFolder)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("skipping: cannot mount a tmpfs here (%v: %s)", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir, func(readOnly bool) {
		opt := "remount,rw"
		if readOnly {
			opt = "remount,ro"
		}
		if out, err := exec.Command("mount", "-o", opt, dir).CombinedOutput(); err != nil {
			t.Fatalf("mount -o %s: %v: %s", opt, err, out)
		}
	}
}

// TestDiskFull fills a small disk with imports: each failure must be a
// clear error, nothing committed before may be lost, the library must open
// and pass check once there is room again, and no temporary file or half
// backup may be left behind.
func TestDiskFull(t *testing.T) {
	disk, _ := smallDisk(t, "3m")
	ctx := context.Background()
	libDir := filepath.Join(disk, "lib")
	l, err := Open(ctx, libDir, nil)
	if err != nil {
		t.Fatalf("open on the small disk: %v", err)
	}
	// Room to free once the disk is full.
	if err := os.WriteFile(filepath.Join(disk, "filler"), make([]byte, 768<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	committed := map[string]bool{}
	var fullErr string
	for batch := 0; batch < 200 && fullErr == ""; batch++ {
		paths := writeArticles(t, filepath.Join(src, fmt.Sprint(batch)), batch*10+1, 10)
		rep, err := l.Import(ctx, paths, &ImportOptions{Workers: 1})
		if err != nil {
			fullErr = err.Error()
		}
		for _, f := range rep.Failed {
			fullErr = f.Error
		}
		for _, it := range rep.Imported {
			committed[fmt.Sprint(it.ID)] = true
		}
	}
	if fullErr == "" {
		t.Fatal("the disk never filled")
	}
	if !strings.Contains(fullErr, "no space left") && !strings.Contains(fullErr, "full") {
		t.Errorf("the disk-full error does not say so: %s", fullErr)
	}
	t.Logf("disk full after %d documents: %s", len(committed), fullErr)

	// A backup onto the full disk fails and leaves nothing half-written.
	dest := filepath.Join(disk, "backup.zip")
	if _, err := l.Backup(ctx, dest, nil); err == nil {
		t.Error("a backup onto a full disk succeeded")
	}
	if left, _ := filepath.Glob(filepath.Join(disk, ".*")); len(left) > 0 {
		t.Errorf("a failed backup left %v", left)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Error("a failed backup left a partial archive")
	}
	l.Close()

	// Room again: everything committed is there and the library is sound.
	for _, p := range []string{filepath.Join(disk, "filler")} {
		os.Remove(p)
	}
	l2, err := Open(ctx, libDir, nil)
	if err != nil {
		t.Fatalf("open after the disk filled: %v", err)
	}
	defer l2.Close()
	docs, err := l2.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, d := range docs {
		have[fmt.Sprint(d.ID)] = true
	}
	for id := range committed {
		if !have[id] {
			t.Errorf("document %s, imported before the disk filled, is gone", id)
		}
	}
	rep, err := l2.Check(ctx, CheckOptions{Repair: true, VerifyFiles: true})
	if err != nil {
		t.Fatalf("check --repair once there is room: %v", err)
	}
	if !rep.OK {
		t.Errorf("check --repair once there is room: %v", rep.Problems)
	}
	t.Logf("after freeing room: check repaired %v", rep.Repaired)
	if left, _ := filepath.Glob(filepath.Join(libDir, FilesDir, "*", "*"+tmpSuffix)); len(left) > 0 {
		t.Errorf("temporary originals left behind: %v", left)
	}
}

// TestReadOnlyLibraryFolder: a library on a read-only disk (or folder) is
// refused with a clear error, or opened without a single byte changed;
// imports fail clearly.
func TestReadOnlyLibraryFolder(t *testing.T) {
	ctx := context.Background()
	var libDir string
	var makeReadOnly func()
	if os.Geteuid() == 0 {
		disk, remount := smallDisk(t, "8m")
		libDir = filepath.Join(disk, "lib")
		makeReadOnly = func() { remount(true) }
		t.Cleanup(func() { remount(false) })
	} else {
		libDir = filepath.Join(t.TempDir(), "lib")
		makeReadOnly = func() {
			filepath.Walk(libDir, func(p string, info os.FileInfo, err error) error {
				if err == nil {
					os.Chmod(p, info.Mode()&^0o222)
				}
				return nil
			})
		}
		t.Cleanup(func() {
			filepath.Walk(libDir, func(p string, info os.FileInfo, err error) error {
				if err == nil {
					os.Chmod(p, info.Mode()|0o200)
				}
				return nil
			})
		})
	}
	l, err := Open(ctx, libDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, l, writeArticles(t, filepath.Join(t.TempDir(), "in"), 1, 3)...)
	l.Close()
	before := readTree(t, libDir)
	makeReadOnly()

	l, err = Open(ctx, libDir, nil)
	if err != nil {
		t.Logf("read-only library refused: %v", err)
		if !strings.Contains(err.Error(), libDir) {
			t.Errorf("the error does not name the library: %v", err)
		}
	} else {
		rep, ierr := l.Import(ctx, writeArticles(t, filepath.Join(t.TempDir(), "more"), 50, 1), nil)
		switch {
		case ierr != nil:
			t.Logf("import into a read-only library: %v", ierr)
		case len(rep.Failed) == 0:
			t.Error("an import into a read-only library reported success")
		default:
			t.Logf("import into a read-only library: %s", rep.Failed[0].Error)
		}
		if _, serr := l.Search(ctx, SearchRequest{Query: "marker1p1"}); serr != nil && !errors.Is(serr, ErrIndexDamaged) {
			t.Logf("search in a read-only library: %v", serr)
		}
		l.Close()
	}
	after := readTree(t, libDir)
	for name, data := range before {
		if name == lockFile {
			continue
		}
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed on a read-only disk", name)
		}
	}
}

// readTree reads every file under dir, keyed by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out[rel], _ = os.ReadFile(p)
		}
		return nil
	})
	return out
}
