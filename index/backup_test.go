package index

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	l := openTestLibrary(t, filepath.Join(tmp, "lib"))
	mustImport(t, l, writeArticles(t, filepath.Join(tmp, "in"), 1, 12)...)
	if err := l.SetMetadataField(ctx, 3, "year", "2016"); err != nil {
		t.Fatal(err)
	}
	want := librarySnapshot(t, l)

	archive := filepath.Join(tmp, "backup one.zip")
	rep, err := l.Backup(ctx, archive, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Documents != 12 || rep.Files != 12 || rep.Bytes == 0 {
		t.Errorf("backup report %+v, want 12 documents and 12 files", rep)
	}
	leftovers, _ := filepath.Glob(filepath.Join(tmp, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left beside the backup: %v", leftovers)
	}

	restored := filepath.Join(tmp, "restored ü")
	rrep, err := Restore(ctx, archive, restored, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rrep.Documents != 12 || rrep.Files != 12 {
		t.Errorf("restore report %+v", rrep)
	}
	r := openTestLibrary(t, restored)
	diffSnapshots(t, want, librarySnapshot(t, r))
	check, err := r.Check(ctx, CheckOptions{VerifyFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK {
		t.Errorf("restored library does not pass check: %v", check.Problems)
	}
	res, err := r.Search(ctx, SearchRequest{Query: "marker5p1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || !strings.HasPrefix(res.Hits[0].Title, "Article 5 ") || res.Hits[0].Page != 1 {
		t.Errorf("search in the restored library: %+v, want article 5 page 1", res.Hits)
	}
}

// TestBackupWhileInUse backs up through BackupDir (no lock) while another
// Library holds the lock and imports: the snapshot is a consistent state
// between before and after the import.
func TestBackupWhileInUse(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	libDir := filepath.Join(tmp, "lib")
	l := openTestLibrary(t, libDir)
	mustImport(t, l, writeArticles(t, filepath.Join(tmp, "a"), 1, 6)...)
	before := librarySnapshot(t, l)
	more := writeArticles(t, filepath.Join(tmp, "b"), 100, 30)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, p := range more {
			if _, err := l.Import(ctx, []string{p}, nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	archive := filepath.Join(tmp, "during.zip")
	var reps []*BackupReport
	for i := 0; i < 3; i++ {
		rep, err := BackupDir(ctx, libDir, archive, nil)
		if err != nil {
			t.Fatalf("backup while importing: %v", err)
		}
		reps = append(reps, rep)
	}
	wg.Wait()
	after := librarySnapshot(t, l)
	t.Logf("backups during import held %d, %d, %d documents (before %d, after 36)", reps[0].Documents, reps[1].Documents, reps[2].Documents, 6)

	restored := filepath.Join(tmp, "restored")
	if _, err := Restore(ctx, archive, restored, nil); err != nil {
		t.Fatal(err)
	}
	r := openTestLibrary(t, restored)
	got := librarySnapshot(t, r)
	for k, v := range before {
		if got[k] != v {
			t.Errorf("%s: not as before the import", k)
		}
	}
	for k, v := range got {
		if after[k] != v {
			t.Errorf("%s: restored, but not in the library after the import", k)
		}
	}
	check, err := r.Check(ctx, CheckOptions{VerifyFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK {
		t.Errorf("restored snapshot does not pass check: %v", check.Problems)
	}
}

func TestRestoreNeverOverwritesWithoutForce(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	l := openTestLibrary(t, filepath.Join(tmp, "lib"))
	mustImport(t, l, writeArticles(t, filepath.Join(tmp, "in"), 1, 2)...)
	archive := filepath.Join(tmp, "b.zip")
	if _, err := l.Backup(ctx, archive, nil); err != nil {
		t.Fatal(err)
	}

	other := filepath.Join(tmp, "other")
	o, err := Open(ctx, other, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, o, writeArticles(t, filepath.Join(tmp, "in2"), 50, 3)...)
	o.Close()
	dbBefore, _ := os.ReadFile(filepath.Join(other, DBFile))

	_, err = Restore(ctx, archive, other, nil)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over a library without force: %v, want a refusal naming --force", err)
	}
	if dbAfter, _ := os.ReadFile(filepath.Join(other, DBFile)); !bytes.Equal(dbBefore, dbAfter) {
		t.Fatal("refused restore changed the existing library")
	}

	// In use: refused even with force.
	held := openTestLibrary(t, other)
	if _, err := Restore(ctx, archive, other, &RestoreOptions{Force: true}); !errors.Is(err, ErrLibraryInUse) {
		t.Fatalf("restore over a library in use: %v, want ErrLibraryInUse", err)
	}
	held.Close()

	rep, err := Restore(ctx, archive, other, &RestoreOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Previous == "" {
		t.Fatal("forced restore did not say where the previous library went")
	}
	if kept, _ := os.ReadFile(filepath.Join(rep.Previous, DBFile)); !bytes.Equal(dbBefore, kept) {
		t.Fatal("forced restore did not keep the previous library intact")
	}
	r := openTestLibrary(t, other)
	if n, _ := r.DocumentCount(ctx); n != 2 {
		t.Fatalf("restored library has %d documents, want 2", n)
	}

	// An empty folder is fine without force.
	empty := filepath.Join(tmp, "empty")
	os.Mkdir(empty, 0o755)
	if _, err := Restore(ctx, archive, empty, nil); err != nil {
		t.Fatalf("restore into an empty folder: %v", err)
	}
}

func TestRestoreRejectsBadArchives(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	l := openTestLibrary(t, filepath.Join(tmp, "lib"))
	mustImport(t, l, writeArticles(t, filepath.Join(tmp, "in"), 1, 2)...)
	good := filepath.Join(tmp, "good.zip")
	if _, err := l.Backup(ctx, good, nil); err != nil {
		t.Fatal(err)
	}
	entries := readZip(t, good)

	rewrite := func(name string, edit func(map[string][]byte)) string {
		m := map[string][]byte{}
		for k, v := range entries {
			m[k] = v
		}
		edit(m)
		p := filepath.Join(tmp, name)
		writeZip(t, p, m)
		return p
	}
	var blob string
	for k := range entries {
		if strings.HasPrefix(k, "files/") {
			blob = k
		}
	}
	tests := []struct {
		name    string
		archive string
		want    string
	}{
		{"not a zip", writeBytes(t, filepath.Join(tmp, "junk.zip"), []byte("definitely not a zip")), "not a Rapport backup"},
		{"damaged original", rewrite("damaged.zip", func(m map[string][]byte) { m[blob] = append([]byte("x"), m[blob]...) }), "damaged"},
		{"path escape", rewrite("escape.zip", func(m map[string][]byte) { m["../../evil.txt"] = []byte("x") }), "unexpected entry"},
		{"missing original", rewrite("missing.zip", func(m map[string][]byte) { delete(m, blob) }), "manifest says"},
		{"no database", rewrite("nodb.zip", func(m map[string][]byte) { delete(m, DBFile) }), "not a Rapport backup"},
		{"garbage database", rewrite("baddb.zip", func(m map[string][]byte) { m[DBFile] = bytes.Repeat([]byte("z"), 4096) }), "does not open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dest := filepath.Join(tmp, "out-"+strings.ReplaceAll(tc.name, " ", "-"))
			_, err := Restore(ctx, tc.archive, dest, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore: %v, want an error saying %q", err, tc.want)
			}
			if _, serr := os.Stat(dest); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("failed restore left %s behind", dest)
			}
			if _, serr := os.Stat(filepath.Join(tmp, "evil.txt")); serr == nil {
				t.Error("an archive entry escaped the restore folder")
			}
		})
	}
	left, _ := filepath.Glob(filepath.Join(tmp, ".out-*"))
	if len(left) > 0 {
		t.Errorf("failed restores left work folders: %v", left)
	}
}

func TestBackupRefusesInsideLibrary(t *testing.T) {
	tmp := t.TempDir()
	l := openTestLibrary(t, tmp)
	if _, err := l.Backup(context.Background(), filepath.Join(tmp, "files", "b.zip"), nil); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("backup into the library folder: %v, want ErrInvalidInput", err)
	}
}

func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		out[f.Name] = b.Bytes()
	}
	return out
}

func writeZip(t *testing.T, path string, entries map[string][]byte) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	writeBytes(t, path, b.Bytes())
}

func writeBytes(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
