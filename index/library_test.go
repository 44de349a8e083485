package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// testArticle is a generated PDF whose every page carries one made-up word
// found nowhere else, so that search results can be checked page by page.
type testArticle struct {
	file   string
	title  string
	unique []string // unique[i] is on page i+1 only
}

var fillerSentences = []string{
	"Relationships with professionals are helpful to persons with severe mental illness when time is spent together.",
	"The coach and the participant negotiated the support in the here and now, beyond the traditional professional role.",
	"Trust grew from knowing each other over years, and continuity mattered more than the particular service.",
}

func writeTestArticle(t *testing.T, dir, name, title string, pages int, cols int) testArticle {
	t.Helper()
	a := testArticle{file: filepath.Join(dir, name), title: title}
	art := pdfgen.Article{Title: title, Author: "A. Tester", Columns: cols}
	for p := 1; p <= pages; p++ {
		word := fmt.Sprintf("zorbex%sq%d", strings.TrimSuffix(name, ".pdf"), p)
		word = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return 'a' + (r - '0')
			}
			if r < 'a' || r > 'z' {
				return -1
			}
			return r
		}, word)
		a.unique = append(a.unique, word)
		paras := []string{
			fillerSentences[p%len(fillerSentences)] + " The marker word " + word + " appears on this page only.",
			fillerSentences[(p+1)%len(fillerSentences)],
		}
		art.Pages = append(art.Pages, paras)
	}
	if err := os.WriteFile(a.file, art.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return a
}

