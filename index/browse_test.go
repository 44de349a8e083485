package index

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func browseLibrary(t *testing.T) *Library {
	t.Helper()
	ctx := context.Background()
	lib, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	src := t.TempDir()
	files := map[string]string{
		"beta.txt":  "Beta study of trust\n\nProfessionals who listen build trust with persons over time.",
		"alpha.txt": "Alpha review of collaboration\n\nCollaboration between users and coaches helps recovery.",
		"gamma.md":  "Gamma notes\n\nNothing about the other topics here at all.",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := lib.Import(ctx, []string{src}, nil)
	if err != nil || len(rep.Failed) > 0 {
		t.Fatalf("import: %v %+v", err, rep.Failed)
	}
	for _, it := range rep.Imported {
		title := strings.SplitN(files[filepath.Base(it.File)], "\n", 2)[0]
		if err := lib.SetMetadataField(ctx, it.ID, "title", title); err != nil {
			t.Fatal(err)
		}
	}
	// SetMetadataField leaves the index to catch up; bring it up to date.
	if err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestBrowseDocumentsSortAndFilter(t *testing.T) {
	lib := browseLibrary(t)
	ctx := context.Background()
	titles := func(req BrowseRequest) []string {
		docs, err := lib.BrowseDocuments(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range docs {
			out = append(out, strings.Fields(d.Title)[0])
		}
		return out
	}
	cases := []struct {
		req  BrowseRequest
		want []string
	}{
		{BrowseRequest{Sort: "title"}, []string{"Alpha", "Beta", "Gamma"}},
		{BrowseRequest{Sort: "title", Descending: true}, []string{"Gamma", "Beta", "Alpha"}},
		{BrowseRequest{Sort: "title", Filter: "TRUST"}, []string{"Beta"}},
		{BrowseRequest{Sort: "title", Filter: "a review"}, []string{"Alpha"}},
		{BrowseRequest{Filter: "100%"}, nil},
	}
	for _, c := range cases {
		if got := titles(c.req); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: got %v, want %v", c.req, got, c.want)
		}
	}
	for _, k := range BrowseSortKeys {
		if _, err := lib.BrowseDocuments(ctx, BrowseRequest{Sort: k}); err != nil {
			t.Errorf("sort %s: %v", k, err)
		}
	}
	if _, err := lib.BrowseDocuments(ctx, BrowseRequest{Sort: "id; DROP TABLE documents"}); err == nil {
		t.Error("unknown sort key accepted")
	}
}

func TestTermBounds(t *testing.T) {
	lib := browseLibrary(t)
	text := "Trusting relationships: the professional trusted them. Time matters; timing too."
	cases := []struct {
		query string
		want  []string
	}{
		{"trust", []string{"Trusting", "trusted"}},
		{"-trust time", []string{"Time", "timing"}}, // stemming: timing → time
		{"tim*", []string{"Time", "timing"}},
		{`"professional relationship"`, []string{"relationships", "professional"}},
		{"year:2016 title:matters", []string{"matters"}},
		{"", nil},
	}
	rs := []rune(text)
	for _, c := range cases {
		spans, err := lib.TermBounds(context.Background(), c.query, text)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range spans {
			got = append(got, string(rs[s.Start:s.End]))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.query, got, c.want)
		}
	}
}

func TestSentenceAndParagraphBounds(t *testing.T) {
	text := "First sentence by A. Topor et al. in 2016. Second one?  \"Third,\" she said.\n\nNew paragraph, e.g. this. Last (1999) one"
	rs := []rune(text)
	var got []string
	for _, s := range SentenceBounds(text) {
		got = append(got, string(rs[s.Start:s.End]))
	}
	want := []string{"First sentence by A. Topor et al. in 2016.", "Second one?", "\"Third,\" she said.", "New paragraph, e.g. this.", "Last (1999) one"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sentences:\n got %q\nwant %q", got, want)
	}
	got = nil
	for _, s := range ParagraphBounds(text) {
		got = append(got, string(rs[s.Start:s.End]))
	}
	want = []string{"First sentence by A. Topor et al. in 2016. Second one?  \"Third,\" she said.", "New paragraph, e.g. this. Last (1999) one"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", got, want)
	}
	if s := SentenceBounds("Ünïcödé first. Zweiter Satz."); len(s) != 2 || s[1].Start != 15 {
		t.Errorf("code point offsets: %+v", s)
	}
}

func TestFacetClauseNarrowsSearch(t *testing.T) {
	lib := browseLibrary(t)
	ctx := context.Background()
	if err := lib.SetMetadataField(ctx, 1, "year", "2016"); err != nil {
		t.Fatal(err)
	}
	if err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	all, err := lib.Search(ctx, SearchRequest{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	clause, err := FacetClause("year", "2016")
	if err != nil {
		t.Fatal(err)
	}
	res, err := lib.Search(ctx, SearchRequest{Query: clause, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || res.Total >= all.Total {
		t.Fatalf("year clause %q: %d hits of %d", clause, res.Total, all.Total)
	}
	for _, h := range res.Hits {
		if h.DocID != 1 {
			t.Errorf("hit of doc %d with year clause", h.DocID)
		}
	}
	if err := lib.SetMetadataField(ctx, 2, "journal", "Journal of Mental Health (Online): 25/3"); err != nil {
		t.Fatal(err)
	}
	if err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	clause, err = FacetClause("journal", "Journal of Mental Health (Online): 25/3")
	if err != nil {
		t.Fatal(err)
	}
	res, err = lib.Search(ctx, SearchRequest{Query: "collaboration OR trust OR nothing " + clause, Limit: 100})
	if err != nil {
		t.Fatalf("journal clause %q: %v", clause, err)
	}
	if res.Total == 0 || res.Hits[0].DocID != 2 || res.Total >= all.Total {
		t.Fatalf("journal clause %q: %+v", clause, res)
	}
	if _, err := FacetClause("colour", "red"); err == nil {
		t.Error("unknown facet accepted")
	}
}
