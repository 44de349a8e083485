package app

import (
	"context"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/rapport-qda/rapport/index"
)

// openInPageView opens the first test article in the reader's page view.
func openInPageView(t *testing.T, u *UI, lib *index.Library) index.Document {
	t.Helper()
	doc := openFirstArticle(t, u, lib)
	u.reader.setPageMode(true)
	u.Wait()
	r := u.reader
	if !r.pageShown() || r.pv.page.Image == nil {
		t.Fatalf("the page view shows no page (page mode %v, notice %q)", r.pageMode, r.pageNotice.Text)
	}
	if len(r.pv.boxes) != len(r.pv.text) || len(r.pv.text) == 0 {
		t.Fatalf("the page view has %d boxes for %d characters", len(r.pv.boxes), len(r.pv.text))
	}
	return doc
}

// dragOverText drags on the page view from the middle of one character of
// the page's text to the middle of another.
func dragOverText(t *testing.T, v *pageView, from, to int) {
	t.Helper()
	dragOn(v, boxCentre(v, from), boxCentre(v, to))
}

// TestPageViewTaggingIsTextViewTagging: dragging over words on the page
// and pressing 1 makes exactly the annotation that clicking the same
// sentence in the text view and pressing 1 makes; the passage is then
// drawn on the page, a click on it selects it and the pointer over it
// shows its theme.
func TestPageViewTaggingIsTextViewTagging(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	ctx := context.Background()
	doc := openInPageView(t, u, lib)
	r := u.reader
	if got := u.app.Preferences().String(prefReaderMode); got != "page" {
		t.Errorf("the page view is remembered as %q", got)
	}
	text := string(r.pv.text)
	start := strings.Index(text, "Trust grows slowly.")
	if start < 0 {
		t.Fatalf("page text %q", text)
	}
	start = len([]rune(text[:start]))
	end := start + len([]rune("Trust grows slowly."))
	dragOverText(t, r.pv, start, end-1)
	if got := r.selectedText(); got != "Trust grows slowly." {
		t.Fatalf("dragged over %q", got)
	}
	if !strings.Contains(r.tagPanel.selLabel.Text, "Trust grows slowly.") {
		t.Errorf("the tag panel says %q", r.tagPanel.selLabel.Text)
	}
	test.TypeOnCanvas(u.win.Canvas(), "1")
	u.Wait()
	onPage, err := lib.Annotations(ctx, index.AnnotationFilter{DocID: doc.ID})
	if err != nil || len(onPage) != 1 {
		t.Fatalf("after tagging on the page: %v %+v", err, onPage)
	}

	// the same words from the text view
	u.Undo()
	u.Wait()
	u.reader.setPageMode(false)
	u.Wait()
	if r.pageShown() {
		t.Fatal("the text view is not on show")
	}
	test.TapAt(r.view, pieceOf(t, r.view, "grows"))
	test.TypeOnCanvas(u.win.Canvas(), "1")
	u.Wait()
	inText, err := lib.Annotations(ctx, index.AnnotationFilter{DocID: doc.ID})
	if err != nil || len(inText) != 1 {
		t.Fatalf("after tagging in the text: %v %+v", err, inText)
	}
	a, b := onPage[0], inText[0]
	if a.Page != b.Page || a.Start != b.Start || a.End != b.End || a.Quote != b.Quote || a.Prefix != b.Prefix ||
		a.Suffix != b.Suffix || strings.Join(a.Themes, ";") != strings.Join(b.Themes, ";") || a.Kind != b.Kind {
		t.Errorf("tagged on the page %+v,\nin the text %+v", a, b)
	}

	// back on the page: drawn, picked by a click, named under the pointer
	u.reader.setPageMode(true)
	u.Wait()
	var mark *pageMark
	for i := range r.pv.marks {
		if r.pv.marks[i].annotation == b.ID {
			mark = &r.pv.marks[i]
		}
	}
	if mark == nil || len(mark.rects) == 0 || mark.outline {
		t.Fatalf("the passage is not drawn on the page: %+v", r.pv.marks)
	}
	r.pv.Select(index.ReadingSpan{})
	at := boxCentre(r.pv, start+2)
	r.pv.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	if !strings.Contains(u.status.Text, b.Themes[0]) {
		t.Errorf("pointer over the passage: status %q", u.status.Text)
	}
	test.TapAt(r.pv, at)
	if s := r.selection(); s.Start != b.Start || s.End != b.End {
		t.Errorf("a click on the passage selected %v, want %d–%d", s, b.Start, b.End)
	}
}