func newTestLibrary(t *testing.T) *Library {
	t.Helper()
	lib, err := Open(context.Background(), filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

func TestImportGeneratedPDFsEveryPageFindable(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	arts := []testArticle{
		writeTestArticle(t, src, "one.pdf", "Helpful relationships in supported employment", 3, 1),
		writeTestArticle(t, src, "two.pdf", "Time with professionals and continuity of care", 4, 2),
	}
	lib := newTestLibrary(t)
	rep, err := lib.Import(ctx, []string{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) != 0 || len(rep.Imported) != 2 {
		t.Fatalf("import: want 2 imported, 0 failed; got %+v", rep)
	}
	for _, a := range arts {
		for i, word := range a.unique {
			res, err := lib.Search(ctx, SearchRequest{Query: word})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 1 {
				t.Errorf("search %q: %d hits, want exactly 1", word, res.Total)
				continue
			}
			h := res.Hits[0]
			if h.Page != i+1 || h.Title != a.title {
				t.Errorf("search %q: hit %q page %d, want %q page %d", word, h.Title, h.Page, a.title, i+1)
			}
			if !strings.Contains(h.Snippet, MarkStart+word+MarkEnd) {
				t.Errorf("search %q: snippet does not mark the word: %s", word, h.Snippet)
			}
		}
	}

	// The same files again: nothing new.
	rep, err = lib.Import(ctx, []string{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Imported) != 0 || len(rep.Unchanged) != 2 {
		t.Fatalf("second import: want 2 unchanged, 0 imported; got %+v", rep)
	}
	docs, _ := lib.Documents(ctx)
	if len(docs) != 2 {
		t.Fatalf("after re-import: %d documents, want 2", len(docs))
	}
	for _, d := range docs {
		if _, err := os.Stat(lib.FilePath(d)); err != nil {
			t.Errorf("original of %q not stored: %v", d.Title, err)
		}
	}
	chk, err := lib.Check(ctx, CheckOptions{VerifyFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK || chk.IndexEntries != 7 {
		t.Fatalf("check: %+v", chk)
	}
}

func TestImportBadFilesAreReportedAndChangeNothing(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	good := writeTestArticle(t, src, "good.pdf", "A perfectly good article about trust", 2, 1)
	lib := newTestLibrary(t)
	if _, err := lib.Import(ctx, []string{good.file}, nil); err != nil {
		t.Fatal(err)
	}
	before := snapshotDB(t, lib)

	bad := t.TempDir()
	full := pdfgen.Article{Title: "Cut short", Pages: [][]string{{"text"}}}.Doc().Bytes()
	files := map[string][]byte{
		"empty.pdf":     {},
		"random.pdf":    []byte("this is not a PDF at all, only words\x00\x01\x02"),
		"truncated.pdf": full[:len(full)/2],
		"notes.xyz":     []byte("unknown kind, named explicitly"),
	}
	var paths []string
	for name, data := range files {
		p := filepath.Join(bad, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths, filepath.Join(bad, "missing.pdf"))
	other := writeTestArticle(t, t.TempDir(), "other.pdf", "Another good article on support", 1, 1)
	paths = append(paths, other.file)

	rep, err := lib.Import(ctx, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Imported) != 1 || rep.Imported[0].Title != other.title {
		t.Errorf("the good file among bad ones: imported %+v", rep.Imported)
	}
	failed := map[string]string{}
	for _, f := range rep.Failed {
		failed[filepath.Base(f.File)] = f.Error
	}
	for _, name := range []string{"empty.pdf", "random.pdf", "truncated.pdf", "notes.xyz", "missing.pdf"} {
		msg, ok := failed[name]
		if !ok {
			t.Errorf("%s: not reported as failed (failed: %v)", name, failed)
			continue
		}
		if !strings.Contains(msg, name) {
			t.Errorf("%s: error does not name the file: %q", name, msg)
		}
	}
	// What was stored before is unchanged (the new good file aside).
	after := snapshotDB(t, lib)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("stored row %s changed: %q → %q", k, v, after[k])
		}
	}
}

// snapshotDB returns every document row and page as text, keyed by id.
func snapshotDB(t *testing.T, lib *Library) map[string]string {
	t.Helper()
	out := map[string]string{}
	ctx := context.Background()
	docs, err := lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		out[fmt.Sprintf("doc %d", d.ID)] = fmt.Sprintf("%+v", d)
		pages, err := lib.Pages(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			out[fmt.Sprintf("doc %d page %d", d.ID, p.Number)] = p.Text
		}
	}
	return out
}

func TestIndexRebuiltFromSQLiteWhenMissingOrDamaged(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	a := writeTestArticle(t, src, "art.pdf", "Collaboration and valued interpersonal processes", 2, 1)
	dir := filepath.Join(t.TempDir(), "lib")
	lib, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Import(ctx, []string{a.file}, nil); err != nil {
		t.Fatal(err)
	}
	lib.Close()

	damage := map[string]func(){
		"deleted": func() { os.RemoveAll(filepath.Join(dir, IndexDir)) },
		"garbage": func() {
			os.RemoveAll(filepath.Join(dir, IndexDir))
			os.MkdirAll(filepath.Join(dir, IndexDir), 0o755)
			os.WriteFile(filepath.Join(dir, IndexDir, "index_meta.json"), []byte("{not json"), 0o644)
		},
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			fn()
			var notices []string
			lib, err := Open(ctx, dir, &Options{Notice: func(m string) { notices = append(notices, m) }})
			if err != nil {
				t.Fatal(err)
			}
			defer lib.Close()
			res, err := lib.Search(ctx, SearchRequest{Query: a.unique[1]})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 1 || res.Hits[0].Page != 2 {
				t.Fatalf("after rebuild: %+v", res)
			}
			if name == "garbage" && len(notices) == 0 {
				t.Error("a damaged index was rebuilt without telling the user")
			}
		})
	}
}

func TestReindexKeepsEveryPage(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	a := writeTestArticle(t, src, "art.pdf", "Access to resources and support", 3, 2)
	lib := newTestLibrary(t)
	if _, err := lib.Import(ctx, []string{src}, nil); err != nil {
		t.Fatal(err)
	}
	if err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for i, w := range a.unique {
		res, err := lib.Search(ctx, SearchRequest{Query: w})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || res.Hits[0].Page != i+1 {
			t.Errorf("after reindex, %q: %+v", w, res.Hits)
		}
	}
}

func TestSearchSyntax(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	writeTestArticle(t, src, "a.pdf", "Knowing each other in mental health services", 2, 1)
	writeTestArticle(t, src, "b.pdf", "Impersonal relationships and negotiation", 1, 1)
	lib := newTestLibrary(t)
	if _, err := lib.Import(ctx, []string{src}, nil); err != nil {
		t.Fatal(err)
	}
	docs, _ := lib.Documents(ctx)
	var aID int64
	for _, d := range docs {
		if strings.HasPrefix(d.Title, "Knowing") {
			aID = d.ID
		}
	}
	if err := lib.SetMetadataField(ctx, aID, "year", "2016"); err != nil {
		t.Fatal(err)
	}
	if err := lib.SetMetadataField(ctx, aID, "doi", "https://doi.org/10.1080/15487768.2016.1255276"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		pages int // hits expected
	}{
		{`"traditional professional role"`, 1}, // phrase: page 1 of a and page 1 of b hold sentence 2? counted below
		{`relationships`, 2},                   // a page 2 (text), b page 1 (title)
		{`relationship`, 2},                    // stemming
		{`+coach -negotiated`, 0},
		{`year:2016`, 2},
		{`+year:>=2010 +trust`, 2},
		{`year:>=2010 trust`, 3}, // should-clauses: either
		{`doi:10.1080/15487768.2016.1255276`, 2},
		{`title:impersonal`, 1},
		{`professionnals~2`, 3}, // fuzzy
		{`trust`, 3},
		{`trusst~1`, 3}, // fuzzy at distance 1 (the automaton is built on first use: third_party/vellum)
		{`nothingmatchesthisword`, 0},
	}
	// Count the phrase's pages from the stored text rather than guessing.
	phrasePages := 0
	for _, d := range docs {
		pages, _ := lib.Pages(ctx, d.ID)
		for _, p := range pages {
			if strings.Contains(strings.Join(strings.Fields(p.Text), " "), "traditional professional role") {
				phrasePages++
			}
		}
	}
	tests[0].pages = phrasePages
	if phrasePages == 0 {
		t.Fatal("test PDFs lost the phrase: extraction broke it")
	}
	for _, tc := range tests {
		res, err := lib.Search(ctx, SearchRequest{Query: tc.query, Limit: 50})
		if err != nil {
			t.Errorf("%s: %v", tc.query, err)
			continue
		}
		if int(res.Total) != tc.pages {
			t.Errorf("%s: %d hits, want %d", tc.query, res.Total, tc.pages)
		}
	}
	if _, err := lib.Search(ctx, SearchRequest{Query: `"unclosed phrase`}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("malformed query: want ErrInvalidInput, got %v", err)
	}
}

func TestSecondProcessGetsLibraryInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	lib, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	// flock locks are per open file description, so a second Open in the
	// same process contends like a second process would.
	_, err = Open(context.Background(), dir, nil)
	if !errors.Is(err, ErrLibraryInUse) {
		t.Fatalf("second open: want ErrLibraryInUse, got %v", err)
	}
}

func TestNotALibraryIsNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, DBFile)
	junk := []byte("this file is precious and not a database")
	os.WriteFile(db, junk, 0o644)
	if _, err := Open(context.Background(), dir, nil); !errors.Is(err, ErrNotALibrary) {
		t.Fatalf("want ErrNotALibrary, got %v", err)
	}
	got, _ := os.ReadFile(db)
	if string(got) != string(junk) {
		t.Fatal("a file that is not a library was changed")
	}
}

// A change committed while the document is being indexed is not lost: the
// document stays marked for indexing and the next search sees the change.
func TestChangeDuringIndexingIsNotLost(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	writeTestArticle(t, src, "art.pdf", "Here and now action in supported employment", 1, 1)
	lib := newTestLibrary(t)
	if _, err := lib.Import(ctx, []string{src}, nil); err != nil {
		t.Fatal(err)
	}
	docs, _ := lib.Documents(ctx)
	id := docs[0].ID
	if err := lib.SetMetadataField(ctx, id, "year", "2015"); err != nil {
		t.Fatal(err)
	}
	testHookBeforeMarkIndexed = func() {
		testHookBeforeMarkIndexed = nil
		if err := lib.SetMetadataField(ctx, id, "year", "2016"); err != nil {
			t.Error(err)
		}
	}
	defer func() { testHookBeforeMarkIndexed = nil }()
	// This search indexes year 2015; meanwhile the year becomes 2016.
	if _, err := lib.Search(ctx, SearchRequest{Query: "employment"}); err != nil {
		t.Fatal(err)
	}
	res, err := lib.Search(ctx, SearchRequest{Query: "year:2016"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Fatalf("the change made during indexing is missing from the index: %d hits for year:2016", res.Total)
	}
}
