package export

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/scangen"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

// TestCodedPDFOfAScan: a scan read by OCR and coded gives a coded copy
// whose highlights lie over the scanned words; a new library importing
// the copy reads it by OCR without the highlights in the way (they are
// left out of what Tesseract reads) and, its highlights imported once the
// text is there, gets the same quote, theme and note.
func TestCodedPDFOfAScan(t *testing.T) {
	ctx := context.Background()
	eng, err := tesseract.Find(ctx)
	if err != nil || eng.CheckLang("eng") != nil {
		t.Skipf("Tesseract with English data is not installed (scripts/install-deps installs it): %v", err)
	}
	data, err := scangen.ScanLines(ctx, [][]string{
		{"Warm relationships with professionals", "matter to recovery in daily life."},
		{"Helpful psychiatrists listened patiently", "and spoke with the families."},
	}, scangen.Options{DPI: 200, JPEG: 90})
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	lib := openLibrary(t)
	id := importFile(t, lib, src)
	if _, err := lib.OCR(ctx, nil, index.OCROptions{Engine: eng}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: id, Page: 2, Quote: "psychiatrists listened patiently", Themes: []string{"Trust"}, Note: "read from a scan"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "coded.pdf")
	if res, err := WriteCodedPDF(ctx, lib, id, out, PDFOptions{}); err != nil || res.Highlights != 1 {
		t.Fatalf("coded copy: %+v %v", res, err)
	}

	other := openLibrary(t)
	copyID := importFile(t, other, out)
	if _, err := other.OCR(ctx, nil, index.OCROptions{Engine: eng}); err != nil {
		t.Fatal(err)
	}
	reps, err := other.ImportHighlights(ctx, []int64{copyID}, index.HighlightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].Imported != 1 {
		t.Errorf("highlights imported after OCR: %+v", reps)
	}
	got, want := codingOf(t, other, copyID), codingOf(t, lib, id)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("round trip of a scan:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}
