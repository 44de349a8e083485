package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// fields are the header fields measured, in table order.
var fields = []string{"title", "authors", "year", "journal", "volume", "issue", "first_page", "doi", "abstract", "printed_pages"}

// truth is an article's known header.
type truth struct {
	Title   string
	Authors []importer.Author
	Year    int
	Journal string
	// Alternatives are other spellings of the journal that count as right
	// (the full name of a journal that prints only its abbreviation).
	JournalAlternatives []string
	Volume              string
	Issue               string
	FirstPage           string
	DOI                 string
	// The abstract is known whole (generated articles) or by how it starts
	// and ends (corpus articles, read from the PDF).
	Abstract                   string
	AbstractStart, AbstractEnd string
	Printed                    []string // the page number printed on each PDF page
}

// result is one article's extraction compared with its truth.
type result struct {
	name  string
	right map[string]bool
	got   map[string]string // what was extracted, for fields that are wrong
	want  map[string]string
	err   error
}

func authorsString(list []importer.Author) string {
	var out []string
	for _, a := range list {
		out = append(out, a.Family+", "+a.Given)
	}
	return strings.Join(out, "; ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// compare scores an extraction against the truth, field by field.
func compare(name string, ex *importer.Extraction, t truth) result {
	r := result{name: name, right: map[string]bool{}, got: map[string]string{}, want: map[string]string{}}
	m := ex.Metadata
	first := ""
	if f, _, ok := strings.Cut(m.Pages, "–"); ok || m.Pages != "" {
		first = f
	}
	var printed []string
	for _, p := range ex.Pages {
		printed = append(printed, p.Printed)
	}
	abstractRight := oneLine(m.Abstract) == oneLine(t.Abstract)
	if t.Abstract == "" {
		a := importer.NormalizeTitle(m.Abstract)
		abstractRight = a != "" && strings.HasPrefix(a, importer.NormalizeTitle(t.AbstractStart)) && strings.HasSuffix(a, importer.NormalizeTitle(t.AbstractEnd))
	}
	journalRight := m.Journal == t.Journal
	for _, alt := range t.JournalAlternatives {
		journalRight = journalRight || m.Journal == alt
	}
	check := func(field string, ok bool, got, want string) {
		r.right[field] = ok
		if !ok {
			r.got[field], r.want[field] = got, want
		}
	}
	check("title", oneLine(m.Title) == oneLine(t.Title), m.Title, t.Title)
	check("authors", authorsString(m.Authors) == authorsString(t.Authors), authorsString(m.Authors), authorsString(t.Authors))
	check("year", m.Year == t.Year, strconv.Itoa(m.Year), strconv.Itoa(t.Year))
	check("journal", journalRight, m.Journal, t.Journal)
	check("volume", m.Volume == t.Volume, m.Volume, t.Volume)
	check("issue", m.Issue == t.Issue, m.Issue, t.Issue)
	check("first_page", first == t.FirstPage, first, t.FirstPage)
	check("doi", importer.NormalizeDOI(m.DOI) == importer.NormalizeDOI(t.DOI), m.DOI, t.DOI)
	check("abstract", abstractRight, shorten(m.Abstract), shorten(t.Abstract+t.AbstractStart+" … "+t.AbstractEnd))
	check("printed_pages", strings.Join(printed, ",") == strings.Join(t.Printed, ","), strings.Join(printed, ","), strings.Join(t.Printed, ","))
	return r
}

func shorten(s string) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > 90 {
		return string(r[:60]) + " … " + string(r[len(r)-25:])
	}
	return s
}

// generatedTruth is the known header of a generated article.
func generatedTruth(a pdfgen.HeaderArticle) truth {
	t := truth{Title: a.Title, Year: a.Year, Journal: a.Journal, Volume: a.Volume, Issue: a.TruthIssue(),
		DOI: a.DOI, Abstract: a.Abstract, Printed: a.PrintedPages()}
	for _, p := range a.Authors {
		t.Authors = append(t.Authors, importer.Author{Given: p.Given, Family: p.Family})
	}
	if a.FirstPage > 0 {
		t.FirstPage = strconv.Itoa(a.FirstPage)
	}
	return t
}

// evalGenerated extracts n generated articles and compares them.
func evalGenerated(ctx context.Context, n int, seed int64) []result {
	var out []result
	for i, a := range pdfgen.HeaderSet(n, seed) {
		name := fmt.Sprintf("gen-%03d (style %d, place %d, %d cols, %d authors, xmp %v)", i, a.Cite, a.CitePlace, max(a.Columns, 1), len(a.Authors), a.XMP)
		ex, err := importer.ExtractPDF(ctx, a.Doc().Bytes())
		if err != nil {
			out = append(out, result{name: name, err: err, right: map[string]bool{}})
			continue
		}
		out = append(out, compare(name, ex, generatedTruth(a)))
	}
	return out
}

// evalCorpus extracts the corpus articles whose truth is known.
func evalCorpus(ctx context.Context, dir string) ([]result, error) {
	var out []result
	for _, c := range corpusTruth {
		path := filepath.Join(dir, c.file)
		if _, err := os.Stat(path); err != nil {
			return out, fmt.Errorf("corpus article %s: %w", path, err)
		}
		ex, err := importer.ExtractPDFFile(ctx, path)
		if err != nil {
			out = append(out, result{name: c.file, err: err, right: map[string]bool{}})
			continue
		}
		out = append(out, compare(c.file, ex, c.truth))
	}
	return out, nil
}

// rates is each field's share of articles extracted right.
func rates(rs []result) map[string]float64 {
	out := map[string]float64{}
	if len(rs) == 0 {
		return out
	}
	for _, f := range fields {
		n := 0
		for _, r := range rs {
			if r.right[f] {
				n++
			}
		}
		out[f] = float64(n) / float64(len(rs))
	}
	return out
}
