package importer

import (
	"sort"
	"strconv"
	"strings"
)

// Printed page numbers: the number each page prints in its running header
// or footer ("148 A. Sundström et al.", "www.clinsci.org 305", "Page 7 of
// 10", "2/16"), with the first page's citation line ("… (2014), 26:1,
// 147–154") for a first page that prints none. The numbers read are
// aligned with the PDF's pages: a number that does not fit the sequence the
// other pages make is dropped, and a page that prints none (a cover, a
// figure page, a supplement, a first page) takes its place from its
// neighbours when they agree on it — a cover before the article's first
// page and a supplement after its last get none.

// pageNumberCand is a page number a header or footer line may print.
type pageNumberCand struct {
	value  int
	strong bool // the line is a page number ("Page 7 of 10", "2/16", "12")
	of     int  // the page count of "Page N of M" and "N/M"
}

var (
	pageOfRe      = pdfPatterns.New(`(?i)\bpage\s+(\d{1,5})\s+of\s+(\d{1,5})\b`)
	slashOfRe     = pdfPatterns.New(`(?:^|\s)(\d{1,5})\s*/\s*(\d{1,5})$`)
	loneNumberRe  = pdfPatterns.New(`(?i)^(?:page\s+|p\.\s*)?(\d{1,5})$`)
	leadNumberRe  = pdfPatterns.New(`^(\d{1,5})\s+\S`)
	trailNumberRe = pdfPatterns.New(`[\p{L}\p{So}.)\]]\s+(\d{1,5})$`)
)

// pageNumberCands reads the page numbers a page's running header and
// footer lines may print.
func pageNumberCands(header string) []pageNumberCand {
	var out []pageNumberCand
	for _, line := range strings.Split(header, "\n") {
		line = strings.TrimSpace(line)
		if strings.IndexAny(line, "0123456789") < 0 {
			continue
		}
		if m := pageOfRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			of, _ := strconv.Atoi(m[2])
			if n >= 1 && n <= of {
				out = append(out, pageNumberCand{n, true, of})
				continue
			}
		}
		if m := slashOfRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			of, _ := strconv.Atoi(m[2])
			if n >= 1 && n <= of {
				out = append(out, pageNumberCand{n, true, of})
				continue
			}
		}
		if m := loneNumberRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, pageNumberCand{n, true, 0})
			continue
		}
		if m := leadNumberRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, pageNumberCand{value: n})
		}
		if m := trailNumberRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, pageNumberCand{value: n})
		}
	}
	return out
}

// citationFromText finds the citation line in a first page's running
// header and the first paragraphs of its text (where journals print it),
// or in a "How to cite this article" paragraph.
func citationFromText(p PageText) Citation {
	var cands []string
	lines := strings.Split(p.Header, "\n")
	for i, l := range lines {
		cands = append(cands, l)
		if i+1 < len(lines) {
			cands = append(cands, l+" "+lines[i+1])
		}
	}
	paras := strings.Split(p.Text, "\n\n")
	for i, para := range paras {
		if (i < 3 || i >= len(paras)-3 || citePrefix.MatchString(para)) && len(para) < 800 {
			cands = append(cands, para)
		}
	}
	var best Citation
	for _, s := range cands {
		if c, ok := ParseCitation(s); ok && c.First > 0 && c.fields() > best.fields() {
			best = c
		}
	}
	return best
}

// PrintedPages returns the page number printed on each page ("" where the
// page prints none and its neighbours do not place it), from the pages'
// running headers and footers and the first page's citation line.
func PrintedPages(pages []PageText) []string {
	return printedPages(pages, Citation{}, 0)
}

// printedPages is PrintedPages with the printed range the file's metadata
// gives (on the article's first page, the PDF's page firstPage, 0-based)
// for when no citation line gives it.
func printedPages(pages []PageText, meta Citation, firstPage int) []string {
	if len(pages) == 0 {
		return nil
	}
	// The citation line is on the article's first page: page 1, or page 2
	// after a cover.
	for i := 0; i < min(2, len(pages)); i++ {
		if c := citationFromText(pages[i]); c.First > 0 {
			return alignPrintedPages(pages, c, i)
		}
	}
	return alignPrintedPages(pages, meta, min(firstPage, len(pages)-1))
}

