package importer

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// Header extraction: the bibliographic record an article prints on its
// first page, read from the page's layout as GROBID and CERMINE read it —
// the title block (the largest type in the upper part of the page), the
// author line under it (names separated by commas, "and" or raised
// affiliation marks), the journal's citation line (in the running header,
// above the title, at the foot of the page or after "How to cite this
// article"), and the abstract.

// Provenances of metadata fields: where a field's value came from.
const (
	SourceXMP    = "xmp"    // the PDF's XMP metadata stream
	SourceInfo   = "info"   // the PDF's /Info dictionary
	SourcePage1  = "page1"  // the article's first page
	SourceRecord = "record" // a metadata record (BibTeX, RIS, CSL-JSON, ...)
	SourceUser   = "user"   // set by hand
)

// pageHeader is what the first page says about the article, each field
// from SourcePage1.
type pageHeader struct {
	Metadata
	citation Citation
}

// readPageHeader reads the record printed on page 1 (lay), with pages for
// the running headers and the page text.
func readPageHeader(lay *pageLayout, vocab *vocabulary, pages []PageText, doi string) pageHeader {
	var h pageHeader
	if lay == nil || len(pages) == 0 {
		return h
	}
	title := titleBlock(lay)
	if len(title) > 0 {
		t := strings.Join(strings.Fields(vocab.paragraphText(title).s), " ")
		if PlausibleTitle(t) {
			h.Title = norm.NFC.String(t)
		}
	}
	h.Authors = authorsBelow(lay, title)
	titleY := math.Inf(1)
	if len(title) > 0 {
		titleY = title[0].y
	}
	h.citation = findCitation(lay, pages, h.Title, titleY)
	c := h.citation
	h.Journal, h.Volume, h.Issue, h.Pages, h.Year = c.Journal, c.Volume, c.Issue, c.Pages(), c.Year
	if h.Year == 0 {
		h.Year = yearFromPage(pages[0])
	}
	h.Abstract = abstractOf(pages[0].Text)
	h.DOI = NormalizeDOI(doi)
	return h
}

// titleBlock returns the lines of the title on page 1: the lines set in the
// largest type in the upper part of the page, one after the other (trying
// smaller sizes when the largest is a logo, an article-type label or a
// single word).
func titleBlock(lay *pageLayout) []*fragment {
	var fs []*fragment
	for _, f := range lay.frags {
		if f.rot == 0 && !f.header && f.y > lay.bot+0.35*lay.height {
			fs = append(fs, f)
		}
	}
	var sizes []float64
	for _, f := range fs {
		s := math.Round(f.size*2) / 2
		dup := false
		for _, t := range sizes {
			if math.Abs(t-s) < 0.6 {
				dup = true
			}
		}
		if !dup {
			sizes = append(sizes, s)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sizes)))
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].y != fs[j].y {
			return fs[i].y > fs[j].y
		}
		return fs[i].x0 < fs[j].x0
	})
	for k, s := range sizes {
		if k >= 4 {
			break
		}
		var group []*fragment
		for _, f := range fs {
			if math.Abs(f.size-s) > 0.6 || articleType.MatchString(strings.TrimSpace(f.text)) {
				continue
			}
			if len(group) > 0 {
				last := group[len(group)-1]
				if last.y-f.y > 2.2*s {
					break
				}
			}
			group = append(group, f)
		}
		if len(group) == 0 {
			continue
		}
		var words []string
		for _, f := range group {
			words = append(words, strings.Fields(f.text)...)
		}
		if t := strings.Join(words, " "); PlausibleTitle(t) && len(words) >= 3 {
			return group
		}
	}
	return nil
}

// authorsBelow reads the author line(s) under the title: the first lines
// below it, over the same stretch of the page, that read as a list of
// personal names, with the lines in the same type that follow them.
func authorsBelow(lay *pageLayout, title []*fragment) []Author {
	if len(title) == 0 {
		return nil
	}
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, f := range title {
		x0, x1 = math.Min(x0, f.x0), math.Max(x1, f.x1)
	}
	bottom := title[len(title)-1]
	var below []*fragment
	for _, f := range lay.frags {
		if f.rot != 0 || f.header || f.y >= bottom.y-0.5*f.size || bottom.y-f.y > 12*bottom.size {
			continue
		}
		if f.x1 < x0-60 || f.x0 > x1+60 {
			continue
		}
		below = append(below, f)
	}
	sort.SliceStable(below, func(i, j int) bool {
		if below[i].y != below[j].y {
			return below[i].y > below[j].y
		}
		return below[i].x0 < below[j].x0
	})
	for i, f := range below {
		if i >= 6 {
			break
		}
		lines := []*fragment{f}
		if _, ok := parseAuthorLines(lines); !ok {
			continue
		}
		// The lines in the same type right under it go on with the list.
		for _, g := range below[i+1:] {
			last := lines[len(lines)-1]
			if math.Abs(g.size-f.size) > 0.3 || last.y-g.y > 2*f.size || raisedMarkStart(g) {
				break
			}
			if _, ok := parseAuthorLines([]*fragment{g}); !ok {
				break
			}
			lines = append(lines, g)
		}
		authors, _ := parseAuthorLines(lines)
		return authors
	}
	return nil
}

