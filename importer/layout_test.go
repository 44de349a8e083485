package importer

import (
	"strings"
	"testing"
)

// wordsAt lays out words of a 10 pt line from x with the given spaces
// between them (one space fewer than words), 6 pt per letter.
func wordsAt(x, y float64, texts []string, spaces []float64) []word {
	var ws []word
	for i, t := range texts {
		w := word{text: t, x0: x, x1: x + 6*float64(len(t)), y: y, size: 10}
		ws = append(ws, w)
		if i < len(spaces) {
			x = w.x1 + spaces[i]
		}
	}
	return ws
}

// TestStretchedLineIsNotCut: in a column where several lines happen to
// have a wide space at the same x, a loosely justified line whose spaces are
// all stretched alike stays one line; a line with one space much wider
// than the others is still cut there.
func TestStretchedLineIsNotCut(t *testing.T) {
	var lines []*rawLine
	y := 700.0
	for i := 0; i < 6; i++ {
		// "aaaaaaaaaaaaa" ends at 384, the next word starts at 394: a
		// 10 pt space at the same x on every line, other spaces 2.5 pt.
		ws := wordsAt(306, y, []string{"aaaaaaaaaaaaa", "bbbbbbb", "ccccccc", "ddddddd"}, []float64{10, 2.5, 2.5})
		lines = append(lines, &rawLine{words: ws, y: y, size: 10})
		y -= 12
	}
	stretched := wordsAt(306, y, []string{"comprehensive", "analysis", "of", "cognitive", "health"}, []float64{9.5, 9.2, 9.3, 9.2})
	lines = append(lines, &rawLine{words: stretched, y: y, size: 10})
	frags := splitLines(lines, 0)
	var got []string
	for _, f := range frags {
		got = append(got, f.text)
	}
	want := []string{}
	for i := 0; i < 6; i++ {
		want = append(want, "aaaaaaaaaaaaa", "bbbbbbb ccccccc ddddddd")
	}
	want = append(want, "comprehensive analysis of cognitive health")
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("fragments:\n%q\nwant\n%q", got, want)
	}
}
