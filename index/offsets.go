package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search"
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

var pageTokenizer = unicode.NewUnicodeTokenizer()

// textOffsets gives locations in a page's text their byte offsets back. The
// index keeps only token positions for page text; positions are numbered by
// the tokenizer before any filter drops a token, so tokenizing the same
// text again finds each position's bytes.
func textOffsets(text string, locs search.TermLocationMap) search.TermLocationMap {
	if len(locs) == 0 {
		return locs
	}
	tokens := pageTokenizer.Tokenize([]byte(text))
	byPos := make(map[uint64]*analysis.Token, len(tokens))
	for _, t := range tokens {
		byPos[uint64(t.Position)] = t
	}
	out := make(search.TermLocationMap, len(locs))
	for term, ls := range locs {
		fixed := make(search.Locations, 0, len(ls))
		for _, l := range ls {
			t := byPos[l.Pos]
			if t == nil {
				continue
			}
			c := *l
			c.Start, c.End = uint64(t.Start), uint64(t.End)
			fixed = append(fixed, &c)
		}
		out[term] = fixed
	}
	return out
}
