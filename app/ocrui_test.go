package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/scangen"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

func writeTestScan(t *testing.T, pages [][]string) string {
	t.Helper()
	data, err := scangen.ScanLines(context.Background(), pages, scangen.Options{DPI: 200, JPEG: 90})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// bannerText gathers the text of the labels above the views.
func bannerText(u *UI) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(u.banner) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// TestOCRHintWithoutTesseract: with no tesseract on PATH an imported scan
// is in the library, the window says in one line how to install
// Tesseract, and the reader says the page is a scan not read yet.
func TestOCRHintWithoutTesseract(t *testing.T) {
	path := writeTestScan(t, [][]string{{"Warm relationships with professionals"}})
	t.Setenv("PATH", t.TempDir())
	lib, err := index.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	u, _ := newTestUI(t, lib)
	u.StartImport([]string{path})
	u.Wait()
	if n := u.docs.rowCount(); n != 1 {
		t.Fatalf("library shows %d documents", n)
	}
	banner := bannerText(u)
	if !strings.Contains(banner, "Scanned, not read — install Tesseract") || !strings.Contains(banner, "sudo apt-get install tesseract-ocr") {
		t.Errorf("banner %q", banner)
	}
	if u.ocr == nil || u.ocr.running {
		t.Error("the OCR run did not end")
	}
	u.OpenDocument(1, 1, "")
	u.Wait()
	if !strings.Contains(u.reader.scanInfo.Text, "Scan, not read") || !strings.Contains(u.reader.notice.Text, "sudo apt-get install tesseract-ocr") {
		t.Errorf("reader scan info %q, notice %q", u.reader.scanInfo.Text, u.reader.notice.Text)
	}
}

// TestWindowResponsiveWhileOCR imports a 20-page scan and lets the window
// read it in the background while the test uses the window — searching,
// filtering the library, turning pages — and measures how long each of
// those waits on the UI goroutine, with the OCR's own progress updates.
// The waits are logged (the target is under 100 ms); the test checks that
// the interaction and the reading went on at the same time, that the
// progress bar moved, and that the scan ends up read and shown.
func TestWindowResponsiveWhileOCR(t *testing.T) {
	if _, err := tesseract.Find(context.Background()); err != nil {
		t.Skipf("Tesseract is not installed: %v", err)
	}
	if testing.Short() {
		t.Skip("reads 20 pages with Tesseract")
	}
	var pages [][]string
	for i := 1; i <= 20; i++ {
		pages = append(pages, []string{fmt.Sprintf("Page %d of the scanned interview study", i), "helpful relationships with professionals"})
	}
	path := writeTestScan(t, pages)
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	if _, err := lib.Import(context.Background(), []string{path}, nil); err != nil {
		t.Fatal(err)
	}
	// The window's actions, timed on the test's goroutine (the headless
	// driver's UI goroutine), first with nothing running, then while the
	// scan is read.
	type stats struct {
		waits   []time.Duration
		slowest map[string]time.Duration
	}
	round := func(st *stats) {
		timed := func(name string, fn func()) {
			t0 := time.Now()
			fn()
			d := time.Since(t0)
			st.waits = append(st.waits, d)
			st.slowest[name] = max(st.slowest[name], d)
		}
		timed("updates", func() { u.runQueued() }) // the OCR's progress updates
		timed("type search", func() { test.Type(u.searchEntry, "x") })
		timed("clear search", func() { u.searchEntry.SetText("") })
		timed("filter", func() { test.Type(u.docs.filter, "p") })
		timed("clear filter", func() { u.docs.filter.SetText("") })
		timed("switch views", func() { u.ShowView(ViewSearch); u.ShowView(ViewLibrary) })
		timed("updates", func() { u.runQueued() })
	}
	report := func(name string, st stats) {
		w := append([]time.Duration(nil), st.waits...)
		sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
		p := func(q float64) time.Duration { return w[int(q*float64(len(w)-1))] }
		t.Logf("%s: %d UI actions, wait p50 %v, p99 %v, max %v; slowest by action %v", name, len(w), p(0.5), p(0.99), w[len(w)-1], st.slowest)
	}
	idle := stats{slowest: map[string]time.Duration{}}
	for range 30 {
		round(&idle)
		time.Sleep(50 * time.Millisecond)
	}
	u.StartOCR()
	run := u.ocr
	busy := stats{slowest: map[string]time.Duration{}}
	interactions, during := 0, 0
	deadline := time.Now().Add(10 * time.Minute)
	for run.running && time.Now().Before(deadline) {
		round(&busy)
		interactions++
		if run.running && run.progress.Done > 0 && run.progress.Done < run.progress.Total {
			during++
		}
		time.Sleep(50 * time.Millisecond)
	}
	report("idle", idle)
	report("while reading the scan", busy)
	u.Wait()
	if run.running || run.err != nil || run.rep == nil {
		t.Fatalf("OCR run: running %v, err %v", run.running, run.err)
	}
	if run.progress.Done != 20 || run.bar.Value != 1 {
		t.Errorf("progress %+v, bar %.2f", run.progress, run.bar.Value)
	}
	if during < 3 {
		t.Errorf("only %d rounds of interaction while pages were being read", during)
	}
	t.Logf("%d rounds of interaction, %d of them while pages were being read", interactions, during)
	var id int64
	docs, _ := lib.Documents(context.Background())
	for _, d := range docs {
		if d.OCRPages == 20 {
			id = d.ID
		}
	}
	if id == 0 {
		t.Fatal("the scan was not read")
	}
	u.OpenDocument(id, 7, "")
	u.Wait()
	if !strings.Contains(u.reader.view.Text(), "Page 7 of the scanned interview study") || !strings.Contains(u.reader.scanInfo.Text, "from a scan (eng") {
		t.Errorf("reader: %q / %q", u.reader.scanInfo.Text, u.reader.view.Text())
	}
}
