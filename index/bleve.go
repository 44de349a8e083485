package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/atomicfile"
)

// indexMappingVersion names the shape of the search index. Raise it with
// any change to indexMapping or pageEntry: an index of another version is
// rebuilt from SQLite when the library opens it.
const indexMappingVersion = 15 // 15: shards (shards.go)

const (
	indexVersionKey = "rapport_mapping_version"
	lowerKeyword    = "keyword_lower"
	// pageTextAnalyzer is the English analyzer with the tokens' byte offsets
	// dropped (see pageanalysis.go): phrase queries need only positions.
	pageTextAnalyzer = "rapport_en_positions"
	// pageTextPairs is the field of adjacent word pairs of the page text
	// (pairsAnalyzer): a two-word phrase is one term there, so phrases of
	// common words need not check positions on most of the library.
	pageTextPairs  = "text_pairs"
	pairsAnalyzer  = "rapport_en_pairs"
	batchPages     = 500 // pages per Bleve batch
	writingBatches = 2   // Bleve batches written at once while indexing
)

// pageEntry is what the search index holds for one page: the page's text
// with the document's metadata, and the themes coded on the page, so that a
// hit is a page and field filters need no join. Page 0 stands for a
// metadata-only document (its abstract).
type pageEntry struct {
	DocID    string   `json:"doc"`
	Page     float64  `json:"page"`
	Text     string   `json:"text"`
	Title    string   `json:"title"`
	AltTitle string   `json:"alt_title,omitempty"`
	Author   []string `json:"author"`
	Year     float64  `json:"year,omitempty"`
	Journal  string   `json:"journal,omitempty"`
	DOI      string   `json:"doi,omitempty"`
	Abstract string   `json:"abstract,omitempty"`
	// More is what a query naming no field finds besides the page text,
	// indexed as further values of the text field (and of text_pairs), so
	// that such a query reads one field: at moreMeta the title, other
	// titles, authors and journal, and at moreAbstract the abstract unless
	// the page text holds it (abstractInText) (both
	// on the document's first entry only, so that a document is found by
	// its metadata once, not at every page); at moreAnnotation the quotes
	// and notes of the page's annotations. Their term locations carry the
	// value's array position; the page text's carry none (splitTextLocations).
	More       []string `json:"more_text,omitempty"`
	Kind       string   `json:"kind"`
	Theme      []string `json:"theme,omitempty"`
	Annotation string   `json:"annotation,omitempty"` // quotes and notes of annotations on the page
	// Attribute holds the document's attributes as "Name: value", on every
	// entry: attribute:female, attribute:"gender female".
	Attribute []string `json:"attribute,omitempty"`
	meta      string   // title, other titles, authors and journal, on the first entry
	// abstractInText: the abstract was read from this page (or is in its
	// text word for word), so More leaves it out: a query naming no field
	// finds it in the page text, and the index holds it once less (a
	// tenth of the index of a library of articles).
	abstractInText bool
	Annotated      bool `json:"annotated"`
	// Exact year and journal, for filters on a facet's value (FacetClause).
	FacetYear    string `json:"facet_year,omitempty"`
	FacetJournal string `json:"facet_journal,omitempty"`
	// Facet holds every value the facets count, as "year:2015",
	// "journal:…", "theme:…": one doc-values field read per hit instead of
	// three (facetValue, splitFacets).
	Facet []string `json:"facet,omitempty"`
}

func indexMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = englishAnalyzer
	im.AddCustomAnalyzer(lowerKeyword, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []string{lowercase.Name},
	})

	text := func(store, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = englishAnalyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false // nothing goes to _all: see pageEntry.More
		f.DocValues = false    // only facets read doc values; for text they would copy every term again
		return f
	}
	kw := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	facet := func(analyzer string) *mapping.FieldMapping {
		f := kw(analyzer)
		f.DocValues = true // facet counts are read from doc values
		return f
	}

	page := bleve.NewDocumentStaticMapping()
	page.AddFieldMappingsAt("doc", kw(keyword.Name))
	page.AddFieldMappingsAt("page", num())
	// The page text, the bulk of the index, and with it (as further values)
	// what else a query naming no field finds: pageEntry.More.
	pageText := text(false, true)
	pageText.Analyzer = pageTextAnalyzer
	pairs := text(false, false)
	pairs.Name = pageTextPairs
	pairs.Analyzer = pairsAnalyzer
	// Pair terms only filter; the words themselves score (rewriteForSpeed).
	// Without frequency and norm a pair's posting is a bit in a bitmap.
	pairs.SkipFreqNorm = true
	page.AddFieldMappingsAt("text", pageText, pairs)
	moreText, morePairs := *pageText, *pairs
	moreText.Name, morePairs.Name = "text", pageTextPairs
	page.AddFieldMappingsAt("more_text", &moreText, &morePairs)
	page.AddFieldMappingsAt("title", text(false, true))
	page.AddFieldMappingsAt("alt_title", text(false, false))
	page.AddFieldMappingsAt("author", text(false, false))
	page.AddFieldMappingsAt("year", num())
	page.AddFieldMappingsAt("journal", text(false, false))
	page.AddFieldMappingsAt("doi", kw(lowerKeyword))
	page.AddFieldMappingsAt("abstract", text(false, true))
	page.AddFieldMappingsAt("kind", kw(lowerKeyword))
	theme := kw(lowerKeyword)
	theme.IncludeTermVectors = true // the phrase syntax theme:"Name" needs term positions
	page.AddFieldMappingsAt("theme", theme)
	page.AddFieldMappingsAt("annotation", text(false, true))
	page.AddFieldMappingsAt("attribute", text(false, true))
	annotated := bleve.NewBooleanFieldMapping()
	annotated.Store = false
	annotated.IncludeInAll = false
	annotated.DocValues = false
	page.AddFieldMappingsAt("annotated", annotated)
	page.AddFieldMappingsAt("facet_year", kw(keyword.Name))
	page.AddFieldMappingsAt("facet_journal", kw(keyword.Name))
	page.AddFieldMappingsAt(facetField, facet(keyword.Name))

	im.DefaultMapping = page
	// Nothing is in _all: a query naming no field reads the text field
	// (searchTextToo), which holds the metadata, abstract and annotations
	// too (pageEntry.More).
	im.DefaultField = "text"
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// Positions in pageEntry.More.
const (
	moreMeta = iota
	moreAbstract
	moreAnnotation
)

// moreText lays out pageEntry.More; it is nil when all are empty.
func moreText(meta, abstract, annotation string) []string {
	more := []string{moreMeta: meta, moreAbstract: abstract, moreAnnotation: annotation}
	for len(more) > 0 && more[len(more)-1] == "" {
		more = more[:len(more)-1]
	}
	if len(more) == 0 {
		return nil
	}
	return more
}

// containsWords reports whether text holds all of part's words in order,
// however the two are spaced and broken into lines.
func containsWords(text, part string) bool {
	words := strings.Fields(part)
	if len(words) == 0 {
		return false
	}
	return strings.Contains(strings.Join(strings.Fields(text), " "), strings.Join(words, " "))
}

func pageEntryID(docID int64, page int) string {
	return strconv.FormatInt(docID, 10) + "/" + strconv.Itoa(page)
}

func parsePageEntryID(id string) (int64, int, bool) {
	d, p, ok := strings.Cut(id, "/")
	if !ok {
		return 0, 0, false
	}
	docID, err1 := strconv.ParseInt(d, 10, 64)
	page, err2 := strconv.Atoi(p)
	return docID, page, err1 == nil && err2 == nil
}

