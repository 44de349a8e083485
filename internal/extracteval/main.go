// Command extracteval compares Rapport's PDF text extraction with poppler's
// pdftotext on a folder of PDFs (by default ../shared/corpus) and prints,
// per file: word recall and precision against pdftotext's words, the share
// of pdftotext's 8-word sequences found in Rapport's text in the same order,
// and pages per second for both, on one core.
//
// The 8-gram figure is also given on tokens with letters only ("8g-words"),
// which leaves out table numbers and reference numbers.
//
// Both texts are normalised the same way before comparing: Unicode NFKC,
// lower case, line-end hyphens joined, hyphens removed, other punctuation
// turned into spaces. Rapport's running headers (PageText.Header) count as
// extracted text: they are kept, only out of the body.
//
//	go run ./internal/extracteval [-dir ../shared/corpus] [-dump /tmp/eval] [-runs 3]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/rapport-qda/rapport/importer"
	"golang.org/x/text/unicode/norm"
)

// engine forces an extraction engine (-engine).
var engine string

type result struct {
	file                       string
	pages                      int
	recall, precision, order   float64
	orderWords                 float64 // order on tokens with letters only
	rapportPPS, popplerPPS     float64
	rapportWords, popplerWords int
	rapportChars, popplerChars int // non-space characters
	engine                     string
	warnings                   int
	err                        string
	emptyWherePopplerHasText   bool
}

func main() {
	dir := flag.String("dir", "../shared/corpus", "folder of PDFs")
	dump := flag.String("dump", "", "write both texts of each file into this folder")
	runs := flag.Int("runs", 3, "timed runs per file and tool (best is kept)")
	flag.StringVar(&engine, "engine", "", "force an engine: native or pdfium (default: Rapport's own choice)")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		fmt.Fprintln(os.Stderr, "extracteval: pdftotext not found (install poppler-utils)")
		os.Exit(2)
	}
	files, _ := filepath.Glob(filepath.Join(*dir, "*.pdf"))
	sort.Strings(files)
	if len(files) == 0 {
		fmt.Fprintf(os.Stderr, "extracteval: no PDFs in %s\n", *dir)
		os.Exit(2)
	}
	if *dump != "" {
		_ = os.MkdirAll(*dump, 0o755)
	}
	var results []result
	var totPages int
	var totRapport, totPoppler time.Duration
	failed := false
	for _, f := range files {
		r, rt, pt := evalFile(f, *dump, *runs)
		results = append(results, r)
		if r.err != "" || r.emptyWherePopplerHasText {
			failed = true
		}
		totPages += r.pages
		totRapport += rt
		totPoppler += pt
	}
	fmt.Printf("%-32s %5s %7s %9s %8s %8s %10s %10s %5s %7s %s\n", "file", "pages", "recall", "precision", "8-gram", "8g-words", "rapport/s", "poppler/s", "warn", "chars", "engine")
	var rec, prec, ord, ordw []float64
	warnings := 0
	for _, r := range results {
		if r.err != "" {
			fmt.Printf("%-32s ERROR %s\n", r.file, r.err)
			continue
		}
		fmt.Printf("%-32s %5d %7.4f %9.4f %8.4f %8.4f %10.1f %10.1f %5d %7.3f %s\n", r.file, r.pages, r.recall, r.precision, r.order, r.orderWords, r.rapportPPS, r.popplerPPS, r.warnings,
			ratio(r.rapportChars, r.popplerChars), r.engine)
		ordw = append(ordw, r.orderWords)
		warnings += r.warnings
		rec = append(rec, r.recall)
		prec = append(prec, r.precision)
		ord = append(ord, r.order)
	}
	fmt.Printf("%-32s %5d %7.4f %9.4f %8.4f %8.4f %10.1f %10.1f\n", "MEDIAN / TOTAL", totPages, median(rec), median(prec), median(ord), median(ordw),
		float64(totPages)/totRapport.Seconds(), float64(totPages)/totPoppler.Seconds())
	fmt.Printf("speed: Rapport %.2fx pdftotext's pages/s (one core; pdftotext timed as a process, start-up included)\n", totPoppler.Seconds()/totRapport.Seconds())
	errs := 0
	for _, r := range results {
		if r.err != "" {
			errs++
		}
	}
	fmt.Printf("errors (panics become errors): %d; pages read incompletely (Extraction.Warnings): %d\n", errs, warnings)
	if failed {
		os.Exit(1)
	}
}

