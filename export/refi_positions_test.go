package export

import (
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/index"
)

// astralText has characters outside the Basic Multilingual Plane before
// and inside passages (emoji, a mathematical letter, an emoji sequence
// joined by zero-width joiners), CRLF line ends, and accents.
const astralText = "Interjú 3\r\nNem tehetik kötelezővé! 😡😡\r\n3\r\nA 𝑥 változó 🥐 és a kávé.\r\nMásodik 👩\u200d👩\u200d👧 család: jó.\r\n"

// astralQuotes are the coded passages of astralText.
var astralQuotes = []string{"Interjú 3", "Nem tehetik kötelezővé! 😡😡", "A 𝑥 változó", "és a kávé.", "család: jó."}

// astralProject codes astralQuotes in text, positions counted in u;
// named gives each selection its quote as name (QualCoder, ATLAS.ti).
func astralProject(t *testing.T, origin, text string, u units, named bool) genProject {
	t.Helper()
	g := genProject{Origin: origin, Codes: []genCode{{GUID: guidN('c', 1), Name: "Feeling"}}}
	src := genSource{GUID: guidN('s', 1), Name: "Interview 3", Text: text}
	for i, q := range astralQuotes {
		if !strings.Contains(text, q) {
			q = norm.NFD.String(q) // the text is decomposed
		}
		start, end := at(t, text, q, 1, u)
		sel := genSel{GUID: guidN('p', i+1), Start: start, End: end, Codes: []string{guidN('c', 1)}}
		if named {
			sel.Name = q
		}
		src.Sels = append(src.Sels, sel)
	}
	g.Sources = []genSource{src}
	return g
}

func readGenerated(t *testing.T, g genProject) *Project {
	t.Helper()
	data := g.qdpx(t)
	p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func quotesOf(p *Project) []string {
	var out []string
	for _, s := range p.Sources {
		for _, sel := range s.Selections {
			out = append(out, sel.Quote)
		}
	}
	return out
}

// TestPositionUnits reads the same passages written by tools that count
// UTF-16 units and code points, with and without names, in CRLF text with
// emoji, and in NFD text: every quote lands on its words.
func TestPositionUnits(t *testing.T) {
	nfd := norm.NFD.String(astralText)
	for _, tc := range []struct {
		name, origin, text string
		units              units
		named              bool
		want               string // PositionUnit
	}{
		{"NVivo, UTF-16, no names", "NVivo 12 (Windows)", astralText, inUTF16, false, "UTF-16 units"},
		{"NVivo, UTF-16, NFD text", "NVivo 15", nfd, inUTF16, false, "UTF-16 units"},
		{"QualCoder, UTF-16, names", "QualCoder 3.8", astralText, inUTF16, true, "UTF-16 units"},
		{"ATLAS.ti, UTF-16, names", "ATLAS.ti 23", astralText, inUTF16, true, "UTF-16 units"},
		{"unknown tool, code points, no names", "", astralText, inCodePoints, false, "code points"},
		{"QualCoder, code points, names", "QualCoder 3.8", astralText, inCodePoints, true, "code points"},
		{"old Rapport, code points, names", "Rapport", astralText, inCodePoints, true, "code points"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := readGenerated(t, astralProject(t, tc.origin, tc.text, tc.units, tc.named))
			got := quotesOf(p)
			if strings.Join(got, "|") != strings.Join(astralQuotes, "|") {
				t.Errorf("quotes\n got %q\nwant %q", got, astralQuotes)
			}
			if len(p.Problems) > 0 {
				t.Errorf("problems: %q", p.Problems)
			}
			if u := p.Sources[0].PositionUnit; u != tc.want {
				t.Errorf("positions read as %q, want %q", u, tc.want)
			}
			// Offsets are code points of the NFC page text.
			page := []rune(p.Sources[0].Pages[0])
			for _, sel := range p.Sources[0].Selections {
				if string(page[sel.Start:sel.End]) != sel.Quote || !norm.NFC.IsNormalString(sel.Quote) {
					t.Errorf("selection %+v: offsets hold %q", sel, string(page[sel.Start:sel.End]))
				}
			}
		})
	}
}