// findCitation looks for the journal's citation line: in page 1's running
// header and footer, in the lines above its title and at its foot, in a
// "How to cite this article" paragraph, then in page 2's running header.
// The line that says the most wins; lines naming the same journal fill in
// what it leaves out. titleY is the baseline of the title's first line.
func findCitation(lay *pageLayout, pages []PageText, title string, titleY float64) Citation {
	var cands []string
	addLines := func(lines []string) {
		for i, l := range lines {
			cands = append(cands, l)
			if i+1 < len(lines) {
				cands = append(cands, l+" "+lines[i+1])
			}
		}
	}
	addLines(strings.Split(pages[0].Header, "\n"))
	// Lines of page 1 outside the body: above the title, at the foot.
	var edge []*fragment
	for _, f := range lay.frags {
		if f.rot == 0 && !f.header && (f.y > titleY+1 || f.y < lay.bot+0.2*lay.height) {
			edge = append(edge, f)
		}
	}
	sort.SliceStable(edge, func(i, j int) bool {
		if edge[i].y != edge[j].y {
			return edge[i].y > edge[j].y
		}
		return edge[i].x0 < edge[j].x0
	})
	// Each line, and each line with the next when it sits right under it
	// (a citation line set over two lines).
	for i, f := range edge {
		cands = append(cands, f.text)
		if i+1 < len(edge) && f.y-edge[i+1].y < 2*f.size {
			cands = append(cands, f.text+" "+edge[i+1].text)
		}
	}
	for _, p := range strings.Split(pages[0].Text, "\n\n") {
		if citePrefix.MatchString(p) && len(p) < 600 {
			cands = append(cands, p)
		}
	}
	page2 := len(cands)
	if len(pages) > 1 {
		addLines(strings.Split(pages[1].Header, "\n"))
	}
	var found []Citation
	best, bestScore := -1, 0
	titleKey := NormalizeTitle(title)
	for i, s := range cands {
		c, ok := parseCitationAfterTitle(s, titleKey)
		if !ok {
			continue
		}
		score := c.fields() * 2
		if c.First > 0 {
			score++
		}
		if i >= page2 {
			score-- // a running head abbreviates
		}
		found = append(found, c)
		if score > bestScore {
			best, bestScore = len(found)-1, score
		}
	}
	if best < 0 {
		return Citation{}
	}
	c := found[best]
	key := NormalizeTitle(c.Journal)
	for _, o := range found {
		if NormalizeTitle(o.Journal) != key {
			continue
		}
		if c.Year == 0 {
			c.Year = o.Year
		}
		if c.Volume == "" {
			c.Volume = o.Volume
		}
		if c.Issue == "" && o.Volume == c.Volume {
			c.Issue = o.Issue
		}
		if c.First == 0 && c.Article == "" {
			c.First, c.Last = o.First, o.Last
		}
		if c.Article == "" && c.First == 0 {
			c.Article = o.Article
		}
	}
	return c
}

// parseCitationAfterTitle parses a citation line that may quote the
// article's title (titleKey, its NormalizeTitle) before the journal ("Webb
// et al. (2017), VESPA: … Analyses. PeerJ Comput. Sci. 3:e118").
func parseCitationAfterTitle(s, titleKey string) (Citation, bool) {
	key := titleKey
	if key != "" && len(s) > len(key) && strings.IndexAny(s, "0123456789") >= 0 {
		words := strings.Fields(s)
		if k := NormalizeTitle(s); strings.Contains(k, key) {
			// The normalized prefix of i words, built word by word: a
			// title's normalization is its words' normalizations joined
			// by single spaces (normalizing each prefix again made the
			// search quadratic in the line's words).
			var prefix strings.Builder
			for i := 1; i < len(words); i++ {
				if w := NormalizeTitle(words[i-1]); w != "" {
					if prefix.Len() > 0 {
						prefix.WriteByte(' ')
					}
					prefix.WriteString(w)
				}
				if strings.HasSuffix(prefix.String(), key) {
					rest := strings.TrimLeft(strings.Join(words[i:], " "), ".,;: ")
					prefix := strings.Join(words[:i], " ")
					c, ok := ParseCitation(rest)
					if ok && c.Year == 0 {
						if m := etAlPrefix.FindStringSubmatch(citePrefix.ReplaceAllString(prefix, "")); m != nil && m[1] != "" {
							c.Year, _ = strconv.Atoi(m[1])
						} else if y := yearParen.FindStringSubmatch(prefix); y != nil {
							c.Year, _ = strconv.Atoi(y[1])
						}
					}
					return c, ok
				}
			}
		}
	}
	return ParseCitation(s)
}

