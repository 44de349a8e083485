package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search"
)

// Page text is indexed without byte offsets; the snippets of hits must still
// mark exactly the matched words, after multi-byte characters, stop words
// and possessives.
func TestSnippetOffsetsFromPositions(t *testing.T) {
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	src := filepath.Join(t.TempDir(), "page.txt")
	text := "Naïve café — “the worker’s trust” in the person’s recovery. Ἀλήθεια and trusting: Trust again, the workers' TRUST."
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Import(ctx, []string{src}, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string // marked words, in order
	}{
		{"trust", []string{"trust", "trusting", "Trust", "TRUST"}},
		{`"person's recovery"`, []string{"person’s", "recovery"}},
		{"café", []string{"café"}},
		{"worker", []string{"worker’s", "workers"}},
	}
	for _, tc := range tests {
		res, err := lib.Search(ctx, SearchRequest{Query: tc.query})
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if len(res.Hits) != 1 {
			t.Fatalf("%s: %d hits", tc.query, len(res.Hits))
		}
		var marked []string
		rest := res.Hits[0].Snippet
		for {
			i := strings.Index(rest, MarkStart)
			if i < 0 {
				break
			}
			rest = rest[i+len(MarkStart):]
			j := strings.Index(rest, MarkEnd)
			marked = append(marked, rest[:j])
			rest = rest[j+len(MarkEnd):]
		}
		if strings.Join(marked, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: marked %q, want %q (snippet %s)", tc.query, marked, tc.want, res.Hits[0].Snippet)
		}
	}
}

func TestDensestPositions(t *testing.T) {
	loc := func(pos ...uint64) search.Locations {
		var ls search.Locations
		for _, p := range pos {
			ls = append(ls, &search.Location{Pos: p})
		}
		return ls
	}
	tests := []struct {
		name string
		locs search.TermLocationMap
		want map[string][]uint64
	}{
		{"one cluster wins", search.TermLocationMap{"trust": loc(3, 200, 205, 210), "work": loc(207, 900)},
			map[string][]uint64{"trust": {200, 205, 210}, "work": {207}}},
		{"ties keep the earliest", search.TermLocationMap{"a": loc(10, 500)}, map[string][]uint64{"a": {10}}},
		{"all within one window", search.TermLocationMap{"a": loc(1, 2), "b": loc(3)}, map[string][]uint64{"a": {1, 2}, "b": {3}}},
	}
	for _, tc := range tests {
		got := densestPositions(tc.locs, 60)
		if len(got) != len(tc.want) {
			t.Errorf("%s: terms %v, want %v", tc.name, got, tc.want)
			continue
		}
		for term, want := range tc.want {
			var pos []uint64
			for _, l := range got[term] {
				pos = append(pos, l.Pos)
			}
			if fmt.Sprint(pos) != fmt.Sprint(want) {
				t.Errorf("%s: %s at %v, want %v", tc.name, term, pos, want)
			}
		}
	}
}