// TestPageViewAreaTagging: Shift+drag draws an area, key 2 codes it with
// the second theme; it is outlined on the page and listed; undo takes it
// away and redo brings it back.
func TestPageViewAreaTagging(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	ctx := context.Background()
	doc := openInPageView(t, u, lib)
	r := u.reader
	from, to := r.pv.toPos(100, 500), r.pv.toPos(300, 350)
	r.pv.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: from}, Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierShift})
	dragOn(r.pv, from, to)
	if r.area == nil || math.Abs(r.area.X1-100) > 1 || math.Abs(r.area.Y2-500) > 1 {
		t.Fatalf("area drawn %+v", r.area)
	}
	if !strings.HasPrefix(r.tagPanel.selLabel.Text, "Area of page 1") {
		t.Errorf("the tag panel says %q", r.tagPanel.selLabel.Text)
	}
	test.TypeOnCanvas(u.win.Canvas(), "2")
	u.Wait()
	list, err := lib.Annotations(ctx, index.AnnotationFilter{DocID: doc.ID})
	if err != nil || len(list) != 1 || !list[0].IsArea() {
		t.Fatalf("after tagging the area: %v %+v", err, list)
	}
	a := list[0]
	if a.Themes[0] != r.tagPanel.themes[1].Name || math.Abs(a.Rect.X2-300) > 1 || math.Abs(a.Rect.Y1-350) > 1 {
		t.Errorf("area annotation %+v rect %v", a, a.Rect)
	}
	if r.area != nil {
		t.Errorf("the area drawn is still pending after it was coded")
	}
	outlined := false
	for _, m := range r.pv.marks {
		outlined = outlined || (m.annotation == a.ID && m.outline)
	}
	if !outlined {
		t.Errorf("the area is not outlined on the page: %+v", r.pv.marks)
	}
	if len(r.tagPanel.annots) != 1 {
		t.Errorf("the tag panel lists %d annotations", len(r.tagPanel.annots))
	}
	// a second theme for the same area: pick it, press 3
	r.pickAnnotation(a.ID)
	test.TypeOnCanvas(u.win.Canvas(), "3")
	u.Wait()
	if got, _ := lib.Annotation(ctx, a.ID); len(got.Themes) != 2 {
		t.Errorf("the picked area has themes %v, want two", got.Themes)
	}
	if list, _ := lib.Annotations(ctx, index.AnnotationFilter{}); len(list) != 1 {
		t.Errorf("%d annotations after adding a theme to the area", len(list))
	}
	u.Undo()
	u.Wait()
	u.Undo()
	u.Wait()
	if list, _ := lib.Annotations(ctx, index.AnnotationFilter{}); len(list) != 0 {
		t.Fatalf("after undo: %+v", list)
	}
	for _, m := range r.pv.marks {
		if m.annotation == a.ID {
			t.Errorf("the undone area is still drawn")
		}
	}
	u.Redo()
	u.Wait()
	if got, err := lib.Annotation(ctx, a.ID); err != nil || *got.Rect != *a.Rect {
		t.Errorf("after redo: %v %+v", err, got)
	}
}

// TestPageViewFindZoomTurns: find marks its matches on the page; zoom in,
// out and back to the width; page keys turn the page view's pages; the
// view chosen is the one a new window opens with.
func TestPageViewFindZoomTurns(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	openInPageView(t, u, lib)
	r := u.reader

	test.Type(r.find, "trust")
	u.Wait()
	outlines := 0
	for _, m := range r.pv.marks {
		if m.annotation == 0 && m.outline {
			outlines++
		}
	}
	if len(r.findSpans) != 1 || outlines != 1 {
		t.Errorf("%d matches, %d outlined on the page", len(r.findSpans), outlines)
	}
	u.win.Canvas().Unfocus()

	fit := r.pv.Zoom()
	width := r.pv.page.Image.Bounds().Dx()
	ctrl := fyne.KeyModifierShortcutDefault
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: ctrl})
	u.Wait()
	if z := r.pv.Zoom(); math.Abs(float64(z/fit)-zoomStep) > 0.02 || r.fitWidth {
		t.Errorf("Ctrl+= zoomed from %.3f to %.3f", fit, z)
	}
	if w := r.pv.page.Image.Bounds().Dx(); w <= width {
		t.Errorf("zoomed in, the page is drawn %d px wide (was %d)", w, width)
	}
	if !strings.HasSuffix(r.zoomLabel.Text, "%") {
		t.Errorf("zoom label %q", r.zoomLabel.Text)
	}
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: ctrl})
	u.Wait()
	if z := r.pv.Zoom(); math.Abs(float64(z-fit)) > 0.01 || !r.fitWidth || r.zoomLabel.Text != "Fit" {
		t.Errorf("Ctrl+0: zoom %.3f (fit %.3f), label %q", z, fit, r.zoomLabel.Text)
	}
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: ctrl})
	u.Wait()
	if z := r.pv.Zoom(); z >= fit {
		t.Errorf("Ctrl+- left the zoom at %.3f (fit %.3f)", z, fit)
	}

	u.typedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	u.Wait()
	if r.page != 2 || !strings.Contains(string(r.pv.text), "collaboration") || r.pv.page.Image == nil {
		t.Errorf("after → the page view shows page %d: %q", r.page, string(r.pv.text))
	}
	u.typedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	u.Wait()
	if r.page != 1 {
		t.Errorf("after ← page %d", r.page)
	}

	// a new window on the same preferences opens the reader in the page view
	w2 := u.app.NewWindow("")
	defer w2.Close()
	u2 := buildHeadless(u.app, w2, lib)
	defer u2.Close()
	u2.Wait()
	if !u2.reader.pageMode {
		t.Errorf("a new window does not remember the page view")
	}
}

