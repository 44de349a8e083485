package index

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Searching for one term, lean. A one-word search (the commonest there is)
// is one term query, and Bleve answers it by scoring every page holding
// the word through its general machinery: a term field reader, a searcher,
// a pooled match per page, the top-N collector. On a million pages, for a
// word most pages hold, that machinery cost more than reading the postings
// themselves. leanTermSearch reads each segment's postings of the term
// directly and keeps the best pages in a small heap, with Bleve's own
// tf-idf score (the same float operations in the same order, so the same
// bits), Bleve's order among equal scores (the page met first), Bleve's
// totals and the whole index's statistics (shards.go). Every request it
// cannot answer exactly like Bleve — another sort, facets, locations,
// fields, explanations, another scoring model, an index that is not
// scorch — goes to Bleve as before.

// leanSearchEnabled lets a test compare the lean search with Bleve's.
var leanSearchEnabled = true

// leanLeapfrogOnly makes a test walk conjunctions by leapfrog, the way
// taken when some term's postings have no bitmap (one page).
var leanLeapfrogOnly = false

// leanLeaf is a term a lean search reads: scored (a word) or a filter (a
// word pair, pairTermQuery).
type leanLeaf struct {
	field  string
	term   []byte
	boost  float64
	scored bool

	count       uint64  // pages holding the term, in the whole index
	idf         float64 // Bleve's, of the whole index
	queryWeight float64 // Bleve's, 1 for a lone term
}

// leanQuery is a request the lean search answers: pages holding every leaf
// (a conjunction, or a lone term), or any of them (a disjunction: at least
// min of them, and at least one).
type leanQuery struct {
	leaves   []leanLeaf
	anyOf    bool
	min      int
	compound bool       // not a lone term: the leaves' weights are normalised
	not      []leanLeaf // pages holding any of these do not match (+a -b)
}

// leanQueryOf returns the terms of a request the lean search can answer
// exactly: a term query; a conjunction of two or more term queries and
// word pairs (a two-word phrase, +word +word) of which one at least
// scores, with or without terms it must not hold (+word -word); or a
// disjunction of two to ten term queries (word word).
func leanQueryOf(ctx context.Context, req *bleve.SearchRequest, m mapping.IndexMapping) (*leanQuery, bool) {
	if !leanSearchEnabled {
		return nil, false
	}
	if len(req.Facets) > 0 || req.IncludeLocations || req.Highlight != nil || len(req.Fields) > 0 ||
		req.Explain || req.Score != "" || req.SearchAfter != nil || req.SearchBefore != nil || req.From < 0 || req.Size < 0 {
		return nil, false
	}
	if len(req.Sort) > 1 {
		return nil, false
	}
	if len(req.Sort) == 1 {
		s, ok := req.Sort[0].(*search.SortScore)
		if !ok || !s.Desc {
			return nil, false
		}
	}
	for _, key := range []any{search.MakeDocumentMatchHandlerKey, search.FieldTermSynonymMapKey, search.GetScoringModelCallbackKey, search.NestedSearchKey, search.IncludeScoreBreakdownKey} {
		if ctx.Value(key) != nil {
			return nil, false
		}
	}
	if im, ok := m.(*mapping.IndexMappingImpl); !ok || (im.ScoringModel != "" && im.ScoringModel != bleveindex.TFIDFScoring) {
		return nil, false
	}
	leaf := func(q query.Query) (leanLeaf, bool) {
		switch q := q.(type) {
		case *query.TermQuery:
			return leanLeaf{field: q.FieldVal, term: []byte(q.Term), boost: q.BoostVal.Value(), scored: true}, q.FieldVal != "" && q.Term != ""
		case *pairTermQuery:
			return leanLeaf{field: q.Field, term: []byte(q.Term), boost: 1}, q.Field != "" && q.Term != ""
		}
		return leanLeaf{}, false
	}
	// allOf: a conjunction of terms and word pairs, one at least scored.
	allOf := func(q *query.ConjunctionQuery) (*leanQuery, bool) {
		if q.BoostVal != nil || len(q.Conjuncts) == 0 {
			return nil, false
		}
		lq := &leanQuery{compound: true}
		scored := false
		for _, c := range q.Conjuncts {
			l, ok := leaf(c)
			if !ok {
				return nil, false
			}
			scored = scored || l.scored
			lq.leaves = append(lq.leaves, l)
		}
		return lq, scored
	}
	switch q := req.Query.(type) {
	case *query.TermQuery:
		l, ok := leaf(q)
		return &leanQuery{leaves: []leanLeaf{l}}, ok
	case *query.ConjunctionQuery:
		if len(q.Conjuncts) < 2 {
			return nil, false
		}
		return allOf(q)
	case *query.BooleanQuery:
		// +a -b: Bleve's boolean searcher scores a page as its must part
		// scores it (the query norm over the must part's weights alone).
		must, ok := q.Must.(*query.ConjunctionQuery)
		notAny, notOK := q.MustNot.(*query.DisjunctionQuery)
		if q.BoostVal != nil || q.Should != nil || q.Filter != nil || !ok || !notOK || notAny.Min > 1 || len(notAny.Disjuncts) == 0 {
			return nil, false
		}
		lq, ok := allOf(must)
		if !ok {
			return nil, false
		}
		for _, d := range notAny.Disjuncts {
			l, ok := leaf(d)
			if !ok || !l.scored {
				return nil, false
			}
			lq.not = append(lq.not, l)
		}
		return lq, true
	case *query.DisjunctionQuery:
		// Up to ten: Bleve's searcher of more (DisjunctionHeapSearcher)
		// sums its terms' scores in another order.
		if q.BoostVal != nil || len(q.Disjuncts) < 2 || len(q.Disjuncts) > searcher.DisjunctionHeapTakeover || q.Min < 0 {
			return nil, false
		}
		leaves := make([]leanLeaf, 0, len(q.Disjuncts))
		for _, d := range q.Disjuncts {
			l, ok := leaf(d)
			if !ok || !l.scored {
				return nil, false
			}
			leaves = append(leaves, l)
		}
		return &leanQuery{leaves: leaves, anyOf: true, min: int(q.Min), compound: true}, true
	}
	return nil, false
}

