package index

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPageTextRoundTrip(t *testing.T) {
	for _, text := range []string{
		"",
		"a",
		"Helpful relationships — “trust”, ﬁrst-person accounts; naïve café.\n\nSecond paragraph.",
		strings.Repeat("The professional listened and the person felt respected. ", 2000),
	} {
		stored := compressPageText(text)
		got, err := decompressPageText(stored)
		if err != nil || got != text {
			t.Fatalf("round trip of %d bytes: got %d bytes, %v", len(text), len(got), err)
		}
		if len(text) > 1000 && len(stored) > len(text)/3 {
			t.Errorf("%d bytes of prose stored in %d bytes: expected at least 3:1", len(text), len(stored))
		}
	}
	if _, err := decompressPageText([]byte("not deflate at all, plainly")); !errors.Is(err, errDamagedPageText) {
		t.Errorf("garbage decompressed without the damage error: %v", err)
	}
}

// Stored text must read back the same in every later build: the golden
// blobs were written by the build that released dictionary version 1 (and,
// plain.deflate, by builds before the dictionary). If the dictionary file
// changed, v1.blob would no longer decode to its text.
func TestStoredPageTextGolden(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "pagetext", "page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"v1.blob", "plain.deflate"} {
		blob, err := os.ReadFile(filepath.Join("testdata", "pagetext", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := decompressPageText(blob)
		if err != nil || got != string(want) {
			t.Errorf("%s: got %d bytes (want %d), %v", name, len(got), len(want), err)
		}
	}
	if got := compressPageText(string(want)); !bytes.Equal(got[:2], []byte{dictMarker, pageTextDictVersion}) {
		t.Errorf("new text stored without the dictionary marker: % x", got[:2])
	}
}

// The dictionary earns its place: page-sized pieces of English prose it
// was not built from (this repository's README) take fewer bytes than
// plain DEFLATE, and short or odd text still round-trips.
func TestPageTextDictionaryShrinksPages(t *testing.T) {
	prose, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(prose)
	withDict, plain := 0, 0
	for len(text) > 0 {
		n := min(3000, len(text))
		page := text[:n]
		text = text[n:]
		withDict += len(compressPageText(page))
		plain += len(deflate([]byte(page)))
	}
	t.Logf("%d bytes of prose: %d with the dictionary, %d without", len(prose), withDict, plain)
	if withDict >= plain*97/100 {
		t.Errorf("prose stored in %d bytes with the dictionary, %d without: expected at least 3%% fewer", withDict, plain)
	}
	for _, text := range []string{"", "x", "\x00\xff", strings.Repeat("\u00e9", 40000)} {
		if got, err := decompressPageText(compressPageText(text)); err != nil || got != text {
			t.Errorf("round trip of %q…: %v", text[:min(len(text), 8)], err)
		}
	}
}

// A blob naming a dictionary this build lacks (written by a newer Rapport)
// or cut short fails with the damage error and says which.
func TestStoredPageTextUnknownDictionary(t *testing.T) {
	blob := compressPageText("trust and respect")
	blob[1] = 200
	_, err := decompressPageText(blob)
	if !errors.Is(err, errDamagedPageText) || !strings.Contains(err.Error(), "dictionary version 200") {
		t.Errorf("unknown dictionary: %v", err)
	}
	if _, err := decompressPageText([]byte{dictMarker}); !errors.Is(err, errDamagedPageText) {
		t.Errorf("marker alone: %v", err)
	}
}

// A library written before page text was compressed (schema version 2)
// opens with every page's text unchanged, searchable, and the old table
// gone.
func TestMigrationCompressesPageText(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, DBFile)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for v := 0; v < 2; v++ {
		if _, err := db.Exec(migrations[v]); err != nil {
			t.Fatalf("schema %d: %v", v+1, err)
		}
	}
	pages := []string{
		"Page one: the worker’s “being there” mattered. ﬁnal",
		"",
		strings.Repeat("Second page about recovery and unconditional trust. ", 120) + "zanzibarite",
	}
	stmts := []string{
		"PRAGMA user_version = 2",
		`INSERT INTO documents (id, sha256, kind, page_count, imported_at, updated_at, title) VALUES (7, 'abc', 'pdf', 3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'An old library')`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range pages {
		if _, err := db.Exec("INSERT INTO pages (doc_id, page, label, text, header) VALUES (7, ?, ?, ?, 'Running head')", i+1, []string{"i", "ii", "iii"}[i], p); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	lib, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatalf("open a schema 2 library: %v", err)
	}
	defer lib.Close()
	got, err := lib.Pages(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(pages) {
		t.Fatalf("%d pages after migration, want %d", len(got), len(pages))
	}
	for i, p := range got {
		if p.Text != pages[i] || p.Number != i+1 || p.Label != []string{"i", "ii", "iii"}[i] || p.Header != "Running head" {
			t.Errorf("page %d after migration: %+v", i+1, p)
		}
	}
	var version, plain int
	lib.db.QueryRow("PRAGMA user_version").Scan(&version)
	lib.db.QueryRow("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'pages_plain'").Scan(&plain)
	if version != SchemaVersion || plain != 0 {
		t.Errorf("schema version %d (want %d), old table present: %v", version, SchemaVersion, plain != 0)
	}
	chk, err := lib.Check(ctx, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantBytes := 0
	for _, p := range pages {
		wantBytes += len(p)
	}
	if chk.TextBytes != int64(wantBytes) {
		t.Errorf("check after migration: text_bytes %d, want %d", chk.TextBytes, wantBytes)
	}
	res, err := lib.Search(ctx, SearchRequest{Query: "zanzibarite"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Page != 3 || !strings.Contains(res.Hits[0].Snippet, "<mark>zanzibarite</mark>") {
		t.Errorf("search after migration: %+v", res.Hits)
	}
}

// Stored page text that no longer decompresses gives an error naming the
// page, not a panic or an empty page.
func TestDamagedPageTextIsReported(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	lib, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	src := filepath.Join(t.TempDir(), "note.txt")
	os.WriteFile(src, []byte("A note on mutual trust between the worker and the person."), 0o644)
	rep, err := lib.Import(ctx, []string{src}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	doc := rep.Imported[0].ID
	if _, err := lib.db.Exec("UPDATE pages SET text_z = x'deadbeef' WHERE doc_id = ?", doc); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Pages(ctx, doc); !errors.Is(err, errDamagedPageText) || !strings.Contains(err.Error(), "document") {
		t.Errorf("pages of damaged text: %v", err)
	}
	if _, err := lib.PageText(ctx, doc, 1); !errors.Is(err, errDamagedPageText) {
		t.Errorf("page of damaged text: %v", err)
	}
	// A search showing the page's snippet reports it, naming the page; one
	// without snippets does not read the text.
	if _, err := lib.Search(ctx, SearchRequest{Query: "trust"}); !errors.Is(err, errDamagedPageText) || !strings.Contains(err.Error(), fmt.Sprintf("document %d page 1", doc)) {
		t.Errorf("search with snippets of damaged text: %v", err)
	}
	if res, err := lib.Search(ctx, SearchRequest{Query: "trust", NoSnippets: true}); err != nil || len(res.Hits) != 1 {
		t.Errorf("search without snippets of damaged text: %+v %v", res, err)
	}
	chk, err2 := lib.Check(ctx, CheckOptions{})
	if err2 != nil || chk.OK || len(chk.Problems) != 1 || !strings.Contains(chk.Problems[0], "page 1: stored page text is damaged") {
		t.Errorf("check of damaged text: %+v %v", chk, err2)
	}
}
