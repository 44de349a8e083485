package index

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagedLibrary builds a closed library of a few articles and returns its
// folder.
func damagedLibrary(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "lib")
	l, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, l, writeArticles(t, filepath.Join(tmp, "in"), 1, 8)...)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile+"-wal")); err == nil {
		if info, _ := os.Stat(filepath.Join(dir, DBFile+"-wal")); info.Size() > 0 {
			t.Fatalf("the WAL was not checkpointed on close")
		}
	}
	return dir
}

// databaseDamage is one way library.sqlite gets damaged, with the error
// opening it must give.
type databaseDamage struct {
	name   string
	damage func(t *testing.T, path string)
	want   error
	say    string
}

func databaseDamages() []databaseDamage {
	return []databaseDamage{
		{"garbage over the middle", func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			junk := randomBytes(len(data)-8192, 7)
			copy(data[4096:], junk)
			os.WriteFile(path, data, 0o644)
		}, ErrNotALibrary, "damaged"},
		{"garbage over the last page", func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			last := len(data) - newLibraryPageSize
			copy(data[last:], randomBytes(newLibraryPageSize, 9))
			os.WriteFile(path, data, 0o644)
		}, ErrNotALibrary, "damaged"},
		{"truncated to half", func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			os.WriteFile(path, data[:len(data)/2], 0o644)
		}, ErrNotALibrary, "damaged"},
		{"header only", func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			os.WriteFile(path, append(data[:100:100], bytes.Repeat([]byte{0xAB}, 4000)...), 0o644)
		}, ErrNotALibrary, "damaged"},
		{"not SQLite at all", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("%PDF-1.4 someone saved a PDF here"), 0o644)
		}, ErrNotALibrary, "not an SQLite database"},
		{"written by a newer Rapport", func(t *testing.T, path string) {
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}, ErrNewerSchema, "newer"},
	}
}

