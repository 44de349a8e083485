package importer

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// wordsAt lays out words of a 10 pt line from x with the given spaces
// between them (one space fewer than words), 6 pt per letter.
func wordsAt(x, y float64, texts []string, spaces []float64) []word {
	var ws []word
	for i, t := range texts {
		w := word{text: t, x0: x, x1: x + 6*float64(len(t)), y: y, size: 10}
		ws = append(ws, w)
		if i < len(spaces) {
			x = w.x1 + spaces[i]
		}
	}
	return ws
}

// TestStretchedLineIsNotCut: in a column where several lines happen to
// have a wide space at the same x, a loosely justified line whose spaces are
// all stretched alike stays one line; a line with one space much wider
// than the others is still cut there.
func TestStretchedLineIsNotCut(t *testing.T) {
	var lines []*rawLine
	y := 700.0
	for i := 0; i < 6; i++ {
		// "aaaaaaaaaaaaa" ends at 384, the next word starts at 394: a
		// 10 pt space at the same x on every line, other spaces 2.5 pt.
		ws := wordsAt(306, y, []string{"aaaaaaaaaaaaa", "bbbbbbb", "ccccccc", "ddddddd"}, []float64{10, 2.5, 2.5})
		lines = append(lines, &rawLine{words: ws, y: y, size: 10})
		y -= 12
	}
	stretched := wordsAt(306, y, []string{"comprehensive", "analysis", "of", "cognitive", "health"}, []float64{9.5, 9.2, 9.3, 9.2})
	lines = append(lines, &rawLine{words: stretched, y: y, size: 10})
	frags := splitLines(lines, 0)
	var got []string
	for _, f := range frags {
		got = append(got, f.text)
	}
	want := []string{}
	for i := 0; i < 6; i++ {
		want = append(want, "aaaaaaaaaaaaa", "bbbbbbb ccccccc ddddddd")
	}
	want = append(want, "comprehensive analysis of cognitive health")
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("fragments:\n%q\nwant\n%q", got, want)
	}
}

// cellLine builds a table line: cells of words at the given x positions.
func cellLine(y float64, cells map[float64]string) *fragment {
	var xs []float64
	for x := range cells {
		xs = append(xs, x)
	}
	sort.Float64s(xs)
	var ws []word
	for _, x := range xs {
		for i, t := range strings.Fields(cells[x]) {
			if i > 0 {
				x = ws[len(ws)-1].x1 + 2.5
			}
			ws = append(ws, word{text: t, x0: x, x1: x + 5*float64(len([]rune(t))), y: y, size: 9})
		}
	}
	return newFragment(ws, y, 9, 0)
}

