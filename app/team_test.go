package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/coderpref"
)

// twoCoders codes the first test article as Anna and Bo: both the first
// sentence with the first theme, Bo the second sentence too.
func twoCoders(t *testing.T, lib *index.Library) (index.Document, string) {
	t.Helper()
	ctx := context.Background()
	docs, err := lib.BrowseDocuments(ctx, index.BrowseRequest{Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := lib.Themes(ctx)
	theme := themes[0].Name
	for _, c := range []struct{ coder, quote string }{
		{"Anna", "Persons with severe mental illness value time with professionals."},
		{"Bo", "Persons with severe mental illness value time with professionals."},
		{"Bo", "Trust grows slowly."},
	} {
		if _, err := lib.Tag(ctx, index.TagRequest{DocID: docs[0].ID, Quote: c.quote, Themes: []string{theme}, Author: c.coder}); err != nil {
			t.Fatal(err)
		}
	}
	return docs[0], theme
}

// mustButton returns the button with the text inside root.
func mustButton(t *testing.T, root fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	b := findButton(root, text)
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b
}

// The coder is chosen in the window, saved where the command line finds
// it, named in the title bar and the status bar; blind coding shows the
// coder's own annotations only, and tagging a passage another coder coded
// makes the coder's own annotation.
func TestCoderAndBlindCoding(t *testing.T) {
	lib, _ := newTestLibrary(t)
	doc, theme := twoCoders(t, lib)
	u, w := newTestUI(t, lib)
	if err := u.setCoder("Anna"); err != nil {
		t.Fatal(err)
	}
	u.Wait()
	if !strings.HasSuffix(w.Title(), "— coding as Anna") || u.coderButton.Text != "Coder: Anna" || lib.Author != "Anna" {
		t.Errorf("title %q, status %q, library author %q", w.Title(), u.coderButton.Text, lib.Author)
	}
	if name, _ := coderpref.Load(); name != "Anna" {
		t.Errorf("the preference the command line reads: %q", name)
	}
	u.OpenDocument(doc.ID, 1, "")
	u.Wait()
	if n := len(u.reader.tagPanel.annots); n != 3 {
		t.Fatalf("the reader shows %d annotations, want both coders' 3", n)
	}
	u.setBlind(true)
	u.Wait()
	if !strings.HasSuffix(w.Title(), "(blind)") || !strings.Contains(u.coderButton.Text, "blind") {
		t.Errorf("blind: title %q, status %q", w.Title(), u.coderButton.Text)
	}
	if n := len(u.reader.tagPanel.annots); n != 1 || u.reader.tagPanel.annots[0].Coder != "Anna" {
		t.Errorf("blind: the reader shows %+v", u.reader.tagPanel.annots)
	}
	if len(u.annotations.annots) != 1 || !strings.Contains(u.annotations.head.Text, "yours only") {
		t.Errorf("blind: the annotations view lists %d (%q)", len(u.annotations.annots), u.annotations.head.Text)
	}
	for _, d := range u.docs.docs {
		if d.ID == doc.ID && d.AnnotationCount != 1 {
			t.Errorf("blind: the library list counts %d annotations, want Anna's 1", d.AnnotationCount)
		}
	}
	if u.sidebar.themes[0].Count != 1 {
		t.Errorf("blind: the sidebar counts %d for %s, want Anna's 1", u.sidebar.themes[0].Count, theme)
	}
	if !u.reports.agreement.blindNote.Visible() || u.reports.agreement.body.Visible() {
		t.Error("blind: the agreement is shown")
	}
	// Bo's second sentence, selected and tagged by Anna: a new annotation
	// of Anna's; Bo's is left as it was.
	v := u.reader.view
	test.TapAt(v, pieceOf(t, v, "grows"))
	u.reader.tagPanel.tag(theme)
	u.Wait()
	mine, _ := lib.Annotations(context.Background(), index.AnnotationFilter{Coder: "Anna"})
	bos, _ := lib.Annotations(context.Background(), index.AnnotationFilter{Coder: "Bo"})
	if len(mine) != 2 || len(bos) != 2 {
		t.Errorf("after Anna tags Bo's passage: Anna %d, Bo %d annotations", len(mine), len(bos))
	}
	u.setBlind(false)
	u.Wait()
	if n := len(u.reader.tagPanel.annots); n != 4 {
		t.Errorf("blind off: the reader shows %d annotations", n)
	}
}

// The Reports tab's agreement: the table per theme and overall, the
// disagreements; one is opened in the reader and settled, and the list
// says so after.
func TestAgreementTab(t *testing.T) {
	lib, _ := newTestLibrary(t)
	doc, _ := twoCoders(t, lib)
	u, _ := newTestUI(t, lib)
	u.ShowView(ViewReports)
	u.reports.tabs.SelectIndex(2)
	u.Wait()
	p := u.reports.agreement
	if p.report == nil || p.passages == nil {
		t.Fatalf("no agreement: %q", p.summary.Text)
	}
	if len(p.report.Themes) != 1 || len(p.report.Coders) != 2 || p.report.AlphaKind != "alpha_u" {
		t.Errorf("agreement: %+v", p.report)
	}
	if rows, cols := p.table.Length(); rows != 2 || cols != len(agreementColumns) {
		t.Errorf("table %d×%d, want a theme and the overall row", rows, cols)
	}
	if len(p.passages.Passages) != 1 || !strings.Contains(p.listHead.Text, "1 passages coded differently, 0 decided") {
		t.Fatalf("disagreements: %q %+v", p.listHead.Text, p.passages.Passages)
	}
	// by sentences
	p.unit.SetSelectedIndex(1)
	u.Wait()
	if p.report.AlphaKind != "alpha" || p.report.Unit != index.UnitSentence {
		t.Errorf("by sentences: %+v", p.report)
	}
	p.list.Select(0)
	u.Wait()
	ps := p.passages.Passages[0]
	test.Tap(mustButton(t, p.detailTop, "Open in reader"))
	u.Wait()
	if u.currentView() != ViewReader || u.reader.doc.ID != doc.ID || u.reader.view.Selection() != (index.ReadingSpan{Start: ps.Start, End: ps.End}) {
		t.Errorf("the passage in the reader: view %s, selection %+v, want %d–%d", u.currentView(), u.reader.view.Selection(), ps.Start, ps.End)
	}
	u.ShowView(ViewReports)
	u.Wait()
	test.Tap(mustButton(t, p.detailTop, "Accept Bo"))
	u.Wait()
	cons, _ := lib.Annotations(context.Background(), index.AnnotationFilter{Coder: index.DefaultConsensusCoder})
	if len(cons) != 1 || cons[0].Quote != "Trust grows slowly." {
		t.Errorf("the consensus after accepting Bo: %+v", cons)
	}
	if !strings.Contains(p.listHead.Text, "1 decided") {
		t.Errorf("after the decision: %q", p.listHead.Text)
	}
	// Ctrl+Z takes the decision back
	u.Undo()
	u.Wait()
	if !strings.Contains(p.listHead.Text, "0 decided") {
		t.Errorf("after undo: %q", p.listHead.Text)
	}
}

// The agreement tab fits the window at both sizes: nothing reaches past
// its right edge.
func TestAgreementTabFitsTheWindow(t *testing.T) {
	for _, size := range windowSizes {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			lib, _ := newTestLibrary(t)
			twoCoders(t, lib)
			u, w := newTestUI(t, lib)
			w.Resize(size)
			u.ShowView(ViewReports)
			u.reports.tabs.SelectIndex(2)
			u.Wait()
			u.reports.agreement.list.Select(0)
			u.Wait()
			content := u.reports.agreement.body
			limit := rightEdge(content)
			if limit > size.Width+0.5 {
				t.Fatalf("the agreement ends at %.0f, past the window's %.0f", limit, size.Width)
			}
			for _, o := range visibleObjects(content) {
				if e := rightEdge(o); e > limit+0.5 {
					t.Errorf("%T %s ends at %.0f, past the pane's right edge %.0f", o, describe(o), e, limit)
				}
			}
		})
	}
}

