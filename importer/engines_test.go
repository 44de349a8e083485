package importer

import (
	"bytes"
	"compress/lzw"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// The classes of file the native reader fails on, each generated with known
// words: every case is read with exactly those words by Rapport's choice of
// engine, and the native reader alone (the fallback switched off) does not
// read them.

const engineTestText = "Helpful professionals were available and flexible"

// sampleArticle is a one-page PDF whose text is engineTestText.
func sampleArticle() []byte {
	return (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: []pdfgen.Text{{X: 72, Y: 700, Size: 12, Font: pdfgen.TimesRoman, S: engineTestText}}}}}).Bytes()
}

// page1 extracts data with opts and returns page 1's text, or the error.
func page1(data []byte, opts ExtractOptions) (string, error) {
	ex, err := ExtractPDFWith(context.Background(), data, opts)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(ex.Pages[0].Text), nil
}

// checkFallback asserts that data reads as want, by PDFium, and that the
// native reader alone does not read it as want.
func checkFallback(t *testing.T, data []byte, want string) {
	t.Helper()
	ex, err := ExtractPDFWith(context.Background(), data, ExtractOptions{})
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	if got := strings.TrimSpace(ex.Pages[0].Text); got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if ex.Engine != EnginePDFium {
		t.Errorf("engine %q, want pdfium", ex.Engine)
	}
	if got, err := page1(data, ExtractOptions{Engine: EngineNative}); err == nil && got == want {
		t.Errorf("the native reader alone reads it: the case tests nothing")
	}
}

func TestBrokenStructuresReadByPDFium(t *testing.T) {
	good := sampleArticle()
	xref := bytes.LastIndex(good, []byte("\nxref\n"))
	trailer := bytes.LastIndex(good, []byte("trailer"))
	startxref := bytes.LastIndex(good, []byte("startxref"))
	tests := []struct {
		name string
		data []byte
	}{
		// The cross-reference table is gone: "cross-reference table not found".
		{"no xref table", append(append([]byte{}, good[:xref+1]...), good[trailer:]...)},
		// Every offset is wrong: junk was inserted after the header.
		{"shifted offsets", append(append(append([]byte{}, good[:15]...), bytes.Repeat([]byte("% junk line\n"), 40)...), good[15:]...)},
		// Cut after the cross-reference table: no startxref, no %%EOF.
		{"missing end", good[:startxref]},
		// startxref points past the end of the file.
		{"startxref past the end", bytes.Replace(good, []byte(fmt.Sprintf("startxref\n%d", xref+1)), []byte("startxref\n99999999"), 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkFallback(t, tc.data, engineTestText) })
	}
}

// lzwEncode compresses data as an LZWDecode stream with /EarlyChange 0
// (Go's encoder changes code width one code later than PDF's default).
func lzwEncode(data []byte) []byte {
	var b bytes.Buffer
	w := lzw.NewWriter(&b, lzw.MSB, 8)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func TestLZWReadByPDFium(t *testing.T) {
	content := "BT /F1 12 Tf 72 700 Td (" + engineTestText + ") Tj ET"
	enc := lzwEncode([]byte(content))
	data := rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /LZWDecode /DecodeParms << /EarlyChange 0 >> >>\nstream\n%s\nendstream", len(enc), enc),
		helv)
	checkFallback(t, data, engineTestText)
}

