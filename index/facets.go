package index

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// facetLimits is how many values of each facet a search reports, the most
// frequent first.
var facetLimits = map[string]int{"theme": 50, "year": 50, "journal": 30}

// facetField is the page field whose values the facets count: "year:2015",
// "journal:…", "theme:…" (facetValue).
const facetField = "facet"

// Facet counting. A faceted search counts the facet values of every hit,
// and a common word hits most pages of a library, so the counting must
// cost little per hit. Bleve's own terms facet reads each hit's doc values
// (a binary search in a compressed chunk) and copies every value into a
// new string: on 100,000 pages that made a faceted search cost twice a
// plain one.
//
// Here the facet values of every page of an index segment are read once,
// as small integers (ordinals into one list of values), and kept while the
// segment lives: Bleve's segments never change once written (new and
// changed pages go to new segments, merges make new ones). Counting a hit
// is then an array lookup, done in the same pass in which Bleve collects
// the top hits. A search over an index that is not Bleve's scorch, or a
// segment whose values cannot be read that way, counts from the doc values
// hit by hit instead, with the same result.

// facetOrdinals is a library's cache of segment ordinals.
type facetOrdinals struct {
	mu    sync.Mutex
	terms []string          // ordinal → facet value
	ordOf map[string]uint32 // facet value → ordinal
	segs  map[segment.Segment]*segmentFacets
}

// segmentFacets holds the ordinals of one segment's pages: page (local
// document number) i has ords[start[i]:start[i+1]].
type segmentFacets struct {
	start []uint32
	ords  []uint32
}

// maxCachedFacetTerms bounds the value list; past it the cache starts
// afresh (values only accumulate as metadata and codebooks change).
const maxCachedFacetTerms = 1 << 20

// snapshotFacets is what one search needs to count: the ordinals of each
// segment of its index snapshot and where each segment's document numbers
// start.
type snapshotFacets struct {
	offsets []uint64 // global number of each segment's first document
	segs    []*segmentFacets
	terms   []string
}

// forSnapshot returns the ordinals of every segment of the snapshot,
// reading those of segments not seen before. ok is false when the snapshot
// cannot be counted this way.
func (fo *facetOrdinals) forSnapshot(snap *scorch.IndexSnapshot) (sf *snapshotFacets, ok bool, err error) {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	if fo.segs == nil || len(fo.terms) > maxCachedFacetTerms {
		fo.terms, fo.ordOf, fo.segs = nil, map[string]uint32{}, map[segment.Segment]*segmentFacets{}
	}
	segs := snap.Segments()
	sf = &snapshotFacets{offsets: make([]uint64, len(segs)), segs: make([]*segmentFacets, len(segs))}
	live := make(map[segment.Segment]bool, len(segs))
	var running uint64
	for i, ss := range segs {
		seg := ss.Segment()
		if seg == nil || reflect.TypeOf(seg).Kind() != reflect.Pointer {
			return nil, false, nil // not usable as a map key
		}
		// Scorch numbers a snapshot's documents segment after segment,
		// each segment's from the sum of the sizes of those before it.
		sf.offsets[i] = running
		running += seg.Count()
		live[seg] = true
		cached := fo.segs[seg]
		if cached == nil {
			if cached, ok, err = fo.read(seg); !ok || err != nil {
				return nil, ok, err
			}
			fo.segs[seg] = cached
		}
		sf.segs[i] = cached
	}
	// Forget segments merged away, once they outnumber the live ones (a
	// search on an older snapshot may still want them; it reads them
	// again).
	if len(fo.segs) > 2*len(live)+8 {
		for seg := range fo.segs {
			if !live[seg] {
				delete(fo.segs, seg)
			}
		}
	}
	sf.terms = fo.terms
	return sf, true, nil
}

// read gathers the facet ordinals of every page of one segment.
func (fo *facetOrdinals) read(seg segment.Segment) (*segmentFacets, bool, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, false, nil
	}
	n := seg.Count()
	sf := &segmentFacets{start: make([]uint32, 0, n+1)}
	fields, err := dv.VisitableDocValueFields()
	if err != nil {
		return nil, false, err
	}
	if !contains(fields, facetField) {
		// No page of this segment has a facet value.
		sf.start = make([]uint32, n+1)
		return sf, true, nil
	}
	visit := func(field string, term []byte) {
		o, seen := fo.ordOf[string(term)]
		if !seen {
			o = uint32(len(fo.terms))
			t := string(term)
			fo.terms = append(fo.terms, t)
			fo.ordOf[t] = o
		}
		sf.ords = append(sf.ords, o)
	}
	want := []string{facetField}
	var state segment.DocVisitState
	for doc := range n {
		sf.start = append(sf.start, uint32(len(sf.ords)))
		if state, err = dv.VisitDocValues(doc, want, visit, state); err != nil {
			return nil, false, err
		}
	}
	sf.start = append(sf.start, uint32(len(sf.ords)))
	return sf, true, nil
}

