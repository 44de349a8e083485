package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// testMark is a highlight (or note) a test puts on a generated page over a
// known phrase.
type testMark struct {
	page     int // 0-based
	phrase   string
	nth      int
	subtype  string // default Highlight
	color    []float64
	contents string
	author   string
	created  string
	rects    [][4]float64 // instead of a phrase
	popup    bool
}

// markedPDF lays the article out and adds the marks as annotations.
func markedPDF(t *testing.T, a pdfgen.Article, marks []testMark) *pdfgen.Doc {
	t.Helper()
	doc := a.Doc()
	for _, m := range marks {
		rects := m.rects
		if m.phrase != "" {
			var ok bool
			rects, ok = doc.Pages[m.page].PhraseRects(m.phrase, m.nth)
			if !ok {
				t.Fatalf("phrase %q is not on page %d", m.phrase, m.page+1)
			}
		}
		sub := m.subtype
		if sub == "" {
			sub = "Highlight"
		}
		an := pdfgen.Annot{Subtype: sub, Color: m.color, Contents: m.contents, Author: m.author, Created: m.created, Popup: m.popup}
		if sub == "Highlight" || sub == "Underline" || sub == "Squiggly" || sub == "StrikeOut" {
			for _, r := range rects {
				an.Quads = append(an.Quads, pdfgen.QuadOf(r))
			}
		} else {
			an.Rect = rects[0]
		}
		doc.Pages[m.page].Markup = append(doc.Pages[m.page].Markup, an)
	}
	return doc
}

func importPDF(t *testing.T, lib *Library, name string, doc *pdfgen.Doc, opts *ImportOptions) (int64, *ImportReport) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(path, doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lib.Import(context.Background(), []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Imported) != 1 {
		t.Fatalf("import %s: %+v", name, rep)
	}
	return rep.Imported[0].ID, rep
}

var highlightArticle = pdfgen.Article{
	Title: "Helpful relationships in mental health care",
	Pages: [][]string{{
		"The participants described collaboration with professionals as central to their recovery. Trust grew over many years of working together, and small gestures of warmth mattered more than any method.",
		"Several persons said that the professionals had gone beyond their role. They shared a meal, lent a book, or simply stayed a little longer than the schedule allowed.",
		"Such moments were remembered as turning points. A coach who listened without hurry was described as a human being rather than a function.",
	}},
}

func byQuote(anns []Annotation) map[string]Annotation {
	m := map[string]Annotation{}
	for _, a := range anns {
		m[a.Quote] = a
	}
	return m
}

