//go:build ignore

// mklibrary builds a library for screenshots and for trying the window at
// scale: the demo library (seed texts with example annotations), synthetic
// article PDFs with their BibTeX metadata (the bench generator, cached
// under -work), sentences around search hits coded with themes, and
// optionally many small text sources.
//
//	go run scripts/mklibrary.go -dir /tmp/lib -n 40
//	go run scripts/mklibrary.go -dir /tmp/big -n 0 -texts 2000 -demo=false
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
)

func main() {
	dir := flag.String("dir", "", "library folder to create (must be empty or absent)")
	n := flag.Int("n", 40, "synthetic article PDFs (bench generator)")
	texts := flag.Int("texts", 0, "extra one-page text sources")
	demo := flag.Bool("demo", true, "include the demo library's sources and annotations")
	work := flag.String("work", "bench/work", "cache folder of the bench generator")
	flag.Parse()
	if err := run(*dir, *n, *texts, *demo, *work); err != nil {
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

func run(dir string, n, texts int, demo bool, work string) error {
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
	if len(paths) > 0 {
		rep, err := lib.Import(ctx, paths, nil)
		if err != nil {
			return err
		}
		fmt.Printf("imported %d, updated %d, failed %d\n", len(rep.Imported), len(rep.Updated), len(rep.Failed))
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
	count, _ := lib.DocumentCount(ctx)
	fmt.Printf("%s: %d documents\n", dir, count)
	return nil
}
