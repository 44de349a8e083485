package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// rawPDF assembles a PDF from object bodies (object i+1 is objs[i]; object 1
// must be the catalog), with a correct cross-reference table.
func rawPDF(objs ...string) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}

func stream(s string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(s), s)
}

const helv = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// TestHostileStructures: cycles and excesses end with text or a clear
// error, never a hang or a panic.
func TestHostileStructures(t *testing.T) {
	page := func(contents, res string) string {
		return fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %s >>", res, contents)
	}
	tests := []struct {
		name     string
		pdf      []byte
		wantText string // must appear in page 1 ("" when an error is expected)
		wantErr  error
	}{
		{
			name: "form XObject that draws itself",
			pdf: rawPDF(
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				page("4 0 R", "<< /Font << /F1 6 0 R >> /XObject << /Fm 5 0 R >> >>"),
				stream("BT /F1 12 Tf 72 700 Td (outside) Tj ET /Fm Do"),
				fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> /XObject << /Fm 5 0 R >> >> /Length %d >>\nstream\n%s\nendstream",
					len("BT /F1 12 Tf 72 600 Td (inside) Tj ET /Fm Do"), "BT /F1 12 Tf 72 600 Td (inside) Tj ET /Fm Do"),
				helv),
			wantText: "outside",
		},
		{
			name: "page tree whose kids include itself",
			pdf: rawPDF(
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 1000000 >>",
				page("4 0 R", "<< /Font << /F1 5 0 R >> >>"),
				stream("BT /F1 12 Tf 72 400 Td (alive) Tj ET"),
				helv),
			wantText: "alive",
		},
		{
			name: "unbalanced Q, huge TJ, junk operators, inline image",
			pdf: rawPDF(
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				page("4 0 R", "<< /Font << /F1 5 0 R >> >>"),
				stream("Q Q Q ET BT /F1 12 Tf 72 700 Td ["+strings.Repeat("(a) -10 ", 5000)+"] TJ ET q 1 2 3 4 5 6 7 cm zz yy Q BI /W 2 /H 2 ID \x00)(\xff EI BT /F1 12 Tf 72 650 Td (after image) Tj ET /Missing Do /F9 10 Tf (no font) Tj"),
				helv),
			wantText: "after image",
		},
		{
			name: "content stream with an unknown filter",
			pdf: rawPDF(
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				page("4 0 R", "<< /Font << /F1 5 0 R >> >>"),
				"<< /Length 4 /Filter /NoSuchDecode >>\nstream\nabcd\nendstream",
				helv),
			wantErr: ErrNoTextLayer,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex, err := ExtractPDF(context.Background(), tc.pdf)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(ex.Pages[0].Text, tc.wantText) {
				t.Errorf("page text %q lacks %q", ex.Pages[0].Text[max(0, len(ex.Pages[0].Text)-200):], tc.wantText)
			}
		})
	}
}

// TestFontsByObjectAndName: fonts are found by the object they are read
// from and their resource name: two fonts written directly in one page's
// font dictionary (one parent object) stay apart, the same name on another
// page with its own fonts reads that page's font, and a font object that
// two pages share is loaded once.
func TestFontsByObjectAndName(t *testing.T) {
	if valueRef < 0 {
		t.Fatal("pdf.Value no longer keeps its object reference where objectRef reads it: fonts are now found by description alone (slower); update objectRef")
	}
	// In F2, code a (97) draws the glyph named b.
	swapped := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [97 /b] >> >>"
	page := func(contents, fonts string) string {
		return fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font %s >> /Contents %s >>", fonts, contents)
	}
	data := rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 5 0 R 7 0 R] /Count 3 >>",
		page("4 0 R", "<< /F1 "+helv+" /F2 "+swapped+" >>"),
		stream("BT /F1 12 Tf 72 700 Td (aaa one) Tj ET BT /F2 12 Tf 72 600 Td (aaa two) Tj ET"),
		page("6 0 R", "<< /F1 "+swapped+" /F2 "+helv+" >>"),
		stream("BT /F1 12 Tf 72 700 Td (aaa three) Tj ET BT /F2 12 Tf 72 600 Td (aaa four) Tj ET"),
		page("8 0 R", "<< /F1 9 0 R >>"),
		stream("BT /F1 12 Tf 72 700 Td (aaa five) Tj ET"),
		helv,
	)
	ex, err := ExtractPDF(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"aaa one", "bbb two"}, {"bbb three", "aaa four"}, {"aaa five"}}
	for i, words := range want {
		for _, w := range words {
			if !strings.Contains(ex.Pages[i].Text, w) {
				t.Errorf("page %d: %q not in %q", i+1, w, ex.Pages[i].Text)
			}
		}
	}
}