// TestImportHighlightsOnImport: importing a PDF imports its highlights in
// each Zotero colour and Acrobat's yellow, with and without comments, and
// its underline, strike-out and squiggly: each becomes an annotation of
// exactly the highlighted words, coded with its colour's theme under
// "Highlights", with the comment as its note and the author and date kept;
// a sticky note, a text box and ink become notes with their page; a reply
// joins the comment it answers. Importing again adds nothing.
func TestImportHighlightsOnImport(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	zotero := []struct {
		hex   string
		theme string
	}{
		{"#FFD400", "Zotero yellow"}, {"#FF6666", "Zotero red"}, {"#5FB236", "Zotero green"}, {"#2EA8E5", "Zotero blue"},
		{"#A28AE5", "Zotero purple"}, {"#E56EEE", "Zotero magenta"}, {"#F19837", "Zotero orange"}, {"#AAAAAA", "Zotero gray"},
	}
	phrases := []string{
		"collaboration with professionals", "Trust grew over many years", "small gestures of warmth", "gone beyond their role",
		"They shared a meal", "lent a book", "turning points", "listened without hurry",
	}
	var marks []testMark
	for i, z := range zotero {
		r, g, b, _ := parseHex(z.hex)
		m := testMark{phrase: phrases[i], color: []float64{float64(r) / 255, float64(g) / 255, float64(b) / 255}, author: "Ann Reader",
			created: "D:20240501123000+02'00'"}
		if i%2 == 0 {
			m.contents = fmt.Sprintf("comment %d — über", i)
		}
		marks = append(marks, m)
	}
	marks = append(marks,
		testMark{phrase: "a human being rather than a function", color: []float64{1, 1, 0}, contents: "Acrobat's default yellow", author: "Bob"},
		testMark{phrase: "central to their recovery", subtype: "Underline", color: []float64{1, 0.4, 0.4}},
		testMark{phrase: "more than any method", subtype: "StrikeOut", color: []float64{1, 0, 0}},
		testMark{phrase: "stayed a little longer", subtype: "Squiggly", color: []float64{0.37, 0.7, 0.21}},
		testMark{rects: [][4]float64{{400, 300, 500, 340}}, subtype: "FreeText", contents: "Compare with Topor 2016", author: "Ann Reader"},
		testMark{rects: [][4]float64{{500, 700, 520, 720}}, subtype: "Text", contents: "Read again", author: "Ann Reader"},
		testMark{rects: [][4]float64{{100, 100, 200, 150}}, subtype: "Ink"},
	)
	doc := markedPDF(t, highlightArticle, marks)
	// A reply to the first highlight.
	doc.Pages[0].Markup = append(doc.Pages[0].Markup, pdfgen.Annot{Subtype: "Text", Rect: [4]float64{300, 700, 320, 720}, Contents: "I agree", Author: "Bob", InReplyTo: 1})
	id, rep := importPDF(t, lib, "marked", doc, nil)

	if len(rep.Highlights) != 1 || rep.Highlights[0].Error != "" {
		t.Fatalf("highlight reports %+v", rep.Highlights)
	}
	hr := rep.Highlights[0]
	if hr.Imported != 15 || hr.NotMatched != 0 || hr.Merged != 0 {
		t.Errorf("report: %d imported, %d not matched, %d merged: %+v", hr.Imported, hr.NotMatched, hr.Merged, hr.Items)
	}
	anns, err := lib.Annotations(ctx, AnnotationFilter{DocID: id})
	if err != nil {
		t.Fatal(err)
	}
	got := byQuote(anns)
	if len(anns) != 12 {
		t.Errorf("%d annotations, want 12", len(anns))
	}
	for i, z := range zotero {
		a, ok := got[phrases[i]]
		if !ok {
			t.Errorf("no annotation of %q (quotes: %v)", phrases[i], sortedKeys(got))
			continue
		}
		if len(a.Themes) != 1 || a.Themes[0] != z.theme || a.Color != z.hex || a.Source != SourcePDFHighlight {
			t.Errorf("%q: themes %v colour %s source %q, want %s %s", a.Quote, a.Themes, a.Color, a.Source, z.theme, z.hex)
		}
		want := ""
		if i%2 == 0 {
			want = fmt.Sprintf("comment %d — über", i)
		}
		if i == 0 {
			want += "\n\nBob: I agree"
		}
		if a.Note != want || a.Author != "Ann Reader" {
			t.Errorf("%q: note %q author %q, want %q", a.Quote, a.Note, a.Author, want)
		}
		if !a.CreatedAt.Equal(time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)) {
			t.Errorf("%q: created %v", a.Quote, a.CreatedAt)
		}
		checkAnchored(t, lib, a)
	}
	for quote, theme := range map[string]string{
		"a human being rather than a function": "Acrobat yellow",
		"central to their recovery":            "Zotero red underline",
		"more than any method":                 "Red strike-out",
		"stayed a little longer":               "Zotero green squiggly underline",
	} {
		if a := got[quote]; len(a.Themes) != 1 || a.Themes[0] != theme {
			t.Errorf("%q: themes %v, want %s", quote, a.Themes, theme)
		}
	}
	themes, _ := lib.Themes(ctx)
	for _, th := range themes {
		if strings.HasPrefix(th.Name, "Zotero") || strings.HasPrefix(th.Name, "Acrobat") || th.Name == "Red strike-out" {
			if th.Parent != GroupHighlights {
				t.Errorf("theme %q under %q", th.Name, th.Parent)
			}
		}
		if th.Name == "Red strike-out" && !strings.Contains(th.Description, "#FF0000") {
			t.Errorf("nearest-named theme's description %q has no hex", th.Description)
		}
	}
	notes, err := lib.DocNotes(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var noteTexts []string
	for _, n := range notes {
		if n.Page != 1 || n.Source != SourcePDFHighlight {
			t.Errorf("note %+v: page or source", n)
		}
		noteTexts = append(noteTexts, n.Text)
	}
	sort.Strings(noteTexts)
	if strings.Join(noteTexts, "|") != "(an ink drawing)|Compare with Topor 2016|Read again" {
		t.Errorf("notes %q", noteTexts)
	}

	// Again: nothing new.
	before := codingState(t, lib)
	again, err := lib.ImportHighlights(ctx, []int64{id}, HighlightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Unchanged != 15 || again[0].Imported != 0 || again[0].Merged != 0 {
		t.Errorf("second import: %+v", again[0])
	}
	if after := codingState(t, lib); after != before {
		t.Error("importing the highlights again changed the coding")
	}

	// A document removed and brought back by undo keeps the memory of its
	// marks: importing again still adds nothing.
	if _, err := lib.RemoveDocuments(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, lib, "pdf_marks"); n != 0 {
		t.Errorf("%d marks left after the removal", n)
	}
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	again, err = lib.ImportHighlights(ctx, []int64{id}, HighlightOptions{})
	if err != nil || again[0].Unchanged != 15 || again[0].Imported != 0 {
		t.Errorf("after remove and undo: %+v %v", again, err)
	}
}

// TestHighlightsTwoColumnsAndColumnBreak: on a two-column page, a
// highlight in the right column and one that runs from the foot of the
// left column to the head of the right one are each one passage, quoted
// exactly in reading order.
func TestHighlightsTwoColumnsAndColumnBreak(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	a := pdfgen.Article{Columns: 2, Pages: [][]string{{paragraph(1, 700)}}}
	page := a.Doc().Pages[0]
	// The last line of the left column and the first of the right one.
	var left, right, below pdfgen.Text
	for i := 1; i+2 < len(page.Texts); i++ {
		if page.Texts[i].X > page.Texts[i-1].X {
			left, right, below = page.Texts[i-1], page.Texts[i], page.Texts[i+2]
			break
		}
	}
	lw, rw := strings.Fields(left.S), strings.Fields(right.S)
	across := strings.Join(lw[len(lw)-2:], " ") + " " + strings.Join(rw[:2], " ")
	inRight := strings.Join(strings.Fields(below.S)[:3], " ")
	doc := markedPDF(t, a, []testMark{
		{phrase: across, color: []float64{1, 0.83, 0}},
		{phrase: inRight, color: []float64{0.18, 0.66, 0.9}, contents: "right column"},
	})
	id, rep := importPDF(t, lib, "columns", doc, nil)
	if rep.Highlights[0].Imported != 2 {
		t.Fatalf("report %+v", rep.Highlights[0])
	}
	anns, _ := lib.Annotations(ctx, AnnotationFilter{DocID: id})
	got := byQuote(anns)
	for _, q := range []string{across, inRight} {
		if a, ok := got[q]; !ok {
			t.Errorf("no annotation quoting %q; quotes %q", q, sortedKeys(got))
		} else {
			checkAnchored(t, lib, a)
		}
	}
}

// paragraph is a paragraph of words from a small vocabulary, long enough
// to fill columns.
func paragraph(seed, words int) string {
	vocab := strings.Fields("recovery trust collaboration professionals warmth relationship support listening time meeting persons coach human being service practice flexible everyday small gestures help")
	var b strings.Builder
	for i := 0; i < words; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocab[(i*7+seed*3+i/5)%len(vocab)])
	}
	b.WriteByte('.')
	return b.String()
}