// facetCounter counts the facet values of the hits of one search: a part
// for each shard searched (they count at once, on their own goroutines).
type facetCounter struct {
	cache *facetOrdinals

	mu    sync.Mutex
	parts []*facetPart
}

// facetPart counts the hits of one shard's search.
type facetPart struct {
	// From ordinals: counts by ordinal.
	snap   *snapshotFacets
	counts []int
	seg    int // segment of the last hit counted (hits come in order)

	// Hit by hit, from doc values.
	byValue map[string]*int
}

// reset forgets the counts, before a search is tried (again).
func (fc *facetCounter) reset() {
	fc.mu.Lock()
	fc.parts = nil
	fc.mu.Unlock()
}

func (fc *facetCounter) newPart() *facetPart {
	p := &facetPart{}
	fc.mu.Lock()
	fc.parts = append(fc.parts, p)
	fc.mu.Unlock()
	return p
}

type facetCounterKey struct{}

// resetFacetCounting makes the counter of a context made by
// withFacetCounting start afresh: searchGuarded calls it before each try
// of a search, so that a retried search counts once.
func resetFacetCounting(ctx context.Context) {
	if fc, ok := ctx.Value(facetCounterKey{}).(*facetCounter); ok {
		fc.reset()
	}
}

// withFacetCounting returns a context under which a Bleve search also
// counts the facet values of all its hits into fc, a part per shard.
func withFacetCounting(ctx context.Context, fc *facetCounter) context.Context {
	var makeHandler search.MakeDocumentMatchHandler = func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		collect, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		if collect == nil {
			// Not Bleve's top-N collector: leave the search as it is.
			return nil, false, nil
		}
		part := fc.newPart()
		if snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot); ok && fc.cache != nil {
			sf, ok, err := fc.cache.forSnapshot(snap)
			if err != nil {
				return nil, false, err
			}
			if ok {
				part.snap, part.counts = sf, make([]int, len(sf.terms))
				return func(d *search.DocumentMatch) error {
					if d != nil {
						part.countOrdinals(d.IndexInternalID.Value())
					}
					return collect(d)
				}, loadID, nil
			}
		}
		dv, err := sctx.IndexReader.DocValueReader([]string{facetField})
		if err != nil {
			return nil, false, err
		}
		part.byValue = make(map[string]*int)
		return func(d *search.DocumentMatch) error {
			if d != nil {
				// Before collect: it may return d to the pool.
				if err := dv.VisitDocValues(d.IndexInternalID, part.visit); err != nil {
					return err
				}
			}
			return collect(d)
		}, loadID, nil
	}
	ctx = context.WithValue(ctx, facetCounterKey{}, fc)
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, makeHandler)
}

// countOrdinals counts the values of the hit with this global document
// number.
func (fc *facetPart) countOrdinals(doc uint64) {
	offs := fc.snap.offsets
	if i := fc.seg; doc < offs[i] || i+1 < len(offs) && doc >= offs[i+1] {
		fc.seg = sort.Search(len(offs), func(j int) bool { return offs[j] > doc }) - 1
	}
	if fc.seg < 0 {
		fc.seg = 0
		return
	}
	fc.countLocal(fc.seg, doc-offs[fc.seg])
}

// countLocal counts the values of the hit with this document number in
// the snapshot's segment seg.
func (fc *facetPart) countLocal(seg int, local uint64) {
	sf := fc.snap.segs[seg]
	if local+1 >= uint64(len(sf.start)) {
		return
	}
	for _, o := range sf.ords[sf.start[local]:sf.start[local+1]] {
		fc.counts[o]++
	}
}

// visit counts one value of one hit. The lookup with string(term) does not
// allocate; only a value not seen before is copied.
func (fc *facetPart) visit(field string, term []byte) {
	if n, ok := fc.byValue[string(term)]; ok {
		*n++
		return
	}
	one := 1
	fc.byValue[string(term)] = &one
}

// result splits the counts into the theme, year and journal facets, each
// most frequent first (ties by value) and cut to facetLimits.
func (fc *facetCounter) result() map[string][]FacetCount {
	out := map[string][]FacetCount{"theme": nil, "year": nil, "journal": nil}
	add := func(term string, n int) {
		name, value, ok := strings.Cut(term, ":")
		if _, known := out[name]; ok && known && value != "" && n > 0 {
			out[name] = append(out[name], FacetCount{Value: value, Count: n})
		}
	}
	fc.mu.Lock()
	byTerm := map[string]int{}
	for _, p := range fc.parts {
		for o, n := range p.counts {
			if n > 0 {
				byTerm[p.snap.terms[o]] += n
			}
		}
		for term, n := range p.byValue {
			byTerm[term] += *n
		}
	}
	fc.mu.Unlock()
	for term, n := range byTerm {
		add(term, n)
	}
	for name, counts := range out {
		sort.Slice(counts, func(i, j int) bool {
			if counts[i].Count != counts[j].Count {
				return counts[i].Count > counts[j].Count
			}
			return counts[i].Value < counts[j].Value
		})
		if limit := facetLimits[name]; len(counts) > limit {
			out[name] = counts[:limit]
		}
	}
	return out
}
