package app

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// A snippet wraps at word boundaries whatever the width: no word is broken
// into rows of single letters. (Fyne 2.7.1's rich text wrapped a segment
// that began in the last pixels of a row one letter per row, fixed
// upstream after 2.7.1: snippetSegments works around it.)
func TestSnippetWrapsWholeWords(t *testing.T) {
	test.NewTempApp(t)
	snippet := "…is professional. Our practical practice that education shapes longitudinal therapist after practice when intervention is " +
		"<mark>professional</mark>. This <mark>trust</mark> indicates how practical <mark>professional</mark> and social recovery guides the " +
		"<mark>trust</mark> meaning. Our meaningful relationship that <mark>trust</mark> builds."
	bad := 0
	for width := float32(150); width < 500 && bad < 3; width++ {
		rt := widget.NewRichText(snippetSegments(snippet)...)
		rt.Wrapping = fyne.TextWrapWord
		rt.Resize(fyne.NewSize(width, 2000))
		for _, o := range test.WidgetRenderer(rt).Objects() {
			txt, ok := o.(*canvas.Text)
			if !ok {
				continue
			}
			s := strings.Trim(txt.Text, zeroWidthSpace+" ")
			if utf8.RuneCountInString(s) == 1 && strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") {
				t.Errorf("width %.0f: a row holds the single letter %q", width, s)
				bad++
				break
			}
		}
	}
}

// A search result shows whole snippet lines: the last one shown is not cut
// through (the row's height was not a whole number of lines).
func TestSnippetRowShowsWholeLines(t *testing.T) {
	a := test.NewTempApp(t)
	snippet := strings.Repeat("The coach listened, and <mark>trust</mark> grew over the months of support in the service. ", 12)
	for _, width := range []float32{420, 600, 800} {
		row := newHitRow()
		row.set(&index.SearchHit{Title: "How trust shapes recovery", Page: 4, Snippet: snippet})
		w := a.NewWindow("")
		w.SetPadded(false)
		w.SetContent(row)
		// every row of the result list has the height of the list's
		// template row, an empty one
		w.Resize(fyne.NewSize(width, newHitRow().MinSize().Height))
		d := fyne.CurrentApp().Driver()
		clipTop := d.AbsolutePositionForObject(row.clip).Y
		clipBottom := clipTop + row.clip.Size().Height
		whole := map[float32]bool{}
		for _, tx := range textsOf(row.snippet) {
			if strings.Trim(tx.Text, zeroWidthSpace+" ") == "" {
				continue
			}
			top := d.AbsolutePositionForObject(tx).Y
			bottom := top + tx.Size().Height
			switch {
			case top >= clipBottom || bottom <= clipTop:
				// not shown
			case top >= clipTop-0.5 && bottom <= clipBottom+0.5:
				whole[top] = true
			default:
				t.Errorf("width %.0f: %q is cut by the row's edge (%.1f–%.1f shown of %.1f–%.1f)", width, tx.Text, clipTop, clipBottom, top, bottom)
			}
		}
		if len(whole) < snippetLines {
			t.Errorf("width %.0f: %d whole snippet lines shown, want %d", width, len(whole), snippetLines)
		}
		w.Close()
	}
}
