package app

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// findObject walks a widget tree (containers and widgets' renderers) for
// the first object match accepts.
func findObject(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil {
		return nil
	}
	if match(o) {
		return o
	}
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		children = x.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(x).Objects()
	}
	for _, c := range children {
		if f := findObject(c, match); f != nil {
			return f
		}
	}
	return nil
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	f := findObject(o, func(c fyne.CanvasObject) bool {
		b, ok := c.(*widget.Button)
		return ok && b.Text == text && b.Visible()
	})
	if f == nil {
		return nil
	}
	return f.(*widget.Button)
}

func findLabel(o fyne.CanvasObject, contains string) *widget.Label {
	f := findObject(o, func(c fyne.CanvasObject) bool {
		l, ok := c.(*widget.Label)
		return ok && strings.Contains(l.Text, contains)
	})
	if f == nil {
		return nil
	}
	return f.(*widget.Label)
}

// rowActions returns the edit and remove buttons of the library list's
// row, as the table draws them.
func rowActions(t *testing.T, u *UI, row int) docActions {
	t.Helper()
	cell := newDocCell()
	col := -1
	for i, c := range docColumns {
		if c.value == nil {
			col = i
		}
	}
	u.docs.table.UpdateCell(widget.TableCellID{Row: row, Col: col}, cell)
	_, act, buttons := cellParts(cell)
	if !buttons.Visible() || act.edit.OnTapped == nil || act.remove.OnTapped == nil {
		t.Fatal("the row has no actions")
	}
	return act
}

func TestMetadataEditorFromTheLibraryList(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	u, w := newTestUI(t, lib)
	row := 0
	doc := u.docs.docs[row]

	test.Tap(rowActions(t, u, row).edit)
	u.Wait()
	top := w.Canvas().Overlays().Top()
	if top == nil || findButton(top, "Save") == nil || findLabel(top, doc.FileName) == nil {
		t.Fatal("the edit button opened no editor of the row's document")
	}
	w.Canvas().Overlays().Remove(top)

	e := u.openMetadataEditor(doc)
	if got := e.entries["title"].Text; got != doc.Title {
		t.Fatalf("the editor shows title %q, want %q", got, doc.Title)
	}
	// A bad value: the entry says so, Save keeps the editor open and
	// stores nothing.
	e.entries["year"].SetText("20x6")
	if err := e.entries["year"].Validate(); err == nil || !strings.Contains(err.Error(), `"20x6" is not a year`) {
		t.Errorf("year entry validation: %v", err)
	}
	test.Tap(e.save)
	u.Wait()
	if !e.problem.Visible() || !strings.Contains(e.problem.Text, `Year: "20x6" is not a year`) {
		t.Errorf("problem shown: %v %q", e.problem.Visible(), e.problem.Text)
	}
	if d, _ := lib.Document(ctx, doc.ID); d.Year != 0 {
		t.Fatalf("a refused save stored year %d", d.Year)
	}

	e.entries["year"].SetText("2015")
	e.entries["authors"].SetText("Ljungberg, Alexandra\nDenhov, Anne\nTopor, Alain")
	e.entries["journal"].SetText("Psychiatric Quarterly")
	e.entries["volume"].SetText("86")
	e.entries["pages"].SetText("471-495")
	e.kind.SetSelected("Journal article")
	w.Canvas().Focus(e.entries["pages"]) // typing there last, as a user would
	test.Tap(e.save)
	u.Wait()
	if f, ok := w.Canvas().Focused().(*widget.Entry); ok && f == e.entries["pages"] {
		t.Error("the closed editor's entry keeps the focus: Ctrl+Z would go to it")
	}
	d, _ := lib.Document(ctx, doc.ID)
	if len(d.Authors) != 3 || d.Authors[2].Family != "Topor" || d.Year != 2015 || d.Journal != "Psychiatric Quarterly" || d.Pages != "471–495" || d.Type != "article-journal" {
		t.Fatalf("after save: %+v", d.Metadata)
	}
	if d.Title != doc.Title || d.Abstract != doc.Abstract {
		t.Errorf("fields not edited changed: %+v", d.Metadata)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the editor stayed open after a successful save")
	}
	if got := u.docs.docs[0]; got.ID == doc.ID && got.Year != 2015 {
		t.Errorf("the library list still shows year %d", got.Year)
	}
	h, _ := lib.History(ctx, 1)
	if len(h) != 1 || !strings.HasPrefix(h[0].Label, "Edit metadata of") {
		t.Errorf("history: %+v", h)
	}

	// Undo (Ctrl+Z) reverts the whole edit.
	u.Undo()
	u.Wait()
	if d, _ := lib.Document(ctx, doc.ID); d.Year != 0 || len(d.Authors) != len(doc.Authors) {
		t.Errorf("after undo: %+v", d.Metadata)
	}
}