// qpdf encrypts the sample with each method; skipped without qpdf
// (scripts/install-deps installs it).
func TestEncryptedFiles(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf not installed (scripts/install-deps installs it)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "plain.pdf")
	if err := os.WriteFile(in, sampleArticle(), 0o644); err != nil {
		t.Fatal(err)
	}
	encrypt := func(name, user string, args ...string) []byte {
		out := filepath.Join(dir, name+".pdf")
		cmd := append([]string{"--allow-weak-crypto", "--encrypt", user, "owner-secret"}, args...)
		cmd = append(cmd, "--", in, out)
		if msg, err := exec.Command("qpdf", cmd...).CombinedOutput(); err != nil {
			t.Fatalf("qpdf %v: %v\n%s", cmd, err, msg)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, tc := range []struct {
		name string
		args []string
		kind string // how the error names the method
	}{
		{"rc4-40", []string{"40"}, "RC4"},
		{"rc4-128", []string{"128", "--use-aes=n"}, "RC4"},
		{"aes-128", []string{"128", "--use-aes=y"}, "AES-128"},
		{"aes-256", []string{"256"}, "AES-256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// An empty user password: opens without asking.
			got, err := page1(encrypt(tc.name+"-open", "", tc.args...), ExtractOptions{})
			if err != nil || got != engineTestText {
				t.Errorf("empty user password: %q, %v", got, err)
			}
			// A user password: says so, naming the method; opens with it.
			locked := encrypt(tc.name+"-locked", "user-secret", tc.args...)
			_, err = page1(locked, ExtractOptions{})
			if !errors.Is(err, ErrNeedsPassword) || !errors.Is(err, ErrEncrypted) || !strings.Contains(err.Error(), tc.kind) {
				t.Errorf("no password: error %v, want ErrNeedsPassword naming %s", err, tc.kind)
			}
			if _, err := page1(locked, ExtractOptions{Password: "wrong"}); !errors.Is(err, ErrNeedsPassword) || !strings.Contains(err.Error(), "does not open") {
				t.Errorf("wrong password: error %v", err)
			}
			if got, err := page1(locked, ExtractOptions{Password: "user-secret"}); err != nil || got != engineTestText {
				t.Errorf("with the password: %q, %v", got, err)
			}
		})
	}
}

// type3PDF draws text in a Type 3 font whose glyphs are filled squares and
// whose /Differences name them by number ("a72" for code 72), as dvips does
// for TeX's bitmap fonts, with no ToUnicode.
func type3PDF(text string) []byte {
	var diffs, procs strings.Builder
	seen := map[byte]bool{}
	procObjs := []string{}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if seen[c] {
			continue
		}
		seen[c] = true
		fmt.Fprintf(&diffs, "%d /a%d ", c, c)
		procObjs = append(procObjs, stream("500 0 0 0 400 600 d1 0 0 400 600 re f"))
		fmt.Fprintf(&procs, "/a%d %d 0 R ", c, 6+len(procObjs)-1)
	}
	widths := make([]string, 256)
	for i := range widths {
		widths[i] = "500"
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /T3 5 0 R >> >> /Contents 4 0 R >>",
		stream(fmt.Sprintf("BT /T3 12 Tf 72 700 Td (%s) Tj ET", text)),
		fmt.Sprintf("<< /Type /Font /Subtype /Type3 /FontBBox [0 0 500 600] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << %s>> /Encoding << /Type /Encoding /Differences [%s] >> /FirstChar 0 /LastChar 255 /Widths [%s] >>",
			procs.String(), diffs.String(), strings.Join(widths, " ")),
	}
	return rawPDF(append(objs, procObjs...)...)
}

// TestType3NumberedGlyphNames: a Type 3 font whose glyph names are
// numbers reads as the characters those numbers encode, in the native
// reader itself.
func TestType3NumberedGlyphNames(t *testing.T) {
	got, err := page1(type3PDF("Warm relationships"), ExtractOptions{Engine: EngineNative})
	if err != nil || got != "Warm relationships" {
		t.Errorf("native: %q, %v", got, err)
	}
}

// cidNoToUnicodePDF draws text in an embedded TrueType font (Go Regular)
// as a composite font with Identity-H codes (glyph ids) and no ToUnicode
// map, as many producers write CJK and subsetted fonts: only the font's
// own cmap says which letter a glyph is.
func cidNoToUnicodePDF(t *testing.T, text string) []byte {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	var codes strings.Builder
	codes.WriteByte('<')
	for _, r := range text {
		gid, err := f.GlyphIndex(&buf, r)
		if err != nil || gid == 0 {
			t.Fatalf("no glyph for %q", r)
		}
		fmt.Fprintf(&codes, "%04X", gid)
	}
	codes.WriteByte('>')
	return rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		stream(fmt.Sprintf("BT /F1 12 Tf 72 700 Td %s Tj ET", codes.String())),
		"<< /Type /Font /Subtype /Type0 /BaseFont /GoRegular /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GoRegular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 600 /CIDToGIDMap /Identity >>",
		"<< /Type /FontDescriptor /FontName /GoRegular /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>",
		fmt.Sprintf("<< /Length %d /Length1 %d >>\nstream\n%s\nendstream", len(goregular.TTF), len(goregular.TTF), goregular.TTF),
	)
}

