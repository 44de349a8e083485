package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/testenv"
)

// TestDetectDOIInPagesCorpus runs DOI detection over the text of the real
// article PDFs of the shared corpus and compares with the DOIs in its
// MANIFEST.tsv. Several of them print many cited DOIs in their reference
// lists, and the BMC ones print their own DOI only after the references.
func TestDetectDOIInPagesCorpus(t *testing.T) {
	corpus := testenv.Shared(t, "corpus")
	manifest, err := os.ReadFile(filepath.Join(corpus, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("skipping: no MANIFEST.tsv in %s: %v", corpus, err)
	}
	lines := strings.Split(strings.TrimSpace(string(manifest)), "\n")
	header := strings.Split(lines[0], "\t")
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	fileCol, doiCol := col["file"], col["doi"]
	for _, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) <= max(fileCol, doiCol) || f[doiCol] == "" {
			continue
		}
		t.Run(f[fileCol], func(t *testing.T) {
			ex, err := ExtractPDFFile(context.Background(), filepath.Join(corpus, f[fileCol]))
			if err != nil {
				t.Skipf("skipping: extraction failed (not what this test checks): %v", err)
			}
			var pages []string
			for _, p := range ex.Pages {
				pages = append(pages, p.Header+"\n"+p.Text)
			}
			want := strings.ToLower(f[doiCol])
			if got := DetectDOIInPages(pages); got != want {
				t.Errorf("DetectDOIInPages = %q, want %q (all DOIs: %q)", got, want, FindDOIs(strings.Join(pages, "\n")))
			}
		})
	}
}
