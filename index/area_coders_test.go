package index

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Area annotations carry their coder as passages do: each coder codes an
// area of their own (another coder's coding of the same rectangle is
// theirs, and refuses nobody), annotations are listed by coder, and the
// page view's highlights can be one coder's alone (blind coding).
func TestAreaCoders(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importBytes(t, lib, "figure.pdf", figurePage())
	figure := Rect{100, 500, 400, 600}
	anna, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &figure, Themes: []string{"Trust"}, Author: "Anna"})
	if err != nil {
		t.Fatal(err)
	}
	if anna.Coder != "Anna" || anna.Author != "Anna" {
		t.Errorf("Anna's area: coder %q, author %q", anna.Coder, anna.Author)
	}
	if c, err := lib.CoderByName(ctx, "anna"); err != nil || c.GUID == "" || c.Name != "Anna" {
		t.Errorf("the coder of an area is a coder: %+v %v", c, err)
	}
	bo, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &figure, Themes: []string{"Trust"}, Author: "Bo"})
	if err != nil {
		t.Fatalf("Bo codes the area Anna coded: %v", err)
	}
	if bo.Coder != "Bo" || bo.ID == anna.ID {
		t.Errorf("Bo's area %+v", bo)
	}
	var coded *AlreadyCodedError
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &figure, Themes: []string{"Trust"}, Author: "anna"}); !errors.As(err, &coded) || coded.AnnotationID != anna.ID {
		t.Errorf("Anna codes her area again: %v, want it refused as annotation %d", err, anna.ID)
	}
	list, err := lib.Annotations(ctx, AnnotationFilter{Coder: "Bo"})
	if err != nil || len(list) != 1 || list[0].ID != bo.ID || !list[0].IsArea() {
		t.Errorf("Bo's annotations: %v %+v", err, list)
	}
	ids := func(hs []PageHighlight) []int64 {
		var out []int64
		for _, h := range hs {
			out = append(out, h.AnnotationID)
		}
		return out
	}
	all, err := lib.PageHighlights(ctx, doc, 1)
	if err != nil || !reflect.DeepEqual(ids(all), []int64{anna.ID, bo.ID}) {
		t.Errorf("the page's highlights: %v %v", ids(all), err)
	}
	own, err := lib.PageHighlightsOf(ctx, doc, 1, "bo")
	if err != nil || !reflect.DeepEqual(ids(own), []int64{bo.ID}) {
		t.Errorf("Bo's highlights of the page: %v %v", ids(own), err)
	}
}

// Agreement and disagreements compare codings of the text: an area coded by
// one coder changes neither, and a consensus decision on a passage at the
// top of the page leaves the consensus coder's areas of that page alone.
func TestAreaLeftOutOfAgreementAndConsensus(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importBytes(t, lib, "figure.pdf", figurePage())
	first := "Trust grew over many years of working together."
	tagAs(t, lib, "Anna", doc, first, "Trust")
	tagAs(t, lib, "Bo", doc, first, "Collaboration")
	req := AgreementRequest{Coders: []string{"Anna", "Bo"}}
	before, err := lib.Agreement(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &Rect{100, 500, 400, 600}, Themes: []string{"Trust"}, Author: "Anna"}); err != nil {
		t.Fatal(err)
	}
	after, err := lib.Agreement(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before.Overall, after.Overall) || !reflect.DeepEqual(before.Themes, after.Themes) {
		t.Errorf("an area changed the agreement:\nbefore %+v\nafter  %+v", before.Overall, after.Overall)
	}
	preq := PassageRequest{AgreementRequest: req}
	rep, err := lib.Disagreements(ctx, preq)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Disagreements != 1 || len(rep.Passages) != 1 || rep.Passages[0].Start != 0 {
		t.Fatalf("disagreements: %+v", rep.Passages)
	}
	// the consensus coder's own area of the page
	area, err := lib.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &Rect{72, 380, 400, 420}, Themes: []string{"Support"}, Author: DefaultConsensusCoder})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lib.Consensus(ctx, ConsensusRequest{PassageRequest: preq, Passage: rep.Passages[0].ID, Accept: []string{"Anna"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced != 0 || len(res.Added) != 1 || res.Added[0].Quote != first {
		t.Errorf("accept Anna's coding: replaced %d, added %+v", res.Replaced, res.Added)
	}
	if a, err := lib.Annotation(ctx, area.ID); err != nil || !a.IsArea() {
		t.Errorf("the consensus coder's area after a decision on the page: %+v %v", a, err)
	}
}

// Merging another coder's library brings their areas as areas — the same
// rectangle of the same page, with their coder, themes and note — and
// merging again adds nothing.
func TestMergeAreas(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	lead, err := Open(ctx, filepath.Join(base, "anna"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lead.Close()
	lead.Author = "Anna"
	doc := importBytes(t, lead, "figure.pdf", figurePage())
	figure := Rect{100, 500, 400, 600}
	if _, err := lead.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &figure, Themes: []string{"Trust"}}); err != nil {
		t.Fatal(err)
	}
	boDir := filepath.Join(base, "bo")
	copyLibrary(t, lead, boDir)
	bo, err := Open(ctx, boDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bo.Author = "Bo"
	boArea, err := bo.Tag(ctx, TagRequest{DocID: doc, Page: 1, Rect: &figure, Themes: []string{"Trust", "Collaboration"}, Note: "Bo's reading of the figure"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bo.Tag(ctx, TagRequest{DocID: doc, Page: 2, Rect: &Rect{60, 650, 300, 720}, Themes: []string{"Support"}}); err != nil {
		t.Fatal(err)
	}
	bo.Close()

	rep, err := lead.MergeLibrary(ctx, boDir, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Annotations.Added != 2 || rep.Annotations.Present != 1 || len(rep.NotPlaced) != 0 {
		t.Errorf("merge: %+v (not placed %+v)", rep.Annotations, rep.NotPlaced)
	}
	got, err := lead.Annotations(ctx, AnnotationFilter{Coder: "Bo"})
	if err != nil || len(got) != 2 {
		t.Fatalf("Bo's annotations after the merge: %v %+v", err, got)
	}
	var merged *Annotation
	for i := range got {
		if got[i].GUID == boArea.GUID {
			merged = &got[i]
		}
	}
	if merged == nil || !merged.IsArea() || merged.Rect == nil || *merged.Rect != figure || merged.Page != 1 ||
		merged.Note != "Bo's reading of the figure" || strings.Join(merged.Themes, ",") != strings.Join(boArea.Themes, ",") || merged.Quote != boArea.Quote {
		t.Errorf("Bo's area merged as %+v (rect %v), want %+v", merged, merged.Rect, boArea)
	}
	if hs, err := lead.PageHighlightsOf(ctx, doc, 1, "Bo"); err != nil || len(hs) != 1 || !hs[0].Area {
		t.Errorf("Bo's area drawn on the page: %+v %v", hs, err)
	}
	again, err := lead.MergeLibrary(ctx, boDir, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Annotations.Added != 0 || again.Annotations.Present != 3 {
		t.Errorf("merging again: %+v", again.Annotations)
	}
}
