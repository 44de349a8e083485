package index

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Phrase queries answered from the word-pair field find exactly the pages
// the position check finds, for two-word phrases, longer ones, phrases
// with a stop word inside, and phrases inside boolean queries.
func TestPairPhrasesMatchPhraseSemantics(t *testing.T) {
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	pages := []string{
		"The helpful relationship grew over years of trust.",
		"A relationship that was helpful to the person.",
		"Helpful, and a relationship: punctuation between the words.",
		"The worker's helpful relationship with the person's family.",
		"Quality of life improved; the quality life coach helped.",
		"Being there, being available, being a fellow human being.",
		"helpful relationships and helping relations alike",
		"Nothing of the sort here at all.",
		// Long enough for the pairs field to take the text field's tokens.
		strings.Repeat("Filler words about coaching and employment here. ", 12) + "A remarkable helpful relationship appears.",
	}
	dir := t.TempDir()
	var paths []string
	for i, p := range pages {
		path := filepath.Join(dir, fmt.Sprintf("p%d.txt", i))
		if err := os.WriteFile(path, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	if _, err := lib.Import(ctx, paths, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := lib.searchIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(q string, rewrite bool) []string {
		t.Helper()
		bq, err := buildQuery(SearchRequest{Query: q}, indexMapping())
		if err != nil {
			t.Fatal(err)
		}
		if rewrite {
			bq = rewriteForSpeed(bq, idx.Mapping())
		}
		res, err := idx.Search(bleve.NewSearchRequestOptions(bq, 100, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		query string
		want  int // pages the phrase matches
	}{
		{`"helpful relationship"`, 4},
		{`"helpful relationships"`, 4}, // stemmed alike
		{`"remarkable helpful relationship appears"`, 1},
		{`"coaching and employment"`, 1},
		{`"relationship helpful"`, 0},
		{`"the helpful relationship grew"`, 1},
		{`"quality of life"`, 1},
		{`"quality life"`, 1},
		{`"being there being available"`, 1},
		{`"worker's helpful relationship"`, 1},
		{`"helpful relationship" -family`, 3},
		{`+"being available" +fellow`, 1},
		{`"helpful relationship" OR "quality life"`, 5},
		{`"nothing"`, 1},
	} {
		plain, paired := ids(tc.query, false), ids(tc.query, true)
		if !slices.Equal(plain, paired) {
			t.Errorf("%s: position check finds %v, word pairs find %v", tc.query, plain, paired)
		}
		if len(paired) != tc.want {
			t.Errorf("%s: %d pages, want %d (%v)", tc.query, len(paired), tc.want, paired)
		}
	}
	// Pages found through pairs are still ranked by their words.
	res, err := lib.Search(ctx, SearchRequest{Query: `"helpful relationship"`})
	if err != nil || len(res.Hits) != 4 {
		t.Fatalf("search: %+v %v", res, err)
	}
	for _, h := range res.Hits {
		if h.Score <= 0 {
			t.Errorf("hit %d p.%d has score %v", h.DocID, h.Page, h.Score)
		}
	}
	// The rewrite is real: a two-word phrase on the page text becomes a pair term.
	bq, _ := buildQuery(SearchRequest{Query: `"helpful relationship"`}, indexMapping())
	js, _ := json.Marshal(rewriteForSpeed(bq, idx.Mapping()))
	if !strings.Contains(string(js), `"field":"`+pageTextPairs+`"`) {
		t.Errorf("rewritten query does not use %s: %s", pageTextPairs, js)
	}
}

// The year, journal and theme facets, counted from the one facet field, and
// a filter on a facet's value.
func TestFacetsFromOneField(t *testing.T) {
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	dir := t.TempDir()
	var paths []string
	for i := range 3 {
		path := filepath.Join(dir, fmt.Sprintf("d%d.txt", i))
		os.WriteFile(path, []byte(fmt.Sprintf("Mutual trust between worker and person %d.", i)), 0o644)
		paths = append(paths, path)
	}
	rep, err := lib.Import(ctx, paths, nil)
	if err != nil || len(rep.Imported) != 3 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	meta := []struct{ year, journal string }{{"2015", "Journal of Mental Health"}, {"2015", "Psychiatric Services: A Journal"}, {"2016", "Journal of Mental Health"}}
	for i, m := range meta {
		id := rep.Imported[i].ID
		if err := lib.SetMetadataField(ctx, id, "year", m.year); err != nil {
			t.Fatal(err)
		}
		if err := lib.SetMetadataField(ctx, id, "journal", m.journal); err != nil {
			t.Fatal(err)
		}
	}
	res, err := lib.Search(ctx, SearchRequest{Query: "trust", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(res.Facets["year"], res.Facets["journal"], len(res.Facets["theme"]))
	want := "[{2015 2} {2016 1}] [{Journal of Mental Health 2} {Psychiatric Services: A Journal 1}] 0"
	if got != want {
		t.Errorf("facets %s, want %s", got, want)
	}
	clause, err := FacetClause("journal", "Psychiatric Services: A Journal")
	if err != nil {
		t.Fatal(err)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "trust " + clause}); n != 1 {
		t.Errorf("%s: %d pages, want 1", clause, n)
	}
}

// A query naming no field finds a document by its metadata once, at its
// first page; author: and title: find every page of it.
func TestMetadataMatchesFirstPageOnly(t *testing.T) {
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	id := importArticle(t, lib, "two", twoPageArticle())
	for field, value := range map[string]string{"title": "Helpfulness reconsidered", "journal": "Nordic Psychiatry"} {
		if err := lib.SetMetadataField(ctx, id, field, value); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"reconsidered", 1},
		{"nordic", 1},
		{`"helpfulness reconsidered"`, 1},
		{"title:reconsidered", 2},
		{"journal:nordic", 2},
		{"+title:reconsidered +together", 2},
		{"together", 2},
	} {
		if n := searchTotal(t, lib, SearchRequest{Query: tc.query}); n != tc.want {
			t.Errorf("%s: %d pages, want %d", tc.query, n, tc.want)
		}
	}
}

// A query naming no field finds the words of the abstract (at the first
// page) and of a page's annotations, from the one text field; snippets
// come from where the words are, and the page text's own snippet is not
// thrown off by the same word in an annotation.
func TestUnfieldedQueryFindsAbstractAndAnnotations(t *testing.T) {
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	id := importArticle(t, lib, "two", twoPageArticle())
	abstract := "Background: a zygomorphic account of support. Findings follow."
	if err := lib.SetMetadataField(ctx, id, "abstract", abstract); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Tag(ctx, TagRequest{DocID: id, Page: 2, Quote: "something different", Themes: []string{"Trust"},
		Note: "A quixotic remark on the coach: being human mattered."}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query   string
		page    int    // the only page found
		snippet string // part of its snippet
	}{
		{"zygomorphic", 1, "a <mark>zygomorphic</mark> account"},
		{`"zygomorphic account"`, 1, "<mark>zygomorphic</mark> <mark>account</mark>"},
		{"quixotic", 2, "On the second page"}, // only in the note: the page's start
		{"+coach +quixotic", 2, "The <mark>coach</mark> was something different"},
		{"_all:quixotic", 2, ""},
	} {
		res, err := lib.Search(ctx, SearchRequest{Query: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].Page != tc.page {
			t.Errorf("%s: %+v, want page %d only", tc.query, res.Hits, tc.page)
			continue
		}
		if !strings.Contains(res.Hits[0].Snippet, tc.snippet) {
			t.Errorf("%s: snippet %q lacks %q", tc.query, res.Hits[0].Snippet, tc.snippet)
		}
	}
	// Words of the abstract and notes are not seen as page text.
	if n := searchTotal(t, lib, SearchRequest{Query: `"findings follow" OR "quixotic remark"`}); n != 2 {
		t.Errorf("phrases of the abstract and the note: %d pages, want 2", n)
	}
	// Page 1's text begins "The participants", the abstract "Background: a
	// zygomorphic": the same positions, in different values of the field.
	// Checked on the position check itself, without the pairs field.
	idx, err := lib.searchIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]uint64{`"participants zygomorphic"`: 0, `"the participants described"`: 1, `"a zygomorphic account"`: 1} {
		bq, err := buildQuery(SearchRequest{Query: q}, indexMapping())
		if err != nil {
			t.Fatal(err)
		}
		res, err := idx.Search(bleve.NewSearchRequest(bq))
		if err != nil || res.Total != want {
			t.Errorf("%s, positions only: %v pages (%v), want %d", q, res.Total, err, want)
		}
	}
}

// Unwrapping one-clause wrappers changes neither which pages a query finds
// nor their order.
func TestUnwrapSingleKeepsResults(t *testing.T) {
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	importArticle(t, lib, "one", twoPageArticle())
	importArticle(t, lib, "two", twoPageArticle2())
	idx, err := lib.searchIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	run := func(q query.Query) []string {
		t.Helper()
		res, err := idx.Search(bleve.NewSearchRequestOptions(q, 100, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	for _, qs := range []string{
		"together", "+together", "together coach", "+together +coach", "together -coach",
		`"spending time together"`, "+(together coach)", "the", "+the +together", "togeth*",
		"together^3 coach", "+together year:>=2000", "title:helpful", "-coach",
		"year:2016", "Together", "together~1", "coach's", "spending-time", "+author:nobody +together",
	} {
		parsed, err := bleve.NewQueryStringQuery(qs).Parse()
		if err != nil {
			t.Fatal(err)
		}
		wrapped := run(searchTextToo(parsed))
		parsed, _ = bleve.NewQueryStringQuery(qs).Parse()
		unwrapped := run(searchTextToo(unwrapSingle(parsed)))
		if !slices.Equal(wrapped, unwrapped) {
			t.Errorf("%s: %v as parsed, %v unwrapped", qs, wrapped, unwrapped)
		}
		parsed, _ = bleve.NewQueryStringQuery(qs).Parse()
		fast := run(rewriteForSpeed(searchTextToo(unwrapSingle(parsed)), idx.Mapping()))
		if strings.Contains(qs, `"`) {
			// A phrase answered through its pairs scores by its words:
			// the same pages, perhaps in another order.
			wrapped, fast = slices.Sorted(slices.Values(wrapped)), slices.Sorted(slices.Values(fast))
		}
		if !slices.Equal(wrapped, fast) {
			t.Errorf("%s: %v as parsed, %v rewritten for speed", qs, wrapped, fast)
		}
	}
	// A word becomes a term query of its analysed term.
	parsed, _ := bleve.NewQueryStringQuery("Relationships^2").Parse()
	tq, ok := rewriteForSpeed(searchTextToo(unwrapSingle(parsed)), idx.Mapping()).(*query.TermQuery)
	if !ok || tq.Term != "relationship" || tq.FieldVal != "text" || tq.BoostVal == nil || tq.BoostVal.Value() != 2 {
		t.Errorf("a word rewritten as %#v", tq)
	}
	parsed, _ = bleve.NewQueryStringQuery("together").Parse()
	if q, ok := unwrapSingle(parsed).(*query.MatchQuery); !ok {
		t.Errorf("a plain word is still wrapped: %T", q)
	}
}

// A large import returns with the search index settled: Bleve has no
// segments left to persist or merge, so the next searches do not compete
// with merging.
func TestLargeImportSettlesIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("several Bleve batches of generated notes: not with -short (the race stage; the main run has it)")
	}
	defer func(n int) { settleAfterPages = n }(settleAfterPages)
	settleAfterPages = 2 // "large" for the test
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	src := t.TempDir()
	var paths []string
	for i := range 3*batchPages + 100 { // several Bleve batches, several segments
		path := filepath.Join(src, fmt.Sprintf("n%04d.txt", i))
		os.WriteFile(path, []byte(fmt.Sprintf("Note %d on trust and wordnumber%d.", i, i)), 0o644)
		paths = append(paths, path)
	}
	if rep, err := lib.Import(ctx, paths, nil); err != nil || len(rep.Imported) != len(paths) {
		t.Fatalf("import: %v", err)
	}
	idx, err := lib.searchIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	busy := func() []map[string]any {
		var out []map[string]any
		for _, sh := range shardsOf(idx) {
			adv, _ := sh.Advanced()
			stats := adv.(*scorch.Scorch).StatsMap()
			if settled, ok := shardSettled(stats); !ok || !settled {
				out = append(out, stats)
			}
		}
		return out
	}
	if len(shardsOf(idx)) < 2 {
		t.Fatalf("%d shards", len(shardsOf(idx)))
	}
	if b := busy(); len(b) > 0 {
		t.Errorf("index still busy after the import: %d shards, index_bgthreads_active = %v", len(b), b[0]["index_bgthreads_active"])
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "trust"}); n != len(paths) {
		t.Errorf("trust: %d pages, want %d", n, len(paths))
	}
	// Many small changes, then WaitForIndex: settled again.
	docs, err := lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs[:40] {
		if _, err := lib.Tag(ctx, TagRequest{DocID: d.ID, Quote: "trust", Themes: []string{"Trust"}}); err != nil {
			t.Fatal(err)
		}
	}
	lib.WaitForIndex(ctx)
	if b := busy(); len(b) > 0 {
		t.Errorf("index still busy after WaitForIndex: %d shards, index_bgthreads_active = %v", len(b), b[0]["index_bgthreads_active"])
	}
	if n := searchTotal(t, lib, SearchRequest{Themes: []string{"Trust"}}); n != 40 {
		t.Errorf("pages coded with Trust: %d, want 40", n)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: fmt.Sprintf("wordnumber%d", len(paths)-1)}); n != 1 {
		t.Errorf("the last note: %d pages, want 1", n)
	}
}

// TestExactYearFilters: a year given exactly beside other terms
// (+year:2011 +trust) filters the pages (exactNumber) rather than scoring
// them, and finds the same pages in the same order as Bleve's numeric
// range, which scores every page it lets through alike; and such a query
// is answered by the lean search.
func TestExactYearFilters(t *testing.T) {
	ctx := context.Background()
	withShards(t, 2)
	lib := openTestLibrary(t, t.TempDir())
	rep := mustImport(t, lib, writeArticles(t, t.TempDir(), 0, 24)...)
	for i, d := range rep.Imported {
		year := []string{"2011", "2015", "2011", "1998"}[i%4]
		if err := lib.SetMetadataField(ctx, d.ID, "year", year); err != nil {
			t.Fatal(err)
		}
	}
	idx := caughtUpIndex(t, lib)
	for _, c := range []struct {
		query string
		lean  bool // rewritten to a filter and answered lean
	}{
		{"+year:2011 +trust", true},
		{"+year:1998 +care", true},
		{"+year:2015 +nurse +patient", true},
		{"+year:2011 +care -trust", true},
		{"+trust +year:2030", true}, // no page of that year
		{"year:2011", false},        // nothing else to rank by
		{"+year:2011 +year:2015", false},
		{"+year:2011 +page:1", false}, // filters only: Bleve's scores stay
		{"+year:>=2011 +trust", false},
	} {
		q, err := buildQuery(SearchRequest{Query: c.query}, idx.Mapping())
		if err != nil {
			t.Fatal(err)
		}
		fast := bleve.NewSearchRequestOptions(rewriteForSpeed(q, idx.Mapping()), 1000, 0, false)
		if _, lean := leanQueryOf(ctx, fast, idx.Mapping()); lean != c.lean {
			t.Errorf("%s: searched lean %v, want %v", c.query, lean, c.lean)
		}
		got, err := idx.SearchInContext(ctx, fast)
		if err != nil {
			t.Fatal(err)
		}
		want, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 1000, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		ids := func(r *bleve.SearchResult) []string {
			var out []string
			for _, h := range r.Hits {
				out = append(out, h.ID)
			}
			return out
		}
		if g, w := ids(got), ids(want); !slices.Equal(g, w) || got.Total != want.Total {
			t.Errorf("%s: %d pages %v, want Bleve's %d %v", c.query, got.Total, g, want.Total, w)
		}
		if len(got.Hits) > 0 && !(got.MaxScore > 0) {
			t.Errorf("%s: best score %v", c.query, got.MaxScore)
		}
		if c.query == "+year:2011 +trust" && len(got.Hits) < 3 {
			t.Errorf("%s: only %d pages", c.query, len(got.Hits))
		}
	}
}
