// Command rapport-ocrbench measures Rapport's OCR on scans made from known
// text: generated two-column articles (bench.MakeArticle) are rendered to
// images at several resolutions, clean and spoiled (a 1–2° skew, blur,
// noise, JPEG), wrapped as image-only PDFs, and read back through the
// importer's OCR path (PDFium renders each page at 300 dpi, Tesseract reads
// it, the words go through the layout engine). It reports word recall and
// 8-gram order against the text of the original PDF, and the speed: pages
// per minute per core (processor time: the Tesseract processes' own, and
// the rendering thread's), and the share of that time spent rendering
// and in Tesseract.
//
//	go run ./bench/cmd/rapport-ocrbench [-articles 2] [-pages 4] [-lang eng] [-json FILE]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"github.com/rapport-qda/rapport/bench"
	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/scangen"
	"github.com/rapport-qda/rapport/internal/tesseract"
	"golang.org/x/text/unicode/norm"
)

// condition is one way of scanning.
type condition struct {
	Name string          `json:"name"`
	Scan scangen.Options `json:"scan"`
}

// result is one condition's figures.
type result struct {
	Condition    string  `json:"condition"`
	DPI          float64 `json:"dpi"`
	Pages        int     `json:"pages"`
	Recall       float64 `json:"word_recall"`
	Precision    float64 `json:"word_precision"`
	Order        float64 `json:"order_8gram"`
	MeanConf     float64 `json:"mean_confidence"`
	Uncertain    float64 `json:"uncertain_share"` // share of words marked uncertain
	RenderSec    float64 `json:"render_cpu_s"`
	TesseractSec float64 `json:"tesseract_cpu_s"`
	WallSec      float64 `json:"wall_s"`
	PagesPerMin  float64 `json:"pages_per_min_per_core"`
	RenderShare  float64 `json:"render_share"`
}

func main() {
	articles := flag.Int("articles", 2, "two-column articles to scan")
	maxPages := flag.Int("pages", 4, "pages of each article (0: all)")
	lang := flag.String("lang", "eng", "Tesseract language(s)")
	seed := flag.Uint64("seed", 7, "seed of the generated articles")
	jsonOut := flag.String("json", "", "write the results as JSON to this file")
	only := flag.String("only", "", "run only the conditions whose name contains this")
	flag.Parse()
	ctx := context.Background()
	eng, err := tesseract.Find(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rapport-ocrbench:", err)
		os.Exit(1)
	}
	if err := eng.CheckLang(*lang); err != nil {
		fmt.Fprintln(os.Stderr, "rapport-ocrbench:", err)
		os.Exit(1)
	}
	workers := runtime.NumCPU()

	// The originals: two-column articles (both two-column layouts of the
	// benchmark corpus), cut to maxPages.
	var originals [][]byte
	for i := 1; len(originals) < *articles; i++ {
		a, _ := bench.MakeArticle(*seed, i)
		if !strings.HasPrefix(a.Layout, "2col") {
			continue
		}
		originals = append(originals, cutPages(*seed, i, *maxPages))
	}
	var conditions []condition
	for _, dpi := range []float64{150, 200, 300} {
		conditions = append(conditions,
			condition{Name: fmt.Sprintf("clean %g dpi", dpi), Scan: scangen.Options{DPI: dpi, JPEG: 90}},
			condition{Name: fmt.Sprintf("noise+blur+skew %g dpi", dpi), Scan: scangen.Options{DPI: dpi, SkewDegrees: 1.5, Blur: 1, Noise: 12, JPEG: 75, Seed: 1}},
		)
	}
	fmt.Printf("Tesseract %s, -l %s, %d workers (one process per core), originals: %d two-column articles\n\n", eng.Version, *lang, workers, len(originals))
	fmt.Println("| scan | pages | word recall | precision | 8-gram order | mean conf | uncertain | pages/min/core | render share |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	var results []result
	for _, c := range conditions {
		if *only != "" && !strings.Contains(c.Name, *only) {
			continue
		}
		r := result{Condition: c.Name, DPI: c.Scan.DPI}
		var ref, got []string
		var confSum float64
		var words, uncertain int
		for _, orig := range originals {
			want, err := importer.ExtractPDF(ctx, orig)
			if err != nil {
				fail(err)
			}
			scan, err := scangen.Scan(ctx, orig, c.Scan)
			if err != nil {
				fail(err)
			}
			t0 := time.Now()
			ex, st, err := ocrDocument(ctx, scan, eng, *lang, workers)
			if err != nil {
				fail(err)
			}
			r.WallSec += time.Since(t0).Seconds()
			r.RenderSec += st.render.Seconds()
			r.TesseractSec += st.tesseract.Seconds()
			confSum += st.confSum
			words += st.words
			r.Pages += len(ex.Pages)
			for i, p := range ex.Pages {
				got = append(got, tokens(p.Header+"\n\n"+p.Text)...)
				ref = append(ref, tokens(want.Pages[i].Header+"\n\n"+want.Pages[i].Text)...)
				for _, s := range p.Uncertain {
					uncertain += len(tokens(string([]rune(p.Text)[s[0]:s[1]])))
				}
			}
		}
		inter := multisetIntersection(ref, got)
		r.Recall = ratio(inter, len(ref))
		r.Precision = ratio(inter, len(got))
		r.Order = ngramShare(ref, got, 8)
		r.MeanConf = confSum / float64(max(words, 1))
		r.Uncertain = ratio(uncertain, len(got))
		cpu := r.RenderSec + r.TesseractSec
		r.PagesPerMin = float64(r.Pages) / (cpu / 60)
		r.RenderShare = r.RenderSec / cpu
		results = append(results, r)
		fmt.Printf("| %s | %d | %.3f | %.3f | %.3f | %.1f | %.3f | %.1f | %.1f%% |\n", r.Condition, r.Pages, r.Recall, r.Precision, r.Order, r.MeanConf, r.Uncertain, r.PagesPerMin, 100*r.RenderShare)
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{"tesseract": eng.Version, "lang": *lang, "workers": workers, "results": results}, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fail(err)
		}
	}
}

