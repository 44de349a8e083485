package pdfium

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

func openBytes(t testing.TB, data []byte) *Document {
	t.Helper()
	e, err := Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := e.Open(context.Background(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { doc.Close() })
	return doc
}

func annotatedPDF() []byte {
	page := pdfgen.Page{Texts: []pdfgen.Text{{X: 72, Y: 700, Size: 12, Font: pdfgen.Helvetica, S: "Warm and personal help"}}}
	page.Markup = []pdfgen.Annot{
		{Subtype: "Highlight", Quads: [][8]float64{pdfgen.QuadOf([4]float64{72, 697, 130, 710})}, Color: []float64{1, 212.0 / 255, 0},
			Contents: "Warmth — über alles", Author: "Ann", Name: "Zotero-ABCD1234", Created: "D:20240501123000+02'00'", Popup: true,
			AP: "/G0 gs 1 0.83 0 rg 72 697 58 13 re f"},
		{Subtype: "Underline", Quads: [][8]float64{pdfgen.QuadOf([4]float64{140, 697, 200, 710})}, Color: []float64{0.5}},
		{Subtype: "Text", Rect: [4]float64{300, 700, 320, 720}, Contents: "A reply", InReplyTo: 1, Author: "Bob"},
		{Subtype: "Ink", Rect: [4]float64{72, 600, 200, 650}, Ink: [][]float64{{72, 600, 100, 650, 200, 610}}, Color: []float64{0, 0, 1, 0}},
		{Subtype: "Highlight", Quads: [][8]float64{pdfgen.QuadOf([4]float64{72, 500, 90, 510})}, PopupContents: "text only in the popup", Popup: true},
	}
	return (&pdfgen.Doc{Pages: []pdfgen.Page{page}}).Bytes()
}

// TestPageAnnots: PDFium reads the markup annotations of a page with their
// quadrilaterals, colour (also behind an appearance stream, and grey or
// CMYK), comment, author, name and dates; a reply knows its parent, and a
// popup's text goes to its highlight.
func TestPageAnnots(t *testing.T) {
	doc := openBytes(t, annotatedPDF())
	annots, truncated, err := doc.PageAnnots(0)
	if err != nil || truncated {
		t.Fatalf("annots: %v (truncated %v)", err, truncated)
	}
	var kinds []string
	for _, a := range annots {
		kinds = append(kinds, a.Subtype)
	}
	if got := strings.Join(kinds, " "); got != "Highlight Popup Underline Text Ink Highlight Popup" {
		t.Fatalf("subtypes %q", got)
	}
	h := annots[0]
	if len(h.Quads) != 1 || h.Quads[0].Bounds() != (Rect{72, 697, 130, 710}) {
		t.Errorf("quads %v", h.Quads)
	}
	if !h.HasColor || h.Color.Hex() != "#FFD400" && h.Color.Hex() != "#FFD300" {
		t.Errorf("colour %v %v", h.Color.Hex(), h.HasColor)
	}
	if h.Contents != "Warmth — über alles" || h.Author != "Ann" || h.Name != "Zotero-ABCD1234" {
		t.Errorf("texts %+v", h)
	}
	if when, ok := ParseDate(h.Created); !ok || !when.Equal(time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)) {
		t.Errorf("created %q → %v", h.Created, when)
	}
	u := annots[2]
	if len(u.Quads) != 1 || u.Truncated {
		t.Errorf("underline quads %v truncated %v", u.Quads, u.Truncated)
	}
	if u.Color.Hex() != "#7F7F7F" && u.Color.Hex() != "#808080" {
		t.Errorf("grey underline %s", u.Color.Hex())
	}
	if annots[3].ReplyTo != 0 || annots[0].ReplyTo != -1 {
		t.Errorf("reply links %d %d", annots[3].ReplyTo, annots[0].ReplyTo)
	}
	if annots[1].Parent != 0 || annots[6].Parent != 5 {
		t.Errorf("popup parents %d %d", annots[1].Parent, annots[6].Parent)
	}
	if annots[5].Contents != "text only in the popup" {
		t.Errorf("popup text %q", annots[5].Contents)
	}
	if annots[4].Color.Hex() != "#FFFF00" {
		t.Errorf("CMYK yellow ink %s", annots[4].Color.Hex())
	}
}

