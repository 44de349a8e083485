package index

import (
	"bytes"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/segment"
)

// Page text is analysed by two analyzers, both the English analyzer
// (unicode words, possessives, lower case, diacritics folded, stop words,
// Porter stems: englishAnalyzer) with
// the tokens' byte offsets dropped: pageTextAnalyzer for the text field and
// pairsAnalyzer, which turns the same tokens into adjacent word pairs, for
// text_pairs. Bleve analyses a page's two fields one after the other; the
// second takes the first's tokens (sharedTokens) instead of analysing the
// page again.
//
// Offsets are dropped because Bleve stores a start and an end offset with
// every position of a field with term vectors: phrase queries need only the
// positions, and the few pages whose snippets are shown get their offsets
// back from the text (textOffsets).

type pageAnalyzer struct {
	english analysis.Analyzer
	pairs   bool
}

func (a *pageAnalyzer) Analyze(input []byte) analysis.TokenStream {
	if a.pairs {
		tokens := sharedTokens.take(input)
		if tokens == nil {
			tokens = a.english.Analyze(input)
		}
		return adjacentPairs(tokens)
	}
	tokens := a.english.Analyze(input)
	for _, t := range tokens {
		t.Start, t.End = 0, 0
	}
	sharedTokens.put(input, tokens)
	return tokens
}

func newPageAnalyzer(cache *registry.Cache, pairs bool) (analysis.Analyzer, error) {
	english, err := newEnglishAnalyzer(cache)
	if err != nil {
		return nil, err
	}
	return &pageAnalyzer{english: english, pairs: pairs}, nil
}

func init() {
	// Registering only fails on a name registered twice: a programming
	// error that every test of this package would show.
	for name, pairs := range map[string]bool{pageTextAnalyzer: false, pairsAnalyzer: true} {
		if err := registry.RegisterAnalyzer(name, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
			return newPageAnalyzer(cache, pairs)
		}); err != nil {
			panic(err)
		}
	}
}

// tokenShare hands the tokens of a page's text from the text field's
// analysis to its pairs field's. Only page-sized inputs are kept (queries
// are analysed alone), and only the last few: Bleve analyses a page's
// fields back to back, on as many goroutines as there are cores.
type tokenShare struct {
	mu      sync.Mutex
	entries []sharedEntry
}

type sharedEntry struct {
	input  []byte
	tokens analysis.TokenStream
}

const (
	minSharedInput = 256
	maxShared      = 64
)

var sharedTokens tokenShare

func (s *tokenShare) put(input []byte, tokens analysis.TokenStream) {
	if len(input) < minSharedInput {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.entries) >= maxShared {
		copy(s.entries, s.entries[1:])
		s.entries = s.entries[:len(s.entries)-1]
	}
	s.entries = append(s.entries, sharedEntry{input, tokens})
}

func (s *tokenShare) take(input []byte) analysis.TokenStream {
	if len(input) < minSharedInput {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.entries {
		if len(e.input) == len(input) && bytes.Equal(e.input, input) {
			s.entries = append(s.entries[:i], s.entries[i+1:]...)
			return e.tokens
		}
	}
	return nil
}

// textOffsets gives locations in a page's text their byte offsets back. The
// index keeps only token positions for page text; positions are numbered by
// Bleve's unicode tokenizer (UAX #29 words) before any filter drops a
// token, so segmenting the same text again finds each position's bytes. It
// stops at the last position asked for.
//
// Locations found in the text itself (textPhrase) come with their offsets
// (an end past 0) and are returned as they are.
func textOffsets(text string, locs search.TermLocationMap) search.TermLocationMap {
	known := true
	for _, ls := range locs {
		for _, l := range ls {
			known = known && l.End > 0
		}
	}
	if known {
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

// adjacentPairs turns a token stream into the pairs of tokens at adjacent
// positions ("help relationship"). Tokens a stop word separated make no
// pair, so a pair term matches exactly where the two-word phrase would.
// A word with diacritics pairs in its folded form only (oneTermPerPosition):
// a pair term only filters, and the folded form matches both spellings.
func adjacentPairs(input analysis.TokenStream) analysis.TokenStream {
	input = oneTermPerPosition(input)
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

// oneTermPerPosition keeps the last token at each position: of a word with
// diacritics, its folded form (foldFilter puts it after the original).
func oneTermPerPosition(input analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input))
	for _, t := range input {
		if n := len(out); n > 0 && out[n-1].Position == t.Position {
			out[n-1] = t
			continue
		}
		out = append(out, t)
	}
	return out
}
