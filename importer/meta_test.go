package importer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/testenv"
)

func seedFile(t *testing.T, prefix string) (string, []byte) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "seeds"), prefix+"_*.txt"))
	if len(matches) == 0 {
		t.Skipf("skipping: no seeds/%s_*.txt in the shared folder", prefix)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return matches[0], data
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "meta", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

const (
	titleLjungberg = "The Art of Helpful Relationships with Professionals: A Meta-ethnography of the Perspective of Persons with Severe Mental Illness"
	titleTopor     = "“Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support"
)

var (
	authorsLjungberg = []Author{{Family: "Ljungberg", Given: "Amanda"}, {Family: "Denhov", Given: "Anne"}, {Family: "Topor", Given: "Alain"}}
	authorsTopor     = []Author{{Family: "Topor", Given: "Alain"}, {Family: "Ljungberg", Given: "Amanda"}}
)

// checkRecord compares got with want field by field; the abstract is
// compared by its start (abstractStart) to keep the tables readable.
func checkRecord(t *testing.T, i int, got, want Metadata, abstractStart string) {
	t.Helper()
	if abstractStart != "" && !strings.HasPrefix(got.Abstract, abstractStart) {
		t.Errorf("record %d: abstract = %.80q…, want it to start %q", i, got.Abstract, abstractStart)
	}
	if abstractStart == "" && got.Abstract != "" {
		t.Errorf("record %d: abstract = %.80q, want none", i, got.Abstract)
	}
	got.Abstract = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("record %d:\n got %+v\nwant %+v", i, got, want)
	}
}