// alignPrintedPages aligns the numbers pages print with the PDF's pages;
// cite is the citation line found on page citePage (0-based).
func alignPrintedPages(pages []PageText, cite Citation, citePage int) []string {
	n := len(pages)
	cands := make([][]pageNumberCand, n)
	ofStyle := 0
	for i, p := range pages {
		cands[i] = pageNumberCands(p.Header)
		for _, c := range cands[i] {
			if c.of > 0 {
				ofStyle = c.of
			}
		}
	}
	if cite.First > 0 {
		cands[citePage] = append(cands[citePage], pageNumberCand{value: cite.First, strong: true})
	}
	// Offsets (printed number − PDF page) that several pages agree on.
	support := map[int]int{}
	for i, cs := range cands {
		seen := map[int]bool{}
		for _, c := range cs {
			d := c.value - (i + 1)
			if !seen[d] {
				seen[d] = true
				support[d]++
			}
		}
	}
	values := make([]int, n) // 0: none read
	for i, cs := range cands {
		best, bestSupport, bestStrong := 0, 0, false
		for _, c := range cs {
			s := support[c.value-(i+1)]
			if s > bestSupport || s == bestSupport && c.strong && !bestStrong {
				best, bestSupport, bestStrong = c.value, s, c.strong
			}
		}
		if best > 0 && (bestSupport >= 2 || bestStrong) {
			values[i] = best
		}
	}
	keepIncreasing(values)
	out := make([]string, n)
	first, last := -1, -1
	for i, v := range values {
		if v > 0 {
			if first < 0 {
				first = i
			}
			last = i
			out[i] = strconv.Itoa(v)
		}
	}
	if first < 0 {
		return out
	}
	// Between two numbered pages: the pages in between when the numbers
	// leave room for exactly them.
	prev := first
	for i := first + 1; i <= last; i++ {
		if values[i] == 0 {
			continue
		}
		if values[i]-values[prev] == i-prev {
			for k := prev + 1; k < i; k++ {
				out[k] = strconv.Itoa(values[prev] + k - prev)
			}
		}
		prev = i
	}
	// Before the first: counting back, not below the article's first page
	// (a cover has none). A first page without a number in an article
	// numbered "Page N of M" is its page 1.
	for k := first - 1; k >= 0; k-- {
		v := values[first] - (first - k)
		if v >= 1 && (cite.First == 0 || v >= cite.First) {
			out[k] = strconv.Itoa(v)
		}
	}
	if ofStyle > 0 && values[0] == 0 {
		out[0] = "1"
	}
	// After the last: counting on, not past the article's last page (a
	// supplement has none) nor the M of "Page N of M".
	for k := last + 1; k < n; k++ {
		v := values[last] + (k - last)
		if (cite.Last == 0 || v <= cite.Last) && (ofStyle == 0 || v <= ofStyle) {
			out[k] = strconv.Itoa(v)
		} else {
			break
		}
	}
	return out
}

// keepIncreasing clears the numbers that break the longest strictly
// increasing run of the numbered pages (a year or a volume read as a page
// number).
func keepIncreasing(values []int) {
	var idx []int
	for i, v := range values {
		if v > 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return
	}
	// Longest increasing subsequence, O(n log n), by printed number.
	tails := []int{} // positions in idx
	parent := make([]int, len(idx))
	for k, i := range idx {
		v := values[i]
		j := sort.Search(len(tails), func(t int) bool { return values[idx[tails[t]]] >= v })
		if j > 0 {
			parent[k] = tails[j-1]
		} else {
			parent[k] = -1
		}
		if j == len(tails) {
			tails = append(tails, k)
		} else {
			tails[j] = k
		}
	}
	keep := map[int]bool{}
	for k := tails[len(tails)-1]; k >= 0; k = parent[k] {
		keep[idx[k]] = true
	}
	for _, i := range idx {
		if !keep[i] {
			values[i] = 0
		}
	}
}
