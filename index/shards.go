package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Shards. The search index (index.bleve) is several Bleve indexes, its
// shards (index.bleve/shard-0, shard-1, …), and a document's pages all go
// to shard (document id mod shards). A search runs on every shard at once,
// each on its own goroutine, and the best hits of each are merged: Bleve
// scores every page a query matches, one after the other, so on a library
// of a million pages a search is bound by one core unless the pages are
// split. Writes go to the shards at once too (newEntryBatch).
//
// Each shard's search scores with the statistics of the whole index (the
// number of pages, and of pages holding each term: globalStatsQuery), so
// a page scores exactly as it would in one index, whatever the number of
// shards and however the documents fall among them; that is why even a
// small library is sharded, and no size has to be chosen at which to
// switch.
//
// An index gets one shard per core (at least 2, at most maxShards) when it
// is built; it keeps that number until it is rebuilt (rapport reindex).

// shardDirPrefix names a shard's folder inside index.bleve.
const shardDirPrefix = "shard-"

// maxShards bounds the shards of a new index: past the cores a search can
// use at once, more shards only repeat each term's dictionary.
const maxShards = 8

// newShardCount is how many shards a new index gets (a variable for tests).
var newShardCount = func() int { return min(max(runtime.NumCPU(), 2), maxShards) }

// shardedIndex is the search index: a bleve.Index over its shards.
// Methods that cannot be split by document (FieldDict, Advanced, a
// bleve.Batch) return an error; writes go through newEntryBatch.
type shardedIndex struct {
	shards []bleve.Index
	name   string
}

var _ bleve.Index = (*shardedIndex)(nil)

// createShardedIndex makes a new, empty index of n shards at path.
func createShardedIndex(path string, n int) (*shardedIndex, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("create search index %s: %w", path, err)
	}
	s := &shardedIndex{name: path}
	for i := range n {
		p := filepath.Join(path, shardDirPrefix+strconv.Itoa(i))
		sh, err := bleve.NewUsing(p, indexMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, scorchConfig())
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("create search index shard %s: %w", p, err)
		}
		s.shards = append(s.shards, sh)
	}
	return s, nil
}

// errOlderIndexLayout is why an index.bleve that is one Bleve index (as
// Rapport wrote before version 15) does not open.
var errOlderIndexLayout = errors.New("is one index of an older layout, not shards")