func TestParseMetadataFormats(t *testing.T) {
	const abs15 = "Relationships with professionals have been shown"
	const abs16 = "The relationship with professionals is an important factor"
	tests := []struct {
		file      string
		want      []Metadata
		abstracts []string
	}{
		{"zotero.bib", []Metadata{
			{Title: titleLjungberg, Authors: authorsLjungberg, Year: 2015, Date: "2015-12", Journal: "Psychiatric Quarterly",
				Volume: "86", Issue: "4", Pages: "471–495", DOI: "10.1007/s11126-015-9347-5",
				URL: "https://doi.org/10.1007/s11126-015-9347-5", Language: "en", Type: "article-journal"},
			{Title: titleTopor, Authors: authorsTopor, Year: 2016, Date: "2016-10", Journal: "American Journal of Psychiatric Rehabilitation",
				Volume: "19", Issue: "4", Pages: "275–293", DOI: "10.1080/15487768.2016.1255276",
				URL: "https://www.tandfonline.com/doi/abs/10.1080/15487768.2016.1255276", Type: "article-journal"},
		}, []string{abs15, abs16}},
		{"zotero.ris", []Metadata{
			{Title: titleLjungberg, Authors: authorsLjungberg, Year: 2015, Date: "2015-12-01", Journal: "Psychiatric Quarterly",
				Volume: "86", Issue: "4", Pages: "471–495", DOI: "10.1007/s11126-015-9347-5",
				URL: "https://doi.org/10.1007/s11126-015-9347-5", Language: "en", Type: "article-journal"},
			{Title: titleTopor, Authors: authorsTopor, Year: 2016, Date: "2016-10-01", Journal: "American Journal of Psychiatric Rehabilitation",
				Volume: "19", Issue: "4", Pages: "275–293", DOI: "10.1080/15487768.2016.1255276",
				URL: "https://www.tandfonline.com/doi/abs/10.1080/15487768.2016.1255276", Type: "article-journal"},
		}, []string{abs15, abs16 + " in relation to the outcome of interventions directed"}},
		{"zotero.json", []Metadata{
			{Title: titleLjungberg, Authors: authorsLjungberg, Year: 2015, Date: "2015-12-01", Journal: "Psychiatric Quarterly",
				Volume: "86", Issue: "4", Pages: "471–495", DOI: "10.1007/s11126-015-9347-5",
				URL: "https://doi.org/10.1007/s11126-015-9347-5", Language: "en", Type: "article-journal"},
			{Title: titleTopor, Authors: authorsTopor, Year: 2016, Date: "2016-10", Journal: "American Journal of Psychiatric Rehabilitation",
				Volume: "19", Issue: "4", Pages: "275–293", DOI: "10.1080/15487768.2016.1255276",
				URL: "https://www.tandfonline.com/doi/abs/10.1080/15487768.2016.1255276", Type: "article-journal"},
		}, []string{abs15, abs16}},
		{"single.json", []Metadata{
			{Title: titleTopor, Authors: authorsTopor, Year: 2016, Date: "2016-10", Journal: "American Journal of Psychiatric Rehabilitation",
				Volume: "19", Issue: "4", Pages: "275–293", DOI: "10.1080/15487768.2016.1255276",
				URL: "https://www.tandfonline.com/doi/abs/10.1080/15487768.2016.1255276", Type: "article-journal"},
		}, []string{abs16}},
		{"s2_search.json", []Metadata{
			{Title: titleLjungberg, Authors: []Author{{Family: "Ljungberg", Given: "Amanda"}, {Family: "Denhov", Given: "A."}, {Family: "Topor", Given: "A."}},
				Year: 2015, Date: "2015-01-29", Journal: "Psychiatric Quarterly", Volume: "86", Pages: "471–495",
				DOI: "10.1007/s11126-015-9347-5", URL: "https://www.semanticscholar.org/paper/0f3c9a1b2d4e5f60718293a4b5c6d7e8f9012345",
				CitationCount: 96, Type: "article-journal"},
			{Title: titleTopor, Authors: []Author{{Family: "Topor", Given: "A."}, {Family: "Ljungberg", Given: "A."}},
				Year: 2016, Date: "2016", Journal: "American Journal of Psychiatric Rehabilitation", Volume: "19", Pages: "275–293",
				DOI: "10.1080/15487768.2016.1255276", URL: "https://www.semanticscholar.org/paper/9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3",
				CitationCount: 19, Type: "article-journal"},
		}, []string{abs15, ""}},
		{"latex.bib", []Metadata{
			{Title: "Ångest och övergrepp i Västerås: a case study & more",
				Authors: []Author{{Family: "Müller", Given: "Jörg"}, {Family: "Durand", Given: "Émile"}, {Family: "von Neumann", Given: "John"},
					{Family: "van Beethoven", Given: "Ludwig"}, {Literal: "World Health Organization"}, {Family: "García Márquez", Given: "Gabriel"},
					{Family: "Sjöström", Given: "Bjørn"}},
				Year: 2019, Date: "2019-03", Journal: "Journal of Mental Health", Volume: "12", Issue: "3", Pages: "e0123–e0130",
				DOI: "10.1000/abc.123", URL: "https://dx.doi.org/10.1000/ABC.123", CitationCount: 7, Type: "article-journal"},
			{Title: "Paper with Nested Braces and “quotes” — dashes", Authors: []Author{{Family: "Smith, Jr.", Given: "John"}, {Family: "Doe", Given: "Jane"}},
				Year: 2020, Date: "2020-06-15", Journal: "Proceedings of the Test Conference 2020", Pages: "12", Type: "paper-conference"},
			{Title: `Keyless entry with a "quote"`, Year: 2021, Date: "2021", DOI: "10.1000/xyz.9", Type: "document"},
		}, []string{"", "", ""}},
		{"latin1.bib", []Metadata{
			{Title: "Återhämtning och delaktighet i psykiatrisk vård", Authors: []Author{{Family: "Sjöström", Given: "Åsa"}, {Family: "Müller", Given: "Jörg"}},
				Year: 2014, Date: "2014", Journal: "Socialmedicinsk tidskrift", Pages: "12–19", Type: "article-journal"},
		}, []string{""}},
		{"latin1.ris", []Metadata{
			{Title: "Återhämtning och delaktighet i psykiatrisk vård", Authors: []Author{{Family: "Sjöström", Given: "Åsa"}},
				Year: 2014, Date: "2014", Journal: "Socialmedicinsk tidskrift", Pages: "12–19", Type: "article-journal"},
		}, []string{""}},
		{"utf16.ris", []Metadata{
			{Title: "Återhämtning och delaktighet i psykiatrisk vård", Authors: []Author{{Family: "Sjöström", Given: "Åsa"}},
				Year: 2014, Date: "2014", Journal: "Socialmedicinsk tidskrift", Pages: "12–19", Type: "article-journal"},
		}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFixture(t, tt.file)
			if DetectKind(tt.file, data[:min(len(data), 512)]) != KindMetadata {
				t.Errorf("DetectKind(%s) is not metadata", tt.file)
			}
			got, err := ParseMetadata(tt.file, data)
			if err != nil {
				t.Fatalf("ParseMetadata: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d records, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				checkRecord(t, i, got[i], tt.want[i], tt.abstracts[i])
				assertValidUTF8(t, got[i])
			}
		})
	}
}