var (
	yearParen     = lazyre.New(`\(((?:1[89]|20)\d\d)[a-z]?\)`)
	copyrightYear = pdfPatterns.New(`(?i)(?:©|\(c\)|copyright)\s*(?:©\s*)?((?:19|20)\d\d)\b`)
	publishedYear = pdfPatterns.New(`(?i)\b(?:published(?: online)?|accepted|available online)\s*:?\s*(?:\d{1,2}\s+)?(?:[a-z]+\.?\s+)?(?:\d{1,2},?\s+)?((?:19|20)\d\d)\b`)
)

// yearFromPage dates an article from its first page when no citation line
// does: the copyright year, else the year it was published or accepted.
func yearFromPage(p PageText) int {
	s := p.Header + "\n" + p.Text
	if m := copyrightYear.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	if m := publishedYear.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return 0
}

var (
	abstractHeading = pdfPatterns.New(`^(?i:abstract|summary|a b s t r a c t)\s*[:.]?$`)
	abstractInline  = pdfPatterns.New(`^(?:Abstract|ABSTRACT|Summary|SUMMARY)\s*[:.—–-]?\s+`)
	// Paragraphs that end an abstract.
	// Keywords set right under the abstract can end its paragraph.
	keywordsInside = pdfPatterns.New(`[.!?]\s+(?:Key ?words|KEY ?WORDS|Key-words|Index Terms)\s*[:.—–-]\s`)
	abstractEnd    = pdfPatterns.New(`^(?i:key ?words?|key-words|index terms|subjects|introduction|background$|abbreviations|correspondence|\*\s*correspondence|received|accepted|copyright|©|how to cite|citation|jel|ams subject|mesh|trial registration|\d+\.?\s+[A-Z])`)
	// Labels of a structured abstract without an "Abstract" heading.
	structuredStart = pdfPatterns.New(`^(?:Objectives?|Background|Purpose|Aims?|Introduction|Context|Rationale)\s*[.:]\s+\S`)
)

// abstractOf finds the abstract in a first page's text: the paragraphs
// after an "Abstract" heading (or starting with "Abstract:"), or a
// structured abstract starting with "Objectives." or "Background:", up to
// the keywords, the introduction or another heading.
func abstractOf(text string) string {
	paras := strings.Split(text, "\n\n")
	start := -1
	var first string
	for i, p := range paras {
		p = strings.TrimSpace(p)
		if abstractHeading.MatchString(p) {
			start = i + 1
			break
		}
		if m := abstractInline.FindString(p); m != "" {
			start, first = i+1, strings.TrimSpace(p[len(m):])
			break
		}
	}
	if start < 0 {
		for i, p := range paras {
			if structuredStart.MatchString(strings.TrimSpace(p)) {
				start, first = i+1, strings.TrimSpace(p)
				break
			}
		}
	}
	if start < 0 {
		return ""
	}
	var out []string
	if first != "" {
		if loc := keywordsInside.FindStringIndex(first); loc != nil {
			return first[:loc[0]+1]
		}
		out = append(out, first)
	}
	for _, p := range paras[start:] {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if abstractEnd.MatchString(p) || len(out) > 0 && isHeadingLike(p) {
			break
		}
		cut := false
		if loc := keywordsInside.FindStringIndex(p); loc != nil {
			p, cut = p[:loc[0]+1], true
		}
		if n := len(out); n > 0 && continuesAbstract(out[n-1], p) {
			out[n-1] += " " + p
		} else {
			out = append(out, p)
		}
		if cut || len(out) > 12 {
			break
		}
	}
	return strings.Join(out, "\n\n")
}

// isHeadingLike reports whether a paragraph is a heading: a few words with
// no sentence end, or a line in capitals.
func isHeadingLike(p string) bool {
	words := strings.Fields(p)
	if len(words) == 0 || len(words) > 6 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(p)
	if strings.ContainsRune(".!?:", last) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(p)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// continuesAbstract reports whether next goes on with prev's sentence (a
// paragraph cut by a stray line).
func continuesAbstract(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	if strings.ContainsRune(".!?", last) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(next, "−-–— "))
	return unicode.IsLower(r)
}
