package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/rapport-qda/rapport/importer"
)

// SearchRequest is a full-text search over the library's pages.
type SearchRequest struct {
	// Query uses Bleve's query-string syntax: words, "phrases", +must,
	// -not, field:value (title, author, year, journal, doi, abstract, theme,
	// annotation, page, kind, attribute — a document's attributes as
	// "Name: value"), year:>=2015, fuzzy~ and prefix*, with AND, OR, NOT
	// and parentheses (query.go). Empty matches every page.
	Query string `json:"query"` // the JSON names are what searches to another process carry (searchServer)
	// Themes keeps only pages coded with one of these themes (by name).
	Themes []string `json:"themes,omitempty"`
	// DocIDs keeps only pages of these documents.
	DocIDs []int64 `json:"doc_ids,omitempty"`
	// AnnotatedOnly keeps only pages that carry annotations.
	AnnotatedOnly bool `json:"annotated_only,omitempty"`
	Limit         int  `json:"limit,omitempty"` // default 20
	Offset        int  `json:"offset,omitempty"`
	// NoSnippets skips building snippets (faster).
	NoSnippets bool `json:"no_snippets,omitempty"`
	// Facets asks for counts per theme, year and journal among all hits.
	Facets bool `json:"facets,omitempty"`
}

// SearchHit is one matching page.
type SearchHit struct {
	DocID   int64    `json:"doc_id"`
	Title   string   `json:"title"`
	Page    int      `json:"page"`
	Label   string   `json:"label,omitempty"`
	Score   float64  `json:"score"`
	Snippet string   `json:"snippet"` // HTML-escaped text with matches in <mark>…</mark>
	Themes  []string `json:"themes"`  // themes coded on this page
	Year    int      `json:"year,omitempty"`
	Authors []string `json:"authors,omitempty"`

	// PrintedPage is the page number printed on the page, as the reader
	// and exports show and cite it (see PageNumbering.PrintedPage); Page
	// stays the PDF page.
	PrintedPage string `json:"printed_page"`
}

// FacetCount is how many hits carry one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// SearchResult is one page of hits, best first.
type SearchResult struct {
	Total  uint64                  `json:"total"`
	Hits   []SearchHit             `json:"hits"`
	Facets map[string][]FacetCount `json:"facets,omitempty"`
	Took   time.Duration           `json:"took_ns"`
}

// Snippet markers.
const (
	MarkStart = "<mark>"
	MarkEnd   = "</mark>"
)

const snippetRunes = 240

// MaxSearchWindow bounds a search request's offset and limit.
const MaxSearchWindow = 1_000_000

// Search runs a query over the library's pages.
//
// A library opened ReadOnly sends the search to the process holding the
// library (see searchServer); when no process holds it any more, it reads
// the index itself.
func (l *Library) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	if l.readOnly {
		res, err := l.remoteSearch(ctx, req)
		if !errors.Is(err, errNoSearchServer) {
			return res, err
		}
	}
	start := time.Now()
	idx, err := l.searchIndex(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.catchUp(ctx, idx); err != nil {
		return nil, err
	}
	q, err := buildQuery(req, idx.Mapping())
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = 20
	}
	// Bleve panics on a negative offset and allocates offset+limit slots.
	if req.Offset < 0 || req.Offset > MaxSearchWindow || limit > MaxSearchWindow {
		return nil, fmt.Errorf("search %q: offset %d and limit %d must lie between 0 and %d: %w", req.Query, req.Offset, limit, MaxSearchWindow, ErrInvalidInput)
	}
	sr := bleve.NewSearchRequestOptions(rewriteForSpeed(q, idx.Mapping()), limit, req.Offset, false)
	// Term locations (for snippets) are not asked of the first search:
	// Bleve would gather them for every matching page, not only the ones
	// shown. The pages shown get theirs from a second search limited to
	// them (addLocations), unless the lean search (leanterm.go) gave the
	// pages it kept theirs, read from the postings it had open.
	searchCtx := ctx
	var leanLocated leanLocations
	if !req.NoSnippets {
		searchCtx = withLeanLocations(searchCtx, &leanLocated)
	}
	facets := facetCounter{cache: &l.facetOrds}
	if req.Facets {
		searchCtx = withFacetCounting(searchCtx, &facets)
	}
	res, err := l.searchGuarded(searchCtx, idx, sr)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	out := &SearchResult{Total: res.Total, Hits: make([]SearchHit, 0, len(res.Hits))}
	var matches []*search.DocumentMatch
	for _, h := range res.Hits {
		docID, page, ok := parsePageEntryID(h.ID)
		if !ok {
			continue
		}
		out.Hits = append(out.Hits, SearchHit{DocID: docID, Page: page, Score: finiteScore(h.Score), Themes: []string{}})
		matches = append(matches, h)
	}
	snippets := !req.NoSnippets && len(res.Hits) > 0
	// The term locations of the pages shown are gathered while SQLite is
	// read for their titles and text: neither needs the other, and on two
	// cores they overlap.
	bleveLocations := func(hits search.DocumentMatchCollection) error { return l.addLocations(ctx, idx, q, hits) }
	located, phrase := leanLocated.located, leanLocated.phrase
	if snippets && located == nil && phrase == nil {
		ch := make(chan error, 1)
		go func() { ch <- bleveLocations(res.Hits) }()
		located = ch
	}
	if err := l.fillHits(ctx, out.Hits, matches, snippets, located, phrase, bleveLocations); err != nil {
		if errors.Is(err, errLocations) {
			return nil, fmt.Errorf("search %q: %w", req.Query, err)
		}
		return nil, err
	}
	if req.Facets {
		out.Facets = facets.result()
	}
	out.Took = time.Since(start)
	return out, nil
}

