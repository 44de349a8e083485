// Package bench generates Rapport's synthetic benchmark library: N article
// PDFs written by internal/pdfgen from a seeded random generator (several
// layouts, about ten pages each, prose drawn from a controlled vocabulary),
// with a BibTeX file of their metadata. The same N and seed always give the
// same files, so runs can be compared; a generated corpus is cached on disk.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// Article is one generated article's metadata and where it was written.
type Article struct {
	ID      int      `json:"id"`
	File    string   `json:"file"` // relative to the corpus's PDF folder
	Title   string   `json:"title"`
	Authors []string `json:"authors"` // "Given Family"
	Year    int      `json:"year"`
	Journal string   `json:"journal"`
	DOI     string   `json:"doi"`
	Pages   int      `json:"pages"`
	Layout  string   `json:"layout"`
	Bytes   int      `json:"bytes"`
	Words   int      `json:"words"` // body words drawn, all pages
}

// Manifest describes a generated corpus.
type Manifest struct {
	N        int       `json:"n"`
	Seed     uint64    `json:"seed"`
	Pages    int       `json:"pages"`
	PDFBytes int64     `json:"pdf_bytes"`
	Articles []Article `json:"articles"`
}

// Corpus is a generated corpus on disk.
type Corpus struct {
	Dir      string // the corpus folder
	PDFDir   string // Dir/pdf: the article PDFs, in subfolders of 500
	BibFile  string // Dir/references.bib: metadata of every article
	Manifest Manifest
}

// Layouts the generator cycles through.
var Layouts = []string{"1col", "2col-justified", "2col-ligatures-header", "1col-kerned-footer"}

// GeneratorVersion is part of the cache key: raise it whenever the
// generated files change.
const GeneratorVersion = 1

// Open returns the corpus of n articles and seed under work, generating it
// (on workers goroutines, default all cores) unless it is cached there. A
// corpus of more articles with the same seed cached there gives its first
// n articles instead (deriveFromLarger), in seconds.
// progress, if set, is called after each article from any goroutine.
func Open(ctx context.Context, work string, n int, seed uint64, workers int, progress func(done, total int)) (*Corpus, error) {
	dir := filepath.Join(work, fmt.Sprintf("corpus-v%d-n%d-s%d", GeneratorVersion, n, seed))
	c := &Corpus{Dir: dir, PDFDir: filepath.Join(dir, "pdf"), BibFile: filepath.Join(dir, "references.bib")}
	if data, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil {
		if json.Unmarshal(data, &c.Manifest) == nil && c.Manifest.N == n {
			return c, nil
		}
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	m, err := deriveFromLarger(ctx, work, tmp, n, seed)
	if m == nil && err == nil {
		m, err = generate(ctx, tmp, n, seed, workers, progress)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("generate corpus: %w", err)
	}
	c.Manifest = *m
	return c, nil
}

func generate(ctx context.Context, dir string, n int, seed uint64, workers int, progress func(done, total int)) (*Manifest, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(filepath.Join(dir, "pdf"), 0o755); err != nil {
		return nil, fmt.Errorf("generate corpus: %w", err)
	}
	m := &Manifest{N: n, Seed: seed, Articles: make([]Article, n)}
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > n || ctx.Err() != nil {
					return
				}
				a, pdf := MakeArticle(seed, i)
				path := filepath.Join(dir, "pdf", a.File)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					errs[w] = err
					return
				}
				if err := os.WriteFile(path, pdf, 0o644); err != nil {
					errs[w] = fmt.Errorf("generate corpus: %w", err)
					return
				}
				m.Articles[i-1] = a
				d := done.Add(1)
				if progress != nil {
					progress(int(d), n)
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return nil, err
	}
	var bib strings.Builder
	for _, a := range m.Articles {
		m.Pages += a.Pages
		m.PDFBytes += int64(a.Bytes)
		writeBibTeX(&bib, a)
	}
	if err := writeIndexFiles(dir, m, bib.String()); err != nil {
		return nil, err
	}
	return m, nil
}

