package index

import (
	"context"
	"testing"
)

func TestCodingOverview(t *testing.T) {
	lib := browseLibrary(t)
	ctx := context.Background()
	for _, name := range []string{"Ax", "Bx", "Cx"} {
		if _, err := lib.AddTheme(ctx, Theme{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := lib.BrowseDocuments(ctx, BrowseRequest{Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	alpha, beta := docs[0].ID, docs[1].ID
	tag := func(doc int64, quote string, themes ...string) {
		t.Helper()
		if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Themes: themes}); err != nil {
			t.Fatalf("tag %q: %v", quote, err)
		}
	}
	tag(alpha, "Collaboration between users", "Ax", "Bx") // one annotation, two themes
	tag(alpha, "users and coaches helps", "Cx")           // overlaps the first
	tag(beta, "build trust", "Ax")
	ov, err := lib.CodingOverview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]int{}
	for i, th := range ov.Themes {
		at[th.Name] = i
	}
	a, b, c := at["Ax"], at["Bx"], at["Cx"]
	if len(ov.Documents) != 2 || ov.Documents[0].ID != alpha {
		t.Fatalf("documents %+v", ov.Documents)
	}
	d0 := ov.Documents[0]
	if d0.Counts[a] != 1 || d0.Counts[b] != 1 || d0.Counts[c] != 1 || d0.Total != 3 {
		t.Errorf("alpha counts A%d B%d C%d total %d", d0.Counts[a], d0.Counts[b], d0.Counts[c], d0.Total)
	}
	if ov.Documents[1].Counts[a] != 1 || ov.Documents[1].Total != 1 {
		t.Errorf("beta %+v", ov.Documents[1])
	}
	co := ov.CoOccurrence
	cases := []struct {
		i, j, want int
		what       string
	}{
		{a, b, 1, "A–B on one annotation"}, {b, a, 1, "symmetric"},
		{a, c, 1, "A–C overlapping"}, {b, c, 1, "B–C overlapping"},
		{a, a, 2, "A coded twice"}, {c, c, 1, "C once"},
	}
	for _, cs := range cases {
		if co[cs.i][cs.j] != cs.want {
			t.Errorf("%s: %d, want %d", cs.what, co[cs.i][cs.j], cs.want)
		}
	}
}