// finiteScore keeps a score JSON can carry: a score that is not a finite
// number (a scoring defect; see filterTermQuery) ranks as 0 rather than
// breaking every consumer of the results.
func finiteScore(s float64) float64 {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return 0
	}
	return s
}

// addLocations fills in the term locations of the hits shown, by running
// the query again restricted to their pages: a search of a handful of pages
// however many matched.
func (l *Library) addLocations(ctx context.Context, idx bleve.Index, q query.Query, hits search.DocumentMatchCollection) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(q, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	sr.IncludeLocations = true
	res, err := l.searchGuarded(ctx, idx, sr)
	if err != nil {
		return err
	}
	locs := make(map[string]search.FieldTermLocationMap, len(res.Hits))
	for _, h := range res.Hits {
		locs[h.ID] = h.Locations
	}
	for _, h := range hits {
		h.Locations = locs[h.ID]
	}
	return nil
}

// buildQuery turns a request into a Bleve query for an index with mapping
// m (query.go describes the query language).
func buildQuery(req SearchRequest, m mapping.IndexMapping) (query.Query, error) {
	var must []query.Query
	if s := strings.TrimSpace(req.Query); s != "" {
		tokens, err := tokenizeQuery(s)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", s, err)
		}
		var parsed query.Query
		if hasOperators(tokens) {
			if parsed, err = parseUserQuery(s); err != nil {
				return nil, fmt.Errorf("search %q: %w", s, err)
			}
		} else {
			if parsed, err = bleve.NewQueryStringQuery(s).Parse(); err != nil {
				return nil, fmt.Errorf("search %q: query syntax: %v: %w", s, err, ErrInvalidInput)
			}
			parsed = unwrapSingle(parsed)
		}
		must = append(must, refineTerms(searchTextToo(parsed), m))
	}
	if len(req.Themes) > 0 {
		var any []query.Query
		for _, t := range req.Themes {
			tq := bleve.NewTermQuery(strings.ToLower(t))
			tq.SetField("theme")
			any = append(any, tq)
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	if len(req.DocIDs) > 0 {
		var any []query.Query
		for _, id := range req.DocIDs {
			tq := bleve.NewTermQuery(strconv.FormatInt(id, 10))
			tq.SetField("doc")
			any = append(any, tq)
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	if req.AnnotatedOnly {
		bq := bleve.NewBoolFieldQuery(true)
		bq.SetField("annotated")
		must = append(must, bq)
	}
	switch len(must) {
	case 0:
		return bleve.NewMatchAllQuery(), nil
	case 1:
		return must[0], nil
	}
	return bleve.NewConjunctionQuery(must...), nil
}

// unwrapSingle returns a parsed query string without its wrapper when the
// wrapper holds one clause: the parser wraps a plain word in a boolean
// query whose should part is a disjunction of one ("+word": a conjunction
// of one), and Bleve runs such a wrapper for every matching page, which for
// a common word on a large library cost as much as reading the word's
// postings. A boolean query with more than one part is left as it is: its
// should part must stay a disjunction to stay optional.
func unwrapSingle(q query.Query) query.Query {
	b, ok := q.(*query.BooleanQuery)
	if !ok || b.BoostVal != nil || b.MustNot != nil || b.Filter != nil || (b.Must == nil) == (b.Should == nil) {
		return q
	}
	switch part := b.Must.(type) {
	case *query.ConjunctionQuery:
		if len(part.Conjuncts) == 1 && part.BoostVal == nil {
			return part.Conjuncts[0]
		}
		return part
	}
	switch part := b.Should.(type) {
	case *query.DisjunctionQuery:
		if len(part.Disjuncts) == 1 && part.BoostVal == nil && part.Min <= 1 {
			return part.Disjuncts[0]
		}
		return part
	}
	return q
}

// searchTextToo aims every clause of a parsed query string that names no
// field (or names _all) at the text field, which holds the page text and,
// as further values, the metadata, abstract and annotations
// (pageEntry.More): one field to read rather than a disjunction of two.
func searchTextToo(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		q.Must = searchTextToo(q.Must)
		q.Should = searchTextToo(q.Should)
		q.MustNot = searchTextToo(q.MustNot)
		return q
	case *query.ConjunctionQuery:
		for i, c := range q.Conjuncts {
			q.Conjuncts[i] = searchTextToo(c)
		}
		return q
	case *query.DisjunctionQuery:
		for i, d := range q.Disjuncts {
			q.Disjuncts[i] = searchTextToo(d)
		}
		return q
	case query.FieldableQuery:
		if f := q.Field(); f != "" && f != "_all" {
			return q
		}
		if _, numeric := q.(*query.NumericRangeQuery); numeric {
			return q
		}
		return withField(q, "text")
	}
	return q
}

// rewriteForSpeed returns q with the same matches, answered with less work.
// A word (a match query whose text analyses to one term) becomes a term
// query: Bleve runs a match query as a disjunction of its terms, even of
// one, and that wrapper's work for every matching page cost as much as
// reading the postings. Phrase queries on the page text are answered from
// the field of adjacent word pairs (text_pairs): a two-word phrase becomes
// its pair term, which matches exactly the pages the phrase matches, with
// its two words (which score the page, as they do for a phrase); a longer
// phrase must also hold all its pairs, which leaves the position check to
// the few pages that do. A number a conjunction's pages must hold
// (+year:2019 +word) becomes a filter (exactNumber). q itself is not
// changed: term locations for snippets come from the original query.
func rewriteForSpeed(q query.Query, m mapping.IndexMapping) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		c := *q
		c.Must = rewriteForSpeed(q.Must, m)
		c.Should = rewriteForSpeed(q.Should, m)
		c.MustNot = rewriteForSpeed(q.MustNot, m)
		return &c
	case *query.ConjunctionQuery:
		c := *q
		c.Conjuncts = make([]query.Query, len(q.Conjuncts))
		filters := 0
		for i, sub := range q.Conjuncts {
			if f := exactNumber(sub, m); f != nil {
				c.Conjuncts[i] = f
				filters++
				continue
			}
			c.Conjuncts[i] = rewriteForSpeed(sub, m)
		}
		if filters == len(c.Conjuncts) { // nothing would score
			for i, sub := range q.Conjuncts {
				c.Conjuncts[i] = rewriteForSpeed(sub, m)
			}
		}
		return &c
	case *query.DisjunctionQuery:
		c := *q
		c.Disjuncts = make([]query.Query, len(q.Disjuncts))
		for i, sub := range q.Disjuncts {
			c.Disjuncts[i] = rewriteForSpeed(sub, m)
		}
		return &c
	case *query.MatchQuery:
		if q.FieldVal == "" || q.Fuzziness != 0 || q.Prefix != 0 {
			return q
		}
		name := q.Analyzer
		if name == "" {
			name = m.AnalyzerNameForPath(q.FieldVal)
		}
		a := m.AnalyzerNamed(name)
		if a == nil {
			return q
		}
		groups := groupByPosition(a.Analyze([]byte(q.Match)))
		if len(groups) != 1 {
			return q
		}
		tq := anyTerm(q.FieldVal, groups[0])
		if b, ok := tq.(query.BoostableQuery); ok && q.BoostVal != nil {
			b.SetBoost(q.BoostVal.Value())
		}
		return tq
	case *query.MatchPhraseQuery:
		if q.FieldVal != "text" || q.Fuzziness != 0 || (q.Analyzer != "" && q.Analyzer != pageTextAnalyzer) {
			return q
		}
		a := m.AnalyzerNamed(pageTextAnalyzer)
		if a == nil {
			return q
		}
		analysed := a.Analyze([]byte(q.MatchPhrase))
		groups := groupByPosition(analysed)
		tokens := oneTermPerPosition(analysed) // pairs are of folded forms (adjacentPairs)
		var pairs []query.Query
		for i := 0; i+1 < len(tokens); i++ {
			if tokens[i+1].Position != tokens[i].Position+1 {
				continue
			}
			pairs = append(pairs, newPairTermQuery(string(tokens[i].Term)+" "+string(tokens[i+1].Term)))
		}
		switch {
		case len(pairs) == 0:
			return q
		case len(pairs) == 1 && len(groups) == 2:
			for _, g := range groups {
				pairs = append(pairs, anyTerm("text", g))
			}
			c := query.NewConjunctionQuery(pairs)
			if q.BoostVal != nil {
				c.SetBoost(q.BoostVal.Value())
			}
			return c
		}
		return query.NewConjunctionQuery(append(pairs, q))
	}
	return q
}

