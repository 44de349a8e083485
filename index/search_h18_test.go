package index

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// writeFiles writes name → content into a new folder and returns the paths
// in the order given.
func writeFiles(t *testing.T, files ...[2]string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f[0])
		if err := os.WriteFile(p, []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// Phrase queries are answered partly from the word-pair field, which is
// indexed without frequencies and norms; its terms must only filter, never
// score: Bleve's tf-idf scored them 0 × +Inf = NaN, which broke the JSON
// output of every phrase search. Every score is finite, and results
// marshal, for phrases of every length on pages and on metadata-only
// entries.
func TestSearchScoresAreFinite(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	paths := writeFiles(t,
		[2]string{"rehab.bib", `@article{rehab2010,
  title = {Psychiatric rehabilitation and recovery},
  author = {Smith, John},
  year = {2010},
  abstract = {We study psychiatric rehabilitation in community settings.}
}`},
		[2]string{"notes.txt", "Psychiatric rehabilitation works when staff and patients meet often. Peer support in psychiatric rehabilitation settings helps."},
	)
	if _, err := lib.Import(ctx, paths, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`"psychiatric rehabilitation"`, `"psychiatric rehabilitation settings"`, `"peer support" psychiatric`, `+"psychiatric rehabilitation" -nothing`, `psychiatric`} {
		res, err := lib.Search(ctx, SearchRequest{Query: q})
		if err != nil {
			t.Fatalf("search %s: %v", q, err)
		}
		if res.Total == 0 {
			t.Errorf("search %s: no hits", q)
		}
		for _, h := range res.Hits {
			if math.IsNaN(h.Score) || math.IsInf(h.Score, 0) {
				t.Errorf("search %s: document %d page %d has score %v", q, h.DocID, h.Page, h.Score)
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Errorf("search %s: results do not marshal: %v", q, err)
		}
	}
}

func TestFiniteScore(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{{math.NaN(), 0}, {math.Inf(1), 0}, {math.Inf(-1), 0}, {1.5, 1.5}, {0, 0}} {
		if got := finiteScore(tc.in); got != tc.want {
			t.Errorf("finiteScore(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
