package index

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// A metadata file with one bad record of eight imports the seven and lists
// the bad one with its line and why; the file is not a failure.
func TestImportBibWithOneBadRecord(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	var b strings.Builder
	badLine := 0
	for i := 0; i < 8; i++ {
		if i == 4 {
			badLine = strings.Count(b.String(), "\n") + 1
			b.WriteString("@article{bad,\n  title = {Broken {record,\n  year = 2001\n}\n\n")
			continue
		}
		fmt.Fprintf(&b, "@article{r%d,\n  title = {Record %d on trust},\n  author = {Smith, J.},\n  year = {20%02d}\n}\n\n", i, i, i)
	}
	rep, err := lib.Import(ctx, writeFiles(t, [2]string{"refs.bib", b.String()}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Imported) != 7 || len(rep.Failed) != 0 || len(rep.RecordsSkipped) != 1 {
		t.Fatalf("import: %d imported, failed %+v, records skipped %+v; want 7, none, 1", len(rep.Imported), rep.Failed, rep.RecordsSkipped)
	}
	s := rep.RecordsSkipped[0]
	if s.Line != badLine || s.Record != 5 || !strings.Contains(s.Error, "unbalanced braces") || !strings.HasSuffix(s.File, "refs.bib") {
		t.Errorf("skipped record: %+v; want line %d, record 5, why", s, badLine)
	}
	// A file with no readable record at all is a failure.
	rep, err = lib.Import(ctx, writeFiles(t, [2]string{"worse.bib", "@article{x, title = {Broken\n"}), nil)
	if err != nil || len(rep.Failed) != 1 || len(rep.RecordsSkipped) != 0 {
		t.Errorf("a file of bad records: %+v %v", rep, err)
	}
}

// Every file of an imported folder is accounted for: imported, updated,
// unchanged, failed, or skipped with a reason.
func TestImportFolderAccountsForEveryFile(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("paper.txt", "A paper about trust in care, long enough to be a source.")
	write("README.md", "# This folder\nHolds my sources.")
	write("LICENSE", "MIT")
	write(".DS_Store", "x")
	write(".git/config", "[core]")
	write("notes.docx", "PK binary")
	write("broken.pdf", "not a pdf at all")
	write("sub/refs.bib", "@article{a, title = {A record}, year = {2001}}")
	write("sub/again.txt", "A paper about trust in care, long enough to be a source.")
	os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "link-to-sub"))
	os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling.txt"))
	syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644)

	rep, err := lib.Import(ctx, []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	accounted := map[string]string{}
	note := func(list, file string) {
		if prev, ok := accounted[file]; ok {
			t.Errorf("%s is in %s and %s", file, prev, list)
		}
		accounted[file] = list
	}
	for _, it := range rep.Imported {
		note("imported", it.File)
	}
	for _, it := range rep.Unchanged {
		note("unchanged", it.File)
	}
	for _, f := range rep.Failed {
		note("failed", f.File)
	}
	if len(rep.SkippedFiles) != len(rep.Skipped) {
		t.Errorf("%d skipped, %d with reasons", len(rep.Skipped), len(rep.SkippedFiles))
	}
	for _, s := range rep.SkippedFiles {
		if s.Reason == "" {
			t.Errorf("%s skipped with no reason", s.File)
		}
		note("skipped ("+s.Reason+")", s.File)
	}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if path == dir || d.IsDir() && accounted[path] == "" {
			return nil
		}
		if accounted[path] == "" {
			for p := filepath.Dir(path); p != dir; p = filepath.Dir(p) {
				if accounted[p] != "" {
					return nil // inside a folder skipped whole
				}
			}
			t.Errorf("%s is not accounted for", path)
		}
		if d.IsDir() {
			return fs.SkipDir
		}
		return nil
	})
	for file, want := range map[string]string{"README.md": "skipped (a README", "LICENSE": "skipped (a README", ".git": "skipped (a hidden folder",
		".DS_Store": "skipped (a hidden file", "notes.docx": "skipped (not a kind of file", "broken.pdf": "failed", "link-to-sub": "skipped (a link to a folder",
		"dangling.txt": "skipped (a link to nothing", "pipe.txt": "skipped (not a regular file", "sub/refs.bib": "imported"} {
		if got := accounted[filepath.Join(dir, file)]; !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want %q…", file, got, want)
		}
	}
	if got := accounted[filepath.Join(dir, "sub/again.txt")] + accounted[filepath.Join(dir, "paper.txt")]; got != "importedunchanged" && got != "unchangedimported" {
		t.Errorf("the same text twice: %q", got)
	}
}

