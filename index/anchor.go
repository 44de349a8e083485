package index

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Anchoring: finding a quote in a document's pages, and finding an
// annotation again after its document's text changed.
//
// Offsets are Unicode code points into the page's NFC text, end exclusive.
// A quote is looked for in a folded form of the text that ignores white
// space, line breaks, hyphens and dashes (so "psy- chiatric" finds
// "psychiatric"), compatibility differences (ligatures: "ﬁ" = "fi") and
// curly versus straight quotation marks; when that finds nothing, case is
// ignored as well. The span found is always the page's own text.

// contextRunes is how many code points of text before and after an
// annotation are stored as its prefix and suffix.
const contextRunes = 32

// span is a match of a quote: page and code-point offsets.
type span struct {
	page       int
	start, end int
}

// nfcRunes returns a page's text as the code points offsets count.
func nfcRunes(text string) []rune { return []rune(norm.NFC.String(text)) }

// foldedText is a page's text folded for matching, with, for every folded
// code point, the span of original code points it came from.
type foldedText struct {
	s          string // the folded text
	runeStarts []int  // byte offset in s of each folded code point
	origStart  []int
	origEnd    []int
}

// ignorable reports whether a code point plays no part in matching.
func ignorable(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || unicode.Is(unicode.Cf, r) || r == '\u2212' // minus sign
}

func foldRune(r rune) string {
	switch r {
	case '‘', '’', '‚', '‛', '′', '`', '´':
		return "'"
	case '“', '”', '„', '‟', '″', '«', '»':
		return "\""
	}
	if r < utf8.RuneSelf {
		return string(r)
	}
	return norm.NFKC.String(string(r))
}

func fold(text []rune, lower bool) foldedText {
	var f foldedText
	var b strings.Builder
	for i, r := range text {
		if ignorable(r) {
			continue
		}
		for _, fr := range foldRune(r) {
			if ignorable(fr) {
				continue
			}
			if lower {
				fr = unicode.ToLower(fr)
			}
			f.runeStarts = append(f.runeStarts, b.Len())
			b.WriteRune(fr)
			f.origStart = append(f.origStart, i)
			f.origEnd = append(f.origEnd, i+1)
		}
	}
	f.s = b.String()
	return f
}

// foldQuote folds a quote the way fold folds page text.
func foldQuote(q string, lower bool) string {
	return fold(nfcRunes(q), lower).s
}

// findAll returns the original spans of every occurrence of the folded
// needle in the folded text.
func (f foldedText) findAll(needle string) [][2]int {
	if needle == "" {
		return nil
	}
	var out [][2]int
	from := 0
	for from <= len(f.s) {
		i := strings.Index(f.s[from:], needle)
		if i < 0 {
			break
		}
		b := from + i
		first := sort.SearchInts(f.runeStarts, b)
		last := sort.SearchInts(f.runeStarts, b+len(needle)) - 1
		out = append(out, [2]int{f.origStart[first], f.origEnd[last]})
		_, size := utf8.DecodeRuneInString(f.s[b:])
		from = b + size
	}
	return out
}

// pageRunes is one page's NFC text.
type pageRunes struct {
	page int
	text []rune
}

