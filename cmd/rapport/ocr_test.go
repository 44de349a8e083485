package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/internal/scangen"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

func needTesseract(t *testing.T) {
	t.Helper()
	if _, err := tesseract.Find(context.Background()); err != nil {
		t.Skipf("Tesseract is not installed (scripts/install-deps installs it): %v", err)
	}
}

var cliScanPages = [][]string{
	{"Warm relationships with professionals", "matter to recovery in daily life."},
	{"Helpful psychiatrists listened patiently", "and spoke with the families."},
	{"Continuity of care builds trust", "over many ordinary meetings."},
}

func writeScanPDF(t *testing.T, dir string, pages [][]string) string {
	t.Helper()
	data, err := scangen.ScanLines(context.Background(), pages, scangen.Options{DPI: 200, JPEG: 90})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCLIImportScanWithoutTesseract: with no tesseract on PATH, importing a
// scan succeeds, the document is listed as scanned, not read, and one line
// on stderr says how to install Tesseract.
func TestCLIImportScanWithoutTesseract(t *testing.T) {
	path := writeScanPDF(t, t.TempDir(), cliScanPages[:2])
	lib := filepath.Join(t.TempDir(), "lib")
	t.Setenv("PATH", t.TempDir())
	out, errs, code := rapport(t, lib, "import", path, "--json")
	if code != 0 {
		t.Fatalf("import exited %d: %s", code, errs)
	}
	var imp struct {
		Imported []struct {
			ID      int64 `json:"id"`
			Scanned int   `json:"scanned_pages"`
		} `json:"imported"`
		OCRNote string `json:"ocr_note"`
	}
	if err := json.Unmarshal([]byte(out), &imp); err != nil {
		t.Fatal(err)
	}
	if len(imp.Imported) != 1 || imp.Imported[0].Scanned != 2 || !strings.Contains(imp.OCRNote, "scanned, not read") {
		t.Errorf("import JSON %s", out)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "sudo apt-get install tesseract-ocr") || !strings.Contains(lines[0], "2 pages in 1 documents") {
		t.Errorf("stderr %q: want one line saying how to install Tesseract", errs)
	}
	var docs []map[string]any
	rapportJSON(t, lib, &docs, "docs")
	if len(docs) != 1 || docs[0]["ocr_pending"] != float64(2) {
		t.Errorf("docs %v", docs)
	}
	_, errs, code = rapport(t, lib, "ocr")
	if code == 0 || !strings.Contains(errs, "apt-get install tesseract-ocr") {
		t.Errorf("ocr without tesseract: code %d, %q", code, errs)
	}
}

// TestCLIImportReadsScans: an import reads the scans it brings; search
// finds their words on their pages, `text` says how each page was read.
func TestCLIImportReadsScans(t *testing.T) {
	needTesseract(t)
	path := writeScanPDF(t, t.TempDir(), cliScanPages[:2])
	lib := filepath.Join(t.TempDir(), "lib")
	var imp struct {
		Imported []map[string]any `json:"imported"`
		OCR      struct {
			Tesseract string           `json:"tesseract"`
			Documents []map[string]any `json:"documents"`
		} `json:"ocr"`
	}
	if code := rapportJSON(t, lib, &imp, "import", path, "--ocr-lang", "eng"); code != 0 {
		t.Fatalf("import exited %d", code)
	}
	if len(imp.OCR.Documents) != 1 || imp.OCR.Documents[0]["pages"] != float64(2) || imp.OCR.Documents[0]["finished"] != true {
		t.Fatalf("import's OCR: %+v", imp.OCR)
	}
	var res struct {
		Hits []map[string]any `json:"hits"`
	}
	rapportJSON(t, lib, &res, "search", "psychiatrists")
	if len(res.Hits) != 1 || res.Hits[0]["page"] != float64(2) {
		t.Errorf("search hits %v", res.Hits)
	}
	var text struct {
		Pages []struct {
			Text string         `json:"text"`
			OCR  map[string]any `json:"ocr"`
		} `json:"pages"`
	}
	rapportJSON(t, lib, &text, "text", "1", "--page", "2")
	if len(text.Pages) != 1 || text.Pages[0].OCR["lang"] != "eng" || text.Pages[0].OCR["tesseract"] != imp.OCR.Tesseract {
		t.Errorf("text JSON %+v", text)
	}
	var show map[string]any
	rapportJSON(t, lib, &show, "show", "1")
	if show["engine"] != "ocr" || show["ocr_pages"] != float64(2) || show["ocr_lang"] != "eng" {
		t.Errorf("show: engine %v, ocr_pages %v, ocr_lang %v", show["engine"], show["ocr_pages"], show["ocr_lang"])
	}
	var again struct {
		Documents []map[string]any `json:"documents"`
	}
	if code := rapportJSON(t, lib, &again, "ocr", "1", "--force"); code != 0 || len(again.Documents) != 1 || again.Documents[0]["pages"] != float64(2) {
		t.Errorf("ocr --force: %d %+v", code, again)
	}
}

// TestCLIOCRKilledResumes: a `rapport ocr` killed (SIGKILL, with its
// Tesseract processes) after its first page keeps that page; the next run
// reads only the rest.
func TestCLIOCRKilledResumes(t *testing.T) {
	needTesseract(t)
	bin := rapportBinary(t)
	lib := filepath.Join(t.TempDir(), "lib")
	path := writeScanPDF(t, t.TempDir(), cliScanPages)
	if r := runCLI(t, bin, lib, "import", path, "--no-ocr"); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	cmd := exec.Command(bin, "--library", lib, "ocr", "--workers", "1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it, and the Tesseract it runs, once the first page is stored.
	sc := bufio.NewScanner(stderr)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		// A progress line ends with "\x1b[K" (clear to its end).
		if i := strings.Index(string(data), "\x1b[K"); i >= 0 {
			return i + 3, data[:i], nil
		}
		for i, b := range data {
			if b == '\n' {
				return i + 1, data[:i], nil
			}
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	killed := false
	deadline := time.AfterFunc(5*time.Minute, func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	defer deadline.Stop()
	for sc.Scan() {
		if strings.Contains(sc.Text(), "OCR [1/3]") {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the run ended before its first page was reported")
	}
	var docs []map[string]any
	if r := runCLI(t, bin, lib, "docs"); r.code != 0 || json.Unmarshal(r.stdout, &docs) != nil || len(docs) != 1 {
		t.Fatalf("docs after the kill: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if p := docs[0]["ocr_pending"]; p != float64(2) {
		t.Fatalf("after the kill %v pages pending, want 2", p)
	}
	r := runCLI(t, bin, lib, "ocr")
	var rep struct {
		Documents []map[string]any `json:"documents"`
	}
	if r.code != 0 || json.Unmarshal(r.stdout, &rep) != nil || len(rep.Documents) != 1 || rep.Documents[0]["pages"] != float64(2) || rep.Documents[0]["finished"] != true {
		t.Fatalf("resumed run: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, bin, lib, "search", "continuity")
	if !strings.Contains(string(r.stdout), `"page": 3`) {
		t.Errorf("search after the resumed run: %s", r.stdout)
	}
	if r := runCLI(t, bin, lib, "check"); r.code != 0 {
		t.Errorf("check after the kill: %s %s", r.stdout, r.stderr)
	}
}
