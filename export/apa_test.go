package export

import (
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/importer"
)

// seedArticle is the seed record of Topor & Ljungberg (2016), as
// shared/themes.md lists it (the seed gives no volume we trust).
var seedArticle = importer.Metadata{
	Title:   "“Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support",
	Authors: []importer.Author{{Family: "Topor", Given: "A."}, {Family: "Ljungberg", Given: "A."}},
	Year:    2016, Journal: "American Journal of Psychiatric Rehabilitation", Pages: "275–293",
	DOI: "10.1080/15487768.2016.1255276",
}

func TestInText(t *testing.T) {
	three := []importer.Author{{Family: "Ljungberg", Given: "Amanda"}, {Family: "Denhov", Given: "Anne"}, {Family: "Topor", Given: "Alain"}}
	cases := []struct {
		name        string
		m           importer.Metadata
		first, last string
		want        string
	}{
		{"seed article", seedArticle, "280", "280", "(Topor & Ljungberg, 2016, p. 280)"},
		{"across a page break", seedArticle, "280", "281", "(Topor & Ljungberg, 2016, pp. 280–281)"},
		{"no page", seedArticle, "", "", "(Topor & Ljungberg, 2016)"},
		{"three authors", importer.Metadata{Authors: three, Year: 2015}, "471", "", "(Ljungberg et al., 2015, p. 471)"},
		{"one author", importer.Metadata{Authors: three[:1], Year: 2015}, "3", "3", "(Ljungberg, 2015, p. 3)"},
		{"no year", importer.Metadata{Authors: three[:2]}, "3", "3", "(Ljungberg & Denhov, n.d., p. 3)"},
		{"year from date", importer.Metadata{Authors: three[:2], Date: "2014-05"}, "", "", "(Ljungberg & Denhov, 2014)"},
		{"institution", importer.Metadata{Authors: []importer.Author{{Literal: "World Health Organization"}}, Year: 2022}, "iv", "iv", "(World Health Organization, 2022, p. iv)"},
		{"no authors", importer.Metadata{Title: "Being personal and its risks: a note", Year: 2019}, "4", "4", "(“Being personal and its risks,” 2019, p. 4)"},
		{"nothing", importer.Metadata{}, "", "", "(“Untitled,” n.d.)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := InText(c.m, c.first, c.last); got != c.want {
				t.Errorf("InText = %q, want %q", got, c.want)
			}
		})
	}
}

func TestReference(t *testing.T) {
	cases := []struct {
		name           string
		m              importer.Metadata
		plain, md, htm string
	}{
		{"seed article", seedArticle,
			"Topor, A., & Ljungberg, A. (2016). “Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support. American Journal of Psychiatric Rehabilitation, 275–293. https://doi.org/10.1080/15487768.2016.1255276",
			"Topor, A., & Ljungberg, A. (2016). “Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support. *American Journal of Psychiatric Rehabilitation*, 275–293. https://doi.org/10.1080/15487768.2016.1255276",
			"Topor, A., &amp; Ljungberg, A. (2016). “Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support. <i>American Journal of Psychiatric Rehabilitation</i>, 275–293. https://doi.org/10.1080/15487768.2016.1255276"},
		{"volume, issue, hyphen range, full given names",
			importer.Metadata{Title: "The art of helpful relationships with professionals", Year: 2015, Journal: "Psychiatric Quarterly", Volume: "86", Issue: "4", Pages: "471-495", DOI: "https://doi.org/10.1007/S11126-015-9347-5",
				Authors: []importer.Author{{Family: "Ljungberg", Given: "Amanda"}, {Family: "Denhov", Given: "Anne-Karin"}, {Family: "Topor", Given: "Alain J.R."}}},
			"Ljungberg, A., Denhov, A.-K., & Topor, A. J. R. (2015). The art of helpful relationships with professionals. Psychiatric Quarterly, 86(4), 471–495. https://doi.org/10.1007/s11126-015-9347-5",
			"Ljungberg, A., Denhov, A.-K., & Topor, A. J. R. (2015). The art of helpful relationships with professionals. *Psychiatric Quarterly, 86*(4), 471–495. https://doi.org/10.1007/s11126-015-9347-5",
			"Ljungberg, A., Denhov, A.-K., &amp; Topor, A. J. R. (2015). The art of helpful relationships with professionals. <i>Psychiatric Quarterly, 86</i>(4), 471–495. https://doi.org/10.1007/s11126-015-9347-5"},
		{"missing year", importer.Metadata{Title: "Non-helpful relationships", Authors: []importer.Author{{Family: "Ljungberg", Given: "A."}}, Journal: "Journal of Mental Health", Volume: "25", Issue: "3", Pages: "267–277"},
			"Ljungberg, A. (n.d.). Non-helpful relationships. Journal of Mental Health, 25(3), 267–277.", "", ""},
		{"missing journal", importer.Metadata{Title: "Why ask?", Authors: []importer.Author{{Family: "Topor", Given: "Alain"}}, Year: 2020, Pages: "1-9", Volume: "3"},
			"Topor, A. (2020). Why ask?", "", ""},
		{"missing authors", importer.Metadata{Title: "Being personal and its risks", Year: 2019, Journal: "Nordic Journal", URL: "https://example.org/a"},
			"Being personal and its risks. (2019). Nordic Journal. https://example.org/a", "Being personal and its risks. (2019). *Nordic Journal*. https://example.org/a", ""},
		{"missing everything but the title", importer.Metadata{Title: "  Notes\n on   boundaries "}, "Notes on boundaries. (n.d.).", "", ""},
		{"book", importer.Metadata{Title: "Recovery", Type: "book", Authors: []importer.Author{{Literal: "Sainsbury Centre"}}, Year: 2009},
			"Sainsbury Centre. (2009). Recovery.", "Sainsbury Centre. (2009). *Recovery.*", "Sainsbury Centre. (2009). <i>Recovery.</i>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ReferenceOf(c.m)
			if got := r.Plain(); got != c.plain {
				t.Errorf("Plain =\n %q, want\n %q", got, c.plain)
			}
			if c.md != "" && r.Markdown() != c.md {
				t.Errorf("Markdown =\n %q, want\n %q", r.Markdown(), c.md)
			}
			if c.htm != "" && r.HTML() != c.htm {
				t.Errorf("HTML =\n %q, want\n %q", r.HTML(), c.htm)
			}
			for _, bad := range []string{"undefined", "()", "( )", " ,", ",,", "..", "<nil>", "  "} {
				if strings.Contains(r.Plain(), bad) {
					t.Errorf("%q contains %q", r.Plain(), bad)
				}
			}
		})
	}
}