// matchQuote finds every occurrence of quote in the pages: folded (white
// space, hyphenation, ligatures and quotation marks ignored), else folded
// ignoring case as well. The folded matches include every exact one, so an
// exact occurrence never hides another that differs only in line breaks.
func matchQuote(pages []pageRunes, quote string) []span {
	for _, lower := range []bool{false, true} {
		needle := foldQuote(quote, lower)
		if needle == "" {
			return nil
		}
		var out []span
		for _, p := range pages {
			for _, m := range fold(p.text, lower).findAll(needle) {
				out = append(out, span{page: p.page, start: m[0], end: m[1]})
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// spanContext returns the prefix and suffix stored with a span.
func spanContext(text []rune, start, end int) (prefix, suffix string) {
	return string(text[max(0, start-contextRunes):start]), string(text[end:min(len(text), end+contextRunes)])
}

// anchorTarget is what re-anchoring knows of an annotation.
type anchorTarget struct {
	quote, prefix, suffix string
	page, start           int
}

// reanchor finds an annotation again in a document's (new) pages: its
// quote, then among several occurrences the one whose surroundings best
// match the stored prefix and suffix, then the nearest to where it was.
func reanchor(pages []pageRunes, a anchorTarget) (span, bool) {
	cands := matchQuote(pages, a.quote)
	if len(cands) == 0 {
		return span{}, false
	}
	texts := map[int][]rune{}
	for _, p := range pages {
		texts[p.page] = p.text
	}
	prefix := []rune(foldQuote(a.prefix, true))
	suffix := []rune(foldQuote(a.suffix, true))
	score := func(c span) int {
		text := texts[c.page]
		before := []rune(foldQuote(string(text[max(0, c.start-2*contextRunes):c.start]), true))
		after := []rune(foldQuote(string(text[c.end:min(len(text), c.end+2*contextRunes)]), true))
		n := 0
		for i := 1; i <= len(prefix) && i <= len(before) && prefix[len(prefix)-i] == before[len(before)-i]; i++ {
			n++
		}
		for i := 0; i < len(suffix) && i < len(after) && suffix[i] == after[i]; i++ {
			n++
		}
		return n
	}
	exact := strings.TrimSpace(norm.NFC.String(a.quote))
	isExact := func(c span) bool { return string(texts[c.page][c.start:c.end]) == exact }
	distance := func(c span) int {
		d := c.start - a.start
		if d < 0 {
			d = -d
		}
		p := c.page - a.page
		if p < 0 {
			p = -p
		}
		return p*1_000_000 + d
	}
	// Best surroundings first; then the exact text over a match that
	// differs in white space or hyphenation; then the nearest to where the
	// annotation was.
	better := func(c, b span, cs, bs int) bool {
		if cs != bs {
			return cs > bs
		}
		if ce, be := isExact(c), isExact(b); ce != be {
			return ce
		}
		return distance(c) < distance(b)
	}
	best := cands[0]
	bestScore := score(best)
	for _, c := range cands[1:] {
		if s := score(c); better(c, best, s, bestScore) {
			best, bestScore = c, s
		}
	}
	return best, true
}

// loadPageRunes reads a document's pages as NFC code points.
func loadPageRunes(ctx context.Context, q queryer, docID int64) ([]pageRunes, error) {
	rows, err := q.QueryContext(ctx, "SELECT page, text_z FROM pages WHERE doc_id = ? ORDER BY page", docID)
	if err != nil {
		return nil, fmt.Errorf("pages of document %d: %w", docID, err)
	}
	defer rows.Close()
	var out []pageRunes
	for rows.Next() {
		var p pageRunes
		var text storedText
		if err := rows.Scan(&p.page, &text); err != nil {
			return nil, fmt.Errorf("pages of document %d: %w", docID, err)
		}
		p.text = nfcRunes(text.String)
		out = append(out, p)
	}
	return out, rows.Err()
}

// ReanchorResult counts what re-anchoring a document's annotations did.
type ReanchorResult struct {
	Unchanged int `json:"unchanged"` // still where they were
	Moved     int `json:"moved"`     // found again elsewhere
	Orphaned  int `json:"orphaned"`  // not found: kept, flagged orphaned
}

// reanchorDocument anchors every annotation of a document to its current
// pages inside tx. An annotation whose quote is no longer found is kept,
// with its last offsets and quote, and flagged orphaned; one found again is
// no longer orphaned.
func reanchorDocument(ctx context.Context, tx *sql.Tx, docID int64) (ReanchorResult, error) {
	var res ReanchorResult
	// Areas are rectangles of the page, not of its text: they stay.
	var areas int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM annotations WHERE doc_id = ? AND kind = 'area'", docID).Scan(&areas); err != nil {
		return res, err
	}
	res.Unchanged += areas
	ids, err := txIDs(ctx, tx, "SELECT id FROM annotations WHERE doc_id = ? AND kind <> 'area' ORDER BY id", docID)
	if err != nil {
		return res, err
	}
	pages, err := loadPageRunes(ctx, tx, docID)
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		outcome, err := reanchorOne(ctx, tx, id, pages, true)
		if err != nil {
			return res, err
		}
		switch outcome {
		case anchorUnchanged:
			res.Unchanged++
		case anchorMoved:
			res.Moved++
		default:
			res.Orphaned++
		}
	}
	return res, nil
}

type anchorOutcome int

const (
	anchorUnchanged anchorOutcome = iota
	anchorMoved
	anchorOrphaned
)

// reanchorOne checks one annotation against its document's pages and
// moves or orphans it as needed. With search false, an annotation whose
// stored span still holds its quote is left alone without looking for a
// better place.
func reanchorOne(ctx context.Context, tx *sql.Tx, id int64, pages []pageRunes, search bool) (anchorOutcome, error) {
	var a anchorTarget
	var end int
	var orphaned bool
	err := tx.QueryRowContext(ctx, "SELECT quote, prefix, suffix, page, start, end, orphaned FROM annotations WHERE id = ?", id).
		Scan(&a.quote, &a.prefix, &a.suffix, &a.page, &a.start, &end, &orphaned)
	if err != nil {
		return 0, fmt.Errorf("annotation %d: %w", id, err)
	}
	// Where it was, with the same text and surroundings: nothing to do.
	for _, p := range pages {
		if p.page != a.page || a.start < 0 || end > len(p.text) || a.start > end {
			continue
		}
		if string(p.text[a.start:end]) == a.quote {
			pre, suf := spanContext(p.text, a.start, end)
			if !search || (pre == a.prefix && suf == a.suffix) {
				if orphaned {
					_, err := tx.ExecContext(ctx, "UPDATE annotations SET orphaned = 0 WHERE id = ?", id)
					return anchorMoved, err
				}
				return anchorUnchanged, nil
			}
		}
	}
	found, ok := reanchor(pages, a)
	if !ok {
		if !orphaned {
			if _, err := tx.ExecContext(ctx, "UPDATE annotations SET orphaned = 1, updated_at = ? WHERE id = ?", now(), id); err != nil {
				return 0, err
			}
		}
		return anchorOrphaned, nil
	}
	var text []rune
	for _, p := range pages {
		if p.page == found.page {
			text = p.text
		}
	}
	pre, suf := spanContext(text, found.start, found.end)
	quote := string(text[found.start:found.end])
	if found.page == a.page && found.start == a.start && found.end == end && quote == a.quote && !orphaned {
		if pre != a.prefix || suf != a.suffix {
			_, err := tx.ExecContext(ctx, "UPDATE annotations SET prefix = ?, suffix = ? WHERE id = ?", pre, suf, id)
			return anchorUnchanged, err
		}
		return anchorUnchanged, nil
	}
	_, err = tx.ExecContext(ctx, "UPDATE annotations SET page = ?, start = ?, end = ?, quote = ?, prefix = ?, suffix = ?, orphaned = 0, updated_at = ? WHERE id = ?",
		found.page, found.start, found.end, quote, pre, suf, now(), id)
	return anchorMoved, err
}

// reanchorIfMoved re-anchors annotations whose stored span no longer holds
// their quote (rows written back by undo or redo after their document was
// re-extracted).
func reanchorIfMoved(ctx context.Context, tx *sql.Tx, ids []int64) error {
	byDoc := map[int64][]pageRunes{}
	for _, id := range ids {
		var doc int64
		var kind string
		if err := tx.QueryRowContext(ctx, "SELECT doc_id, kind FROM annotations WHERE id = ?", id).Scan(&doc, &kind); err != nil {
			continue // deleted again later in the same step
		}
		if kind == KindArea {
			continue // a rectangle of the page: nothing to find again
		}
		pages, ok := byDoc[doc]
		if !ok {
			var err error
			if pages, err = loadPageRunes(ctx, tx, doc); err != nil {
				return err
			}
			byDoc[doc] = pages
		}
		if _, err := reanchorOne(ctx, tx, id, pages, false); err != nil {
			return err
		}
	}
	return nil
}

// CheckCoding verifies the coding against the text it marks: every
// annotation not flagged orphaned holds its quote at its offsets, carries
// at least one theme, and the codebook's tree has no cycle. It returns the
// problems found (none: an empty list); it changes nothing.
func (l *Library) CheckCoding(ctx context.Context) ([]string, error) {
	problems := []string{}
	rows, err := l.db.QueryContext(ctx, `SELECT a.id, a.doc_id, a.page, a.start, a.end, a.quote, a.orphaned,
	(SELECT COUNT(*) FROM annotation_themes at WHERE at.annotation_id = a.id), p.text_z,
	a.kind, a.rect_x1, a.rect_y1, a.rect_x2, a.rect_y2
FROM annotations a LEFT JOIN pages p ON p.doc_id = a.doc_id AND p.page = a.page ORDER BY a.id`)
	if err != nil {
		return nil, fmt.Errorf("check coding: %w", err)
	}
	for rows.Next() {
		var id, doc int64
		var page, start, end, themes int
		var quote string
		var orphaned bool
		var stored []byte // NULL: no such page
		var kind string
		var r Rect
		if err := rows.Scan(&id, &doc, &page, &start, &end, &quote, &orphaned, &themes, &stored, &kind, &r.X1, &r.Y1, &r.X2, &r.Y2); err != nil {
			rows.Close()
			return nil, fmt.Errorf("check coding: %w", err)
		}
		if themes == 0 {
			problems = append(problems, fmt.Sprintf("annotation %d has no theme", id))
		}
		if kind == KindArea {
			// A rectangle of the page: it needs a page, not its text.
			if stored == nil {
				problems = append(problems, fmt.Sprintf("area annotation %d points to page %d, which document %d does not have", id, page, doc))
			} else if !(r.X2 > r.X1 && r.Y2 > r.Y1) {
				problems = append(problems, fmt.Sprintf("area annotation %d has no area (%s)", id, r))
			}
			continue
		}
		if orphaned {
			continue
		}
		if stored == nil {
			problems = append(problems, fmt.Sprintf("annotation %d points to page %d, which document %d does not have", id, page, doc))
			continue
		}
		text, err := decompressPageText(stored)
		if err != nil {
			problems = append(problems, fmt.Sprintf("annotation %d: document %d page %d: %v", id, doc, page, err))
			continue
		}
		rs := nfcRunes(text)
		if start < 0 || end > len(rs) || start >= end || string(rs[start:end]) != quote {
			problems = append(problems, fmt.Sprintf("annotation %d: document %d page %d does not hold its quote at %d–%d", id, doc, page, start, end))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check coding: %w", err)
	}
	parents := map[int64]int64{}
	prow, err := l.db.QueryContext(ctx, "SELECT id, COALESCE(parent_id, 0) FROM themes")
	if err != nil {
		return nil, fmt.Errorf("check coding: %w", err)
	}
	for prow.Next() {
		var id, parent int64
		prow.Scan(&id, &parent)
		parents[id] = parent
	}
	prow.Close()
	for id := range parents {
		seen := map[int64]bool{}
		for p := id; p != 0; p = parents[p] {
			if seen[p] {
				problems = append(problems, fmt.Sprintf("theme %d lies in a cycle of parents", id))
				break
			}
			seen[p] = true
		}
	}
	sort.Strings(problems)
	return problems, nil
}