func assertValidUTF8(t *testing.T, m Metadata) {
	t.Helper()
	for _, s := range append([]string{m.Title, m.Journal, m.Abstract, m.Volume, m.Issue, m.Pages, m.DOI, m.URL, m.Date}, m.AltTitles...) {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 in %q", s)
		}
	}
	for _, a := range m.Authors {
		if !utf8.ValidString(a.Name()) {
			t.Errorf("invalid UTF-8 in author %q", a.Name())
		}
	}
}

func TestParseMetadataSeedAggregator(t *testing.T) {
	name, data := seedFile(t, "002")
	if k := DetectKind(name, data[:min(len(data), 512)]); k != KindMetadata {
		t.Fatalf("DetectKind(%s) = %q, want metadata", name, k)
	}
	recs, err := ParseMetadata(name, data)
	if err != nil {
		t.Fatalf("ParseMetadata: %v", err)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	m := recs[0]
	want := Metadata{
		Title:         "“Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support",
		AltTitles:     []string{"“一切都是那么轻松和个性化”-在个人安置和支持中建立有益的关系"},
		Authors:       []Author{{Family: "Topor", Given: "A."}, {Family: "Ljungberg", Given: "A."}},
		Year:          2016,
		Date:          "2016-10-01",
		Journal:       "American journal of psychiatric rehabilitation",
		Volume:        "8 1", // wrong at the source; kept as given for the user to correct
		Pages:         "275–293",
		DOI:           "10.1080/15487768.2016.1255276",
		URL:           "https://doi.org/10.1080/15487768.2016.1255276",
		CitationCount: 19,
		Type:          "article-journal",
	}
	checkRecord(t, 0, m, want, "The relationship with professionals is an important factor")
	if strings.Contains(recs[0].Abstract, "ABSTRACT") {
		t.Errorf("abstract keeps its label: %.40q", recs[0].Abstract)
	}
	if NormalizeTitle(m.Title) != NormalizeTitle(titleTopor) {
		t.Errorf("seed title does not match the Zotero title by NormalizeTitle")
	}
}

func TestParseMetadataPartial(t *testing.T) {
	tests := []struct {
		file       string
		wantTitles []string
		wantErrs   []string // substrings, one per bad record, in order
	}{
		{"partial.bib", []string{"First good record", "Second good record"},
			[]string{"record 2, line 7: @article{unbalanced: field \"title\": unbalanced braces",
				"record 3, line 11: @article{noequals: field \"title\": expected =",
				"record 4, line 15: @article{empty: no title or DOI"}},
		{"partial.ris", []string{"First good record", "Second good record"},
			[]string{"line 1: text outside a record", "record 2, line 8: JOUR record: no title or DOI"}},
		{"partial.json", []string{"First good record", "Second good record"},
			[]string{"record 2, line 3: not a JSON object (a string)", "record 3, line 4: CSL-JSON record has no title or DOI"}},
		{"broken.json", []string{"First good record"}, []string{"record 2, line 3: json: line 3: invalid character"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, err := ParseMetadata(tt.file, readFixture(t, tt.file))
			var titles []string
			for _, r := range recs {
				titles = append(titles, r.Title)
			}
			if !reflect.DeepEqual(titles, tt.wantTitles) {
				t.Errorf("titles = %q, want %q", titles, tt.wantTitles)
			}
			var pe *ParseErrors
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want a *ParseErrors", err)
			}
			if len(pe.Errors) != len(tt.wantErrs) {
				t.Fatalf("%d record errors, want %d: %v", len(pe.Errors), len(tt.wantErrs), err)
			}
			for i, want := range tt.wantErrs {
				if got := pe.Errors[i].Error(); !strings.Contains(got, want) {
					t.Errorf("error %d = %q, want it to contain %q", i, got, want)
				}
			}
			if !strings.Contains(err.Error(), tt.file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestParseMetadataMalformed(t *testing.T) {
	tests := []struct {
		name, data string
		wantErr    string
		is         error
	}{
		{"empty.bib", "", "no @entry", nil},
		{"comments.bib", "% only a comment\n", "no @entry", nil},
		{"notes.txt", "just some notes", "", ErrUnknownMetadataFormat},
		{"data.csv", "a,b,c\n1,2,3\n", "", ErrUnknownMetadataFormat},
		{"truncated.json", `[{"title": "A"`, "unexpected end of file", nil},
		{"truncated-object.json", `{"title": "A", `, "unexpected end of file", nil},
		{"syntax.json", "{\n\"title\": A}", "line 2", nil},
		{"empty-array.json", "[]", "", ErrNoRecords},
		{"number.json", "42", "", ErrUnknownMetadataFormat},
		{"scalar-record.json", `["x"]`, "not a JSON object", nil},
		{"noty.ris", "TI  - Title without TY\nER  - \n", "text outside a record", nil},
		{"unterminated.bib", "@article{k, title = {T}", "missing closing", nil},
		{"quote.bib", "@article{k, title = \"T}", "unterminated quoted value", nil},
		{"wrapper.json", `{"data": [{"paperId": "x"}]}`, "no title or DOI", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := ParseMetadata(tt.name, []byte(tt.data))
			if err == nil {
				t.Fatalf("no error; records %+v", recs)
			}
			if len(recs) != 0 {
				t.Errorf("records %+v, want none", recs)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %q", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q, want it to contain %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.name) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestParseMetadataBibTeXOneLine(t *testing.T) {
	data := []byte(`@string{pq = "Psychiatric Quarterly"}@article{a, title = {One}, journal = pq}  @article{b, title = {Two}} trailing comment`)
	recs, err := ParseMetadata("one-line.bib", data)
	if err != nil || len(recs) != 2 || recs[0].Title != "One" || recs[0].Journal != "Psychiatric Quarterly" || recs[1].Title != "Two" {
		t.Fatalf("got %+v, %v", recs, err)
	}
}

func TestParseMetadataCrossref(t *testing.T) {
	// A Crossref REST API work, as https://api.crossref.org/works/DOI returns it.
	data := []byte(`{"status":"ok","message-type":"work","message":{
		"DOI":"10.1080/15487768.2016.1255276","type":"journal-article","page":"275-293","volume":"19","issue":"4",
		"title":["\u201cEverything is so relaxed and personal\u201d \u2013 The construction of helpful relationships in individual placement and support"],
		"container-title":["American Journal of Psychiatric Rehabilitation"],
		"author":[{"given":"Alain","family":"Topor","sequence":"first"},{"given":"Amanda","family":"Ljungberg","sequence":"additional"}],
		"published-print":{"date-parts":[[2016,10,1]]},"is-referenced-by-count":19,
		"abstract":"<jats:title>ABSTRACT</jats:title><jats:p>The relationship with professionals &amp; <jats:italic>coaches</jats:italic>.</jats:p>"}}`)
	recs, err := ParseMetadata("work.json", data)
	if err != nil || len(recs) != 1 {
		t.Fatalf("got %+v, %v", recs, err)
	}
	want := Metadata{Title: titleTopor, Authors: authorsTopor, Year: 2016, Date: "2016-10-01",
		Journal: "American Journal of Psychiatric Rehabilitation", Volume: "19", Issue: "4", Pages: "275–293",
		DOI: "10.1080/15487768.2016.1255276", CitationCount: 19, Type: "article-journal"}
	checkRecord(t, 0, recs[0], want, "The relationship with professionals & coaches.")
}

func TestStripTags(t *testing.T) {
	tests := []struct{ in, want string }{
		{"H<sub>2</sub>O in <i>E. coli</i>", "H2O in E. coli"},
		{"<p>One.</p><p>Two &amp; three</p>", " One.  Two & three "},
		{"a < b and c > d", "a < b and c > d"},
	}
	for _, tt := range tests {
		if got := stripTags(tt.in); got != tt.want {
			t.Errorf("stripTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseMetadataTrailingText(t *testing.T) {
	// As in the aggregator seed: one JSON record, then plain text lines.
	data := []byte(`{"title": "A record", "DOI": "10.1000/x.1", "type": "article-journal"}` + "\nA record\nSome abstract text {with braces} and [brackets].\n")
	recs, err := ParseMetadata("record.txt", data)
	if err != nil || len(recs) != 1 || recs[0].Title != "A record" || recs[0].DOI != "10.1000/x.1" {
		t.Fatalf("got %+v, %v", recs, err)
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf8", []byte("Sjöström"), "Sjöström"},
		{"utf8 BOM", []byte("\xef\xbb\xbfSjöström"), "Sjöström"},
		{"latin1", []byte("Sj\xf6str\xf6m"), "Sjöström"},
		{"cp1252 quotes", []byte("\x93quoted\x94 \x96 dash"), "“quoted” – dash"},
		{"mixed", []byte("Müller and Sj\xf6str\xf6m"), "Müller and Sjöström"},
		{"utf16le", []byte("\xff\xfeS\x00j\x00\xf6\x00"), "Sjö"},
		{"utf16be", []byte("\xfe\xff\x00S\x00j\x00\xf6"), "Sjö"},
		{"decomposed to NFC", []byte("Sjo\u0308stro\u0308m"), "Sjöström"},
	}
	for _, tt := range tests {
		if got := decodeText(tt.in); got != tt.want {
			t.Errorf("%s: decodeText = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLatexToUnicode(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{\"o}`, "ö"}, {`\"{o}`, "ö"}, {`\"o`, "ö"}, {`{\'E}`, "É"}, {`\'\i`, "í"}, {`{\'\i}`, "í"},
		{`\v{c}`, "č"}, {`\c c`, "ç"}, {`{\aa}`, "å"}, {`{\AA}`, "Å"}, {`\o`, "ø"}, {`Bj\o rn`, "Bjørn"},
		{`{\ss}`, "ß"}, {`\~n`, "ñ"}, {`\^{e}`, "ê"}, {`\u{g}`, "ğ"}, {`\H{o}`, "ő"}, {`\k{a}`, "ą"},
		{`\l{}ód\'z`, "łódź"}, {`\& \% \$ \_`, "& % $ _"}, {`275--293`, "275–293"}, {`a---b`, "a—b"},
		{"``q''", "“q”"}, {`\emph{x} \textbf{y}`, "x y"}, {`{DNA}`, "DNA"}, {`$\alpha$-test`, "α-test"},
		{`\unknown{kept}`, "kept"}, {`a~b`, "a b"}, {`plain`, "plain"},
	}
	for _, tt := range tests {
		if got := collapseSpace(nfc(latexToUnicode(tt.in))); got != tt.want {
			t.Errorf("latexToUnicode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func nfc(s string) string { return decodeText([]byte(s)) }

func TestNormalizePages(t *testing.T) {
	tests := []struct{ in, want string }{
		{"275 - 293", "275–293"}, {"275--293", "275–293"}, {"275-293", "275–293"}, {"275–293", "275–293"},
		{"e0123", "e0123"}, {"12", "12"}, {"S12-S19", "S12–S19"}, {"1-1", "1"}, {"", ""}, {"xii, 45", "xii, 45"},
	}
	for _, tt := range tests {
		if got := normalizePages(tt.in); got != tt.want {
			t.Errorf("normalizePages(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseName(t *testing.T) {
	tests := []struct {
		in   string
		want Author
	}{
		{"Topor, Alain", Author{Family: "Topor", Given: "Alain"}},
		{"A. Topor", Author{Family: "Topor", Given: "A."}},
		{"Ludwig van Beethoven", Author{Family: "van Beethoven", Given: "Ludwig"}},
		{"Martin Luther King Jr.", Author{Family: "King Jr.", Given: "Martin Luther"}},
		{"Smith, Jr., John", Author{Family: "Smith, Jr.", Given: "John"}},
		{"Plato", Author{Family: "Plato"}},
		{"Topor A", Author{Family: "Topor", Given: "A"}},
		{"Ljungberg AM", Author{Family: "Ljungberg", Given: "AM"}},
		{"John Smith III", Author{Family: "Smith III", Given: "John"}},
	}
	for _, tt := range tests {
		if got := parseName(tt.in); got != tt.want {
			t.Errorf("parseName(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	got := splitNameList("A. Topor, A. Ljungberg")
	want := []Author{{Family: "Topor", Given: "A."}, {Family: "Ljungberg", Given: "A."}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitNameList = %+v, want %+v", got, want)
	}
}

func TestDetectMetadataFormat(t *testing.T) {
	tests := []struct{ name, head, want string }{
		{"x.bib", "@article{k,", FormatBibTeX},
		{"x.txt", "% JabRef\n@Book{k,", FormatBibTeX},
		{"x.ris", "TY  - JOUR\n", FormatRIS},
		{"export.txt", "\ufeffTY  - JOUR\n", FormatRIS},
		{"x.json", `[{"type":"book"}]`, FormatCSLJSON},
		{"x.txt", `{"title":"t","resultStr":"{}"}`, FormatS2JSON},
		{"x.bib", "nothing", FormatBibTeX},
		{"x.txt", "nothing", ""},
	}
	for _, tt := range tests {
		if got := DetectMetadataFormat(tt.name, []byte(tt.head)); got != tt.want {
			t.Errorf("DetectMetadataFormat(%q, %q) = %q, want %q", tt.name, tt.head, got, tt.want)
		}
	}
}

// TestParseMetadataLarge checks that a large file of many records parses
// and that a broken entry near the start does not make the rest quadratic:
// it must finish well inside the test timeout.
func TestParseMetadataLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping large input in -short mode")
	}
	var bib bytes.Buffer
	bib.WriteString("@article{broken, title = {never closed\n")
	for i := 0; bib.Len() < 8<<20; i++ {
		bib.WriteString("@article{k, title = {A {nested} title}, author = {Topor, Alain and Ljungberg, Amanda}, year = 2016, pages = {1--2}}\n")
	}
	recs, err := ParseMetadata("big.bib", bib.Bytes())
	var pe *ParseErrors
	if !errors.As(err, &pe) || len(pe.Errors) != 1 {
		t.Fatalf("error = %v, want one bad record", err)
	}
	if len(recs) < 50000 {
		t.Fatalf("got %d records", len(recs))
	}
	var ris strings.Builder
	ris.WriteString("TY  - JOUR\nAB  - ")
	for ris.Len() < 8<<20 {
		ris.WriteString("a wrapped abstract line that goes on and on\n")
	}
	if _, err := ParseMetadata("big.ris", []byte(ris.String())); err == nil {
		t.Fatal("an 8 MB abstract without ER: want an error")
	}
}

func FuzzParseMetadata(f *testing.F) {
	for _, name := range []string{"zotero.bib", "zotero.ris", "zotero.json", "s2_search.json", "latex.bib", "partial.bib", "partial.ris", "partial.json", "latin1.ris"} {
		data, err := os.ReadFile(filepath.Join("testdata", "meta", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Add("x.txt", []byte(`{"title":"t","resultStr":"{\"title\":\"o\",\"authors\":\"A. B, C. D\"}"}`))
	f.Add("x.bib", []byte(`@article{k, author = {{\"O}} and and , title = "\'\'\'"}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		recs, err := ParseMetadata(name, data)
		if len(recs) == 0 && err == nil {
			t.Fatal("no records and no error")
		}
		for _, m := range recs {
			assertValidUTF8(t, m)
			if m.DOI != "" && (m.DOI != strings.ToLower(m.DOI) || !strings.HasPrefix(m.DOI, "10.")) {
				t.Fatalf("DOI %q not normalised", m.DOI)
			}
			if m.Title == "" && m.DOI == "" {
				t.Fatalf("record without title or DOI: %+v", m)
			}
		}
	})
}