// TestHighlightsOnRotatedPages: a page turned with /Rotate and upright
// text, and a page whose text is drawn turned (as a landscape table is) on
// a page turned back for display: the highlights' quadrilaterals, in the
// page's own coordinates, find their words.
func TestHighlightsOnRotatedPages(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := markedPDF(t, highlightArticle, []testMark{{phrase: "small gestures of warmth", color: []float64{1, 0.83, 0}}})
	doc.Pages[0].Rotate = 90
	// Page 2: text drawn going up the page (text matrix turned 90°
	// counter-clockwise), the page turned 270° for display.
	const x0, y0, size = 300.0, 100.0, 12.0
	line := "Turned text reads upward along the page for the landscape table"
	phrase := "upward along the page"
	at := strings.Index(line, phrase)
	w := func(s string) float64 { return pdfgen.Width(pdfgen.TimesRoman, size, s) }
	y1, y2 := y0+w(line[:at]), y0+w(line[:at+len(phrase)])
	turned := pdfgen.Page{Rotate: 270, Raw: fmt.Sprintf("BT /F3 %g Tf 0 1 -1 0 %g %g Tm (%s) Tj ET\n", size, x0, y0, line)}
	// Top left, top right, bottom left, bottom right in the text's own
	// direction: its top is to the left on the page.
	turned.Markup = []pdfgen.Annot{{Subtype: "Highlight", Color: []float64{1, 0.4, 0.4},
		Quads: [][8]float64{{x0 - 0.8*size, y1, x0 - 0.8*size, y2, x0 + 0.22*size, y1, x0 + 0.22*size, y2}}}}
	doc.Pages = append(doc.Pages, turned)
	id, rep := importPDF(t, lib, "rotated", doc, nil)
	if rep.Highlights[0].Imported != 2 {
		t.Fatalf("report %+v", rep.Highlights[0])
	}
	anns, _ := lib.Annotations(ctx, AnnotationFilter{DocID: id})
	got := byQuote(anns)
	for _, q := range []string{"small gestures of warmth", phrase} {
		if a, ok := got[q]; !ok {
			t.Errorf("no annotation quoting %q; quotes %q", q, sortedKeys(got))
		} else {
			checkAnchored(t, lib, a)
		}
	}
}

