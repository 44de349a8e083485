package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hostileDir is the committed regression corpus of small hostile inputs.
const hostileDir = "testdata/hostile"

// hostileFiles are the small inputs kept in testdata/hostile, with their
// generators (RAPPORT_WRITE_HOSTILE=1 rewrites the files).
var hostileFiles = map[string]func() []byte{
	"empty.pdf":          func() []byte { return nil },
	"random-bytes.pdf":   func() []byte { return randomBytes(4096, 1) },
	"truncated.pdf":      truncatedPDF,
	"encrypted.pdf":      encryptedPDF,
	"cyclic-pages.pdf":   cyclicPagesPDF,
	"cyclic-xobject.pdf": cyclicRefsPDF,
	"deeply-nested.pdf":  func() []byte { return deeplyNestedPDF(5000) },
	"huge-count.pdf":     hugeCountPDF,
	"image-only.pdf":     imageOnlyPDF,
	"latin1.bib": func() []byte {
		return []byte("@article{cafe2019,\n  title = {Caf\xe9 culture and care in M\xfcnchen},\n  author = {M\xfcller, J\xfcrgen},\n  journal = {Soci\xe9t\xe9},\n  year = {2019}\n}\n")
	},
	"invalid-utf8.ris": func() []byte {
		return []byte("TY  - JOUR\nTI  - Broken \xc3\x28 bytes \xa0\xa1 in a title\nAU  - Nobody, A.\nPY  - 2020\nER  - \n")
	},
	"malformed.json":   func() []byte { return []byte(`[{"title": "Unclosed record", "DOI": "10.1/x", "author": [{"family": `) },
	"not-metadata.bib": func() []byte { return randomBytes(2048, 2) },
}

// TestHostileCorpusFiles keeps testdata/hostile in step with its generators.
func TestHostileCorpusFiles(t *testing.T) {
	write := os.Getenv("RAPPORT_WRITE_HOSTILE") != ""
	for name, gen := range hostileFiles {
		path := filepath.Join(hostileDir, name)
		if write {
			os.MkdirAll(hostileDir, 0o755)
			if err := os.WriteFile(path, gen(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s is missing from the corpus (RAPPORT_WRITE_HOSTILE=1 go test ./index -run TestHostileCorpusFiles)", path)
		}
	}
}

// hostileCase is one input and what importing it must do.
type hostileCase struct {
	name string
	// make writes the input under dir and returns the paths to import.
	make func(t *testing.T, dir string) []string
	// fail is a phrase the per-file error must hold ("" when the import
	// must succeed).
	fail string
	// failFile is the file the error must name (default: the only path).
	failFile string
	// imported is how many documents a successful import adds (-1: any).
	imported int
	// during runs beside the import (a file vanishing mid-import).
	during func(p ImportProgress, paths []string)
	// big inputs are generated at test time and skipped with -short.
	big bool
}

func corpusFile(name string) func(*testing.T, string) []string {
	return func(t *testing.T, dir string) []string {
		abs, err := filepath.Abs(filepath.Join(hostileDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return []string{abs}
	}
}

func generated(name string, gen func() []byte) func(*testing.T, string) []string {
	return func(t *testing.T, dir string) []string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, gen(), 0o644); err != nil {
			t.Fatal(err)
		}
		return []string{p}
	}
}

// bigAbstractBib is a 50 MB BibTeX file of one record whose abstract is
// nearly all of it.
func bigAbstractBib() []byte {
	var b strings.Builder
	b.WriteString("@article{huge, title = {A record with an enormous abstract}, year = {2001}, abstract = {")
	for b.Len() < 50<<20 {
		b.WriteString("word ")
	}
	b.WriteString("}}\n")
	return []byte(b.String())
}

// manyRecordsRIS is a RIS file of about size bytes of short records (a
// whole reference manager exported at once).
func manyRecordsRIS(size int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "TY  - JOUR\nTI  - Bulk record number %d on care and trust\nAU  - Author, A%d\nPY  - %d\nDO  - 10.9999/bulk.%d\nAB  - %s\nER  - \n", i, i, 1990+i%30, i, strings.Repeat("abstract words ", 20))
	}
	return []byte(b.String())
}

