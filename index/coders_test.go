package index

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// A library written before coders were records (schema 8) gets a coder
// for every author of its annotations and notes when it opens, one per
// name whatever its case, each with its own GUID; its notes get GUIDs.
func TestMigrationMakesCoders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile)+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for v := 0; v < 8; v++ {
		if _, err := db.Exec(migrations[v]); err != nil {
			t.Fatalf("schema %d: %v", v+1, err)
		}
	}
	stmts := []string{
		"PRAGMA user_version = 8",
		`INSERT INTO documents (id, sha256, kind, page_count, imported_at, updated_at, title) VALUES (1, 'x', 'text', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Old')`,
		`INSERT INTO pages (doc_id, page, text_z) VALUES (1, 1, x'')`,
		`INSERT INTO annotations (guid, doc_id, page, start, end, quote, author, created_at, updated_at) VALUES ('g1', 1, 1, 0, 3, 'abc', 'Anna', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')`,
		`INSERT INTO annotations (guid, doc_id, page, start, end, quote, author, created_at, updated_at) VALUES ('g2', 1, 1, 0, 3, 'abc', 'anna', '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z')`,
		`INSERT INTO annotations (guid, doc_id, page, start, end, quote, author, created_at, updated_at) VALUES ('g3', 1, 1, 0, 3, 'abc', 'Bo', '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z')`,
		`INSERT INTO annotations (guid, doc_id, page, start, end, quote, author, created_at, updated_at) VALUES ('g4', 1, 1, 0, 3, 'abc', '', '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z')`,
		`INSERT INTO doc_notes (doc_id, text, author, created_at, updated_at) VALUES (1, 'one', 'Cy', '2026-01-04T00:00:00Z', '2026-01-04T00:00:00Z')`,
		`INSERT INTO doc_notes (doc_id, text, author, created_at, updated_at) VALUES (1, 'two', '', '2026-01-04T00:00:00Z', '2026-01-04T00:00:00Z')`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	db.Close()

	lib, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatalf("open a schema 8 library: %v", err)
	}
	defer lib.Close()
	coders, err := lib.Coders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Coder{}
	guids := map[string]bool{}
	for _, c := range coders {
		got[c.Name] = c
		if c.Name != NoCoder {
			if normaliseGUID(c.GUID) != c.GUID || guids[c.GUID] {
				t.Errorf("coder %s: GUID %q is not a fresh lower-case GUID", c.Name, c.GUID)
			}
			guids[c.GUID] = true
		}
	}
	if len(coders) != 4 || got["Anna"].Annotations != 2 || got["Bo"].Annotations != 1 || got["Cy"].Notes != 1 ||
		got[NoCoder].Annotations != 1 || got[NoCoder].Notes != 1 {
		t.Errorf("coders after migration: %+v", coders)
	}
	notes, err := lib.DocNotes(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].GUID == "" || notes[1].GUID == "" || notes[0].GUID == notes[1].GUID {
		t.Errorf("notes after migration have no distinct GUIDs: %+v", notes)
	}
}

// Coders code in parallel: a passage one coder coded with a theme can be
// coded with it by another, not twice by the same; names are matched
// without regard to case; the first coding by a new coder adds the coder,
// and undoing it takes the coder away again.
func TestCodersTagInParallel(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "a", twoPageArticle())
	quote := "Trust grew over many years of working together."
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Themes: []string{"Collaboration"}, Author: "Anna"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Coder != "Anna" || a.Author != "Anna" {
		t.Errorf("coder of the annotation: %q/%q", a.Coder, a.Author)
	}
	b, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Themes: []string{"Collaboration"}, Author: "Bo"})
	if err != nil {
		t.Fatalf("a second coder codes the same passage: %v", err)
	}
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Themes: []string{"Collaboration"}, Author: "anna"}); !errors.Is(err, ErrAlreadyCoded) {
		t.Errorf("the same coder (another case) coding it again: %v, want already coded", err)
	}
	lib.Author = "ANNA"
	n, err := lib.AddDocNote(ctx, doc, "a memo", "")
	if err != nil {
		t.Fatal(err)
	}
	if n.Coder != "Anna" || n.GUID == "" {
		t.Errorf("note: coder %q guid %q, want Anna and a GUID", n.Coder, n.GUID)
	}
	for _, tc := range []struct {
		coder string
		want  []int64
	}{{"Anna", []int64{a.ID}}, {"bo", []int64{b.ID}}, {"Cy", nil}, {"", []int64{a.ID, b.ID}}} {
		list, err := lib.Annotations(ctx, AnnotationFilter{Coder: tc.coder})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		if len(ids) != len(tc.want) || (len(ids) > 0 && (ids[0] != tc.want[0] || ids[len(ids)-1] != tc.want[len(tc.want)-1])) {
			t.Errorf("annotations of coder %q: %v, want %v", tc.coder, ids, tc.want)
		}
	}
	if _, err := lib.CoderByName(ctx, "bo"); err != nil {
		t.Errorf("coder Bo: %v", err)
	}
	// counts of one coder: per theme, per document (a window coding blind)
	counts, err := lib.ThemeCounts(ctx, "bo")
	col, _ := lib.ThemeByName(ctx, "Collaboration")
	if err != nil || counts[col.ID] != 1 || len(counts) != 1 {
		t.Errorf("Bo's theme counts: %v %v", counts, err)
	}
	docs, err := lib.BrowseDocuments(ctx, BrowseRequest{Coder: "Cy", Sort: "annotations"})
	if err != nil || len(docs) != 1 || docs[0].AnnotationCount != 0 {
		t.Errorf("Cy's documents: %+v %v", docs, err)
	}
	docs, _ = lib.BrowseDocuments(ctx, BrowseRequest{})
	if docs[0].AnnotationCount != 2 {
		t.Errorf("every coder's annotations: %d", docs[0].AnnotationCount)
	}
	// Undo the note, then Bo's coding: Bo is no coder any more, Anna still is.
	for i := 0; i < 2; i++ {
		if _, err := lib.Undo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := lib.CoderByName(ctx, "Bo"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after undoing Bo's only coding, coder Bo: %v", err)
	}
	if _, err := lib.CoderByName(ctx, "Anna"); err != nil {
		t.Errorf("coder Anna after the undo: %v", err)
	}
	if _, err := lib.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := lib.CoderByName(ctx, "Bo"); err != nil || c.Annotations != 1 {
		t.Errorf("after redo, coder Bo: %+v %v", c, err)
	}
}

func TestCheckCoderName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"Anna", true}, {"Topor, Alain", true}, {"  ", false}, {NoCoder, false}, {"a\nb", false}} {
		if err := CheckCoderName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckCoderName(%q) = %v", tc.name, err)
		}
	}
	if got := cleanCoderName(" A \n  B "); got != "A B" {
		t.Errorf("cleanCoderName = %q", got)
	}
}
