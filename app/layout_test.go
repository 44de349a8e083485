package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// windowSizes are the sizes every layout check runs at: the default
// window and a small laptop screen.
var windowSizes = []fyne.Size{{Width: 1200, Height: 800}, {Width: 1024, Height: 768}}

// visibleObjects lists root and everything drawn inside it, as laid out
// (through the widgets' own renderers; hidden objects are left out).
func visibleObjects(root fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		out = append(out, o)
		switch c := o.(type) {
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(c).Objects() {
				walk(child)
			}
		case *fyne.Container:
			for _, child := range c.Objects {
				walk(child)
			}
		}
	}
	walk(root)
	return out
}

// rightEdge is where an object ends on the window, left to right.
func rightEdge(o fyne.CanvasObject) float32 {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X + o.Size().Width
}

// topDialog is the dialog (or pop-up) shown last on the window.
func topDialog(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is shown")
	}
	return top
}

// textsOf are the texts drawn inside root.
func textsOf(root fyne.CanvasObject) []*canvas.Text {
	var out []*canvas.Text
	for _, o := range visibleObjects(root) {
		if tx, ok := o.(*canvas.Text); ok && tx.Text != "" {
			out = append(out, tx)
		}
	}
	return out
}

// The reader's Selection/Tag panel fits its column: nothing in it reaches
// past its right edge (the theme buttons used to widen it to their text).
func TestReaderTagPanelFitsItsColumn(t *testing.T) {
	for _, size := range windowSizes {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			lib, _ := newTestLibrary(t)
			u, w := newTestUI(t, lib)
			w.Resize(size)
			openFirstArticle(t, u, lib)
			panel := u.reader.tagPanel.content
			limit := rightEdge(panel)
			if limit > size.Width+0.5 {
				t.Fatalf("the panel ends at %.0f, past the window's %.0f", limit, size.Width)
			}
			n := 0
			for _, o := range visibleObjects(panel) {
				if _, ok := o.(*choiceRow); ok {
					n++
				}
				if e := rightEdge(o); e > limit+0.5 {
					t.Errorf("%T %s ends at %.0f, past the panel's right edge %.0f", o, describe(o), e, limit)
				}
			}
			if n < 9 {
				t.Errorf("%d theme rows in the panel, want the codebook's themes", n)
			}
		})
	}
}

// describe names an object for a message: its text, when it has one.
func describe(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *canvas.Text:
		return fmt.Sprintf("%q", x.Text)
	case *widget.Label:
		return fmt.Sprintf("%q", x.Text)
	case *widget.Button:
		return fmt.Sprintf("%q", x.Text)
	case *choiceRow:
		return fmt.Sprintf("%q", x.Text())
	}
	return ""
}

// Every column of the library list shows whole at the window's size: the
// title column takes what the others leave.
func TestLibraryColumnsFitTheWindow(t *testing.T) {
	for _, size := range windowSizes {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			lib, _ := newTestLibrary(t)
			u, w := newTestUI(t, lib)
			w.Resize(size)
			u.ShowView(ViewLibrary)
			limit := rightEdge(u.docs.table)
			headers := map[string]fyne.CanvasObject{}
			for _, o := range visibleObjects(u.docs.table) {
				if b, ok := o.(*widget.Button); ok && b.Text != "" {
					headers[b.Text] = b
				}
			}
			for _, c := range docColumns {
				if c.title == "" {
					continue // the row actions' column has no header
				}
				h := headers[c.title]
				if h == nil {
					t.Errorf("column %q is not shown", c.title)
					continue
				}
				if e := rightEdge(h); e > limit+0.5 {
					t.Errorf("column %q ends at %.0f, past the list's right edge %.0f", c.title, e, limit)
				}
			}
			if tw := u.docs.table.Size().Width; u.docs.widths[1] < 0.3*tw {
				t.Errorf("title column %.0f px of a %.0f px list", u.docs.widths[1], tw)
			}
		})
	}
}

// The codebook's list gets a fair share of the pane, so theme names are
// readable (it was squeezed to a dozen characters by the form's width).
func TestCodebookListIsReadable(t *testing.T) {
	for _, size := range windowSizes {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			lib, _ := newTestLibrary(t)
			u, w := newTestUI(t, lib)
			w.Resize(size)
			u.ShowView(ViewCodebook)
			pane := u.codebook.content.Size().Width
			if lw := u.codebook.list.Size().Width; lw < 0.35*pane {
				t.Errorf("codebook list %.0f px wide of a %.0f px pane", lw, pane)
			}
			limit := rightEdge(u.codebook.content)
			for _, o := range visibleObjects(u.codebook.form) {
				if e := rightEdge(o); e > limit+0.5 {
					t.Errorf("%T %s ends at %.0f, past the pane's right edge %.0f", o, describe(o), e, limit)
				}
			}
		})
	}
}

// The New theme dialog has fields one can type a name and a description in,
// and the description wraps.
func TestNewThemeDialogHasRoomToType(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, w := newTestUI(t, lib)
	u.ShowView(ViewCodebook)
	u.codebook.askAdd("")
	var entries []*widget.Entry
	for _, o := range visibleObjects(topDialog(t, w)) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 {
		t.Fatalf("%d fields in the dialog, want name and description", len(entries))
	}
	for _, e := range entries {
		if e.Size().Width < 360 {
			t.Errorf("a field is %.0f px wide", e.Size().Width)
		}
	}
	if d := entries[1]; !d.MultiLine || d.Wrapping != fyne.TextWrapWord || d.Size().Height < 3*theme_textHeight() {
		t.Errorf("description: multi-line %v, wrapping %v, height %.0f", d.MultiLine, d.Wrapping, d.Size().Height)
	}
}

