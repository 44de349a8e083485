package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/rapport-qda/rapport/index"
)

// pieceOf finds where a word is drawn in the reader's text view.
func pieceOf(t *testing.T, v *textView, word string) fyne.Position {
	t.Helper()
	for _, p := range v.pieces {
		if p.text == word {
			return fyne.NewPos(p.x+p.w/2, p.y+v.lineHeight()/2)
		}
	}
	t.Fatalf("word %q not on the page (%d pieces)", word, len(v.pieces))
	return fyne.Position{}
}

func openFirstArticle(t *testing.T, u *UI, lib *index.Library) index.Document {
	t.Helper()
	docs, err := lib.BrowseDocuments(context.Background(), index.BrowseRequest{Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	u.OpenDocument(docs[0].ID, 1, "")
	u.Wait()
	return docs[0]
}

func TestTaggingASelectionCreatesAnAnnotation(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	doc := openFirstArticle(t, u, lib)
	v := u.reader.view

	// a click on a word selects its sentence
	test.TapAt(v, pieceOf(t, v, "grows"))
	if got := v.SelectedText(); got != "Trust grows slowly." {
		t.Fatalf("selection after a click: %q", got)
	}
	// Shift+click extends it to the sentence clicked
	v.MouseDown(&desktop.MouseEvent{Modifier: fyne.KeyModifierShift})
	test.TapAt(v, pieceOf(t, v, "value"))
	if got := v.SelectedText(); !strings.HasPrefix(got, "Persons with") || !strings.HasSuffix(got, "slowly.") {
		t.Fatalf("selection after Shift+click: %q", got)
	}
	// a click on one sentence again, and key 1 tags it with the first theme
	first := u.reader.tagPanel.themes[0].Name
	test.Type(u.reader.tagPanel.note, "slow trust")
	test.TapAt(v, pieceOf(t, v, "grows")) // takes the focus from the note
	if u.win.Canvas().Focused() != nil {
		t.Fatal("the note keeps the focus after a click in the text")
	}
	test.TypeOnCanvas(u.win.Canvas(), "1")
	u.Wait()

	annots, err := lib.Annotations(context.Background(), index.AnnotationFilter{DocID: doc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(annots) != 1 {
		t.Fatalf("%d annotations in the library, want 1", len(annots))
	}
	a := annots[0]
	if a.Quote != "Trust grows slowly." || a.Page != 1 || len(a.Themes) != 1 || a.Themes[0] != first || a.Note != "slow trust" {
		t.Errorf("annotation %+v", a)
	}
	// the reader shows it: in the page's list and in the theme's colour
	if len(u.reader.tagPanel.annots) != 1 {
		t.Errorf("reader lists %d annotations", len(u.reader.tagPanel.annots))
	}
	spans := u.reader.tagPanel.colourSpans()
	if len(spans) != 1 || spans[0].Start != a.Start || spans[0].End != a.End {
		t.Errorf("coloured spans %+v for annotation %d–%d", spans, a.Start, a.End)
	}
	if u.sidebar.themes[0].Count != 1 {
		t.Errorf("sidebar count of %s: %d", first, u.sidebar.themes[0].Count)
	}

	// undo removes it, redo brings it back
	u.Undo()
	u.Wait()
	if n := len(u.reader.tagPanel.annots); n != 0 {
		t.Errorf("after undo the reader shows %d annotations", n)
	}
	if got, _ := lib.Annotations(context.Background(), index.AnnotationFilter{}); len(got) != 0 {
		t.Errorf("after undo the library has %d annotations", len(got))
	}
	u.Redo()
	u.Wait()
	if got, _ := lib.Annotations(context.Background(), index.AnnotationFilter{}); len(got) != 1 {
		t.Errorf("after redo the library has %d annotations", len(got))
	}

	// removing it is one click on the card's delete button
	u.reader.tagPanel.remove(u.reader.tagPanel.annots[0])
	u.Wait()
	if got, _ := lib.Annotations(context.Background(), index.AnnotationFilter{}); len(got) != 0 {
		t.Errorf("after remove the library has %d annotations", len(got))
	}
}

func TestDragSelectsWords(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	openFirstArticle(t, u, lib)
	v := u.reader.view
	from := pieceOf(t, v, "severe")
	to := pieceOf(t, v, "illness")
	// as the desktop driver sends it: press, moves with the pointer's
	// position, release
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: from}})
	mid := fyne.NewPos((from.X+to.X)/2, from.Y)
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: mid}, Dragged: fyne.NewDelta(mid.X-from.X, 0)})
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: to}, Dragged: fyne.NewDelta(to.X-mid.X, to.Y-mid.Y)})
	v.DragEnd()
	v.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: to}})
	if got := v.SelectedText(); got != "severe mental illness" {
		t.Errorf("drag selection %q", got)
	}
}

// TestAlreadyCodedIsAStatusNotAnError: coding a passage again with a theme
// it has says so on the status line, without an error dialog; an import's
// summary says why files were left out.
func TestAlreadyCodedIsAStatusNotAnError(t *testing.T) {
	lib, src := newTestLibrary(t)
	u, w := newTestUI(t, lib)
	doc := openFirstArticle(t, u, lib)
	ctx := context.Background()
	req := index.TagRequest{DocID: doc.ID, Quote: "Trust grows slowly.", Themes: []string{"Trust"}}
	if _, err := lib.Tag(ctx, req); err != nil {
		t.Fatal(err)
	}
	u.change("Tagged with Trust", func() error { _, err := lib.Tag(ctx, req); return err }, nil)
	u.Wait()
	if got := u.status.Text; !strings.HasPrefix(got, "Already coded:") {
		t.Errorf("status %q", got)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("an error dialog is shown for a passage already coded")
	}
	if err := os.WriteFile(filepath.Join(src, "README.md"), []byte("# notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(ctx, []string{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := skipReasons(rep); len(rep.SkippedFiles) == 0 || strings.Contains(got, "not a kind Rapport reads") || !strings.Contains(got, rep.SkippedFiles[0].Reason) {
		t.Errorf("skipped %+v said as %q", rep.SkippedFiles, got)
	}
}
