package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// removalFixture is a library with two generated articles, the first coded
// with two annotations and a note: what a removal must take and undo must
// bring back.
type removalFixture struct {
	lib          *Library
	dir          string
	doomed, kept int64
	pdf          string // the doomed article's source file
}

func newRemovalFixture(t *testing.T) *removalFixture {
	t.Helper()
	ctx := context.Background()
	lib, dir := openCodingLibrary(t)
	f := &removalFixture{lib: lib, dir: filepath.Join(dir, "lib")}
	f.pdf = filepath.Join(t.TempDir(), "doomed.pdf")
	if err := os.WriteFile(f.pdf, twoPageArticle().Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(ctx, []string{f.pdf}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	f.doomed = rep.Imported[0].ID
	f.kept = importArticle(t, lib, "kept", pdfgen.Article{Title: "Another article on support", Pages: [][]string{{"Support came from peers and from the zebrafinch workers."}}})
	for _, q := range []string{"Trust grew over many years of working together.", "spending time together is mentioned again"} {
		if _, err := lib.Tag(ctx, TagRequest{DocID: f.doomed, Quote: q, Themes: []string{"Trust"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := lib.Tag(ctx, TagRequest{DocID: f.kept, Quote: "Support came from peers", Themes: []string{"Support"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddDocNote(ctx, f.doomed, "Read again for the chapter on flourish.", "tester"); err != nil {
		t.Fatal(err)
	}
	return f
}

// state is what a removal takes away and an undo must give back, as the
// API and the folder show it.
func (f *removalFixture) state(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	b.WriteString(codingState(t, f.lib))
	docs, err := f.lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		b.WriteString(strings.Join([]string{d.Title, d.SHA256, d.FileName, d.Kind}, "|"))
		pages, err := f.lib.Pages(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			b.WriteString(p.Label + "|" + p.Text + "|" + p.Header)
		}
		if data, err := os.ReadFile(f.lib.FilePath(d)); err != nil {
			t.Fatalf("original of document %d: %v", d.ID, err)
		} else {
			b.Write(data)
		}
	}
	return b.String()
}

func TestRemoveDocumentUndoRedo(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	lib := f.lib
	before := f.state(t)
	doc, err := lib.Document(ctx, f.doomed)
	if err != nil {
		t.Fatal(err)
	}
	original := lib.FilePath(doc)
	aside := lib.removedPath(doc.SHA256, doc.FileName)
	if n := searchTotal(t, lib, SearchRequest{Query: "flourish"}); n != 2 {
		t.Fatalf("before removal: %d pages match flourish (the page and the note), want 2", n)
	}

	preview, err := lib.PreviewRemoval(ctx, []int64{f.doomed})
	if err != nil {
		t.Fatal(err)
	}
	if len(preview.Removed) != 1 || preview.Annotations != 2 || preview.Notes != 1 || preview.Removed[0].Pages != 2 {
		t.Fatalf("preview: %+v", preview)
	}
	rep, err := lib.RemoveDocuments(ctx, []int64{f.doomed})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Annotations != 2 || rep.Notes != 1 || len(rep.Removed) != 1 || rep.Removed[0].Title != doc.Title {
		t.Fatalf("report: %+v", rep)
	}
	if _, err := lib.Document(ctx, f.doomed); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removed document still there: %v", err)
	}
	for table, want := range map[string]int{"pages": 1, "annotations": 1, "annotation_themes": 1, "doc_notes": 0} {
		if n := countRows(t, lib, table); n != want {
			t.Errorf("after removal: %d rows in %s, want %d", n, table, want)
		}
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "flourish"}); n != 0 {
		t.Errorf("after removal: %d pages still match flourish", n)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "zebrafinch"}); n != 1 {
		t.Errorf("the other document: %d pages match, want 1", n)
	}
	if _, err := os.Stat(original); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the original is still in files/: %v", err)
	}
	if _, err := os.Stat(aside); err != nil {
		t.Errorf("the original was not kept for undo in %s: %v", RemovedDir, err)
	}
	h, err := lib.History(ctx, 1)
	if err != nil || len(h) != 1 || !strings.HasPrefix(h[0].Label, "Remove “Helpful relationships") {
		t.Errorf("history: %v %+v", err, h)
	}
	if rep, err := lib.Check(ctx, CheckOptions{}); err != nil || !rep.OK {
		t.Errorf("check after removal: %v %+v", err, rep)
	}

	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t); got != before {
		t.Errorf("undo did not bring everything back:\n got %.400s\nwant %.400s", got, before)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "flourish"}); n != 2 {
		t.Errorf("after undo: %d pages match flourish, want 2", n)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "trust", Themes: []string{"Trust"}}); n == 0 {
		t.Error("after undo: the restored annotations are not in the index")
	}
	if _, err := os.Stat(aside); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after undo the original is still in %s: %v", RemovedDir, err)
	}
	if rep, err := lib.Check(ctx, CheckOptions{VerifyFiles: true}); err != nil || !rep.OK {
		t.Errorf("check after undo: %v %+v", err, rep)
	}

	if _, err := lib.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Document(ctx, f.doomed); !errors.Is(err, ErrNotFound) {
		t.Fatalf("redo did not remove the document again: %v", err)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "flourish"}); n != 0 {
		t.Errorf("after redo: %d pages match flourish", n)
	}
	if _, err := os.Stat(aside); err != nil {
		t.Errorf("after redo the original is not in %s: %v", RemovedDir, err)
	}
	// A new document does not take the removed one's id, which undo needs.
	newID := importArticle(t, lib, "later", pdfgen.Article{Title: "A later article", Pages: [][]string{{"Later text."}}})
	if newID == f.doomed {
		t.Fatalf("a new document took the removed document's id %d", newID)
	}
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := lib.Document(ctx, f.doomed); err != nil || d.Title != doc.Title {
		t.Fatalf("undo after a later import: %v %+v", err, d)
	}
}