func theme_textHeight() float32 {
	return fyne.MeasureText("Mg", 14, fyne.TextStyle{}).Height
}

// Each failure in the Failed files dialog has the height its wrapped
// message needs (two-line messages overlapped the next row).
func TestImportFailuresDialogRowsFitTheirText(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, w := newTestUI(t, lib)
	long := "the file is cut short (no end-of-file marker): it was probably not downloaded completely; download it again and import the new copy"
	u.showImportFailures([]index.ImportFailure{
		{File: "/data/articles/first-broken-download.pdf", Error: long},
		{File: "/data/articles/second.pdf", Error: "not a PDF: the file starts with <html>"},
		{File: "/data/articles/third-broken-download.pdf", Error: long},
	})
	var labels []*widget.Label
	for _, o := range visibleObjects(topDialog(t, w)) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, ".pdf") {
			labels = append(labels, l)
		}
	}
	if len(labels) != 3 {
		t.Fatalf("%d failures listed, want 3", len(labels))
	}
	for _, l := range labels {
		if need := l.MinSize().Height; l.Size().Height < need-0.5 {
			t.Errorf("%q: %.0f px high, its text needs %.0f", l.Text, l.Size().Height, need)
		}
	}
	if labels[0].MinSize().Height < 1.5*labels[1].MinSize().Height {
		t.Errorf("the long message does not wrap: %.0f px against %.0f", labels[0].MinSize().Height, labels[1].MinSize().Height)
	}
}

// The keyboard shortcuts are a table of key and action, not text with tab
// characters (drawn as boxes).
func TestShortcutsDialogIsATable(t *testing.T) {
	lib, _ := newTestLibrary(t)
	u, w := newTestUI(t, lib)
	u.showShortcuts()
	texts := textsOf(topDialog(t, w))
	keys := map[string]bool{}
	for _, tx := range texts {
		if strings.ContainsRune(tx.Text, '\t') {
			t.Errorf("text with a tab character: %q", tx.Text)
		}
		keys[tx.Text] = true
	}
	for _, want := range []string{"Ctrl+F", "search the library", "Ctrl+Q", "1–9"} {
		if !keys[want] {
			t.Errorf("no cell %q", want)
		}
	}
}

// The Preferences dialog shows the whole library path.
func TestPreferencesShowTheWholePath(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "research on helpful relationships")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lib, err := index.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	u, w := newTestUI(t, lib)
	u.ShowPreferences()
	var path *widget.Entry
	for _, o := range visibleObjects(topDialog(t, w)) {
		if e, ok := o.(*widget.Entry); ok && e.Text == lib.Dir() {
			path = e
		}
	}
	if path == nil {
		t.Fatal("no field shows the library folder")
	}
	need := fyne.MeasureText(lib.Dir(), 14, fyne.TextStyle{}).Width + 16
	if path.Size().Width < need {
		t.Errorf("the path field is %.0f px wide, the path needs %.0f", path.Size().Width, need)
	}
}

// The codebook's buttons (Save, Add sub-theme, Merge into…, Delete…) stay
// in sight above the status bar at every window size: the fields scroll
// instead (at 1024x768 the last row was cut off under the status bar in
// the real window, whose fonts are taller than the test driver's: a
// smaller window shows it here).
func TestCodebookButtonsInSight(t *testing.T) {
	for _, size := range append(windowSizes, fyne.NewSize(1024, 560)) {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			lib, _ := newTestLibrary(t)
			u, w := newTestUI(t, lib)
			w.Resize(size)
			u.ShowView(ViewCodebook)
			themes, err := lib.Themes(context.Background())
			if err != nil || len(themes) == 0 {
				t.Fatalf("themes: %v %d", err, len(themes))
			}
			u.codebook.selectTheme(themes[0].Name)
			u.Wait()
			d := fyne.CurrentApp().Driver()
			statusTop := d.AbsolutePositionForObject(u.status).Y
			for _, b := range []*widget.Button{u.codebook.save, u.codebook.addChild, u.codebook.mergeBtn, u.codebook.deleteBtn} {
				bottom := d.AbsolutePositionForObject(b).Y + b.Size().Height
				if !b.Visible() || b.Size().Height < 10 || bottom > statusTop+0.5 {
					t.Errorf("button %q ends at y=%.0f (height %.0f), the status bar starts at %.0f", b.Text, bottom, b.Size().Height, statusTop)
				}
			}
		})
	}
}

// The reader's find box has room for its placeholder, and the toolbar row
// ends inside the window, at both window sizes, in the text view of a
// document whose page label is long (at 1024x768 "Find in document" was
// cut to "Find in d").
func TestReaderFindBoxIsReadable(t *testing.T) {
	for _, size := range windowSizes {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			lib, _ := newTestLibrary(t)
			u, w := newTestUI(t, lib)
			w.Resize(size)
			openFirstArticle(t, u, lib)
			r := u.reader
			fyne.Do(func() {
				r.pageInfo.SetText(readerPageInfo(index.Document{PageCount: 130, FirstPrintedPage: 1460}, index.Page{Number: 12}))
				r.content.Refresh()
			})
			u.Wait()
			need := fyne.MeasureText(r.find.PlaceHolder, theme.TextSize(), fyne.TextStyle{}).Width + 4*theme.InnerPadding()
			if got := r.find.Size().Width; got < need {
				t.Errorf("the find box is %.0f wide, its placeholder %q needs %.0f", got, r.find.PlaceHolder, need)
			}
			if e := rightEdge(r.openPDF); e > size.Width+0.5 {
				t.Errorf("%q ends at %.0f, past the window's %.0f", r.openPDF.Text, e, size.Width)
			}
		})
	}
}
