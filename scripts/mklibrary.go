//go:build ignore

// mklibrary builds a library for screenshots and for trying the window at
// scale: the demo library (seed texts with example annotations), synthetic
// article PDFs with their BibTeX metadata (the bench generator, cached
// under -work), sentences around search hits coded with themes, and
// optionally many small text sources, article PDFs of a folder (-pdfs, the
// corpus) with every page coded (-code-pages: two passages, one of them
// with two themes, and an area; for the page view's bench).
//
//	go run scripts/mklibrary.go -dir /tmp/lib -n 40
//	go run scripts/mklibrary.go -dir /tmp/big -n 0 -texts 2000 -demo=false
//	go run scripts/mklibrary.go -dir /tmp/pv -n 0 -demo=false -pdfs ../shared/corpus -code-pages
//
// -figure FILE writes a generated article with a table drawn as a figure
// (the screenshots' page view when the corpus is absent) and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rapport-qda/rapport/app"
	"github.com/rapport-qda/rapport/bench"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

func main() {
	dir := flag.String("dir", "", "library folder to create (must be empty or absent)")
	n := flag.Int("n", 40, "synthetic article PDFs (bench generator)")
	texts := flag.Int("texts", 0, "extra one-page text sources")
	demo := flag.Bool("demo", true, "include the demo library's sources and annotations")
	work := flag.String("work", "bench/work", "cache folder of the bench generator")
	pdfs := flag.String("pdfs", "", "a folder of article PDFs to import as well")
	codePages := flag.Bool("code-pages", false, "code every page of the -pdfs articles (two passages, two themes, an area)")
	figure := flag.String("figure", "", "write a generated article with a figure to this file and exit")
	flag.Parse()
	if *figure != "" {
		if err := os.WriteFile(*figure, figureArticle(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "mklibrary:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*dir, *n, *texts, *demo, *work, *pdfs, *codePages); err != nil {
		fmt.Fprintln(os.Stderr, "mklibrary:", err)
		os.Exit(1)
	}
}

// codings are the searches whose hit sentences get a theme.
var codings = []struct{ query, theme string }{
	{"trust", "Trust"},
	{"collaboration", "Collaboration"},
	{"coercion", "Organization versus relation"},
	{"continuity", "Knowing each other"},
	{"resources", "Access to resources"},
	{"support", "Support"},
}

func run(dir string, n, texts int, demo bool, work, pdfs string, codePages bool) error {
	ctx := context.Background()
	if dir == "" {
		return fmt.Errorf("-dir is required")
	}
	lib, err := index.Open(ctx, dir, nil)
	if err != nil {
		return err
	}
	defer lib.Close()
	lib.Author = "Rapport screenshots"
	if demo {
		if err := app.BuildDemo(ctx, lib); err != nil {
			return err
		}
	}
	var paths []string
	if n > 0 {
		c, err := bench.Open(ctx, work, n, 1, 0, nil)
		if err != nil {
			return err
		}
		paths = append(paths, c.PDFDir, c.BibFile)
	}
	if texts > 0 {
		tdir, err := os.MkdirTemp("", "mklibrary-texts-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tdir)
		words := strings.Fields("trust time collaboration support resources coach recovery relationship professional person negotiation coercion continuity boundary hope work housing listening respect power")
		for i := 0; i < texts; i++ {
			var b strings.Builder
			fmt.Fprintf(&b, "# Field note %d on %s and %s\n\n", i+1, words[i%len(words)], words[(i*7+3)%len(words)])
			for s := 0; s < 12; s++ {
				fmt.Fprintf(&b, "The %s of the %s shaped the %s in interview %d. ", words[(i+s)%len(words)], words[(i*3+s)%len(words)], words[(i*5+s*2)%len(words)], i+1)
			}
			if err := os.WriteFile(filepath.Join(tdir, fmt.Sprintf("note-%05d.md", i+1)), []byte(b.String()), 0o644); err != nil {
				return err
			}
		}
		paths = append(paths, tdir)
	}
	var pdfPaths []string
	if pdfs != "" {
		pdfPaths, _ = filepath.Glob(filepath.Join(pdfs, "*.pdf"))
		paths = append(paths, pdfPaths...)
	}
	if len(paths) > 0 {
		rep, err := lib.Import(ctx, paths, nil)
		if err != nil {
			return err
		}
		fmt.Printf("imported %d, updated %d, failed %d\n", len(rep.Imported), len(rep.Updated), len(rep.Failed))
		if codePages {
			coded := 0
			for _, d := range rep.Imported {
				if !contains(pdfPaths, d.File) {
					continue
				}
				for p := 1; p <= d.Pages; p++ {
					coded += codePage(ctx, lib, d.ID, p)
				}
			}
			fmt.Printf("coded %d passages and areas on the pages of %s\n", coded, pdfs)
		}
	}
	if n > 0 {
		tagged := 0
		for _, c := range codings {
			res, err := lib.Search(ctx, index.SearchRequest{Query: c.query, Limit: 6, NoSnippets: true})
			if err != nil {
				return err
			}
			for _, h := range res.Hits {
				pg, err := lib.PageText(ctx, h.DocID, h.Page)
				if err != nil {
					return err
				}
				spans, err := lib.TermBounds(ctx, c.query, pg.Text)
				if err != nil || len(spans) == 0 {
					continue
				}
				for _, s := range index.SentenceBounds(pg.Text) {
					if s.Start <= spans[0].Start && spans[0].End <= s.End {
						if _, err := lib.Tag(ctx, index.TagRequest{DocID: h.DocID, Page: h.Page, Start: s.Start, End: s.End, Themes: []string{c.theme}}); err == nil {
							tagged++
						}
						break
					}
				}
			}
		}
		fmt.Printf("coded %d sentences\n", tagged)
	}
	lib.WaitForIndex(ctx) // the index merged: the window opening it next does not merge it meanwhile
	count, _ := lib.DocumentCount(ctx)
	fmt.Printf("%s: %d documents\n", dir, count)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// codePage codes a page with two passages, the second overlapping the
// first and coded with two themes, and an area in its upper half.
func codePage(ctx context.Context, lib *index.Library, doc int64, page int) int {
	n := 0
	if pg, err := lib.PageText(ctx, doc, page); err == nil && len([]rune(pg.Text)) > 600 {
		if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc, Page: page, Start: 200, End: 400, Themes: []string{"Trust"}}); err == nil {
			n++
		}
		if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc, Page: page, Start: 350, End: 600, Themes: []string{"Collaboration", "Support"}}); err == nil {
			n++
		}
	}
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc, Page: page, Rect: &index.Rect{X1: 60, Y1: 450, X2: 300, Y2: 650}, Themes: []string{"Access to resources"}}); err == nil {
		n++
	}
	return n
}

