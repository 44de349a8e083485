package importer

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// wildDir returns ../shared/wild (real-world PDFs the native reader could
// not read), or skips.
func wildDir(t testing.TB) string {
	c := findCorpus()
	if c == "" {
		t.Skip("shared folder (../shared/wild) not present")
	}
	w := filepath.Join(filepath.Dir(c), "wild")
	if _, err := os.Stat(filepath.Join(w, "MANIFEST.tsv")); err != nil {
		t.Skip("shared folder ../shared/wild not present")
	}
	return w
}

func nonSpaceCount(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func allText(ex *Extraction) string {
	var b strings.Builder
	for _, p := range ex.Pages {
		b.WriteString(p.Header)
		b.WriteString("\n")
		b.WriteString(p.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// TestWildFiles reads the real-world files of ../shared/wild (broken
// cross-reference tables, a cut-short file, RC4, AES-128 and AES-256
// encryption with an empty user password): each is read, by PDFium, with
// at least 90% of the characters pdftotext reads; the native reader alone
// (the fix switched off) reads none of them.
func TestWildFiles(t *testing.T) {
	dir := wildDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 4 {
			continue
		}
		name := cols[0]
		want, _ := strconv.Atoi(cols[3])
		t.Run(name, func(t *testing.T) {
			pdf, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if testing.Short() && len(pdf) > 1<<20 {
				// The 429-page file takes over a minute under the race
				// detector; the full run reads it.
				t.Skip("large file skipped in -short mode")
			}
			ex, err := ExtractPDF(ctx, pdf)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			if ex.Engine != EnginePDFium {
				t.Errorf("engine %q, want %q", ex.Engine, EnginePDFium)
			}
			got := nonSpaceCount(allText(ex))
			if got*10 < want*9 {
				t.Errorf("%d non-space characters, pdftotext reads %d", got, want)
			}
			if strings.HasPrefix(name, "r") && !strings.Contains(allText(ex), "pdf encryption test password: asdfzxcv") {
				t.Errorf("text %q lacks the test sentence", allText(ex))
			}
			if nat, err := ExtractPDFWith(ctx, pdf, ExtractOptions{Engine: EngineNative}); err == nil && nonSpaceCount(allText(nat))*10 >= want*9 {
				t.Errorf("the native reader alone reads %d characters: this file no longer tests the fallback", nonSpaceCount(allText(nat)))
			}
		})
	}
}

// TestBoxesTraceEveryCharacter: with ExtractOptions.Boxes, every character
// of a page's text has the box of the glyph it came from, on both engines,
// and the two engines agree on where a word is.
func TestBoxesTraceEveryCharacter(t *testing.T) {
	const size = 12.0
	line1 := "Helpful relationships between persons and professionals"
	line2 := "were studied in eleven qualitative articles."
	doc := &pdfgen.Doc{Pages: []pdfgen.Page{{Texts: []pdfgen.Text{
		{X: 72, Y: 700, Size: size, Font: pdfgen.TimesRoman, S: line1},
		{X: 72, Y: 686, Size: size, Font: pdfgen.TimesRoman, S: line2},
	}}}}
	data := doc.Bytes()
	want := line1 + " " + line2
	for _, engine := range []string{EngineNative, EnginePDFium} {
		t.Run(engine, func(t *testing.T) {
			ex, err := ExtractPDFWith(context.Background(), data, ExtractOptions{Boxes: true, Engine: engine})
			if err != nil {
				t.Fatal(err)
			}
			p := ex.Pages[0]
			if p.Text != want {
				t.Fatalf("text %q, want %q", p.Text, want)
			}
			if len(p.Boxes) != utf8.RuneCountInString(p.Text) {
				t.Fatalf("%d boxes for %d characters", len(p.Boxes), utf8.RuneCountInString(p.Text))
			}
			for i, r := range []rune(p.Text) {
				b := p.Boxes[i]
				if r == ' ' {
					continue
				}
				if b.Empty() || b.X1 <= b.X0 || b.Y1 <= b.Y0 {
					t.Fatalf("character %d %q has no box: %+v", i, r, b)
				}
			}
			// Each word's box starts where pdfgen drew it.
			checkWordAt := func(word string, x, y float64) {
				t.Helper()
				i := strings.Index(p.Text, word)
				if i < 0 {
					t.Fatalf("%q not in text", word)
				}
				b := p.Boxes[utf8.RuneCountInString(p.Text[:i])]
				if math.Abs(float64(b.X0)-x) > 0.6 || float64(b.Y0) > y || float64(b.Y1) < y+0.5*size {
					t.Errorf("%q: box %+v, drawn at (%.1f, %.1f)", word, b, x, y)
				}
			}
			checkWordAt("Helpful", 72, 700)
			checkWordAt("relationships", 72+pdfgen.Width(pdfgen.TimesRoman, size, "Helpful "), 700)
			checkWordAt("were", 72, 686)
			checkWordAt("qualitative", 72+pdfgen.Width(pdfgen.TimesRoman, size, "were studied in eleven "), 686)
		})
	}
}

// TestBoxesFollowHyphenationAndColumns: traced text survives what the
// layout does to text (a word broken at a line end and joined, two
// columns, a paragraph break): each character's box is on the line it was
// drawn on.
func TestBoxesFollowHyphenationAndColumns(t *testing.T) {
	a := pdfgen.Article{Columns: 2, Pages: [][]string{{
		"The first paragraph speaks of trust between the person and the professional, and of the time they spend together in everyday settings such as the home.",
		"A second paragraph is about collaboration and negotiation of the help that is given, and about the professional's availability outside office hours.",
		"The third paragraph closes the left column or opens the right one; either way its words keep their boxes in the right column when they are there.",
	}}}
	data := a.Doc().Bytes()
	ex, err := ExtractPDFWith(context.Background(), data, ExtractOptions{Boxes: true})
	if err != nil {
		t.Fatal(err)
	}
	p := ex.Pages[0]
	runes := []rune(p.Text)
	if len(p.Boxes) != len(runes) {
		t.Fatalf("%d boxes for %d characters", len(p.Boxes), len(runes))
	}
	for i, r := range runes {
		if unicode.IsLetter(r) && p.Boxes[i].Empty() {
			t.Fatalf("letter %d %q of %q has no box", i, r, p.Text)
		}
	}
	// Consecutive letters of a word sit side by side, or (a word broken
	// at a line end) the second starts a lower line.
	for i := 1; i < len(runes); i++ {
		if !unicode.IsLetter(runes[i-1]) || !unicode.IsLetter(runes[i]) {
			continue
		}
		a, b := p.Boxes[i-1], p.Boxes[i]
		sameLine := math.Abs(float64(a.Y0-b.Y0)) < 1
		if sameLine && math.Abs(float64(b.X0-a.X1)) > 1 || !sameLine && b.Y0 > a.Y0 {
			t.Fatalf("letters %d–%d %q: boxes %+v then %+v", i-1, i, string(runes[i-1:i+1]), a, b)
		}
	}
}

// TestExtractPasswordAndErrorsInWords: failures are said in plain words,
// never with the file's raw bytes.
func TestExtractErrorsInPlainWords(t *testing.T) {
	valid := pdfgen.Article{Pages: [][]string{{"some text on a page that is cut short"}}}.Doc().Bytes()
	encrypted := strings.Replace(string(valid), "/Root 1 0 R", "/Root 1 0 R /Encrypt << /Filter /Standard /V 5 /R 6 /Length 256 /O (\x01\x02\xff\xfe) /U (\x03\x04) /P -4 >>", 1)
	tests := []struct {
		name    string
		data    []byte
		is      error
		wantMsg string
	}{
		{"cut short", valid[:len(valid)/3], ErrMalformed, "cut short"},
		{"aes-256 with a password", []byte(encrypted), ErrNeedsPassword, "AES-256"},
	}
	for _, tc := range tests {
		_, err := ExtractPDF(context.Background(), tc.data)
		if !errors.Is(err, tc.is) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.is)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.wantMsg) {
			t.Errorf("%s: %q does not say %q", tc.name, msg, tc.wantMsg)
		}
		if strings.Contains(msg, "%%") || strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == utf8.RuneError }) {
			t.Errorf("%s: %q holds raw bytes", tc.name, msg)
		}
	}
}
