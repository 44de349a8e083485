package index

import (
	"container/heap"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// TestLeanTermSearchIsBleves: a term query, a conjunction of terms and
// word pairs (with terms a page must not hold), or a disjunction of terms
// answered lean (leanterm.go) must give what Bleve gives, bit
// for bit: the same total and best score, the same pages in the same order
// (equal scores in the order met), the same scores, for common, rare and
// one-page terms of several fields, phrases, windows of every size, boosts
// and shard counts.
func TestLeanTermSearchIsBleves(t *testing.T) {
	for _, c := range []struct {
		shards   int
		leapfrog bool
	}{{2, false}, {3, false}, {2, true}} {
		shards := c.shards
		t.Run(fmt.Sprintf("%d shards, leapfrog %v", c.shards, c.leapfrog), func(t *testing.T) {
			leanLeapfrogOnly = c.leapfrog
			defer func() { leanLeapfrogOnly = false }()
			ctx := context.Background()
			withShards(t, shards)
			lib := openTestLibrary(t, t.TempDir())
			rep := mustImport(t, lib, writeArticles(t, t.TempDir(), 0, 24)...)
			// A page rewritten after the import leaves a deleted entry behind
			// in its segment, which the lean search must skip as Bleve does.
			if err := lib.SetMetadataField(ctx, rep.Imported[3].ID, "year", "2011"); err != nil {
				t.Fatal(err)
			}
			idx := caughtUpIndex(t, lib)
			term := func(field, text string, boost float64) *query.TermQuery {
				tq := query.NewTermQuery(text)
				tq.SetField(field)
				if boost != 0 {
					tq.SetBoost(boost)
				}
				return tq
			}
			var cases []query.Query
			var words []*query.TermQuery
			for _, field := range []string{"text", "title", "doc"} {
				for _, text := range sampleTerms(t, idx, field) {
					words = append(words, term(field, text, 0))
					cases = append(cases, term(field, text, 0))
				}
			}
			pairs := sampleTerms(t, idx, pageTextPairs)
			if len(words) < 12 || len(pairs) < 4 {
				t.Fatalf("only %d terms and %d pairs to compare", len(words), len(pairs))
			}
			conj := func(qs ...query.Query) query.Query { return query.NewConjunctionQuery(qs) }
			not := func(must []query.Query, mustNot ...query.Query) query.Query {
				return query.NewBooleanQuery(must, nil, mustNot)
			}
			disj := func(min float64, qs ...query.Query) query.Query {
				d := query.NewDisjunctionQuery(qs)
				d.SetMin(min)
				return d
			}
			common, second, mid, rare := words[0], words[1], words[3], words[5]
			pair := newPairTermQuery(pairs[0])
			cases = append(cases,
				term(common.FieldVal, common.Term, 3),
				term("text", "zzzabsentzzz", 0),
				conj(common, second),
				conj(second, common), // the same counts, the other order
				conj(common, mid),
				conj(mid, rare),
				conj(common, second, mid),
				conj(term(common.FieldVal, common.Term, 2.5), mid),
				conj(common, words[6]),  // a title word with a text word
				conj(words[12], common), // a document's pages
				conj(pair, common),
				conj(newPairTermQuery(pairs[1]), common, second),
				conj(newPairTermQuery(pairs[len(pairs)-1]), mid),
				conj(common, term("text", "zzzabsentzzz", 0)),
				disj(0, common, second),
				disj(0, second, common),
				disj(0, mid, rare),
				disj(0, common, second, mid),
				disj(0, rare, words[4], mid, words[6]), // text and title
				disj(0, term(common.FieldVal, common.Term, 2), rare),
				disj(0, rare, term("text", "zzzabsentzzz", 0)),
				disj(2, common, mid, rare),
				disj(0, words[12], words[13]), // two documents' pages, all tied
				not([]query.Query{common}, mid),
				not([]query.Query{common}, rare, mid),
				not([]query.Query{term(common.FieldVal, common.Term, 2)}, second),
				not([]query.Query{common, second}, words[4]),
				not([]query.Query{newPairTermQuery(pairs[0]), common}, rare),
				not([]query.Query{mid}, term("text", "zzzabsentzzz", 0)),
				not([]query.Query{common}, words[12]), // one document's pages out
			)
			windows := []struct{ from, size int }{{0, 20}, {0, 1}, {3, 7}, {0, 0}, {0, 10000}, {500, 5}}
			compared := 0
			for _, q := range cases {
				for _, w := range windows {
					req := bleve.NewSearchRequestOptions(q, w.size, w.from, false)
					if _, ok := leanQueryOf(ctx, req, idx.Mapping()); !ok {
						t.Fatalf("%s is not searched lean", leanQueryName(q))
					}
					lean, err := idx.SearchInContext(ctx, req)
					if err != nil {
						t.Fatal(err)
					}
					leanSearchEnabled = false
					want, err := idx.SearchInContext(ctx, req)
					leanSearchEnabled = true
					if err != nil {
						t.Fatal(err)
					}
					name := fmt.Sprintf("%s from %d size %d", leanQueryName(q), w.from, w.size)
					if got, exp := leanSummary(lean), leanSummary(want); got != exp {
						t.Errorf("%s:\nlean  %s\nbleve %s", name, got, exp)
					}
					compared += len(want.Hits)
				}
			}
			if compared < 200 {
				t.Errorf("only %d hits compared", compared)
			}
		})
	}
}

// leanQueryName names a query of leanQueryOf's shapes.
func leanQueryName(q query.Query) string {
	switch q := q.(type) {
	case *query.TermQuery:
		return fmt.Sprintf("%s:%s^%v", q.FieldVal, q.Term, q.BoostVal.Value())
	case *filterTermQuery:
		return fmt.Sprintf("pair:%q", q.Term)
	case *query.ConjunctionQuery:
		var parts []string
		for _, c := range q.Conjuncts {
			parts = append(parts, leanQueryName(c))
		}
		return "(" + strings.Join(parts, " AND ") + ")"
	case *query.BooleanQuery:
		return leanQueryName(q.Must) + " NOT " + leanQueryName(q.MustNot)
	case *query.DisjunctionQuery:
		var parts []string
		for _, d := range q.Disjuncts {
			parts = append(parts, leanQueryName(d))
		}
		return fmt.Sprintf("(%s, at least %v)", strings.Join(parts, " OR "), q.Min)
	}
	return fmt.Sprintf("%T", q)
}

// sampleTerms returns terms of field held by many, some and one page.
func sampleTerms(t *testing.T, idx bleve.Index, field string) []string {
	t.Helper()
	counts := map[string]uint64{}
	for _, sh := range shardsOf(idx) {
		d, err := sh.FieldDict(field)
		if err != nil {
			t.Fatal(err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			counts[e.Term] += e.Count
		}
		d.Close()
	}
	terms := make([]string, 0, len(counts))
	for term := range counts {
		terms = append(terms, term)
	}
	sort.Slice(terms, func(i, j int) bool {
		if counts[terms[i]] != counts[terms[j]] {
			return counts[terms[i]] > counts[terms[j]]
		}
		return terms[i] < terms[j]
	})
	var out []string
	for _, i := range []int{0, 1, 2, len(terms) / 4, len(terms) / 2, len(terms) - 1} {
		if i >= 0 && i < len(terms) {
			out = append(out, terms[i])
		}
	}
	return out
}

// leanSummary writes down everything of a result a caller may read.
func leanSummary(r *bleve.SearchResult) string {
	s := "total " + strconv.FormatUint(r.Total, 10) + " max " + strconv.FormatFloat(r.MaxScore, 'g', -1, 64) + ":"
	for _, h := range r.Hits {
		s += fmt.Sprintf(" %s=%s#%d", h.ID, strconv.FormatFloat(h.Score, 'g', -1, 64), h.HitNumber)
	}
	return s
}

// TestLeanHitsKeepFirstOfEqualScores: the best pages are kept as Bleve's
// collector keeps them: among equal scores, the ones met first.
func TestLeanHitsKeepFirstOfEqualScores(t *testing.T) {
	for _, c := range []struct {
		scores []float64
		want   int
		kept   string // hit numbers, best first
	}{
		{[]float64{1, 1, 1, 2}, 2, "4 1"},
		{[]float64{1, 1, 1}, 2, "1 2"},
		{[]float64{3, 1, 2, 2, 5}, 3, "5 1 3"},
		{[]float64{1, 2}, 0, ""},
		{[]float64{2, 2, 2, 2}, 10, "1 2 3 4"},
	} {
		h := &leanHits{}
		for i, s := range c.scores {
			h.offer(leanHit{score: s, hitNumber: uint64(i + 1)}, c.want)
		}
		var kept []string
		for h.Len() > 0 {
			kept = append([]string{strconv.FormatUint(heap.Pop(h).(leanHit).hitNumber, 10)}, kept...)
		}
		if got := strings.Join(kept, " "); got != c.kept {
			t.Errorf("scores %v, best %d: kept %q, want %q", c.scores, c.want, got, c.kept)
		}
	}
}

// TestLeanLocationsAreBleves: the term locations the lean search gives the
// pages it keeps (leanLocations) are the ones Bleve's second search gives
// them for the query as written (addLocations): a word's every position in
// the page text and its further values. A two-word phrase is found in the
// page text (textPhrase) where Bleve finds it there, its words only where
// they stand side by side, with their offsets. And a search's results,
// snippets and facet counts included, are the same whether it goes lean
// or not.
func TestLeanLocationsAreBleves(t *testing.T) {
	ctx := context.Background()
	withShards(t, 2)
	lib := openTestLibrary(t, t.TempDir())
	dir := t.TempDir()
	// A page of capitals, a word three times over and a phrase twice.
	own := filepath.Join(dir, "own.pdf")
	a := pdfgen.Article{Title: "Repeated words", Pages: [][]string{{"Stigma stigma stigma in the ward. Trust Care and TRUST CARE; trust, care."}}}
	if err := os.WriteFile(own, a.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := mustImport(t, lib, append(writeArticles(t, dir, 0, 24), own)...)
	// Words and a phrase in an abstract and a note (the text field's
	// further values), a phrase twice over and a word standing twice.
	if err := lib.SetMetadataField(ctx, rep.Imported[2].ID, "abstract", "Trust and care on the ward: trust care, care trust care trust trust."); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddDocNote(ctx, rep.Imported[5].ID, "A note on trust care and stigma; stigma stigma.", ""); err != nil {
		t.Fatal(err)
	}
	for i, d := range rep.Imported { // facet values to count
		if err := lib.SetMetadataField(ctx, d.ID, "year", strconv.Itoa(2000+i%5)); err != nil {
			t.Fatal(err)
		}
	}
	idx := caughtUpIndex(t, lib)
	// Phrases from the pages' own text: the first three pairs of their
	// words on a page of each of four articles.
	queries := []string{"trust", "stigma", "marker3p1", "consent", "\"trust care\"", "\"care trust\"", "\"stigma stigma\"",
		"+trust +care", "+stigma -trust", "+nurse +patient -ward", "trust care", "nurse patient ward", "title:trust", "+title:article +stigma", "zzzabsentzzz"}
	for _, d := range rep.Imported[:4] {
		p, err := lib.PageText(ctx, d.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		words := strings.Fields(p.Text)
		n := 0
		for i := 0; i+1 < len(words) && n < 3; i++ {
			if slices.Contains(robustWords, words[i]) && slices.Contains(robustWords, words[i+1]) {
				queries = append(queries, fmt.Sprintf("%q", words[i]+" "+words[i+1]))
				n++
			}
		}
	}
	located, phrases, elsewhere, counted := 0, 0, 0, 0
	for _, qs := range queries {
		q, err := buildQuery(SearchRequest{Query: qs}, idx.Mapping())
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{20, 3} {
			req := bleve.NewSearchRequestOptions(rewriteForSpeed(q, idx.Mapping()), size, 0, false)
			if _, ok := leanQueryOf(ctx, req, idx.Mapping()); !ok {
				t.Fatalf("%s is not searched lean", qs)
			}
			var ll leanLocations
			lean, err := idx.SearchInContext(withLeanLocations(ctx, &ll), req)
			if err != nil {
				t.Fatal(err)
			}
			isPhrase := strings.HasPrefix(qs, `"`)
			switch {
			case isPhrase && ll.phrase == nil:
				t.Fatalf("%s: the lean search finds no phrase in the text", qs)
			case !isPhrase && ll.located == nil:
				t.Fatalf("%s: the lean search gathers no locations", qs)
			case ll.located != nil:
				if err := <-ll.located; err != nil {
					t.Fatal(err)
				}
			}
			leanSearchEnabled = false
			want, err := idx.SearchInContext(ctx, req)
			if err == nil {
				err = lib.addLocations(ctx, idx, q, want.Hits)
			}
			leanSearchEnabled = true
			if err != nil {
				t.Fatal(err)
			}
			if got, exp := leanSummary(lean), leanSummary(want); got != exp {
				t.Fatalf("%s: hits differ:\nlean  %s\nbleve %s", qs, got, exp)
			}
			for i, h := range lean.Hits {
				got, exp := h.Locations, want.Hits[i].Locations
				if ll.phrase != nil {
					// Found in the page text, with offsets; none when the
					// phrase stands elsewhere (Bleve's are used then).
					doc, page, _ := parsePageEntryID(h.ID)
					p, err := lib.PageText(ctx, doc, page)
					if err != nil {
						t.Fatal(err)
					}
					inText, _ := splitTextLocations(exp["text"])
					got, exp = nil, nil
					if locs := ll.phrase.locations(p.Text); locs != nil {
						got = search.FieldTermLocationMap{"text": locs}
					}
					if len(inText) > 0 {
						exp = search.FieldTermLocationMap{"text": textOffsets(p.Text, inText)}
					} else {
						elsewhere++
					}
				}
				if g, e := locationsSummary(got), locationsSummary(exp); g != e {
					t.Errorf("%s, page %s: locations\nlean  %s\nbleve %s", qs, h.ID, g, e)
				}
				located += len(got["text"])
				if isPhrase {
					phrases += len(got["text"])
				}
			}
		}
		// The whole search, with its snippets, and with the facets the
		// lean search counts as it goes.
		fc := facetCounter{cache: &lib.facetOrds}
		req := bleve.NewSearchRequest(rewriteForSpeed(q, idx.Mapping()))
		if _, ok := leanQueryOf(withFacetCounting(ctx, &fc), req, idx.Mapping()); !ok {
			t.Fatalf("%s with facets is not searched lean", qs)
		}
		for _, facets := range []bool{false, true} {
			got, err := lib.Search(ctx, SearchRequest{Query: qs, Facets: facets})
			if err != nil {
				t.Fatal(err)
			}
			leanSearchEnabled = false
			want, err := lib.Search(ctx, SearchRequest{Query: qs, Facets: facets})
			leanSearchEnabled = true
			if err != nil {
				t.Fatal(err)
			}
			got.Took, want.Took = 0, 0
			if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
				t.Errorf("%s (facets %v): search results differ:\nlean  %s\nbleve %s", qs, facets, g, w)
			}
			for _, c := range got.Facets["year"] {
				counted += c.Count
			}
		}
	}
	if located < 100 || phrases < 20 || elsewhere == 0 || counted < 100 {
		t.Errorf("only %d located terms compared, %d of phrases, %d pages where a phrase is not in the text, %d years counted", located, phrases, elsewhere, counted)
	}
}

// locationsSummary writes a hit's locations in a fixed order.
func locationsSummary(ftl search.FieldTermLocationMap) string {
	var out []string
	for field, tlm := range ftl {
		for term, locs := range tlm {
			s := field + ":" + term + "@"
			for _, l := range locs {
				s += fmt.Sprintf(" %d[%d-%d]%v", l.Pos, l.Start, l.End, []uint64(l.ArrayPositions))
			}
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}