func TestMetadataEditorFromTheReader(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, w := newTestUI(t, lib)
	if !u.reader.details.Disabled() {
		t.Error("Details… is enabled with no document open")
	}
	doc := openFirstArticle(t, u, lib)
	if u.reader.details.Disabled() {
		t.Fatal("Details… is disabled with a document open")
	}
	test.Tap(u.reader.details)
	u.Wait()
	top := w.Canvas().Overlays().Top()
	if top == nil || findButton(top, "Save") == nil {
		t.Fatal("Details… opened no editor")
	}
	title := findObject(top, func(o fyne.CanvasObject) bool {
		en, ok := o.(*widget.Entry)
		return ok && en.Text == doc.Title
	})
	if title == nil {
		t.Errorf("the editor does not show the document's title %q", doc.Title)
	}
}

func TestRemoveConfirmationAndUndo(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	u, w := newTestUI(t, lib)
	row := 0
	doc := u.docs.docs[row]
	for _, q := range []string{"Trust grows slowly.", "Persons with severe mental illness value time with professionals."} {
		if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc.ID, Quote: q, Themes: []string{"Trust"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := lib.AddDocNote(ctx, doc.ID, "zeppelin note", "t"); err != nil {
		t.Fatal(err)
	}
	u.afterChange()
	u.OpenDocument(doc.ID, 1, "")
	u.Wait()
	path := lib.FilePath(doc)

	test.Tap(rowActions(t, u, row).remove)
	u.Wait()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirmation")
	}
	msg := findLabel(top, "Remove “")
	if msg == nil || !strings.Contains(msg.Text, "Its 2 annotations and 1 note will be removed with it.") || !strings.Contains(msg.Text, doc.Title) {
		t.Fatalf("confirmation: %v", msg)
	}
	// Cancel removes nothing.
	test.Tap(findButton(top, "Cancel"))
	u.Wait()
	if n, _ := lib.DocumentCount(ctx); n != 2 {
		t.Fatalf("cancel removed something: %d documents", n)
	}

	test.Tap(rowActions(t, u, row).remove)
	u.Wait()
	top = w.Canvas().Overlays().Top()
	test.Tap(findButton(top, "Remove"))
	u.Wait()
	if _, err := lib.Document(ctx, doc.ID); !errors.Is(err, index.ErrNotFound) {
		t.Fatalf("the document is still there: %v", err)
	}
	if u.docs.rowCount() != 1 {
		t.Errorf("the library list shows %d rows", u.docs.rowCount())
	}
	if u.reader.hasDoc {
		t.Error("the reader still shows the removed document")
	}
	if !strings.Contains(u.status.Text, "Removed 1 document with 2 annotations and 1 note") {
		t.Errorf("status %q", u.status.Text)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the original is still in files/: %v", err)
	}

	u.Undo()
	u.Wait()
	if u.docs.rowCount() != 2 {
		t.Errorf("after undo the list shows %d rows", u.docs.rowCount())
	}
	anns, _ := lib.Annotations(ctx, index.AnnotationFilter{DocID: doc.ID})
	if len(anns) != 2 {
		t.Errorf("after undo: %d annotations", len(anns))
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("after undo the original is missing: %v", err)
	}
	res, err := lib.Search(ctx, index.SearchRequest{Query: "zeppelin"})
	if err != nil || res.Total == 0 {
		t.Errorf("after undo the document is not found: %v %+v", err, res)
	}
}

func TestRemovalMessage(t *testing.T) {
	cases := []struct {
		rep  index.RemoveReport
		want string
	}{
		{index.RemoveReport{Removed: []index.RemovalSummary{{Title: "A title"}}},
			"Remove “A title” from the library?\n\nIt has no annotations or notes."},
		{index.RemoveReport{Removed: []index.RemovalSummary{{File: "x.pdf", Annotations: 1}}, Annotations: 1},
			"Remove “x.pdf” from the library?\n\nIts 1 annotation will be removed with it."},
		{index.RemoveReport{Removed: []index.RemovalSummary{{Title: "A"}, {Title: "B"}}, Annotations: 5, Notes: 2},
			"Remove these 2 documents from the library?\n\nTheir 5 annotations and 2 notes will be removed with them."},
	}
	for _, c := range cases {
		got := removalMessage(&c.rep)
		if !strings.HasPrefix(got, c.want+"\n") || !strings.HasSuffix(got, "brings everything back, the stored file included.") {
			t.Errorf("message\n got %q\nwant %q…", got, c.want)
		}
	}
}
