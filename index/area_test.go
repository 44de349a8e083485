package index

import (
	"context"
	"encoding/json"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// figurePage is a page with a paragraph above a figure (a grey box with a
// table's words inside it) and a paragraph below it.
func figurePage() []byte {
	texts := []pdfgen.Text{
		{X: 72, Y: 720, Size: 11, Font: pdfgen.TimesRoman, S: "Trust grew over many years of working together."},
		{X: 72, Y: 706, Size: 11, Font: pdfgen.TimesRoman, S: "Figure 1 shows the themes of the synthesis."},
		{X: 120, Y: 560, Size: 10, Font: pdfgen.Helvetica, S: "Availability Flexibility"},
		{X: 120, Y: 545, Size: 10, Font: pdfgen.Helvetica, S: "Collaboration Trust"},
		{X: 72, Y: 400, Size: 11, Font: pdfgen.TimesRoman, S: "The figure sums up what the participants said."},
	}
	// the figure: a light grey box from (100, 500) to (400, 600)
	raw := "q 0.85 g 100 500 300 100 re f Q\n"
	return (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: texts, Raw: raw}, {Texts: []pdfgen.Text{{X: 72, Y: 700, Size: 11, Font: pdfgen.TimesRoman, S: "The second page says little."}}}}}).Bytes()
}

func importBytes(t *testing.T, lib *Library, name string, data []byte) int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(context.Background(), []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import %s: %v %+v", name, err, rep)
	}
	return rep.Imported[0].ID
}

