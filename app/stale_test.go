package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// Turning the page clears the selection, and the Selection panel says so
// (it kept showing the old page's quote, while a number key then said
// "Select a passage first").
func TestTurningThePageClearsTheSelectionPanel(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	openFirstArticle(t, u, lib)
	v := u.reader.view
	test.TapAt(v, pieceOf(t, v, "grows"))
	if got := u.reader.tagPanel.selLabel.Text; !strings.Contains(got, "Trust grows slowly.") {
		t.Fatalf("Selection panel after a click: %q", got)
	}
	u.reader.typedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
	u.Wait()
	if u.reader.page != 2 {
		t.Fatalf("page %d after PgDn", u.reader.page)
	}
	if got := u.reader.tagPanel.selLabel.Text; strings.Contains(got, "Trust grows") || got != selectionHint {
		t.Errorf("Selection panel on the new page: %q", got)
	}
}

// selectedRowText is the text of the list row drawn as selected.
func selectedRowText(t *testing.T, l *widget.List) string {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	selected := theme.Color(theme.ColorNameSelection)
	var top, bottom float32
	found := false
	objs := visibleObjects(l)
	for _, o := range objs {
		if rect, ok := o.(*canvas.Rectangle); ok && rect.FillColor == selected && rect.Size().Height > 0 {
			top = d.AbsolutePositionForObject(o).Y
			bottom = top + o.Size().Height
			found = true
		}
	}
	if !found {
		return ""
	}
	for _, tx := range textsOf(l) {
		y := d.AbsolutePositionForObject(tx).Y
		if y >= top && y < bottom && tx.Text != "" && !isNumber(tx.Text) {
			return tx.Text
		}
	}
	return ""
}

func isNumber(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// After Add in the codebook the new theme is the one highlighted in the
// list, and the form shows it.
func TestAddedThemeIsSelectedInTheCodebook(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	u.ShowView(ViewCodebook)
	u.codebook.list.Select(1)
	old := u.codebook.themes[1].Name
	if got := selectedRowText(t, u.codebook.list); !strings.HasPrefix(got, old) {
		t.Fatalf("selected row %q, want %q", got, old)
	}
	u.codebook.add("Zeppelin encounters", "", "A theme added in the test.")
	u.Wait()
	if u.codebook.sel != "Zeppelin encounters" || u.codebook.name.Text != "Zeppelin encounters" {
		t.Errorf("form shows %q (selection %q)", u.codebook.name.Text, u.codebook.sel)
	}
	if got := selectedRowText(t, u.codebook.list); !strings.HasPrefix(got, "Zeppelin encounters") {
		t.Errorf("the list highlights %q, want the new theme", got)
	}
}

// A new, empty library opens on the Library tab with a hint how to start,
// not on the tab (and document) last used in another library.
func TestNewEmptyLibraryOpensOnTheLibraryTab(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	openFirstArticle(t, u, lib)
	if u.currentView() != ViewReader {
		t.Fatalf("view %q", u.currentView())
	}
	empty, err := index.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { empty.Close() })
	w2 := u.app.NewWindow("")
	t.Cleanup(w2.Close)
	w2.Resize(fyne.NewSize(1200, 800))
	u2 := buildHeadless(u.app, w2, empty)
	u2.Wait()
	if v := u2.currentView(); v != ViewLibrary {
		t.Errorf("the empty library opens on %q", v)
	}
	if u2.reader.hasDoc {
		t.Errorf("the reader shows document %d of another library", u2.reader.doc.ID)
	}
	if s := u2.status.Text; strings.Contains(s, "not found") {
		t.Errorf("status %q", s)
	}
	if !u2.docs.hint.Visible() || !strings.Contains(u2.docs.hintText.Text, "empty") {
		t.Fatalf("the Library tab gives no hint (shown %v: %q)", u2.docs.hint.Visible(), u2.docs.hintText.Text)
	}
	var buttons []string
	for _, o := range visibleObjects(u2.docs.hint) {
		if b, ok := o.(*widget.Button); ok {
			buttons = append(buttons, b.Text)
		}
	}
	if strings.Join(buttons, "|") != "Import files…|Open the demo library" {
		t.Errorf("hint buttons %q", buttons)
	}

	// once something is imported, the list replaces the hint
	src := filepath.Join(t.TempDir(), "a.pdf")
	os.WriteFile(src, testArticles[1].Doc().Bytes(), 0o644)
	u2.StartImport([]string{src})
	u2.Wait()
	if u2.docs.hint.Visible() || u2.docs.rowCount() != 1 {
		t.Errorf("after an import: hint shown %v, %d rows", u2.docs.hint.Visible(), u2.docs.rowCount())
	}
	// the last-read document is remembered per library: the first window's
	// library reopens on its document
	w3 := u.app.NewWindow("")
	t.Cleanup(w3.Close)
	u3 := buildHeadless(u.app, w3, lib)
	u3.Wait()
	if !u3.reader.hasDoc || u3.currentView() != ViewReader {
		t.Errorf("reopening the first library: view %q, document shown %v", u3.currentView(), u3.reader.hasDoc)
	}
}