// errNotLean is why a shard cannot be searched lean (not a scorch index):
// the search goes to Bleve.
var errNotLean = errors.New("not a scorch index")

// leanSearch answers a request lean (leanQueryOf) on every shard at once,
// each for its first From+Size pages, merged as SearchInContext merges
// Bleve's results.
func (s *shardedIndex) leanSearch(ctx context.Context, req *bleve.SearchRequest, lq *leanQuery) (*bleve.SearchResult, error) {
	leaves := lq.leaves
	start := time.Now()
	stats := &shardStats{shards: s.shards, counts: map[string]uint64{}}
	defer stats.close()
	docTotal, err := stats.entries()
	if err != nil {
		return nil, err
	}
	for i := range leaves {
		if leaves[i].count, err = stats.termEntries(ctx, leaves[i].term, leaves[i].field); err != nil {
			return nil, err
		}
		// search/scorer.TermQueryScorer's tf-idf.
		leaves[i].idf = 1.0 + math.Log(float64(docTotal)/float64(leaves[i].count+1.0))
		leaves[i].queryWeight = 1.0 // a lone term's: its boost does not change its score
	}
	if lq.compound {
		// As NewConjunctionSearcher and newDisjunctionSliceSearcher: the
		// terms in order of their pages
		// (the same sort, so equal counts fall alike), the query norm over
		// the scored terms' weights summed in that order, each term's
		// weight its boost × idf × that norm. A word pair weighs 0.
		sort.Sort(leanByCount(leaves))
		sumOfSquaredWeights := 0.0
		for _, l := range leaves {
			if l.scored {
				w := l.boost * l.idf
				sumOfSquaredWeights += w * w
			}
		}
		queryNorm := 1.0 / math.Sqrt(sumOfSquaredWeights)
		for i := range leaves {
			leaves[i].queryWeight = leaves[i].boost * leaves[i].idf * queryNorm
		}
	}
	// The shards are read through the readers the statistics were taken
	// from (stats.entries opened them): one snapshot of each for both.
	want := req.From + req.Size
	results, err := s.searchShards(func(i int) (*bleve.SearchResult, error) {
		return leanShard(ctx, stats.readers[i], lq, want)
	})
	if err != nil {
		return nil, err
	}
	return mergeShardResults(req, results, start), nil
}

