package index

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/importer"
)

func TestAutocode(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	importArticle(t, lib, "other", twoPageArticle2())
	quotes := func(list []Annotation) []string {
		var out []string
		for _, a := range list {
			out = append(out, a.Quote)
		}
		sort.Strings(out)
		return out
	}
	wantSentences := []string{
		"On the second page, spending time together is mentioned again.",
		"Spending time together mattered to the persons interviewed.",
		"Time together was short.",
		"Trust grew over many years of working together.",
		"Working together with the coach helped.",
	}

	before := codingState(t, lib)
	dry, err := lib.Autocode(ctx, AutocodeRequest{Query: "together", Theme: "Spending time together", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !dry.DryRun || dry.Tagged != len(wantSentences) || strings.Join(quotes(dry.Annotations), "|") != strings.Join(wantSentences, "|") {
		t.Fatalf("dry run: %d %q", dry.Tagged, quotes(dry.Annotations))
	}
	if codingState(t, lib) != before || countRows(t, lib, "history") != 0 {
		t.Fatal("a dry run changed the library")
	}

	res, err := lib.Autocode(ctx, AutocodeRequest{Query: "together", Theme: "Spending time together"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tagged != len(wantSentences) || strings.Join(quotes(res.Annotations), "|") != strings.Join(wantSentences, "|") {
		t.Fatalf("autocode: %d %q", res.Tagged, quotes(res.Annotations))
	}
	for _, a := range res.Annotations {
		checkAnchored(t, lib, a)
		if a.ID == 0 || len(a.Themes) != 1 || a.Themes[0] != "Spending time together" {
			t.Errorf("annotation %+v", a)
		}
	}
	if n := searchTotal(t, lib, SearchRequest{Query: `theme:"Spending time together"`}); n != 3 {
		t.Errorf("pages coded: %d, want 3", n)
	}
	again, err := lib.Autocode(ctx, AutocodeRequest{Query: "together", Theme: "Spending time together"})
	if err != nil || again.Tagged != 0 || again.Skipped != len(wantSentences) {
		t.Fatalf("re-run tagged %+v %v", again, err)
	}
	if n := countRows(t, lib, "annotations"); n != len(wantSentences) {
		t.Fatalf("%d annotations after re-running", n)
	}
	// One step: one undo removes them all.
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if codingState(t, lib) != before {
		t.Fatal("undoing autocode did not restore the library")
	}
	// Paragraphs, limited to one document.
	para, err := lib.Autocode(ctx, AutocodeRequest{Query: "mentioned", Theme: "Trust", Unit: UnitParagraph, DocIDs: []int64{doc}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Nobody mentioned the final flourish of the officials here.", "On the second page, spending time together is mentioned again. The coach was something different, a human being."}
	if strings.Join(quotes(para.Annotations), "|") != strings.Join(want, "|") {
		t.Fatalf("paragraphs: %q", quotes(para.Annotations))
	}
	for _, bad := range []AutocodeRequest{
		{Query: "together", Theme: "No such theme"},
		{Query: " ", Theme: "Trust"},
		{Query: "together", Theme: "Trust", Unit: "word"},
	} {
		if _, err := lib.Autocode(ctx, bad); err == nil {
			t.Errorf("autocode %+v: no error", bad)
		}
	}
}

func TestReportCountsAndCooccurrence(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	other := importArticle(t, lib, "other", twoPageArticle2())
	tag := func(doc int64, quote string, themes ...string) {
		t.Helper()
		if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Themes: themes}); err != nil {
			t.Fatal(err)
		}
	}
	tag(doc, "collaboration with professionals as central", "Collaboration", "Trust") // both in one annotation
	tag(doc, "professionals as central to their recovery", "Support")                 // overlaps the first
	tag(doc, "Trust grew over many years", "Trust")                                   // apart
	tag(doc, "Spending time together mattered", "Support", "Collaboration")           // both in one annotation
	tag(other, "Working together with the coach", "Trust")
	rep, err := lib.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	freq := map[string]ThemeFrequency{}
	for _, f := range rep.Themes {
		freq[f.Theme] = f
	}
	if f := freq["Trust"]; f.Annotations != 3 || f.Documents != 2 {
		t.Errorf("Trust: %+v", f)
	}
	if f := freq["Support"]; f.Annotations != 2 || f.Documents != 1 {
		t.Errorf("Support: %+v", f)
	}
	if len(rep.Documents) != 2 || rep.Documents[0].DocID != doc || rep.Documents[0].Annotations != 4 ||
		rep.Documents[0].Themes["Collaboration"] != 2 || rep.Documents[1].Themes["Trust"] != 1 {
		t.Errorf("documents: %+v", rep.Documents)
	}
	co := map[string]int{}
	for _, c := range rep.Cooccurrence {
		co[c.A+" × "+c.B] = c.Count
	}
	want := map[string]int{
		"Support × Collaboration": 2, // annotation 2 overlapping annotation 1, and annotation 4 (codebook order)
		"Trust × Collaboration":   1,
		"Trust × Support":         1, // annotation 1's Trust meets annotation 2's Support
	}
	if len(co) != len(want) {
		t.Errorf("co-occurrence %v, want %v", co, want)
	}
	for k, n := range want {
		if co[k] != n {
			t.Errorf("co-occurrence %s = %d, want %d (all: %v)", k, co[k], n, co)
		}
	}
	if s := rep.String(); !strings.Contains(s, "Support × Collaboration") || !strings.Contains(s, "Per document") {
		t.Errorf("text report:\n%s", s)
	}
}

// TestReextractReanchors imports an article, puts an "older extractor's"
// text in its place (another page layout: a header line, different line
// breaks, a passage the new extractor no longer gives), codes passages of
// that text, and re-extracts: every annotation is found in the new text,
// except the one whose passage is gone, which is kept and flagged.
func TestReextractReanchors(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	current, err := lib.Pages(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	old := make([]importer.PageText, len(current))
	for i, p := range current {
		text := "JOURNAL OF TESTS 2016 RUNNING HEADER\n\n" + strings.ReplaceAll(p.Text, " with ", "\nwith ")
		text = strings.ReplaceAll(text, "psychiatric", "psy-\nchiatric")
		if i == 1 {
			text += "\n\nA ghost line only the old extractor saw."
		}
		old[i] = importer.PageText{Number: p.Number, Text: text}
	}
	if _, err := lib.replacePages(ctx, doc, old, 1, importer.EngineNative); err != nil {
		t.Fatal(err)
	}
	lib.reindexDocuments(ctx, []int64{doc})
	if n := searchTotal(t, lib, SearchRequest{Query: `"running header"`}); n == 0 {
		t.Fatal("fixture: the old text's running header is not searchable")
	}
	tag := func(quote string, page int, theme string) Annotation {
		t.Helper()
		a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Page: page, Themes: []string{theme}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	moved := tag("collaboration with professionals", 1, "Collaboration")
	hyph := tag("extraordinarily psychiatric services", 1, "Support")
	page2 := tag("spending time together", 2, "Spending time together")
	ghost := tag("A ghost line only the old extractor saw", 2, "Trust")
	removed := tag("Trust grew over many years", 1, "Trust")
	if err := lib.Untag(ctx, removed.ID); err != nil { // undone after the re-extraction
		t.Fatal(err)
	}
	if strings.Contains(moved.Quote, " ") && !strings.Contains(moved.Quote, "\n") {
		t.Fatalf("fixture: the old text should break the quote: %q", moved.Quote)
	}

	rep, err := lib.Reextract(ctx, nil, ReextractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 1 || len(rep.Failed) != 0 {
		t.Fatalf("re-extract report %+v", rep)
	}
	d := rep.Documents[0]
	if d.OldVersion != 1 || d.NewVersion != importer.ExtractorVersion || d.Moved != 3 || d.Orphaned != 1 || d.Unchanged != 0 {
		t.Fatalf("re-extracted %+v", d)
	}
	want := map[int64]struct {
		page  int
		quote string
	}{
		moved.ID: {1, "collaboration with professionals"},
		hyph.ID:  {1, "extraordinarily psychiatric services"},
		page2.ID: {2, "spending time together"},
	}
	for id, w := range want {
		a, err := lib.Annotation(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Orphaned || a.Page != w.page || a.Quote != w.quote {
			t.Errorf("annotation %d: page %d %q orphaned=%v, want page %d %q", id, a.Page, a.Quote, a.Orphaned, w.page, w.quote)
		}
		checkAnchored(t, lib, a)
	}
	g, err := lib.Annotation(ctx, ghost.ID)
	if err != nil {
		t.Fatalf("the orphaned annotation was deleted: %v", err)
	}
	if !g.Orphaned || g.Quote != ghost.Quote || g.Themes[0] != "Trust" {
		t.Errorf("orphan %+v", g)
	}
	if list, _ := lib.Annotations(ctx, AnnotationFilter{OrphanedOnly: true}); len(list) != 1 || list[0].ID != ghost.ID {
		t.Errorf("orphaned annotations: %+v", list)
	}
	// The page text is the current extractor's again, and search follows.
	now, _ := lib.Pages(ctx, doc)
	for i := range now {
		if now[i].Text != current[i].Text {
			t.Fatalf("page %d after re-extraction differs from a fresh extraction", i+1)
		}
	}
	if n := searchTotal(t, lib, SearchRequest{Query: `"running header"`}); n != 0 {
		t.Errorf("old page text still in the index: %d", n)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "annotation:ghost"}); n != 1 {
		t.Errorf("the orphan's quote is not searchable: %d", n)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: `theme:"Support"`}); n != 1 {
		t.Errorf("theme:Support: %d pages", n)
	}
	// Undoing the untag made before the re-extraction anchors the
	// annotation in the new text.
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	back, err := lib.Annotation(ctx, removed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Orphaned || back.Quote != "Trust grew over many years" {
		t.Errorf("restored annotation %+v", back)
	}
	checkAnchored(t, lib, back)

	// Nothing left from an older extractor: a second run does nothing;
	// naming the document re-extracts it and leaves every anchor in place.
	if rep, err := lib.Reextract(ctx, nil, ReextractOptions{}); err != nil || len(rep.Documents) != 0 {
		t.Fatalf("second run: %+v %v", rep, err)
	}
	rep, err = lib.Reextract(ctx, []int64{doc}, ReextractOptions{})
	if err != nil || len(rep.Documents) != 1 || rep.Documents[0].Moved != 0 || rep.Documents[0].Unchanged != 4 || rep.Documents[0].Orphaned != 1 {
		t.Fatalf("re-extracting an up-to-date document: %+v %v", rep, err)
	}
	if rep, err := lib.Reextract(ctx, []int64{999}, ReextractOptions{}); err != nil || len(rep.Failed) != 1 || !strings.Contains(rep.Failed[0].Error, "999") {
		t.Fatalf("unknown document: %+v %v", rep, err)
	}
	chk, err := lib.Check(ctx, CheckOptions{})
	if err != nil || !chk.OK {
		t.Fatalf("check: %+v %v", chk, err)
	}
	if problems, err := lib.CheckCoding(ctx); err != nil || len(problems) != 0 {
		t.Fatalf("check coding: %v %v", problems, err)
	}
	// CheckCoding sees text changed under an annotation behind the API's back.
	if _, err := lib.db.Exec("UPDATE pages SET text_z = ? WHERE doc_id = ? AND page = 1", compressPageText("replaced"), doc); err != nil {
		t.Fatal(err)
	}
	if problems, err := lib.CheckCoding(ctx); err != nil || len(problems) != 3 || !strings.Contains(problems[0], "does not hold its quote") {
		t.Fatalf("check coding after tampering: %v %v", problems, err)
	}
}

func TestReanchorOrphanComesBack(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	pages, _ := lib.Pages(ctx, doc)
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Nobody mentioned the final flourish", Themes: []string{"Trust"}})
	if err != nil {
		t.Fatal(err)
	}
	var without []importer.PageText
	for _, p := range pages {
		without = append(without, importer.PageText{Number: p.Number, Text: strings.ReplaceAll(p.Text, "Nobody mentioned the final flourish", "Everybody ignored it")})
	}
	res, err := lib.replacePages(ctx, doc, without, importer.ExtractorVersion, importer.EngineNative)
	if err != nil || res.Orphaned != 1 {
		t.Fatalf("replace: %+v %v", res, err)
	}
	if got, _ := lib.Annotation(ctx, a.ID); !got.Orphaned || got.Quote != a.Quote || got.Start != a.Start {
		t.Fatalf("orphan %+v", got)
	}
	var with []importer.PageText
	for _, p := range pages {
		with = append(with, importer.PageText{Number: p.Number, Text: "Inserted first.\n\n" + p.Text})
	}
	res, err = lib.replacePages(ctx, doc, with, importer.ExtractorVersion, importer.EngineNative)
	if err != nil || res.Moved != 1 {
		t.Fatalf("replace: %+v %v", res, err)
	}
	got, _ := lib.Annotation(ctx, a.ID)
	if got.Orphaned || got.Start != a.Start+len([]rune("Inserted first.\n\n")) {
		t.Fatalf("found again: %+v", got)
	}
	checkAnchored(t, lib, got)
	if _, err := lib.Annotation(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing annotation: %v", err)
	}
}
