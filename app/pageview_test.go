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

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// pageViewOn shows page 1 of a one-page document in a page view in a test
// window, with the page's text and boxes.
func pageViewOn(t *testing.T, texts []pdfgen.Text) (*pageView, *index.Library, int64) {
	t.Helper()
	ctx := context.Background()
	lib, err := index.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	path := filepath.Join(t.TempDir(), "page.pdf")
	if err := os.WriteFile(path, (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: texts}}}).Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	doc := rep.Imported[0].ID
	rendered, err := lib.RenderPage(ctx, doc, 1, index.RenderOptions{DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := lib.PageText(ctx, doc, 1)
	boxes, err := lib.PageBoxes(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	v := newPageView()
	v.SetPage(rendered, p.Text, boxes)
	w.SetContent(v)
	w.Resize(fyne.NewSize(612, 792))
	return v, lib, doc
}

func boxCentre(v *pageView, i int) fyne.Position {
	b := v.boxes[i]
	return v.toPos(float64(b.X0+b.X1)/2, float64(b.Y0+b.Y1)/2)
}

// TestPageViewDragSelectsInReadingOrder: a drag from a word of the left
// column's last line to one of the right column's first line selects the
// text between them in reading order, and tagging it is the same as
// tagging those words found in the text.
func TestPageViewDragSelectsInReadingOrder(t *testing.T) {
	var texts []pdfgen.Text
	for i := 0; i < 5; i++ {
		texts = append(texts,
			pdfgen.Text{X: 72, Y: 700 - 14*float64(i), Size: 11, Font: pdfgen.TimesRoman, S: []string{"The professional was available", "when the person needed help,", "also outside office hours, and", "kept in touch between the", "appointments over the years."}[i]},
			pdfgen.Text{X: 330, Y: 700 - 14*float64(i), Size: 11, Font: pdfgen.TimesRoman, S: []string{"Trust grew from this kind of", "availability and flexibility,", "as the participants told the", "interviewers in many words", "and in many different ways."}[i]})
	}
	v, lib, doc := pageViewOn(t, texts)
	text := string(v.text)
	from := strings.Index(text, "appointments")
	to := strings.Index(text, "grew")
	if from < 0 || to < 0 || to < from {
		t.Fatalf("page text %q", text)
	}
	var got index.ReadingSpan
	v.OnSelect = func(s index.ReadingSpan) { got = s }
	start, end := boxCentre(v, from), boxCentre(v, to+len("grew")-1)
	dragOn(v, start, end)
	want := "appointments over the years.\n\nTrust grew"
	if s := v.SelectedText(); s != want {
		t.Fatalf("dragged over %q, want %q (span %v)", s, want, got)
	}
	ctx := context.Background()
	onPage, err := lib.Tag(ctx, index.TagRequest{DocID: doc, Page: 1, Start: got.Start, End: got.End, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	lib.Untag(ctx, onPage.ID)
	inText, err := lib.Tag(ctx, index.TagRequest{DocID: doc, Page: 1, Quote: "appointments over the years. Trust grew", Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	if onPage.Start != inText.Start || onPage.End != inText.End || onPage.Quote != inText.Quote {
		t.Errorf("tagged on the page [%d, %d) %q, in the text [%d, %d) %q", onPage.Start, onPage.End, onPage.Quote, inText.Start, inText.End, inText.Quote)
	}
	// The passage is drawn over the page: a click on it picks it, and the
	// pointer over it shows its theme.
	hs, err := lib.PageHighlights(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	v.SetMarks(highlightMarks(hs))
	var picked int64
	v.OnAnnotation = func(id int64) { picked = id }
	var hover string
	v.OnHover = func(s string) { hover = s }
	at := boxCentre(v, to)
	v.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	test.TapCanvas(fyne.CurrentApp().Driver().CanvasForObject(v), at)
	if picked != inText.ID || hover != "Trust" {
		t.Errorf("click on the passage picked %d (want %d), hover %q", picked, inText.ID, hover)
	}
}

// TestPageViewWordAndArea: a double click selects a word; Shift+drag draws
// an area, reported in PDF points.
func TestPageViewWordAndArea(t *testing.T) {
	v, _, _ := pageViewOn(t, []pdfgen.Text{{X: 72, Y: 700, Size: 12, Font: pdfgen.TimesRoman, S: "A figure of the recovery process follows here."}})
	i := strings.Index(string(v.text), "recovery")
	v.DoubleTapped(&fyne.PointEvent{Position: boxCentre(v, i+2)})
	if s := v.SelectedText(); s != "recovery" {
		t.Errorf("double click selected %q", s)
	}
	var area importer.Box
	v.OnArea = func(b importer.Box) { area = b }
	from, to := v.toPos(100, 500), v.toPos(300, 350)
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: from}, Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierShift})
	dragOn(v, from, to)
	if abs32(area.X0-100) > 1 || abs32(area.Y0-350) > 1 || abs32(area.X1-300) > 1 || abs32(area.Y1-500) > 1 {
		t.Errorf("area %+v, drawn from (100, 500) to (300, 350)", area)
	}
}

// dragOn drags over v from one position to another as the desktop driver
// does: events at the pointer's successive positions, each with the
// distance moved since the one before.
func dragOn(v fyne.Draggable, from, to fyne.Position) {
	const steps = 5
	prev := from
	for k := 1; k <= steps; k++ {
		cur := fyne.NewPos(from.X+(to.X-from.X)*float32(k)/steps, from.Y+(to.Y-from.Y)*float32(k)/steps)
		v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: cur}, Dragged: fyne.NewDelta(cur.X-prev.X, cur.Y-prev.Y)})
		prev = cur
	}
	v.DragEnd()
}
