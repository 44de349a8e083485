package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

func init() { searchDelay = 20 * time.Millisecond }

// testArticles are the generated PDFs of the test library: distinctive
// words on known pages.
var testArticles = []pdfgen.Article{
	{Title: "Helpful relationships with professionals", Author: "A. Ljungberg", Pages: [][]string{
		{"Persons with severe mental illness value time with professionals. Trust grows slowly."},
		{"The second page talks about collaboration and access to resources. Professionals transgress boundaries sometimes."},
		{"A third page mentions the zeppelin only here."},
	}},
	{Title: "Individual placement and support", Author: "A. Topor", Pages: [][]string{
		{"Something different as a human being. The coach is central for the participants."},
		{"Here and now action matters to the participants of the study."},
	}},
}

// newTestLibrary makes a real library in a temporary folder with the test
// articles imported, and returns it with the folder of their sources.
func newTestLibrary(t testing.TB) (*index.Library, string) {
	t.Helper()
	ctx := context.Background()
	lib, err := index.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	src := t.TempDir()
	for i, a := range testArticles {
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("article%d.pdf", i+1)), a.Doc().Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := lib.Import(ctx, []string{src}, nil)
	if err != nil || len(rep.Failed) > 0 || len(rep.Imported) != len(testArticles) {
		t.Fatalf("import test library: %v %+v", err, rep)
	}
	return lib, src
}

// newTestUI opens a window on lib with the headless test driver.
func newTestUI(t testing.TB, lib *index.Library) (*UI, fyne.Window) {
	t.Helper()
	t.Setenv("RAPPORT_DEMO_DIR", filepath.Join(t.TempDir(), "demo-library"))
	t.Setenv("RAPPORT_CONFIG_DIR", t.TempDir()) // a coder preference of its own
	a := test.NewTempApp(t)
	a.Preferences().SetBool(prefWelcomed, true) // not the first run
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1200, 800))
	u := buildHeadless(a, w, lib)
	t.Cleanup(u.Close)
	u.Wait()
	return u, w
}

// buildHeadless is Build for the headless test driver: the UI updates of
// background work wait until the test calls Wait, which runs them on the
// test's goroutine (see UI.do), so that they never touch widgets while the
// test's own taps and typing do.
func buildHeadless(a fyne.App, w fyne.Window, lib *index.Library) *UI {
	u := New(a, w, lib)
	u.deferUpdates = true
	u.Start()
	return u
}

func TestWindowTitleAndLibraryList(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, w := newTestUI(t, lib)
	if got, want := w.Title(), "Rapport — "+lib.Name()+" — coding as "+u.coderName(); got != want || u.coderName() == "" {
		t.Errorf("title %q, want %q", got, want)
	}
	if n := u.docs.rowCount(); n != len(testArticles) {
		t.Fatalf("library list shows %d rows, want %d", n, len(testArticles))
	}
	// sorted by title: "Helpful…" before "Individual…"; a click on the
	// header reverses it
	if !strings.HasPrefix(u.docs.docs[0].Title, "Helpful") {
		t.Errorf("first row %q", u.docs.docs[0].Title)
	}
	u.docs.sortBy("title")
	u.Wait()
	if !strings.HasPrefix(u.docs.docs[0].Title, "Individual") {
		t.Errorf("after reversing, first row %q", u.docs.docs[0].Title)
	}
	test.Type(u.docs.filter, "placement")
	u.Wait()
	if n := u.docs.rowCount(); n != 1 || !strings.HasPrefix(u.docs.docs[0].Title, "Individual") {
		t.Errorf("filter 'placement': %d rows", n)
	}
	// a filter matching nothing says so in place of the list
	test.Type(u.docs.filter, "zzz")
	u.Wait()
	if !u.docs.hint.Visible() || u.docs.hintText.Text != `No document matches "placementzzz".` || u.docs.hintButtons.Visible() {
		t.Errorf("filter matching nothing: hint shown %v %q", u.docs.hint.Visible(), u.docs.hintText.Text)
	}
}