func TestManyAuthors(t *testing.T) {
	var authors []importer.Author
	for i := range 22 {
		authors = append(authors, importer.Author{Family: "Author" + string(rune('A'+i)), Given: "Xavier"})
	}
	m := importer.Metadata{Title: "Big team", Authors: authors, Year: 2020}
	got := ReferenceOf(m).Plain()
	want := "AuthorS, X., . . . AuthorV, X. (2020). Big team."
	if !strings.Contains(got, want) || strings.Count(got, ", X.") != 20 {
		t.Errorf("22 authors: %q, want the first 19, an ellipsis and the last", got)
	}
	m.Authors = authors[:20]
	if got := ReferenceOf(m).Plain(); !strings.Contains(got, "AuthorS, X., & AuthorT, X. (2020)") {
		t.Errorf("20 authors: %q", got)
	}
	if got := InText(m, "", ""); got != "(AuthorA et al., 2020)" {
		t.Errorf("InText = %q", got)
	}
}

func TestPrintedPage(t *testing.T) {
	cases := []struct {
		name    string
		n       PageNumbering
		pdfPage int
		label   string
		want    string
	}{
		{"page label wins over the range", PageNumbering{Pages: "275–293", PageCount: 19}, 6, "280", "280"},
		{"roman label", PageNumbering{PageCount: 19}, 2, "iv", "iv"},
		{"label that is no number", PageNumbering{Pages: "275–293", PageCount: 19}, 1, "Cover", "275"},
		{"range spans the PDF", PageNumbering{Pages: "275–293", PageCount: 19}, 6, "", "280"},
		{"range with a hyphen, abbreviated", PageNumbering{Pages: "275-93", PageCount: 19}, 19, "", "293"},
		{"range does not span the PDF (a cover page)", PageNumbering{Pages: "275–293", PageCount: 20}, 6, "", "6"},
		{"no range", PageNumbering{PageCount: 12}, 4, "", "4"},
		{"user's first printed page wins", PageNumbering{FirstPrintedPage: 4, Pages: "275–293", PageCount: 19}, 1, "1", "4"},
		{"user's first printed page, later page", PageNumbering{FirstPrintedPage: 274, PageCount: 20}, 7, "", "280"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PrintedPage(c.n, c.pdfPage, c.label); got != c.want {
				t.Errorf("PrintedPage = %q, want %q", got, c.want)
			}
		})
	}
}

func TestPageRange(t *testing.T) {
	for _, c := range []struct {
		in          string
		first, last int
		ok          bool
	}{
		{"275–293", 275, 293, true}, {"275-293", 275, 293, true}, {"275 - 93", 275, 293, true}, {"1234", 1234, 1234, true},
		{"e1234", 0, 0, false}, {"", 0, 0, false}, {"293–275", 0, 0, false},
	} {
		first, last, ok := PageRange(c.in)
		if first != c.first && c.ok || last != c.last && c.ok || ok != c.ok {
			t.Errorf("PageRange(%q) = %d, %d, %v; want %d, %d, %v", c.in, first, last, ok, c.first, c.last, c.ok)
		}
	}
}

func TestParseColor(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"#1f77b4", "#1F77B4"}, {"#f80", "#FF8800"}, {"rgb(10, 20, 30)", "#0A141E"}, {"rgba(255,0,0,0.5)", "#FF0000"},
		{"Teal", "#008080"}, {"#FF1F77B4", "#1F77B4"}, {"1f77b4", "#1F77B4"}, {"16711680", "#FF0000"}, {"nonsense", ""}, {"", ""},
	} {
		got, ok := ParseColor(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ParseColor(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}