// leanByCount orders leaves as OrderedSearcherList orders searchers.
type leanByCount []leanLeaf

func (l leanByCount) Len() int           { return len(l) }
func (l leanByCount) Less(i, j int) bool { return l[i].count < l[j].count }
func (l leanByCount) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// leanShard scores the pages of one shard's reader the query matches,
// keeping the best want of them.
func leanShard(ctx context.Context, reader bleveindex.IndexReader, lq *leanQuery, want int) (*bleve.SearchResult, error) {
	leaves := lq.leaves
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, errNotLean
	}
	m := &leanMatcher{leaves: leaves, anyOf: lq.anyOf, min: lq.min, not: lq.not, want: want, best: &leanHits{},
		its: make([]segment.PostingsIterator, len(leaves)), docs: make([]uint64, len(leaves)),
		freqs: make([]uint64, len(leaves)), norms: make([]float64, len(leaves))}
	segs := snap.Segments()
	var offset uint64
	for segIndex, ss := range segs {
		segOffset := offset
		offset += ss.Segment().Count()
		if err := m.segment(ctx, ss, segIndex, segOffset); err != nil {
			return nil, err
		}
	}
	hits := make(search.DocumentMatchCollection, len(*m.best))
	for i := len(hits) - 1; i >= 0; i-- {
		h := heap.Pop(m.best).(leanHit)
		id, err := segs[h.seg].DocID(h.num)
		if err != nil {
			return nil, fmt.Errorf("page of hit %d: %w", h.hitNumber, err)
		}
		hits[i] = &search.DocumentMatch{
			ID: string(id), Score: h.score, HitNumber: h.hitNumber,
			IndexInternalID: bleveindex.NewIndexInternalID(nil, h.global),
			Sort:            []string{"_score"},
		}
	}
	return &bleve.SearchResult{
		Status: &bleve.SearchStatus{Total: 1, Successful: 1},
		Hits:   hits, Total: m.total, MaxScore: m.maxScore,
	}, nil
}

// leanMatcher walks a shard's segments for the pages the query matches.
type leanMatcher struct {
	leaves   []leanLeaf
	anyOf    bool
	min      int
	not      []leanLeaf
	want     int
	best     *leanHits
	total    uint64
	maxScore float64

	// Per leaf, in the current segment: its postings, and the page, the
	// frequency and the norm of the posting it stands on.
	its   []segment.PostingsIterator
	docs  []uint64
	freqs []uint64
	norms []float64
}

