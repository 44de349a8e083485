package export

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// fixedTime is the clock of every fixture and golden file.
var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixturePages are the stored pages of the small fixed library.
var fixturePages = map[int64][]index.Page{
	// Topor & Ljungberg: three PDF pages, metadata range 275–277, no labels.
	1: {
		{DocID: 1, Number: 1, Text: "“Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support."},
		{DocID: 1, Number: 2, Text: "The coach was “something different – as a human being”, one participant said.\nShe treated me as a person, not as a case & a number."},
		{DocID: 1, Number: 3, Text: "Here and now action: the coach acted at once, without <waiting> for *meetings*."},
	},
	// Ljungberg, Denhov & Topor: page labels 471, 472.
	2: {
		{DocID: 2, Number: 1, Label: "471", Text: "Helpful relationships are relationships where persons spend time with professionals they know and trust."},
		{DocID: 2, Number: 2, Label: "472", Text: "Trust grew when the professional went beyond the rules — “she gave me her phone number”, said Zoë."},
	},
	// A record without authors, year or journal; the user set page 10 as the first printed page.
	3: {
		{DocID: 3, Number: 1, Text: "Being personal can help users but entails risks."},
		{DocID: 3, Number: 2, Text: "Boundaries are complex and flexible, negotiated case by case."},
	},
}

var fixtureDocs = []index.Document{
	{ID: 1, SHA256: strings.Repeat("a1", 32), FileName: "topor2016.pdf", Kind: "pdf", PageCount: 3, ImportedAt: fixedTime, UpdatedAt: fixedTime,
		Metadata: importer.Metadata{Title: "“Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support",
			Authors: []importer.Author{{Family: "Topor", Given: "Alain"}, {Family: "Ljungberg", Given: "Amanda"}}, Year: 2016,
			Journal: "American Journal of Psychiatric Rehabilitation", Pages: "275-277", DOI: "10.1080/15487768.2016.1255276"}},
	{ID: 2, SHA256: strings.Repeat("b2", 32), FileName: "ljungberg2015.pdf", Kind: "pdf", PageCount: 2, ImportedAt: fixedTime, UpdatedAt: fixedTime,
		Metadata: importer.Metadata{Title: "The art of helpful relationships with professionals: A meta-ethnography of the perspective of persons with severe mental illness",
			Authors: []importer.Author{{Family: "Ljungberg", Given: "Amanda"}, {Family: "Denhov", Given: "Anne"}, {Family: "Topor", Given: "Alain"}}, Year: 2015,
			Journal: "Psychiatric Quarterly", Volume: "86", Issue: "4", Pages: "471–495", DOI: "10.1007/s11126-015-9347-5"}},
	{ID: 3, SHA256: strings.Repeat("c3", 32), FileName: "boundaries.txt", Kind: "text", PageCount: 2, ImportedAt: fixedTime, UpdatedAt: fixedTime,
		FirstPrintedPage: 10, Metadata: importer.Metadata{Title: "Being personal and its risks"}},
	{ID: 4, Kind: "metadata", ImportedAt: fixedTime, UpdatedAt: fixedTime,
		Metadata: importer.Metadata{Title: "Non-helpful relationships with professionals", Year: 2016}},
}

var fixtureThemes = []index.Theme{
	{ID: 1, GUID: "0b5e8f2c-1d3a-4c6b-9e7f-000000000001", Name: "Helpful relationships", Color: "#1F77B4", Position: 0,
		Description: "Helpful relationships with professionals (LDT2015).", Memo: "Overarching interpretation: professional and interpersonal.", CreatedAt: fixedTime, UpdatedAt: fixedTime},
	{ID: 2, GUID: "0b5e8f2c-1d3a-4c6b-9e7f-000000000002", Name: "Trust", Color: "#2CA02C", ParentID: 1, Parent: "Helpful relationships", Position: 1, CreatedAt: fixedTime, UpdatedAt: fixedTime},
	{ID: 3, GUID: "0b5e8f2c-1d3a-4c6b-9e7f-000000000003", Name: "Spending time together", Color: "#FF7F0E", ParentID: 1, Parent: "Helpful relationships", Position: 0, CreatedAt: fixedTime, UpdatedAt: fixedTime},
	{ID: 4, GUID: "0b5e8f2c-1d3a-4c6b-9e7f-000000000004", Name: "Something different – as a human being", Color: "#D62728", Position: 1,
		Description: "Main theme of TL2016.", Source: "TL2016", CreatedAt: fixedTime, UpdatedAt: fixedTime},
	{ID: 5, GUID: "0b5e8f2c-1d3a-4c6b-9e7f-000000000005", Name: "Being personal and its risks", Color: "#9467BD", Position: 2, Provisional: true, CreatedAt: fixedTime, UpdatedAt: fixedTime},
	{ID: 6, GUID: "0b5e8f2c-1d3a-4c6b-9e7f-000000000006", Name: "Unused theme", Color: "#7F7F7F", Position: 3, CreatedAt: fixedTime, UpdatedAt: fixedTime},
}

// annotate makes an annotation of the first occurrence of quote on a
// fixture page, with code-point offsets computed from the text.
func annotate(t testing.TB, id, doc int64, page int, quote, note string, themes ...string) index.Annotation {
	t.Helper()
	text := fixturePages[doc][page-1].Text
	i := strings.Index(text, quote)
	if i < 0 {
		t.Fatalf("fixture: %q is not on page %d of document %d", quote, page, doc)
	}
	start := utf8.RuneCountInString(text[:i])
	created := fixedTime.Add(time.Duration(id) * time.Minute)
	return index.Annotation{ID: id, GUID: StableGUID("test-annotation", string(rune('0'+id))), DocID: doc, Page: page,
		Start: start, End: start + utf8.RuneCountInString(quote), Quote: quote, Themes: themes, Note: note, Author: "Test User",
		CreatedAt: created, UpdatedAt: created}
}

func fixtureAnnotations(t testing.TB) []index.Annotation {
	return []index.Annotation{
		annotate(t, 1, 1, 2, "something different – as a human being", "The main theme, in the participant's words.", "Something different – as a human being"),
		annotate(t, 2, 1, 2, "She treated me as a person, not as a case & a number.", "", "Something different – as a human being", "Trust"),
		annotate(t, 3, 1, 3, "the coach acted at once, without <waiting> for *meetings*.", "Compare \"here and now action\", LTD2016.", "Spending time together"),
		annotate(t, 4, 2, 1, "persons spend time with professionals they know and trust", "", "Spending time together", "Trust"),
		annotate(t, 5, 2, 2, "“she gave me her phone number”, said Zoë", "Transgressing boundaries.", "Trust", "Being personal and its risks"),
		annotate(t, 6, 3, 2, "Boundaries are complex and flexible", "", "Being personal and its risks"),
		annotate(t, 7, 3, 1, "Being personal can help users", "Not coded yet."),
	}
}

// fixtureData builds the export of the fixed library through Build.
func fixtureData(t testing.TB, f Filter) *Data {
	t.Helper()
	d, err := Build("Test library", fixedTime, fixtureDocs, fixturePages, fixtureThemes, fixtureAnnotations(t), f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