// searchIndex returns the open search index, opening it on first use. An
// index that is missing, unreadable or of another mapping version is
// rebuilt from SQLite; documents not yet indexed (an import cut short) are
// indexed before it is returned.
func (l *Library) searchIndex(ctx context.Context) (bleve.Index, error) {
	l.idxMu.Lock()
	defer l.idxMu.Unlock()
	if l.idx != nil {
		return l.idx, nil
	}
	path := filepath.Join(l.dir, IndexDir)
	if l.readOnly {
		idx, err := openIndexReadOnly(path)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w%s, and it does not answer searches; close it first (%v)", l.dir, ErrLibraryInUse, lockHolder(l.dir), err)
		}
		l.idx = idx
		return idx, nil
	}
	idx, reason := openIndex(path)
	if idx != nil {
		// Bleve opens an index whose segments are lost or unreadable as an
		// empty one ("unable to load snapshot, continuing"): count.
		why := l.indexShortfall(ctx, idx)
		if why == "" && l.rebuildInterrupted(ctx) {
			why = "was being rebuilt when Rapport stopped"
		}
		if why != "" {
			guardIndex("close search index", idx.Close)
			idx, reason = nil, why
		}
	}
	if idx == nil {
		var docs int
		if reason == "" && l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents").Scan(&docs) == nil && docs > 0 {
			reason = "is missing"
		}
		if reason != "" {
			l.notify(fmt.Sprintf("The search index of %s %s; rebuilding it from the library database.", l.dir, reason))
		}
		var err error
		idx, err = l.rebuildIndex(ctx, path, nil)
		if err != nil {
			return nil, err
		}
	}
	l.idx = idx
	if err := l.indexPending(ctx, idx, nil); err != nil {
		return nil, err
	}
	return idx, nil
}

// catchUp indexes documents changed since they were last indexed (a
// metadata correction, new annotations), so that a search sees every
// committed change. When an import, a reindex or another search's catch-up
// holds the write lock, it does not wait: that indexer will get there.
func (l *Library) catchUp(ctx context.Context, idx bleve.Index) error {
	if l.readOnly {
		return nil // the index is read as it is
	}
	var pending bool
	if err := l.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM documents WHERE indexed = 0) OR EXISTS (SELECT 1 FROM settings WHERE key = ?)", indexRemovalsKey).Scan(&pending); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if !pending {
		return nil
	}
	// An import (or reindex, or check) under way indexes its own documents:
	// a search does not take that work on.
	if !l.writeMu.TryLock() {
		return nil
	}
	defer l.writeMu.Unlock()
	return l.indexPending(ctx, idx, nil)
}

// scorchConfig is the search index's configuration: Bleve's, with merged
// segments capped at maxSegmentEntries.
func scorchConfig() map[string]any {
	return map[string]any{"scorchMergePlanOptions": map[string]any{"MaxSegmentSize": maxSegmentEntries}}
}

// maxSegmentEntries caps the page entries of a segment Bleve's merges make
// (its default is 5,000,000). A merge reads the segments it joins through
// memory maps, which count in the process's resident memory: at 100,000
// articles (a million entries) the import's merge into a 1.3 GB segment
// held 1.5 GB of index file resident beside 0.4 GB of heap (peak 1.94 GB).
// Past about 20,000 articles per shard (shards.go) a shard holds several
// segments of this size, which Bleve searches one after the other.
const maxSegmentEntries = 200_000

// openIndex opens an existing index; it returns nil and why when the index
// must be rebuilt ("" when there was none).
func openIndex(path string) (bleve.Index, string) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, ""
	}
	// openShardedIndex guards each shard's open against Bleve's panics.
	idx, err := openShardedIndex(path, scorchConfig())
	if errors.Is(err, errOlderIndexLayout) {
		return nil, errOlderIndexLayout.Error()
	}
	if err != nil {
		return nil, fmt.Sprintf("could not be opened (%v)", err)
	}
	if err := probeIndex(idx); err != nil {
		guardIndex("close search index", idx.Close)
		return nil, fmt.Sprintf("is damaged (%v)", err)
	}
	if err := checkIndexVersion(idx); err != nil {
		idx.Close()
		return nil, "is " + err.Error()
	}
	return idx, ""
}

// checkIndexVersion reports an index whose mapping version is not this
// build's (indexMappingVersion).
func checkIndexVersion(idx bleve.Index) error {
	v, err := idx.GetInternal([]byte(indexVersionKey))
	if err != nil || string(v) != strconv.Itoa(indexMappingVersion) {
		return fmt.Errorf("of another version (%q, want %d)", v, indexMappingVersion)
	}
	return nil
}