// With a stored original deleted, check names the problem with the fix
// that applies (import the file again), and importing the file again puts
// it back and says so; a damaged index gets the index's fix.
func TestReimportRestoresMissingOriginal(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	paths := writeFiles(t, [2]string{"one.txt", "The first paper, on trust and time together."}, [2]string{"two.txt", "The second paper, on heparin dosing."})
	mustImport(t, lib, paths...)
	docs, _ := lib.Documents(ctx)
	var gone Document
	for _, d := range docs {
		if d.FileName == "one.txt" {
			gone = d
		}
	}
	original, err := os.ReadFile(lib.FilePath(gone))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(lib.FilePath(gone))
	rep, err := lib.Check(ctx, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Issues) != 1 || !strings.Contains(rep.Issues[0].Problem, "is missing") || !strings.Contains(rep.Issues[0].Fix, "import one.txt again") {
		t.Fatalf("check: %+v", rep)
	}
	// check --repair cannot bring files back, and does not claim to.
	if rep, _ := lib.Check(ctx, CheckOptions{Repair: true}); rep.OK || len(rep.Repaired) != 0 {
		t.Errorf("check --repair with a missing original: %+v", rep)
	}
	imp := mustImport(t, lib, paths...)
	if len(imp.Restored) != 1 || imp.Restored[0].ID != gone.ID || len(imp.Unchanged) != 1 || len(imp.Imported) != 0 {
		t.Fatalf("re-import: restored %+v, unchanged %+v, imported %+v", imp.Restored, imp.Unchanged, imp.Imported)
	}
	if back, err := os.ReadFile(lib.FilePath(gone)); err != nil || !bytes.Equal(back, original) {
		t.Fatalf("the original is not back: %v", err)
	}
	if rep, err := lib.Check(ctx, CheckOptions{VerifyFiles: true}); err != nil || !rep.OK {
		t.Fatalf("check after restoring: %+v %v", rep, err)
	}
	// A third import finds it unchanged.
	if imp := mustImport(t, lib, paths...); len(imp.Unchanged) != 2 || len(imp.Restored) != 0 {
		t.Errorf("third import: %+v", imp)
	}
	// The index's problems name the index's fix.
	lib.Close()
	os.RemoveAll(filepath.Join(lib.Dir(), IndexDir))
	lib2 := openTestLibrary(t, lib.Dir())
	rep, err = lib2.Check(ctx, CheckOptions{})
	if err != nil || rep.OK || !slices.ContainsFunc(rep.Issues, func(is CheckIssue) bool {
		return strings.HasPrefix(is.Problem, "index:") && strings.Contains(is.Fix, "check --repair")
	}) {
		t.Errorf("check without an index: %+v %v", rep, err)
	}
}

// A PDF that needs a password fails with NeedsPassword set (the window
// offers to enter it; the CLI's JSON says "needs_password"), imports with
// ImportOptions.Password, and the password is stored nowhere.
func TestImportNeedsPassword(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf not installed (scripts/install-deps installs it)")
	}
	src := t.TempDir()
	plain := filepath.Join(src, "plain.pdf")
	a := pdfgen.Article{Title: "Trust and time with professionals", Pages: [][]string{{"Spending time together builds trust."}}}
	if err := os.WriteFile(plain, a.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(t.TempDir(), "locked.pdf")
	if msg, err := exec.Command("qpdf", "--encrypt", "open sesame", "owner", "256", "--", plain, locked).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, msg)
	}
	dir := t.TempDir()
	l := openTestLibrary(t, dir)
	for _, tc := range []struct {
		password string
		imported int
	}{{"", 0}, {"wrong", 0}, {"open sesame", 1}} {
		rep, err := l.Import(context.Background(), []string{locked}, &ImportOptions{Password: tc.password})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Imported) != tc.imported {
			t.Fatalf("password %q: imported %d, want %d (failed %+v)", tc.password, len(rep.Imported), tc.imported, rep.Failed)
		}
		if tc.imported == 0 && (len(rep.Failed) != 1 || !rep.Failed[0].NeedsPassword || !strings.Contains(rep.Failed[0].Error, "needs a password")) {
			t.Fatalf("password %q: failed %+v, want one needing a password", tc.password, rep.Failed)
		}
	}
	l.Close()
	db, err := os.ReadFile(filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, []byte("open sesame")) {
		t.Error("the password is in the library's database")
	}
}
