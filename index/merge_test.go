package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
	"github.com/rapport-qda/rapport/internal/testenv"
)

// teamWords vary the generated articles' sentences, so that every passage
// is found once.
var teamWords = []string{"trust", "time", "coach", "friendship", "flexibility", "humour", "listening", "choice",
	"housing", "work", "family", "respect", "hope", "safety", "money", "continuity"}

// teamArticle is generated article k: three pages of three paragraphs,
// every sentence of them its own. A non-empty doi is printed under the
// title; layout changes the columns (the same text in another file).
func teamArticle(k int, title, doi string, columns int) pdfgen.Article {
	a := pdfgen.Article{Title: title, Columns: columns}
	for p := 0; p < 3; p++ {
		var paras []string
		if p == 0 && doi != "" {
			paras = append(paras, "https://doi.org/"+doi)
		}
		for i := 0; i < 3; i++ {
			var sents []string
			for s := 0; s < 3; s++ {
				w := teamWords[(k*7+p*3+i*5+s)%len(teamWords)]
				sents = append(sents, fmt.Sprintf("Participant %c%d%d%d spoke about %s with the staff member.", 'A'+rune(k), p+1, i+1, s+1, w))
			}
			paras = append(paras, strings.Join(sents, " "))
		}
		a.Pages = append(a.Pages, paras)
	}
	return a
}

// teamSentence is sentence s of paragraph i of page p of article k.
func teamSentence(k, p, i, s int) string {
	w := teamWords[(k*7+(p-1)*3+(i-1)*5+(s-1))%len(teamWords)]
	return fmt.Sprintf("Participant %c%d%d%d spoke about %s with the staff member.", 'A'+rune(k), p, i, s, w)
}

// tagAs codes a quote as a coder, failing the test on error.
func tagAs(t *testing.T, lib *Library, coder string, doc int64, quote string, themes ...string) Annotation {
	t.Helper()
	a, err := lib.Tag(context.Background(), TagRequest{DocID: doc, Quote: quote, Themes: themes, Author: coder})
	if err != nil {
		t.Fatalf("%s tags %q in document %d: %v", coder, quote, doc, err)
	}
	return a
}

// copyLibrary backs lib up and restores the backup into a new folder: the
// copy a second coder works in.
func copyLibrary(t *testing.T, lib *Library, dir string) {
	t.Helper()
	ctx := context.Background()
	zip := filepath.Join(t.TempDir(), "copy.zip")
	if _, err := lib.Backup(ctx, zip, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, zip, dir, nil); err != nil {
		t.Fatal(err)
	}
}

