package app

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
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
