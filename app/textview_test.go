package app

import (
	"image/color"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/rapport-qda/rapport/index"
)

const textViewSample = "Relationships with professionals have been shown to be helpful to persons with severe mental illness in relation to a variety of services. " +
	"In this article, we aimed to synthesize the available qualitative research to acquire a deepened understanding of what helpful relationships with professionals consists of. " +
	"The findings show that helpful relationships with professionals are relationships where the persons get to spend time with professionals that they know and trust."

// drawnLines groups what the text view's renderer draws by line (the y of
// the object), left to right.
func drawnLines[T fyne.CanvasObject](objs []fyne.CanvasObject) map[float32][]T {
	lines := map[float32][]T{}
	for _, o := range objs {
		if x, ok := o.(T); ok {
			lines[o.Position().Y] = append(lines[o.Position().Y], x)
		}
	}
	for _, l := range lines {
		sort.Slice(l, func(i, j int) bool { return l[i].Position().X < l[j].Position().X })
	}
	return lines
}

// The words of a line are drawn as one text, so the spaces between them are
// the font's own (shaped together) and not each word placed on its own:
// the painter snaps every text object to whole pixels, and a word drawn by
// itself ended up a pixel or two off, making the 4-pixel spaces uneven
// ("thatsome staffdo"). Only a change of font or colour (a search term)
// starts another text, exactly where the one before it ends.
func TestTextViewDrawsEachLineAsOneText(t *testing.T) {
	test.NewTempApp(t)
	v := newTextView()
	v.SetText(textViewSample)
	v.Resize(fyne.NewSize(420, 2000))
	r := test.WidgetRenderer(v)
	r.Layout(v.Size())

	texts := drawnLines[*canvas.Text](r.Objects())
	if len(texts) < 4 {
		t.Fatalf("the sample is drawn on %d lines at 420 px, want several", len(texts))
	}
	if len(texts) != len(v.lineTops) {
		t.Errorf("text objects on %d distinct lines, the layout has %d lines", len(texts), len(v.lineTops))
	}
	var words []string
	for y, line := range texts {
		if len(line) != 1 {
			var parts []string
			for _, tx := range line {
				parts = append(parts, tx.Text)
			}
			t.Errorf("line at y=%.1f is drawn as %d texts %q, want one", y, len(line), parts)
		}
		for _, tx := range line {
			words = append(words, strings.Fields(tx.Text)...)
		}
	}
	if got, want := len(words), len(strings.Fields(textViewSample)); got != want {
		t.Errorf("%d words drawn, the page has %d", got, want)
	}

	// a search term in bold: its line has three texts, each starting where
	// the one before ends
	start := strings.Index(textViewSample, "deepened")
	v.SetMarks(nil, []index.ReadingSpan{{Start: start, End: start + len("deepened")}}, nil, -1)
	r.Layout(v.Size())
	found := false
	for _, line := range drawnLines[*canvas.Text](r.Objects()) {
		for i, tx := range line {
			if tx.Text != "deepened" {
				continue
			}
			found = true
			if !tx.TextStyle.Bold {
				t.Error("the search term is not bold")
			}
			if i == 0 || i == len(line)-1 {
				t.Fatalf("the term is at the edge of its line: %d texts", len(line))
			}
			for _, k := range []int{i, i + 1} {
				prev := line[k-1]
				end := prev.Position().X + fyne.MeasureText(prev.Text, prev.TextSize, prev.TextStyle).Width
				if d := line[k].Position().X - end; d > 0.01 || d < -0.01 {
					t.Errorf("%q starts %.2f px from the end of %q", line[k].Text, d, prev.Text)
				}
			}
		}
	}
	if !found {
		t.Error("the search term is not drawn as a text of its own")
	}
}

// A highlight is one rectangle per line, not one per word with slivers of
// overlap (the overlaps of translucent rectangles showed as seams).
func TestTextViewHighlightIsOneRectanglePerLine(t *testing.T) {
	test.NewTempApp(t)
	v := newTextView()
	v.SetText(textViewSample)
	v.Resize(fyne.NewSize(420, 2000))
	start := strings.Index(textViewSample, "The findings")
	end := strings.Index(textViewSample, "know and trust")
	green := color.NRGBA{G: 0x80, A: 0x60}
	blue := color.NRGBA{B: 0x80, A: 0x60}
	v.SetMarks([]colourSpan{
		{index.ReadingSpan{Start: start, End: end}, green},
		{index.ReadingSpan{Start: end, End: len(textViewSample) - 1}, blue},
	}, nil, nil, -1)
	r := test.WidgetRenderer(v)
	r.Layout(v.Size())

	rects := drawnLines[*canvas.Rectangle](r.Objects())
	if len(rects) < 2 {
		t.Fatalf("highlight drawn on %d lines, want at least 2", len(rects))
	}
	for y, line := range rects {
		perColour := map[color.Color]int{}
		for i, rc := range line {
			perColour[rc.FillColor]++
			if i > 0 {
				prev := line[i-1]
				if gap := rc.Position().X - (prev.Position().X + prev.Size().Width); gap < -0.01 {
					t.Errorf("line at y=%.1f: rectangles overlap by %.2f px", y, -gap)
				}
			}
		}
		for c, n := range perColour {
			if n != 1 {
				t.Errorf("line at y=%.1f: %d rectangles of colour %v, want one", y, n, c)
			}
		}
	}
}