func evalFile(path, dump string, runs int) (r result, rapportTime, popplerTime time.Duration) {
	r.file = filepath.Base(path)
	var popText string
	popplerTime = time.Duration(1<<63 - 1)
	for i := 0; i < runs; i++ {
		start := time.Now()
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		d := time.Since(start)
		if err != nil {
			r.err = "pdftotext: " + err.Error()
			return r, 0, 0
		}
		popText = string(out)
		popplerTime = min(popplerTime, d)
	}
	var ex *importer.Extraction
	rapportTime = time.Duration(1<<63 - 1)
	for i := 0; i < runs; i++ {
		start := time.Now()
		e, err := extract(path)
		d := time.Since(start)
		if err != nil {
			r.err = err.Error()
			return r, 0, 0
		}
		ex = e
		rapportTime = min(rapportTime, d)
	}
	r.pages = len(ex.Pages)
	r.warnings = len(ex.Warnings)
	r.engine = ex.Engine
	var sb strings.Builder
	for _, p := range ex.Pages {
		sb.WriteString(p.Text)
		sb.WriteString("\n\n")
		if p.Header != "" {
			sb.WriteString(p.Header)
			sb.WriteString("\n\n")
		}
	}
	rapText := sb.String()
	if dump != "" {
		base := strings.TrimSuffix(r.file, ".pdf")
		_ = os.WriteFile(filepath.Join(dump, base+".rapport.txt"), []byte(rapText), 0o644)
		_ = os.WriteFile(filepath.Join(dump, base+".poppler.txt"), []byte(popText), 0o644)
	}
	r.popplerChars, r.rapportChars = nonSpace(popText), nonSpace(rapText)
	pw, rw := tokens(popText), tokens(rapText)
	r.popplerWords, r.rapportWords = len(pw), len(rw)
	r.emptyWherePopplerHasText = len(pw) > 0 && len(rw) == 0
	common := multisetIntersection(pw, rw)
	r.recall = ratio(common, len(pw))
	r.precision = ratio(common, len(rw))
	// Running headers and footers are moved out of Rapport's body text on
	// purpose; for the reading-order figure, take the same lines out of
	// pdftotext's text, so that they do not count as order breaks.
	var bodyTokens []string
	for _, p := range ex.Pages {
		bodyTokens = append(bodyTokens, tokens(p.Text)...)
	}
	var popBody []string
	for i, page := range strings.Split(popText, "\f") {
		if i < len(ex.Pages) {
			popBody = append(popBody, withoutHeaders(page, ex.Pages[i].Header)...)
		} else {
			popBody = append(popBody, tokens(page)...)
		}
	}
	r.order = ngramShare(popBody, bodyTokens, 8)
	r.orderWords = ngramShare(lettersOnly(popBody), lettersOnly(bodyTokens), 8)
	if dump != "" {
		base := filepath.Join(dump, strings.TrimSuffix(r.file, ".pdf"))
		_ = os.WriteFile(base+".poppler.body.tokens", []byte(strings.Join(popBody, " ")), 0o644)
		_ = os.WriteFile(base+".rapport.body.tokens", []byte(strings.Join(bodyTokens, " ")), 0o644)
	}
	r.rapportPPS = float64(r.pages) / rapportTime.Seconds()
	r.popplerPPS = float64(r.pages) / popplerTime.Seconds()
	return r, rapportTime, popplerTime
}