// TestPositionNames: where both readings put a passage on word
// boundaries, the selection's name (its quote) decides, against the
// tool's habit; a name that is a quote of the text found at neither
// reading is reported and the selection left out; a name that is no quote
// (a label) says nothing; positions outside the text are reported.
func TestPositionNames(t *testing.T) {
	text := "🥐🥐 x y z alpha"
	sel := func(n int, name string, start, end int) genSel {
		return genSel{GUID: guidN('p', n), Name: name, Start: start, End: end, Codes: []string{guidN('c', 1)}}
	}
	g := genProject{Origin: "QualCoder 3.8", Codes: []genCode{{GUID: guidN('c', 1), Name: "Letter"}}}
	for i, sels := range [][]genSel{
		{sel(1, "y", 7, 8)},                    // UTF-16: y (the tool's unit)
		{sel(2, "z", 7, 8)},                    // code points: z
		{sel(3, "Selection 4", 7, 8)},          // a label: the tool's unit
		{sel(4, "alpha", 0, 1)},                // a quote, found at neither reading
		{sel(5, "x", 100, 200)},                // outside the text
		{sel(6, "y", 7, 8), sel(7, "z", 7, 8)}, // one source, each its own
	} {
		g.Sources = append(g.Sources, genSource{GUID: guidN('s', i+1), Name: "Source " + string(rune('A'+i)), Text: text, Sels: sels})
	}
	p := readGenerated(t, g)
	got := map[string][]string{}
	for _, s := range p.Sources {
		for _, sel := range s.Selections {
			got[s.Name] = append(got[s.Name], sel.Quote)
		}
	}
	want := map[string][]string{"Source A": {"y"}, "Source B": {"z"}, "Source C": {"y"}, "Source F": {"y", "z"}}
	for name, w := range want {
		if strings.Join(got[name], "|") != strings.Join(w, "|") {
			t.Errorf("%s: quotes %q, want %q", name, got[name], w)
		}
	}
	for _, name := range []string{"Source D", "Source E"} {
		if len(got[name]) > 0 {
			t.Errorf("%s: imported %q, want it left out", name, got[name])
		}
	}
	for _, want := range []string{`"alpha": its name is a quote of the text, but not the one at 0–1`, "positions 100–200 outside its text"} {
		found := false
		for _, pr := range p.Problems {
			found = found || strings.Contains(pr, want)
		}
		if !found {
			t.Errorf("no problem says %q; problems: %q", want, p.Problems)
		}
	}
	if p.NotImported["PlainTextSelection"] != 2 {
		t.Errorf("not imported: %v, want 2 PlainTextSelection", p.NotImported)
	}
}

// TestPositionsIntoLibrary imports an NVivo project whose positions count
// UTF-16 units into a library: every annotation holds its passage.
func TestPositionsIntoLibrary(t *testing.T) {
	ctx := context.Background()
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	p := readGenerated(t, astralProject(t, "NVivo 12 (Windows)", astralText, inUTF16, false))
	rep, err := ApplyProject(ctx, lib, p)
	if err != nil {
		t.Fatal(err)
	}
	anns, err := lib.Annotations(ctx, index.AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range anns {
		got = append(got, a.Quote)
	}
	want := append([]string(nil), astralQuotes...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("annotations\n got %q\nwant %q\n(%s)", got, want, rep.Summary())
	}
}

// TestExportPositionsUTF16 writes positions in UTF-16 units: a reader
// counting so (QualCoder, NVivo) finds each quote at its positions.
func TestExportPositionsUTF16(t *testing.T) {
	ctx := context.Background()
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	p := readGenerated(t, astralProject(t, "NVivo 12 (Windows)", astralText, inUTF16, false))
	if _, err := ApplyProject(ctx, lib, p); err != nil {
		t.Fatal(err)
	}
	d, err := Collect(ctx, lib, Filter{FullText: true})
	if err != nil {
		t.Fatal(err)
	}
	files, err := BuildProject(d)
	if err != nil {
		t.Fatal(err)
	}
	xmlValidate(t, "Project.xsd", files.QDE)
	var text string
	for _, s := range files.Sources {
		text = s
	}
	units := utf16Units(text)
	qde := string(files.QDE)
	checked := 0
	for _, q := range astralQuotes {
		i := strings.Index(qde, `name="`+q+`"`)
		if i < 0 {
			t.Fatalf("no selection named %q", q)
		}
		start, end := attrInt(t, files.QDE[i:], "startPosition"), attrInt(t, files.QDE[i:], "endPosition")
		if got := utf16String(units[start:end]); got != q {
			t.Errorf("UTF-16 units %d–%d hold %q, want %q", start, end, got, q)
		}
		checked++
	}
	if checked != len(astralQuotes) {
		t.Errorf("checked %d", checked)
	}
}