// cutPages writes article i again with only its first n pages.
func cutPages(seed uint64, i, n int) []byte {
	_, pdf := bench.MakeArticle(seed, i)
	if n <= 0 {
		return pdf
	}
	return bench.ArticleDoc(seed, i, n).Bytes()
}

// stats are the times and confidences of one document's OCR.
type stats struct {
	render, tesseract time.Duration
	confSum           float64
	words             int
}

// ocrDocument reads a scanned PDF as the library does: pages rendered one
// after the other, each read by a Tesseract process, workers at once, then
// the words laid out with the document.
func ocrDocument(ctx context.Context, data []byte, eng *tesseract.Engine, lang string, workers int) (*importer.Extraction, stats, error) {
	var st stats
	ex, err := importer.ExtractPDFWith(ctx, data, importer.ExtractOptions{KeepScanned: true})
	if err != nil {
		return nil, st, err
	}
	doc, err := importer.OpenScan(ctx, data, "")
	if err != nil {
		return nil, st, err
	}
	defer doc.Close()
	// Rendering runs on this goroutine: its thread's processor time is
	// the rendering's (PDFium runs in-process).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	imgs := make(chan *importer.PageImage)
	var mu sync.Mutex
	pages := map[int]*importer.OCRPage{}
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for img := range imgs {
				p, d, err := img.Recognize(ctx, eng, lang)
				mu.Lock()
				st.tesseract += d
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if p != nil {
					pages[img.Page] = p
					for _, w := range p.Words {
						st.confSum += float64(w.Conf)
					}
					st.words += len(p.Words)
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range ex.Pages {
		if !p.Scanned {
			continue
		}
		c0 := threadCPU()
		img, err := doc.Render(p.Number, importer.OCRDPI)
		st.render += threadCPU() - c0
		if err != nil {
			close(imgs)
			wg.Wait()
			return nil, st, err
		}
		imgs <- img
	}
	close(imgs)
	wg.Wait()
	if firstErr != nil {
		return nil, st, firstErr
	}
	out, err := importer.ExtractPDFWith(ctx, data, importer.ExtractOptions{OCR: pages})
	return out, st, err
}

// threadCPU is the processor time of the calling thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rusageThread is RUSAGE_THREAD (Linux).
const rusageThread = 1

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rapport-ocrbench:", err)
	os.Exit(1)
}

// The comparison is extract-eval's (internal/extracteval): NFKC, lower
// case, line-end hyphens joined, hyphens removed, punctuation as spaces.
var lineEndHyphen = regexp.MustCompile(`(\pL)[-\x{2010}\x{00AD}][ \t]*\r?\n\s*(\pL)`)

func tokens(s string) []string {
	s = norm.NFKC.String(s)
	s = lineEndHyphen.ReplaceAllString(s, "$1$2")
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == '\u2010' || r == '\u00AD':
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
	found, total := 0, 0
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
