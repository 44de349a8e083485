package index

import (
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/segment"
)

// Where a two-word phrase stands on a shown page. The lean search gives
// the pages it keeps the positions of the query's words from the postings
// (locateLean); for a phrase that means walking two words' postings, and
// the phrase's words are most often common ones. The page text, which the
// snippet reads anyway, is shorter: it is cut into words as Bleve's
// tokenizer cuts it (the positions textOffsets relies on), a word that may
// be one of the phrase's is analysed as the index analysed it, and the
// phrase stands where its first word's term is followed by its second's at
// the next position, as Bleve's phrase searcher finds it. The byte offsets
// come with the positions. A page whose text does not hold the phrase (it
// matched in the title, the abstract or a note) gets Bleve's locations
// instead (Library.addLocations).

// textPhrase finds a two-word phrase in page text.
type textPhrase struct {
	analyzer      analysis.Analyzer
	first, second string           // the terms, in order
	prefixes      map[[2]byte]bool // the first two bytes of the terms
	short         bool             // a term shorter than two bytes

	// The terms each word analysed to, for the search's pages (which
	// share most of their words); several pages are read at once.
	mu    sync.Mutex
	terms map[string][]string
}

// newTextPhrase returns the page-text matcher of a lean query that is a
// two-word phrase (rewriteForSpeed: its word pair and its two words), or
// nil for any other query.
func newTextPhrase(lq *leanQuery, a analysis.Analyzer) *textPhrase {
	if a == nil || len(lq.leaves) != 3 || len(lq.not) > 0 || lq.anyOf {
		return nil
	}
	phrases, ok := lq.phraseWords()
	if !ok || len(phrases) != 1 {
		return nil
	}
	tp := &textPhrase{analyzer: a, first: string(lq.leaves[phrases[0][0]].term), second: string(lq.leaves[phrases[0][1]].term),
		prefixes: map[[2]byte]bool{}, terms: map[string][]string{}}
	for _, t := range []string{tp.first, tp.second} {
		if len(t) < 2 {
			tp.short = true
			continue
		}
		tp.prefixes[[2]byte{t[0], t[1]}] = true
	}
	return tp
}

// locations returns where the phrase stands in text, keyed by term as
// Bleve keys them, with the words' byte offsets; nil where it does not.
func (tp *textPhrase) locations(text string) search.TermLocationMap {
	type token struct {
		pos        uint64
		start, end int
		terms      []string
	}
	var prev token // the word before, when it may be the first term
	var out search.TermLocationMap
	add := func(term string, t token) {
		if out == nil {
			out = search.TermLocationMap{}
		}
		ls := out[term]
		if n := len(ls); n > 0 && ls[n-1].Pos == t.pos {
			return // "a a a": the middle word is second, then first
		}
		out[term] = append(ls, &search.Location{Pos: t.pos, Start: uint64(t.start), End: uint64(t.end)})
	}
	seg := segment.NewWordSegmenterDirect([]byte(text))
	start, pos := 0, uint64(0)
	for seg.Segment() {
		word := seg.Bytes()
		end := start + len(word)
		if seg.Type() == segment.None {
			start = end
			continue
		}
		pos++
		cur := token{pos: pos, start: start, end: end}
		start = end
		if !tp.mayBe(word) {
			continue
		}
		cur.terms = tp.analyse(word)
		if prev.pos != 0 && prev.pos+1 == cur.pos && slices.Contains(prev.terms, tp.first) && slices.Contains(cur.terms, tp.second) {
			add(tp.first, prev)
			add(tp.second, cur)
		}
		prev = cur
	}
	return out
}

// analyse returns the terms word analyses to in the page text.
func (tp *textPhrase) analyse(word []byte) []string {
	tp.mu.Lock()
	terms, ok := tp.terms[string(word)]
	tp.mu.Unlock()
	if ok {
		return terms
	}
	for _, t := range tp.analyzer.Analyze(word) {
		terms = append(terms, string(t.Term))
	}
	tp.mu.Lock()
	tp.terms[string(word)] = terms
	tp.mu.Unlock()
	return terms
}

// mayBe tells whether a word of the text may analyse to one of the terms:
// analysis (lower case, possessives, stems, folding) keeps the first two
// bytes of a word in ASCII, so only a word whose lower-cased first two
// bytes begin a term, or which is not ASCII there, is analysed.
func (tp *textPhrase) mayBe(word []byte) bool {
	if len(word) < 2 || tp.short {
		return true
	}
	if word[0] >= utf8.RuneSelf || word[1] >= utf8.RuneSelf {
		return true
	}
	return tp.prefixes[[2]byte{lowerASCII(word[0]), lowerASCII(word[1])}]
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