// figureArticle is a generated two-page article whose first page holds a
// small table (ruled, in a frame) below its paragraphs.
func figureArticle() []byte {
	a := pdfgen.Article{Title: "Helpful relationships in numbers", Author: "A. Example", Columns: 1, Pages: [][]string{
		{
			"Persons with severe mental illness describe helpful relationships with professionals as relationships in which they spend time together, know each other and trust each other.",
			"Table 1 below counts how often the participants named each aspect of a helpful relationship; trust and time together come first.",
			"The professionals who were experienced as helpful went beyond their roles when it mattered, and were available when the person needed them, also outside office hours.",
		},
		{"Collaboration with professionals was central to recovery, and access to resources made a practical difference in everyday life."},
	}}
	doc := a.Doc()
	p := &doc.Pages[0]
	rows := [][2]string{{"Aspect named", "Participants"}, {"Spending time together", "31"}, {"Knowing each other", "24"}, {"Trust", "29"}, {"Access to resources", "17"}}
	y := 562.0
	for i, r := range rows {
		font := pdfgen.Helvetica
		if i == 0 {
			font = pdfgen.HelveticaBold
		}
		p.Texts = append(p.Texts, pdfgen.Text{X: 110, Y: y - float64(i)*18, Size: 10, Font: font, S: r[0]},
			pdfgen.Text{X: 300, Y: y - float64(i)*18, Size: 10, Font: font, S: r[1]})
	}
	p.Raw = "q 0.3 G 0.8 w 96 478 300 102 re S 96 554 m 396 554 l S Q\n"
	return doc.Bytes()
}