// deriveFromLarger writes the corpus of n articles into dir from a cached
// corpus of more articles with the same seed: article i depends only on the
// seed and i (MakeArticle), so the first n articles of a larger corpus are
// the corpus of n. The PDFs are hard links (copies where the file system
// refuses links); the manifest and BibTeX file are written as generate
// writes them. It returns nil, nil when no larger corpus is cached.
func deriveFromLarger(ctx context.Context, work, dir string, n int, seed uint64) (*Manifest, error) {
	matches, _ := filepath.Glob(filepath.Join(work, fmt.Sprintf("corpus-v%d-n*-s%d", GeneratorVersion, seed)))
	var src *Corpus
	for _, m := range matches {
		var size int
		if _, err := fmt.Sscanf(filepath.Base(m), fmt.Sprintf("corpus-v%d-n%%d-s%d", GeneratorVersion, seed), &size); err != nil || size <= n {
			continue
		}
		data, err := os.ReadFile(filepath.Join(m, "manifest.json"))
		if err != nil {
			continue
		}
		var man Manifest
		if json.Unmarshal(data, &man) != nil || man.N != size || man.Seed != seed || len(man.Articles) != size {
			continue
		}
		if src == nil || size < src.Manifest.N {
			src = &Corpus{Dir: m, PDFDir: filepath.Join(m, "pdf"), Manifest: man}
		}
	}
	if src == nil {
		return nil, nil
	}
	m := &Manifest{N: n, Seed: seed, Articles: src.Manifest.Articles[:n]}
	var bib strings.Builder
	for _, a := range m.Articles {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		from, to := filepath.Join(src.PDFDir, a.File), filepath.Join(dir, "pdf", a.File)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return nil, fmt.Errorf("derive corpus from %s: %w", src.Dir, err)
		}
		if err := os.Link(from, to); err != nil {
			data, rerr := os.ReadFile(from)
			if rerr != nil {
				return nil, fmt.Errorf("derive corpus from %s: %w", src.Dir, rerr)
			}
			if err := os.WriteFile(to, data, 0o644); err != nil {
				return nil, fmt.Errorf("derive corpus from %s: %w", src.Dir, err)
			}
		}
		m.Pages += a.Pages
		m.PDFBytes += int64(a.Bytes)
		writeBibTeX(&bib, a)
	}
	if err := writeIndexFiles(dir, m, bib.String()); err != nil {
		return nil, err
	}
	return m, nil
}

func writeIndexFiles(dir string, m *Manifest, bib string) error {
	if err := os.WriteFile(filepath.Join(dir, "references.bib"), []byte(bib), 0o644); err != nil {
		return fmt.Errorf("generate corpus: %w", err)
	}
	data, _ := json.MarshalIndent(m, "", " ")
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o644); err != nil {
		return fmt.Errorf("generate corpus: %w", err)
	}
	return nil
}

func writeBibTeX(b *strings.Builder, a Article) {
	var authors []string
	for _, name := range a.Authors {
		given, family, _ := strings.Cut(name, " ")
		authors = append(authors, family+", "+given)
	}
	fmt.Fprintf(b, "@article{rb%05d,\n  title = {%s},\n  author = {%s},\n  year = {%d},\n  journal = {%s},\n  doi = {%s},\n  pages = {1--%d}\n}\n\n",
		a.ID, a.Title, strings.Join(authors, " and "), a.Year, strings.ReplaceAll(a.Journal, "&", `\&`), a.DOI, a.Pages)
}

// MakeArticle returns article i (1-based) of the corpus with seed, and its
// PDF. It depends only on seed and i.
func MakeArticle(seed uint64, i int) (Article, []byte) {
	a, art := makeArticle(seed, i)
	pdf := art.Doc().Bytes()
	a.Bytes = len(pdf)
	return a, pdf
}

// ArticleDoc returns article i's document cut to its first n pages (the
// OCR benchmark scans a few pages of each).
func ArticleDoc(seed uint64, i, n int) *pdfgen.Doc {
	_, art := makeArticle(seed, i)
	if n > 0 && n < len(art.Pages) {
		art.Pages = art.Pages[:n]
	}
	return art.Doc()
}

func makeArticle(seed uint64, i int) (Article, pdfgen.Article) {
	g := newProse(seed, uint64(i))
	r := g.r
	a := Article{ID: i, File: fmt.Sprintf("%03d/article-%05d.pdf", (i-1)/500, i), Layout: Layouts[i%len(Layouts)]}
	a.Title = g.title()
	for range 1 + r.IntN(4) {
		a.Authors = append(a.Authors, givenNames[r.IntN(len(givenNames))]+" "+familyNames[r.IntN(len(familyNames))])
	}
	a.Year = 2000 + r.IntN(25)
	a.Journal = journals[r.IntN(len(journals))]
	a.DOI = fmt.Sprintf("10.5555/rb.%d.%05d", seed, i)
	a.Pages = 8 + r.IntN(5)

	pages := make([][]string, a.Pages)
	first := []string{
		strings.Join(a.Authors, ", "),
		fmt.Sprintf("%s (%d). https://doi.org/%s", a.Journal, a.Year, a.DOI),
		"Abstract. " + g.paragraph(5),
	}
	pages[0] = first
	for p := range pages {
		budget := 380
		if p == 0 {
			budget = 250
		}
		for budget > 0 {
			para := g.paragraph(3 + r.IntN(4))
			budget -= len(strings.Fields(para))
			pages[p] = append(pages[p], para)
		}
	}
	pages[a.Pages-1] = append(pages[a.Pages-1], "References", g.reference(), g.reference(), g.reference())
	for _, ps := range pages {
		for _, para := range ps {
			a.Words += len(strings.Fields(para))
		}
	}
	art := pdfgen.Article{Title: a.Title, Author: strings.Join(a.Authors, "; "), Pages: pages, Columns: 1}
	switch a.Layout {
	case "2col-justified":
		art.Columns, art.Justify = 2, true
	case "2col-ligatures-header":
		art.Columns, art.BodyFont = 2, pdfgen.TimesLigCMap
		art.Header = a.Journal + " - " + shortTitle(a.Title)
		art.Footer = "%d"
	case "1col-kerned-footer":
		art.Kern, art.PositionedWords = 40, true
		art.Footer = fmt.Sprintf("%s %d - page %%d", a.Journal, a.Year)
	}
	return a, art
}

