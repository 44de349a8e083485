package importer

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

func TestParseCitation(t *testing.T) {
	cases := []struct {
		line string
		want Citation
		ok   bool
	}{
		{"International Psychogeriatrics (2014), 26:1, 147–154 © International Psychogeriatric Association 2013. The online version",
			Citation{Journal: "International Psychogeriatrics", Year: 2014, Volume: "26", Issue: "1", First: 147, Last: 154}, true},
		{"Clinical Science (2014) 126, 305–313 (Printed in Great Britain) doi: 10.1042/CS20130403",
			Citation{Journal: "Clinical Science", Year: 2014, Volume: "126", First: 305, Last: 313}, true},
		{"Agyeman-Duah et al. BMC Health Services Research 2014, 14:1",
			Citation{Journal: "BMC Health Services Research", Year: 2014, Volume: "14", Article: "1"}, true},
		{"Journal of Trauma Management & Outcomes 2010 4:1. doi:10.1186/1752-2897-4-1",
			Citation{Journal: "Journal of Trauma Management & Outcomes", Year: 2010, Volume: "4", Article: "1"}, true},
		{"Rehabilitation Research and Practice Volume 2010, Article ID 157939, 6 pages",
			Citation{Journal: "Rehabilitation Research and Practice", Year: 2010, Volume: "2010", Article: "157939"}, true},
		{"Webb et al. (2017), PeerJ Comput. Sci., DOI 10.7717/peerj-cs.118 2/16",
			Citation{}, false}, // a journal and a year only: a running head, not a citation
		{"Social Science & Medicine, 2015, 12(3), 45–67",
			Citation{Journal: "Social Science & Medicine", Year: 2015, Volume: "12", Issue: "3", First: 45, Last: 67}, true},
		{"Journal of Mental Health, Vol. 12, No. 3, pp. 45–67, 2015",
			Citation{Journal: "Journal of Mental Health", Year: 2015, Volume: "12", Issue: "3", First: 45, Last: 67}, true},
		{"Nordic Journal of Psychiatry 2015;12(3):45-67",
			Citation{Journal: "Nordic Journal of Psychiatry", Year: 2015, Volume: "12", Issue: "3", First: 45, Last: 67}, true},
		{"Qualitative Health Research 45 (2015) 123–145",
			Citation{Journal: "Qualitative Health Research", Year: 2015, Volume: "45", First: 123, Last: 145}, true},
		{"Community Mental Health Journal (2015) 12:45–67",
			Citation{Journal: "Community Mental Health Journal", Year: 2015, Volume: "12", First: 45, Last: 67}, true},
		{"Journal of Mental Health 2016, 25(1): 1234–45",
			Citation{Journal: "Journal of Mental Health", Year: 2016, Volume: "25", Issue: "1", First: 1234, Last: 1245}, true},
		// Not citation lines.
		{"Life events do not increase risk of dementia 149", Citation{}, false},
		{"Received 9 November 2010; Accepted 25 December 2010", Citation{}, false},
		{"Copyright © 2010 Nuala E. Tully et al. This is an open access article", Citation{}, false},
		{"Department of Psychology, Umeå University, 90187 Umeå, Sweden", Citation{}, false},
		{"www.clinsci.org 305", Citation{}, false},
		{"R. G. Douglas and others", Citation{}, false},
	}
	for _, c := range cases {
		got, ok := ParseCitation(c.line)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseCitation(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

func TestParseCitationAfterTitle(t *testing.T) {
	line := "How to cite this article Webb et al. (2017), VESPA: Very large-scale Evolutionary and Selective Pressure Analyses. PeerJ Comput. Sci. 3:e118; DOI 10.7717/peerj-cs.118"
	got, ok := parseCitationAfterTitle(line, NormalizeTitle("VESPA: Very large-scale Evolutionary and Selective Pressure Analyses"))
	want := Citation{Journal: "PeerJ Comput. Sci.", Year: 2017, Volume: "3", Article: "e118"}
	if !ok || got != want {
		t.Errorf("got %+v, %v; want %+v", got, ok, want)
	}
}

func TestPersonName(t *testing.T) {
	cases := []struct {
		in   string
		want Author
		ok   bool
	}{
		{"Anna Sundström", Author{Given: "Anna", Family: "Sundström"}, true},
		{"Lars-Göran Nilsson", Author{Given: "Lars-Göran", Family: "Nilsson"}, true},
		{"Ross G. DOUGLAS", Author{Given: "Ross G.", Family: "Douglas"}, true},
		{"Mary J. O’Connell", Author{Given: "Mary J.", Family: "O’Connell"}, true},
		{"Josephine Nana Afrakoma Agyeman-Duah", Author{Given: "Josephine Nana Afrakoma", Family: "Agyeman-Duah"}, true},
		{"Pieter van der Berg", Author{Given: "Pieter", Family: "van der Berg"}, true},
		{"Thomas A. Walsh", Author{Given: "Thomas A.", Family: "Walsh"}, true},
		{"JOHN SMITH", Author{Given: "John", Family: "Smith"}, true},
		{"Jane Doe PhD", Author{Given: "Jane", Family: "Doe"}, true},
		{"Department of Psychology", Author{}, false},
		{"Umeå University", Author{}, false},
		{"Cambridge Journals", Author{}, false},
		{"Sundström", Author{}, false},
		{"the development of dementia", Author{}, false},
	}
	for _, c := range cases {
		got, ok := personName(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("personName(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestCutMarks(t *testing.T) {
	for in, want := range map[string]string{
		"SHARMA†": "SHARMA", "MASUYER‡,": "MASUYER,", "Nilsson4": "Nilsson", "Smith1,2,": "Smith,",
		"Walsh": "Walsh", "Smith*": "Smith", "Rönnlund²": "Rönnlund", "Doea,b": "Doe",
	} {
		if got, _ := cutMarks(in); got != want {
			t.Errorf("cutMarks(%q) = %q, want %q", in, got, want)
		}
	}
}

// splitInfoAuthors and authorsFromList read /Info and XMP author strings,
// refusing what is not a list of persons.
func TestAuthorsFromList(t *testing.T) {
	cases := []struct {
		in   []string
		want []Author
		ok   bool
	}{
		{[]string{"Indraneel Datta", "Chad G Ball"}, []Author{{Given: "Indraneel", Family: "Datta"}, {Given: "Chad G", Family: "Ball"}}, true},
		{splitInfoAuthors("Topor, Alain; Ljungberg, Alexandra"), []Author{{Given: "Alain", Family: "Topor"}, {Given: "Alexandra", Family: "Ljungberg"}}, true},
		{splitInfoAuthors("Alain Topor and Alexandra Ljungberg"), []Author{{Given: "Alain", Family: "Topor"}, {Given: "Alexandra", Family: "Ljungberg"}}, true},
		{[]string{"Nuala E. Tully {et al.}"}, nil, false},
		{[]string{"Cambridge Journals"}, nil, false},
		{[]string{"ipg1300180a"}, nil, false},
	}
	for _, c := range cases {
		got, ok := authorsFromList(c.in)
		if ok != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("authorsFromList(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseXMP(t *testing.T) {
	packet := `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:prism="http://prismstandard.org/namespaces/basic/2.1/" prism:volume="19" prism:number="4"/>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prism="http://prismstandard.org/namespaces/basic/2.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="sv">Hjälpsamma relationer</rdf:li><rdf:li xml:lang="x-default">Helpful relationships with professionals</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Alain Topor</rdf:li><rdf:li>Alexandra Ljungberg</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">American Journal of Psychiatric Rehabilitation 2016 19:4</rdf:li></rdf:Alt></dc:description>
<prism:publicationName>American Journal of Psychiatric Rehabilitation</prism:publicationName>
<prism:startingPage>275</prism:startingPage><prism:endingPage>293</prism:endingPage>
<prism:coverDate>2016-10-01</prism:coverDate><prism:doi>10.1080/15487768.2016.1197866</prism:doi>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
	m, creators := xmpMetadata(parseXMP([]byte(packet)))
	want := Metadata{Title: "Helpful relationships with professionals", Journal: "American Journal of Psychiatric Rehabilitation",
		Volume: "19", Issue: "4", Pages: "275–293", Year: 2016, Date: "2016-10-01", DOI: "10.1080/15487768.2016.1197866"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("xmpMetadata = %+v\nwant %+v", m, want)
	}
	if !reflect.DeepEqual(creators, []string{"Alain Topor", "Alexandra Ljungberg"}) {
		t.Errorf("creators = %q", creators)
	}
	// A broken packet gives what came before the fault, and never panics.
	for _, bad := range []string{"", "<x:xmpmeta", packet[:len(packet)/2], "<dc:title xmlns:dc=\"http://purl.org/dc/elements/1.1/\">&bogus;</dc:title>"} {
		parseXMP([]byte(bad))
	}
}

func TestPrintedPages(t *testing.T) {
	pages := func(headers ...string) []PageText {
		var out []PageText
		for i, h := range headers {
			out = append(out, PageText{Number: i + 1, Header: h, Text: "Body text of the page."})
		}
		return out
	}
	cases := []struct {
		name  string
		pages []PageText
		want  []string
	}{
		{"alternating heads, first page from its citation line",
			append([]PageText{{Number: 1, Text: "International Psychogeriatrics (2014), 26:1, 147–150 © 2013\n\nStressful life events"}},
				pages("148 A. Sundström et al.", "Life events do not increase risk of dementia 149", "150 A. Sundström et al.")[0:]...),
			[]string{"147", "148", "149", "150"}},
		{"Page N of M, unnumbered first page",
			pages("Agyeman-Duah et al. BMC Health Services Research 2014, 14:1", "Page 2 of 4", "Page 3 of 4", "Agyeman-Duah et al. Page 4 of 4"),
			[]string{"1", "2", "3", "4"}},
		{"an excerpt: the first page, then pages 9–11",
			pages("Datta et al. Journal 2010, 4:1", "Page 9 of 11", "Page 10 of 11", "Page 11 of 11"),
			[]string{"1", "9", "10", "11"}},
		{"a supplement after the printed range",
			append([]PageText{{Number: 1, Header: "Clinical Science (2014) 126, 305–307 (Printed in Great Britain)\nwww.clinsci.org 305"}},
				pages("306 © The Authors Journal compilation © 2014", "www.clinsci.org 307", "www.clinsci.org", "© The Authors")...),
			[]string{"305", "306", "307", "", ""}},
		{"a figure page between numbered pages",
			pages("12", "13", "", "15", "16"),
			[]string{"12", "13", "14", "15", "16"}},
		{"a cover before the article",
			append([]PageText{{Number: 1, Text: "Downloaded from the archive"}, {Number: 2, Text: "Journal of Mental Health (2015) 12:45–48\n\nTitle"}},
				pages("46", "47", "48")...),
			[]string{"", "45", "46", "47", "48"}},
		{"a year in the head is no page number",
			pages("2014 Annual report 3", "2014 Annual report 4", "2014 Annual report 5"),
			[]string{"3", "4", "5"}},
		{"N/M at the end of a footer",
			pages("", "Webb et al. (2017), PeerJ Comput. Sci., DOI 10.7717/peerj-cs.118 2/3", "Webb et al. (2017), PeerJ Comput. Sci., DOI 10.7717/peerj-cs.118 3/3"),
			[]string{"1", "2", "3"}},
		{"nothing printed", pages("", "", ""), []string{"", "", ""}},
	}
	for _, c := range cases {
		for i := range c.pages {
			c.pages[i].Number = i + 1
		}
		if got := PrintedPages(c.pages); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestAbstractOf(t *testing.T) {
	cases := []struct{ text, want string }{
		{"Title\n\nAbstract\n\nWe studied this. It worked.\n\nKeywords: a, b\n\nIntroduction", "We studied this. It worked."},
		{"ABSTRACT\n\nBackground: One.\n\nMethods: Two.\n\nKey words: x\n\nIntro", "Background: One.\n\nMethods: Two."},
		{"Abstract: Inline abstract here. Keywords: x, y", "Inline abstract here."},
		{"Copyright notice.\n\nObjectives. Patients were asked. Conclusion. It helps.\n\n1. Introduction\n\nText", "Objectives. Patients were asked. Conclusion. It helps."},
		{"Abstract\n\nA molecule was 927-fold\n\n− more selective than the other.\n\nKey words: ACE", "A molecule was 927-fold − more selective than the other."},
		{"No abstract on this page.", ""},
	}
	for _, c := range cases {
		if got := abstractOf(c.text); got != c.want {
			t.Errorf("abstractOf(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// A PDF whose metadata streams are junk: the /Info title is a file name,
// XMP names the publisher as the author. The first page wins for both, and
// each field says where it came from.
func TestExtractMetadataJunkInfo(t *testing.T) {
	a := pdfgen.HeaderSet(1, 3)[0]
	a.Info = "paper.dvi"
	a.XMP = false
	doc := a.Doc()
	doc.XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">ipg1300180a</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Cambridge Journals</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>`
	ex, err := ExtractPDF(context.Background(), doc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m := ex.Metadata
	if m.Title != a.Title || ex.MetadataSources["title"] != SourcePage1 {
		t.Errorf("title %q from %q, want %q from page1", m.Title, ex.MetadataSources["title"], a.Title)
	}
	var names []string
	for _, p := range a.Authors {
		names = append(names, p.Name())
	}
	var got []string
	for _, au := range m.Authors {
		got = append(got, au.Name())
	}
	if strings.Join(got, "; ") != strings.Join(names, "; ") || ex.MetadataSources["authors"] != SourcePage1 {
		t.Errorf("authors %q from %q, want %q from page1", got, ex.MetadataSources["authors"], names)
	}
	if m.Journal != a.Journal || m.Year != a.Year {
		t.Errorf("journal %q year %d, want %q %d", m.Journal, m.Year, a.Journal, a.Year)
	}
}

// With an XMP packet, its fields win and say so.
func TestExtractMetadataFromXMP(t *testing.T) {
	a := pdfgen.HeaderSet(1, 5)[0]
	a.XMP = true
	ex, err := ExtractPDF(context.Background(), a.Doc().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"title", "authors", "journal", "volume", "year", "doi"} {
		if ex.MetadataSources[f] != SourceXMP {
			t.Errorf("%s from %q, want xmp", f, ex.MetadataSources[f])
		}
	}
	if ex.Metadata.Journal != a.Journal || ex.Metadata.Volume != a.Volume || ex.Metadata.Year != a.Year {
		t.Errorf("got %+v", ex.Metadata)
	}
}

// FuzzHeaderText feeds arbitrary text to the text readers of header
// extraction: citation lines, XMP packets, running heads and abstracts.
// None may panic; a citation read has a journal; every page gets a printed
// number or "".
func FuzzHeaderText(f *testing.F) {
	for _, s := range []string{
		"International Psychogeriatrics (2014), 26:1, 147–154 © International",
		"Journal of Mental Health, Vol. 12, No. 3, pp. 45–67, 2015",
		"Webb et al. (2017), PeerJ Comput. Sci., DOI 10.7717/peerj-cs.118 2/16",
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:prism=\"http://prismstandard.org/namespaces/basic/2.0/\" prism:volume=\"3\"/></rdf:RDF></x:xmpmeta>",
		"Page 7 of 10\n148 A. Sundström et al.",
		"Abstract\n\nText. Keywords: a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, ok := ParseCitation(s); ok && c.Journal == "" {
			t.Errorf("citation without a journal from %q", s)
		}
		xmpMetadata(parseXMP([]byte(s)))
		abstractOf(s)
		lines := strings.Split(s, "\n")
		pages := make([]PageText, len(lines))
		for i, l := range lines {
			pages[i] = PageText{Number: i + 1, Header: l, Text: s}
		}
		if got := PrintedPages(pages); len(got) != len(pages) {
			t.Errorf("%d printed numbers for %d pages", len(got), len(pages))
		}
	})
}

// parseCitationAfterTitle builds a line's normalized prefix word by word:
// that holds only while a title's normalization is its words'
// normalizations joined by single spaces. Checked on lines with
// punctuation, accents, apostrophes, ligatures and words of punctuation
// alone.
func TestNormalizeTitleByWords(t *testing.T) {
	for _, line := range []string{
		"The art of helpful relationships with professionals: A meta-ethnography",
		"Participants’ views — “being seen” (2015) 86(4), 471–495",
		"Sundström, Rönnlund & Ørsted; Ĳssel ﬁrst-rate ﬀ … – ¶ ' ’ ʼ",
		"  leading and trailing   spaces  ",
		"Psychiatric Quarterly, 86(4). doi:10.1007/s11126-015-9347-5",
		"ÉCOLE Straße İstanbul ΣΊΣΥΦΟΣ",
	} {
		var parts []string
		for _, w := range strings.Fields(line) {
			if n := NormalizeTitle(w); n != "" {
				parts = append(parts, n)
			}
		}
		if got, want := strings.Join(parts, " "), NormalizeTitle(line); got != want {
			t.Errorf("%q: words give %q, the line %q", line, got, want)
		}
	}
}