// An import leaves the window on the tab the user is on (it jumped to the
// search results when a query was in the search bar).
func TestImportStaysOnTheCurrentTab(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	test.Type(u.searchEntry, "zeppelin")
	u.Wait()
	u.ShowView(ViewLibrary)
	dir := t.TempDir()
	a := pdfgen.Article{Title: "A zeppelin over the clinic", Pages: [][]string{{"The zeppelin came back."}}}
	os.WriteFile(filepath.Join(dir, "z.pdf"), a.Doc().Bytes(), 0o644)
	u.StartImport([]string{dir})
	u.Wait()
	if v := u.currentView(); v != ViewLibrary {
		t.Errorf("after the import the window shows %q", v)
	}
	if len(u.search.hits) != 2 {
		t.Errorf("the search results were not updated: %d hits", len(u.search.hits))
	}
}

// "Back to my library" leaves the demo's query, results and theme filter
// behind.
func TestBackToMyLibraryClearsTheDemoSearch(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	u.OpenDemo()
	u.Wait()
	if u.lib == lib {
		t.Fatal("the demo did not open")
	}
	demo := u.lib
	test.Type(u.searchEntry, "relationships")
	u.Wait()
	u.sidebar.choose(u.sidebar.themes[1].Name)
	u.Wait()
	if len(u.search.hits) == 0 {
		t.Fatal("no hits in the demo")
	}
	var back *widget.Button
	for _, o := range visibleObjects(u.banner) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Back to my library" {
			back = b
		}
	}
	if back == nil {
		t.Fatal("no Back to my library button")
	}
	test.Tap(back)
	u.Wait()
	t.Cleanup(func() { demo.Close() })
	if u.lib.Dir() != lib.Dir() {
		t.Fatalf("back in %s, want %s", u.lib.Dir(), lib.Dir())
	}
	t.Cleanup(func() { u.lib.Close() })
	if u.searchEntry.Text != "" || len(u.search.hits) != 0 || u.search.theme != "" || u.sidebar.current != "" || u.annotations.theme != "" {
		t.Errorf("after going back: query %q, %d hits, theme filter %q/%q/%q", u.searchEntry.Text, len(u.search.hits), u.search.theme, u.sidebar.current, u.annotations.theme)
	}
}

// A metadata-only entry (a record with no PDF and no text) says in the
// reader why there is nothing to read and what to do.
func TestMetadataOnlyEntrySaysWhy(t *testing.T) {
	lib, _ := newTestLibrary(t)
	bib := filepath.Join(t.TempDir(), "refs.bib")
	os.WriteFile(bib, []byte(`@article{topor2016,
  title = {Psychiatric rehabilitation and recovery},
  author = {Topor, Alain},
  year = {2016},
  doi = {10.1234/zeppelin.2016}
}
`), 0o644)
	rep, err := lib.Import(context.Background(), []string{bib}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import %v %+v", err, rep)
	}
	u, _ := newTestUI(t, lib)
	u.OpenDocument(rep.Imported[0].ID, 1, "")
	u.Wait()
	box, n := u.reader.noticeBox, u.reader.notice
	if !box.Visible() || !strings.Contains(n.Text, "no PDF") || !strings.Contains(n.Text, "Import") {
		t.Errorf("notice shown %v: %q", box.Visible(), n.Text)
	}
	// a document with text shows none
	openFirstArticle(t, u, lib)
	if box.Visible() {
		t.Errorf("notice %q on a page with text", n.Text)
	}
}
