package index

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// Tagging a passage with a theme it already carries says "already coded"
// (ErrAlreadyCoded, naming the annotation) and changes nothing: no second
// annotation, no history step. Another theme on the same passage is a new
// coding.
func TestTagTwiceIsAlreadyCoded(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	first, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Trust grew over many years of working together.", Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	before := codingState(t, lib)
	steps := countRows(t, lib, "history")
	for _, req := range []TagRequest{
		{DocID: doc, Quote: "Trust grew over many years of working together.", Themes: []string{"Trust"}},
		{DocID: doc, Quote: "trust grew over many   years of working together.", Themes: []string{"trust"}},
		{DocID: doc, Page: first.Page, Start: first.Start, End: first.End, Themes: []string{"Trust"}},
		{DocID: doc, Quote: "Trust grew over many years of working together.", Themes: []string{"Support", "Trust"}},
	} {
		_, err := lib.Tag(ctx, req)
		var ac *AlreadyCodedError
		if !errors.Is(err, ErrAlreadyCoded) || !errors.As(err, &ac) || ac.AnnotationID != first.ID || strings.Join(ac.Themes, ",") != "Trust" {
			t.Errorf("tag %+v again: %v; want ErrAlreadyCoded naming annotation %d and Trust", req, err, first.ID)
		}
		if err != nil && !strings.Contains(err.Error(), "already coded with Trust") {
			t.Errorf("message %q does not say it is already coded", err)
		}
	}
	if codingState(t, lib) != before || countRows(t, lib, "history") != steps {
		t.Fatal("tagging an already coded passage changed the library")
	}
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Trust grew over many years of working together.", Themes: []string{"Support"}}); err != nil {
		t.Errorf("another theme on the same passage: %v", err)
	}
	// A longer passage holding the coded one is a passage of its own.
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "central to their recovery. Trust grew over many years of working together.", Themes: []string{"Trust"}}); err != nil {
		t.Errorf("a longer passage: %v", err)
	}
}

// The history names a tag by its passage however the tag was made: by
// quote, or by a span with no quote (a selection in the window), so undo
// and redo say what they undid.
func TestTagHistoryCarriesTheQuote(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	text := pageRunesOf(t, lib, doc, 1)
	quote := "Trust grew over many years of working together."
	start := strings.Index(string(text), quote)
	start = len([]rune(string(text)[:start]))
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Start: start, End: start + len([]rune(quote)), Themes: []string{"access to resources"}}); err != nil {
		t.Fatal(err)
	}
	want := `Tag "` + quote + `" with Access to resources`
	hs, err := lib.History(ctx, 1)
	if err != nil || len(hs) != 1 || hs[0].Label != want {
		t.Fatalf("history: %+v, %v; want %q", hs, err, want)
	}
	if h, err := lib.Undo(ctx); err != nil || h.Label != want {
		t.Errorf("undo: %q, %v; want %q", h.Label, err, want)
	}
	if h, err := lib.Redo(ctx); err != nil || h.Label != want {
		t.Errorf("redo: %q, %v; want %q", h.Label, err, want)
	}
}

// Autocode counts a passage that overlaps an annotation with the theme as
// already coded, and leaves reference lists and running headers out unless
// asked, saying how many it left out.
func TestAutocodeOverlapReferencesAndHeaders(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	art := pdfgen.Article{
		Title: "Morale on the ward",
		Pages: [][]string{
			{"Staff morale improved after the clinic opened. Nurses spoke of morale often.", "Ward News 2015 morale bulletin"},
			{"Good morale needs time. The team met weekly.", "Ward News 2015 morale bulletin"},
			{"Nothing here mentions it.", "Ward News 2015 morale bulletin"},
			{"References", "[1] A. Smith, Morale in nursing teams, J. Nurs. Manag. 12 (2004) 1–9.", "[2] B. Jones, Ward morale revisited, Nurs. Times 99 (2010) 20–25."},
		},
	}
	doc := importArticle(t, lib, "morale", art)
	// Part of the first sentence is coded already.
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "morale improved", Themes: []string{"Support"}}); err != nil {
		t.Fatal(err)
	}
	res, err := lib.Autocode(ctx, AutocodeRequest{Query: "morale", Theme: "Support", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var quotes []string
	for _, a := range res.Annotations {
		quotes = append(quotes, a.Quote)
	}
	want := []string{"Morale on the ward", "Nurses spoke of morale often.", "Good morale needs time."}
	// The extraction keeps the bulletin line out of pages 2 and 3 as a
	// running footer, but not out of the title page: there it is left out
	// here.
	if strings.Join(quotes, "|") != strings.Join(want, "|") || res.Skipped != 1 || res.InReferences != 2 || res.InHeaders != 1 {
		t.Fatalf("autocode: tagged %q, %d already coded, %d in references, %d in headers; want %q, 1, 2, 1", quotes, res.Skipped, res.InReferences, res.InHeaders, want)
	}
	all, err := lib.Autocode(ctx, AutocodeRequest{Query: "morale", Theme: "Support", IncludeReferences: true})
	if err != nil {
		t.Fatal(err)
	}
	if all.Tagged != 6 || all.Skipped != 1 || all.InReferences != 0 || all.InHeaders != 0 {
		t.Errorf("autocode with references: %+v; want 6 tagged, 1 already coded", all)
	}
}

func TestLooksLikeReference(t *testing.T) {
	for p, want := range map[string]bool{
		"[11] E. Rideout and M. Montemuro, “Hope, morale and adaptation in patients with chronic heart failure,” Journal of Advanced Nursing, vol. 11, no. 4, pp. 429–438, 1986.": true,
		"1 Acharya, K. R., Sturrock, E. D., Riordan, J. F. and Ehlers, M. R. (2003) Ace revisited: a new target for structure-based drug design.":                                 true,
		"Green KN, Billings LM, Roozendaal B, McGaugh JL, LaFerla FM (2006) Glucocorticoids increase amyloid-beta and tau pathology.":                                             true,
		"https://doi.org/10.1000/xyz123": true,
		"Alzheimer’s Disease International. (2009). World Alzheimer Report. Available at: http://www.alz.co.uk/": true,
		"The participants described collaboration with professionals as central to their recovery.":              false,
		"In 2015 the clinic opened its doors to everyone.":                                                       false,
	} {
		if got := looksLikeReference(p); got != want {
			t.Errorf("looksLikeReference(%.60q) = %v, want %v", p, got, want)
		}
	}
}
