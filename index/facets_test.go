package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// The facet counts a search makes in its own pass over the hits are the
// counts Bleve's terms facet gives for the same query on the same index,
// whatever the page of hits asked for.
func TestFacetCountsMatchBleveTermsFacet(t *testing.T) {
	ctx := context.Background()
	lib := openTestLibrary(t, t.TempDir())
	rep := mustImport(t, lib, writeArticles(t, t.TempDir(), 0, 30)...) // 1-3 pages each
	themes, err := lib.Themes(ctx)
	if err != nil || len(themes) < 4 {
		t.Fatalf("themes: %d, %v", len(themes), err)
	}
	spare, spareSeed := int64(0), 0 // a document coded only in the second round
	for _, d := range rep.Imported {
		var seed int
		if _, err := fmt.Sscanf(filepath.Base(d.File), "article-%03d.pdf", &seed); err != nil {
			t.Fatal(err)
		}
		if seed%4 != 3 { // some documents have no year or journal
			if err := lib.SetMetadataField(ctx, d.ID, "year", fmt.Sprint(2010+seed%5)); err != nil {
				t.Fatal(err)
			}
			if err := lib.SetMetadataField(ctx, d.ID, "journal", fmt.Sprintf("Journal %c", 'A'+seed%3)); err != nil {
				t.Fatal(err)
			}
		}
		if seed%2 == 1 && spare == 0 {
			spare, spareSeed = d.ID, seed
		}
		if seed%2 == 0 {
			tag := TagRequest{DocID: d.ID, Quote: fmt.Sprintf("marker%dp1", seed), Themes: []string{themes[seed%3].Name}}
			if _, err := lib.Tag(ctx, tag); err != nil {
				t.Fatalf("tag %s: %v", d.File, err)
			}
		}
	}
	// The second round runs after a change: a new segment, older pages
	// deleted from theirs.
	for round := range 2 {
		if round == 1 {
			if err := lib.SetMetadataField(ctx, rep.Imported[0].ID, "year", "1999"); err != nil {
				t.Fatal(err)
			}
			tag := TagRequest{DocID: spare, Quote: fmt.Sprintf("marker%dp1", spareSeed), Themes: []string{themes[3].Name}}
			if _, err := lib.Tag(ctx, tag); err != nil {
				t.Fatal(err)
			}
		}
		compareFacetsWithBleve(t, lib, round, themes[0].Name)
		if len(lib.facetOrds.segs) == 0 {
			t.Errorf("round %d: no segment's facet values were cached", round)
		}
	}
}

func compareFacetsWithBleve(t *testing.T, lib *Library, round int, theme string) {
	ctx := context.Background()
	idx, err := lib.searchIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []SearchRequest{
		{Query: "trust"},
		{Query: "care", Limit: 1},
		{Query: "care", Limit: 5, Offset: 10},
		{Query: `"trust care"`},
		{Query: "stigma recovery"},
		{Query: "+stigma -recovery"},
		{Query: ""},
		{Query: "absentword"},
		{Query: "care", Themes: []string{theme}},
		{Query: "1999"},
	} {
		t.Run(fmt.Sprintf("round %d %q %v limit %d offset %d", round, req.Query, req.Themes, req.Limit, req.Offset), func(t *testing.T) {
			req.Facets = true
			res, err := lib.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			q, err := buildQuery(req, indexMapping())
			if err != nil {
				t.Fatal(err)
			}
			sr := bleve.NewSearchRequestOptions(q, 1, 0, false)
			sr.AddFacet("facet", bleve.NewFacetRequest("facet", 1000))
			ref, err := idx.Search(sr)
			if err != nil {
				t.Fatal(err)
			}
			if ref.Total != res.Total {
				t.Fatalf("total %d, Bleve's %d", res.Total, ref.Total)
			}
			want := map[string][]FacetCount{"theme": nil, "year": nil, "journal": nil}
			for _, tf := range ref.Facets["facet"].Terms.Terms() {
				name, value, _ := strings.Cut(tf.Term, ":")
				want[name] = append(want[name], FacetCount{Value: value, Count: tf.Count})
			}
			for _, counts := range want {
				sort.Slice(counts, func(i, j int) bool {
					return counts[i].Count > counts[j].Count || counts[i].Count == counts[j].Count && counts[i].Value < counts[j].Value
				})
			}
			if !reflect.DeepEqual(res.Facets, want) {
				t.Errorf("facets\n %v\nBleve's terms facet\n %v", res.Facets, want)
			}
			// Counted hit by hit from doc values, as over an index that
			// is not scorch.
			var byHit facetCounter
			sr = bleve.NewSearchRequestOptions(q, 1, 0, false)
			if _, err := idx.SearchInContext(withFacetCounting(ctx, &byHit), sr); err != nil {
				t.Fatal(err)
			}
			if len(byHit.parts) == 0 {
				t.Fatal("the counter counted in no part")
			}
			for _, p := range byHit.parts {
				if p.byValue == nil || p.counts != nil {
					t.Fatal("the counter without a cache did not count hit by hit")
				}
			}
			if got := byHit.result(); !reflect.DeepEqual(got, want) {
				t.Errorf("facets counted hit by hit\n %v\nBleve's terms facet\n %v", got, want)
			}
			if req.Query == "care" && (len(res.Facets["year"]) == 0 || len(res.Facets["journal"]) == 0 || len(res.Facets["theme"]) == 0) {
				t.Errorf("%q: a facet counted nothing: %v", req.Query, res.Facets)
			}
		})
	}
}

// A facet reports its most frequent values first, ties in order of value,
// and no more than its limit.
func TestFacetCounterResultOrderAndLimit(t *testing.T) {
	part := &facetPart{byValue: map[string]*int{}}
	fc := facetCounter{parts: []*facetPart{part}}
	add := func(term string, n int) {
		for range n {
			part.visit("facet", []byte(term))
		}
	}
	add("year:2016", 2)
	add("year:2015", 2)
	add("year:2020", 5)
	add("journal:B", 1)
	add("bogus", 3)
	add("other:x", 3)
	for i := range facetLimits["journal"] + 5 {
		add(fmt.Sprintf("journal:J%03d", i), 2)
	}
	got := fc.result()
	if want := []FacetCount{{"2020", 5}, {"2015", 2}, {"2016", 2}}; !reflect.DeepEqual(got["year"], want) {
		t.Errorf("year %v, want %v", got["year"], want)
	}
	if n := len(got["journal"]); n != facetLimits["journal"] {
		t.Errorf("%d journals, want the limit %d", n, facetLimits["journal"])
	}
	if j := got["journal"]; j[0].Value != "J000" || j[len(j)-1].Count != 2 {
		t.Errorf("journals %v", j)
	}
	if len(got) != 3 || got["theme"] != nil {
		t.Errorf("facets %v, want theme (none), year and journal only", got)
	}
}
