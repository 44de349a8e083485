package index

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// TestPageBoxes: every character of a stored page has its box on the page,
// read back from the stored original, and a word's box is where the PDF
// draws it.
func TestPageBoxes(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importArticle(t, lib, "boxes", twoPageArticle())
	for page := 1; page <= 2; page++ {
		p, err := lib.PageText(ctx, doc, page)
		if err != nil {
			t.Fatal(err)
		}
		boxes, err := lib.PageBoxes(ctx, doc, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(boxes) != utf8.RuneCountInString(p.Text) {
			t.Fatalf("page %d: %d boxes for %d characters", page, len(boxes), utf8.RuneCountInString(p.Text))
		}
		for i, r := range []rune(p.Text) {
			if r != ' ' && r != '\n' && boxes[i].Empty() {
				t.Fatalf("page %d: character %d %q has no box", page, i, r)
			}
		}
	}
	if _, err := lib.PageBoxes(ctx, doc, 3); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("page 3 of 2: %v", err)
	}
}

// TestStoredPageBoxes: boxes stored for a page (as OCR stores them) round
// trip at an eighth of a point and win over a reading of the original; a
// page's new text drops them.
func TestStoredPageBoxes(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importArticle(t, lib, "stored", twoPageArticle())
	p, _ := lib.PageText(ctx, doc, 1)
	n := utf8.RuneCountInString(p.Text)
	want := make([]importer.Box, n)
	for i := range want {
		x := float32(50 + i)
		want[i] = importer.Box{X0: x, Y0: 700.125, X1: x + 0.875, Y1: 712.5}
	}
	if err := lib.SetPageBoxes(ctx, doc, 1, want[:n-1]); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("one box short: %v", err)
	}
	if err := lib.SetPageBoxes(ctx, doc, 1, want); err != nil {
		t.Fatal(err)
	}
	got, err := lib.PageBoxes(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(float64(got[i].X0-want[i].X0)) > 0.07 || math.Abs(float64(got[i].Y1-want[i].Y1)) > 0.07 {
			t.Fatalf("box %d: %+v, stored %+v", i, got[i], want[i])
		}
	}
	// Re-extraction replaces the pages: the stored boxes go with them.
	if _, err := lib.Reextract(ctx, []int64{doc}, ReextractOptions{}); err != nil {
		t.Fatal(err)
	}
	if c := countRows(t, lib, "page_boxes"); c != 0 {
		t.Errorf("%d stored boxes left after re-extraction", c)
	}
}

// TestPageBoxesOfStaleText: text from another extractor version cannot be
// matched to boxes; the error says to re-extract.
func TestPageBoxesOfStaleText(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importArticle(t, lib, "stale", pdfgen.Article{Pages: [][]string{{"Some text on the page."}}})
	if _, err := lib.db.ExecContext(ctx, "UPDATE documents SET extractor_version = 1 WHERE id = ?", doc); err != nil {
		t.Fatal(err)
	}
	_, err := lib.PageBoxes(ctx, doc, 1)
	if !errors.Is(err, ErrStaleText) || !strings.Contains(err.Error(), "re-extract") {
		t.Errorf("stale text: %v", err)
	}
}
