package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

func TestImportProgressAndFailures(t *testing.T) {
	ctx := context.Background()
	lib, err := index.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	u, _ := newTestUI(t, lib)

	src := t.TempDir()
	for i, words := range []string{"alpha bravo", "charlie delta", "echo foxtrot"} {
		a := pdfgen.Article{Title: "Article " + words, Pages: [][]string{{"Body text with " + words + "."}}}
		if err := os.WriteFile(filepath.Join(src, "good"+string(rune('1'+i))+".pdf"), a.Doc().Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(src, "empty.pdf"), nil, 0o644)
	os.WriteFile(filepath.Join(src, "truncated.pdf"), []byte("%PDF-1.4\n1 0 obj <<"), 0o644)
	notes := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notes, []byte("Interview notes about trust and time."), 0o644)

	// files and folders dropped on the window are imported
	u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(src), storage.NewFileURI(notes)})
	job := u.importing
	if job == nil {
		t.Fatal("no import started")
	}
	u.Wait()
	if !job.finished {
		t.Fatal("import not finished")
	}
	if job.bar.Value != 1 {
		t.Errorf("progress %.2f at the end, want 1", job.bar.Value)
	}
	if len(job.report.Imported) != 4 || len(job.report.Failed) != 2 {
		t.Errorf("report: %d imported, %d failed", len(job.report.Imported), len(job.report.Failed))
	}
	s := job.summary.Text
	if !strings.Contains(s, "4 imported") || !strings.Contains(s, "2 failed") {
		t.Errorf("summary %q", s)
	}
	// the failure list names the files and why
	for _, f := range job.report.Failed {
		if !strings.Contains(f.File, "empty.pdf") && !strings.Contains(f.File, "truncated.pdf") || f.Error == "" {
			t.Errorf("failure %+v", f)
		}
	}
	if n := u.docs.rowCount(); n != 4 {
		t.Errorf("library list shows %d documents after the import", n)
	}
	for _, o := range u.banner.Objects {
		if o == job.panel {
			t.Error("progress panel still shown after the import")
		}
	}
	if len(u.banner.Objects) != 1 {
		t.Errorf("banner holds %d objects, want the summary", len(u.banner.Objects))
	}
	u.showImportFailures(job.report.Failed) // the summary's "Failed files" button
}

// An import of a PDF that needs a password says so, offers to enter it,
// and imports the file with it; a wrong password asks again. (qpdf
// encrypts the file; skipped without it.)
func TestImportAsksForPassword(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf not installed (scripts/install-deps installs it)")
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.pdf")
	if err := os.WriteFile(plain, testArticles[0].Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked.pdf")
	if msg, err := exec.Command("qpdf", "--encrypt", "open sesame", "owner", "256", "--", plain, locked).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, msg)
	}
	lib, err := index.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	u, _ := newTestUI(t, lib)
	u.StartImport([]string{locked})
	u.Wait()
	for _, password := range []string{"wrong", "open sesame"} {
		if n := u.docs.rowCount(); n != 0 {
			t.Fatalf("library shows %d documents before the password", n)
		}
		b := findButton(u.banner, "Password (1)…")
		if b == nil {
			t.Fatalf("no password button in the banner: %q", bannerText(u))
		}
		test.Tap(b)
		if u.passwordDialog == nil {
			t.Fatal("no password dialog")
		}
		test.Type(u.passwordEntry, password)
		u.passwordDialog.Submit()
		u.Wait()
	}
	if n := u.docs.rowCount(); n != 1 {
		t.Fatalf("library shows %d documents after the password, banner %q", n, bannerText(u))
	}
	docs, err := lib.Documents(context.Background())
	if err != nil || len(docs) != 1 || docs[0].Title == "" {
		t.Fatalf("documents %+v, %v", docs, err)
	}
}