// TestCIDFontWithoutToUnicode: a composite font with no ToUnicode map
// whose glyph ids are not Unicode reads through the embedded font's own
// cmap, in the native reader (pdftotext and PDFium read "7UXVW" for
// "Trust" there).
func TestCIDFontWithoutToUnicode(t *testing.T) {
	got, err := page1(cidNoToUnicodePDF(t, "Trust"), ExtractOptions{Engine: EngineNative})
	if err != nil || got != "Trust" {
		t.Errorf("native: %q, %v", got, err)
	}
}

// TestCIDCodesAsUnicode: a composite font with no ToUnicode map and no
// embedded program, whose two-byte codes are Unicode code points (as some
// producers number CJK and Latin glyphs), reads through PDFium.
func TestCIDCodesAsUnicode(t *testing.T) {
	var codes strings.Builder
	for _, r := range engineTestText {
		fmt.Fprintf(&codes, "%04X", r)
	}
	data := rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		stream(fmt.Sprintf("BT /F1 12 Tf 72 700 Td <%s> Tj ET", codes.String())),
		"<< /Type /Font /Subtype /Type0 /BaseFont /Arial /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Arial /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
	)
	checkFallback(t, data, engineTestText)
}

// rtlPDF draws lines of right-to-left text as producers do: glyph by glyph
// from left to right (visual order), in a composite font whose codes are
// Unicode code points (an identity ToUnicode map).
func rtlPDF(visualLines ...[]rune) []byte {
	var content strings.Builder
	for i, line := range visualLines {
		var codes strings.Builder
		for _, r := range line {
			fmt.Fprintf(&codes, "%04X", r)
		}
		fmt.Fprintf(&content, "BT /F1 12 Tf 72 %d Td <%s> Tj ET\n", 700-20*i, codes.String())
	}
	cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Identity-UCS def 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end"
	return rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		stream(content.String()),
		"<< /Type /Font /Subtype /Type0 /BaseFont /RTLFont /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /RTLFont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
		stream(cmap),
	)
}

func reversed(s string) []rune {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return r
}

// TestRightToLeftInLogicalOrder: Hebrew and Arabic drawn in visual order
// read in logical order; numbers keep their digits' order; Arabic
// presentation forms read as letters, a lam-alef ligature as lam then alef.
func TestRightToLeftInLogicalOrder(t *testing.T) {
	tests := []struct {
		name   string
		visual []rune
		want   string
	}{
		{"hebrew", reversed("שלום עולם"), "שלום עולם"},
		{"hebrew with a number", append([]rune("12 "), reversed("עמוד")...), "עמוד 12"},
		// سلام in presentation forms, drawn left to right: meem (isolated),
		// lam-alef (final), seen (initial).
		{"arabic presentation forms", []rune{0xFEE1, 0xFEFC, 0xFEB3}, "سلام"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, engine := range []string{EngineNative, EnginePDFium} {
				got, err := page1(rtlPDF(tc.visual), ExtractOptions{Engine: engine, Boxes: true})
				if err != nil || got != tc.want {
					t.Errorf("%s: %q, %v; want %q", engine, got, err, tc.want)
				}
			}
		})
	}
}

// TestUnmappedGlyphsInsideWords: a font that leaves its ligature glyphs
// without Unicode in the native reader's view (here a composite font whose
// ToUnicode map lacks the fi ligature's code, which PDFium reads as the
// code's own character U+FB01) loses letters inside words ("efcient"); such
// a file goes to PDFium, which reads the words whole.
func TestUnmappedGlyphsInsideWords(t *testing.T) {
	words := "efficient specified qualifier first office"
	var codes strings.Builder
	for _, r := range strings.ReplaceAll(words, "fi", "\uFB01") {
		fmt.Fprintf(&codes, "%04X", r)
	}
	// ToUnicode: every code maps to itself but the ligature's.
	cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Partial def 1 begincodespacerange <0000> <FFFF> endcodespacerange 2 beginbfrange <0000> <00FF> <0000> <0100> <FAFF> <0100> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end"
	data := rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		stream(fmt.Sprintf("BT /F1 12 Tf 72 700 Td <%s> Tj ET", codes.String())),
		"<< /Type /Font /Subtype /Type0 /BaseFont /LigFont /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /LigFont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
		stream(cmap),
	)
	if got, _ := page1(data, ExtractOptions{Engine: EngineNative}); got != "efcient specied qualier rst ofce" {
		t.Fatalf("native reading %q: the case no longer loses the ligatures natively", got)
	}
	checkFallback(t, data, words)
}

