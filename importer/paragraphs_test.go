package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// styledLine is one line of a generated page: its runs, left to right, each
// in its own font.
type styledLine struct {
	x, size float64
	runs    []styledRun
}

type styledRun struct {
	font pdfgen.Font
	s    string
}

func line(x, size float64, runs ...styledRun) *styledLine {
	return &styledLine{x: x, size: size, runs: runs}
}

func run(f pdfgen.Font, s string) styledRun { return styledRun{f, s} }

// styledPage lays lines out top down from y with the given leading; a nil
// entry leaves a wide gap (a new block).
func styledPage(y, leading float64, lines []*styledLine) pdfgen.Page {
	var p pdfgen.Page
	for _, l := range lines {
		if l == nil {
			y -= 4 * leading
			continue
		}
		x := l.x
		for i, r := range l.runs {
			s := r.s
			if i < len(l.runs)-1 {
				s += " "
			}
			t := pdfgen.Text{X: x, Y: y, Size: l.size, Font: r.font, S: s}
			p.Texts = append(p.Texts, t)
			x += pdfgen.RunWidth(t)
		}
		y -= leading
	}
	return p
}

// checkParagraphs extracts page and compares its paragraphs with want.
func checkParagraphs(t *testing.T, page pdfgen.Page, want []string) {
	t.Helper()
	d := &pdfgen.Doc{Pages: []pdfgen.Page{page}}
	ex, err := ExtractPDF(context.Background(), d.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(ex.Pages[0].Text, "\n\n")
	if !slices.Equal(got, want) {
		t.Errorf("paragraphs differ %s\ngot:\n%s", firstDiff(got, want), strings.Join(got, "\n--\n"))
	}
}

// Headings set on a line of their own (a bold or sans-serif face, or a
// bigger size) are paragraphs of their own, not the first words of the text
// below them; the signs that make them so do not split a reference list
// that sets its authors in bold, nor ragged text whose line starts with an
// italic word.
func TestHeadingsStandApart(t *testing.T) {
	const (
		hb = pdfgen.HelveticaBold
		tr = pdfgen.TimesRoman
		tb = pdfgen.TimesBold
		ti = pdfgen.TimesItalic
	)
	lines := []*styledLine{
		line(72, 9, run(hb, "Competing interests")),
		line(72, 9, run(tr, "The authors declare that they have no competing interests.")),
		line(72, 9, run(hb, "Authors' contributions")),
		line(72, 9, run(tr, "All authors were involved in the conception and design of the")),
		line(72, 9, run(tr, "study and approved the final version of the manuscript.")),
		line(72, 9, run(hb, "Acknowledgements")),
		line(72, 9, run(tr, "We thank the staff of the ward for their help with")),
		line(72, 9, run(ti, "Helicobacter"), run(tr, "strains and the laboratory for its work on")),
		line(72, 9, run(tr, "the samples.")),
		nil,
		line(72, 11, run(hb, "Document review and observations")),
		line(72, 9, run(hb, "Staffing")),
		line(72, 9, run(tr, "The medical staff included two clinical officers and seven")),
		line(72, 9, run(tr, "medical doctors, some of them on rotation.")),
		nil,
		line(72, 9, run(tb, "Folstein, M. F., Folstein, S. E. and McHugh, P. R.")),
		line(81, 9, run(tr, "(1975). Mini-mental state: a practical method for grading")),
		line(81, 9, run(tr, "the cognitive state of patients. Psychiatric Research.")),
		line(72, 9, run(tb, "Fratiglioni, L., Paillard-Borg, S. and Winblad, B.")),
		line(81, 9, run(tr, "(2004). An active and socially integrated lifestyle in late")),
		line(81, 9, run(tr, "life might protect against dementia. Lancet Neurology.")),
	}
	want := []string{
		"Competing interests",
		"The authors declare that they have no competing interests.",
		"Authors' contributions",
		"All authors were involved in the conception and design of the study and approved the final version of the manuscript.",
		"Acknowledgements",
		"We thank the staff of the ward for their help with Helicobacter strains and the laboratory for its work on the samples.",
		"Document review and observations",
		"Staffing",
		"The medical staff included two clinical officers and seven medical doctors, some of them on rotation.",
		"Folstein, M. F., Folstein, S. E. and McHugh, P. R. (1975). Mini-mental state: a practical method for grading the cognitive state of patients. Psychiatric Research.",
		"Fratiglioni, L., Paillard-Borg, S. and Winblad, B. (2004). An active and socially integrated lifestyle in late life might protect against dementia. Lancet Neurology.",
	}
	checkParagraphs(t, styledPage(700, 11, lines), want)
}

// The items of a list are paragraphs of their own: numbered items with
// hanging indents, items that fit on one line, items after a bullet
// character or after a bullet glyph that has no text (a symbol font
// without a Unicode mapping), also when an item starts in lower case; an
// item's next line set at its text goes on with it, even in capitals. A
// number that starts a line in running text ("Table\n2.") does not start an
// item.
func TestListItemsStandApart(t *testing.T) {
	const tr = pdfgen.TimesRoman
	l := func(x float64, s string) *styledLine { return line(x, 9, run(tr, s)) }
	lines := []*styledLine{
		l(72, "The specific objectives were to assess"),
		nil,
		l(72, "1. the organization of patient flow and care within the"),
		l(83, "department"),
		l(72, "2. the stakeholder views and expectations of the quality"),
		l(83, "of care in the Medical Department"),
		nil,
		l(72, "(i) experience of the rehabilitation programme,"),
		l(72, "(ii) beliefs about their diagnosis of heart failure, and"),
		l(72, "(iii) the role of the GP in their care."),
		nil,
		l(72, "• Convenient online submission"),
		l(72, "• thorough peer review"),
		l(72, "•   <MIME>/XMLnamespaces (a mapping from XML pairs to"),
		l(72+pdfgen.Width(tr, 9, "•   "), "MIME types)"),
		nil,
		l(82, "the patient's perspective of the quality of healthcare"),
		l(82, "delivery and"),
		l(82, "the patient's satisfaction with services in the ward"),
		nil,
		l(72, "The counts of admissions by ward are given in Table"),
		l(72, "2. They show that most patients came in at night and"),
		l(72, "that the short stay ward took most of them."),
	}
	page := styledPage(700, 11, lines)
	// Bullets drawn with an unmapped code (3 in a font whose encoding has
	// no name for it) before the last list's two items.
	item1, item2 := page.Texts[len(page.Texts)-6], page.Texts[len(page.Texts)-4]
	for _, it := range []pdfgen.Text{item1, item2} {
		page.Raw += fmt.Sprintf("BT /F4 9 Tf %.2f %.2f Td <03> Tj ET\n", it.X-8, it.Y)
	}
	want := []string{
		"The specific objectives were to assess",
		"1. the organization of patient flow and care within the department",
		"2. the stakeholder views and expectations of the quality of care in the Medical Department",
		"(i) experience of the rehabilitation programme,",
		"(ii) beliefs about their diagnosis of heart failure, and",
		"(iii) the role of the GP in their care.",
		"• Convenient online submission",
		"• thorough peer review",
		"• <MIME>/XMLnamespaces (a mapping from XML pairs to MIME types)",
		"the patient's perspective of the quality of healthcare delivery and",
		"the patient's satisfaction with services in the ward",
		"The counts of admissions by ward are given in Table 2. They show that most patients came in at night and that the short stay ward took most of them.",
	}
	checkParagraphs(t, page, want)
}

// The boxes of a flow chart set in a text column read row by row, top down,
// each row left to right (not column by column, as the text columns around
// them do); the columns of text still read left column first.
func TestFlowChartReadsByRows(t *testing.T) {
	const (
		tr      = pdfgen.TimesRoman
		label   = 6.5
		body    = 9.0
		leading = 11.0
	)
	var p pdfgen.Page
	box := func(x, y float64, s string) {
		p.Texts = append(p.Texts, pdfgen.Text{X: x, Y: y, Size: label, Font: tr, S: s})
	}
	// The labels of a flow chart's boxes (after Agyeman-Duah et al. 2014,
	// Figure 1), in rows about 42 pt apart, each where centring in its box
	// puts it. The boxes of a row differ in height, so their labels sit on
	// different baselines, and the right column starts below the chart.
	// (Labels far apart on one baseline, or on the baseline of the next
	// column's line, are cut apart only where the page's gutters support
	// it: see splitLines.)
	box(72, 689.1, "Referred cases (36%)")
	box(73, 680.5, "Self-referrals (64%)")
	box(203, 685.5, "OPD II")
	box(153, 651.5, "SHORT")
	box(156, 642.9, "STAY")
	box(203, 647.7, "HOME")
	box(249, 654.5, "OTHERS")
	box(250, 645.9, "Referrals")
	box(91, 607.5, "WARDS")
	box(85, 598.9, "Male / female")
	box(154, 603.6, "HOME")
	box(212, 610.5, "OTHERS")
	box(200, 601.9, "(Internal) Referrals")
	box(91, 564.9, "HOME")
	column := func(x, y float64, paras ...string) float64 {
		for _, para := range paras {
			for _, l := range pdfgen.Wrap(tr, body, para, 228) {
				p.Texts = append(p.Texts, pdfgen.Text{X: x, Y: y, Size: body, Font: tr, S: l})
				y -= leading
			}
			y -= leading / 2
		}
		return y
	}
	caption := "Figure 1 Patient flow pattern at the medical department."
	left := []string{caption, paragraph(1, 60), paragraph(2, 50)}
	right := []string{paragraph(3, 70), paragraph(4, 50)}
	if y := column(72, 535, left...); y < 72 {
		t.Fatalf("left column runs off the page (y %.0f)", y)
	}
	if y := column(312, 560, right...); y < 72 {
		t.Fatalf("right column runs off the page (y %.0f)", y)
	}
	want := append([]string{
		"Referred cases (36%) Self-referrals (64%)",
		"OPD II",
		"SHORT STAY", "HOME", "OTHERS Referrals",
		"WARDS Male / female", "HOME", "OTHERS (Internal) Referrals",
		"HOME",
	}, append(left, right...)...)
	for i := range want {
		want[i] = unshy(want[i])
	}
	checkParagraphs(t, p, want)
}

// Footnotes at the foot of a column (a raised number or a footnote sign
// before their first word) are paragraphs of their own, one per note, and
// the sentence they cut goes on from the column before them: "…with low
// molecular" + "weight heparins…" at the top of the next column.
func TestFootnotesDoNotCutTheSentence(t *testing.T) {
	const tr = pdfgen.TimesRoman
	var p pdfgen.Page
	text := func(x, y, size float64, s string) {
		p.Texts = append(p.Texts, pdfgen.Text{X: x, Y: y, Size: size, Font: tr, S: s})
	}
	y := 700.0
	left := paragraph(5, 80) + " Current evidence supports the use of anticoagulation with low molecular"
	for _, l := range pdfgen.Wrap(tr, 9, left, 228) {
		text(72, y, 9, l)
		y -= 11
	}
	y -= 20
	text(72, y, 7, "* Correspondence: ball.chad@example.org")
	y -= 9
	text(72, y+2.5, 4.5, "1")
	text(75, y, 7, "Department of Surgery, University of Calgary, Calgary, Canada")
	y -= 9
	text(72, y+2.5, 4.5, "2")
	text(75, y, 7, "Department of Surgery, University of British Columbia, Vancouver")
	right := "weight heparins (LMWHs) as the primary prophylactic agent. " + paragraph(6, 40)
	ry := 700.0
	for _, l := range pdfgen.Wrap(tr, 9, right, 228) {
		text(312, ry, 9, l)
		ry -= 11
	}
	want := []string{
		unshy(left + " " + right),
		"* Correspondence: ball.chad@example.org",
		"1 Department of Surgery, University of Calgary, Calgary, Canada",
		"2 Department of Surgery, University of British Columbia, Vancouver",
	}
	checkParagraphs(t, p, want)
}

// A "©" drawn as a circle glyph with a small "C" inside it (as TeX builds
// circled letters) reads "©", not "©C"; a "C" beside the sign stays.
func TestCircledLetterIsOneSign(t *testing.T) {
	const tr = pdfgen.TimesRoman
	sign := pdfgen.Width(tr, 9, "©")
	p := pdfgen.Page{Texts: []pdfgen.Text{
		{X: 72 + sign/2 - 2, Y: 700.5, Size: 6, Font: tr, S: "C"},
		{X: 72, Y: 700, Size: 9, Font: tr, S: "© 2014 Biochemical Society"},
		{X: 72, Y: 680, Size: 9, Font: tr, S: "©C Rapport, CC BY 4.0"},
	}}
	ex, err := ExtractPDF(context.Background(), (&pdfgen.Doc{Pages: []pdfgen.Page{p}}).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := "© 2014 Biochemical Society\n\n©C Rapport, CC BY 4.0"
	if ex.Pages[0].Text != want {
		t.Errorf("text %q, want %q", ex.Pages[0].Text, want)
	}
}