// exactNumber returns the filter of a number a conjunction's page must
// hold, or nil when q is not one. The query string's year:2019 is the
// disjunction of the text 2019 in the year field (which, numeric, holds
// none) and the numbers from 2019 to 2019; Bleve scores the page by that
// number's rarity, alike for every page it lets through, so that only the
// rest of the conjunction ranks them. As a filter (filterTermQuery) the
// ranking stays and the pages are found with less work: the one term of
// the number, as Bleve's numeric range indexes it (full precision, shift
// 0), narrows the rest.
func exactNumber(q query.Query, m mapping.IndexMapping) query.Query {
	d, ok := q.(*query.DisjunctionQuery)
	if !ok || len(d.Disjuncts) != 2 || d.Min > 1 {
		return nil
	}
	var field string
	var number *query.NumericRangeQuery
	text := 0
	for _, sub := range d.Disjuncts {
		switch sub := sub.(type) {
		case *query.NumericRangeQuery:
			number, field = sub, sub.FieldVal
		case *query.MatchQuery, *query.TermQuery:
			text++
		}
	}
	im, ok := m.(*mapping.IndexMappingImpl)
	if number == nil || text != 1 || !ok || im.FieldMappingForPath(field).Type != "number" {
		return nil
	}
	for _, sub := range d.Disjuncts {
		if f, ok := sub.(query.FieldableQuery); !ok || f.Field() != field {
			return nil
		}
	}
	if number.Min == nil || number.Max == nil || *number.Min != *number.Max ||
		number.InclusiveMin == nil || !*number.InclusiveMin || number.InclusiveMax == nil || !*number.InclusiveMax {
		return nil
	}
	term := numeric.MustNewPrefixCodedInt64(numeric.Float64ToInt64(*number.Min), 0)
	return &filterTermQuery{Term: string(term), Field: field}
}

