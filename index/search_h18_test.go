package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/testenv"
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

// A snippet holds a marked match whenever the page matched on its text,
// however far the text before the match runs without a space (a line of
// dot leaders, as on the first page of Sundström et al., 2014).
func TestSnippetHoldsTheMatchAfterLongRunsWithoutSpaces(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	pages := []string{
		"Stressful life events are not associated with the development of dementia\n\n" + strings.Repeat(".", 620) + "\n\nAnna Sundström,1 Michael Rönnlund,2 Rolf Adolfsson3 and Lars-Göran Nilsson4\n\nAbstract follows here.",
		strings.Repeat("x", 2000) + " Rönnlund at the end of a long unbroken token.",
		strings.Repeat("word ", 300) + strings.Repeat("-", 900) + " Rönnlund",
	}
	var files [][2]string
	for i, p := range pages {
		files = append(files, [2]string{fmt.Sprintf("p%d.txt", i), p})
	}
	if _, err := lib.Import(ctx, writeFiles(t, files...), nil); err != nil {
		t.Fatal(err)
	}
	res, err := lib.Search(ctx, SearchRequest{Query: "Rönnlund"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != uint64(len(pages)) {
		t.Fatalf("%d hits, want %d", res.Total, len(pages))
	}
	for _, h := range res.Hits {
		if !strings.Contains(h.Snippet, MarkStart+"Rönnlund"+MarkEnd) {
			t.Errorf("document %d: snippet holds no marked match: %q", h.DocID, h.Snippet)
		}
		if n := utf8.RuneCountInString(h.Snippet); n > 2*snippetRunes+80 {
			t.Errorf("document %d: snippet of %d characters", h.DocID, n)
		}
	}
}

// On the corpus: every hit of a set of queries whose match lies in the
// page text shows it marked in its snippet.
func TestCorpusSnippetsHoldTheirMatch(t *testing.T) {
	corpus := testenv.Shared(t, "corpus")
	ctx := context.Background()
	lib := newTestLibrary(t)
	if _, err := lib.Import(ctx, []string{corpus}, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Rönnlund", "Sundström", "dementia", "trust", `"heart failure"`, "heparin", "quality", "Nilsson", "ace", "figure"} {
		res, err := lib.Search(ctx, SearchRequest{Query: q, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Errorf("%s: no hits", q)
		}
		for _, h := range res.Hits {
			p, err := lib.PageText(ctx, h.DocID, h.Page)
			if err != nil || h.Page == 0 {
				continue
			}
			word := strings.Trim(strings.Fields(q)[0], `"`)
			if !regexp.MustCompile(`(?i)(^|[^\pL\pN])` + regexp.QuoteMeta(word) + `($|[^\pL\pN])`).MatchString(p.Text) {
				continue // matched on metadata ("Nilsson4" on the page is another word)
			}
			if !strings.Contains(h.Snippet, MarkStart) {
				t.Errorf("%s: document %d page %d: snippet holds no marked match: %.200q", q, h.DocID, h.Page, h.Snippet)
			}
		}
	}
}

func TestSqueezeRuns(t *testing.T) {
	for in, want := range map[string]string{
		"Contents.......... 5": "Contents... 5",
		"a -- b ---------- c":  "a -- b --- c",
		"Wait...":              "Wait...",
		"aaaaaa":               "aaaaaa",
		"——————":               "———",
		"":                     "",
	} {
		if got := squeezeRuns(in); got != want {
			t.Errorf("squeezeRuns(%q) = %q, want %q", in, got, want)
		}
	}
}

// forEachParallel calls fn once for every index, whatever the number of
// workers.
func TestForEachParallelCallsEachIndexOnce(t *testing.T) {
	for _, c := range []struct{ n, workers int }{{0, 4}, {1, 4}, {3, 1}, {20, 2}, {20, 4}, {7, 100}} {
		calls := make([]atomic.Int32, c.n)
		forEachParallel(c.n, c.workers, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if got := calls[i].Load(); got != 1 {
				t.Errorf("n=%d workers=%d: index %d called %d times", c.n, c.workers, i, got)
			}
		}
	}
}
