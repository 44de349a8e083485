package importer

import (
	"context"
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

func line(x, size float64, runs ...styledRun) styledLine {
	return styledLine{x: x, size: size, runs: runs}
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
	l := func(x, size float64, runs ...styledRun) *styledLine {
		sl := line(x, size, runs...)
		return &sl
	}
	lines := []*styledLine{
		l(72, 9, run(hb, "Competing interests")),
		l(72, 9, run(tr, "The authors declare that they have no competing interests.")),
		l(72, 9, run(hb, "Authors' contributions")),
		l(72, 9, run(tr, "All authors were involved in the conception and design of the")),
		l(72, 9, run(tr, "study and approved the final version of the manuscript.")),
		l(72, 9, run(hb, "Acknowledgements")),
		l(72, 9, run(tr, "We thank the staff of the ward for their help with")),
		l(72, 9, run(ti, "Helicobacter"), run(tr, "strains and the laboratory for its work on")),
		l(72, 9, run(tr, "the samples.")),
		nil,
		l(72, 11, run(hb, "Document review and observations")),
		l(72, 9, run(hb, "Staffing")),
		l(72, 9, run(tr, "The medical staff included two clinical officers and seven")),
		l(72, 9, run(tr, "medical doctors, some of them on rotation.")),
		nil,
		l(72, 9, run(tb, "Folstein, M. F., Folstein, S. E. and McHugh, P. R.")),
		l(81, 9, run(tr, "(1975). Mini-mental state: a practical method for grading")),
		l(81, 9, run(tr, "the cognitive state of patients. Psychiatric Research.")),
		l(72, 9, run(tb, "Fratiglioni, L., Paillard-Borg, S. and Winblad, B.")),
		l(81, 9, run(tr, "(2004). An active and socially integrated lifestyle in late")),
		l(81, 9, run(tr, "life might protect against dementia. Lancet Neurology.")),
	}
	d := &pdfgen.Doc{Pages: []pdfgen.Page{styledPage(700, 11, lines)}}
	ex, err := ExtractPDF(context.Background(), d.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(ex.Pages[0].Text, "\n\n")
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
	if !slices.Equal(got, want) {
		t.Errorf("paragraphs differ %s\ngot:\n%s", firstDiff(got, want), strings.Join(got, "\n--\n"))
	}
}