// File › Merge a coder's library…: the other library's codings arrive
// with their coder, the report says so, and Ctrl+Z takes the merge away.
func TestMergeFromTheWindow(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	zip := filepath.Join(t.TempDir(), "copy.zip")
	if _, err := lib.Backup(ctx, zip, nil); err != nil {
		t.Fatal(err)
	}
	boDir := filepath.Join(t.TempDir(), "bo")
	if _, err := index.Restore(ctx, zip, boDir, nil); err != nil {
		t.Fatal(err)
	}
	bo, err := index.Open(ctx, boDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	twoCoders(t, bo)
	bo.Close()
	u, w := newTestUI(t, lib)
	u.runMerge(boDir, false)
	u.Wait()
	if got, _ := lib.Annotations(ctx, index.AnnotationFilter{Coder: "Bo"}); len(got) != 2 {
		t.Errorf("Bo's annotations after the merge: %d", len(got))
	}
	if !strings.Contains(u.status.Text, "3 annotations added") {
		t.Errorf("status: %q", u.status.Text)
	}
	if findLabel(topDialog(t, w), "3 annotations added") == nil {
		t.Error("the report dialog does not say what was added")
	}
	u.Undo()
	u.Wait()
	if got, _ := lib.Annotations(ctx, index.AnnotationFilter{}); len(got) != 0 {
		t.Errorf("after undo: %d annotations", len(got))
	}
}