// codersOf maps annotation GUIDs to their coders.
func codersOf(t *testing.T, lib *Library) map[string]string {
	t.Helper()
	anns, err := lib.Annotations(context.Background(), AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range anns {
		out[a.GUID] = a.Coder
	}
	return out
}

// Two coders code generated articles in two copies of one library; the
// second's copy also holds a document the first has not imported, and a
// document both have but from different files (matched by DOI) and one
// matched by its title. Merging the second's library into the first brings
// every coding with its coder and new themes and notes; merging again adds
// nothing; undo takes the whole merge away; the second library is not
// changed.
func TestMergeTwoCoders(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	lead, err := Open(ctx, filepath.Join(base, "anna"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lead.Close()
	lead.Author = "Anna"
	d0 := importArticle(t, lead, "a0", teamArticle(0, "Helpful staff in supported housing", "", 1))
	d1 := importArticle(t, lead, "a1", teamArticle(1, "Friendship and professional help", "10.5555/team.1", 1))
	d2 := importArticle(t, lead, "a2", teamArticle(2, "Time given freely by the coach", "", 1))
	tagAs(t, lead, "Anna", d0, teamSentence(0, 1, 1, 1), "Collaboration")
	tagAs(t, lead, "Anna", d0, teamSentence(0, 2, 2, 2), "Trust")
	tagAs(t, lead, "Anna", d1, teamSentence(1, 1, 2, 1), "Collaboration")
	if _, err := lead.AddDocNote(ctx, d0, "Anna's memo on the first article", ""); err != nil {
		t.Fatal(err)
	}

	// Bo's copy: the library as it was, plus Bo's own work.
	boDir := filepath.Join(base, "bo")
	copyLibrary(t, lead, boDir)
	bo, err := Open(ctx, boDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bo.Author = "Bo"
	// article 1 again from another file whose title reads otherwise: the
	// DOI matches it; article 2 from a two-column file: the title matches
	// it (both replace Bo's copies of them, as if Bo had other files)
	if _, err := bo.RemoveDocuments(ctx, []int64{d1, d2}); err != nil {
		t.Fatal(err)
	}
	b1 := importArticle(t, bo, "b1", teamArticle(1, "Friendship and professional help (accepted manuscript)", "10.5555/team.1", 2))
	b2 := importArticle(t, bo, "b2", teamArticle(2, "Time given freely by the coach", "", 2))
	b3 := importArticle(t, bo, "b3", teamArticle(3, "A study only Bo has read", "", 1))
	if _, err := bo.AddTheme(ctx, Theme{Name: "Being seen", Parent: "Collaboration", Color: "#112233", Description: "Bo's new theme"}); err != nil {
		t.Fatal(err)
	}
	boTags := []Annotation{
		tagAs(t, bo, "Bo", d0, teamSentence(0, 1, 1, 1), "Collaboration"),       // as Anna
		tagAs(t, bo, "Bo", d0, teamSentence(0, 2, 2, 2), "Being seen"),          // otherwise
		tagAs(t, bo, "Bo", d0, teamSentence(0, 3, 1, 3), "Trust", "Being seen"), // Anna did not
		tagAs(t, bo, "Bo", b1, teamSentence(1, 1, 2, 1), "Collaboration"),
		tagAs(t, bo, "Bo", b1, teamSentence(1, 3, 3, 3), "Trust"),
		tagAs(t, bo, "Bo", b2, teamSentence(2, 2, 1, 2), "Collaboration"),
	}
	notPlaceable := tagAs(t, bo, "Bo", b3, teamSentence(3, 1, 1, 1), "Collaboration")
	if _, err := bo.AddDocNote(ctx, b1, "Bo read the accepted manuscript", ""); err != nil {
		t.Fatal(err)
	}
	boCoders := codersOf(t, bo)
	bo.Close()
	boDB, _ := os.ReadFile(filepath.Join(boDir, DBFile))

	before := codingState(t, lead)
	rep, err := lead.MergeLibrary(ctx, boDir, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("merge: %s", rep.Summary())
	// Anna's two codings of article 0 came with the copy (Bo removed
	// article 1 with Anna's coding of it).
	if rep.Annotations.Added != len(boTags) || rep.Annotations.NotPlaced != 1 || rep.Annotations.Present != 2 {
		t.Errorf("annotations: %+v, want %d added, 2 present (Anna's), 1 not placed", rep.Annotations, len(boTags))
	}
	if rep.Notes.Added != 1 || rep.Notes.Present != 1 {
		t.Errorf("notes: %+v, want Bo's added and Anna's present", rep.Notes)
	}
	if len(rep.ThemesAdded) != 1 || rep.ThemesAdded[0] != "Being seen" {
		t.Errorf("themes added: %v", rep.ThemesAdded)
	}
	if rep.ByCoder["Bo"] != len(boTags) || len(rep.CodersAdded) != 1 || rep.CodersAdded[0] != "Bo" {
		t.Errorf("by coder %v, coders added %v", rep.ByCoder, rep.CodersAdded)
	}
	matched := map[int64]MergedDocument{}
	for _, d := range rep.Documents {
		matched[d.SourceID] = d
	}
	for _, tc := range []struct {
		src, doc int64
		by       string
	}{{d0, d0, "file"}, {b1, d1, "doi"}, {b2, d2, "title"}, {b3, 0, ""}} {
		if got := matched[tc.src]; got.DocID != tc.doc || got.MatchedBy != tc.by {
			t.Errorf("document %d of Bo's library: matched %+v, want document %d by %q", tc.src, got, tc.doc, tc.by)
		}
	}
	if len(rep.NotPlaced) != 1 || rep.NotPlaced[0].GUID != notPlaceable.GUID || !strings.Contains(rep.NotPlaced[0].Reason, "not in this library") {
		t.Errorf("not placed: %+v", rep.NotPlaced)
	}
	// Every coding arrived with its coder, its GUID, on its passage, with its themes.
	after, err := lead.Annotations(ctx, AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byGUID := map[string]Annotation{}
	for _, a := range after {
		byGUID[a.GUID] = a
		checkAnchored(t, lead, a)
	}
	for _, want := range boTags {
		got, ok := byGUID[want.GUID]
		if !ok {
			t.Errorf("Bo's annotation %q did not arrive", want.Quote)
			continue
		}
		if got.Coder != "Bo" || got.Quote != want.Quote || strings.Join(got.Themes, ";") != strings.Join(want.Themes, ";") || got.Page != want.Page {
			t.Errorf("Bo's annotation arrived as %+v, want %+v", got, want)
		}
	}
	for guid, coder := range boCoders {
		if got, ok := byGUID[guid]; ok && got.Coder != coder {
			t.Errorf("annotation %s: coder %q, was %q", guid, got.Coder, coder)
		}
	}
	if c, err := lead.CoderByName(ctx, "Bo"); err != nil || c.Annotations != len(boTags) || c.Notes != 1 {
		t.Errorf("coder Bo after the merge: %+v %v", c, err)
	}
	// The themes a coder added arrive with their place and colour.
	th, err := lead.ThemeByName(ctx, "Being seen")
	if err != nil || th.Parent != "Collaboration" || th.Color != "#112233" {
		t.Errorf("merged theme: %+v %v", th, err)
	}
	// The merge is one step, named in the history.
	hist, _ := lead.History(ctx, 1)
	if len(hist) != 1 || hist[0].Label != rep.Step || rep.Step == "" {
		t.Errorf("history after the merge: %+v, step %q", hist, rep.Step)
	}
	// Search sees the merged coding.
	if n := searchTotal(t, lead, SearchRequest{Query: `theme:"Being seen"`}); n == 0 {
		t.Error("search does not find the merged theme")
	}

	// Merging again adds nothing, and makes no step.
	afterFirst := codingState(t, lead)
	again, err := lead.MergeLibrary(ctx, boDir, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Annotations.Added+again.Notes.Added+len(again.ThemesAdded)+len(again.CodersAdded) != 0 || again.Step != "" ||
		again.Annotations.Present != len(boTags)+2 {
		t.Errorf("merging again: %s (%+v)", again.Summary(), again.Annotations)
	}
	if got := codingState(t, lead); got != afterFirst {
		t.Error("merging again changed the library")
	}
	if hist, _ := lead.History(ctx, 1); hist[0].Label != rep.Step {
		t.Errorf("merging again made a step: %+v", hist)
	}

	// Undo takes the whole merge away, coder and theme included; redo
	// brings it back.
	if h, err := lead.Undo(ctx); err != nil || h.Label != rep.Step {
		t.Fatalf("undo: %+v %v", h, err)
	}
	if got := codingState(t, lead); got != before {
		t.Error("undo did not take the merge away")
	}
	if _, err := lead.CoderByName(ctx, "Bo"); err == nil {
		t.Error("coder Bo is still there after undoing the merge")
	}
	if _, err := lead.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := codingState(t, lead); got != afterFirst {
		t.Error("redo did not bring the merge back")
	}

	// Bo's library was only read.
	if now, _ := os.ReadFile(filepath.Join(boDir, DBFile)); string(now) != string(boDB) {
		t.Error("the merge changed the other library's database")
	}
}

// Codings of the other library that record no coder get the coder the
// merge names (the other library's folder by default), not this
// library's own coders; a library cannot merge itself; a folder with no
// library is refused.
func TestMergeNamesCodersAndRefusesBadSources(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	lead, err := Open(ctx, filepath.Join(base, "lead"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lead.Close()
	d0 := importArticle(t, lead, "a0", teamArticle(0, "Helpful staff in supported housing", "", 1))
	otherDir := filepath.Join(base, "field-team")
	copyLibrary(t, lead, otherDir)
	other, err := Open(ctx, otherDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tagAs(t, other, "", d0, teamSentence(0, 1, 1, 1), "Collaboration")
	other.Close()

	rep, err := lead.MergeLibrary(ctx, otherDir, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NoCoderGiven != 1 || rep.ByCoder["field-team"] != 1 {
		t.Errorf("a coding with no coder: %+v", rep)
	}
	if _, err := lead.MergeLibrary(ctx, filepath.Join(base, "lead"), MergeOptions{}); err == nil || !strings.Contains(err.Error(), "this library") {
		t.Errorf("merging a library into itself: %v", err)
	}
	if _, err := lead.MergeLibrary(ctx, filepath.Join(base, "nothing"), MergeOptions{}); err == nil || !strings.Contains(err.Error(), "no library") {
		t.Errorf("merging a folder with no library: %v", err)
	}
}

// The corpus articles, coded by two coders in two copies of one library:
// every coding arrives with its coder, a second merge adds nothing, undo
// removes the merge.
func TestMergeCorpus(t *testing.T) {
	corpus := testenv.Shared(t, "corpus")
	if testing.Short() {
		t.Skip("imports the corpus; not with -short")
	}
	ctx := context.Background()
	base := t.TempDir()
	lead, err := Open(ctx, filepath.Join(base, "anna"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lead.Close()
	rep, err := lead.Import(ctx, []string{corpus}, nil)
	if err != nil || len(rep.Failed) > 0 {
		t.Fatalf("import the corpus: %v %+v", err, rep.Failed)
	}
	docs, err := lead.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// sentences of each document, the same for both coders to choose from
	type passage struct {
		doc   int64
		page  int
		start int
		end   int
	}
	var passages []passage
	for _, d := range docs {
		pages, err := lead.Pages(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range pages {
			for _, s := range SentenceBounds(p.Text) {
				if s.End-s.Start > 60 && n < 6 {
					passages = append(passages, passage{d.ID, p.Number, s.Start, s.End})
					n++
				}
			}
		}
	}
	if len(passages) < 12 {
		t.Fatalf("only %d passages in the corpus", len(passages))
	}
	code := func(lib *Library, coder string, which func(i int) bool, theme string) int {
		n := 0
		for i, p := range passages {
			if !which(i) {
				continue
			}
			if _, err := lib.Tag(ctx, TagRequest{DocID: p.doc, Page: p.page, Start: p.start, End: p.end, Themes: []string{theme}, Author: coder}); err != nil {
				t.Fatalf("%s codes passage %d: %v", coder, i, err)
			}
			n++
		}
		return n
	}
	code(lead, "Anna", func(i int) bool { return i%2 == 0 }, "Collaboration")
	boDir := filepath.Join(base, "bo")
	copyLibrary(t, lead, boDir)
	bo, err := Open(ctx, boDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	nBo := code(bo, "Bo", func(i int) bool { return i%3 == 0 }, "Collaboration")
	nBo += code(bo, "Bo", func(i int) bool { return i%3 == 1 }, "Trust")
	bo.Close()

	merged, err := lead.MergeLibrary(ctx, boDir, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus merge: %s", merged.Summary())
	if merged.Annotations.Added != nBo || merged.ByCoder["Bo"] != nBo || merged.Annotations.NotPlaced != 0 {
		t.Errorf("corpus merge: %+v by coder %v, want %d of Bo's", merged.Annotations, merged.ByCoder, nBo)
	}
	perCoder := map[string]int{}
	for _, c := range codersOf(t, lead) {
		perCoder[c]++
	}
	var got []string
	for c, n := range perCoder {
		got = append(got, fmt.Sprintf("%s:%d", c, n))
	}
	sort.Strings(got)
	if perCoder["Bo"] != nBo || perCoder["Anna"] == 0 {
		t.Errorf("codings per coder after the merge: %v", got)
	}
	again, err := lead.MergeLibrary(ctx, boDir, MergeOptions{})
	if err != nil || again.Annotations.Added != 0 || again.Step != "" {
		t.Errorf("second corpus merge: %+v %v", again, err)
	}
	if _, err := lead.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := lead.Annotations(ctx, AnnotationFilter{Coder: "Bo"}); err != nil || len(c) != 0 {
		t.Errorf("after undo, Bo's codings: %d %v", len(c), err)
	}
}
