package index

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
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
	zapx "github.com/blevesearch/zapx/v17"
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
// word pair, an exact year: filterTermQuery).
type leanLeaf struct {
	field  string
	term   []byte
	boost  float64
	scored bool

	count       uint64  // pages holding the term, in the whole index
	idf         float64 // Bleve's, of the whole index
	queryWeight float64 // Bleve's, 1 for a lone term
}

// postings returns the leaf's postings in a segment, its deleted pages
// left out; nil when the segment holds none.
func (l *leanLeaf) postings(ss *scorch.SegmentSnapshot) (segment.PostingsList, error) {
	dict, err := ss.Segment().Dictionary(l.field)
	if err != nil {
		return nil, fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
	}
	pl, err := dict.PostingsList(l.term, ss.Deleted(), nil)
	if err != nil {
		return nil, fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
	}
	if pl == nil || pl.Count() == 0 {
		return nil, nil
	}
	return pl, nil
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

// leanLocationsKey is the context key of a *leanLocations.
type leanLocationsKey struct{}

// leanLocations, in a search's context, asks the lean search to give its
// hits the term locations Bleve's search with IncludeLocations gives them
// for the query as the user wrote it, before rewriteForSpeed: every
// position of a word in the fields that keep positions, and the two words
// of a two-word phrase only where they stand side by side. A lean search
// sets located and gathers them meanwhile, from the postings it read, on
// their own goroutines (the caller reads SQLite meanwhile); located then
// delivers the outcome, once. A search the lean search does not answer
// leaves located nil, and the caller gathers them itself
// (Library.addLocations). For a two-word phrase the lean search sets
// phrase instead, which finds it in the shown pages' text (phrasetext.go).
type leanLocations struct {
	located <-chan error
	phrase  *textPhrase
}

func withLeanLocations(ctx context.Context, ll *leanLocations) context.Context {
	return context.WithValue(ctx, leanLocationsKey{}, ll)
}

// phraseWords pairs each word pair leaf with the leaves of its two words
// (rewriteForSpeed's two-word phrase: the pair "a b" with the words a and
// b); false when a pair's words are not both there.
func (lq *leanQuery) phraseWords() ([][2]int, bool) {
	var phrases [][2]int
	for _, l := range lq.leaves {
		if l.scored || l.field != pageTextPairs {
			continue
		}
		first, second, ok := strings.Cut(string(l.term), " ")
		if !ok {
			return nil, false
		}
		words := [2]int{-1, -1}
		for j, w := range lq.leaves {
			if !w.scored || w.field != "text" {
				continue
			}
			if words[0] < 0 && string(w.term) == first {
				words[0] = j
			} else if words[1] < 0 && string(w.term) == second {
				words[1] = j
			}
		}
		if words[0] < 0 || words[1] < 0 {
			return nil, false
		}
		phrases = append(phrases, words)
	}
	return phrases, true
}

// leanQueryOf returns the terms of a request the lean search can answer
// exactly: a term query; a conjunction of two or more term queries and
// filters (a two-word phrase, +word +word, +year:2019 +word) of which one
// at least scores, with or without terms it must not hold (+word -word); or a
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
	for _, key := range []any{search.FieldTermSynonymMapKey, search.GetScoringModelCallbackKey, search.NestedSearchKey, search.IncludeScoreBreakdownKey} {
		if ctx.Value(key) != nil {
			return nil, false
		}
	}
	// A handler of the matches: only the facet counter's, which the lean
	// search counts for itself (leanFacets).
	if ctx.Value(search.MakeDocumentMatchHandlerKey) != nil {
		if fc, ok := ctx.Value(facetCounterKey{}).(*facetCounter); !ok || fc.cache == nil {
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
		case *filterTermQuery:
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
	defer func() {
		if stats != nil { // not handed to the gathering of locations
			stats.close()
		}
	}()
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
	ll, _ := ctx.Value(leanLocationsKey{}).(*leanLocations)
	var phrases [][2]int
	var phrase *textPhrase
	locate := false
	if ll != nil {
		if phrase = newTextPhrase(lq, s.Mapping().AnalyzerNamed(pageTextAnalyzer)); phrase == nil {
			phrases, locate = lq.phraseWords()
		}
	}
	facets, err := leanFacets(ctx, stats.readers)
	if err != nil {
		return nil, err
	}
	// The shards are read through the readers the statistics were taken
	// from (stats.entries opened them): one snapshot of each for both.
	want := req.From + req.Size
	kept := make([][]leanHit, len(s.shards))
	shardHits := make([]search.DocumentMatchCollection, len(s.shards))
	results, err := s.searchShards(func(i int) (*bleve.SearchResult, error) {
		res, k, err := leanShard(ctx, stats.readers[i], lq, want, facets[i])
		if err == nil {
			// Merging reorders the first shard's hits in place.
			kept[i], shardHits[i] = k, slices.Clone(res.Hits)
		}
		return res, err
	})
	if err != nil {
		return nil, err
	}
	merged := mergeShardResults(req, results, start)
	if phrase != nil {
		ll.phrase = phrase
	}
	if locate {
		// The hits shown are located while the caller completes them; the
		// readers stay open until then.
		located := make(chan error, 1)
		ll.located = located
		go func(stats *shardStats) {
			defer stats.close()
			located <- locateShown(stats, lq, phrases, merged.Hits, kept, shardHits)
		}(stats)
		stats = nil
	}
	return merged, nil
}

// leanFacets returns, when the search counts facet values (a context of
// withFacetCounting), a part of the counter for each shard's reader, to
// count every page matched as Bleve's search would (leanMatcher.keep);
// a nil part for each when it does not. A reader whose facet values cannot be read as
// ordinals sends the search to Bleve (errNotLean), before any is counted.
func leanFacets(ctx context.Context, readers []bleveindex.IndexReader) ([]*facetPart, error) {
	fc, ok := ctx.Value(facetCounterKey{}).(*facetCounter)
	if !ok {
		return make([]*facetPart, len(readers)), nil
	}
	if fc.cache == nil {
		return nil, errNotLean
	}
	snaps := make([]*snapshotFacets, len(readers))
	for i, r := range readers {
		snap, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			return nil, errNotLean
		}
		sf, ok, err := fc.cache.forSnapshot(snap)
		if err != nil {
			return nil, fmt.Errorf("facets of shard %d: %w", i, err)
		}
		if !ok {
			return nil, errNotLean
		}
		snaps[i] = sf
	}
	parts := make([]*facetPart, len(readers))
	for i, sf := range snaps {
		parts[i] = fc.newPart()
		parts[i].snap, parts[i].counts = sf, make([]int, len(sf.terms))
	}
	return parts, nil
}

// locateShown gives the hits shown their locations (locateLean), each
// shard's on its own goroutine. kept[i][j] is the page of shardHits[i][j],
// shard i's hits.
func locateShown(stats *shardStats, lq *leanQuery, phrases [][2]int, shown search.DocumentMatchCollection, kept [][]leanHit, shardHits []search.DocumentMatchCollection) error {
	isShown := make(map[*search.DocumentMatch]bool, len(shown))
	for _, h := range shown {
		isShown[h] = true
	}
	return forEachShard(len(kept), "locate hits of shard", func(i int) error {
		var pages []leanHit
		var hits search.DocumentMatchCollection
		for j, h := range shardHits[i] {
			if isShown[h] {
				pages, hits = append(pages, kept[i][j]), append(hits, h)
			}
		}
		if len(hits) == 0 {
			return nil
		}
		snap, ok := stats.readers[i].(*scorch.IndexSnapshot)
		if !ok {
			return errNotLean
		}
		return locateLean(snap.Segments(), lq.leaves, phrases, pages, hits)
	})
}

// leanByCount orders leaves as OrderedSearcherList orders searchers.
type leanByCount []leanLeaf

func (l leanByCount) Len() int           { return len(l) }
func (l leanByCount) Less(i, j int) bool { return l[i].count < l[j].count }
func (l leanByCount) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// leanShard scores the pages of one shard's reader the query matches,
// keeping the best want of them.
func leanShard(ctx context.Context, reader bleveindex.IndexReader, lq *leanQuery, want int, facets *facetPart) (*bleve.SearchResult, []leanHit, error) {
	leaves := lq.leaves
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, errNotLean
	}
	m := &leanMatcher{leaves: leaves, anyOf: lq.anyOf, min: lq.min, not: lq.not, want: want, best: &leanHits{}, facets: facets,
		its: make([]segment.PostingsIterator, len(leaves)), zits: make([]*zapx.PostingsIterator, len(leaves)), docs: make([]uint64, len(leaves)),
		freqs: make([]uint64, len(leaves)), norms: make([]float64, len(leaves))}
	segs := snap.Segments()
	var offset uint64
	for segIndex, ss := range segs {
		segOffset := offset
		offset += ss.Segment().Count()
		if err := m.segment(ctx, ss, segIndex, segOffset); err != nil {
			return nil, nil, err
		}
	}
	hits := make(search.DocumentMatchCollection, len(*m.best))
	kept := make([]leanHit, len(hits))
	for i := len(hits) - 1; i >= 0; i-- {
		h := heap.Pop(m.best).(leanHit)
		kept[i] = h
		id, err := segs[h.seg].DocID(h.num)
		if err != nil {
			return nil, nil, fmt.Errorf("page of hit %d: %w", h.hitNumber, err)
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
	}, kept, nil
}

// locateLean gives each hit (kept[i] is hits[i]'s page) the locations of
// the query's scored words on its page, read from the postings of the
// segment it is in, as leanLocations describes them. The phrase words
// that stand side by side are found as Bleve's phrase searcher finds them:
// the second word at the next position of the same value of the field.
func locateLean(segs []*scorch.SegmentSnapshot, leaves []leanLeaf, phrases [][2]int, kept []leanHit, hits search.DocumentMatchCollection) error {
	// Each segment's postings are read once per word, in page order.
	order := make([]int, len(kept))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		ka, kb := kept[order[a]], kept[order[b]]
		if ka.seg != kb.seg {
			return ka.seg < kb.seg
		}
		return ka.num < kb.num
	})
	// found[hit][leaf]: the word's locations on the hit's page.
	found := make([][][]search.Location, len(kept))
	for i := range found {
		found[i] = make([][]search.Location, len(leaves))
	}
	for start := 0; start < len(order); {
		seg := kept[order[start]].seg
		end := start
		for end < len(order) && kept[order[end]].seg == seg {
			end++
		}
		ss := segs[seg]
		for li, l := range leaves {
			if !l.scored {
				continue
			}
			pl, err := l.postings(ss)
			if err != nil {
				return fmt.Errorf("locations: %w", err)
			}
			if pl == nil {
				continue
			}
			it := pl.Iterator(false, false, true, nil)
			if o, ok := it.(segment.OptimizablePostingsIterator); ok && o.ActualBitmap() != nil {
				// Narrowed to the pages shown, the postings step from one
				// to the next without decoding the pages between (see
				// leanMatcher.segment).
				shown := roaring.New()
				for _, hi := range order[start:end] {
					shown.Add(uint32(kept[hi].num))
				}
				o.ReplaceActual(roaring.And(shown, o.ActualBitmap()))
			}
			var at segment.Posting // the posting the postings stand on
			for _, hi := range order[start:end] {
				num := kept[hi].num
				if at == nil || at.Number() < num {
					if at, err = it.Advance(num); err != nil {
						return fmt.Errorf("locations of %s:%s: %w", l.field, l.term, err)
					}
					if at == nil {
						break
					}
				}
				if at.Number() != num {
					continue
				}
				for _, loc := range at.Locations() {
					var ap search.ArrayPositions
					if a := loc.ArrayPositions(); len(a) > 0 {
						ap = append(ap, a...)
					}
					found[hi][li] = append(found[hi][li], search.Location{
						Pos: loc.Pos(), Start: loc.Start(), End: loc.End(), ArrayPositions: ap,
					})
				}
			}
		}
		start = end
	}
	for hi, h := range hits {
		h.Locations = leanHitLocations(leaves, phrases, found[hi])
	}
	return nil
}

