package export

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/testenv"
)

// The six corpus articles imported on their own, with no metadata record:
// each gets its authors, year and journal from the article itself, and a
// quote on its second PDF page is cited with the page number printed on
// that page.
var corpusCitations = []struct {
	file     string
	families []string
	year     int
	journal  string
	page2    string // the number printed on PDF page 2
}{
	{"agyemanduah2014-bmchsr.pdf", []string{"Agyeman-Duah", "Theurer", "Munthali", "Alide", "Neuhann"}, 2014, "BMC Health Services Research", "2"},
	{"datta2010-jtmo.pdf", []string{"Datta", "Ball", "Rudmik", "Hameed", "Kortbeek"}, 2010, "Journal of Trauma Management & Outcomes", "9"},
	{"douglas2014-clinsci.pdf", []string{"Douglas", "Sharma", "Masuyer", "Lubbe", "Zamora", "Acharya", "Chibale", "Sturrock"}, 2014, "Clinical Science", "306"},
	{"sundstrom2014-ipg.pdf", []string{"Sundström", "Rönnlund", "Adolfsson", "Nilsson"}, 2014, "International Psychogeriatrics", "148"},
	{"tully2010-rrp.pdf", []string{"Tully", "Morgan", "Burke", "McGee"}, 2010, "Rehabilitation Research and Practice", "2"},
	{"webb2017-peerjcs.pdf", []string{"Webb", "Walsh", "O’Connell"}, 2017, "PeerJ Comput. Sci.", "2"},
}

// corpusLibrary imports the corpus articles into a fresh library and
// returns it with each file's document id.
func corpusLibrary(t *testing.T) (*index.Library, map[string]int64, string) {
	t.Helper()
	dir := testenv.Shared(t, "corpus")
	ctx := context.Background()
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	var paths []string
	for _, c := range corpusCitations {
		paths = append(paths, filepath.Join(dir, c.file))
	}
	rep, err := lib.Import(ctx, paths, nil)
	if err != nil || len(rep.Failed) > 0 || len(rep.Imported) != len(paths) {
		t.Fatalf("import: %v %+v", err, rep)
	}
	ids := map[string]int64{}
	for _, it := range rep.Imported {
		ids[filepath.Base(it.File)] = it.ID
	}
	return lib, ids, dir
}

// quoteOn returns a stretch of words from the middle of a page, to tag.
func quoteOn(t *testing.T, lib *index.Library, id int64, page int) string {
	t.Helper()
	p, err := lib.PageText(context.Background(), id, page)
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(p.Text)
	if len(words) < 60 {
		t.Fatalf("document %d page %d has %d words", id, page, len(words))
	}
	return strings.Join(words[40:49], " ")
}

