package index

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/importer"
)

// exchangeSource is a source of three pages with n coded sentences spread
// over them.
func exchangeSource(n int) ExchangeSource {
	src := ExchangeSource{GUID: "0a0b0c0d-0000-4000-8000-000000000001", Name: "Interview 7",
		Attributes: []Attribute{{Name: "Age", Value: "34"}, {Name: AttributeCase, Value: "P7"}},
		Notes:      []ExchangeNote{{Text: "Recorded at home.", Author: "Ana", Created: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)}}}
	var pages [3]strings.Builder
	for i := range n {
		p := i % 3
		sentence := fmt.Sprintf("Sentence %d is about wombats. ", i)
		start := len([]rune(pages[p].String()))
		pages[p].WriteString(sentence)
		src.Annotations = append(src.Annotations, ExchangeAnnotation{GUID: fmt.Sprintf("0a0b0c0d-0000-4000-8000-%012d", i+100),
			Page: p + 1, Start: start, End: start + len([]rune(sentence)) - 1, Themes: []string{"Trust"}, Note: fmt.Sprintf("note %d", i)})
	}
	for i := range pages {
		src.Pages = append(src.Pages, importer.PageText{Number: i + 1, Text: pages[i].String()})
	}
	return src
}

func historyLen(t *testing.T, lib *Library) int {
	t.Helper()
	h, err := lib.History(context.Background(), 10000)
	if err != nil {
		t.Fatal(err)
	}
	return len(h)
}

// TestImportExchangeSource stores a source with 60 annotations as one
// undoable step and one re-index, keeps the GUIDs, attributes and notes;
// a second import of it finds everything and adds nothing; a source with
// the same text and no document given is a document of its own.
func TestImportExchangeSource(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	if _, err := lib.Search(ctx, SearchRequest{Query: "x"}); err != nil { // open the index before counting
		t.Fatal(err)
	}
	src := exchangeSource(60)
	src.Annotations = append(src.Annotations, ExchangeAnnotation{Page: 2, Start: 5, End: 99999, Themes: []string{"Trust"}})

	indexed := 0
	testHookBeforeMarkIndexed = func() { indexed++ }
	defer func() { testHookBeforeMarkIndexed = nil }()
	steps := historyLen(t, lib)
	res, err := lib.ImportExchangeSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Added != 60 || res.Found != 0 || res.Codings != 60 || res.NotesAdded != 1 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "outside page 2") {
		t.Errorf("result %+v", res)
	}
	if got := historyLen(t, lib) - steps; got != 1 {
		t.Errorf("%d undoable steps, want 1", got)
	}
	if indexed != 1 {
		t.Errorf("indexed %d times, want once", indexed)
	}
	d, err := lib.Document(ctx, res.Item.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.GUID != src.GUID || len(d.Attributes) != 2 || d.PageCount != 3 || d.Title != "Interview 7" {
		t.Errorf("document %+v", d)
	}
	anns, err := lib.Annotations(ctx, AnnotationFilter{DocID: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	guids := map[string]bool{}
	for _, a := range anns {
		guids[a.GUID] = true
		if !strings.HasPrefix(a.Quote, "Sentence ") || !strings.HasSuffix(a.Quote, "wombats.") {
			t.Errorf("annotation quote %q", a.Quote)
		}
	}
	for _, a := range src.Annotations[:60] {
		if !guids[a.GUID] {
			t.Errorf("GUID %s not kept", a.GUID)
		}
	}
	hits, err := lib.Search(ctx, SearchRequest{Query: `+theme:trust +attribute:p7`})
	if err != nil || hits.Total != 3 {
		t.Errorf("search theme and attribute: %v hits, %v", hits, err)
	}

	// Again, into the document found: nothing new, no undoable step.
	src.DocID = d.ID
	steps = historyLen(t, lib)
	again, err := lib.ImportExchangeSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.Added != 0 || again.Found != 60 || again.NotesAdded != 0 || again.ThemesAdded != 0 {
		t.Errorf("second import: %+v", again)
	}
	if got := historyLen(t, lib) - steps; got != 0 {
		t.Errorf("second import: %d undoable steps, want none", got)
	}
	if d2, _ := lib.Document(ctx, d.ID); len(d2.Attributes) != 2 {
		t.Errorf("attributes after the second import: %+v", d2.Attributes)
	}

	// The same text as a new document: kept apart, its own GUIDs.
	twin := exchangeSource(3)
	twin.Pages = src.Pages
	twin.GUID = "0a0b0c0d-0000-4000-8000-000000000002"
	for i := range twin.Annotations {
		twin.Annotations[i].GUID = ""
	}
	res2, err := lib.ImportExchangeSource(ctx, twin)
	if err != nil {
		t.Fatal(err)
	}
	if !res2.Created || res2.Item.ID == d.ID || res2.Added != 3 {
		t.Errorf("twin: %+v", res2)
	}

	// Undo removes the twin's annotations and note, not its document.
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if left, _ := lib.Annotations(ctx, AnnotationFilter{DocID: res2.Item.ID}); len(left) != 0 {
		t.Errorf("after undo: %d annotations", len(left))
	}
}