// segment finds and scores the segment's pages holding every leaf.
func (m *leanMatcher) segment(ctx context.Context, ss *scorch.SegmentSnapshot, segIndex int, segOffset uint64) error {
	var bitmaps []*roaring.Bitmap
	for i, l := range m.leaves {
		dict, err := ss.Segment().Dictionary(l.field)
		if err != nil {
			return fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
		}
		pl, err := dict.PostingsList(l.term, ss.Deleted(), nil)
		if err != nil {
			return fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
		}
		if pl == nil || pl.Count() == 0 {
			if !m.anyOf {
				return nil
			}
			m.its[i] = nil // holds no page of the segment
			continue
		}
		m.its[i] = pl.Iterator(l.scored, l.scored, false, nil)
		if o, ok := m.its[i].(segment.OptimizablePostingsIterator); ok && o.ActualBitmap() != nil {
			bitmaps = append(bitmaps, o.ActualBitmap())
		}
	}
	excluded, err := m.excluded(ss)
	if err != nil {
		return err
	}
	// match keeps the page doc (unless it holds a term it must not),
	// scored as Bleve scores a conjunction: each scored term's score
	// summed in the terms' order. Pages come in ascending order.
	match := func(doc uint64) error {
		if excluded != nil {
			excluded.AdvanceIfNeeded(uint32(doc))
			if excluded.HasNext() && excluded.PeekNext() == uint32(doc) {
				return nil
			}
		}
		score := 0.0
		for i, l := range m.leaves {
			if l.scored {
				score += m.termScore(i)
			}
		}
		return m.keep(ctx, doc, score, segIndex, segOffset)
	}
	if m.anyOf {
		return m.segmentAnyOf(ctx, segIndex, segOffset)
	}
	if len(m.leaves) == 1 {
		for {
			ok, err := m.read(0, 0, true)
			if err != nil || !ok {
				return err
			}
			if err := match(m.docs[0]); err != nil {
				return err
			}
		}
	}
	if len(bitmaps) == len(m.leaves) && !leanLeapfrogOnly {
		// The pages every term holds, known up front: each term steps
		// straight to each of them (a filter's postings skip; a scored
		// term's read its frequencies on the way, as Bleve's do).
		all := roaring.FastAnd(bitmaps...)
		for it := all.Iterator(); it.HasNext(); {
			doc := uint64(it.Next())
			for i := range m.leaves {
				ok, err := m.read(i, doc, false)
				if err != nil {
					return err
				}
				if !ok || m.docs[i] != doc {
					return fmt.Errorf("term %s:%s: page %d of the segment missing from its postings", m.leaves[i].field, m.leaves[i].term, doc)
				}
			}
			if err := match(doc); err != nil {
				return err
			}
		}
		return nil
	}
	// Leapfrog: every term to the first page at or after the furthest any
	// stands on, until all stand on one page.
	for i := range m.leaves {
		if ok, err := m.read(i, 0, true); err != nil || !ok {
			return err
		}
	}
	for {
		target := slices.Max(m.docs)
		aligned := true
		for i := range m.leaves {
			if m.docs[i] < target {
				ok, err := m.read(i, target, false)
				if err != nil || !ok {
					return err
				}
				aligned = aligned && m.docs[i] == target
			}
		}
		if !aligned {
			continue
		}
		if err := match(target); err != nil {
			return err
		}
		if ok, err := m.read(0, 0, true); err != nil || !ok {
			return err
		}
	}
}

// excluded returns the pages of the segment holding any term of m.not, in
// order, or nil when there are none.
func (m *leanMatcher) excluded(ss *scorch.SegmentSnapshot) (roaring.IntPeekable, error) {
	if len(m.not) == 0 {
		return nil, nil
	}
	pages := roaring.New()
	for _, l := range m.not {
		dict, err := ss.Segment().Dictionary(l.field)
		if err != nil {
			return nil, fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
		}
		pl, err := dict.PostingsList(l.term, ss.Deleted(), nil)
		if err != nil {
			return nil, fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
		}
		if pl == nil || pl.Count() == 0 {
			continue
		}
		it := pl.Iterator(false, false, false, nil)
		if o, ok := it.(segment.OptimizablePostingsIterator); ok && o.ActualBitmap() != nil {
			pages.Or(o.ActualBitmap())
			continue
		}
		for {
			p, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
			}
			if p == nil {
				break
			}
			pages.Add(uint32(p.Number()))
		}
	}
	if pages.IsEmpty() {
		return nil, nil
	}
	return pages.Iterator(), nil
}

// termScore is leaf i's score of the posting it stands on, as
// search/scorer.TermQueryScorer scores it: tf × norm × idf (tf the square
// root of the frequency), times the query weight unless that is 1.
func (m *leanMatcher) termScore(i int) float64 {
	l := &m.leaves[i]
	s := math.Sqrt(float64(m.freqs[i])) * m.norms[i] * l.idf
	if l.queryWeight != 1.0 {
		s *= l.queryWeight
	}
	return s
}

// keep counts a match and offers it to the best kept; it checks now and
// then whether the search is cancelled.
func (m *leanMatcher) keep(ctx context.Context, doc uint64, score float64, segIndex int, segOffset uint64) error {
	m.total++
	if m.total%(1<<14) == 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if score > m.maxScore {
		m.maxScore = score
	}
	m.best.offer(leanHit{score: score, hitNumber: m.total, seg: segIndex, num: doc, global: segOffset + doc}, m.want)
	return nil
}

