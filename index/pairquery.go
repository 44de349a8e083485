package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// pairTermQuery matches the pages holding one term of the word-pair field
// (text_pairs) without scoring them. That field is indexed without term
// frequencies and norms (a posting is a bit), and Bleve's tf-idf scores
// such a posting 0 × +Inf = NaN; a pair term only narrows a phrase query
// down to the pages that can hold the phrase, and the phrase's words score
// the page (rewriteForSpeed).
type pairTermQuery struct {
	Term  string `json:"term"`
	Field string `json:"field"` // always pageTextPairs
}

func newPairTermQuery(term string) *pairTermQuery {
	return &pairTermQuery{Term: term, Field: pageTextPairs}
}

// Searcher returns a term searcher that neither scores nor weighs.
func (q *pairTermQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
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
			m.Expl = &search.Explanation{Value: 0, Message: "word pair (filter only)"}
		}
	}
	return m, err
}

// Optimize passes Bleve's search optimizations on to the term searcher, so
// that a pair term takes part in a conjunction's push-down (its postings
// narrow the phrase's words to the pages holding the pair).
func (s *unscoredSearcher) Optimize(kind string, octx bleveindex.OptimizableContext) (bleveindex.OptimizableContext, error) {
	if o, ok := s.Searcher.(bleveindex.Optimizable); ok {
		return o.Optimize(kind, octx)
	}
	return nil, nil
}