func hostileCases() []hostileCase {
	var cases []hostileCase
	for _, c := range []struct{ file, fail string }{
		{"empty.pdf", "empty"},
		{"random-bytes.pdf", "not a PDF"},
		{"truncated.pdf", "malformed"},
		{"encrypted.pdf", "encrypted"},
		{"deeply-nested.pdf", "malformed"},
		{"malformed.json", "parse metadata"},
		{"not-metadata.bib", "parse metadata"},
	} {
		cases = append(cases, hostileCase{name: c.file, make: corpusFile(c.file), fail: c.fail})
	}
	cases = append(cases,
		// A scan: stored "scanned, not read", for OCR to read (ocr.go).
		hostileCase{name: "image-only.pdf", make: corpusFile("image-only.pdf"), imported: 1},
		hostileCase{name: "cyclic-pages.pdf", make: corpusFile("cyclic-pages.pdf"), imported: 1},
		// It claims a hundred million pages and has one: the one is read.
		hostileCase{name: "huge-count.pdf", make: corpusFile("huge-count.pdf"), imported: 1},
		hostileCase{name: "cyclic-xobject.pdf", make: corpusFile("cyclic-xobject.pdf"), imported: 1},
		hostileCase{name: "latin1.bib", make: corpusFile("latin1.bib"), imported: 1},
		hostileCase{name: "invalid-utf8.ris", make: corpusFile("invalid-utf8.ris"), imported: 1},
		hostileCase{name: "decompression bomb (1 GiB stream)", make: generated("bomb.pdf", func() []byte { return bombPDF(1 << 30) }), imported: 1, big: true},
		hostileCase{name: "2000 pages", make: generated("many-pages.pdf", func() []byte { return manyPagesPDF(2000) }), imported: 1, big: true},
		hostileCase{name: "50 MB metadata file, one record", make: generated("big.bib", bigAbstractBib), fail: "more than the", big: true},
		hostileCase{name: "path with spaces and Unicode", make: func(t *testing.T, dir string) []string {
			sub := filepath.Join(dir, "Dossier à lire", "論文 collection")
			os.MkdirAll(sub, 0o755)
			p := filepath.Join(sub, "Ünïcödé article (draft 2) — 論文.pdf")
			os.WriteFile(p, articlePDF(901, 2), 0o644)
			return []string{p}
		}, imported: 1},
		hostileCase{name: "symlink loop in a folder", make: func(t *testing.T, dir string) []string {
			root := filepath.Join(dir, "loop")
			os.MkdirAll(filepath.Join(root, "sub"), 0o755)
			os.WriteFile(filepath.Join(root, "sub", "inside.pdf"), articlePDF(902, 1), 0o644)
			os.Symlink(root, filepath.Join(root, "sub", "back-to-root"))
			os.Symlink("self-loop", filepath.Join(root, "self-loop"))
			return []string{root}
		}, imported: 1},
		hostileCase{name: "fifo named .pdf", make: func(t *testing.T, dir string) []string {
			p := filepath.Join(dir, "pipe.pdf")
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("cannot make a FIFO here: %v", err)
			}
			return []string{p}
		}, fail: "not a regular file"},
		hostileCase{name: "symlink to a device named .pdf", make: func(t *testing.T, dir string) []string {
			p := filepath.Join(dir, "endless.pdf")
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Skipf("cannot link to /dev/zero: %v", err)
			}
			return []string{p}
		}, fail: "not a regular file"},
		hostileCase{name: "device link inside a folder", make: func(t *testing.T, dir string) []string {
			root := filepath.Join(dir, "devices")
			os.MkdirAll(root, 0o755)
			os.Symlink("/dev/zero", filepath.Join(root, "zero.pdf"))
			os.Symlink("/dev/urandom", filepath.Join(root, "random.bib"))
			return []string{root}
		}, imported: 0},
		hostileCase{name: "file disappears mid-import", make: func(t *testing.T, dir string) []string {
			var paths []string
			// More files than the import pipeline holds in flight, so the
			// last is still unread when the first is stored.
			for i := 0; i < 24; i++ {
				p := filepath.Join(dir, fmt.Sprintf("vanishing-%02d.pdf", i))
				os.WriteFile(p, articlePDF(910+i, 1), 0o644)
				paths = append(paths, p)
			}
			return paths
		}, fail: "no such file", failFile: "vanishing-23.pdf", imported: 23,
			during: func(p ImportProgress, paths []string) {
				if p.Done == 1 {
					os.Remove(paths[len(paths)-1])
				}
			}},
		// Last: it leaves thousands of records, which slow the snapshots.
		hostileCase{name: "metadata file of 2500 records", make: generated("many.ris", func() []byte { return manyRecordsRIS(1 << 20) }), imported: -1, big: true},
	)
	return cases
}