// TestAreaAnnotation: an area of a page is coded like a passage — it keeps
// its rectangle, carries the text inside it, is listed, filtered and found
// by theme, reported, drawn as an outline in its theme's colour, and undone
// and redone.
func TestAreaAnnotation(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importBytes(t, lib, "figure.pdf", figurePage())
	figure := Rect{100, 500, 400, 600}
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &Rect{400, 600, 100, 500}, Themes: []string{"Trust"}, Note: "the synthesis as a figure"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != KindArea || a.Rect == nil || *a.Rect != figure || a.Page != 1 || a.Start != 0 || a.End != 0 {
		t.Fatalf("area annotation %+v (rect %v)", a, a.Rect)
	}
	// the figure's two lines, as the page's text reads them: one paragraph
	if want := "Availability Flexibility Collaboration Trust"; a.Quote != want {
		t.Errorf("text inside the area %q, want %q", a.Quote, want)
	}
	// JSON: kind and rect as [x1, y1, x2, y2]
	b, _ := json.Marshal(a)
	if !strings.Contains(string(b), `"kind":"area"`) || !strings.Contains(string(b), `"rect":[100,500,400,600]`) {
		t.Errorf("JSON %s", b)
	}
	text, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Trust grew over many years", Page: 1, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	if tb, _ := json.Marshal(text); !strings.Contains(string(tb), `"kind":"text"`) || strings.Contains(string(tb), `"rect"`) {
		t.Errorf("a passage's JSON %s", tb)
	}

	// listed and filtered by theme (and by its group theme)
	list, err := lib.Annotations(ctx, AnnotationFilter{Theme: "Trust"})
	if err != nil || len(list) != 2 {
		t.Fatalf("annotations coded Trust: %v %+v", err, list)
	}
	if list[0].ID != a.ID || !list[0].IsArea() || *list[0].Rect != figure {
		t.Errorf("first listed %+v", list[0])
	}
	// searched by theme: the page is found, with the words inside the area
	lib.WaitForIndex(ctx)
	res, err := lib.Search(ctx, SearchRequest{Query: `theme:"Trust" flexibility`})
	if err != nil || res.Total != 1 || res.Hits[0].Page != 1 {
		t.Fatalf("search theme:Trust flexibility: %v %+v", err, res)
	}
	// reported
	rep, err := lib.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 1 || rep.Documents[0].Themes["Trust"] != 2 {
		t.Errorf("report %+v", rep.Documents)
	}
	if problems, err := lib.CheckCoding(ctx); err != nil || len(problems) != 0 {
		t.Errorf("check coding: %v %v", err, problems)
	}

	// drawn on the page: the area as an outline in Trust's colour (#138D75)
	hs, err := lib.PageHighlights(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	var area *PageHighlight
	for i := range hs {
		if hs[i].AnnotationID == a.ID {
			area = &hs[i]
		}
	}
	if area == nil || !area.Area || len(area.Rects) != 1 || area.Rects[0].X0 != 100 || area.Rects[0].Y1 != 600 {
		t.Fatalf("highlights %+v", hs)
	}
	page, err := lib.RenderPage(ctx, doc, 1, RenderOptions{DPI: 72, Highlights: true})
	if err != nil {
		t.Fatal(err)
	}
	x, y := page.ToPixel(250, 600) // the middle of the top edge
	c := color.NRGBAModel.Convert(page.Image.At(int(x), int(y)+1)).(color.NRGBA)
	if c.R != 0x13 || c.G != 0x8D || c.B != 0x75 {
		t.Errorf("the area's top edge is drawn in %v, not Trust's #138D75", c)
	}
	x, y = page.ToPixel(250, 520) // inside: the figure's own grey, untouched
	if c := color.NRGBAModel.Convert(page.Image.At(int(x), int(y))).(color.NRGBA); c.R != c.G || c.R < 0xc0 || c.R > 0xe0 {
		t.Errorf("inside the area %v, want the figure's grey", c)
	}

	// its image: the area cropped from the page
	img, err := lib.AreaImage(ctx, doc, 1, figure, 144)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 600 || b.Dy() != 200 {
		t.Errorf("the area at 144 dpi is %v, want 600x200", b)
	}

	// undone and redone as one step
	if err := lib.Untag(ctx, text.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Undo(ctx); err != nil { // the text
		t.Fatal(err)
	}
	if _, err := lib.Undo(ctx); err != nil { // the area
		t.Fatal(err)
	}
	if _, err := lib.Annotation(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after undo the area is still there: %v", err)
	}
	if _, err := lib.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	back, err := lib.Annotation(ctx, a.ID)
	if err != nil || !back.IsArea() || *back.Rect != figure || back.Quote != a.Quote || back.Note != a.Note || len(back.Themes) != 1 {
		t.Errorf("after redo: %v %+v", err, back)
	}
}

// TestAreaSurvivesReextract: re-extraction re-anchors passages by their
// text and leaves areas as they are — also when the text inside them is
// gone from the page's text.
func TestAreaSurvivesReextract(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importBytes(t, lib, "figure.pdf", figurePage())
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &Rect{100, 500, 400, 600}, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	// The stored text loses the figure's words (as another extractor
	// might read it), so that re-extraction changes the page.
	if _, err := lib.db.Exec("UPDATE pages SET text_z = ? WHERE doc_id = ? AND page = 1", compressPageText("Trust grew over many years of working together."), doc); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.db.Exec("UPDATE documents SET extractor_version = 0 WHERE id = ?", doc); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Reextract(ctx, nil, ReextractOptions{})
	if err != nil || len(rep.Documents) != 1 {
		t.Fatalf("reextract: %v %+v", err, rep)
	}
	if r := rep.Documents[0].ReanchorResult; r.Unchanged != 1 || r.Orphaned != 0 {
		t.Errorf("re-anchoring %+v", r)
	}
	after, err := lib.Annotation(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Orphaned || !after.IsArea() || *after.Rect != *a.Rect || after.Quote != a.Quote || after.Page != 1 || !after.UpdatedAt.Equal(a.UpdatedAt) {
		t.Errorf("after re-extraction %+v, before %+v", after, a)
	}
	if problems, err := lib.CheckCoding(ctx); err != nil || len(problems) != 0 {
		t.Errorf("check coding: %v %v", err, problems)
	}
}

// TestAreaRefused: an area outside the page, too small, on a page the
// document does not have, on a text document, or with an unknown theme is
// refused with a clear error, and nothing is stored.
func TestAreaRefused(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importBytes(t, lib, "figure.pdf", figurePage())
	txt := importBytes(t, lib, "notes.txt", []byte("Plain notes about trust.\n"))
	for _, c := range []struct {
		name string
		req  TagRequest
		want string
	}{
		{"outside the page", TagRequest{DocID: doc, Page: 1, Rect: &Rect{700, 900, 800, 1000}, Themes: []string{"Trust"}}, "lies outside page 1"},
		{"too small", TagRequest{DocID: doc, Page: 1, Rect: &Rect{100, 100, 101, 150}, Themes: []string{"Trust"}}, "too small"},
		{"no such page", TagRequest{DocID: doc, Page: 3, Rect: &Rect{100, 100, 200, 200}, Themes: []string{"Trust"}}, "pages 1–2"},
		{"no page", TagRequest{DocID: doc, Rect: &Rect{100, 100, 200, 200}, Themes: []string{"Trust"}}, "pages 1–2"},
		{"a text document", TagRequest{DocID: txt, Page: 1, Rect: &Rect{100, 100, 200, 200}, Themes: []string{"Trust"}}, "not a stored PDF"},
		{"unknown theme", TagRequest{DocID: doc, Page: 1, Rect: &Rect{100, 100, 200, 200}, Themes: []string{"Nope"}}, "Nope"},
		{"no theme", TagRequest{DocID: doc, Page: 1, Rect: &Rect{100, 100, 200, 200}}, "at least one theme"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := lib.Tag(ctx, c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
	if list, _ := lib.Annotations(ctx, AnnotationFilter{}); len(list) != 0 {
		t.Errorf("%d annotations stored", len(list))
	}
	// the same area with a theme it has already: refused
	first, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &Rect{100, 500, 400, 600}, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &Rect{100, 500, 400, 600}, Themes: []string{"Trust"}}); !errors.Is(err, ErrAlreadyCoded) {
		t.Errorf("the same area coded twice with Trust: %v", err)
	}
	lib.Untag(ctx, first.ID)
	// part outside the page: clipped to it
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &Rect{-50, 700, 100.004, 900}, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	if *a.Rect != (Rect{0, 700, 100, 792}) {
		t.Errorf("clipped to %v", *a.Rect)
	}
}

func TestParseRect(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Rect
		err  bool
	}{
		{"72,400,300,600", Rect{72, 400, 300, 600}, false},
		{"300, 600, 72, 400", Rect{72, 400, 300, 600}, false},
		{"72.5 400.25 300 600", Rect{72.5, 400.25, 300, 600}, false},
		{"72,400,300", Rect{}, true},
		{"72,400,300,six", Rect{}, true},
		{"72,400,300,NaN", Rect{}, true},
		{"", Rect{}, true},
	} {
		got, err := ParseRect(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseRect(%q) = %v, %v", c.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ParseRect(%q): %v is not ErrInvalidInput", c.in, err)
		}
	}
}