// leanHitLocations lays out a page's word locations (found, by leaf) as
// Bleve's DocumentMatch.Locations: by field and term, each term's sorted
// and without duplicates; a phrase's words only where they form it.
func leanHitLocations(leaves []leanLeaf, phrases [][2]int, found [][]search.Location) search.FieldTermLocationMap {
	inPhrase := make([]bool, len(leaves))
	keep := make([][]bool, len(leaves))
	for _, words := range phrases {
		first, second := words[0], words[1]
		inPhrase[first], inPhrase[second] = true, true
		for _, w := range words {
			if keep[w] == nil {
				keep[w] = make([]bool, len(found[w]))
			}
		}
		for i, a := range found[first] {
			for j, b := range found[second] {
				if b.Pos == a.Pos+1 && b.ArrayPositions.Equals(a.ArrayPositions) {
					keep[first][i], keep[second][j] = true, true
				}
			}
		}
	}
	var out search.FieldTermLocationMap
	for li, locs := range found {
		term := string(leaves[li].term)
		for i := range locs {
			if inPhrase[li] && !keep[li][i] {
				continue
			}
			if out == nil {
				out = search.FieldTermLocationMap{}
			}
			field := leaves[li].field
			if out[field] == nil {
				out[field] = search.TermLocationMap{}
			}
			out[field][term] = append(out[field][term], &locs[i])
		}
	}
	for _, tlm := range out {
		for term, locs := range tlm {
			tlm[term] = locs.Dedupe()
		}
	}
	return out
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
	facets   *facetPart // counts the facet values of every page matched, or nil

	// Per leaf, in the current segment: its postings, and the page, the
	// frequency and the norm of the posting it stands on.
	its      []segment.PostingsIterator
	zits     []*zapx.PostingsIterator // its, when zap's (read)
	docs     []uint64
	freqs    []uint64
	norms    []float64
	narrowed []bool // narrowed to the pages all hold (segment)
}