// TestDamagedDatabaseIsNeverOverwritten damages library.sqlite in several
// ways: opening it must fail with a clear error and leave its bytes as
// they were.
func TestDamagedDatabaseIsNeverOverwritten(t *testing.T) {
	for _, tc := range databaseDamages() {
		t.Run(tc.name, func(t *testing.T) {
			dir := damagedLibrary(t)
			path := filepath.Join(dir, DBFile)
			tc.damage(t, path)
			before, _ := os.ReadFile(path)
			for attempt := 0; attempt < 2; attempt++ {
				l, err := Open(context.Background(), dir, nil)
				if err == nil {
					l.Close()
					t.Fatal("a damaged library opened")
				}
				if tc.want != nil && !errors.Is(err, tc.want) {
					t.Errorf("error %v, want %v", err, tc.want)
				}
				if !strings.Contains(err.Error(), path) || (tc.say != "" && !strings.Contains(err.Error(), tc.say)) {
					t.Errorf("error does not name the file and say %q: %v", tc.say, err)
				}
				t.Logf("attempt %d: %v", attempt+1, err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Fatal("library.sqlite was changed by opening it")
			}
			// A backup of a damaged one is refused, not written half (a
			// newer library's backup is a faithful copy: allowed).
			if tc.want == ErrNewerSchema {
				return
			}
			if _, err := BackupDir(context.Background(), dir, filepath.Join(t.TempDir(), "b.zip"), nil); err == nil {
				t.Error("a damaged library was backed up without complaint")
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("library.sqlite was changed by a backup attempt")
			}
		})
	}
}

// TestDamagedDatabaseOpenedForReading: opened for reading, a damaged
// library.sqlite skips the whole-file check. The damage must then be
// reported by the open or by each read that meets it: a read either fails
// or gives what it gave before the damage, and the file stays as it was.
func TestDamagedDatabaseOpenedForReading(t *testing.T) {
	ctx := context.Background()
	// reads lists the documents and searches; it returns what each gave
	// (as JSON) or its error.
	reads := func(l *Library) (results []string, errs []error) {
		docs, err := l.Documents(ctx)
		results, errs = append(results, mustJSON(t, docs)), append(errs, err)
		res, err := l.Search(ctx, SearchRequest{Query: "the", Limit: 50})
		if res != nil {
			res.Took = 0
		}
		results, errs = append(results, mustJSON(t, res)), append(errs, err)
		return results, errs
	}
	for _, tc := range databaseDamages() {
		t.Run(tc.name, func(t *testing.T) {
			dir := damagedLibrary(t)
			path := filepath.Join(dir, DBFile)
			l, err := Open(ctx, dir, &Options{ForReading: true})
			if err != nil {
				t.Fatal(err)
			}
			want, errs := reads(l)
			l.Close()
			if err := errors.Join(errs...); err != nil {
				t.Fatalf("reads before the damage: %v", err)
			}
			tc.damage(t, path)
			before, _ := os.ReadFile(path)
			l, err = Open(ctx, dir, &Options{ForReading: true})
			if err == nil {
				got, errs := reads(l)
				l.Close()
				for i := range got {
					if errs[i] == nil && got[i] != want[i] {
						t.Errorf("read %d of the damaged library gave something else than before the damage, without an error:\n%s\nwant\n%s", i, got[i], want[i])
					}
					t.Logf("read %d: %v", i, errs[i])
				}
			} else {
				if tc.want != nil && !errors.Is(err, tc.want) {
					t.Errorf("error %v, want %v", err, tc.want)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error does not name the file: %v", err)
				}
				t.Logf("open: %v", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("library.sqlite was changed by opening it for reading")
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestDamagedIndexIsRebuilt damages index.bleve in several ways: the
// library must notice, say so, rebuild from SQLite and search correctly.
func TestDamagedIndexIsRebuilt(t *testing.T) {
	files := func(t *testing.T, dir, pattern string) []string {
		var out []string
		filepath.Walk(filepath.Join(dir, IndexDir), func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				if ok, _ := filepath.Match(pattern, info.Name()); ok {
					out = append(out, p)
				}
			}
			return nil
		})
		if len(out) == 0 {
			t.Fatalf("no %s in the index", pattern)
		}
		return out
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"deleted", func(t *testing.T, dir string) { os.RemoveAll(filepath.Join(dir, IndexDir)) }},
		{"replaced by a file", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, IndexDir))
			os.WriteFile(filepath.Join(dir, IndexDir), []byte("junk"), 0o644)
		}},
		{"root.bolt garbage", func(t *testing.T, dir string) {
			for _, p := range files(t, dir, "root.bolt") {
				os.WriteFile(p, randomBytes(8192, 3), 0o644)
			}
		}},
		{"segments truncated", func(t *testing.T, dir string) {
			for _, p := range files(t, dir, "*.zap") {
				data, _ := os.ReadFile(p)
				os.WriteFile(p, data[:len(data)/3], 0o644)
			}
		}},
		{"segments scribbled", func(t *testing.T, dir string) {
			r := rand.New(rand.NewSource(5))
			for _, p := range files(t, dir, "*.zap") {
				data, _ := os.ReadFile(p)
				for i := 0; i < len(data)/50; i++ {
					data[r.Intn(len(data))] = byte(r.Intn(256))
				}
				os.WriteFile(p, data, 0o644)
			}
		}},
		{"segments deleted", func(t *testing.T, dir string) {
			for _, p := range files(t, dir, "*.zap") {
				os.Remove(p)
			}
		}},
		{"metadata garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, IndexDir, "index_meta.json"), []byte(`{"storage":"nosuch","index_type":"x"}`), 0o644)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := damagedLibrary(t)
			tc.damage(t, dir)
			ctx := context.Background()
			var notices []string
			l, err := Open(ctx, dir, &Options{Notice: func(m string) { notices = append(notices, m) }})
			if err != nil {
				t.Fatalf("open with a damaged index: %v", err)
			}
			defer l.Close()
			// The app's path: the first search finds the damage, says so,
			// rebuilds and answers correctly.
			for seed := 1; seed <= 8; seed++ {
				res, err := l.Search(ctx, SearchRequest{Query: fmt.Sprintf("marker%dp1", seed)})
				if err != nil {
					t.Fatalf("search with a damaged index: %v", err)
				}
				if res.Total != 1 {
					t.Errorf("marker of article %d: %d hits after the rebuild, want 1", seed, res.Total)
				}
			}
			if len(notices) == 0 {
				t.Error("the damaged index was rebuilt without telling the user")
			}
			t.Logf("notices: %q", notices)
			rep, err := l.Check(ctx, CheckOptions{})
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			if !rep.OK {
				t.Fatalf("check after the rebuild: %v", rep.Problems)
			}
		})
	}
}

// TestInterruptedRebuildIsRedone: a rebuild that stopped before its swap
// (the marker it leaves in SQLite) makes the next open distrust the old
// index, say so and rebuild; check reports it and --repair clears it.
func TestInterruptedRebuildIsRedone(t *testing.T) {
	ctx := context.Background()
	dir := damagedLibrary(t)
	l, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.setRebuildMarker(ctx, true); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Check(ctx, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK {
		t.Error("check passed with an interrupted rebuild")
	}
	l.Close()

	var notices []string
	l, err = Open(ctx, dir, &Options{Notice: func(m string) { notices = append(notices, m) }})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	res, err := l.Search(ctx, SearchRequest{Query: "marker3p1"})
	if err != nil || res.Total != 1 {
		t.Fatalf("search after an interrupted rebuild: %v %v", res, err)
	}
	if len(notices) == 0 || !strings.Contains(notices[0], "rebuilt when Rapport stopped") {
		t.Errorf("notices %q, want one about the interrupted rebuild", notices)
	}
	if l.rebuildInterrupted(ctx) {
		t.Error("the marker outlived a finished rebuild")
	}
	if rep, err := l.Check(ctx, CheckOptions{}); err != nil || !rep.OK {
		t.Errorf("check after the rebuild: %v %v", rep, err)
	}
}
