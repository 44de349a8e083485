package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// TestResponsiveWhileImportingIntoALargeLibrary opens the window on a large
// library (RAPPORT_SCALE_LIBRARY, e.g. 2,000 documents made with
// scripts/mklibrary.go; skipped without it), starts an import of generated
// PDFs and, while it runs, searches by typing, turns reader pages and
// measures how long UI updates wait. It checks that all of that works
// during the import and logs the figures; it asserts no timings.
func TestResponsiveWhileImportingIntoALargeLibrary(t *testing.T) {
	src := os.Getenv("RAPPORT_SCALE_LIBRARY")
	if src == "" {
		t.Skip("set RAPPORT_SCALE_LIBRARY to a large library folder (go run scripts/mklibrary.go -dir DIR -n 0 -texts 2000)")
	}
	ctx := context.Background()
	// work on a copy: the test imports into it
	copyDir := filepath.Join(t.TempDir(), "library")
	if err := os.CopyFS(copyDir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(copyDir, ".rapport.lock"))
	start := time.Now()
	lib, err := index.Open(ctx, copyDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	total, _ := lib.DocumentCount(ctx)
	opened := time.Since(start)

	u, _ := newTestUI(t, lib)
	// This test measures the window's own concurrency: background work
	// hands its updates over as in the running app (serialised by the UI
	// lock, which the test takes for its own taps), not deferred to Wait.
	// Nothing runs after newTestUI's Wait, so the switch is safe here.
	u.deferUpdates = false
	listed := time.Since(start)
	if u.docs.rowCount() != total {
		t.Fatalf("list shows %d of %d documents", u.docs.rowCount(), total)
	}
	t.Logf("library of %d documents: opened in %v, window with its list in %v", total, opened, listed)

	// PDFs to import while the window is used
	dir := t.TempDir()
	const nPDF = 300
	nonce := time.Now().UnixNano()
	for i := 0; i < nPDF; i++ {
		var pages [][]string
		for p := 0; p < 6; p++ {
			pages = append(pages, []string{fmt.Sprintf("Scale article %d page %d: the coach listened, and trust grew over the months of support. Word%dx%d (%d).", i, p+1, i, p, nonce)})
		}
		a := pdfgen.Article{Title: fmt.Sprintf("Scale article %d", i), Pages: pages}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("scale-%03d.pdf", i)), a.Doc().Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// open a document with pages to turn
	docs, _ := lib.BrowseDocuments(ctx, index.BrowseRequest{Sort: "pages", Descending: true})
	u.OpenDocument(docs[0].ID, 1, "")
	u.Wait()

	importStart := time.Now()
	u.StartImport([]string{dir})
	job := u.importing

	var lockWaits, searches, pageTurns []time.Duration
	searchesDuringImport, pagesDuringImport := 0, 0
	queries := []string{"trust", "coach", "support", "recovery", "listened"}
	for round := 0; ; round++ {
		// a UI update from elsewhere: how long until it may run
		t0 := time.Now()
		u.do(func() {})
		lockWaits = append(lockWaits, time.Since(t0))

		// type a query; results replace the last ones
		q := queries[round%len(queries)]
		u.locked(func() { u.searchEntry.SetText("") })
		t0 = time.Now()
		u.locked(func() { test.Type(u.searchEntry, q) })
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			var ok bool
			u.locked(func() { ok = u.search.lastQuery == q && len(u.search.hits) > 0 })
			if ok {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		searches = append(searches, time.Since(t0))

		// turn a page of the reader
		var before int
		u.locked(func() { before = u.reader.page })
		t0 = time.Now()
		u.locked(func() { u.reader.typedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown}) })
		for time.Now().Before(deadline) {
			var now int
			u.locked(func() { now = u.reader.page })
			if now != before || before >= docs[0].PageCount {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		pageTurns = append(pageTurns, time.Since(t0))

		var done bool
		u.locked(func() { done = job.finished })
		if done {
			break
		}
		searchesDuringImport++
		pagesDuringImport++
		time.Sleep(100 * time.Millisecond) // a user's pace
		if round%8 == 7 {
			u.locked(func() { u.reader.showPage(1) })
		}
	}
	u.Wait()
	importTook := time.Since(importStart)
	if len(job.report.Imported) != nPDF {
		t.Errorf("imported %d of %d", len(job.report.Imported), nPDF)
	}
	if searchesDuringImport == 0 {
		t.Errorf("no search finished while the import ran (import took %v)", importTook)
	}
	t.Logf("import of %d PDFs (%d pages) took %v; meanwhile %d searches and %d page turns", nPDF, nPDF*6, importTook, searchesDuringImport, pagesDuringImport)
	t.Logf("UI update wait: %s", percentiles(lockWaits))
	t.Logf("typed query to results shown (incl. %v debounce): %s", searchDelay, percentiles(searches))
	t.Logf("page turn to page shown: %s", percentiles(pageTurns))
}

func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "no samples"
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) time.Duration { return s[int(p*float64(len(s)-1))].Round(time.Microsecond) }
	return fmt.Sprintf("n=%d p50 %v p95 %v max %v", len(s), at(0.5), at(0.95), s[len(s)-1].Round(time.Microsecond))
}