// rebuildIndex writes a fresh index from SQLite beside the old one and
// swaps it in, so a rebuild cut short leaves the old index (or none) and
// never a half-written one.
func (l *Library) rebuildIndex(ctx context.Context, path string, progress func(done, total int)) (bleve.Index, error) {
	tmp := path + tmpSuffix
	os.RemoveAll(tmp)
	var idx bleve.Index
	idx, err := createShardedIndex(tmp, newShardCount())
	if err != nil {
		return nil, err
	}
	// What the index being replaced holds, to go back to should the
	// rebuild be cancelled or fail.
	before, err := l.indexStateOf(ctx)
	if err != nil {
		idx.Close()
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	if err := l.setRebuildMarker(ctx, true); err != nil {
		idx.Close()
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	if _, err := l.db.ExecContext(ctx, "UPDATE documents SET indexed = 0"); err != nil {
		idx.Close()
		os.RemoveAll(tmp)
		l.restoreIndexState(before)
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	// Taking every document out of the index counted as a change of each
	// (the trigger on indexed moved its change counter on): a document is
	// unchanged since the rebuild began if its counter is still what it is
	// now.
	if err := l.rebaseIndexState(ctx, before); err != nil {
		idx.Close()
		os.RemoveAll(tmp)
		l.restoreIndexState(before)
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	// Removals waiting for the old index stay listed: the new one never
	// held those documents, and should the rebuild stop the old one still
	// needs them done.
	if err := l.indexUnindexed(ctx, idx, progress); err != nil {
		idx.Close()
		os.RemoveAll(tmp)
		l.restoreIndexState(before)
		return nil, err
	}
	if err := idx.SetInternal([]byte(indexVersionKey), []byte(strconv.Itoa(indexMappingVersion))); err != nil {
		idx.Close()
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	waitIndexSettled(ctx, idx)
	if err := idx.Close(); err != nil {
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("replace search index %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("replace search index %s: %w", path, err)
	}
	atomicfile.SyncDir(filepath.Dir(path))
	l.setRebuildMarker(ctx, false) // should this fail, the next open rebuilds again
	opened, err := openShardedIndex(path, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("open rebuilt search index %s: %w", path, err)
	}
	return opened, nil
}

// indexPendingDocs is how many documents indexPending reads and indexes at
// a time (a variable for tests).
var indexPendingDocs = 200

// indexPending (re)indexes every document marked indexed = 0, in batches,
// and marks each indexed once its batch is in the index.
func (l *Library) indexPending(ctx context.Context, idx bleve.Index, progress func(done, total int)) error {
	if err := l.indexRemovals(ctx, idx); err != nil {
		return err
	}
	return l.indexUnindexed(ctx, idx, progress)
}

// indexUnindexed is indexPending without the removals.
func (l *Library) indexUnindexed(ctx context.Context, idx bleve.Index, progress func(done, total int)) error {
	var total int
	if err := l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents WHERE indexed = 0").Scan(&total); err != nil {
		return fmt.Errorf("index documents: %w", err)
	}
	if total == 0 {
		return nil
	}
	done := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ids, err := l.queryIDs(ctx, "SELECT id FROM documents WHERE indexed = 0 ORDER BY id LIMIT ?", indexPendingDocs)
		if err != nil {
			return fmt.Errorf("index documents: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := l.indexDocuments(ctx, idx, ids); err != nil {
			return err
		}
		done += len(ids)
		if progress != nil {
			progress(done, total)
		}
	}
}

// indexState is, for every document, what the search index holds of it:
// whether it is up to date (indexed, as of its change counter index_seq)
// and how many pages it has entries for.
type indexState []docIndexState

type docIndexState struct {
	id, seq      int64
	indexed      bool
	indexedPages int
}

// rebaseIndexState takes the documents' change counters as they are now
// into st (a document gone since has none that matches).
func (l *Library) rebaseIndexState(ctx context.Context, st indexState) error {
	rows, err := l.db.QueryContext(ctx, "SELECT id, index_seq FROM documents")
	if err != nil {
		return err
	}
	defer rows.Close()
	seqs := make(map[int64]int64, len(st))
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			return err
		}
		seqs[id] = seq
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range st {
		if seq, ok := seqs[st[i].id]; ok {
			st[i].seq = seq
		} else {
			st[i].seq = -1
		}
	}
	return nil
}

func (l *Library) indexStateOf(ctx context.Context) (indexState, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT id, index_seq, indexed, indexed_pages FROM documents")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var st indexState
	for rows.Next() {
		var d docIndexState
		if err := rows.Scan(&d.id, &d.seq, &d.indexed, &d.indexedPages); err != nil {
			return nil, err
		}
		st = append(st, d)
	}
	return st, rows.Err()
}

// restoreIndexState gives the documents back what a rebuild that did not
// finish took from them (rebuildIndex), so that the index it was to
// replace is used again: a document is indexed if it was before and has
// not changed since; any other is indexed when the old index is next used.
// Then it lifts the rebuild marker. Should that fail, the marker stands and
// the next open rebuilds the index, as after a crash.
func (l *Library) restoreIndexState(st indexState) {
	ctx := context.Background() // the rebuild's context may be what ended
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		// One statement a document, comparing its change counter before
		// setting indexed moves it on. Documents added since the state was
		// taken (ids above its last) are to be indexed.
		stmt, err := tx.PrepareContext(ctx, "UPDATE documents SET indexed = (index_seq = ? AND ?), indexed_pages = ? WHERE id = ?")
		if err != nil {
			return err
		}
		defer stmt.Close()
		var last int64
		for _, d := range st {
			if _, err := stmt.ExecContext(ctx, d.seq, d.indexed, d.indexedPages, d.id); err != nil {
				return err
			}
			last = max(last, d.id)
		}
		_, err = tx.ExecContext(ctx, "UPDATE documents SET indexed = 0 WHERE id > ?", last)
		return err
	})
	if err == nil {
		l.setRebuildMarker(ctx, false)
	}
}

func (l *Library) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// indexDocuments replaces the index entries of the given documents with
// entries built from SQLite, then marks them indexed.
func (l *Library) indexDocuments(ctx context.Context, idx bleve.Index, ids []int64) (err error) {
	b := newEntryBatch(idx)
	// Batches are written while the next is built from SQLite, and up to
	// writingBatches at once: Bleve analyses a batch on every core but
	// builds its segment on one, as reading and mapping pages is.
	var writing []chan error
	waitOldest := func() error {
		err := <-writing[0]
		writing = writing[1:]
		if err != nil {
			return fmt.Errorf("write search index: %w", err)
		}
		return nil
	}
	waitAll := func() error {
		var first error
		for len(writing) > 0 {
			if err := waitOldest(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	defer func() {
		if werr := waitAll(); err == nil {
			err = werr
		}
	}()
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		if len(writing) >= writingBatches {
			if err := waitOldest(); err != nil {
				return err
			}
		}
		done := make(chan error, 1)
		go func(b *entryBatch) { done <- b.write() }(b)
		writing = append(writing, done)
		// A new batch, not b.Reset(): the old one is still being written.
		b = newEntryBatch(idx)
		return nil
	}
	// What each document's change counter was before its entries were read:
	// only documents unchanged since are marked indexed below.
	seqs := map[int64]int64{}
	rows, err := l.db.QueryContext(ctx, "SELECT id, index_seq FROM documents WHERE id IN ("+placeholders(len(ids))+")", int64sToAny(ids)...)
	if err != nil {
		return fmt.Errorf("index documents: %w", err)
	}
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			rows.Close()
			return fmt.Errorf("index documents: %w", err)
		}
		seqs[id] = seq
	}
	rows.Close()
	for _, id := range ids {
		entries, stale, err := l.pageEntries(ctx, idx, id)
		if err != nil {
			return err
		}
		for _, s := range stale {
			b.Delete(s)
		}
		for key, e := range entries {
			if err := b.Index(key, e); err != nil {
				return fmt.Errorf("index document %d: %w", id, err)
			}
		}
		if b.Size() >= batchPages {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := waitAll(); err != nil { // every batch written before any document is marked indexed
		return err
	}
	if testHookBeforeMarkIndexed != nil {
		testHookBeforeMarkIndexed()
	}
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "UPDATE documents SET indexed = 1, indexed_pages = page_count WHERE id = ? AND index_seq = ?")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for id, seq := range seqs {
			if _, err := stmt.ExecContext(ctx, id, seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark documents indexed: %w", err)
	}
	return nil
}

// testHookBeforeMarkIndexed lets a test change a document while it is being
// indexed.
var testHookBeforeMarkIndexed func()

// pageEntries builds a document's index entries from SQLite, and lists the
// ids of entries the index may hold for pages the document no longer has.
// A document that no longer exists yields only deletions.
func (l *Library) pageEntries(ctx context.Context, idx bleve.Index, id int64) (map[string]*pageEntry, []string, error) {
	entries := map[string]*pageEntry{}
	d, err := l.Document(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, l.indexedPageIDs(idx, id), nil
	}
	if err != nil {
		return nil, nil, err
	}
	base := pageEntry{
		DocID:    strconv.FormatInt(id, 10),
		Title:    d.Title,
		AltTitle: strings.Join(d.AltTitles, " | "),
		Year:     float64(d.Year),
		Journal:  d.Journal,
		DOI:      d.DOI,
		Kind:     d.Kind,
		Author:   []string{},

		FacetJournal: d.Journal,
	}
	if d.Year > 0 {
		base.FacetYear = strconv.Itoa(d.Year)
		base.Facet = append(base.Facet, facetValue("year", base.FacetYear))
	}
	if d.Journal != "" {
		base.Facet = append(base.Facet, facetValue("journal", d.Journal))
	}
	for _, a := range d.Authors {
		base.Author = append(base.Author, a.Name())
	}
	for _, a := range d.Attributes {
		base.Attribute = append(base.Attribute, a.Name+": "+a.Value)
	}
	meta := strings.Join(slices.Concat([]string{d.Title}, d.AltTitles, base.Author, []string{d.Journal}), "\n")
	pages, err := l.Pages(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	coding, err := l.pageCoding(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	add := func(page int, text string) {
		e := base
		e.Page = float64(page)
		e.Text = text
		if c := coding[page]; c != nil {
			e.Theme = c.themes
			e.Facet = slices.Clip(e.Facet) // the page's own values, not base's array
			for _, t := range c.themes {
				e.Facet = append(e.Facet, facetValue("theme", t))
			}
			e.Annotation = c.text
			e.Annotated = true
		}
		entries[pageEntryID(id, page)] = &e
	}
	notes, err := l.docNotesText(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if len(pages) == 0 {
		add(0, "")
		entries[pageEntryID(id, 0)].Abstract = d.Abstract
		entries[pageEntryID(id, 0)].meta = meta
		entries[pageEntryID(id, 0)].Annotation += notes
	}
	for i, p := range pages {
		add(p.Number, p.Text)
		if i == 0 {
			e := entries[pageEntryID(id, p.Number)]
			e.Abstract = d.Abstract
			e.abstractInText = d.FieldSources["abstract"] == importer.SourcePage1 || containsWords(p.Text, d.Abstract)
			e.meta = meta
			e.Annotation += notes // document notes are found with the first page
		}
	}
	for _, e := range entries {
		abstract := e.Abstract
		if e.abstractInText {
			abstract = "" // the page text holds it already
		}
		e.More = moreText(e.meta, abstract, e.Annotation)
	}
	// Entries of pages the document no longer has (a re-extraction with
	// fewer pages, a metadata-only entry that got its file).
	var stale []string
	var indexedPages int
	if err := l.db.QueryRowContext(ctx, "SELECT indexed_pages FROM documents WHERE id = ?", id).Scan(&indexedPages); err != nil {
		return nil, nil, err
	}
	for p := 0; p <= indexedPages; p++ {
		if key := pageEntryID(id, p); entries[key] == nil {
			stale = append(stale, key)
		}
	}
	return entries, stale, nil
}

// indexedPageIDs lists the entry ids the index holds for a document.
func (l *Library) indexedPageIDs(idx bleve.Index, docID int64) []string {
	q := bleve.NewTermQuery(strconv.FormatInt(docID, 10))
	q.SetField("doc")
	req := bleve.NewSearchRequestOptions(q, 100000, 0, false)
	res, err := idx.Search(req)
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

type pageCodingInfo struct {
	textB  strings.Builder
	themes []string
	text   string
}

// pageCoding returns, per page of a document, the names of the themes coded
// there — with their parent themes, so that searching a group theme finds
// pages coded with any theme under it — and the text of its annotations
// (quotes and notes).
func (l *Library) pageCoding(ctx context.Context, docID int64) (map[int]*pageCodingInfo, error) {
	rows, err := l.db.QueryContext(ctx, `
WITH RECURSIVE lineage(theme_id, name, parent_id, depth) AS (
	SELECT id, name, parent_id, 0 FROM themes
	UNION ALL
	SELECT l.theme_id, t.name, t.parent_id, l.depth + 1 FROM lineage l JOIN themes t ON t.id = l.parent_id WHERE l.depth < 32
)
SELECT a.page, a.quote, a.note, COALESCE((
	SELECT GROUP_CONCAT(li.name, char(31)) FROM annotation_themes at JOIN lineage li ON li.theme_id = at.theme_id
	WHERE at.annotation_id = a.id), '')
FROM annotations a
WHERE a.doc_id = ?
ORDER BY a.page, a.start`, docID)
	if err != nil {
		return nil, fmt.Errorf("annotations of document %d: %w", docID, err)
	}
	defer rows.Close()
	out := map[int]*pageCodingInfo{}
	for rows.Next() {
		var page int
		var quote, note, themes string
		if err := rows.Scan(&page, &quote, &note, &themes); err != nil {
			return nil, err
		}
		c := out[page]
		if c == nil {
			c = &pageCodingInfo{}
			out[page] = c
		}
		if themes != "" {
			for _, t := range strings.Split(themes, "\x1f") {
				if !contains(c.themes, t) {
					c.themes = append(c.themes, t)
				}
			}
		}
		c.textB.WriteString(quote + "\n" + note + "\n")
	}
	for _, c := range out {
		c.text = c.textB.String()
	}
	return out, rows.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func int64sToAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// facetValue is one value of the facet field: the facet's name, a colon,
// the value.
func facetValue(facet, value string) string { return facet + ":" + value }

// settleAfterPages is how many pages an import must index before it waits
// for the search index to settle (waitIndexSettled).
var settleAfterPages = 2 * batchPages // a variable for tests

// WaitForIndex waits until the search index has persisted and merged the
// segments that recent changes left, or ctx ends. A process about to close
// the library after many changes calls it so that the next one to open the
// library does not redo that work while its searches run.
func (l *Library) WaitForIndex(ctx context.Context) {
	l.idxMu.Lock()
	idx := l.idx
	l.idxMu.Unlock()
	if idx != nil {
		waitIndexSettled(ctx, idx)
	}
}

// waitIndexSettled waits until Bleve has persisted and merged the segments
// that bulk indexing left, or ctx ends. Closing the index stops that work,
// and the next process to open the index would redo it while its searches
// run: on 10,000 articles, searches right after an import ran twice as
// slow for a minute. Waiting is an optimisation: the index is complete
// either way.
func waitIndexSettled(ctx context.Context, idx bleve.Index) {
	for _, sh := range shardsOf(idx) {
		waitShardSettled(ctx, sh)
	}
}

func waitShardSettled(ctx context.Context, idx bleve.Index) {
	adv, err := idx.Advanced()
	if err != nil {
		return
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for quiet := 0; quiet < 3; {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		// Bleve's own steady-state flag: the latest snapshot is persisted
		// and the merger has planned (and done) its merges for it. The
		// merger never looks at a snapshot that changed only internal
		// values (a shard that holds no page yet), and a shard opened
		// and left unchanged has no current epoch (0) to compare.
		settled, ok := shardSettled(s.StatsMap())
		if !ok {
			return
		}
		if settled {
			quiet++
		} else {
			quiet = 0
		}
	}
}

// shardSettled says from a shard's statistics whether it has persisted
// and merged what it was given (ok is false when Bleve does not say).
func shardSettled(stats map[string]any) (settled, ok bool) {
	active, ok := stats["index_bgthreads_active"].(bool)
	if !ok {
		return false, false
	}
	return !active || nothingToMerge(stats), true
}

// nothingToMerge says from a shard's statistics that it has had no change
// since it was opened, or that its latest snapshot is persisted and holds
// at most one segment, on disk.
func nothingToMerge(stats map[string]any) bool {
	root, ok1 := stats["CurRootEpoch"].(uint64)
	persisted, ok2 := stats["LastPersistedEpoch"].(uint64)
	files, ok3 := stats["TotFileSegmentsAtRoot"].(uint64)
	memory, ok4 := stats["TotMemorySegmentsAtRoot"].(uint64)
	if !ok1 || !ok2 || !ok3 || !ok4 || memory > 0 {
		return false
	}
	return root == 0 || root == persisted && files <= 1
}