// FuzzGlyphSeam: bytes → glyphs → layout → traced text, through both
// engines: never a panic, and every page's text has exactly one box per
// character.
func FuzzGlyphSeam(f *testing.F) {
	f.Add(sampleArticle())
	f.Add(type3PDF("Seed text"))
	f.Add(rtlPDF(reversed("שלום עולם")))
	f.Add(pdfgen.Article{Columns: 2, Pages: [][]string{{paragraph(5, 80), paragraph(6, 30)}}}.Doc().Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, engine := range []string{EngineNative, EnginePDFium} {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			ex, err := ExtractPDFWith(ctx, data, ExtractOptions{Engine: engine, Boxes: true})
			cancel()
			if err != nil {
				continue
			}
			for _, p := range ex.Pages {
				if n := utf8.RuneCountInString(p.Text); n != len(p.Boxes) {
					t.Fatalf("%s: page %d: %d boxes for %d characters", engine, p.Number, len(p.Boxes), n)
				}
			}
		}
	})
}

// TestTeXLogoAndShortTitle: a letter set lower in its word (the E of the
// TeX logo) stays in the word, not a paragraph of its own; a one-word title
// set large reads as the title, not the author and date line under it.
func TestTeXLogoAndShortTitle(t *testing.T) {
	const size = 17.0
	x := 200.0
	w := func(s string) float64 { return pdfgen.Width(pdfgen.TimesRoman, size, s) }
	texts := []pdfgen.Text{
		{X: x, Y: 700, Size: size, Font: pdfgen.TimesRoman, S: "BibT"},
		{X: x + w("BibT") - 0.1667*size, Y: 700 - 0.2155*size*1.2, Size: size, Font: pdfgen.TimesRoman, S: "E"},
		{X: x + w("BibT") - 0.1667*size + w("E") - 0.125*size, Y: 700, Size: size, Font: pdfgen.TimesRoman, S: "Xing"},
		{X: 250, Y: 660, Size: 12, Font: pdfgen.TimesRoman, S: "Oren Patashnik"},
		{X: 250, Y: 640, Size: 12, Font: pdfgen.TimesRoman, S: "February 8, 1988"},
	}
	for i, line := range []string{
		"This documentation, for BibTeX version 0.99b, is meant for general",
		"users; bibliography-style designers may read this document as well.",
	} {
		texts = append(texts, pdfgen.Text{X: 72, Y: 600 - 12*float64(i), Size: 10, Font: pdfgen.TimesRoman, S: line})
	}
	data := (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: texts}}}).Bytes()
	for _, engine := range []string{EngineNative, EnginePDFium} {
		ex, err := ExtractPDFWith(context.Background(), data, ExtractOptions{Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		paras := strings.Split(ex.Pages[0].Text, "\n\n")
		if paras[0] != "BibTEXing" {
			t.Errorf("%s: first paragraph %q, want the logo as one word", engine, paras[0])
		}
		if ex.Title != "BibTEXing" {
			t.Errorf("%s: title %q", engine, ex.Title)
		}
	}
}

// TestPlusMinusIsOneSign: a "±" drawn as a "+" with a "−" under it reads
// "±", and the sentence goes on (Douglas et al. 2014, p. 1 and p. 5).
func TestPlusMinusIsOneSign(t *testing.T) {
	const size = 9.0
	line1 := "displayed potent inhibition (Ki = 11.21 +"
	x := 72 + pdfgen.Width(pdfgen.TimesRoman, size, "displayed potent inhibition (Ki = 11.21 ")
	data := (&pdfgen.Doc{Pages: []pdfgen.Page{{Texts: []pdfgen.Text{
		{X: 72, Y: 700, Size: size, Font: pdfgen.TimesRoman, S: line1},
		{X: x, Y: 700 - 0.3*size, Size: size, Font: pdfgen.Helvetica, S: "-"},
		{X: x + pdfgen.Width(pdfgen.TimesRoman, size, "+ "), Y: 700, Size: size, Font: pdfgen.TimesRoman, S: "0.74 nM) and was 927-fold"},
		{X: 72, Y: 689, Size: size, Font: pdfgen.TimesRoman, S: "more selective for the N-domain than the C-domain."},
	}}}}).Bytes()
	want := "displayed potent inhibition (Ki = 11.21 ± 0.74 nM) and was 927-fold more selective for the N-domain than the C-domain."
	for _, engine := range []string{EngineNative, EnginePDFium} {
		if got, err := page1(data, ExtractOptions{Engine: engine}); err != nil || got != want {
			t.Errorf("%s: %q, %v", engine, got, err)
		}
	}
}