// withField returns a copy of a field query aimed at another field.
func withField(q query.FieldableQuery, field string) query.Query {
	v := reflect.ValueOf(q).Elem()
	c := reflect.New(v.Type())
	c.Elem().Set(v)
	fq := c.Interface().(query.FieldableQuery)
	fq.SetField(field)
	return fq
}

// fillHits completes hits from SQLite in three queries whatever their
// number: titles and authors, the pages' text and labels, and the themes
// coded on each page; then builds each snippet from the stored page text
// around the matched words.
//
// With snippets, located delivers the outcome of gathering the hits' term
// locations (addLocations, run meanwhile); fillHits waits for it before it
// builds them, and always before it returns. The page texts are
// decompressed and the snippets built on up to snippetWorkers goroutines.
//
// With phrase (a lean two-word phrase), the hits' locations are found in
// their page text instead; a hit whose text does not hold the phrase gets
// Bleve's (bleveLocations).
func (l *Library) fillHits(ctx context.Context, hits []SearchHit, matches []*search.DocumentMatch, snippets bool, located <-chan error,
	phrase *textPhrase, bleveLocations func(search.DocumentMatchCollection) error) (err error) {
	if located != nil {
		defer func() {
			if located != nil {
				<-located // never leave the location search running
			}
		}()
	}
	if len(hits) == 0 {
		return nil
	}
	type docInfo struct {
		title, abstract string
		year            int
		authors         []string
		numbering       PageNumbering
	}
	type pageKey struct {
		doc  int64
		page int
	}
	docs := map[int64]*docInfo{}
	var docArgs []any
	var pageArgs []any
	for _, h := range hits {
		if docs[h.DocID] == nil {
			docs[h.DocID] = &docInfo{}
			docArgs = append(docArgs, h.DocID)
		}
		pageArgs = append(pageArgs, h.DocID, h.Page)
	}
	rows, err := l.queryPrepared(ctx, "SELECT id, title, year, authors, abstract, first_printed_page, pages, page_count, printed_pages FROM documents WHERE id IN ("+placeholders(len(docArgs))+")", docArgs...)
	if err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	for rows.Next() {
		var id int64
		var authors string
		var d docInfo
		n := &d.numbering
		if err := rows.Scan(&id, &d.title, &d.year, &authors, abstractScanner{&d.abstract}, &n.FirstPrintedPage, &n.Pages, &n.PageCount, &n.PrintedPages); err != nil {
			rows.Close()
			return fmt.Errorf("search results: %w", err)
		}
		var list []importer.Author
		json.Unmarshal([]byte(authors), &list)
		for _, a := range list {
			d.authors = append(d.authors, a.Name())
		}
		docs[id] = &d
	}
	rows.Close()

	pairs := strings.TrimSuffix(strings.Repeat("(?,?),", len(hits)), ",")
	texts := map[pageKey][]byte{} // compressed (text_z)
	labels := map[pageKey]string{}
	printed := map[pageKey]string{}
	textCol := "NULL"
	if snippets {
		textCol = "text_z"
	}
	rows, err = l.queryPrepared(ctx, "SELECT doc_id, page, label, printed, "+textCol+" FROM pages WHERE (doc_id, page) IN (VALUES "+pairs+")", pageArgs...)
	if err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	for rows.Next() {
		var k pageKey
		var label, print string
		var text []byte
		if err := rows.Scan(&k.doc, &k.page, &label, &print, &text); err != nil {
			rows.Close()
			return fmt.Errorf("search results: document %d page %d: %w", k.doc, k.page, err)
		}
		texts[k], labels[k], printed[k] = text, label, print
	}
	rows.Close()

	themes := map[pageKey][]string{}
	rows, err = l.queryPrepared(ctx, `
SELECT DISTINCT a.doc_id, a.page, t.name, t.position, t.id FROM annotations a
JOIN annotation_themes at ON at.annotation_id = a.id
JOIN themes t ON t.id = at.theme_id
WHERE (a.doc_id, a.page) IN (VALUES `+pairs+`) ORDER BY t.position, t.id`, pageArgs...)
	if err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	for rows.Next() {
		var k pageKey
		var name string
		var pos, id int64
		if err := rows.Scan(&k.doc, &k.page, &name, &pos, &id); err != nil {
			rows.Close()
			return fmt.Errorf("search results: %w", err)
		}
		themes[k] = append(themes[k], name)
	}
	rows.Close()

	for i := range hits {
		h := &hits[i]
		k := pageKey{h.DocID, h.Page}
		d := docs[h.DocID]
		h.Title, h.Year, h.Authors, h.Label = d.title, d.year, d.authors, labels[k]
		h.PrintedPage, _ = d.numbering.PrintedPage(h.Page, labels[k], printed[k])
		if t := themes[k]; t != nil {
			h.Themes = t
		}
	}
	if !snippets {
		return nil
	}
	if located != nil {
		lerr := <-located
		located = nil
		if lerr != nil {
			return fmt.Errorf("%w: %w", errLocations, lerr)
		}
	}
	errs := make([]error, len(hits))
	pageTexts := make([]string, len(hits))
	elsewhere := make([]bool, len(hits)) // a phrase not in the page text
	forEachParallel(len(hits), snippetWorkers, func(i int) {
		h := &hits[i]
		k := pageKey{h.DocID, h.Page}
		var text string
		if z := texts[k]; z != nil {
			var err error
			if text, err = decompressPageText(z); err != nil {
				errs[i] = fmt.Errorf("search results: document %d page %d: %w", k.doc, k.page, err)
				return
			}
		}
		if phrase != nil {
			locs := phrase.locations(text)
			if locs == nil {
				pageTexts[i], elsewhere[i] = text, true
				return
			}
			matches[i].Locations = search.FieldTermLocationMap{"text": locs}
		}
		d := docs[h.DocID]
		h.Snippet = hitSnippet(matches[i], text, d.abstract, d.title)
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var rest search.DocumentMatchCollection
	for i, e := range elsewhere {
		if e {
			rest = append(rest, matches[i])
		}
	}
	if len(rest) == 0 {
		return nil
	}
	if err := bleveLocations(rest); err != nil {
		return fmt.Errorf("%w: %w", errLocations, err)
	}
	for i, e := range elsewhere {
		if e {
			d := docs[hits[i].DocID]
			hits[i].Snippet = hitSnippet(matches[i], pageTexts[i], d.abstract, d.title)
		}
	}
	return nil
}

// queryPrepared runs a query through a statement prepared once per
// library and kept until it closes: the queries that complete search hits
// differ only in their number of hits, and preparing them anew cost about
// as much as running them. Queries longer than maxPreparedSQL (hundreds of
// hits) are prepared each time.
func (l *Library) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if len(query) > maxPreparedSQL {
		return l.db.QueryContext(ctx, query, args...)
	}
	l.stmtMu.Lock()
	stmt := l.stmts[query]
	if stmt == nil && len(l.stmts) < maxPreparedStmts && !l.stmtsClosed {
		var err error
		if stmt, err = l.db.PrepareContext(ctx, query); err != nil {
			l.stmtMu.Unlock()
			return nil, err
		}
		if l.stmts == nil {
			l.stmts = map[string]*sql.Stmt{}
		}
		l.stmts[query] = stmt
	}
	l.stmtMu.Unlock()
	if stmt == nil {
		return l.db.QueryContext(ctx, query, args...)
	}
	return stmt.QueryContext(ctx, args...)
}

const (
	maxPreparedSQL   = 4096
	maxPreparedStmts = 256
)

// closePrepared closes the statements queryPrepared kept.
func (l *Library) closePrepared() error {
	l.stmtMu.Lock()
	defer l.stmtMu.Unlock()
	var errs []error
	for _, s := range l.stmts {
		errs = append(errs, s.Close())
	}
	l.stmts, l.stmtsClosed = nil, true
	return errors.Join(errs...)
}

// errLocations marks a failure to gather the term locations of the hits
// shown.
var errLocations = errors.New("term locations")

// snippetWorkers bounds the goroutines that build one search's snippets.
const snippetWorkers = 4

// forEachParallel calls fn(i) for i in [0, n) on up to workers goroutines
// (no more than GOMAXPROCS), and returns when every call has returned.
func forEachParallel(n, workers int, fn func(i int)) {
	workers = min(workers, runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// hitSnippet builds a hit's snippet from the first source whose matches
// can be shown: the page text, else the abstract (as a value of the text
// field or its own field), else the title; with no located match, the start
// of the page (or abstract).
func hitSnippet(m *search.DocumentMatch, text, abstract, title string) string {
	page, more := splitTextLocations(m.Locations["text"])
	if len(page) > 0 {
		return makeSnippet(text, textOffsets(text, densestPositions(page, snippetPositions)))
	}
	if locs := more[moreAbstract]; len(locs) > 0 {
		return makeSnippet(abstract, textOffsets(abstract, densestPositions(locs, snippetPositions)))
	}
	for _, f := range []struct {
		field, src string
	}{{"abstract", abstract}, {"title", title}} {
		if locs := m.Locations[f.field]; len(locs) > 0 {
			return makeSnippet(f.src, locs)
		}
	}
	if text == "" {
		text = abstract
	}
	return makeSnippet(text, nil)
}

// splitTextLocations parts the locations of the text field into those in
// the page text (no array position) and those in each value of
// pageEntry.More.
func splitTextLocations(locs search.TermLocationMap) (page search.TermLocationMap, more [moreAnnotation + 1]search.TermLocationMap) {
	for term, ls := range locs {
		for _, l := range ls {
			into := &page
			if len(l.ArrayPositions) > 0 {
				i := l.ArrayPositions[0]
				if i >= uint64(len(more)) {
					continue
				}
				into = &more[i]
			}
			if *into == nil {
				*into = search.TermLocationMap{}
			}
			(*into)[term] = append((*into)[term], l)
		}
	}
	return page, more
}

// snippetPositions is about how many words a snippet shows.
const snippetPositions = snippetRunes * 2 / 8

// densestPositions keeps the locations within the window of positions
// holding the most of them (the earliest such window), so that only the
// text up to it is segmented to find their offsets (textOffsets).
func densestPositions(locs search.TermLocationMap, window uint64) search.TermLocationMap {
	var pos []uint64
	for _, ls := range locs {
		for _, l := range ls {
			pos = append(pos, l.Pos)
		}
	}
	slices.Sort(pos)
	from, best := uint64(0), 0
	for i, j := 0, 0; i < len(pos); i++ {
		for j < len(pos) && pos[j] < pos[i]+window {
			j++
		}
		if j-i > best {
			best, from = j-i, pos[i]
		}
	}
	out := make(search.TermLocationMap, len(locs))
	for term, ls := range locs {
		var kept search.Locations
		for _, l := range ls {
			if l.Pos >= from && l.Pos < from+window {
				kept = append(kept, l)
			}
		}
		if len(kept) > 0 {
			out[term] = kept
		}
	}
	return out
}

// snippetSlack is how far a snippet's edges move to fall between words.
const snippetSlack = 40

// squeezeRuns shortens runs of one repeated punctuation mark or symbol
// (dot leaders, rules of dashes or underscores) to three, so that a snippet
// shows words rather than a line of dots.
func squeezeRuns(s string) string {
	const keep = 3
	var b strings.Builder
	last, run, squeezed := rune(-1), 0, false
	for _, r := range s {
		if r == last && (unicode.IsPunct(r) || unicode.IsSymbol(r)) {
			run++
		} else {
			last, run = r, 1
		}
		if run > keep {
			squeezed = true
			continue
		}
		b.WriteRune(r)
	}
	if !squeezed {
		return s
	}
	return b.String()
}

// makeSnippet cuts a window of about snippetRunes characters from text
// around the densest cluster of matched terms, escapes it as HTML and wraps
// the matches in <mark>.
func makeSnippet(text string, locs search.TermLocationMap) string {
	type span struct{ start, end int }
	var spans []span
	for _, ls := range locs {
		for _, loc := range ls {
			s, e := int(loc.Start), int(loc.End)
			if s >= 0 && e <= len(text) && s < e {
				spans = append(spans, span{s, e})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	const window = snippetRunes * 2 // bytes, roughly
	from, best := 0, 0
	for i := range spans {
		n := 0
		for j := i; j < len(spans) && spans[j].end-spans[i].start <= window; j++ {
			n++
		}
		if n > best {
			best, from = n, spans[i].start
		}
	}
	// Start a little before the first match of the cluster, at the start
	// of a word when one begins near there: never further back, so that a
	// long run without spaces before the match (a line of dot leaders)
	// cannot push the match out of the window.
	lo := 0
	if len(spans) > 0 && from-window/4 > 0 {
		lo = from - window/4
		if i := strings.IndexAny(text[lo:min(from, lo+snippetSlack)], " \n"); i >= 0 {
			lo += i + 1
		}
		for lo < from && !utf8.RuneStart(text[lo]) {
			lo++ // never cut a UTF-8 sequence
		}
	}
	hi := min(len(text), lo+window)
	if len(spans) > 0 {
		for _, s := range spans {
			if s.start == from {
				hi = max(hi, s.end) // the cluster's first match is always shown
				break
			}
		}
	}
	for hi < len(text) && text[hi] != ' ' && text[hi] != '\n' && hi-lo < window+snippetSlack {
		hi++
	}
	for hi < len(text) && hi > lo && !utf8.RuneStart(text[hi]) {
		hi++ // never cut a UTF-8 sequence
	}
	var b strings.Builder
	if lo > 0 {
		b.WriteString("…")
	}
	cur := lo
	for _, s := range spans {
		if s.start < cur || s.end > hi {
			continue
		}
		b.WriteString(html.EscapeString(squeezeRuns(text[cur:s.start])))
		b.WriteString(MarkStart)
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString(MarkEnd)
		cur = s.end
	}
	b.WriteString(html.EscapeString(squeezeRuns(text[cur:hi])))
	if hi < len(text) {
		b.WriteString("…")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
