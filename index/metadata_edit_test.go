package index

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/importer"
)

func TestParseMetadataField(t *testing.T) {
	authors := func(a ...importer.Author) string { b, _ := json.Marshal(a); return string(b) }
	good := []struct {
		field, value string
		column       string
		stored       any
	}{
		{"authors", "Ljungberg, Alexandra; Denhov, Anne; Topor, Alain", "authors",
			authors(importer.Author{Family: "Ljungberg", Given: "Alexandra"}, importer.Author{Family: "Denhov", Given: "Anne"}, importer.Author{Family: "Topor", Given: "Alain"})},
		{"authors", "Alain Topor\nSundström, Åsa", "authors", authors(importer.Author{Family: "Topor", Given: "Alain"}, importer.Author{Family: "Sundström", Given: "Åsa"})},
		{"authors", "{World Health Organization}", "authors", authors(importer.Author{Literal: "World Health Organization"})},
		{"authors", "Topor, A. and Ljungberg, A.", "authors", authors(importer.Author{Family: "Topor", Given: "A."}, importer.Author{Family: "Ljungberg", Given: "A."})},
		{"authors", "", "authors", "[]"},
		{"editors", "Denhov, Anne", "editors", authors(importer.Author{Family: "Denhov", Given: "Anne"})},
		{"year", " 2016 ", "year", 2016},
		{"year", "", "year", 0},
		{"date", "2016-10-01", "pub_date", "2016-10-01"},
		{"date", "2016-10", "pub_date", "2016-10"},
		{"doi", "https://doi.org/10.1080/15487768.2016.1255276", "doi", "10.1080/15487768.2016.1255276"},
		{"doi", "doi:10.1007/S11126-015-9347-5", "doi", "10.1007/s11126-015-9347-5"},
		{"pages", "275 - 293", "pages", "275–293"},
		{"pages", "e0209", "pages", "e0209"},
		{"volume", "19", "volume", "19"},
		{"volume", "XII", "volume", "XII"},
		{"issue", "Suppl. 2", "issue", "Suppl. 2"},
		{"issue", "3–4", "issue", "3–4"},
		{"type", "Journal article", "csl_type", "article-journal"},
		{"type", "chapter", "csl_type", "chapter"},
		{"edition", "2nd ed.", "edition", "2"},
		{"publisher", "  Oxford   University Press ", "publisher", "Oxford University Press"},
		{"book_title", "Handbook of recovery", "journal", "Handbook of recovery"},
		{"url", "https://example.org/report.pdf", "url", "https://example.org/report.pdf"},
		{"first_printed_page", "275", "first_printed_page", 275},
		{"number", "WP 2016:3", "number", "WP 2016:3"},
	}
	for _, c := range good {
		column, stored, err := ParseMetadataField(c.field, c.value)
		if err != nil || column != c.column || stored != c.stored {
			t.Errorf("%s %q: got %s %#v %v, want %s %#v", c.field, c.value, column, stored, err, c.column, c.stored)
		}
	}
	bad := []struct{ field, value, says string }{
		{"year", "20x6", `"20x6" is not a year`},
		{"year", "16", `"16" is not a year`},
		{"year", "3016", `"3016" is not a plausible year`},
		{"date", "2016-13-01", `"2016-13-01" is not a date`},
		{"date", "1 Oct 2016", `"1 Oct 2016" is not a date`},
		{"doi", "10.1080", `"10.1080" is not a DOI`},
		{"doi", "see 10.1080/15487768.2016.1255276", "is not a DOI"},
		{"pages", "two hundred", `"two hundred" is not a page`},
		{"volume", "8 1", `"8 1" is not a volume: two numbers`},
		{"volume", "volume eight", `"volume eight" is not a volume`},
		{"issue", "4 and 5", `"4 and 5" is not an issue`},
		{"type", "poem", `"poem" is not an item type`},
		{"url", "example.org", `"example.org" is not a web address`},
		{"authors", ", Alexandra", "has no family name"},
		{"authors", "{World Health", "braces"},
		{"citation_count", "-3", `"-3" is not a whole number`},
		{"colour", "blue", `unknown field "colour"`},
	}
	for _, c := range bad {
		_, _, err := ParseMetadataField(c.field, c.value)
		if err == nil || !strings.Contains(err.Error(), c.says) || !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s %q: error %v, want one saying %q", c.field, c.value, err, c.says)
		}
	}
	// Every field the editor shows reads back what MetadataFieldText writes.
	d := Document{Metadata: importer.Metadata{Title: "T", Authors: []importer.Author{{Family: "Topor", Given: "Alain"}, {Literal: "WHO"}},
		Year: 2016, Date: "2016-10-01", Journal: "J", Volume: "19", Issue: "4", Pages: "275–293", DOI: "10.1080/x1", URL: "https://e.org",
		Type: "chapter", Publisher: "P", Editors: []importer.Author{{Family: "Denhov", Given: "Anne"}}, Edition: "2", Number: "7",
		AltTitles: []string{"A", "B"}, Abstract: "Abs", Language: "en", CitationCount: 3}, FirstPrintedPage: 5}
	for _, f := range MetadataFields {
		text := MetadataFieldText(d, f)
		if text == "" {
			t.Errorf("%s: empty text for a set field", f)
		}
		if _, _, err := ParseMetadataField(f, text); err != nil {
			t.Errorf("%s: %q does not read back: %v", f, text, err)
		}
	}
}