func TestTypingAQueryShowsResults(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	test.Type(u.searchEntry, "zeppelin")
	u.Wait()
	if u.currentView() != ViewSearch {
		t.Errorf("view %q after typing, want the search results", u.currentView())
	}
	if len(u.search.hits) != 1 {
		t.Fatalf("%d hits for zeppelin, want 1", len(u.search.hits))
	}
	h := u.search.hits[0]
	if h.Page != 3 || !strings.Contains(h.Title, "Helpful") {
		t.Errorf("hit %+v, want page 3 of the first article", h)
	}
	// the row shows the title, the page and the snippet with the word bold
	row := newHitRow()
	row.set(&h)
	if row.page.Text != "p. 3" {
		t.Errorf("page label %q", row.page.Text)
	}
	var bold []string
	for _, s := range row.snippet.Segments {
		if ts, ok := s.(interface{ Textual() string }); ok && s.(*widget.TextSegment).Style.TextStyle.Bold {
			bold = append(bold, strings.TrimPrefix(ts.Textual(), zeroWidthSpace))
		}
	}
	if len(bold) != 1 || bold[0] != "zeppelin" {
		t.Errorf("emphasised words %q, want [zeppelin]", bold)
	}

	// more typing narrows: the results follow the query
	test.Type(u.searchEntry, " OR participants")
	u.Wait()
	if len(u.search.hits) != 3 {
		t.Errorf("%d hits for %q, want 3", len(u.search.hits), u.searchEntry.Text)
	}

	// opening a result shows its page in the reader with the term marked
	u.search.list.Select(0)
	u.Wait()
	if u.currentView() != ViewReader {
		t.Fatalf("view %q after opening a result", u.currentView())
	}
	if u.reader.page != u.search.hits[0].Page || len(u.reader.terms) == 0 {
		t.Errorf("reader on page %d with %d marked terms", u.reader.page, len(u.reader.terms))
	}
}

func TestReaderNavigationAndFind(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	docs, _ := lib.BrowseDocuments(context.Background(), index.BrowseRequest{Sort: "title"})
	u.OpenDocument(docs[0].ID, 1, "")
	u.Wait()
	if u.reader.page != 1 || !strings.Contains(u.reader.view.Text(), "severe mental illness") {
		t.Fatalf("reader page %d: %q", u.reader.page, u.reader.view.Text())
	}
	u.reader.typedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
	u.Wait()
	if u.reader.page != 2 {
		t.Errorf("PgDn: page %d, want 2", u.reader.page)
	}
	test.Type(u.reader.pageJump, "3")
	u.reader.pageJump.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.Wait()
	if u.reader.page != 3 {
		t.Errorf("jump to 3: page %d", u.reader.page)
	}
	u.reader.typedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	u.Wait()
	if u.reader.page != 3 {
		t.Errorf("past the last page: page %d", u.reader.page)
	}
	// find goes on to the page that has the word
	test.Type(u.reader.find, "collaboration")
	u.reader.findNext(1)
	u.Wait()
	if u.reader.page != 2 || len(u.reader.findSpans) != 1 {
		t.Errorf("find: page %d, %d matches", u.reader.page, len(u.reader.findSpans))
	}
}

func TestLastViewAndDocumentRemembered(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	doc := openFirstArticle(t, u, lib)
	u.reader.showPage(2)
	u.Wait()
	// a new window with the same preferences opens where the user left
	w2 := u.app.NewWindow("")
	defer w2.Close()
	u2 := buildHeadless(u.app, w2, lib)
	u2.Wait()
	if u2.currentView() != ViewReader || !u2.reader.hasDoc || u2.reader.doc.ID != doc.ID || u2.reader.page != 2 {
		t.Errorf("reopened on view %q, doc %d page %d", u2.currentView(), u2.reader.doc.ID, u2.reader.page)
	}
}