func TestRemoveUnknownIDChangesNothing(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	before := f.state(t)
	_, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed, 999})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "999") {
		t.Fatalf("remove with an unknown id: %v", err)
	}
	if got := f.state(t); got != before {
		t.Error("a removal that failed changed the library")
	}
	if h, _ := f.lib.History(ctx, 1); len(h) > 0 && strings.HasPrefix(h[0].Label, "Remove") {
		t.Errorf("a failed removal left a history step: %+v", h[0])
	}
}

func TestRemoveSeveralDocumentsIsOneStep(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	before := f.state(t)
	rep, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed, f.kept, f.doomed})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 2 || rep.Annotations != 3 || rep.Notes != 1 {
		t.Fatalf("report: %+v", rep)
	}
	if n, _ := f.lib.DocumentCount(ctx); n != 0 {
		t.Fatalf("%d documents left", n)
	}
	if _, err := f.lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t); got != before {
		t.Error("one undo did not bring both documents back")
	}
}

func TestRemovedOriginalIsDeletedWhenTheHistoryForgetsIt(t *testing.T) {
	ctx := context.Background()
	keep := historyKeep
	historyKeep = 3
	t.Cleanup(func() { historyKeep = keep })
	f := newRemovalFixture(t)
	doc, _ := f.lib.Document(ctx, f.doomed)
	aside := f.lib.removedPath(doc.SHA256, doc.FileName)
	if _, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(aside); err != nil {
		t.Fatalf("the original is not kept for undo: %v", err)
	}
	// Three more steps push the removal out of a three-step history.
	for i, q := range []string{"Support came from peers", "zebrafinch workers", "Support came"} {
		if _, err := f.lib.Tag(ctx, TagRequest{DocID: f.kept, Quote: q, Themes: []string{"Trust"}, Page: 1}); err != nil && i < 2 {
			t.Fatal(err)
		}
		if _, err := f.lib.AddDocNote(ctx, f.kept, "note", "t"); err != nil {
			t.Fatal(err)
		}
	}
	h, _ := f.lib.History(ctx, 10)
	for _, e := range h {
		if strings.HasPrefix(e.Label, "Remove") {
			t.Fatalf("the removal is still in the history: %+v", h)
		}
	}
	if _, err := os.Stat(aside); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the original of a removal no step can undo is still kept: %v", err)
	}
}

func TestRemovedOriginalGoesWithTheRedoSteps(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	doc, _ := f.lib.Document(ctx, f.doomed)
	if _, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	// A new change drops the undone removal; the document stays, so does
	// its original.
	if _, err := f.lib.AddDocNote(ctx, f.kept, "a new change", "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.lib.FilePath(doc)); err != nil {
		t.Errorf("the original of the restored document is gone: %v", err)
	}
	if _, err := f.lib.Redo(ctx); !errors.Is(err, ErrNothingToRedo) {
		t.Errorf("redo after a new change: %v", err)
	}
}

