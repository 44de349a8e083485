package index

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// What autocoding leaves out unless asked: reference lists (a search for a
// theme's word finds it in the titles of cited works) and running headers
// or footers that the extraction left in the page text.

type leftOutKind int

const (
	notLeftOut leftOutKind = iota
	inReferences
	inHeader
)

// leftOutRegion is a span of a page's NFC text, in code points.
type leftOutRegion struct {
	start, end int
	kind       leftOutKind
}

// leftOut tells whether a unit lies in a reference list (it overlaps one)
// or in a running header (it lies within one).
func leftOut(regions []leftOutRegion, u unitSpan) leftOutKind {
	for _, r := range regions {
		switch {
		case r.kind == inReferences && u.start < r.end && r.start < u.end:
			return inReferences
		case r.kind == inHeader && r.start <= u.start && u.end <= r.end:
			return inHeader
		}
	}
	return notLeftOut
}

// leftOutRegions finds, per page, the reference lists and the running
// headers of a document whose pages' NFC text is pages.
func leftOutRegions(ctx context.Context, q queryer, docID int64, pages []pageRunes) (map[int][]leftOutRegion, error) {
	headers, err := headerLines(ctx, q, docID)
	if err != nil {
		return nil, err
	}
	out := map[int][]leftOutRegion{}
	for page, rs := range referenceRegions(pages) {
		out[page] = append(out[page], rs...)
	}
	for page, rs := range runningHeaders(pages, headers) {
		out[page] = append(out[page], rs...)
	}
	return out, nil
}

// headerLines returns the keys (lineKey) of the lines the extraction kept
// out of a document's page text as running headers and footers.
func headerLines(ctx context.Context, q queryer, docID int64) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT header FROM pages WHERE doc_id = ? AND header <> ''", docID)
	if err != nil {
		return nil, fmt.Errorf("headers of document %d: %w", docID, err)
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		for _, line := range strings.Split(h, "\n") {
			if k := lineKey([]rune(line)); k != "" {
				keys[k] = true
			}
		}
	}
	return keys, rows.Err()
}

var (
	// referencesHeadingRE is a paragraph that is a reference list's heading
	// (as importer's DOI detection knows them).
	referencesHeadingRE = lazyre.New(`(?i)^(?:\d+\.?\s*)?(references|reference list|bibliography|literature cited|works cited|cited literature|literatur|referenser|références|referencias)\s*:?$`)
	// afterReferencesRE is the heading of a section that may follow a
	// reference list.
	afterReferencesRE = lazyre.New(`(?i)^(?:[A-Z]?\d*\.?\s*)?(appendix|appendices|supplementary|supporting information|tables?|figures?|figure legends|figure captions|acknowledge?ments?|funding|author contributions|conflicts? of interest|competing interests|abbreviations|notes|endnotes)\b.{0,60}$`)
	refYearRE         = lazyre.New(`(?:^|[^\d])(1[6-9]|20)\d\d[a-z]?(?:[^\d]|$)`)
	refMarkerRE       = lazyre.New(`^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)]?\s)`)
	// Smith, J. R. | J. R. Smith | Smith JR, (Vancouver)
	refAuthorRE = lazyre.New(`\p{Lu}[\p{L}'’-]+,\s*(?:\p{Lu}\.\s*-?)+|(?:\p{Lu}\.\s*-?)+\s*\p{Lu}[\p{L}'’-]+|\p{Lu}[\p{L}'’-]+ \p{Lu}{1,3}[,.]`)
	refLinkRE   = lazyre.New(`(?i)^\S*(?:doi|https?://|www\.)\S*$`)
	// "(2009)." or "(2009a)," right after the authors, as APA puts it.
	refParenYearRE = lazyre.New(`^[^()]{2,300}\((?:1[6-9]|20)\d\d[a-z]?\)[.,:]`)
)

// looksLikeReference tells whether a paragraph reads like an entry of a
// reference list: a year with a list marker or author names with
// initials, or a link alone.
func looksLikeReference(p string) bool {
	p = strings.TrimSpace(p)
	if refLinkRE.MatchString(p) {
		return true
	}
	if !refYearRE.MatchString(p) {
		return false
	}
	return refMarkerRE.MatchString(p) || refAuthorRE.MatchString(p) || refParenYearRE.MatchString(p)
}

// referenceRegions finds the reference lists of a document: from a
// reference-list heading, the paragraphs that read like entries, with
// what stands between two of them (an entry broken in two); the list ends
// at the heading of another section, or at three paragraphs in a row that
// are no entries.
func referenceRegions(pages []pageRunes) map[int][]leftOutRegion {
	out := map[int][]leftOutRegion{}
	inRefs := false
	type para struct {
		page       int
		start, end int
	}
	var pending []para // paragraphs since the last entry that are not entries
	for _, p := range pages {
		text := string(p.text)
		for _, b := range ParagraphBounds(text) {
			pt := strings.TrimSpace(string(p.text[b.Start:b.End]))
			here := para{p.page, b.Start, b.End}
			switch {
			case referencesHeadingRE.MatchString(pt):
				inRefs, pending = true, nil
				out[p.page] = append(out[p.page], leftOutRegion{b.Start, b.End, inReferences})
			case !inRefs:
			case afterReferencesRE.MatchString(pt) && !looksLikeReference(pt):
				inRefs, pending = false, nil
			case looksLikeReference(pt):
				for _, q := range pending {
					out[q.page] = append(out[q.page], leftOutRegion{q.start, q.end, inReferences})
				}
				pending = nil
				out[p.page] = append(out[p.page], leftOutRegion{b.Start, b.End, inReferences})
			default:
				pending = append(pending, here)
				if len(pending) >= 3 {
					inRefs, pending = false, nil
				}
			}
		}
	}
	return out
}

// runningHeaders finds running headers and footers left in the page text:
// lines (digits aside) that the extraction found to be one on other pages
// (headers), or that stand on at least three pages and on at least half of
// them.
func runningHeaders(pages []pageRunes, headers map[string]bool) map[int][]leftOutRegion {
	out := map[int][]leftOutRegion{}
	type line struct {
		page, start, end int
		key              string
	}
	var lines []line
	onPages := map[string]map[int]bool{}
	for _, p := range pages {
		start := 0
		for i := 0; i <= len(p.text); i++ {
			if i < len(p.text) && p.text[i] != '\n' {
				continue
			}
			if key := lineKey(p.text[start:i]); key != "" {
				lines = append(lines, line{p.page, start, i, key})
				if onPages[key] == nil {
					onPages[key] = map[int]bool{}
				}
				onPages[key][p.page] = true
			}
			start = i + 1
		}
	}
	for _, l := range lines {
		if n := len(onPages[l.key]); headers[l.key] || n >= 3 && 2*n >= len(pages) {
			out[l.page] = append(out[l.page], leftOutRegion{l.start, l.end, inHeader})
		}
	}
	return out
}

// lineKey is a line as running headers repeat it: lower case, digits
// (page numbers) and spacing aside; "" for a line too short or too long to
// be one.
func lineKey(rs []rune) string {
	var b strings.Builder
	letters := 0
	for _, r := range rs {
		switch {
		case unicode.IsDigit(r):
			continue
		case unicode.IsSpace(r):
			if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
		default:
			if unicode.IsLetter(r) {
				letters++
			}
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if letters < 4 || len(rs) > 200 {
		return ""
	}
	return strings.TrimSpace(b.String())
}
