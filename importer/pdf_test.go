package importer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/rapport-qda/rapport/internal/pdfgen"
	"golang.org/x/text/unicode/norm"
)

// glyphsOf runs the interpreter over a one-page generated PDF.
func glyphsOf(t *testing.T, d *pdfgen.Doc) []glyph {
	t.Helper()
	rd, err := openPDF(d.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	in := &interpreter{ctx: context.Background(), fonts: newFontCache(nil)}
	in.runPage(allPages(rd, 1)[0])
	return in.glyphs
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

// TestTextStatePositions checks glyph positions against hand-computed values
// for Tc, Tw (code 32 only), Tz, TJ offsets, Ts, TL/T*/', ", Tm, cm and a
// form XObject with a /Matrix.
func TestTextStatePositions(t *testing.T) {
	// Times-Roman widths: a 444, b 500, space 250, c 444, d 500.
	tests := []struct {
		name  string
		raw   string
		forms []pdfgen.Form
		want  []string  // glyph texts
		x0    []float64 // glyph start x
		y     float64   // baseline of the first glyph
		y2    float64   // baseline of the last glyph, when it differs
	}{
		{
			name: "Tc Tw Tz",
			raw:  "BT /F3 10 Tf 2 Tc 5 Tw 150 Tz 72 700 Td (ab cd) Tj ET",
			want: []string{"a", "b", " ", "c", "d"},
			// advance = (w*10/1000 + Tc [+ Tw for space]) * 1.5
			x0: []float64{72, 81.66, 92.16, 106.41, 116.07},
			y:  700,
		},
		{
			name: "TJ offsets and rise",
			raw:  "BT /F3 10 Tf 3 Ts 100 600 Td [(a) -500 (b) 250 (c)] TJ ET",
			want: []string{"a", "b", "c"},
			x0:   []float64{100, 109.44, 111.94},
			y:    603,
		},
		{
			name: "Tm cm T* quote",
			raw:  "q 2 0 0 2 10 20 cm BT /F3 5 Tf 12 TL 1 0 0 1 30 300 Tm T* (a) ' 1 2 (b) \" ET Q",
			want: []string{"a", "b"},
			// a: line moved down twice (T*, '), then scaled by cm.
			x0: []float64{10 + 2*30, 10 + 2*30},
			y:  20 + 2*(300-24),
			y2: 20 + 2*(300-36),
		},
		{
			name: "CID font: two-byte codes, /W widths, Tw not applied",
			raw:  "BT /F6 10 Tf 5 Tw 2 Tc 72 700 Td <0061002000620001> Tj ET",
			want: []string{"a", " ", "b", "fi"},
			// advances: a 4.44+2, space 2.5+2 (no Tw), b 5+2
			x0: []float64{72, 78.44, 82.94, 89.94},
			y:  700,
		},
		{
			name: "form XObject",
			forms: []pdfgen.Form{{Matrix: [6]float64{1, 0, 0, 1, 200, 10},
				Texts: []pdfgen.Text{{X: 5, Y: 500, Size: 10, Font: pdfgen.TimesRoman, S: "cd"}}}},
			want: []string{"c", "d"},
			x0:   []float64{205, 209.44},
			y:    510,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := glyphsOf(t, &pdfgen.Doc{Pages: []pdfgen.Page{{Raw: tc.raw, Forms: tc.forms}}})
			var got []string
			for _, g := range gs {
				got = append(got, g.text)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("glyphs %q, want %q", got, tc.want)
			}
			for i, g := range gs {
				y := tc.y
				if i == len(gs)-1 && tc.y2 != 0 {
					y = tc.y2
				}
				if !near(g.x0, tc.x0[i]) || !near(g.y, y) {
					t.Errorf("glyph %d %q at (%.2f, %.2f), want (%.2f, %.2f)", i, g.text, g.x0, g.y, tc.x0[i], y)
				}
			}
		})
	}
}

// TestJustifiedLineEndsAtColumnEdge: with Tw justification and TJ kerning
// the last glyph of every justified line ends exactly at the column edge.
func TestJustifiedLineEndsAtColumnEdge(t *testing.T) {
	a := pdfgen.Article{Columns: 1, Justify: true, Kern: 15,
		Pages: [][]string{{strings.Repeat("justified lines stretch their word spaces to the margin ", 6)}}}
	d := a.Doc()
	gs := glyphsOf(t, d)
	right := 612.0 - 72
	lines := map[float64]float64{}
	for _, g := range gs {
		lines[g.y] = math.Max(lines[g.y], g.x1)
	}
	full := 0
	for y, x1 := range lines {
		if near(x1, right) {
			full++
		} else if x1 > right+0.01 {
			t.Errorf("line at y=%.1f ends at %.3f, beyond the margin %.1f", y, x1, right)
		}
	}
	if full < len(lines)-1 || len(lines) < 3 {
		t.Errorf("%d of %d lines end at the margin, want all but the last", full, len(lines))
	}
}

// testWords, with soft hyphens (U+00AD) where the generator may break them.
var testWords = strings.Fields("qual\u00adi\u00adta\u00adtive in\u00adter\u00adviews describe how pa\u00adtients ex\u00adpe\u00adri\u00adence care " +
	"and which re\u00adla\u00adtion\u00adships with cli\u00adni\u00adcians they find help\u00adful during re\u00adcov\u00adery after ill\u00adness " +
	"the first field of\u00adfice re\u00adport\u00aded con\u00adflict about work\u00adflow pro\u00adfiles while flu\u00adent nurses " +
	"of\u00adfered re\u00adflec\u00adtive sup\u00adport through dif\u00adfi\u00adcult weeks of treat\u00adment in the clinic")

// paragraph builds deterministic text from testWords, with soft hyphens in
// words that may be broken at line ends.
func paragraph(seed, n int) string {
	var ws []string
	for i := 0; i < n; i++ {
		ws = append(ws, testWords[(seed*7+i*3)%len(testWords)])
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

func unshy(s string) string { return strings.ReplaceAll(s, "\u00ad", "") }

func TestExtractTwoColumnArticle(t *testing.T) {
	hyph := "the psy\u00adchiatric service built rela\u00adtionships that patients called non-\u00adhelpful or a wish-\u00adfulfilment of staff " +
		"and psy\u00adchiatric rela\u00adtionships " + "a wish and its fulfilment"
	var pages [][]string
	for p := 0; p < 3; p++ {
		var paras []string
		for k := 0; k < 5; k++ {
			para := paragraph(p*5+k, 40)
			if k == 1 {
				para = hyph + " " + para
			}
			paras = append(paras, para)
		}
		pages = append(pages, paras)
	}
	for _, variant := range []struct {
		name string
		a    pdfgen.Article
	}{
		{"plain", pdfgen.Article{}},
		{"justified kerned positioned words", pdfgen.Article{Justify: true, Kern: 20, PositionedWords: true}},
		{"ligatures via Differences", pdfgen.Article{BodyFont: pdfgen.TimesLigDiff, Justify: true}},
		{"ligatures via ToUnicode", pdfgen.Article{BodyFont: pdfgen.TimesLigCMap, Kern: -10}},
		{"right column in form XObject", pdfgen.Article{FormColumns: true, Justify: true}},
		{"composite font (Identity-H) with ligatures", pdfgen.Article{BodyFont: pdfgen.TimesCID, Kern: 12}},
		{"composite font, positioned words", pdfgen.Article{BodyFont: pdfgen.TimesCID, PositionedWords: true, Justify: true}},
	} {
		t.Run(variant.name, func(t *testing.T) {
			a := variant.a
			a.Title = "Helpful Relationships in Psychiatric Care: A Qualitative Study"
			a.Columns = 2
			a.Pages = pages
			a.Header = "Journal of Rapport Studies 12 (2024) %d"
			a.Footer = "doi:10.5555/rapport.test.2024 page %d of 3"
			a.PageLabels = "<< /Nums [0 << /S /r >> 2 << /S /D /St 7 >>] >>"
			d := a.Doc()
			// Preconditions: the generator did break words at line ends.
			var broken []string
			for _, p := range d.Pages {
				for _, tx := range p.Texts {
					if strings.HasSuffix(tx.S, "-") {
						f := strings.Fields(tx.S)
						broken = append(broken, f[len(f)-1])
					}
				}
				for _, fm := range p.Forms {
					for _, tx := range fm.Texts {
						if strings.HasSuffix(tx.S, "-") {
							f := strings.Fields(tx.S)
							broken = append(broken, f[len(f)-1])
						}
					}
				}
			}
			if len(broken) < 3 {
				t.Fatalf("generator broke only %v at line ends; test needs more", broken)
			}
			ex, err := ExtractPDF(context.Background(), d.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(ex.Pages) != 3 {
				t.Fatalf("%d pages", len(ex.Pages))
			}
			if ex.Version != 8 || ExtractorVersion != 8 {
				t.Errorf("version %d", ex.Version)
			}
			if ex.DOI != "10.5555/rapport.test.2024" {
				t.Errorf("DOI %q (printed only in the footer)", ex.DOI)
			}
			if ex.Title != a.Title {
				t.Errorf("title %q", ex.Title)
			}
			wantLabels := []string{"i", "ii", "7"}
			for i, p := range ex.Pages {
				if p.Label != wantLabels[i] {
					t.Errorf("page %d label %q, want %q", i+1, p.Label, wantLabels[i])
				}
				if strings.Contains(p.Text, "Journal of Rapport") || strings.Contains(p.Text, "doi:") {
					t.Errorf("page %d: running header/footer in body text", i+1)
				}
				if !strings.Contains(p.Header, fmt.Sprintf("Journal of Rapport Studies 12 (2024) %d", i+1)) ||
					!strings.Contains(p.Header, fmt.Sprintf("page %d of 3", i+1)) {
					t.Errorf("page %d header %q", i+1, p.Header)
				}
				var want []string
				if i == 0 {
					want = strings.Fields(a.Title)
				}
				for _, para := range pages[i] {
					want = append(want, strings.Fields(unshy(para))...)
				}
				got := strings.Fields(p.Text)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("page %d words differ:\n got %s\nwant %s", i+1, firstDiff(got, want), "")
				}
				for _, bad := range []string{"\ufffd", "\ufb01", "\ufb02", "psy-", "rela-", "nonhelpful", "wishfulfilment"} {
					if strings.Contains(p.Text, bad) {
						t.Errorf("page %d contains %q", i+1, bad)
					}
				}
			}
		})
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			lo := max(0, i-4)
			return fmt.Sprintf("at word %d: got %q want %q", i, got[lo:min(len(got), i+6)], want[lo:min(len(want), i+6)])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(got), len(want))
}

// TestParagraphs: paragraphs separated by exactly one blank line, the
// lines of a paragraph joined by single spaces, also when a paragraph goes on
// from the foot of the left column to the top of the right one.
func TestParagraphs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		columns int
		paras   []string
	}{
		{"one column", 1, []string{paragraph(1, 30), paragraph(2, 25), paragraph(3, 50)}},
		{"two columns, paragraph across the column break", 2,
			[]string{paragraph(1, 200), paragraph(2, 150), paragraph(3, 120), paragraph(4, 90)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := pdfgen.Article{Columns: tc.columns, Pages: [][]string{tc.paras}}.Doc()
			if tc.columns == 2 && len(d.Pages[0].Texts) < (792-2*72)/13+5 {
				t.Fatalf("the text does not reach the right column (%d lines)", len(d.Pages[0].Texts))
			}
			ex, err := ExtractPDF(context.Background(), d.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			want := unshy(strings.Join(tc.paras, "\n\n"))
			if ex.Pages[0].Text != want {
				t.Errorf("text:\n%q\nwant\n%q", ex.Pages[0].Text, want)
			}
			again, _ := ExtractPDF(context.Background(), d.Bytes())
			if again.Pages[0].Text != ex.Pages[0].Text {
				t.Error("extraction is not deterministic")
			}
		})
	}
}

func TestHyphenJoin(t *testing.T) {
	v := newVocabulary()
	for _, w := range []string{"psychiatric", "wish", "fulfilment", "care"} {
		v.words[w] = true
	}
	v.hyphenated["self-report"] = true
	tests := []struct {
		left, right string
		want        string
	}{
		{"the psy-", "chiatric ward", "the psychiatric ward"},
		{"rela-", "tionships", "relationships"},
		{"non-", "helpful", "non-helpful"},
		{"wish-", "fulfilment", "wish-fulfilment"},
		{"self-", "report", "self-report"},
		{"Smith-", "Jones", "Smith-Jones"},
		{"pages 10-", "12", "pages 10-12"},
		{"147\u2013", "154", "147\u2013154"},
		{"after 317-", "day implantation", "after 317-day implantation"},
		{"in 2010-", "The", "in 2010- The"},
		{"the well\u2013", "known", "the well\u2013 known"},
		{"end.", "Next", "end. Next"},
		{"soft\u00ad", "ware", "software"},
	}
	for _, tc := range tests {
		f1, f2 := &fragment{text: tc.left}, &fragment{text: tc.right}
		if got := v.paragraphText([]*fragment{f1, f2}).s; got != tc.want {
			t.Errorf("%q + %q = %q, want %q", tc.left, tc.right, got, tc.want)
		}
	}
}

func TestExtractErrors(t *testing.T) {
	ctx := context.Background()
	noText := (&pdfgen.Doc{Pages: []pdfgen.Page{{Raw: "0 0 m 100 100 l S"}}}).Bytes()
	valid := pdfgen.Article{Pages: [][]string{{"some text"}}}.Doc().Bytes()
	encrypted := strings.Replace(string(valid), "/Root 1 0 R", "/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /O (x) /U (y) /P -4 >>", 1)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrEmptyFile},
		{"not a pdf", []byte("hello world"), ErrNotPDF},
		{"image only", noText, ErrNoTextLayer},
		{"truncated", valid[:len(valid)/2], ErrMalformed},
		{"encrypted", []byte(encrypted), ErrEncrypted},
	}
	for _, tc := range tests {
		_, err := ExtractPDF(ctx, tc.data)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
	if ex, err := ExtractPDF(ctx, append([]byte("junk before the header\r\n"), valid...)); err != nil || !strings.Contains(ex.Pages[0].Text, "some text") {
		t.Errorf("leading junk: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ExtractPDF(cctx, valid); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestGlyphNames(t *testing.T) {
	for name, want := range map[string]string{"fi": "fi", "uni00E9": "é", "eacute": "é", "Scaron": "Š", "f_f_i": "ffi",
		"quotedblleft": "“", "endash": "–", "a.sc": "a", "u1F600": "😀", "germandbls": "ß"} {
		if got := glyphNameText(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// findCorpus returns ../shared/corpus seen from the module root (or
// /work/shared/corpus, where worktrees keep it), or "" when absent.
func findCorpus() string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	for _, c := range []string{filepath.Join(dir, "..", "shared", "corpus"), "/work/shared/corpus"} {
		if _, err := os.Stat(filepath.Join(c, "MANIFEST.tsv")); err == nil {
			return c
		}
	}
	return ""
}

// corpusDir is findCorpus for tests, which skip without the corpus.
func corpusDir(t testing.TB) string {
	c := findCorpus()
	if c == "" {
		t.Skip("shared corpus (../shared/corpus) not present")
	}
	return c
}

// TestCorpusManifest checks DOI, title and page count of the real articles
// against MANIFEST.tsv, and that every page with text in pdftotext's view
// has text here.
func TestCorpusManifest(t *testing.T) {
	dir := corpusDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 4 {
			continue
		}
		file, pages, doi, title := f[0], f[1], f[2], f[3]
		t.Run(file, func(t *testing.T) {
			ex, err := ExtractPDFFile(context.Background(), filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(len(ex.Pages)) != pages {
				t.Errorf("pages %d, want %s", len(ex.Pages), pages)
			}
			if !strings.EqualFold(ex.DOI, doi) {
				t.Errorf("DOI %q, want %q", ex.DOI, doi)
			}
			if ex.Title != title {
				t.Errorf("title %q\nwant %q", ex.Title, title)
			}
			for _, p := range ex.Pages {
				if strings.ContainsRune(p.Text, '\ufffd') {
					t.Errorf("page %d has U+FFFD", p.Number)
				}
				if strings.TrimSpace(p.Text) == "" {
					t.Errorf("page %d is empty", p.Number)
				}
			}
			if _, err := exec.LookPath("pdftotext"); err == nil {
				out, err := exec.Command("pdftotext", "-enc", "UTF-8", filepath.Join(dir, file), "-").Output()
				if err == nil {
					popPages := strings.Split(string(out), "\f")
					for i, p := range ex.Pages {
						if i < len(popPages) && strings.TrimSpace(popPages[i]) != "" && strings.TrimSpace(p.Text+p.Header) == "" {
							t.Errorf("page %d: pdftotext has text, Rapport none", i+1)
						}
					}
				}
			}
		})
	}
}

var lineEndHyphen = regexp.MustCompile(`(\pL)[-\x{2010}\x{00AD}][ \t]*\r?\n\s*(\pL)`)

// normWords normalises text for comparison with pdftotext: NFKC, lower
// case, line-end hyphens joined, hyphens dropped, other punctuation a space.
func normWords(s string) []string {
	s = norm.NFKC.String(s)
	s = lineEndHyphen.ReplaceAllString(s, "$1$2")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '-' || r == '\u2010' || r == '\u00ad':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// TestAgainstPdftotext uses poppler's pdftotext as an oracle on generated
// articles: the same words (as a multiset) come out of both. (Not with
// TimesCID: pdftotext lays out a non-embedded CID font with other metrics.)
func TestAgainstPdftotext(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	for _, a := range []pdfgen.Article{
		{Title: "Oracle Check One", Columns: 2, Justify: true, Header: "Running head %d",
			Pages: [][]string{{paragraph(1, 150), paragraph(2, 120)}, {paragraph(3, 200)}}},
		{Title: "Oracle Check Two", Columns: 1, BodyFont: pdfgen.TimesLigDiff, Kern: 10,
			Pages: [][]string{{paragraph(4, 300)}}},
		{Title: "Oracle Check Three", Columns: 2, FormColumns: true, PositionedWords: true,
			Pages: [][]string{{paragraph(5, 250), paragraph(6, 100)}}},
	} {
		data := a.Doc().Bytes()
		path := filepath.Join(t.TempDir(), "a.pdf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		ex, err := ExtractPDF(context.Background(), data)
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, p := range ex.Pages {
			all.WriteString(p.Text + "\n" + p.Header + "\n")
		}
		want, got := normWords(string(out)), normWords(all.String())
		count := map[string]int{}
		for _, w := range want {
			count[w]++
		}
		for _, w := range got {
			count[w]--
		}
		for w, n := range count {
			if n != 0 {
				t.Errorf("%s: %q count differs from pdftotext's by %d", a.Title, w, -n)
			}
		}
	}
}

// BenchmarkExtractCorpus measures extraction over the shared corpus; pages/s
// is reported as a metric (compare with scripts/extract-eval).
func BenchmarkExtractCorpus(b *testing.B) { benchmarkExtractCorpus(b, ExtractOptions{}) }

// BenchmarkExtractCorpusPDFium reads the same articles through PDFium (the
// engine started before the timer): its pages/s on the machine's cores
// (run with -cpu 1 for pages/s per core).
func BenchmarkExtractCorpusPDFium(b *testing.B) {
	benchmarkExtractCorpus(b, ExtractOptions{Engine: EnginePDFium})
}

// BenchmarkExtractCorpusBoxes: the native engine with every character's
// box traced (what the page view and highlight import ask for).
func BenchmarkExtractCorpusBoxes(b *testing.B) {
	benchmarkExtractCorpus(b, ExtractOptions{Boxes: true})
}

func benchmarkExtractCorpus(b *testing.B, opts ExtractOptions) {
	dir := corpusDir(b)
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	var datas [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		datas = append(datas, d)
	}
	if opts.Engine == EnginePDFium {
		// Start the engine outside the timer.
		if _, err := ExtractPDFWith(context.Background(), datas[0], opts); err != nil {
			b.Fatal(err)
		}
	}
	pages := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range datas {
			ex, err := ExtractPDFWith(context.Background(), d, opts)
			if err != nil {
				b.Fatal(err)
			}
			pages += len(ex.Pages)
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// FuzzExtractPDF: extraction never panics (a recovered parser panic is an
// ErrMalformed) and returns either text or an error. Seeds: generated PDFs,
// plus the shared corpus PDFs when present.
func FuzzExtractPDF(f *testing.F) {
	f.Add(pdfgen.Article{Title: "Seed Title For Fuzzing", Columns: 2, Pages: [][]string{{paragraph(1, 60), paragraph(2, 40)}}}.Doc().Bytes())
	f.Add(pdfgen.Article{BodyFont: pdfgen.TimesLigCMap, FormColumns: true, Columns: 2, Header: "H %d",
		Pages: [][]string{{paragraph(3, 200)}, {paragraph(4, 20)}}, PageLabels: "<< /Nums [0 << /S /R >>] >>"}.Doc().Bytes())
	f.Add((&pdfgen.Doc{Pages: []pdfgen.Page{{Raw: "BT /F3 10 Tf 2 Tc 5 Tw 150 Tz 72 700 Td [(ab) -300 (cd)] TJ T* (x) ' ET BI /W 1 ID \x00\xff EI"}}}).Bytes())
	if dir := findCorpus(); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		for _, file := range files {
			if d, err := os.ReadFile(file); err == nil {
				f.Add(d)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ex, err := ExtractPDF(ctx, data)
		if err == nil && ex == nil {
			t.Fatal("nil extraction without error")
		}
		if err != nil && strings.Contains(err.Error(), "parser failed") && !errors.Is(err, ErrMalformed) {
			t.Fatal(err)
		}
	})
}

// TestAccentsCombine: spacing accents drawn over a letter (as TeX does)
// combine with it; a raised mark before a word is separate from it.
func TestAccentsCombine(t *testing.T) {
	g := func(s string, x0, x1, y, size float64) glyph {
		return glyph{text: s, x0: x0, x1: x1, y: y, size: size}
	}
	tests := []struct {
		name   string
		glyphs []glyph
		want   string
	}{
		{"grave before its letter", []glyph{g("V", 0, 7, 0, 10), g("a", 7, 11, 0, 10), g("l", 11, 14, 0, 10), g("l", 14, 17, 0, 10),
			g("`", 17.5, 20.5, 0, 10), g("e", 17, 21, 0, 10), g("s", 21, 25, 0, 10)}, "Vallès"},
		{"ring after its letter", []glyph{g("A", 0, 7, 0, 10), g("˚", 2, 5, 2, 10)}, "Å"},
		{"accent beside no letter stays", []glyph{g("a", 0, 4, 0, 10), g("´", 8, 11, 0, 10)}, "a ´"},
		{"footnote mark before a word", []glyph{g("1", 0, 3, 4, 6), g("T", 3, 9, 0, 10), g("h", 9, 14, 0, 10)}, "1 Th"},
		{"mark after a word stays glued", []glyph{g("H", 0, 7, 0, 10), g("i", 7, 10, 0, 10), g("3", 10, 13, 4, 6)}, "Hi3"},
	}
	for _, tc := range tests {
		words := buildWords(tc.glyphs, false)
		lines := buildLines(words)
		var parts []string
		for _, f := range splitLines(lines, 0) {
			parts = append(parts, f.text)
		}
		if got := norm.NFC.String(strings.Join(parts, "|")); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestTableGridReadsRowByRow: on a two-column page, a table of four columns
// whose cells hold bullet points of one or two lines (rows and sub-rows
// starting side by side on one baseline) reads row by row, each sub-row's
// cells left to right and each cell's lines together, between the column
// text above and below it; buildBlocks alone stacks such cells column by
// column.
func TestTableGridReadsRowByRow(t *testing.T) {
	var p pdfgen.Page
	text := func(x, y, size float64, font pdfgen.Font, s string) {
		p.Texts = append(p.Texts, pdfgen.Text{X: x, Y: y, Size: size, Font: font, S: s})
	}
	// Column text above and below the table: two columns of 10 pt lines.
	column := func(x, y float64, words string) {
		for _, line := range pdfgen.Wrap(pdfgen.TimesRoman, 10, words, 222) {
			text(x, y, 10, pdfgen.TimesRoman, line)
			y -= 12
		}
	}
	above := [2]string{paragraph(1, 40), paragraph(2, 40)}
	below := [2]string{paragraph(3, 40), paragraph(4, 40)}
	column(72, 720, above[0])
	column(318, 720, above[1])
	text(72, 610, 9, pdfgen.HelveticaBold, "Table 2 Themes on the quality of care raised in the interviews by each group of respondents")
	// Cells: column, baseline, lines (8 pt, 9 pt apart inside a cell; a
	// row's next bullet points start lower, side by side: a sub-row).
	xs := [4]float64{72, 190, 320, 450}
	cells := []struct {
		col   int
		y     float64
		lines []string
	}{
		{0, 594, []string{"Respondent group"}},
		{1, 594, []string{"Strengths of the department"}},
		{2, 594, []string{"Weaknesses and challenges", "hindering improvement"}},
		{3, 594, []string{"Areas for improvement"}},
		{0, 572, []string{"1. Affiliates (n = 5)"}},
		{1, 572, []string{"- Treatment protocols exist", "and are used on the wards"}},
		{2, 572, []string{"- Shortage of trained staff"}},
		{3, 572, []string{"- Procure essential supplies", "for patient care"}},
		{1, 549, []string{"- Regular quality audits"}},
		{2, 549, []string{"- Scarcity of medicines and", "of laboratory reagents"}},
		{3, 549, []string{"- Use resources efficiently"}},
		{0, 521, []string{"2. Patients (n = 4)"}},
		{1, 521, []string{"- Staff treat patients with", "respect and courtesy"}},
		{2, 521, []string{"- Long waiting times at the", "outpatient department"}},
		{3, 521, []string{"- Add a queueing system"}},
		{1, 498, []string{"- Clean and quiet wards"}},
		{3, 498, []string{"- Involve patients in their", "treatment plans"}},
		{0, 470, []string{"3. Managers (n = 3)"}},
		{1, 470, []string{"- A quality team meets", "every month"}},
		{2, 470, []string{"- No plan to replace staff", "who leave"}},
		{3, 470, []string{"- Plan staffing for a year"}},
	}
	for _, c := range cells {
		for i, l := range c.lines {
			text(xs[c.col], c.y-9*float64(i), 8, pdfgen.Helvetica, l)
		}
	}
	column(72, 420, below[0])
	column(318, 420, below[1])
	ex, err := ExtractPDF(context.Background(), (&pdfgen.Doc{Pages: []pdfgen.Page{p}}).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		unshy(above[0]), unshy(above[1]),
		"Table 2 Themes on the quality of care raised in the interviews by each group of respondents",
		"Respondent group", "Strengths of the department", "Weaknesses and challenges hindering improvement", "Areas for improvement",
		"1. Affiliates (n = 5)", "- Treatment protocols exist and are used on the wards", "- Shortage of trained staff", "- Procure essential supplies for patient care",
		"- Regular quality audits", "- Scarcity of medicines and of laboratory reagents", "- Use resources efficiently",
		"2. Patients (n = 4)", "- Staff treat patients with respect and courtesy", "- Long waiting times at the outpatient department", "- Add a queueing system",
		"- Clean and quiet wards", "- Involve patients in their treatment plans",
		"3. Managers (n = 3)", "- A quality team meets every month", "- No plan to replace staff who leave", "- Plan staffing for a year",
		unshy(below[0]), unshy(below[1]),
	}
	got := strings.Split(ex.Pages[0].Text, "\n\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
