package index

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
)

// A library written before printed page numbers were read (schema 5)
// gets them from its stored running headers and first pages when it
// opens: the numbers each page prints, the pages between placed by their
// neighbours.
func TestMigrationReadsPrintedPages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, DBFile)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for v := 0; v < 5; v++ {
		if _, err := db.Exec(migrations[v]); err != nil {
			t.Fatalf("schema %d: %v", v+1, err)
		}
	}
	if _, err := db.Exec("PRAGMA user_version = 5"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int{7, 8} {
		if _, err := db.Exec(`INSERT INTO documents (id, sha256, kind, page_count, imported_at, updated_at, title) VALUES (?, ?, 'pdf', 4, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'An old library')`, id, id); err != nil {
			t.Fatal(err)
		}
	}
	pages := []struct {
		doc          int
		text, header string
	}{
		{7, "International Psychogeriatrics (2014), 26:1, 147–150 © 2013\n\nStressful life events", ""},
		{7, "Second page.", "148 A. Sundström et al."},
		{7, "A figure page.", ""},
		{7, "Last page.", "150 A. Sundström et al."},
		{8, "No numbers at all.", ""},
		{8, "None here either.", "Running head"},
	}
	for i, p := range pages {
		n := i + 1
		if p.doc == 8 {
			n = i - 3
		}
		if _, err := db.Exec("INSERT INTO pages (doc_id, page, label, text_z, header) VALUES (?, ?, ?, ?, ?)", p.doc, n, "", compressPageText(p.text), p.header); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	lib, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatalf("open a schema 5 library: %v", err)
	}
	defer lib.Close()
	got, err := lib.Pages(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	var printed []string
	for _, p := range got {
		printed = append(printed, p.Printed)
	}
	if want := []string{"147", "148", "149", "150"}; !reflect.DeepEqual(printed, want) {
		t.Errorf("printed pages after migration: %q, want %q", printed, want)
	}
	d7, _ := lib.Document(ctx, 7)
	d8, _ := lib.Document(ctx, 8)
	if d7.PrintedPageCount != 4 || d8.PrintedPageCount != 0 {
		t.Errorf("printed page counts: %d and %d, want 4 and 0", d7.PrintedPageCount, d8.PrintedPageCount)
	}
	if d7.FieldSources != nil {
		t.Errorf("an old document has no field sources, got %v", d7.FieldSources)
	}
}