// TestPageViewPreparing: while the PDF engine starts (the first page view
// of a session), the page view says it is preparing instead of showing
// nothing, and the page replaces the notice once drawn.
func TestPageViewPreparing(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	openFirstArticle(t, u, lib)
	started := false
	pdfiumStarted = func() bool { return started }
	defer func() { pdfiumStarted = pdfiumStartedDefault }()
	u.reader.setPageMode(true)
	r := u.reader
	if !r.pageNoticeBox.Visible() || !strings.HasPrefix(r.pageNotice.Text, "Preparing the page view") {
		t.Errorf("while the engine starts the page view says %q (shown %v)", r.pageNotice.Text, r.pageNoticeBox.Visible())
	}
	started = true
	u.Wait()
	if r.pageNoticeBox.Visible() || r.pv.page.Image == nil || !r.pageScroll.Visible() {
		t.Errorf("once drawn: notice shown %v, page %v", r.pageNoticeBox.Visible(), r.pv.page.Image != nil)
	}
}

// TestPageViewCoders: an area another coder coded, picked on the page and
// given a theme, becomes the coder's own area (the other coder's is left
// as it was), as a passage does in the text view; coding blind, the page
// draws the coder's own annotations only.
func TestPageViewCoders(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, _ := newTestUI(t, lib)
	ctx := context.Background()
	if err := u.setCoder("Anna"); err != nil {
		t.Fatal(err)
	}
	docs, err := lib.BrowseDocuments(ctx, index.BrowseRequest{Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := lib.Themes(ctx)
	bos, err := lib.Tag(ctx, index.TagRequest{DocID: docs[0].ID, Page: 1, Rect: &index.Rect{X1: 100, Y1: 350, X2: 300, Y2: 500},
		Themes: []string{themes[0].Name}, Author: "Bo"})
	if err != nil {
		t.Fatal(err)
	}
	openInPageView(t, u, lib)
	r := u.reader
	r.pickAnnotation(bos.ID)
	if r.area == nil {
		t.Fatal("Bo's area is not picked")
	}
	test.TypeOnCanvas(u.win.Canvas(), "2")
	u.Wait()
	if got, _ := lib.Annotation(ctx, bos.ID); len(got.Themes) != 1 {
		t.Errorf("Anna's theme went to Bo's area: %v", got.Themes)
	}
	annas, err := lib.Annotations(ctx, index.AnnotationFilter{Coder: "Anna"})
	if err != nil || len(annas) != 1 || !annas[0].IsArea() || *annas[0].Rect != *bos.Rect || annas[0].Themes[0] != themes[1].Name {
		t.Fatalf("Anna's annotations: %v %+v", err, annas)
	}
	drawn := func() map[int64]bool {
		out := map[int64]bool{}
		for _, m := range r.pv.marks {
			if m.annotation != 0 {
				out[m.annotation] = true
			}
		}
		return out
	}
	if d := drawn(); !d[bos.ID] || !d[annas[0].ID] {
		t.Errorf("both coders' areas drawn: %v", d)
	}
	u.setBlind(true)
	u.Wait()
	if d := drawn(); d[bos.ID] || !d[annas[0].ID] {
		t.Errorf("coding blind, the page draws %v (Bo's area %d, Anna's %d)", d, bos.ID, annas[0].ID)
	}
}