// segmentAnyOf finds and scores the segment's pages holding any leaf, as
// Bleve's DisjunctionSliceSearcher does: page by page, the terms standing
// on the lowest page match it; a page with at least min of them scores
// their scores summed in the terms' order, times the share of the terms
// that match (coord).
func (m *leanMatcher) segmentAnyOf(ctx context.Context, segIndex int, segOffset uint64) error {
	live := 0
	for i := range m.leaves {
		if m.its[i] == nil {
			continue
		}
		ok, err := m.read(i, 0, true)
		if err != nil {
			return err
		}
		if !ok {
			m.its[i] = nil
			continue
		}
		live++
	}
	matching := make([]int, 0, len(m.leaves))
	for live > 0 {
		matching = matching[:0]
		for i := range m.leaves {
			if m.its[i] == nil {
				continue
			}
			if len(matching) > 0 && m.docs[i] > m.docs[matching[0]] {
				continue
			}
			if len(matching) > 0 && m.docs[i] < m.docs[matching[0]] {
				matching = matching[:0]
			}
			matching = append(matching, i)
		}
		doc := m.docs[matching[0]]
		if len(matching) >= m.min {
			sum := 0.0
			for _, i := range matching {
				sum += m.termScore(i)
			}
			coord := float64(len(matching)) / float64(len(m.leaves))
			if err := m.keep(ctx, doc, sum*coord, segIndex, segOffset); err != nil {
				return err
			}
		}
		for _, i := range matching {
			ok, err := m.read(i, 0, true)
			if err != nil {
				return err
			}
			if !ok {
				m.its[i] = nil
				live--
			}
		}
	}
	return nil
}

// read moves leaf i's postings to the next posting (next) or to the first
// at or after page at, and notes its page, frequency and norm; false when
// there is none.
func (m *leanMatcher) read(i int, at uint64, next bool) (bool, error) {
	var p segment.Posting
	var err error
	if next {
		p, err = m.its[i].Next()
	} else {
		p, err = m.its[i].Advance(at)
	}
	if err != nil {
		return false, fmt.Errorf("term %s:%s: %w", m.leaves[i].field, m.leaves[i].term, err)
	}
	if p == nil {
		return false, nil
	}
	m.docs[i] = p.Number()
	if m.leaves[i].scored {
		m.freqs[i], m.norms[i] = p.Frequency(), postingNorm(p)
	}
	return true, nil
}

// leanNorms holds Bleve's norm of the commoner field lengths, computed as
// zap's Posting.Norm computes it (which takes a square root per posting).
var leanNorms = sync.OnceValue(func() []float64 {
	norms := make([]float64, 1<<16)
	for n := range norms {
		norms[n] = float64(float32(1.0 / math.Sqrt(float64(n))))
	}
	return norms
})

// postingNorm returns a posting's norm as Bleve scores it.
func postingNorm(p interface{ Norm() float64 }) float64 {
	if nb, ok := p.(interface{ NormUint64() uint64 }); ok {
		if n := nb.NormUint64(); n < 1<<16 {
			return leanNorms()[n]
		}
	}
	return p.Norm()
}

// leanHit is a page kept by leanTermShard: hitNumber is its rank among the
// shard's matches in the order met, as Bleve's collector numbers them.
type leanHit struct {
	score     float64
	hitNumber uint64
	seg       int
	num       uint64
	global    uint64
}

// leanHits is a heap whose top is the hit that goes first: the lowest
// score, and among equal scores the one met last.
type leanHits []leanHit

// offer keeps hit if it is among the best want met so far: a better score
// displaces the worst kept, an equal one does not displace the page met
// before it (Bleve's collector keeps the first of equal scores).
func (h *leanHits) offer(hit leanHit, want int) {
	switch {
	case len(*h) < want:
		heap.Push(h, hit)
	case want > 0 && hit.score > (*h)[0].score:
		(*h)[0] = hit
		heap.Fix(h, 0)
	}
}

func (h leanHits) Len() int { return len(h) }
func (h leanHits) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].hitNumber > h[j].hitNumber
}
func (h leanHits) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *leanHits) Push(x any)   { *h = append(*h, x.(leanHit)) }
func (h *leanHits) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
