package app

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The search pane lists the hits' years and journals with their counts; a
// click on a year keeps only that year's hits, and removing the filter
// brings the others back.
func TestFacetsNarrowTheSearch(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	docs, err := lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	years := map[string]string{"Helpful relationships with professionals": "2015", "Individual placement and support": "2016"}
	for _, d := range docs {
		if err := lib.SetMetadataField(ctx, d.ID, "year", years[d.Title]); err != nil {
			t.Fatal(err)
		}
		if err := lib.SetMetadataField(ctx, d.ID, "journal", "Journal of "+years[d.Title]); err != nil {
			t.Fatal(err)
		}
	}
	u, _ := newTestUI(t, lib)
	test.Type(u.searchEntry, "participants OR professionals")
	u.Wait()
	if len(u.search.hits) != 4 {
		t.Fatalf("%d hits, want 4", len(u.search.hits))
	}
	buttons := map[string]*choiceRow{}
	for _, o := range u.search.facets.Objects {
		if b, ok := o.(*choiceRow); ok {
			buttons[b.Text()+" ("+b.count.Text+")"] = b
		}
	}
	// Professionals: pages 1 and 2 of the 2015 article; participants:
	// pages 1 and 2 of the 2016 one.
	for _, want := range []string{"2015 (2)", "2016 (2)", "Journal of 2015 (2)", "Journal of 2016 (2)"} {
		if buttons[want] == nil {
			t.Errorf("no facet button %q among %q", want, slices.Sorted(maps.Keys(buttons)))
		}
	}
	if buttons["2016 (2)"] == nil {
		t.FailNow()
	}
	test.Tap(buttons["2016 (2)"])
	u.Wait()
	if len(u.search.hits) != 2 {
		t.Fatalf("%d hits after narrowing to 2016, want 2", len(u.search.hits))
	}
	for _, h := range u.search.hits {
		if h.Year != 2016 {
			t.Errorf("hit of %d (%s p. %d) after narrowing to 2016", h.Year, h.Title, h.Page)
		}
	}
	var remove *widget.Button
	for _, o := range u.search.filters.Objects {
		if b, ok := o.(*widget.Button); ok && b.Text == "year: 2016" {
			remove = b
		}
	}
	if remove == nil {
		t.Fatal("no button to remove the year filter")
	}
	test.Tap(remove)
	u.Wait()
	if len(u.search.hits) != 4 {
		t.Errorf("%d hits after removing the filter, want 4", len(u.search.hits))
	}
}

// Facet headings (Themes, Years, Journals) stand out from their values:
// bold, while the values are plain and keep their counts visible.
func TestFacetHeadingsStandApart(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	docs, err := lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if err := lib.SetMetadataField(ctx, d.ID, "year", "2015"); err != nil {
			t.Fatal(err)
		}
	}
	u, _ := newTestUI(t, lib)
	test.Type(u.searchEntry, "participants OR professionals")
	u.Wait()
	heading, value := false, false
	for _, tx := range textsOf(u.search.facets) {
		switch {
		case tx.Text == "Years":
			heading = true
			if !tx.TextStyle.Bold {
				t.Error("the heading Years is not bold")
			}
		case strings.HasPrefix(tx.Text, "2015"):
			value = true
			if tx.TextStyle.Bold {
				t.Errorf("the facet value %q is bold like a heading", tx.Text)
			}
		}
	}
	if !heading || !value {
		t.Errorf("heading shown %v, value shown %v", heading, value)
	}
}