// A hyphen at a line end, before the rest of the word on the next line,
// perhaps after a blank line (a column or page break).
var lineEndHyphen = regexp.MustCompile(`(\pL)[-\x{2010}\x{00AD}][ \t]*\r?\n\s*(\pL)`)

// tokens normalises text for comparison and splits it into words.
func tokens(s string) []string {
	s = norm.NFKC.String(s)
	s = lineEndHyphen.ReplaceAllString(s, "$1$2")
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == '\u2010' || r == '\u00AD':
			// removed: "non-helpful" and "nonhelpful" compare equal
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

func multisetIntersection(a, b []string) int {
	count := map[string]int{}
	for _, w := range a {
		count[w]++
	}
	n := 0
	for _, w := range b {
		if count[w] > 0 {
			count[w]--
			n++
		}
	}
	return n
}

func ngramShare(ref, got []string, n int) float64 {
	if len(ref) < n {
		return 1
	}
	have := map[string]bool{}
	for i := 0; i+n <= len(got); i++ {
		have[strings.Join(got[i:i+n], " ")] = true
	}
	found := 0
	total := 0
	for i := 0; i+n <= len(ref); i++ {
		total++
		if have[strings.Join(ref[i:i+n], " ")] {
			found++
		}
	}
	return ratio(found, total)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// withoutHeaders returns the tokens of one page of pdftotext's text without
// the lines that Rapport took out as running headers and footers (header,
// one line each). A header line is removed where pdftotext has its words in
// the same order; where pdftotext has cut it up (a page number or a
// copyright line laid out apart, pieces of an overprinted footer in another
// order), the pdftotext lines made only of that header's words are removed
// instead (lines of one word only if it has three characters or more, such
// as a page number "151": not a stray "1").
func withoutHeaders(page, header string) []string {
	pt := tokens(page)
	var whole [][]string
	left := map[string]int{}
	for _, h := range strings.Split(header, "\n") {
		ht := tokens(h)
		if len(ht) == 0 {
			continue
		}
		if len(removeSeq(pt, ht)) < len(pt) {
			whole = append(whole, ht)
			continue
		}
		for _, t := range ht {
			left[t]++
		}
	}
	if len(left) > 0 {
		var kept []string
		for _, line := range strings.Split(page, "\n") {
			lt := tokens(line)
			if (len(lt) >= 2 || len(lt) == 1 && len(lt[0]) >= 3) && consume(left, lt) {
				continue
			}
			kept = append(kept, line)
		}
		pt = tokens(strings.Join(kept, "\n"))
	}
	for _, ht := range whole {
		pt = removeSeq(pt, ht)
	}
	return pt
}

// consume takes ws out of the multiset left if all of them are in it.
func consume(left map[string]int, ws []string) bool {
	need := map[string]int{}
	for _, w := range ws {
		need[w]++
		if need[w] > left[w] {
			return false
		}
	}
	for w, n := range need {
		left[w] -= n
	}
	return true
}

// removeSeq removes the first occurrence of seq from ws.
func removeSeq(ws, seq []string) []string {
	if len(seq) == 0 {
		return ws
	}
Outer:
	for i := 0; i+len(seq) <= len(ws); i++ {
		for j := range seq {
			if ws[i+j] != seq[j] {
				continue Outer
			}
		}
		return append(append([]string(nil), ws[:i]...), ws[i+len(seq):]...)
	}
	return ws
}

// lettersOnly keeps the tokens that contain a letter: the order of running
// text, without the numbers of tables and of reference lists (which
// pdftotext often prints as a column of their own).
func lettersOnly(ws []string) []string {
	var out []string
	for _, w := range ws {
		for _, r := range w {
			if unicode.IsLetter(r) {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

// extract reads a PDF as Rapport does, with the engine -engine forces.
func extract(path string) (*importer.Extraction, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return importer.ExtractPDFWith(context.Background(), data, importer.ExtractOptions{Engine: engine})
}

// nonSpace counts the characters of s that are not white space.
func nonSpace(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
