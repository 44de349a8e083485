package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Opening with MustExist never creates a library: a missing folder, an
// empty one and one with other files are refused with ErrNoLibrary naming
// the path, and left as they were.
func TestOpenMustExistRefusesWhereNoLibraryIs(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	missing := filepath.Join(root, "typo")
	empty := filepath.Join(root, "empty")
	other := filepath.Join(root, "other")
	os.Mkdir(empty, 0o755)
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644)
	for _, dir := range []string{missing, empty, other} {
		for _, opts := range []*Options{{MustExist: true}, {ReadOnly: true}} {
			before, _ := os.ReadDir(dir)
			l, err := Open(ctx, dir, opts)
			if err == nil {
				l.Close()
				t.Fatalf("Open(%s, %+v) opened a library", dir, *opts)
			}
			if !errors.Is(err, ErrNoLibrary) || !strings.Contains(err.Error(), "no library at "+dir) {
				t.Errorf("Open(%s, %+v): %v; want ErrNoLibrary naming the path", dir, *opts, err)
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Errorf("Open(%s, %+v) changed the folder: %d entries, was %d", dir, *opts, len(after), len(before))
			}
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing folder was created")
	}
	// Without MustExist, Open creates; afterwards MustExist opens it.
	l, err := Open(ctx, missing, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	l, err = Open(ctx, missing, &Options{MustExist: true})
	if err != nil {
		t.Fatalf("MustExist on a library: %v", err)
	}
	l.Close()
}

// While one Library holds a library, another opened ReadOnly reads it:
// documents, pages, annotations and reports from SQLite, searches from the
// holder (over its socket); changes are refused with ErrReadOnly and
// change nothing. Once the holder has closed, searches read the index
// directly.
func TestReadOnlyLibraryReadsWhileHeld(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lib")
	held, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	paths := writeFiles(t, [2]string{"a.txt", "Trust grew over many years of working together with the quokka team."},
		[2]string{"b.txt", "Nothing about that here, only heparin."})
	if _, err := held.Import(ctx, paths, nil); err != nil {
		t.Fatal(err)
	}
	docs, _ := held.Documents(ctx)
	if strings.Contains(docs[0].FileName, "b.txt") {
		docs[0], docs[1] = docs[1], docs[0]
	}
	if _, err := held.Tag(ctx, TagRequest{DocID: docs[0].ID, Quote: "Trust grew over", Themes: []string{"Trust"}}); err != nil {
		t.Fatal(err)
	}

	if _, err := Open(ctx, dir, &Options{MustExist: true}); !errors.Is(err, ErrLibraryInUse) {
		t.Fatalf("second writable open: %v; want ErrLibraryInUse", err)
	}
	ro, err := Open(ctx, dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open while held: %v", err)
	}
	defer ro.Close()
	if got, _ := ro.Documents(ctx); len(got) != 2 {
		t.Errorf("read-only Documents: %d, want 2", len(got))
	}
	if p, err := ro.PageText(ctx, docs[0].ID, 1); err != nil || !strings.Contains(p.Text, "quokka") {
		t.Errorf("read-only PageText: %q, %v", p.Text, err)
	}
	if anns, err := ro.Annotations(ctx, AnnotationFilter{}); err != nil || len(anns) != 1 {
		t.Errorf("read-only Annotations: %d, %v", len(anns), err)
	}
	if _, err := ro.Report(ctx); err != nil {
		t.Errorf("read-only Report: %v", err)
	}
	res, err := ro.Search(ctx, SearchRequest{Query: "quokka", Facets: true})
	if err != nil || res.Total != 1 || len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Snippet, MarkStart+"quokka"+MarkEnd) {
		t.Fatalf("read-only search while held: %+v, %v", res, err)
	}
	if res.Facets == nil {
		t.Errorf("read-only search lost its facets")
	}
	if _, err := ro.Search(ctx, SearchRequest{Query: "year:>>"}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("bad query through the holder: %v; want ErrInvalidInput", err)
	}
	// Changes are refused.
	before := codingState(t, held)
	if _, err := ro.Tag(ctx, TagRequest{DocID: docs[0].ID, Quote: "working together", Themes: []string{"Trust"}}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Tag on a read-only library: %v; want ErrReadOnly", err)
	}
	if _, err := ro.Import(ctx, paths, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Import on a read-only library: %v; want ErrReadOnly", err)
	}
	if err := ro.Reindex(ctx, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Reindex on a read-only library: %v; want ErrReadOnly", err)
	}
	if _, err := ro.OCR(ctx, nil, OCROptions{}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("OCR on a read-only library: %v; want ErrReadOnly", err)
	}
	if err := ro.SetOCRLanguage(ctx, "swe"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("SetOCRLanguage on a read-only library: %v; want ErrReadOnly", err)
	}
	if err := ro.SetDocumentOCRLanguage(ctx, docs[0].ID, "swe"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("SetDocumentOCRLanguage on a read-only library: %v; want ErrReadOnly", err)
	}
	if after := codingState(t, held); after != before {
		t.Errorf("refused changes changed the library")
	}

	// The holder goes: the read-only library searches the index itself.
	if err := held.Close(); err != nil {
		t.Fatal(err)
	}
	res, err = ro.Search(ctx, SearchRequest{Query: "heparin"})
	if err != nil || res.Total != 1 {
		t.Fatalf("read-only search after the holder closed: %+v, %v", res, err)
	}
}

// A library whose folder path is too long for a unix socket answers
// searches on a socket in the temporary folder instead.
func TestReadOnlySearchWithLongLibraryPath(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), strings.Repeat("a-rather-long-folder-name-", 5), "lib")
	if len(filepath.Join(dir, searchSocketName)) <= maxSocketPath {
		t.Fatalf("test path %s is not long enough", dir)
	}
	held, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.Import(ctx, writeFiles(t, [2]string{"a.txt", "The quokka smiled."}), nil); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if res, err := ro.Search(ctx, SearchRequest{Query: "quokka"}); err != nil || res.Total != 1 {
		t.Fatalf("search: %+v, %v", res, err)
	}
	sock := searchSocketPath(dir)
	held.Close()
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket %s left behind after Close", sock)
	}
}

// A holder opened with NoSearchServer answers no searches: a read-only
// library's search says the library is in use, naming the holder, rather
// than waiting.
func TestReadOnlySearchWithoutServer(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lib")
	l, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Import(ctx, writeFiles(t, [2]string{"a.txt", "The quokka smiled."}), nil); err != nil {
		t.Fatal(err)
	}
	l.Close()
	held, err := Open(ctx, dir, &Options{NoSearchServer: true})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.Search(ctx, SearchRequest{Query: "quokka"}); err != nil { // the index is open here
		t.Fatal(err)
	}
	ro, err := Open(ctx, dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, err = ro.Search(ctx, SearchRequest{Query: "quokka"})
	if !errors.Is(err, ErrLibraryInUse) || !strings.Contains(err.Error(), "does not answer searches") || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("search with no server: %v", err)
	}
}
