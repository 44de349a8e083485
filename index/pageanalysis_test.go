package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