// openShardedIndex opens the shards at path with the Bleve config given.
func openShardedIndex(path string, config map[string]any) (*shardedIndex, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var numbers []int
	for _, e := range entries {
		if e.Name() == "index_meta.json" {
			return nil, errOlderIndexLayout
		}
		n, err := strconv.Atoi(strings.TrimPrefix(e.Name(), shardDirPrefix))
		if e.IsDir() && strings.HasPrefix(e.Name(), shardDirPrefix) && err == nil && n >= 0 {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	if len(numbers) == 0 {
		return nil, fmt.Errorf("no shard in %s", path)
	}
	for i, n := range numbers {
		if n != i {
			return nil, fmt.Errorf("shard %d of %s is missing", i, path)
		}
	}
	s := &shardedIndex{name: path}
	for _, n := range numbers {
		p := filepath.Join(path, shardDirPrefix+strconv.Itoa(n))
		var sh bleve.Index
		err := guardIndex("open search index shard "+p, func() error {
			var err error
			sh, err = bleve.OpenUsing(p, config)
			return err
		})
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("shard %d: %w", n, err)
		}
		s.shards = append(s.shards, sh)
	}
	return s, nil
}

// shardOf returns the shard of a page entry: its document's.
func shardOf(entryID string, shards int) int {
	doc, _, ok := parsePageEntryID(entryID)
	if !ok || shards <= 1 {
		return 0
	}
	return int(uint64(doc) % uint64(shards))
}

// shardsOf returns the Bleve indexes an index is made of.
func shardsOf(idx bleve.Index) []bleve.Index {
	if s, ok := idx.(*shardedIndex); ok {
		return s.shards
	}
	return []bleve.Index{idx}
}

// entryBatch is a batch of page entry changes for an index, split by
// shard.
type entryBatch struct {
	shards []bleve.Index
	parts  []*bleve.Batch
}

func newEntryBatch(idx bleve.Index) *entryBatch {
	shards := shardsOf(idx)
	b := &entryBatch{shards: shards, parts: make([]*bleve.Batch, len(shards))}
	for i, sh := range shards {
		b.parts[i] = sh.NewBatch()
	}
	return b
}

func (b *entryBatch) Index(id string, data any) error {
	return b.parts[shardOf(id, len(b.parts))].Index(id, data)
}

func (b *entryBatch) Delete(id string) { b.parts[shardOf(id, len(b.parts))].Delete(id) }

func (b *entryBatch) Size() int {
	n := 0
	for _, p := range b.parts {
		n += p.Size()
	}
	return n
}

// write writes the batch, every shard's part at once.
func (b *entryBatch) write() error {
	errs := make([]error, len(b.parts))
	var wg sync.WaitGroup
	for i, p := range b.parts {
		if p.Size() == 0 {
			continue
		}
		wg.Go(func() {
			if err := b.shards[i].Batch(p); err != nil {
				errs[i] = fmt.Errorf("shard %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

var errNotSharded = errors.New("not available on a sharded search index")

func (s *shardedIndex) shard(entryID string) bleve.Index {
	return s.shards[shardOf(entryID, len(s.shards))]
}

func (s *shardedIndex) Index(id string, data any) error { return s.shard(id).Index(id, data) }
func (s *shardedIndex) Delete(id string) error          { return s.shard(id).Delete(id) }

// NewBatch returns a batch that Batch refuses: write through newEntryBatch.
func (s *shardedIndex) NewBatch() *bleve.Batch { return s.shards[0].NewBatch() }
func (s *shardedIndex) Batch(*bleve.Batch) error {
	return fmt.Errorf("write a Bleve batch: %w (use newEntryBatch)", errNotSharded)
}

func (s *shardedIndex) Document(id string) (bleveindex.Document, error) {
	return s.shard(id).Document(id)
}

func (s *shardedIndex) DocCount() (uint64, error) {
	var total uint64
	for i, sh := range s.shards {
		n, err := sh.DocCount()
		if err != nil {
			return 0, fmt.Errorf("shard %d: %w", i, err)
		}
		total += n
	}
	return total, nil
}

func (s *shardedIndex) Search(req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return s.SearchInContext(context.Background(), req)
}

// SearchInContext searches every shard at once, each for the first
// From+Size hits scored with the whole index's statistics, and merges
// them in the request's order (ties in shard order). A shard that fails,
// or panics on a damaged segment (guardIndex), fails the search.
func (s *shardedIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	start := time.Now()
	if len(s.shards) == 1 {
		return s.shards[0].SearchInContext(ctx, req)
	}
	if lq, ok := leanQueryOf(ctx, req, s.Mapping()); ok {
		res, err := s.leanSearch(ctx, req, lq)
		if !errors.Is(err, errNotLean) {
			return res, err
		}
	}
	stats := &shardStats{shards: s.shards, counts: map[string]uint64{}}
	defer stats.close()
	results, err := s.searchShards(func(i int) (*bleve.SearchResult, error) {
		child := *req
		child.Query = &globalStatsQuery{q: req.Query, stats: stats}
		child.From, child.Size = 0, req.From+req.Size
		return s.shards[i].SearchInContext(ctx, &child)
	})
	if err != nil {
		return nil, err
	}
	return mergeShardResults(req, results, start), nil
}

// searchShards runs search for every shard at once, each on its own
// goroutine; a shard that fails, or panics on a damaged segment
// (guardIndex), fails the search.
func (s *shardedIndex) searchShards(search func(shard int) (*bleve.SearchResult, error)) ([]*bleve.SearchResult, error) {
	results := make([]*bleve.SearchResult, len(s.shards))
	err := forEachShard(len(s.shards), "search shard", func(i int) error {
		var err error
		results[i], err = search(i)
		return err
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// forEachShard runs fn for shards 0 to n-1 at once, each on its own
// goroutine under guardIndex (a panic on a damaged segment becomes an
// error naming what and the shard), and joins their errors.
func forEachShard(n int, what string, fn func(shard int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = guardIndex(what+" "+strconv.Itoa(i), func() error { return fn(i) })
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// mergeShardResults merges the shards' results of req (each of its first
// From+Size hits) in the request's order, ties in shard order.
func mergeShardResults(req *bleve.SearchRequest, results []*bleve.SearchResult, start time.Time) *bleve.SearchResult {
	merged := results[0]
	for _, r := range results[1:] {
		merged.Merge(r)
	}
	order := req.Sort
	if len(order) == 0 {
		order = search.SortOrder{&search.SortScore{Desc: true}}
	}
	isScore, desc := order.CacheIsScore(), order.CacheDescending()
	sort.SliceStable(merged.Hits, func(a, b int) bool {
		return order.Compare(isScore, desc, merged.Hits[a], merged.Hits[b]) < 0
	})
	from := min(req.From, len(merged.Hits))
	merged.Hits = merged.Hits[from:min(from+req.Size, len(merged.Hits))]
	for name, fr := range req.Facets {
		merged.Facets.Fixup(name, fr.Size)
	}
	merged.Request = req
	merged.Took = time.Since(start)
	return merged
}

func (s *shardedIndex) Fields() ([]string, error) {
	var all []string
	for _, sh := range s.shards {
		fs, err := sh.Fields()
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if !slices.Contains(all, f) {
				all = append(all, f)
			}
		}
	}
	return all, nil
}

func (s *shardedIndex) FieldDict(string) (bleveindex.FieldDict, error) {
	return nil, fmt.Errorf("field dictionary: %w", errNotSharded)
}

func (s *shardedIndex) FieldDictRange(string, []byte, []byte) (bleveindex.FieldDict, error) {
	return nil, fmt.Errorf("field dictionary: %w", errNotSharded)
}

func (s *shardedIndex) FieldDictPrefix(string, []byte) (bleveindex.FieldDict, error) {
	return nil, fmt.Errorf("field dictionary: %w", errNotSharded)
}

func (s *shardedIndex) Close() error {
	var errs []error
	for i, sh := range s.shards {
		if err := sh.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close search index shard %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func (s *shardedIndex) Mapping() mapping.IndexMapping { return s.shards[0].Mapping() }
func (s *shardedIndex) Stats() *bleve.IndexStat       { return s.shards[0].Stats() }

func (s *shardedIndex) StatsMap() map[string]any {
	m := map[string]any{}
	for i, sh := range s.shards {
		m[shardDirPrefix+strconv.Itoa(i)] = sh.StatsMap()
	}
	return m
}

// GetInternal returns a value every shard holds alike (set by
// SetInternal), and an error when they differ.
func (s *shardedIndex) GetInternal(key []byte) ([]byte, error) {
	var first []byte
	for i, sh := range s.shards {
		v, err := sh.GetInternal(key)
		if err != nil {
			return nil, fmt.Errorf("shard %d: %w", i, err)
		}
		if i == 0 {
			first = v
		} else if string(v) != string(first) {
			return nil, fmt.Errorf("shards 0 and %d hold different values of %q (%q, %q)", i, key, first, v)
		}
	}
	return first, nil
}

func (s *shardedIndex) SetInternal(key, val []byte) error {
	for i, sh := range s.shards {
		if err := sh.SetInternal(key, val); err != nil {
			return fmt.Errorf("shard %d: %w", i, err)
		}
	}
	return nil
}

func (s *shardedIndex) DeleteInternal(key []byte) error {
	for i, sh := range s.shards {
		if err := sh.DeleteInternal(key); err != nil {
			return fmt.Errorf("shard %d: %w", i, err)
		}
	}
	return nil
}

func (s *shardedIndex) Name() string        { return s.name }
func (s *shardedIndex) SetName(name string) { s.name = name }

func (s *shardedIndex) Advanced() (bleveindex.Index, error) {
	return nil, fmt.Errorf("advanced index: %w (see shardsOf)", errNotSharded)
}

// shardStats gives one search's shards the statistics of the whole index:
// the entries of all shards and, per term, the entries holding it. Each
// shard's reader is opened at first use and closed with close.
type shardStats struct {
	shards []bleve.Index

	mu       sync.Mutex
	opened   bool
	err      error
	readers  []bleveindex.IndexReader
	docCount uint64
	counts   map[string]uint64 // field NUL term → entries holding it
}

// open opens a reader on every shard; s.mu is held.
func (s *shardStats) open() error {
	if s.opened {
		return s.err
	}
	s.opened = true
	for i, sh := range s.shards {
		adv, err := sh.Advanced()
		if err != nil {
			s.err = fmt.Errorf("shard %d: %w", i, err)
			return s.err
		}
		r, err := adv.Reader()
		if err != nil {
			s.err = fmt.Errorf("shard %d: %w", i, err)
			return s.err
		}
		s.readers = append(s.readers, r)
		n, err := r.DocCount()
		if err != nil {
			s.err = fmt.Errorf("shard %d: %w", i, err)
			return s.err
		}
		s.docCount += n
	}
	return nil
}

func (s *shardStats) entries() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(); err != nil {
		return 0, err
	}
	return s.docCount, nil
}

func (s *shardStats) termEntries(ctx context.Context, term []byte, field string) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(); err != nil {
		return 0, err
	}
	key := field + "\x00" + string(term)
	if n, ok := s.counts[key]; ok {
		return n, nil
	}
	var total uint64
	for i, r := range s.readers {
		tfr, err := r.TermFieldReader(ctx, term, field, false, false, false)
		if err != nil {
			return 0, fmt.Errorf("shard %d: %w", i, err)
		}
		total += tfr.Count()
		tfr.Close()
	}
	s.counts[key] = total
	return total, nil
}

func (s *shardStats) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.readers {
		r.Close()
	}
	s.readers = nil
}

// globalStatsQuery runs a query on one shard with the whole index's
// statistics: Bleve's term searchers weigh a term by the reader's entry
// count and the term's count of entries (tf-idf), and these come from
// shardStats.
type globalStatsQuery struct {
	q     query.Query
	stats *shardStats
}

func (g *globalStatsQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	return g.q.Searcher(ctx, &globalStatsReader{IndexReader: r, stats: g.stats}, m, options)
}

// globalStatsReader is a shard's reader whose counts and dictionaries are
// the whole index's. It has the optional interfaces Bleve's searchers look
// for (regular expressions, fuzzy terms, numeric ranges).
type globalStatsReader struct {
	bleveindex.IndexReader
	stats *shardStats
}

func (r *globalStatsReader) DocCount() (uint64, error) { return r.stats.entries() }

func (r *globalStatsReader) TermFieldReader(ctx context.Context, term []byte, field string, includeFreq, includeNorm, includeTermVectors bool) (bleveindex.TermFieldReader, error) {
	tfr, err := r.IndexReader.TermFieldReader(ctx, term, field, includeFreq, includeNorm, includeTermVectors)
	if err != nil {
		return nil, err
	}
	n, err := r.stats.termEntries(ctx, term, field)
	if err != nil {
		tfr.Close()
		return nil, err
	}
	return &globalCountTermReader{TermFieldReader: tfr, count: n}, nil
}

// The dictionaries a shard's searcher reads to expand a prefix*, a
// wildcard, a fuzzy~ term or a numeric range are every shard's together
// (unionDict): each shard then searches the same terms, and weighs the
// query alike (Bleve's query norm counts every term searched).

func (r *globalStatsReader) FieldDict(field string) (bleveindex.FieldDict, error) {
	return r.stats.union(func(sr bleveindex.IndexReader) (bleveindex.FieldDict, error) { return sr.FieldDict(field) })
}

func (r *globalStatsReader) FieldDictRange(field string, startTerm, endTerm []byte) (bleveindex.FieldDict, error) {
	return r.stats.union(func(sr bleveindex.IndexReader) (bleveindex.FieldDict, error) {
		return sr.FieldDictRange(field, startTerm, endTerm)
	})
}

func (r *globalStatsReader) FieldDictPrefix(field string, prefix []byte) (bleveindex.FieldDict, error) {
	return r.stats.union(func(sr bleveindex.IndexReader) (bleveindex.FieldDict, error) {
		return sr.FieldDictPrefix(field, prefix)
	})
}

func (r *globalStatsReader) FieldDictRegexp(field, regex string) (bleveindex.FieldDict, error) {
	d, _, err := r.FieldDictRegexpAutomaton(field, regex)
	return d, err
}

func (r *globalStatsReader) FieldDictRegexpAutomaton(field, regex string) (bleveindex.FieldDict, bleveindex.RegexAutomaton, error) {
	var automaton bleveindex.RegexAutomaton
	d, err := r.stats.union(func(sr bleveindex.IndexReader) (bleveindex.FieldDict, error) {
		x, ok := sr.(bleveindex.IndexReaderRegexp)
		if !ok {
			return nil, fmt.Errorf("regular expression on %s: %w", field, errNotSharded)
		}
		d, a, err := x.FieldDictRegexpAutomaton(field, regex)
		if automaton == nil {
			automaton = a
		}
		return d, err
	})
	return d, automaton, err
}

func (r *globalStatsReader) FieldDictFuzzy(field, term string, fuzziness int, prefix string) (bleveindex.FieldDict, error) {
	d, _, err := r.FieldDictFuzzyAutomaton(field, term, fuzziness, prefix)
	return d, err
}

func (r *globalStatsReader) FieldDictFuzzyAutomaton(field, term string, fuzziness int, prefix string) (bleveindex.FieldDict, bleveindex.FuzzyAutomaton, error) {
	var automaton bleveindex.FuzzyAutomaton
	d, err := r.stats.union(func(sr bleveindex.IndexReader) (bleveindex.FieldDict, error) {
		x, ok := sr.(bleveindex.IndexReaderFuzzy)
		if !ok {
			return nil, fmt.Errorf("fuzzy term on %s: %w", field, errNotSharded)
		}
		d, a, err := x.FieldDictFuzzyAutomaton(field, term, fuzziness, prefix)
		if automaton == nil {
			automaton = a
		}
		return d, err
	})
	return d, automaton, err
}

func (r *globalStatsReader) FieldDictContains(field string) (bleveindex.FieldDictContains, error) {
	readers, err := r.stats.allReaders()
	if err != nil {
		return nil, err
	}
	var u unionContains
	for i, sr := range readers {
		x, ok := sr.(bleveindex.IndexReaderContains)
		if !ok {
			return nil, fmt.Errorf("term lookup on %s: %w", field, errNotSharded)
		}
		c, err := x.FieldDictContains(field)
		if err != nil {
			return nil, fmt.Errorf("shard %d: %w", i, err)
		}
		u = append(u, c)
	}
	return u, nil
}

// allReaders returns a reader on every shard.
func (s *shardStats) allReaders() ([]bleveindex.IndexReader, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.readers, nil
}

// union opens one dictionary per shard and merges them.
func (s *shardStats) union(open func(bleveindex.IndexReader) (bleveindex.FieldDict, error)) (bleveindex.FieldDict, error) {
	readers, err := s.allReaders()
	if err != nil {
		return nil, err
	}
	u := &unionDict{}
	for i, r := range readers {
		d, err := open(r)
		if err != nil {
			u.Close()
			return nil, fmt.Errorf("shard %d: %w", i, err)
		}
		u.dicts = append(u.dicts, d)
		u.heads = append(u.heads, nil)
	}
	for i := range u.dicts {
		if err := u.advance(i); err != nil {
			u.Close()
			return nil, err
		}
	}
	return u, nil
}

// unionDict walks the terms of several sorted dictionaries in order, each
// term once with its counts summed.
type unionDict struct {
	dicts []bleveindex.FieldDict
	heads []*bleveindex.DictEntry // the next entry of each, nil at its end
	entry bleveindex.DictEntry
}

func (u *unionDict) advance(i int) error {
	e, err := u.dicts[i].Next()
	if err != nil {
		return err
	}
	if e == nil {
		u.heads[i] = nil
		return nil
	}
	c := *e // a dictionary may reuse its entry
	u.heads[i] = &c
	return nil
}

func (u *unionDict) Next() (*bleveindex.DictEntry, error) {
	least := -1
	for i, h := range u.heads {
		if h != nil && (least < 0 || h.Term < u.heads[least].Term) {
			least = i
		}
	}
	if least < 0 {
		return nil, nil
	}
	u.entry = *u.heads[least]
	u.entry.Count = 0
	for i, h := range u.heads {
		if h != nil && h.Term == u.entry.Term {
			u.entry.Count += h.Count
			if err := u.advance(i); err != nil {
				return nil, err
			}
		}
	}
	return &u.entry, nil
}

func (u *unionDict) Close() error {
	var errs []error
	for _, d := range u.dicts {
		errs = append(errs, d.Close())
	}
	return errors.Join(errs...)
}

func (u *unionDict) Cardinality() int {
	n := 0
	for _, d := range u.dicts {
		n += d.Cardinality()
	}
	return n
}

func (u *unionDict) BytesRead() uint64 {
	var n uint64
	for _, d := range u.dicts {
		n += d.BytesRead()
	}
	return n
}

// unionContains holds a term when one of the shards does.
type unionContains []bleveindex.FieldDictContains

func (u unionContains) Contains(key []byte) (bool, error) {
	for _, c := range u {
		ok, err := c.Contains(key)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (u unionContains) BytesRead() uint64 {
	var n uint64
	for _, c := range u {
		n += c.BytesRead()
	}
	return n
}

// globalCountTermReader is a shard's term reader whose Count is the
// whole index's.
type globalCountTermReader struct {
	bleveindex.TermFieldReader
	count uint64
}

func (r *globalCountTermReader) Count() uint64 { return r.count }

// Optimize passes Bleve's search optimizations on to the shard's own term
// reader. Embedding the TermFieldReader interface does not carry its other
// methods, and without this one a conjunction of terms on a sharded index
// lost Bleve's push-down (each term's postings narrowed to the pages all
// the terms hold, segment by segment, before the conjunction walks them).
func (r *globalCountTermReader) Optimize(kind string, octx bleveindex.OptimizableContext) (bleveindex.OptimizableContext, error) {
	if o, ok := r.TermFieldReader.(bleveindex.Optimizable); ok {
		return o.Optimize(kind, octx)
	}
	return nil, nil
}
