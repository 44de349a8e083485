package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// filterTermQuery matches the pages holding one term of a field without
// scoring them: a word pair, or a number given exactly (exactNumber).
//
// The word-pair field (text_pairs) is indexed without term frequencies and
// norms (a posting is a bit), and Bleve's tf-idf scores such a posting
// 0 × +Inf = NaN; a pair term only narrows a phrase query down to the pages
// that can hold the phrase, and the phrase's words score the page
// (rewriteForSpeed). A year that must be 2019 is a filter too: every page
// it lets through would score alike for it.
type filterTermQuery struct {
	Term  string `json:"term"`
	Field string `json:"field"`
}

func newPairTermQuery(term string) *filterTermQuery {
	return &filterTermQuery{Term: term, Field: pageTextPairs}
}

// Searcher returns a term searcher that neither scores nor weighs.
func (q *filterTermQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	s, err := searcher.NewTermSearcher(ctx, i, q.Term, q.Field, 1, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	return &unscoredSearcher{Searcher: s, explain: options.Explain}, nil
}

// unscoredSearcher is a searcher whose matches score 0 and which takes no
// part in the query norm of the query around it.
type unscoredSearcher struct {
	search.Searcher
	explain bool
}

func (s *unscoredSearcher) Weight() float64      { return 0 }
func (s *unscoredSearcher) SetQueryNorm(float64) {}

func (s *unscoredSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.unscored(s.Searcher.Next(ctx))
}

func (s *unscoredSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.unscored(s.Searcher.Advance(ctx, id))
}

func (s *unscoredSearcher) unscored(m *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if m != nil {
		m.Score = 0
		if s.explain {
			m.Expl = &search.Explanation{Value: 0, Message: "filter only"}
		}
	}
	return m, err
}

// Optimize passes Bleve's search optimizations on to the term searcher, so
// that a filter takes part in a conjunction's push-down (a pair's postings
// narrow the phrase's words to the pages holding the pair).
func (s *unscoredSearcher) Optimize(kind string, octx bleveindex.OptimizableContext) (bleveindex.OptimizableContext, error) {
	if o, ok := s.Searcher.(bleveindex.Optimizable); ok {
		return o.Optimize(kind, octx)
	}
	return nil, nil
}