// TestHostileAnnots: a broken /Annots, entries that are not dictionaries
// and absurd coordinates give what can be read, never a panic.
func TestHostileAnnots(t *testing.T) {
	for name, raw := range map[string]string{
		"not an array":  "5",
		"junk entries":  "[null (x) 7 0 R << /Subtype /Highlight /QuadPoints [1 2 3] >> << /Subtype /Highlight /QuadPoints [1e300 1 2 3 4 5 6 7] /C [(a) /b] >>]",
		"missing refs":  "[99 0 R 98 0 R]",
		"huge numbers":  "[<< /Subtype /Highlight /QuadPoints [99999999999999999999999999999999999999999999 710 100 710 72 700 100 700] /Rect [0 0 99999999999999999999999999999999999999999 1] >>]",
		"deep nesting":  "[" + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "]",
		"empty strings": "[<< /Subtype /Highlight /Contents <FEFF> /T () /QuadPoints [] >>]",
	} {
		t.Run(name, func(t *testing.T) {
			data := (&pdfgen.Doc{Pages: []pdfgen.Page{{RawAnnots: raw, Texts: []pdfgen.Text{{X: 72, Y: 700, S: "text"}}}}}).Bytes()
			e, err := Get(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			doc, err := e.Open(context.Background(), data, "")
			if err != nil {
				return // unreadable is an answer too
			}
			defer doc.Close()
			annots, _, err := doc.PageAnnots(0)
			if err != nil {
				return
			}
			t.Logf("%d annotations read", len(annots))
			for _, a := range annots {
				for _, q := range a.Quads {
					if !finite(q[:]...) {
						t.Errorf("a quad that is not finite came through: %v", q)
					}
				}
			}
		})
	}
}

// TestManyAnnots: a page with more annotations than MaxAnnotsPerPage is
// read up to the bound and says it was cut.
func TestManyAnnots(t *testing.T) {
	if testing.Short() {
		t.Skip("large generated file")
	}
	var raw strings.Builder
	raw.WriteString("[")
	for i := 0; i < MaxAnnotsPerPage+5; i++ {
		raw.WriteString("<< /Subtype /Highlight /QuadPoints [72 710 100 710 72 700 100 700] /Rect [72 700 100 710] >>")
	}
	raw.WriteString("]")
	doc := openBytes(t, (&pdfgen.Doc{Pages: []pdfgen.Page{{RawAnnots: raw.String()}}}).Bytes())
	annots, truncated, err := doc.PageAnnots(0)
	if err != nil || !truncated || len(annots) != MaxAnnotsPerPage {
		t.Fatalf("%d annots, truncated %v, %v", len(annots), truncated, err)
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"D:20240501123000+02'00'", time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC), true},
		{"D:20240501123000Z", time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC), true},
		{"D:2024", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"20240501123000-05'30", time.Date(2024, 5, 1, 18, 0, 0, 0, time.UTC), true},
		{"D:20241399", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		got, ok := ParseDate(tc.in)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestAddHighlights: highlights written by PDFium are read back by PDFium
// with the same quadrilaterals, colour and texts, carry an appearance
// stream, and the file passes qpdf --check while poppler still reads its
// text.
func TestAddHighlights(t *testing.T) {
	src := annotatedPDF()
	doc := openBytes(t, src)
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	hs := []Highlight{
		{Page: 0, Quads: []Quad{QuadOfRect(Rect{72, 697, 100, 710}), QuadOfRect(Rect{72, 680, 150, 693})}, Color: RGB{0x2E, 0xA8, 0xE5},
			Contents: "Trust; Warmth — a note", Author: "Coder", Name: "rapport-1", Created: created, Modified: created,
			Private: map[string]string{"RapportThemes": `["Trust","Warmth"]`}},
	}
	if err := doc.AddHighlights(hs); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := doc.Save(&out); err != nil {
		t.Fatal(err)
	}
	back := openBytes(t, out.Bytes())
	annots, _, err := back.PageAnnots(0, "RapportThemes")
	if err != nil {
		t.Fatal(err)
	}
	var mine *Annot
	for i := range annots {
		if annots[i].Name == "rapport-1" {
			mine = &annots[i]
		}
	}
	if mine == nil || len(annots) != 8 {
		t.Fatalf("%d annotations, ours %v", len(annots), mine)
	}
	if len(mine.Quads) != 2 || mine.Quads[0].Bounds() != (Rect{72, 697, 100, 710}) || mine.Quads[1].Bounds() != (Rect{72, 680, 150, 693}) {
		t.Errorf("quads %v", mine.Quads)
	}
	if mine.Rect != (Rect{72, 680, 150, 710}) {
		t.Errorf("rect %v, want the quads' bounds", mine.Rect)
	}
	if mine.Color.Hex() != "#2EA8E5" || mine.Contents != "Trust; Warmth — a note" || mine.Author != "Coder" || mine.Private["RapportThemes"] != `["Trust","Warmth"]` {
		t.Errorf("read back %+v", *mine)
	}
	if when, ok := ParseDate(mine.Created); !ok || !when.Equal(created) {
		t.Errorf("created %q", mine.Created)
	}
	if !bytes.Contains(out.Bytes(), []byte("/Multiply")) {
		t.Error("no appearance stream multiplying the highlight over the text")
	}
	checkWithTools(t, out.Bytes(), "Warm and personal help")
}

// TestDrawHighlights: flattened highlights are page content, not
// annotations: the file has no new annotation, the text is still read, and
// the page drawn has the colour where the highlight is.
func TestDrawHighlights(t *testing.T) {
	src := (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: []pdfgen.Text{{X: 72, Y: 700, Size: 12, Font: pdfgen.Helvetica, S: "Warm and personal help"}}}}}).Bytes()
	doc := openBytes(t, src)
	if err := doc.DrawHighlights([]Highlight{{Page: 0, Quads: []Quad{QuadOfRect(Rect{72, 697, 130, 710})}, Color: RGB{255, 0, 0}}}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := doc.Save(&out); err != nil {
		t.Fatal(err)
	}
	back := openBytes(t, out.Bytes())
	annots, _, err := back.PageAnnots(0)
	if err != nil || len(annots) != 0 {
		t.Fatalf("annotations after drawing: %v %v", annots, err)
	}
	img, err := back.Render(0, 72, false)
	if err != nil {
		t.Fatal(err)
	}
	// Between the letters, inside the highlight: red; outside: white.
	r, g, b, _ := img.At(128, 792-699).RGBA()
	if r>>8 < 200 || g>>8 > 80 || b>>8 > 80 {
		t.Errorf("inside the highlight: %d %d %d", r>>8, g>>8, b>>8)
	}
	r, g, b, _ = img.At(300, 792-699).RGBA()
	if r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
		t.Errorf("outside: %d %d %d", r>>8, g>>8, b>>8)
	}
	chars, err := back.PageChars(0)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, c := range chars {
		text.WriteString(c.Text)
	}
	if text.String() != "Warm and personal help" {
		t.Errorf("text after drawing: %q", text.String())
	}
	checkWithTools(t, out.Bytes(), "Warm and personal help")
}

