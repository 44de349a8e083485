//go:build ignore

// mkpagedict builds the preset DEFLATE dictionary that page text is stored
// with (index/pagetext.go): the word sequences of real article text that
// save the most bytes, up to 32 KB, the most frequent last (DEFLATE's
// nearest back-references are the cheapest). It reads plain-text files,
// pages separated or not by form feeds.
//
// The dictionary of version 1 (index/pagetext-v1.dict) was built from the
// text of the open-access articles of ../shared/corpus with the seed
// abstracts and the codebook (articles are what a library holds; the
// government documents of ../shared/wild, tables and manuals, would skew
// it):
//
//	mkdir -p /tmp/dicttext
//	for f in ../shared/corpus/*.pdf; do
//		bin/rapport extract "$f" > /tmp/dicttext/$(basename "$f" .pdf).txt
//	done
//	go run scripts/mkpagedict.go -o index/pagetext-v1.dict /tmp/dicttext/*.txt ../shared/seeds/*.txt ../shared/themes.md
//
// Trained on the corpus alone, it stores the pages of ../shared/wild (text
// it never saw) in 8.6% fewer bytes, and the bench's generated articles in
// 12% fewer.
//
// A stored page names the dictionary it was compressed with: a dictionary
// once released is never changed, only a new version added beside it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	out := flag.String("o", "", "dictionary file to write")
	size := flag.Int("size", 32<<10, "dictionary size in bytes (DEFLATE's window holds 32 KB)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/mkpagedict.go -o FILE TEXT...")
		os.Exit(2)
	}
	var texts []string
	for _, path := range flag.Args() {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mkpagedict:", err)
			os.Exit(1)
		}
		texts = append(texts, string(b))
	}
	dict := build(texts, *size)
	if err := os.WriteFile(*out, dict, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mkpagedict:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d bytes from %d files\n", *out, len(dict), len(texts))
}

// build counts every sequence of one to three words (with the space before
// it), scores it by the bytes a back-reference would save each time it
// occurs, and takes the best until size bytes, leaving out any already
// inside one taken.
func build(texts []string, size int) []byte {
	counts := map[string]int{}
	for _, t := range texts {
		words := strings.Fields(t)
		for n := 1; n <= 3; n++ {
			for i := 0; i+n <= len(words); i++ {
				counts[" "+strings.Join(words[i:i+n], " ")]++
			}
		}
	}
	type candidate struct {
		s     string
		score int
	}
	var cands []candidate
	for s, c := range counts {
		if c < 3 || len(s) < 4 {
			continue
		}
		cands = append(cands, candidate{s, c * (len(s) - 3)}) // a back-reference costs about 3 bytes
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].s < cands[j].s
	})
	var chosen []string
	total := 0
	for _, c := range cands {
		if total+len(c.s) > size {
			break
		}
		inside := false
		for _, t := range chosen {
			if strings.Contains(t, c.s) {
				inside = true
				break
			}
		}
		if !inside {
			chosen = append(chosen, c.s)
			total += len(c.s)
		}
	}
	var b bytes.Buffer
	for i := len(chosen) - 1; i >= 0; i-- {
		b.WriteString(chosen[i])
	}
	return b.Bytes()
}
