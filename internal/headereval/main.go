// Command headereval measures header extraction — the bibliographic record
// Rapport reads from an article PDF itself (XMP, /Info, the first page's
// title block, author line, citation line and abstract) and the page
// number printed on each page — as the exact-match rate of each field:
//
//   - on generated articles with known headers (internal/pdfgen.HeaderSet:
//     one and two columns, nine citation-line styles in three places, 1–8
//     authors with accented names and particles, affiliation marks as
//     digits, symbols or none, with and without XMP, junk /Info titles,
//     covers, figure pages and supplements), field by field;
//   - on the articles of ../shared/corpus, article by article, against the
//     truth read from the PDFs (corpus.go).
//
// A field is right when it equals the truth exactly: the title, every
// author's given and family names in order, the year, the journal, the
// volume, the issue, the first page of the printed range, the DOI, the
// abstract (corpus: its first and last words), and the printed number of
// every page.
//
//	go run ./internal/headereval [-n 300] [-seed 1] [-dir ../shared/corpus] [-v]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

func main() {
	n := flag.Int("n", 300, "generated articles")
	seed := flag.Int64("seed", 1, "seed of the generated set")
	dir := flag.String("dir", "../shared/corpus", "folder of the corpus articles (skipped when absent)")
	verbose := flag.Bool("v", false, "list every wrong field")
	flag.Parse()
	ctx := context.Background()

	gen := evalGenerated(ctx, *n, *seed)
	fmt.Printf("Generated articles: %d (seed %d)\n\n", len(gen), *seed)
	printRates(os.Stdout, gen)
	if *verbose {
		printWrong(os.Stdout, gen)
	}

	if _, err := os.Stat(*dir); err != nil {
		fmt.Printf("\nCorpus: %s absent, skipped\n", *dir)
		return
	}
	corpus, err := evalCorpus(ctx, *dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "headereval:", err)
		os.Exit(1)
	}
	fmt.Printf("\nCorpus articles (%s):\n\n", *dir)
	printArticles(os.Stdout, corpus)
	printWrong(os.Stdout, corpus)
}

func printRates(w io.Writer, rs []result) {
	r := rates(rs)
	fmt.Fprintln(w, "| field | exact match |")
	fmt.Fprintln(w, "|---|---:|")
	for _, f := range fields {
		fmt.Fprintf(w, "| %s | %.1f%% |\n", f, 100*r[f])
	}
}

func printArticles(w io.Writer, rs []result) {
	fmt.Fprint(w, "| article |")
	for _, f := range fields {
		fmt.Fprintf(w, " %s |", f)
	}
	fmt.Fprint(w, "\n|---|")
	for range fields {
		fmt.Fprint(w, ":-:|")
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		fmt.Fprintf(w, "| %s |", r.name)
		for _, f := range fields {
			mark := "✗"
			if r.right[f] {
				mark = "✓"
			}
			fmt.Fprintf(w, " %s |", mark)
		}
		fmt.Fprintln(w)
	}
}

func printWrong(w io.Writer, rs []result) {
	for _, r := range rs {
		if r.err != nil {
			fmt.Fprintf(w, "%s: %v\n", r.name, r.err)
			continue
		}
		var wrong []string
		for f := range r.got {
			wrong = append(wrong, f)
		}
		sort.Strings(wrong)
		for _, f := range wrong {
			fmt.Fprintf(w, "%s: %s: got %q, want %q\n", r.name, f, r.got[f], r.want[f])
		}
	}
}