// TestHostileInputs imports each hostile input into a library that already
// holds work, and checks: no panic, a clear per-file error naming the file
// (or a clean import where the input is odd but valid), bounded time (a
// context deadline) and memory, and nothing stored before changed.
func TestHostileInputs(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	l := openTestLibrary(t, filepath.Join(tmp, "lib"))
	mustImport(t, l, writeArticles(t, filepath.Join(tmp, "base"), 1, 3)...)
	inputs := 0
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			if tc.big && testing.Short() {
				t.Skip("big generated input: skipped with -short")
			}
			dir := filepath.Join(tmp, "in", strings.NewReplacer(" ", "_", "/", "_").Replace(tc.name))
			os.MkdirAll(dir, 0o755)
			paths := tc.make(t, dir)
			before := librarySnapshot(t, l)
			docsBefore, _ := l.DocumentCount(ctx)

			peak := watchHeap()
			cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			opts := &ImportOptions{Workers: 1}
			if tc.during != nil {
				opts.Progress = func(p ImportProgress) { tc.during(p, paths) }
			}
			type result struct {
				rep *ImportReport
				err error
			}
			done := make(chan result, 1)
			go func() {
				rep, err := l.Import(cctx, paths, opts)
				done <- result{rep, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(3 * time.Minute):
				t.Fatalf("import of %v did not return, even after its context ended", paths)
			}
			grown := peak()
			inputs += len(paths)
			if r.err != nil {
				t.Fatalf("import as a whole failed: %v", r.err)
			}
			if grown > 1<<30 {
				t.Errorf("heap grew by %d MB while importing", grown>>20)
			}
			t.Logf("heap peak +%d MB; imported %d, failed %v", grown>>20, len(r.rep.Imported), r.rep.Failed)

			if tc.fail != "" {
				name := tc.failFile
				if name == "" {
					name = filepath.Base(paths[0])
				}
				found := false
				for _, f := range r.rep.Failed {
					if strings.Contains(f.Error, name) && strings.Contains(f.Error, tc.fail) {
						found = true
					}
				}
				if !found {
					t.Errorf("want a failure naming %s and saying %q; failed: %+v", name, tc.fail, r.rep.Failed)
				}
			} else if len(r.rep.Failed) > 0 && tc.imported != -1 {
				t.Errorf("want a clean import, failed: %+v", r.rep.Failed)
			}
			if tc.imported >= 0 && len(r.rep.Imported) != tc.imported {
				t.Errorf("imported %d documents, want %d", len(r.rep.Imported), tc.imported)
			}
			after := librarySnapshot(t, l)
			for k, v := range before {
				if after[k] != v {
					t.Errorf("stored %s changed", k)
				}
			}
			docsAfter, _ := l.DocumentCount(ctx)
			if tc.imported >= 0 && docsAfter-docsBefore != tc.imported {
				t.Errorf("library went from %d to %d documents, want +%d", docsBefore, docsAfter, tc.imported)
			}
			leftovers, _ := filepath.Glob(filepath.Join(l.Dir(), FilesDir, "*", "*"+tmpSuffix))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left in the library: %v", leftovers)
			}
		})
	}
	rep, err := l.Check(ctx, CheckOptions{VerifyFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Errorf("library after the hostile inputs: %v", rep.Problems)
	}
	t.Logf("hostile corpus: %d cases, %d inputs tried", len(hostileCases()), inputs)
}

// watchHeap samples the live heap until the returned function is called,
// which returns the peak growth over the level at the start, in bytes.
func watchHeap() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		wg.Wait()
		if p := peak.Load(); p > base {
			return p - base
		}
		return 0
	}
}
