package index

import (
	"context"
	"testing"
)

// Searching a group theme finds pages coded with any theme under it, and
// follows the codebook when a group is renamed or a theme moves.
func TestSearchGroupThemeFindsSubthemes(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	writeTestArticle(t, src, "art.pdf", "Trust in supported employment", 1, 1)
	lib := newTestLibrary(t)
	if _, err := lib.Import(ctx, []string{src}, nil); err != nil {
		t.Fatal(err)
	}
	docs, _ := lib.Documents(ctx)
	if _, err := lib.Tag(ctx, TagRequest{DocID: docs[0].ID, Quote: "Trust grew from knowing each other", Themes: []string{"Trust"}}); err != nil {
		t.Fatal(err)
	}
	hits := func(theme string) uint64 {
		t.Helper()
		res, err := lib.Search(ctx, SearchRequest{Query: `theme:"` + theme + `"`})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	const group = "Helpful relationships with professionals"
	if n := hits(group); n != 1 {
		t.Fatalf("group theme %q: %d hits, want the page coded with its sub-theme", group, n)
	}
	if n := hits("Helpful relationships in IPS"); n != 0 {
		t.Fatalf("another group: %d hits, want 0", n)
	}
	if _, err := lib.RenameTheme(ctx, group, "Helpful professionals"); err != nil {
		t.Fatal(err)
	}
	if hits("Helpful professionals") != 1 || hits(group) != 0 {
		t.Fatal("renaming the group did not re-index the pages coded under it")
	}
	ips := "Helpful relationships in IPS"
	if _, err := lib.UpdateTheme(ctx, "Trust", ThemeUpdate{Parent: &ips}); err != nil {
		t.Fatal(err)
	}
	if hits(ips) != 1 || hits("Helpful professionals") != 0 {
		t.Fatal("moving the theme did not re-index its pages")
	}
}