func shortTitle(t string) string {
	if i := strings.Index(t, ":"); i > 0 {
		return t[:i]
	}
	return t
}

// prose draws words and sentences for one article.
type prose struct {
	r             *rand.Rand
	noun, tail    *rand.Zipf
	adj, verb, cn *rand.Zipf
}

// tailSize is how many made-up rare terms the vocabulary has.
const tailSize = 20000

func newProse(seed, i uint64) *prose {
	r := rand.New(rand.NewPCG(seed, i))
	return &prose{
		r:    r,
		noun: rand.NewZipf(r, 1.1, 2, uint64(len(nouns)-1)),
		tail: rand.NewZipf(r, 1.05, 5, tailSize-1),
		adj:  rand.NewZipf(r, 1.2, 2, uint64(len(adjectives)-1)),
		verb: rand.NewZipf(r, 1.2, 2, uint64(len(verbs)-1)),
	}
}

// tailWord returns the k-th made-up term: two or three syllables.
func tailWord(k int) string {
	n := len(syllables)
	s := syllables[k%n] + syllables[(k/n)%n]
	if k >= n*n {
		s += syllables[(k/(n*n))%n]
	}
	return s
}

func (g *prose) n() string {
	if g.r.IntN(25) == 0 {
		return tailWord(int(g.tail.Uint64()))
	}
	return nouns[g.noun.Uint64()]
}
func (g *prose) a() string { return adjectives[g.adj.Uint64()] }
func (g *prose) v() string { return verbs[g.verb.Uint64()] }
func (g *prose) pick(list []string) string {
	return list[g.r.IntN(len(list))]
}

func (g *prose) sentence() string {
	var s string
	switch g.r.IntN(7) {
	case 0:
		s = fmt.Sprintf("the %s %s %s %s the %s %s %s %s", g.a(), g.n(), g.v(), g.pick(adverbs), g.a(), g.n(), g.pick(prepositions), g.n())
	case 1:
		s = fmt.Sprintf("participants described %s %s as a %s %s that %s their %s", g.a(), g.n(), g.a(), g.n(), g.v(), g.n())
	case 2:
		s = fmt.Sprintf("%s %s the %s between %s and %s %s %s", g.pick(connectors), g.n(), g.v(), g.n(), g.a(), g.n(), g.pick(adverbs))
	case 3:
		s = fmt.Sprintf("our %s %s that %s %s %s %s %s when %s is %s", g.a(), g.n(), g.n(), g.v(), g.a(), g.n(), g.pick(prepositions)+" "+g.n(), g.n(), g.a())
	case 4:
		s = fmt.Sprintf("in %d interviews the %s of %s %s %s %s", 10+g.r.IntN(40), g.n(), g.n(), g.pick(adverbs), g.v(), g.n())
	case 5:
		s = fmt.Sprintf("this %s %s how %s %s and %s %s %s the %s %s", g.n(), g.v(), g.a(), g.n(), g.a(), g.n(), g.v(), g.n(), g.n())
	default:
		s = fmt.Sprintf("a %s %s of %s and %s %s %s %s (p = 0.%02d)", g.a(), g.n(), g.n(), g.n(), g.v(), g.a(), g.n(), g.r.IntN(100))
	}
	return capitalise(s) + "."
}

func (g *prose) paragraph(sentences int) string {
	parts := make([]string, sentences)
	for i := range parts {
		parts[i] = g.sentence()
	}
	return strings.Join(parts, " ")
}

func (g *prose) title() string {
	switch g.r.IntN(3) {
	case 0:
		return capitalise(fmt.Sprintf("%s %s and %s: a %s study of %s", g.a(), g.n(), g.n(), g.a(), g.n()))
	case 1:
		return capitalise(fmt.Sprintf("%s in %s %s: %s %s %s", g.n(), g.a(), g.n(), g.n(), g.pick(prepositions), g.n()))
	}
	return capitalise(fmt.Sprintf("how %s %s %s", g.n(), g.v(), g.n()))
}

func (g *prose) reference() string {
	return fmt.Sprintf("%s, %c. (%d). %s. %s, %d(%d), %d-%d.", familyNames[g.r.IntN(len(familyNames))], 'A'+rune(g.r.IntN(26)),
		1990+g.r.IntN(30), g.title(), journals[g.r.IntN(len(journals))], 1+g.r.IntN(40), 1+g.r.IntN(4), 1+g.r.IntN(200), 201+g.r.IntN(200))
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