// narrowShare: a term's postings are narrowed to the pages all terms of a
// conjunction hold when those are at most this share of its own.
const narrowShare = 4

// segment finds and scores the segment's pages holding every leaf.
func (m *leanMatcher) segment(ctx context.Context, ss *scorch.SegmentSnapshot, segIndex int, segOffset uint64) error {
	var bitmaps []*roaring.Bitmap
	for i, l := range m.leaves {
		pl, err := l.postings(ss)
		if err != nil {
			return err
		}
		if pl == nil {
			if !m.anyOf {
				return nil
			}
			m.its[i], m.zits[i] = nil, nil // holds no page of the segment
			continue
		}
		m.its[i] = pl.Iterator(l.scored, l.scored, false, nil)
		m.zits[i], _ = m.its[i].(*zapx.PostingsIterator)
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
		if zit, ok := m.its[0].(*zapx.PostingsIterator); ok {
			return m.segmentOne(ctx, zit, excluded, segIndex, segOffset)
		}
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
		// term's read its frequencies on the way, as Bleve's do). Where
		// they are few of a term's pages (a phrase's words, narrowed by its
		// word pair), its postings are narrowed to them, as Bleve's
		// conjunction optimisation narrows them: stepping to the next then
		// passes the pages between at less cost than advancing to a page,
		// which walks every posting before it (the A/B in README's notes:
		// phrases gained, two common words lost).
		all := roaring.FastAnd(bitmaps...)
		count := all.GetCardinality()
		narrowed := m.narrowed[:0]
		for i := range m.leaves {
			o, ok := m.its[i].(segment.OptimizablePostingsIterator)
			narrow := ok && m.leaves[i].scored && count*narrowShare <= o.ActualBitmap().GetCardinality()
			if narrow {
				o.ReplaceActual(all)
			}
			narrowed = append(narrowed, narrow)
		}
		m.narrowed = narrowed
		for it := all.Iterator(); it.HasNext(); {
			doc := uint64(it.Next())
			for i := range m.leaves {
				ok, err := m.read(i, doc, narrowed[i])
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
		pl, err := l.postings(ss)
		if err != nil {
			return nil, err
		}
		if pl == nil {
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
	if m.facets != nil {
		m.facets.countLocal(segIndex, doc)
	}
	if score > m.maxScore {
		m.maxScore = score
	}
	if best := *m.best; len(best) == m.want && !(m.want > 0 && score > best[0].score) {
		return nil // not among the best (offer would not keep it)
	}
	m.best.offer(leanHit{score: score, hitNumber: m.total, seg: segIndex, num: doc, global: segOffset + doc}, m.want)
	return nil
}

// segmentOne is segment for a lone term (the commonest search: one word)
// in a segment zap wrote, where the work per page is all there is: the
// postings are read through zap's own types, which spares an interface
// call per method and the norm's type check, and a page scores as
// termScore scores it (read and match, for other segments).
func (m *leanMatcher) segmentOne(ctx context.Context, it *zapx.PostingsIterator, excluded roaring.IntPeekable, segIndex int, segOffset uint64) error {
	l := &m.leaves[0]
	norms := leanNorms()
	for {
		next, err := it.Next()
		if err != nil {
			return fmt.Errorf("term %s:%s: %w", l.field, l.term, err)
		}
		if next == nil {
			return nil
		}
		p, ok := next.(*zapx.Posting)
		if !ok {
			return fmt.Errorf("term %s:%s: a posting of type %T", l.field, l.term, next)
		}
		doc := p.Number()
		if excluded != nil {
			excluded.AdvanceIfNeeded(uint32(doc))
			if excluded.HasNext() && excluded.PeekNext() == uint32(doc) {
				continue
			}
		}
		score := math.Sqrt(float64(p.Frequency())) * zapNorm(p, norms) * l.idf
		if l.queryWeight != 1.0 {
			score *= l.queryWeight
		}
		if err := m.keep(ctx, doc, score, segIndex, segOffset); err != nil {
			return err
		}
	}
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
			m.its[i], m.zits[i] = nil, nil
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
				m.its[i], m.zits[i] = nil, nil
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
	switch zit := m.zits[i]; {
	case zit != nil && next:
		p, err = zit.Next() // zap's own types: no interface call (segmentOne)
	case zit != nil:
		p, err = zit.Advance(at)
	case next:
		p, err = m.its[i].Next()
	default:
		p, err = m.its[i].Advance(at)
	}
	if err != nil {
		return false, fmt.Errorf("term %s:%s: %w", m.leaves[i].field, m.leaves[i].term, err)
	}
	if p == nil {
		return false, nil
	}
	if zp, ok := p.(*zapx.Posting); ok {
		m.docs[i] = zp.Number()
		if m.leaves[i].scored {
			m.freqs[i], m.norms[i] = zp.Frequency(), zapNorm(zp, leanNorms())
		}
		return true, nil
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

// zapNorm is postingNorm for zap's own posting, with the table at hand.
func zapNorm(p *zapx.Posting, norms []float64) float64 {
	if n := p.NormUint64(); n < uint64(len(norms)) {
		return norms[n]
	}
	return p.Norm()
}

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