// TestTableRows: a table block reads row by row, each cell's lines kept
// together; a line spanning the table (a note) is a row of its own; prose
// is not a table.
func TestTableRows(t *testing.T) {
	lines := []*fragment{
		cellLine(700, map[float64]string{80: "Model", 150: "Tree", 250: "LRT", 330: "Parameter"}),
		cellLine(690, map[float64]string{250: "result", 330: "estimates"}),
		cellLine(670, map[float64]string{80: "m0", 150: "Sample", 250: "N/A", 330: "w = 0.61"}),
		cellLine(650, map[float64]string{80: "m1", 150: "Sample", 250: "N/A", 330: "p0 = 0.35"}),
		cellLine(640, map[float64]string{330: "p1 = 0.64"}),
		cellLine(630, map[float64]string{250: "m1Neutral,", 330: "w0 = 0.08"}),
		cellLine(620, map[float64]string{250: "modelA", 330: "w1 = 1.00"}),
		cellLine(600, map[float64]string{80: "Notes. The following information is provided for each model tested."}),
	}
	b := &block{}
	for _, f := range lines {
		b.add(f)
	}
	var got []string
	for _, r := range tableRows(b, newVocabulary()) {
		got = append(got, r.s)
	}
	want := []string{
		"Model Tree LRT result Parameter estimates",
		"m0 Sample N/A w = 0.61",
		"m1 Sample N/A m1Neutral, modelA p0 = 0.35 p1 = 0.64 w0 = 0.08 w1 = 1.00",
		"Notes. The following information is provided for each model tested.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	prose := &block{}
	for i, s := range []string{"The desire to improve on health systems and", "healthcare delivery is common in many low", "and middle income countries."} {
		prose.add(cellLine(700-12*float64(i), map[float64]string{72: s}))
	}
	if rows := tableRows(prose, newVocabulary()); rows != nil {
		t.Errorf("prose read as a table: %q", rows)
	}
	// Loosely justified prose: every space is wide, alike on each line.
	loose := &block{}
	for i, spaces := range [][]float64{{8.6, 8.6, 8.6, 8.5}, {3, 3, 3, 3}, {10.1, 10, 10.1, 10}, {3, 3, 3, 3}} {
		y := 700 - 12*float64(i)
		ws := wordsAt(56, y, []string{"the", "betula", "project", "is", "supported"}, spaces)
		loose.add(newFragment(ws, y, 10, 0))
	}
	if rows := tableRows(loose, newVocabulary()); rows != nil {
		t.Errorf("loosely justified prose read as a table: %q", rows)
	}
}

// spacedGlyphs sets text in 7 pt capitals with 1 pt between letters and 4.5
// pt between words; accents (´) are drawn at no width over the letter gap.
func spacedGlyphs(x, y float64, text string) []glyph {
	var gs []glyph
	for _, r := range text {
		switch {
		case r == ' ':
			x += 3.5
		case r == '´':
			gs = append(gs, glyph{text: "´", x0: x - 1, x1: x + 1, y: y, size: 9})
			x++
		default:
			gs = append(gs, glyph{text: string(r), x0: x, x1: x + 5, y: y, size: 7})
			x += 6
		}
	}
	return gs
}

// TestLetterSpacedCapitals: letter-spaced small capitals are words, not
// letters, also right after a line of ordinary text in the content stream
// and around a spacing accent.
func TestLetterSpacedCapitals(t *testing.T) {
	prev := []glyph{{text: "e", x0: 80, x1: 85, y: 180, size: 10}, {text: "n", x0: 85, x1: 90, y: 180, size: 10},
		{text: "t", x0: 90, x1: 93, y: 180, size: 10}, {text: "s", x0: 93, x1: 97, y: 180, size: 10}}
	gs := append(prev, spacedGlyphs(277, 160, "ALL DEMENTIA ALZHEIMER´S DISEASE")...)
	var got []string
	for _, w := range buildWords(gs, false) {
		got = append(got, w.text)
	}
	want := "ents ALL DEMENTIA ALZHEIMER´S DISEASE"
	if strings.Join(got, " ") != want {
		t.Errorf("words %q, want %q", got, want)
	}
}

// textBlock is a block of n lines of 10 pt text from x0 to x1, the first
// baseline at y, named by its first word.
func textBlock(name string, x0, x1, y float64, n int) *block {
	b := &block{}
	for i := 0; i < n; i++ {
		yy := y - 12*float64(i)
		ws := []word{{text: name, x0: x0, x1: x0 + 30, y: yy, size: 10}, {text: "text", x0: x1 - 20, x1: x1, y: yy, size: 10}}
		b.add(newFragment(ws, yy, 10, 0))
	}
	return b
}

// TestFigureAboveColumnsReadsFirst: a flow chart at the top of a
// two-column page (boxes left, centre and right, none spanning the page)
// reads whole before the columns below it; a margin note beside single
// column text does not cut the page.
func TestFigureAboveColumnsReadsFirst(t *testing.T) {
	order := func(bs []*block) string {
		var names []string
		for _, b := range orderBands(bs) {
			names = append(names, strings.Fields(b.lines[0].text)[0])
		}
		return strings.Join(names, " ")
	}
	page := []*block{
		textBlock("boxL1", 100, 200, 740, 3),
		textBlock("boxC", 230, 380, 730, 2),
		textBlock("boxR1", 400, 500, 740, 3),
		textBlock("boxL2", 100, 200, 690, 3),
		textBlock("boxR2", 400, 500, 690, 3),
		textBlock("caption", 56, 300, 640, 1),
		textBlock("left", 56, 290, 610, 30),
		textBlock("right", 310, 545, 610, 30),
	}
	if got, want := order(page), "boxL1 boxC boxR1 boxL2 boxR2 caption left right"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
	single := []*block{
		textBlock("note1", 20, 120, 700, 3),
		textBlock("body1", 150, 545, 700, 10),
		textBlock("note2", 20, 120, 560, 3),
		textBlock("body2", 150, 545, 560, 10),
	}
	if got, want := order(single), "note1 note2 body1 body2"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

// TestProseColumnsAreNotAGrid: three columns of prose whose paragraphs
// start side by side (twice below the top) are not a grid of table cells:
// their paragraphs are long.
func TestProseColumnsAreNotAGrid(t *testing.T) {
	var page []*block
	for i, x := range []float64{56, 226, 396} {
		for j, y := range []float64{700, 616, 520} {
			page = append(page, textBlock(fmt.Sprintf("c%dp%d", i, j), x, x+150, y, 6))
		}
	}
	if rows := gridRows(page); rows != nil {
		t.Errorf("prose read as a grid of %d cells", len(rows))
	}
	ordered := orderBlocks(page)
	if got := readGrids(ordered); len(got) != len(ordered) || got[1] != ordered[1] {
		t.Errorf("readGrids changed the order of prose")
	}
}

// TestTableRowBesideColumnKeepsItsCells: a table in the left column of a
// two-column page, one of whose rows shares its baseline with a line of the
// right column. Its narrow middle cell ("1") leaves a wide gap before the
// last cell ("97") that lines up with the white after short paragraph ends
// further down the left column, but the rows just above and below have text
// over both cells and ink across the gap ("(%)", "11.3"): the gap is inside
// the table, and the row reads whole, like the others, not with its last
// cell cut off into a block of its own.
func TestTableRowBesideColumnKeepsItsCells(t *testing.T) {
	var p pdfgen.Page
	text := func(x, y, size float64, font pdfgen.Font, s string) {
		p.Texts = append(p.Texts, pdfgen.Text{X: x, Y: y, Size: size, Font: font, S: s})
	}
	// Right column: 10 pt lines every 12 pt from y = 700 down the page.
	right := pdfgen.Wrap(pdfgen.TimesRoman, 10, paragraph(5, 160), 222)
	for i, l := range right {
		text(318, 700-12*float64(i), 10, pdfgen.TimesRoman, l)
	}
	text(72, 700, 9, pdfgen.HelveticaBold, "Table 1 Patient answers")
	rows := [][4]string{
		{"Item", "Yes (%)", "No (%)", "Respondents"},
		{"Privacy given", "99", "1", "97"},
		{"Condition explained", "88.7", "11.3", "97"},
		{"Treatment explained", "79.4", "20.6", "97"},
		{"Questions invited", "62.8", "37.2", "78"},
		{"Preferences asked", "91.1", "18.9", "56"},
		{"Medication explained", "85.7", "14.3", "92"},
		{"Treated with respect", "97.9", "12.1", "97"},
		{"Advice on health", "70.1", "29.9", "97"},
	}
	// The header and the first row share baselines with right column
	// lines (688, 676); the other rows sit between them.
	ys := []float64{688, 676, 658, 646, 634, 622, 610, 598, 586}
	for i, r := range rows {
		text(72, ys[i], 8, pdfgen.Helvetica, r[0])
		for c, x := range []float64{180, 215, 250} {
			text(x, ys[i], 8, pdfgen.Helvetica, r[c+1])
		}
	}
	// Left column below the table: paragraphs (first lines indented)
	// whose last lines are short, on the right column's baselines.
	var want []string
	y := 556.0
	for k := 0; k < 4; k++ {
		// The shortest paragraph of 20 words or more whose last line
		// ends under the numbers of the "No (%)" column, just after "1".
		var para string
		var lines []string
		for n := 20; n < 80; n++ {
			para = paragraph(10+k, n)
			lines = pdfgen.Wrap(pdfgen.TimesRoman, 10, para, 222)
			if w := pdfgen.Width(pdfgen.TimesRoman, 10, lines[len(lines)-1]); w >= 149 && w <= 157 {
				break
			}
		}
		if w := pdfgen.Width(pdfgen.TimesRoman, 10, lines[len(lines)-1]); w < 149 || w > 157 {
			t.Fatalf("no paragraph %d with a last line 149 to 157 pt wide", k)
		}
		for i, l := range lines {
			x := 72.0
			if i == 0 {
				x = 82
			}
			text(x, y, 10, pdfgen.TimesRoman, l)
			y -= 12
		}
		want = append(want, unshy(para))
	}
	ex, err := ExtractPDF(context.Background(), (&pdfgen.Doc{Pages: []pdfgen.Page{p}}).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(ex.Pages[0].Text, "\n\n")
	table := []string{"Table 1 Patient answers"}
	for _, r := range rows {
		table = append(table, strings.Join(r[:], " "))
	}
	want = append(table, want...)
	want = append(want, unshy(paragraph(5, 160)))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSmallCapsHeaderCells: the header of a table set in letter-spaced
// small capitals (7.17 pt with 1 pt between letters), whose hyphens and
// the "p" of "p-VALUE" come from the 8.97 pt font the small capitals
// stand for. Each column's cell reads whole, its lines in order: the
// hyphen does not make "DEMENTIA-FREE" a line of bigger text that starts a
// block of its own, and the last letter of "DEMENTIA" stays in the word
// although the next glyphs on the baseline ("p-", a cell further on)
// touch each other.
func TestSmallCapsHeaderCells(t *testing.T) {
	const small, full, tc = 7.1731, 8.9664, 0.1391 // tc: in text space units, 1 pt at 7.17 pt
	var raw strings.Builder
	// run draws s from x at baseline y and returns the x after it.
	run := func(x, y, size, spacing float64, s string) float64 {
		fmt.Fprintf(&raw, "BT /F3 1 Tf %g Tc %g 0 0 %g %g %g Tm (%s) Tj ET\n", spacing, size, size, x, y, s)
		return x + pdfgen.Width(pdfgen.TimesRoman, size, s) + spacing*size*float64(len(s))
	}
	for _, x := range []float64{296, 395.7} {
		run(x, 705.1, small, tc, "PARTICIPANTS")
	}
	x := run(296, 695.2, small, tc, "WHO")
	run(x+3.5, 695.2, small, tc, "REMAINED")
	x = run(395.7, 695.2, small, tc, "WHO")
	run(x+3.5, 695.2, small, tc, "DEVELOPED")
	x = run(296, 685.2, small, tc, "DEMENTIA")
	x = run(x, 685.2, full, 0, "-")
	run(x+1, 685.2, small, tc, "FREE")
	run(395.7, 685.2, small, tc, "DEMENTIA")
	x = run(497.9, 685.2, full, 0, "p-")
	run(x, 685.2, small, tc, "VALUE")
	ex, err := ExtractPDF(context.Background(), (&pdfgen.Doc{Pages: []pdfgen.Page{{Raw: raw.String()}}}).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := "PARTICIPANTS WHO REMAINED DEMENTIA-FREE\n\nPARTICIPANTS WHO DEVELOPED DEMENTIA p-VALUE"
	if got := ex.Pages[0].Text; got != want {
		t.Errorf("text:\n%s\nwant\n%s", got, want)
	}
}

// TestFootnotesBesideColumn: footnotes set small at the foot of the left
// column of a two-column page, some of whose lines share their baselines
// with lines of the right column, set bigger. The footnote's first line
// keeps its own size and reads with its second line as one paragraph, and
// the raised mark "1" before the next footnote, alone on a baseline of the
// right column, stays before the words it marks, not carried off to a
// paragraph of its own after them.
func TestFootnotesBesideColumn(t *testing.T) {
	var p pdfgen.Page
	text := func(x, y, size float64, s string) {
		p.Texts = append(p.Texts, pdfgen.Text{X: x, Y: y, Size: size, Font: pdfgen.TimesRoman, S: s})
	}
	// column returns a paragraph of exactly n lines 222 pt wide.
	column := func(seed, n int) (string, []string) {
		for words := 4 * n; words < 20*n; words++ {
			para := paragraph(seed, words)
			if lines := pdfgen.Wrap(pdfgen.TimesRoman, 10, para, 222); len(lines) == n {
				return para, lines
			}
		}
		t.Fatalf("no paragraph of %d lines", n)
		return "", nil
	}
	// Right column: 10 pt lines every 12 pt from y = 409.97 to 85.97.
	right, lines := column(5, 28)
	for i, l := range lines {
		text(318, 409.97-12*float64(i), 10, l)
	}
	// Left column: a paragraph down to y = 181.97, then the footnotes.
	left, lines := column(9, 20)
	for i, l := range lines {
		text(72, 409.97-12*float64(i), 10, l)
	}
	text(72, 121.97, 7.5, "* Correspondence: anna.berg@example.org, Department of")
	text(72, 112.97, 7.5, "Psychology, University of Somewhere, Somewhere, Sweden")
	text(72, 97.97, 5, "1")
	text(72+pdfgen.Width(pdfgen.TimesRoman, 5, "1"), 94.6, 7.5, "Centre for Population Studies, University of Somewhere")
	ex, err := ExtractPDF(context.Background(), (&pdfgen.Doc{Pages: []pdfgen.Page{p}}).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(ex.Pages[0].Text, "\n\n")
	want := []string{
		unshy(left),
		"* Correspondence: anna.berg@example.org, Department of Psychology, University of Somewhere, Somewhere, Sweden",
		"1 Centre for Population Studies, University of Somewhere",
		unshy(right),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
