package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/segment"
)

// positionsOnlyName names the token filter that drops byte offsets, last in
// pageTextAnalyzer. Bleve stores a start and an end offset with every
// position of a field with term vectors; for page text they are not needed
// to search, and they are found again from the text for the pages shown.
const positionsOnlyName = "rapport_positions_only"

type positionsOnly struct{}

func (positionsOnly) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		t.Start, t.End = 0, 0
	}
	return input
}

func init() {
	// Only fails on a name registered twice, which is a programming error
	// caught by every test of this package.
	if err := registry.RegisterTokenFilter(positionsOnlyName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return positionsOnly{}, nil
	}); err != nil {
		panic(err)
	}
}

// textOffsets gives locations in a page's text their byte offsets back. The
// index keeps only token positions for page text; positions are numbered by
// Bleve's unicode tokenizer (UAX #29 words) before any filter drops a
// token, so segmenting the same text again finds each position's bytes. It
// stops at the last position asked for.
func textOffsets(text string, locs search.TermLocationMap) search.TermLocationMap {
	if len(locs) == 0 {
		return locs
	}
	type span struct{ start, end int }
	want := map[uint64]span{}
	var last uint64
	for _, ls := range locs {
		for _, l := range ls {
			want[l.Pos] = span{-1, -1}
			last = max(last, l.Pos)
		}
	}
	seg := segment.NewWordSegmenterDirect([]byte(text))
	start, pos := 0, uint64(1)
	for pos <= last && seg.Segment() {
		end := start + len(seg.Bytes())
		if seg.Type() != segment.None {
			if _, ok := want[pos]; ok {
				want[pos] = span{start, end}
			}
			pos++
		}
		start = end
	}
	out := make(search.TermLocationMap, len(locs))
	for term, ls := range locs {
		fixed := make(search.Locations, 0, len(ls))
		for _, l := range ls {
			sp := want[l.Pos]
			if sp.start < 0 {
				continue
			}
			c := *l
			c.Start, c.End = uint64(sp.start), uint64(sp.end)
			fixed = append(fixed, &c)
		}
		out[term] = fixed
	}
	return out
}

// adjacentPairsName names the token filter that turns a token stream into
// the pairs of tokens at adjacent positions ("helpful relationship"), for
// the text_pairs field. Tokens a stop word separated make no pair, so a
// pair term matches exactly where the two-word phrase would.
const adjacentPairsName = "rapport_adjacent_pairs"

type adjacentPairs struct{}

func (adjacentPairs) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input))
	for i := 0; i+1 < len(input); i++ {
		a, b := input[i], input[i+1]
		if b.Position != a.Position+1 {
			continue
		}
		term := make([]byte, 0, len(a.Term)+1+len(b.Term))
		term = append(append(append(term, a.Term...), ' '), b.Term...)
		out = append(out, &analysis.Token{Term: term, Position: a.Position, Type: a.Type})
	}
	return out
}

func init() {
	if err := registry.RegisterTokenFilter(adjacentPairsName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return adjacentPairs{}, nil
	}); err != nil {
		panic(err)
	}
}