// checkWithTools runs qpdf --check, pdftotext and pdfinfo on a file, when
// they are installed (scripts/install-deps installs them).
func checkWithTools(t *testing.T, data []byte, text string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	} else {
		t.Log("qpdf not installed: not checked")
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
		if err != nil || !strings.Contains(string(out), text) || strings.Contains(string(out), "Error") {
			t.Errorf("pdftotext: %v\n%s", err, out)
		}
		info, err := exec.Command("pdfinfo", path).CombinedOutput()
		if err != nil || !strings.Contains(string(info), "Pages:") {
			t.Errorf("pdfinfo: %v\n%s", err, info)
		}
	} else {
		t.Log("poppler-utils not installed: not checked")
	}
}

// FuzzPageAnnots: whatever a page's /Annots holds (or whatever the file
// is), reading its annotations ends with annotations or an error, never a
// panic or a hang, and what it gives is bounded and finite.
func FuzzPageAnnots(f *testing.F) {
	f.Add("[<< /Subtype /Highlight /QuadPoints [72 710 100 710 72 700 100 700] /C [1 0.83 0] /Contents (a) /T (b) >>]")
	f.Add("[<< /Subtype /Text /IRT << /Type /Annot /Subtype /Highlight >> /Popup << /Subtype /Popup /Parent 3 0 R >> >>]")
	f.Add("[<< /Subtype /Ink /InkList [[1 2 3]] /C [1 2 3 4 5] >> null 12 (x) [1 2]]")
	f.Add("<< /Subtype /Highlight >>")
	f.Add(string(annotatedPDF()))
	e, err := Get(context.Background())
	if err != nil {
		f.Skip(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		data := []byte(raw)
		if !strings.HasPrefix(raw, "%PDF") {
			data = (&pdfgen.Doc{Pages: []pdfgen.Page{{RawAnnots: raw, Texts: []pdfgen.Text{{X: 72, Y: 700, S: "text"}}}}}).Bytes()
		}
		doc, err := e.Open(context.Background(), data, "")
		if err != nil {
			return
		}
		defer doc.Close()
		for i := 0; i < min(doc.PageCount(), 4); i++ {
			annots, _, err := doc.PageAnnots(i, "RapportThemes")
			if err != nil {
				continue
			}
			if len(annots) > MaxAnnotsPerPage {
				t.Fatalf("%d annotations", len(annots))
			}
			for _, a := range annots {
				if len(a.Quads) > MaxQuadsPerAnnot {
					t.Fatalf("%d quads", len(a.Quads))
				}
				for _, q := range a.Quads {
					if !finite(q[:]...) {
						t.Fatalf("quad not finite: %v", q)
					}
				}
				if a.ReplyTo >= len(annots) || a.Parent >= len(annots) {
					t.Fatalf("link out of the page: %+v", a)
				}
			}
		}
	})
}