// TestHighlightMergesWithCoding: a highlight over a passage already coded
// adds its theme and comment to that annotation; a highlight over nothing
// (a figure's place, off the page) is reported with its page and reason
// and stores nothing; NoHighlights leaves a file's marks alone.
func TestHighlightMergesWithCoding(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := markedPDF(t, highlightArticle, []testMark{
		{phrase: "turning points", color: []float64{1, 0.83, 0}, contents: "key moment"},
		{rects: [][4]float64{{100, 100, 300, 200}}, color: []float64{1, 0.83, 0}},
		{rects: [][4]float64{{-900, 2000, -800, 2100}}, color: []float64{1, 0.83, 0}},
	})
	id, rep := importPDF(t, lib, "merge", doc, &ImportOptions{NoHighlights: true})
	if len(rep.Highlights) != 0 || countRows(t, lib, "annotations") != 0 {
		t.Fatalf("NoHighlights imported %+v", rep.Highlights)
	}
	tagged, err := lib.Tag(ctx, TagRequest{DocID: id, Quote: "turning points", Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	reps, err := lib.ImportHighlights(ctx, []int64{id}, HighlightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := reps[0]
	// The highlight over the empty foot of the page becomes an area
	// annotation; the one off the page is reported.
	if r.Merged != 1 || r.NotMatched != 1 || r.Imported != 1 {
		t.Fatalf("report %+v", r)
	}
	for _, it := range r.Items {
		if it.Status == HighlightNotMatched && (it.Page != 1 || !strings.Contains(it.Reason, "cover no text") || !strings.Contains(it.Reason, "outside page 1")) {
			t.Errorf("not matched item %+v", it)
		}
		if it.Status == HighlightImported && (it.Rect == nil || *it.Rect != (Rect{100, 100, 300, 200})) {
			t.Errorf("area item %+v", it)
		}
	}
	a, err := lib.Annotation(ctx, tagged.ID)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(a.Themes)
	if strings.Join(a.Themes, ",") != "Trust,Zotero yellow" || a.Note != "key moment" {
		t.Errorf("merged annotation: themes %v note %q", a.Themes, a.Note)
	}
	if n := countRows(t, lib, "annotations"); n != 2 {
		t.Errorf("%d annotations", n)
	}
	// Undo takes the whole import back, and it can be done again.
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if a, _ := lib.Annotation(ctx, tagged.ID); len(a.Themes) != 1 || countRows(t, lib, "pdf_marks") != 0 || countRows(t, lib, "annotations") != 1 {
		t.Errorf("after undo: themes %v, %d marks", a.Themes, countRows(t, lib, "pdf_marks"))
	}
	reps, _ = lib.ImportHighlights(ctx, []int64{id}, HighlightOptions{})
	if reps[0].Merged != 1 {
		t.Errorf("after undo, import again: %+v", reps[0])
	}
}

// TestHighlightsOfStaleText: a document extracted by another version of
// the extractor cannot place its characters: its highlights are reported
// with the remedy.
func TestHighlightsOfStaleText(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := markedPDF(t, highlightArticle, []testMark{{phrase: "turning points", color: []float64{1, 0.83, 0}}})
	id, _ := importPDF(t, lib, "stale", doc, &ImportOptions{NoHighlights: true})
	if _, err := lib.db.ExecContext(ctx, "UPDATE documents SET extractor_version = 1 WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	reps, err := lib.ImportHighlights(ctx, nil, HighlightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].NotMatched != 1 || !strings.Contains(reps[0].Items[0].Reason, "re-extract") {
		t.Errorf("stale text: %+v", reps)
	}
}

// TestHostileHighlights: thousands of highlights, rectangles far off the
// page and a broken /Annots give a report, not a crash.
func TestHostileHighlights(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	a := pdfgen.Article{Pages: [][]string{{paragraph(2, 300)}}}
	doc := a.Doc()
	words := 0
	for _, line := range doc.Pages[0].Texts {
		x := line.X
		for _, w := range strings.Fields(line.S) {
			wd := pdfgen.Width(pdfgen.TimesRoman, 10, w)
			for k := 0; k < 10; k++ { // ten highlights per word
				doc.Pages[0].Markup = append(doc.Pages[0].Markup, pdfgen.Annot{Subtype: "Highlight",
					Quads: [][8]float64{pdfgen.QuadOf([4]float64{x, line.Y - 2, x + wd, line.Y + 8})}, Color: []float64{float64(k) / 10, 0.5, 0.5}})
			}
			words++
			x += wd + pdfgen.Width(pdfgen.TimesRoman, 10, " ")
		}
	}
	doc.Pages[0].Markup = append(doc.Pages[0].Markup,
		pdfgen.Annot{Subtype: "Highlight", Quads: [][8]float64{{1e6, 1e6, 2e6, 1e6, 1e6, -1e6, 2e6, -1e6}}},
		pdfgen.Annot{Subtype: "Underline", Quads: [][8]float64{{0, 0, 0, 0, 0, 0, 0, 0}}},
	)
	broken := pdfgen.Page{RawAnnots: "[null (x) 3 << /Subtype /Highlight /QuadPoints [1 2 3] >>]", Texts: []pdfgen.Text{{X: 72, Y: 700, S: "A second page"}}}
	doc.Pages = append(doc.Pages, broken)
	start := time.Now()
	id, rep := importPDF(t, lib, "hostile", doc, nil)
	t.Logf("%d highlights over %d words imported in %v", 10*words, words, time.Since(start))
	r := rep.Highlights[0]
	if r.Error != "" || r.Imported+r.Merged != 10*words || r.NotMatched < 3 {
		t.Errorf("report: %d imported, %d merged, %d not matched, error %q", r.Imported, r.Merged, r.NotMatched, r.Error)
	}
	if n, _ := lib.Annotations(ctx, AnnotationFilter{DocID: id}); len(n) != words {
		t.Errorf("%d annotations for %d words", len(n), words)
	}
	if problems, _ := lib.CheckCoding(ctx); len(problems) != 0 {
		t.Errorf("coding problems: %v", problems)
	}
}

// TestMarkSpans: which characters a markup annotation's quadrilaterals
// cover, whatever order the points come in, and how they make passages.
func TestMarkSpans(t *testing.T) {
	// Two lines of ten characters, 10 points each, line 1 at y 700, line
	// 2 at y 680; a layout space (empty box) between the lines.
	text := []rune("abcde fghi\nklmno pqrs")
	boxes := make([]importer.Box, len(text))
	for i := range text {
		if text[i] == '\n' {
			continue
		}
		col, y := i, float32(700)
		if i > 10 {
			col, y = i-11, 680
		}
		x := float32(72 + 10*col)
		boxes[i] = importer.Box{X0: x, Y0: y - 2, X1: x + 10, Y1: y + 8}
	}
	rect := func(x0, y0, x1, y1 float64) pdfium.Quad {
		return pdfium.QuadOfRect(pdfium.Rect{X0: x0, Y0: y0, X1: x1, Y1: y1})
	}
	for _, tc := range []struct {
		name  string
		quads []pdfium.Quad
		want  string
	}{
		{"one word", []pdfium.Quad{rect(72, 697, 122, 709)}, "abcde"},
		{"half characters count by their centre", []pdfium.Quad{rect(78, 697, 116, 709)}, "bcd"},
		{"over the line end", []pdfium.Quad{rect(142, 697, 172, 709), rect(72, 677, 122, 689)}, "ghi\nklmno"},
		{"counter-clockwise points", []pdfium.Quad{{72, 697, 122, 697, 122, 709, 72, 709}}, "abcde"},
		{"a gap splits", []pdfium.Quad{rect(72, 697, 92, 709), rect(102, 697, 132, 709)}, "ab|de"},
		{"no area", []pdfium.Quad{{72, 700, 122, 700, 72, 700, 122, 700}}, ""},
		{"off the page", []pdfium.Quad{rect(-500, -500, -400, -400)}, ""},
		{"between the lines", []pdfium.Quad{rect(72, 689, 172, 697)}, ""},
	} {
		spans := markSpans(text, boxes, tc.quads)
		var parts []string
		for _, sp := range spans {
			parts = append(parts, string(text[sp[0]:sp[1]]))
		}
		if got := strings.Join(parts, "|"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNameColor(t *testing.T) {
	for _, tc := range []struct{ hex, name string }{
		{"#FFD400", "Zotero yellow"}, {"#FFD300", "Zotero yellow"}, {"#2EA8E5", "Zotero blue"},
		{"#FFFF00", "Acrobat yellow"}, {"#FFD100", "Acrobat note yellow"},
		{"#FF0000", "Red"}, {"#FFFF33", "Yellow"}, {"#90EE91", "Light green"}, {"#101010", "Black"},
	} {
		if got := nameColor(tc.hex).name; got != tc.name {
			t.Errorf("%s: %s, want %s", tc.hex, got, tc.name)
		}
	}
}

// FuzzMarkSpans: whatever the quadrilaterals (any order, off the page,
// degenerate, NaN), the passages found lie in the page text, in order and
// apart, and none is empty.
func FuzzMarkSpans(f *testing.F) {
	f.Add("abcde fghi\nklmno pqrs", 72.0, 697.0, 122.0, 709.0, 0.0)
	f.Add("one two", -1e9, 0.0, 1e9, 1e9, 3.0)
	f.Add("x", 0.0, 0.0, 0.0, 0.0, 1.0)
	f.Fuzz(func(t *testing.T, s string, x0, y0, x1, y1, twist float64) {
		text := []rune(s)
		if len(text) > 2000 {
			return
		}
		boxes := make([]importer.Box, len(text))
		for i, r := range text {
			if r == '\n' {
				continue
			}
			x, y := float32(72+10*(i%40)), float32(700-14*(i/40))
			boxes[i] = importer.Box{X0: x, Y0: y - 2, X1: x + 10, Y1: y + 8}
		}
		q := pdfium.Quad{x0, y1, x1, y1 + twist, x0, y0, x1, y0 - twist}
		spans := markSpans(text, boxes, []pdfium.Quad{q})
		last := -1
		for _, sp := range spans {
			if sp[0] < 0 || sp[1] > len(text) || sp[0] >= sp[1] || sp[0] <= last {
				t.Fatalf("spans %v out of order or out of the text (%d)", spans, len(text))
			}
			last = sp[1]
		}
	})
}

// TestCodedCopyHighlights: a highlight a coded copy wrote brings back its
// themes (made when missing, under their parent) and note; a comment
// edited since in another reader wins over the note the copy wrote.
func TestCodedCopyHighlights(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := markedPDF(t, highlightArticle, []testMark{
		{phrase: "turning points", color: []float64{1, 0, 0}, contents: "Trust; New theme — the note"},
		{phrase: "lent a book", color: []float64{1, 0, 0}, contents: "Trust — edited in Acrobat"},
	})
	themes := `[{"name":"Trust","parent":"Helpful relationships with professionals","color":"#123456"},{"name":"New theme","parent":"New parent","color":"#654321"}]`
	doc.Pages[0].Markup[0].Extra = "/RapportThemes " + pdfgen.TextString(themes) + " /RapportNote (the note)"
	doc.Pages[0].Markup[1].Extra = "/RapportThemes " + pdfgen.TextString(`[{"name":"Trust"}]`) + " /RapportNote (the old note)"
	id, rep := importPDF(t, lib, "coded", doc, nil)
	if rep.Highlights[0].Imported != 2 {
		t.Fatalf("report %+v", rep.Highlights[0])
	}
	anns, _ := lib.Annotations(ctx, AnnotationFilter{DocID: id})
	got := byQuote(anns)
	a := got["turning points"]
	sort.Strings(a.Themes)
	if strings.Join(a.Themes, ",") != "New theme,Trust" || a.Note != "the note" {
		t.Errorf("coded highlight: themes %v note %q", a.Themes, a.Note)
	}
	if b := got["lent a book"]; len(b.Themes) != 1 || b.Themes[0] != "Trust" || b.Note != "edited in Acrobat" {
		t.Errorf("edited comment: themes %v note %q", b.Themes, b.Note)
	}
	nt, err := lib.ThemeByName(ctx, "New theme")
	if err != nil || nt.Parent != "New parent" || nt.Color != "#654321" {
		t.Errorf("theme made: %+v %v", nt, err)
	}
	if th, _ := lib.ThemeByName(ctx, "Trust"); th.Color == "#123456" {
		t.Error("an existing theme's colour was changed")
	}
}

// TestHighlightsAsAreas: a highlight whose rectangles cover no text (a
// figure, a scan) and a Square drawn over part of the page (Zotero's image
// annotations) become area annotations of their rectangles, coded with
// their colour's theme, their comment the note, the text inside kept as
// the quote; importing again adds nothing, and a Square off the page is
// reported with the reason.
func TestHighlightsAsAreas(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := markedPDF(t, highlightArticle, []testMark{
		{rects: [][4]float64{{120, 90, 320, 180}, {120, 180, 200, 260}}, color: []float64{0.18, 0.66, 0.9}, contents: "the figure", author: "Ana"},
		{subtype: "Square", rects: [][4]float64{{60, 600, 560, 760}}, color: []float64{0.37, 0.7, 0.21}, contents: "the opening"},
		{subtype: "Square", rects: [][4]float64{{2000, 2000, 2100, 2100}}, color: []float64{1, 0.4, 0.4}},
	})
	id, rep := importPDF(t, lib, "areas", doc, nil)
	r := rep.Highlights[0]
	if r.Imported != 2 || r.NotMatched != 1 {
		t.Fatalf("report %+v", r)
	}
	anns, err := lib.Annotations(ctx, AnnotationFilter{DocID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(anns) != 2 {
		t.Fatalf("%d annotations: %+v", len(anns), anns)
	}
	sort.Slice(anns, func(i, j int) bool { return anns[i].Rect.Y1 < anns[j].Rect.Y1 })
	figure, square := anns[0], anns[1]
	if !figure.IsArea() || *figure.Rect != (Rect{120, 90, 320, 260}) || figure.Note != "the figure" || figure.Author != "Ana" ||
		strings.Join(figure.Themes, ",") != "Zotero blue" || figure.Quote != "" {
		t.Errorf("highlight over no text: %+v rect %v", figure, figure.Rect)
	}
	if !square.IsArea() || *square.Rect != (Rect{60, 600, 560, 760}) || square.Note != "the opening" ||
		strings.Join(square.Themes, ",") != "Zotero green" || !strings.Contains(square.Quote, "collaboration with professionals") {
		t.Errorf("square: %+v rect %v", square, square.Rect)
	}
	for _, it := range r.Items {
		if it.Status == HighlightNotMatched && (it.Kind != "area" || !strings.Contains(it.Reason, "outside page 1")) {
			t.Errorf("not matched: %+v", it)
		}
	}
	reps, err := lib.ImportHighlights(ctx, []int64{id}, HighlightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if reps[0].Unchanged != 2 || reps[0].Imported != 0 || countRows(t, lib, "annotations") != 2 {
		t.Errorf("import again: %+v", reps[0])
	}
}