func TestSetMetadataAuthorsUndoAndKeptThroughImports(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	id := importArticle(t, lib, "art", twoPageArticle())
	before, _ := lib.Document(ctx, id)

	err := lib.SetMetadata(ctx, id, []FieldValue{
		{"authors", "Ljungberg, Alexandra; Denhov, Anne; Topor, Alain"},
		{"year", "2015"}, {"journal", "Psychiatric Quarterly"}, {"volume", "86"}, {"issue", "4"}, {"pages", "471-495"},
		{"type", "article"}, {"publisher", "Springer"},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := lib.Document(ctx, id)
	if len(d.Authors) != 3 || d.Authors[1] != (importer.Author{Family: "Denhov", Given: "Anne"}) || d.Year != 2015 ||
		d.Pages != "471–495" || d.Type != "article-journal" || d.Publisher != "Springer" {
		t.Fatalf("after set: %+v", d.Metadata)
	}
	for _, f := range []string{"authors", "year", "journal", "volume", "csl_type", "publisher"} {
		if !contains(d.UserFields, f) {
			t.Errorf("user_fields %v lacks %s", d.UserFields, f)
		}
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "author:denhov"}); n == 0 {
		t.Error("author:denhov finds nothing after the edit")
	}
	h, _ := lib.History(ctx, 1)
	if len(h) != 1 || !strings.HasPrefix(h[0].Label, "Edit metadata of “Helpful relationships") {
		t.Errorf("history: %+v", h)
	}

	// A metadata import later: the user's fields stay, the others fill in.
	bib := filepath.Join(t.TempDir(), "rec.bib")
	os.WriteFile(bib, []byte(`@article{x, title={Helpful relationships in practice}, author={Doe, Jane}, year={1999},
	journal={Wrong journal}, volume={1}, doi={10.1000/abc123}, abstract={An imported abstract.}}`), 0o644)
	if rep, err := lib.Import(ctx, []string{bib}, nil); err != nil || len(rep.Updated) != 1 {
		t.Fatalf("import record: %v %+v", err, rep)
	}
	d, _ = lib.Document(ctx, id)
	if d.Authors[0].Family != "Ljungberg" || d.Year != 2015 || d.Journal != "Psychiatric Quarterly" || d.Volume != "86" {
		t.Errorf("the import overwrote the user's fields: %+v", d.Metadata)
	}
	if d.DOI != "10.1000/abc123" || d.Abstract != "An imported abstract." {
		t.Errorf("the import did not fill the other fields: %+v", d.Metadata)
	}

	// Undo restores the fields the edit changed, and only those: the
	// import's DOI and abstract stay.
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	d, _ = lib.Document(ctx, id)
	if len(d.Authors) != len(before.Authors) || d.Year != before.Year || d.Journal != before.Journal || d.Volume != before.Volume || len(d.UserFields) != 0 {
		t.Errorf("undo did not restore the fields: %+v user %v", d.Metadata, d.UserFields)
	}
	if d.DOI != "10.1000/abc123" || d.Abstract != "An imported abstract." {
		t.Errorf("undo of the edit reverted the import: %+v", d.Metadata)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "author:denhov"}); n != 0 {
		t.Errorf("author:denhov still finds %d pages after undo", n)
	}
	if _, err := lib.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	d, _ = lib.Document(ctx, id)
	if len(d.Authors) != 3 || d.Year != 2015 || !contains(d.UserFields, "authors") {
		t.Errorf("redo: %+v", d.Metadata)
	}
}

func TestSetMetadataBadValuesChangeNothing(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	id := importArticle(t, lib, "art", twoPageArticle())
	before, _ := lib.Document(ctx, id)
	hBefore, _ := lib.History(ctx, 100)
	err := lib.SetMetadata(ctx, id, []FieldValue{{"title", "New title"}, {"year", "twenty"}, {"doi", "not a doi"}})
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), `set year of document 1: "twenty" is not a year`) ||
		!strings.Contains(err.Error(), `set doi of document 1: "not a doi" is not a DOI`) {
		t.Fatalf("error: %v", err)
	}
	after, _ := lib.Document(ctx, id)
	if after.Title != before.Title || len(after.UserFields) != 0 {
		t.Errorf("a refused edit changed the document: %+v", after)
	}
	if h, _ := lib.History(ctx, 100); len(h) != len(hBefore) {
		t.Error("a refused edit left a history step")
	}
	if err := lib.SetMetadataField(ctx, 99, "year", "2016"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown document: %v", err)
	}
}

func TestCheckListsSuspectFields(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	rec := filepath.Join(t.TempDir(), "record.json")
	// The seed's record: a volume that is a volume and an issue run together.
	os.WriteFile(rec, []byte(`[{"type":"article-journal","title":"Everything is so relaxed and personal","DOI":"10.1080/15487768.2016.1255276",
		"container-title":"American journal of psychiatric rehabilitation","volume":"8 1","page":"275-293","issued":{"date-parts":[[2016,10,1]]}}]`), 0o644)
	if rep, err := lib.Import(ctx, []string{rec}, nil); err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	rep, err := lib.Check(ctx, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Suspect) != 1 || rep.Suspect[0].Field != "volume" || rep.Suspect[0].Value != "8 1" ||
		!strings.Contains(rep.Suspect[0].Reason, "two numbers") {
		t.Fatalf("check: %+v", rep)
	}
	// Corrected by hand, it is no longer suspect.
	if err := lib.SetMetadata(ctx, rep.Suspect[0].DocID, []FieldValue{{"volume", "19"}, {"issue", "4"}}); err != nil {
		t.Fatal(err)
	}
	if rep, _ := lib.Check(ctx, CheckOptions{}); len(rep.Suspect) != 0 {
		t.Errorf("after the correction: %+v", rep.Suspect)
	}
}
