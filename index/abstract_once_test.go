package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAbstractIndexedOnce: an abstract read from page 1 is in the page's
// text already, so the first page's entry does not index it again among
// what a plain query finds (pageEntry.More); a query of its words still
// finds the article (through the page text) with a marked snippet, and
// abstract: still searches it. An abstract from a record that the text
// does not hold is indexed with the first page as before.
func TestAbstractIndexedOnce(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	a := headerArticle()
	fromPage := importHeaderArticle(t, lib, a)

	src := t.TempDir()
	txt := filepath.Join(src, "notes.txt")
	if err := os.WriteFile(txt, []byte("Fieldwork notes\n\nThe ward staff talked about schedules and rotas."), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(ctx, []string{txt}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	fromRecord := rep.Imported[0].ID
	if err := lib.SetMetadataField(ctx, fromRecord, "abstract", "Quokkas and wombats appear only in this abstract."); err != nil {
		t.Fatal(err)
	}
	if err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}

	idx, err := lib.searchIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := func(id int64) *pageEntry {
		entries, _, err := lib.pageEntries(ctx, idx, id)
		if err != nil {
			t.Fatal(err)
		}
		var e *pageEntry
		for _, x := range entries {
			if x.meta != "" && (e == nil || x.Page < e.Page) {
				e = x
			}
		}
		if e == nil {
			t.Fatalf("document %d: no first entry", id)
		}
		return e
	}
	if e := first(fromPage); len(e.More) > moreAbstract && e.More[moreAbstract] != "" {
		t.Errorf("the page-1 abstract is indexed again in More: %q", e.More[moreAbstract])
	} else if e.Abstract != a.Abstract {
		t.Errorf("the abstract field holds %q, want the abstract", e.Abstract)
	}
	if e := first(fromRecord); len(e.More) <= moreAbstract || !strings.Contains(e.More[moreAbstract], "Quokkas") {
		t.Errorf("a record's abstract not in the text is left out of More: %q", e.More)
	}

	words := strings.Fields(a.Abstract)
	phrase := strings.Trim(strings.Join(words[2:5], " "), ".,;:")
	longest := ""
	for _, w := range words {
		if w = strings.Trim(strings.ToLower(w), ".,;:()"); len(w) > len(longest) {
			longest = w
		}
	}
	for _, c := range []struct {
		query string
		want  int64
	}{
		{`"` + phrase + `"`, fromPage},
		{"abstract:" + longest, fromPage},
		{"quokkas wombats", fromRecord},
		{"abstract:quokkas", fromRecord},
	} {
		res, err := lib.Search(ctx, SearchRequest{Query: c.query})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		found := false
		for _, h := range res.Hits {
			if h.DocID == c.want {
				found = true
				if !strings.Contains(h.Snippet, "<mark>") {
					t.Errorf("%s: snippet without a mark: %q", c.query, h.Snippet)
				}
			}
		}
		if !found {
			t.Errorf("%s: document %d not found (%d hits)", c.query, c.want, len(res.Hits))
		}
	}
}

// TestAbstractStoredCompressed: a long abstract is stored as a compressed
// BLOB, and reads, edits, undo and redo see the text; a short one and one
// written by an older Rapport (text) read as they are.
func TestAbstractStoredCompressed(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	a := headerArticle()
	id := importHeaderArticle(t, lib, a)
	stored := func() (kind string, size int) {
		if err := lib.db.QueryRowContext(ctx, "SELECT typeof(abstract), length(CAST(abstract AS BLOB)) FROM documents WHERE id = ?", id).Scan(&kind, &size); err != nil {
			t.Fatal(err)
		}
		return kind, size
	}
	abstract := func() string {
		d, err := lib.Document(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return d.Abstract
	}
	if len(a.Abstract) < abstractCompressFrom {
		t.Fatalf("the generated abstract is too short (%d bytes) for this test", len(a.Abstract))
	}
	if kind, size := stored(); kind != "blob" || size >= len(a.Abstract) {
		t.Errorf("a %d-byte abstract read from page 1 is stored as %s of %d bytes, want a smaller blob", len(a.Abstract), kind, size)
	}
	if got := abstract(); got != a.Abstract {
		t.Fatalf("abstract read back %q, want %q", got, a.Abstract)
	}

	long := strings.Repeat("Trust grows when professionals listen and stay. ", 12)
	long = strings.TrimSpace(long)
	for _, c := range []struct {
		value, kind string
	}{{long, "blob"}, {"Short abstract.", "text"}} {
		if err := lib.SetMetadataField(ctx, id, "abstract", c.value); err != nil {
			t.Fatal(err)
		}
		if kind, _ := stored(); kind != c.kind {
			t.Errorf("abstract of %d bytes stored as %s, want %s", len(c.value), kind, c.kind)
		}
		if got := abstract(); got != c.value {
			t.Errorf("after set: %q, want %q", got, c.value)
		}
	}
	// undo twice: the long one, then page 1's, each as it was
	for _, want := range []string{long, a.Abstract} {
		if _, err := lib.Undo(ctx); err != nil {
			t.Fatal(err)
		}
		if got := abstract(); got != want {
			t.Errorf("after undo: %.60q, want %.60q", got, want)
		}
	}
	if _, err := lib.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := abstract(); got != long {
		t.Errorf("after redo: %.60q, want %.60q", got, long)
	}
	if kind, _ := stored(); kind != "blob" {
		t.Errorf("after redo the abstract is stored as %s, want blob", kind)
	}
	// An abstract stored as text by an earlier Rapport reads as it is.
	if _, err := lib.db.ExecContext(ctx, "UPDATE documents SET abstract = ? WHERE id = ?", long, id); err != nil {
		t.Fatal(err)
	}
	if got := abstract(); got != long {
		t.Errorf("a text abstract reads %.60q", got)
	}
	if res, err := lib.Search(ctx, SearchRequest{Query: "abstract:professionals"}); err != nil || res.Total == 0 {
		t.Errorf("abstract: search after the edits: %+v %v", res, err)
	}
}