func TestUndoRemovalAfterTheFileWasImportedAgain(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	if _, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed}); err != nil {
		t.Fatal(err)
	}
	rep, err := f.lib.Import(ctx, []string{f.pdf}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import again: %v %+v", err, rep)
	}
	again := rep.Imported[0].ID
	if again == f.doomed {
		t.Fatalf("the file imported again took the removed id %d", again)
	}
	d, _ := f.lib.Document(ctx, again)
	if _, err := os.Stat(f.lib.FilePath(d)); err != nil {
		t.Fatalf("the original imported again is missing: %v", err)
	}
	_, err = f.lib.Undo(ctx)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "imported again as document") {
		t.Fatalf("undo of a removal whose file is back: %v", err)
	}
	if _, err := os.Stat(f.lib.FilePath(d)); err != nil {
		t.Errorf("a refused undo lost the original: %v", err)
	}
	if _, err := f.lib.RemoveDocuments(ctx, []int64{again}); err != nil {
		t.Fatal(err)
	}
	// Undo the second removal, remove it again by hand … the first removal
	// comes back once the file is free.
	if _, err := f.lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lib.RemoveDocuments(ctx, []int64{again}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lib.Undo(ctx); err != nil { // the removal of `again`
		t.Fatal(err)
	}
	if _, err := f.lib.Undo(ctx); err == nil {
		t.Fatal("the first removal came back while its file belongs to another document")
	}
}

func TestRemovalFinishedAfterACrash(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	doc, _ := f.lib.Document(ctx, f.doomed)
	if n := searchTotal(t, f.lib, SearchRequest{Query: "flourish"}); n != 2 {
		t.Fatalf("before: %d pages match", n)
	}
	// Rapport stops right after the removal's commit: the index not yet
	// updated, the original not yet moved aside.
	testHookSkipReindex = func() bool { return true }
	_, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed})
	testHookSkipReindex = nil
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(f.lib.removedPath(doc.SHA256, doc.FileName), f.lib.FilePath(doc)); err != nil {
		t.Fatal(err)
	}
	f.lib.Close()
	lib, err := Open(ctx, f.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if _, err := os.Stat(lib.removedPath(doc.SHA256, doc.FileName)); err != nil {
		t.Errorf("reopening did not move the original aside: %v", err)
	}
	if _, err := os.Stat(lib.FilePath(doc)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the original is still in files/: %v", err)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "flourish"}); n != 0 {
		t.Errorf("the removed document's pages are still found: %d", n)
	}
	if ids, err := readIndexRemovals(ctx, lib.db); err != nil || len(ids) != 0 {
		t.Errorf("pending index removals left: %v %v", ids, err)
	}
	if rep, err := lib.Check(ctx, CheckOptions{}); err != nil || !rep.OK {
		t.Errorf("check: %v %+v", err, rep)
	}
}

func TestBackupKeepsTheOriginalsUndoNeeds(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	before := f.state(t)
	if _, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed}); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.zip")
	rep, err := f.lib.Backup(ctx, archive, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 2 {
		t.Errorf("the backup holds %d originals, want the kept one and the removed one", rep.Files)
	}
	dest := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(ctx, archive, dest, nil); err != nil {
		t.Fatal(err)
	}
	lib, err := Open(ctx, dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if entries, _ := os.ReadDir(filepath.Join(dest, RemovedDir)); len(entries) != 1 {
		t.Errorf("the restored library keeps %d originals aside, want 1", len(entries))
	}
	if rep, err := lib.Check(ctx, CheckOptions{}); err != nil || !rep.OK {
		t.Errorf("check of the restored library: %v %+v", err, rep)
	}
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	g := &removalFixture{lib: lib}
	if got := g.state(t); got != before {
		t.Error("undo in the restored library did not bring everything back")
	}
}

func TestUndoRemovalBringsBackStoredPageBoxes(t *testing.T) {
	ctx := context.Background()
	f := newRemovalFixture(t)
	p, _ := f.lib.PageText(ctx, f.doomed, 2)
	boxes := make([]importer.Box, utf8.RuneCountInString(p.Text))
	for i := range boxes {
		boxes[i] = importer.Box{X0: float32(10 + i), Y0: 100, X1: float32(11 + i), Y1: 110}
	}
	if err := f.lib.SetPageBoxes(ctx, f.doomed, 2, boxes); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lib.RemoveDocuments(ctx, []int64{f.doomed}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, f.lib, "page_boxes"); n != 0 {
		t.Fatalf("%d stored boxes left after removal", n)
	}
	if _, err := f.lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	got, stored, err := f.lib.storedBoxes(ctx, f.doomed, 2)
	if err != nil || !stored || len(got) != len(boxes) || got[5].X0 != boxes[5].X0 {
		t.Fatalf("after undo: stored %v, %d boxes, %v", stored, len(got), err)
	}
}