// citationOf tags quote on page of document id and returns the in-text
// citation the export gives it.
func citationOf(t *testing.T, lib *index.Library, id int64, page int, quote string) string {
	t.Helper()
	ctx := context.Background()
	a, err := lib.Tag(ctx, index.TagRequest{DocID: id, Page: page, Quote: quote, Themes: []string{"Trust"}})
	if err != nil {
		t.Fatalf("tag %q on page %d: %v", quote, page, err)
	}
	d, err := Collect(ctx, lib, Filter{DocIDs: []int64{id}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Excerpts {
		if e.ID == a.ID {
			return e.Citation
		}
	}
	t.Fatalf("annotation %d not exported", a.ID)
	return ""
}

func TestCorpusCitationsWithoutMetadata(t *testing.T) {
	lib, ids, _ := corpusLibrary(t)
	ctx := context.Background()
	for _, c := range corpusCitations {
		t.Run(c.file, func(t *testing.T) {
			id := ids[c.file]
			d, err := lib.Document(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var families []string
			for _, a := range d.Authors {
				families = append(families, a.Family)
			}
			if strings.Join(families, "; ") != strings.Join(c.families, "; ") {
				t.Errorf("authors %q, want %q", families, c.families)
			}
			if d.Year != c.year || d.Journal != c.journal {
				t.Errorf("year %d, journal %q; want %d, %q", d.Year, d.Journal, c.year, c.journal)
			}
			cite := citationOf(t, lib, id, 2, quoteOn(t, lib, id, 2))
			first := c.families[0]
			want := "(" + first
			switch len(c.families) {
			case 1:
			case 2:
				want += " & " + c.families[1]
			default:
				want += " et al."
			}
			want += ", " + itoa(c.year) + ", p. " + c.page2 + ")"
			if cite != want {
				t.Errorf("citation %q, want %q", cite, want)
			}
		})
	}
}

// Agyeman-Duah: /PageLabels say "0, 1, 2, …", the pages print "Page 7 of
// 10": a quote on PDF page 7 is cited p. 7, and show reports the labels'
// disagreement.
func TestCorpusAgyemanDuahPageSeven(t *testing.T) {
	lib, ids, _ := corpusLibrary(t)
	id := ids["agyemanduah2014-bmchsr.pdf"]
	if cite := citationOf(t, lib, id, 7, quoteOn(t, lib, id, 7)); !strings.HasSuffix(cite, ", p. 7)") {
		t.Errorf("quote on PDF page 7 cited %q, want p. 7", cite)
	}
	rpt, err := lib.PageNumbers(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if rpt.Source != index.PagesFromPrint || len(rpt.Disagreements) != 1 || !strings.Contains(rpt.Disagreements[0], "page labels") {
		t.Errorf("page numbers: %+v", rpt)
	}
}

// Douglas: printed 305–313 on 13 PDF pages (nine article pages, four of
// supplement): PDF page 2 is cited as printed, 306, also after a BibTeX
// record with pages = {305--313} is imported; the supplement's pages are
// reported as printing none.
func TestCorpusDouglasAfterRecord(t *testing.T) {
	lib, ids, _ := corpusLibrary(t)
	ctx := context.Background()
	id := ids["douglas2014-clinsci.pdf"]
	bib := filepath.Join(t.TempDir(), "douglas.bib")
	os.WriteFile(bib, []byte(`@article{douglas2014,
  title = {Fragment-based design for the development of N-domain-selective angiotensin-1-converting enzyme inhibitors},
  author = {Douglas, Ross G. and Sharma, Rajni K. and Masuyer, Geoffrey and Lubbe, Lizelle and Zamora, Ismael and Acharya, K. Ravi and Chibale, Kelly and Sturrock, Edward D.},
  journal = {Clinical Science}, year = {2014}, volume = {126}, number = {4}, pages = {305--313},
  doi = {10.1042/CS20130403}
}`), 0o644)
	rep, err := lib.Import(ctx, []string{bib}, nil)
	if err != nil || len(rep.Updated) != 1 || rep.Updated[0].ID != id {
		t.Fatalf("record import: %+v %v", rep, err)
	}
	d, _ := lib.Document(ctx, id)
	if d.Issue != "4" || d.FieldSources["issue"] != "record" || d.FieldSources["abstract"] != "page1" {
		t.Errorf("record merged: issue %q, sources %v", d.Issue, d.FieldSources)
	}
	if cite := citationOf(t, lib, id, 2, quoteOn(t, lib, id, 2)); cite != "(Douglas et al., 2014, p. 306)" {
		t.Errorf("quote on PDF page 2 cited %q, want p. 306", cite)
	}
	rpt, _ := lib.PageNumbers(ctx, id)
	if rpt.First != "305" || rpt.Last != "313" || len(rpt.Unnumbered) != 4 || rpt.Unnumbered[0] != 10 || len(rpt.Disagreements) != 0 {
		t.Errorf("page numbers: %+v", rpt)
	}
	// The reader's label for that page says the same.
	p, _ := lib.PageText(ctx, id, 2)
	if got, _ := d.Numbering().PrintedPage(2, p.Label, p.Printed); got != "306" || index.PageLabel(got, 2) != "p. 306 (PDF p. 2)" {
		t.Errorf("page 2 shown as %q", got)
	}
	if !utf8.ValidString(d.Abstract) || !strings.HasPrefix(d.Abstract, "ACE (angiotensin-1-converting enzyme)") {
		t.Errorf("abstract kept from page 1: %.60q", d.Abstract)
	}

	// Through a REFI-QDA project into another library, the quote is still
	// cited p. 306: the project carries the printed page numbers.
	data, err := Collect(ctx, lib, Filter{DocIDs: []int64{id}, FullText: true})
	if err != nil {
		t.Fatal(err)
	}
	qdpx := filepath.Join(t.TempDir(), "douglas.qdpx")
	if err := WriteFile(qdpx, QDPX, data, Options{}); err != nil {
		t.Fatal(err)
	}
	fresh, err := index.Open(ctx, filepath.Join(t.TempDir(), "fresh"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	p2, err := ReadProjectFile(qdpx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyProject(ctx, fresh, p2); err != nil {
		t.Fatal(err)
	}
	again, err := Collect(ctx, fresh, Filter{})
	if err != nil || len(again.Excerpts) != 1 || again.Excerpts[0].Citation != "(Douglas et al., 2014, p. 306)" {
		t.Errorf("after a REFI-QDA round trip: %+v %v", again, err)
	}
}
