package importer

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Layout analysis: glyphs → words → lines → line fragments (split at column
// gutters) → blocks → reading order → paragraphs.
//
// Text conventions (stable for one ExtractorVersion):
//   - words on a line are separated by one space;
//   - the lines of a paragraph are joined by one space (a line-end hyphen
//     that splits a word is removed and the halves joined);
//   - paragraphs and blocks are separated by a blank line ("\n\n").

// Tunable thresholds, as fractions of the font size (em).
const (
	wordGapEm     = 0.13 // a gap wider than this between glyphs separates words
	columnGapEm   = 0.8  // a gap at least this wide may be a column gutter
	riverSupport  = 3    // lines sharing a gutter position needed to split at it
	gutterWindow  = 12   // lines above and below looked at for a gutter
	minColumnEm   = 5    // text columns are at least this wide (median)
	blockLeadEm   = 1.9  // max baseline distance between lines of one block
	sameBaseEm    = 0.22 // baselines closer than this are the same line
	maxWordsPerPg = 200_000
	// Pages with more blocks than this are ordered simply (see orderBlocks).
	maxOrderedBlocks = 400
)

type word struct {
	text string
	src  []int32 // per byte of text, its glyph (see ttext); nil when not tracing
	// glyphStarts holds the byte offsets in text where each glyph's text
	// starts, for words with right-to-left letters (see logicalOrder).
	glyphStarts []int32
	x0, x1, y   float64
	size        float64
	rot         uint8
	spaceBefore bool   // a space glyph preceded it in the content stream
	bold        bool   // most of its glyphs are set in a bold face
	italic      bool   // its first glyph is set in an italic face
	face        uint32 // the face its first glyph is set in (pdfFont.face)
	// afterMark: a glyph with no text (a bullet in a symbol font without a
	// Unicode mapping) stands just before it on its baseline.
	afterMark bool
}

type fragment struct {
	words  []word
	x0, x1 float64
	y      float64
	size   float64
	rot    uint8
	text   string
	src    []int32 // per byte of text, its glyph (see ttext); nil when not tracing
	header bool
	// continues: the line above ends with a hyphen after a letter, so this
	// line's first word may be the rest of a broken word.
	continues bool
}

func (f *fragment) top() float64    { return f.y + 0.75*f.size }
func (f *fragment) bottom() float64 { return f.y - 0.25*f.size }

// buildWords joins glyphs, in content-stream order, into words by their
// gaps. With trace, each word records the glyph of each of its bytes.
func buildWords(glyphs []glyph, trace bool) []word {
	return buildWordsInto(nil, glyphs, trace)
}

// wordScratch holds the slices buildWordsInto fills for newPageLayout,
// which needs a page's words only until buildLines has copied them into
// lines: one slice serves page after page.
var wordScratch = sync.Pool{New: func() any { return new([]word) }}

// buildWordsInto is buildWords appending to buf[:0] (a new slice when buf
// has too little room).
func buildWordsInto(buf []word, glyphs []glyph, trace bool) []word {
	// A word takes five or six glyphs with its space: room for that up
	// front spares growing and copying the slice.
	words := buf[:0]
	if want := min(len(glyphs)/5+8, maxWordsPerPg); cap(words) < want {
		words = make([]word, 0, want)
	}
	// cur points to building, the word being built (nil between words):
	// one word reused, as flush copies it into words, rather than one
	// allocated per word.
	var building word
	var cur *word
	var sb strings.Builder
	var src []int32
	var starts []int32 // glyph starts of the word being built (scratch)
	rtl := false       // the word has bytes of right-to-left blocks
	// write adds glyph i's text s to the word being built.
	write := func(s string, i int) {
		if !rtl {
			if c := s[0]; c >= 0xD6 && c <= 0xDF || c == 0xEF {
				// The word's glyph starts are kept from its first byte of
				// a right-to-left block on (before it: one per character).
				rtl = true
				starts = starts[:0]
				for k := range sb.String() {
					starts = append(starts, int32(k))
				}
			}
		}
		if rtl {
			starts = append(starts, int32(sb.Len()))
		}
		sb.WriteString(s)
		if trace {
			for range len(s) {
				src = append(src, int32(i))
			}
		}
	}
	var last *glyph // the last glyph written into cur
	sawSpace := false
	// The sizes of cur's glyphs, with counts: a word's size is the one most
	// of the glyphs on its baseline are set in (the larger on a tie), so
	// that a hyphen or a "p" from the full-size font in a word of small
	// capitals ("DEMENTIA-FREE", "p-VALUE") does not make the word, and its
	// line, bigger than the small capitals of the lines above it. maxSize,
	// the largest, measures the gaps while the word is built.
	var sizes [4]struct {
		size float64
		n    int
	}
	nSizes := 0
	maxSize := 0.0
	nBold, nGlyphs := 0, 0
	flush := func() {
		if cur != nil {
			cur.bold = nBold*2 > nGlyphs
			nBold, nGlyphs = 0, 0
			best := 0
			for k := 1; k < nSizes; k++ {
				if sizes[k].n > sizes[best].n || sizes[k].n == sizes[best].n && sizes[k].size > sizes[best].size {
					best = k
				}
			}
			if nSizes > 0 {
				cur.size = sizes[best].size
			}
			nSizes, maxSize = 0, 0
			cur.text = sb.String()
			if trace {
				cur.src = src
				src = nil
			}
			if rtl && hasRTL(cur.text) {
				cur.glyphStarts = append([]int32(nil), starts...)
			}
			starts, rtl = starts[:0], false
			if strings.TrimSpace(cur.text) != "" && len(words) < maxWordsPerPg {
				words = append(words, *cur)
			}
			cur = nil
			last = nil
			sb.Reset()
		}
	}
	pendingAccent, accentFrom := "", 0
	var marks []*glyph // unmapped glyphs met outside words
	skipped := combinePlusMinus(glyphs)
	for i := range glyphs {
		g := &glyphs[i]
		if skipped != nil && skipped[i] {
			continue
		}
		// A spacing accent drawn over a letter (TeX's "A˚", "Vall`es")
		// combines with it: "Å", "Vallès".
		if isSpacingAccent(g.text) {
			comb := combiningAccents[g.text]
			if i+1 < len(glyphs) && overGlyph(g, &glyphs[i+1]) {
				pendingAccent, accentFrom = comb, i
				continue
			}
			if cur != nil && last != nil && overGlyph(g, last) {
				write(comb, i)
				continue
			}
		}
		if insideCircledSign(glyphs, i) {
			continue
		}
		if g.space || strings.TrimSpace(g.text) == "" && g.text != "" {
			flush()
			sawSpace = true
			continue
		}
		if g.size <= 0 {
			g.size = 1
		}
		if cur != nil {
			em := max(g.size, maxSize)
			// Letter-spaced text is not a run of one-letter words: the gap
			// counts beyond the spacing of the neighbouring letters.
			gap := g.x0 - cur.x1 - letterSpacing(glyphs, i)
			if g.rot != cur.rot || math.Abs(g.y-cur.y) > sameBaseEm*em && !shiftedLetter(g, last, gap) || gap > wordGapEm*em || gap < -0.5*em {
				flush()
			}
		}
		if g.text == "" {
			// An unmapped code still takes room: extend the word's box.
			if cur != nil {
				cur.x1 = max(cur.x1, g.x1)
			} else if len(marks) < maxMarks {
				marks = append(marks, g)
			}
			continue
		}
		if cur == nil {
			building = word{x0: g.x0, x1: g.x1, y: g.y, size: g.size, rot: g.rot, spaceBefore: sawSpace, italic: g.italic, face: g.face}
			cur = &building
			sawSpace = false
		}
		maxSize = max(maxSize, g.size)
		// Scripts inside the word (the "free" of "Rfree", set lower) do
		// not count: only glyphs on the baseline of its first.
		if math.Abs(g.y-cur.y) <= 0.05*maxSize {
			k := 0
			for k < nSizes && math.Abs(sizes[k].size-g.size) > 0.01*g.size {
				k++
			}
			switch {
			case k < nSizes:
				sizes[k].n++
			case nSizes < len(sizes):
				sizes[nSizes].size, sizes[nSizes].n = g.size, 1
				nSizes++
			}
		}
		write(g.text, i)
		nGlyphs++
		if g.bold {
			nBold++
		}
		if pendingAccent != "" {
			write(pendingAccent, accentFrom)
			pendingAccent = ""
		}
		last = g
		if g.x1 > cur.x1 {
			cur.x1 = g.x1
		}
		if g.x0 < cur.x0 {
			cur.x0 = g.x0
		}
	}
	flush()
	markWordsAfter(words, marks)
	return words
}

// shiftedLetter reports whether letter g, drawn right after letter last
// (gap after it) a little above or below its baseline in the same size,
// belongs to its word: the lowered E of the TeX and LaTeX logos.
func shiftedLetter(g, last *glyph, gap float64) bool {
	if last == nil || g.size <= 0 || math.Abs(g.size-last.size) > 0.05*g.size {
		return false
	}
	em := g.size
	return math.Abs(g.y-last.y) <= 0.45*em && gap <= wordGapEm*em && gap > -0.3*em &&
		startsWithLetter(g.text) && startsWithLetter(last.text)
}

// combinePlusMinus finds the "±" signs drawn as a "+" with a "−" set
// under it (as some typesetters draw them) and makes the "+" read "±" and
// the "−" nothing: it returns the minus signs to skip (nil when there are
// none, as on most pages). The minus is otherwise read as the start of the
// line below. (A set apart rather than a field of glyph keeps glyph, of
// which a page holds thousands, at 56 bytes.)
func combinePlusMinus(glyphs []glyph) (skip map[int]bool) {
	for i := range glyphs {
		m := &glyphs[i]
		if m.text != "−" && m.text != "-" && m.text != "_" && m.text != "‐" {
			continue
		}
		for j := max(0, i-6); j < min(len(glyphs), i+7); j++ {
			p := &glyphs[j]
			if p.text != "+" || p.rot != m.rot || p.size <= 0 {
				continue
			}
			em := p.size
			dy := p.y - m.y
			overlap := min(p.x1, m.x1) - max(p.x0, m.x0)
			if dy > 0.08*em && dy < 0.7*em && overlap > 0.6*min(p.x1-p.x0, m.x1-m.x0) && math.Abs(p.size-m.size) < 0.2*em {
				p.text = "±"
				if skip == nil {
					skip = map[int]bool{}
				}
				skip[i] = true
				break
			}
		}
	}
	return skip
}

// maxMarks bounds the unmapped glyphs looked at as possible bullets (a page
// in a font with no Unicode mapping at all has nothing to mark).
const maxMarks = 200

// markWordsAfter sets afterMark on the word that starts just right of each
// mark, on its baseline, whichever of the two the content stream drew first.
func markWordsAfter(words []word, marks []*glyph) {
	for _, m := range marks {
		best, bestGap := -1, 3*m.size
		for i := range words {
			w := &words[i]
			gap := w.x0 - m.x1
			if w.rot == m.rot && math.Abs(w.y-m.y) <= sameBaseEm*w.size && gap >= -0.1*w.size && gap < bestGap {
				best, bestGap = i, gap
			}
		}
		if best >= 0 {
			words[best].afterMark = true
		}
	}
}

// insideCircledSign reports whether glyph i is the letter drawn inside the
// circle of a "©", "®" or "℗" next to it in the content stream (TeX's
// circled letters: the sign's glyph already stands for both).
func insideCircledSign(glyphs []glyph, i int) bool {
	g := &glyphs[i]
	if g.text != "C" && g.text != "R" && g.text != "P" {
		return false
	}
	for _, j := range [2]int{i - 1, i + 1} {
		if j < 0 || j >= len(glyphs) {
			continue
		}
		o := &glyphs[j]
		if (o.text == "©" || o.text == "®" || o.text == "℗") && g.x0 >= o.x0 && g.x1 <= o.x1 &&
			math.Abs(g.y-o.y) < 0.5*o.size && g.size < o.size {
			return true
		}
	}
	return false
}

// combiningAccents maps spacing accents to the combining marks they stand
// for when drawn over a letter.
var combiningAccents = map[string]string{
	"´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "^": "\u0302", "˜": "\u0303", "~": "\u0303",
	"¨": "\u0308", "˚": "\u030A", "¸": "\u0327", "ˇ": "\u030C", "˘": "\u0306", "˙": "\u0307",
	"˝": "\u030B", "˛": "\u0328", "¯": "\u0304",
}

// isSpacingAccent reports whether s is one of combiningAccents, without a
// map lookup for the usual one-byte letter (this runs for every glyph).
func isSpacingAccent(s string) bool {
	switch len(s) {
	case 1:
		return s == "`" || s == "^" || s == "~"
	case 2:
		_, ok := combiningAccents[s]
		return ok
	}
	return false
}

// overGlyph reports whether accent a is drawn over (or under) letter b: its
// middle within b's width, close to b's baseline.
func overGlyph(a, b *glyph) bool {
	if a.rot != b.rot || b.text == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(b.text)
	if !unicode.IsLetter(r) {
		return false
	}
	mid := (a.x0 + a.x1) / 2
	slack := 0.05 * b.size
	return mid >= b.x0-slack && mid <= b.x1+slack && math.Abs(a.y-b.y) < 1.2*b.size
}

// letterSpacing estimates the spacing between letters around glyph i (the
// gap before it excluded): the smallest of the gaps before and after its
// neighbours on the same baseline, or 0. Ordinary text, where some
// neighbour touches the next letter, gives about 0.
func letterSpacing(glyphs []glyph, i int) float64 {
	g := &glyphs[i]
	var gs [4]float64
	n := 0
	// The gaps next to glyph i, then the ones beyond them, on each side: a
	// gap beyond a wide one (a column's worth of white, the next cell's
	// "p-") is between the letters of another word, and says nothing about
	// i's.
	wide := columnGapEm * g.size
	for side := -1; side <= 1; side += 2 {
		near, ok := gapBefore(glyphs, i+side, g)
		if ok && near > wide {
			continue
		}
		if ok {
			gs[n] = near
			n++
		}
		if far, ok := gapBefore(glyphs, i+2*side, g); ok && !(far > wide) {
			gs[n] = far
			n++
		}
	}
	if n < 2 {
		return 0
	}
	m := gs[0]
	for _, gap := range gs[1:n] {
		m = min(m, gap)
	}
	return max(m, 0)
}

// gapBefore is letterSpacing's gap before glyph k, between two letters on
// the baseline of glyph g; ok is false when there is no such gap.
func gapBefore(glyphs []glyph, k int, g *glyph) (gap float64, ok bool) {
	if k <= 0 || k >= len(glyphs) {
		return 0, false
	}
	a, b := &glyphs[k-1], &glyphs[k]
	// An accent drawn over its letter touches it whatever the spacing.
	if isSpacingAccent(a.text) || isSpacingAccent(b.text) {
		return 0, false
	}
	// Both on glyph g's baseline: the end of the line drawn before says
	// nothing about this line's spacing.
	if a.space || b.space || a.text == "" || b.text == "" || a.rot != b.rot || a.rot != g.rot ||
		math.Abs(a.y-b.y) > 0.1*b.size || math.Abs(b.y-g.y) > 0.1*g.size {
		return 0, false
	}
	return b.x0 - a.x1, true
}

type rawLine struct {
	words []word
	y     float64
	size  float64
	n     int // words buildLines counted for it before placing them
}

// buildLines groups words of one writing direction into lines by baseline;
// smaller raised or lowered words (superscripts, subscripts) join the line
// they sit on.
func buildLines(words []word) []*rawLine {
	// The words from the top down, left to right on a baseline: their
	// order, sorted as pointers (sort.SliceStable moved the large records
	// themselves, through reflection, at a tenth of an extraction's CPU).
	// slices.SortStableFunc runs sort.SliceStable's algorithm, asking only
	// whether one word goes before another, so the order is the same.
	order := make([]*word, len(words))
	for i := range words {
		order[i] = &words[i]
	}
	slices.SortStableFunc(order, func(a, b *word) int {
		first := a.x0 < b.x0
		if a.y != b.y {
			first = a.y > b.y
		}
		if first {
			return -1
		}
		return 1
	})
	var lines []*rawLine
	var open []*rawLine // lines whose baseline is near the current word
	// The line of each word, counted first and filled after: one array
	// holds the words of all the lines, each line's part capped so that a
	// later append (mergeScripts) copies rather than runs into the next
	// line's words. Growing each line's slice word by word was a fifth of
	// what an extraction allocated.
	lineOf := make([]*rawLine, len(words))
	for i, w := range order {
		// Drop lines far above.
		k := 0
		for _, l := range open {
			if l.y-w.y <= 1.5*max(l.size, w.size) {
				open[k] = l
				k++
			}
		}
		open = open[:k]
		var best *rawLine
		bestD := math.Inf(1)
		for _, l := range open {
			em := max(l.size, w.size)
			d := math.Abs(l.y - w.y)
			if d <= sameBaseEm*em && d < bestD {
				best, bestD = l, d
			}
		}
		if best == nil {
			best = &rawLine{y: w.y, size: w.size}
			lines = append(lines, best)
			open = append(open, best)
		}
		lineOf[i] = best
		best.n++
		if w.size > best.size && math.Abs(w.y-best.y) <= sameBaseEm*w.size {
			best.size = w.size
		}
	}
	all := make([]word, len(words))
	at := 0
	for _, l := range lines {
		l.words = all[at : at : at+l.n]
		at += l.n
	}
	for i, w := range order {
		l := lineOf[i]
		l.words = append(l.words, *w)
	}
	lines = mergeScripts(lines)
	for _, l := range lines {
		sort.SliceStable(l.words, func(i, j int) bool { return l.words[i].x0 < l.words[j].x0 })
	}
	return lines
}

// mergeScripts moves lines of smaller words that sit within the height of a
// bigger line and next to its words (superscripts, subscripts, footnote
// marks) into that line.
func mergeScripts(lines []*rawLine) []*rawLine {
	detachScripts(lines)
	merged := make([]bool, len(lines))
	for i, l := range lines {
		if len(l.words) == 0 {
			merged[i] = true
			continue
		}
		if host := scriptHost(lines, merged, i, l.words, l.size, l.y); host != nil {
			host.words = append(host.words, l.words...)
			merged[i] = true
		}
	}
	out := lines[:0]
	for i, l := range lines {
		if !merged[i] {
			out = append(out, l)
		}
	}
	return out
}

// scriptHost returns the line that words ws (of size size, on baseline y,
// now in lines[i]) are scripts of, or nil: a bigger line, not merged away,
// whose height they sit within, beside (not over) its words.
func scriptHost(lines []*rawLine, merged []bool, i int, ws []word, size, y float64) *rawLine {
	var host *rawLine
	for j, m := range lines {
		if i == j || merged[j] || size >= 0.92*m.size {
			continue
		}
		if y <= m.y-0.45*m.size || y >= m.y+0.7*m.size {
			continue
		}
		// Scripts are short (marks, exponents, affiliation numbers) and
		// sit beside the host's words, not over them.
		near := true
		for _, w := range ws {
			if !near || utf8.RuneCountInString(w.text) > 6 || !nearLine(m, w) || overlapsWords(m, w) {
				near = false
				break
			}
		}
		if near && (host == nil || math.Abs(m.y-y) < math.Abs(host.y-y)) {
			host = m
		}
	}
	return host
}

// detachScripts moves marks that buildLines put on the line of another
// column into the line they belong to: a footnote's mark ("¹", "∗") set
// raised before its first word can sit on the baseline of the bigger text
// in the column beside it, which then carries it off to that column. A run
// of the line's words standing apart (a gutter's width from the rest),
// all smaller than the line, goes to the line that it is a script of (see
// scriptHost), when there is one.
func detachScripts(lines []*rawLine) {
	var none []bool
	for i, l := range lines {
		small := false
		for _, w := range l.words {
			small = small || w.size < 0.92*l.size
		}
		if len(l.words) < 2 || !small {
			continue
		}
		if none == nil {
			none = make([]bool, len(lines))
		}
		ws := append([]word(nil), l.words...)
		sort.SliceStable(ws, func(a, b int) bool { return ws[a].x0 < ws[b].x0 })
		var keep []word
		moved := false
		for start := 0; start < len(ws); {
			end := start + 1
			for end < len(ws) && ws[end].x0-ws[end-1].x1 < columnGapEm*l.size {
				end++
			}
			run := ws[start:end]
			size, y := 0.0, run[0].y
			for _, w := range run {
				size = max(size, w.size)
			}
			var host *rawLine
			if len(run) < len(ws) && size < 0.92*l.size {
				host = scriptHost(lines, none, i, run, size, y)
			}
			if host != nil {
				host.words = append(host.words, run...)
				moved = true
			} else {
				keep = append(keep, run...)
			}
			start = end
		}
		if moved {
			l.words = keep
		}
	}
}

// overlapsWords reports whether w covers a good part of a word of l.
func overlapsWords(l *rawLine, w word) bool {
	for _, o := range l.words {
		ov := min(o.x1, w.x1) - max(o.x0, w.x0)
		if ov > 0.3*min(o.x1-o.x0, w.x1-w.x0) {
			return true
		}
	}
	return false
}

// nearLine reports whether w is horizontally next to some word of l.
func nearLine(l *rawLine, w word) bool {
	for _, o := range l.words {
		if w.x0 <= o.x1+0.5*l.size && w.x1 >= o.x0-0.5*l.size {
			return true
		}
	}
	return false
}

// splitLines cuts lines into fragments at column gutters. A wide gap in a
// line is a gutter when, among the neighbouring lines, more have a wide gap
// at the same x than have ink there, and the text on both sides is wide
// (columns, not table cells), and the gap is not bridged by the text of the
// lines next to it (see bridged). Other gaps, even wide ones (table cells,
// tab stops), stay inside the line, so that a table row reads across.
func splitLines(lines []*rawLine, rot uint8) []*fragment {
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].y > lines[j].y })
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		for _, w := range l.words {
			minX = min(minX, w.x0)
			maxX = max(maxX, w.x1)
		}
	}
	const bin = 2.0
	nb := 0
	if maxX > minX {
		nb = min(int((maxX-minX)/bin)+1, 20000)
	}
	binOf := func(x float64) int {
		return min(max(int((x-minX)/bin), 0), nb-1)
	}
	type gap struct {
		i      int     // index of the word after the gap
		lo, hi int     // bins strictly inside the gap
		side   float64 // narrower of the text pieces on its two sides, in em
		x0, x1 float64 // from the start of the piece before to the end of the piece after
	}
	gaps := make([][]gap, len(lines))
	cover := make([]int, nb)
	var sides [][]float64 = make([][]float64, nb)
	for li, l := range lines {
		// A line whose word spaces are all stretched alike (justified
		// text set loosely) has no gutter in it, however wide its spaces.
		if stretchedLine(l.words, l.size) {
			continue
		}
		var cuts []int
		for i := 1; i < len(l.words); i++ {
			if l.words[i].x0-l.words[i-1].x1 >= columnGapEm*l.size {
				cuts = append(cuts, i)
			}
		}
		for c, i := range cuts {
			lo, hi := 0, len(l.words)
			if c > 0 {
				lo = cuts[c-1]
			}
			if c+1 < len(cuts) {
				hi = cuts[c+1]
			}
			left := l.words[i-1].x1 - l.words[lo].x0
			right := l.words[hi-1].x1 - l.words[i].x0
			g := gap{i: i, lo: binOf(l.words[i-1].x1) + 1, hi: binOf(l.words[i].x0) - 1, side: min(left, right) / l.size, x0: l.words[lo].x0, x1: l.words[hi-1].x1}
			if g.lo > g.hi {
				continue
			}
			gaps[li] = append(gaps[li], g)
			for k := g.lo; k <= g.hi; k++ {
				cover[k]++
				sides[k] = append(sides[k], g.side)
			}
		}
	}
	textSide := make([]bool, nb)
	for k := range sides {
		if len(sides[k]) > 0 {
			sort.Float64s(sides[k])
			textSide[k] = sides[k][len(sides[k])/2] >= minColumnEm
		}
	}
	// inkAt reports whether line l has a word over x.
	inkAt := func(l *rawLine, x float64) bool {
		for _, w := range l.words {
			if w.x0 <= x && x <= w.x1 {
				return true
			}
		}
		return false
	}
	gapAt := func(li int, k int) bool {
		for _, g := range gaps[li] {
			if g.lo <= k && k <= g.hi {
				return true
			}
		}
		return false
	}
	// besideGutter: l has text ending or starting close to x (within ten em).
	besideGutter := func(l *rawLine, x float64) bool {
		for _, w := range l.words {
			if (w.x1 <= x && w.x1 >= x-10*l.size) || (w.x0 >= x && w.x0 <= x+10*l.size) {
				return true
			}
		}
		return false
	}
	// bridged reports whether gap g of line li lies inside a column or a
	// table rather than between columns: the nearest lines above and below
	// with text over the two pieces beside the gap (the table rows next to
	// a row) both have text over each piece and ink at x across the gap.
	// A reader sees such a row as one more row of the same block; the wide
	// gap is white between its cells that happens to line up with white
	// in other lines.
	bridged := func(li int, g gap, x float64) bool {
		l := lines[li]
		leftEnd, rightStart := l.words[g.i-1].x1, l.words[g.i].x0
		near := func(step int) bool {
			for j, n := li+step, 0; j >= 0 && j < len(lines) && n < gutterWindow; j, n = j+step, n+1 {
				left, right, over := false, false, false
				for _, w := range lines[j].words {
					over = over || (w.x1 > g.x0 && w.x0 < g.x1)
					left = left || (w.x1 > g.x0 && w.x0 < leftEnd)
					right = right || (w.x1 > rightStart && w.x0 < g.x1)
				}
				if over {
					return left && right && inkAt(lines[j], x)
				}
			}
			return false
		}
		return near(-1) && near(1)
	}
	var frags []*fragment
	for li, l := range lines {
		cutAt := map[int]bool{}
		for _, g := range gaps[li] {
			// The most shared position inside the gap.
			best, bestK := -1, -1
			for k := g.lo; k <= g.hi; k++ {
				if textSide[k] && cover[k] > best {
					best, bestK = cover[k], k
				}
			}
			if bestK < 0 || best < riverSupport {
				continue
			}
			x := minX + (float64(bestK)+0.5)*bin
			support, ink := 0, 0
			for j := max(0, li-gutterWindow); j < min(len(lines), li+gutterWindow+1); j++ {
				switch {
				case gapAt(j, bestK):
					support++
				case inkAt(lines[j], x):
					ink++
				case besideGutter(lines[j], x):
					// A line of one column only: white at x, text beside it.
					support++
				}
			}
			if support >= riverSupport && support > ink && !bridged(li, g, x) {
				cutAt[g.i] = true
			}
		}
		start := 0
		for i := 1; i <= len(l.words); i++ {
			if i < len(l.words) && cutAt[i] {
				// A list mark or number before a column's text ("30.", "•")
				// stays with that text.
				piece := l.words[i-1].x1 - l.words[start].x0
				gap := l.words[i].x0 - l.words[i-1].x1
				if piece <= 3*l.size && gap <= 2.5*l.size {
					continue
				}
			}
			if i == len(l.words) || cutAt[i] {
				ws := l.words[start:i]
				frags = append(frags, newFragment(ws, l.y, pieceSize(ws, l), rot))
				start = i
			}
		}
	}
	return frags
}

// pieceSize is the font size of the piece ws of line l: the largest of its
// words on the line's baseline (of all its words if it has only raised or
// lowered ones). A column's line does not take the size of the line of
// the next column that shares its baseline (a caption, a heading, text
// set bigger).
func pieceSize(ws []word, l *rawLine) float64 {
	size, all := 0.0, 0.0
	for _, w := range ws {
		all = max(all, w.size)
		if math.Abs(w.y-l.y) <= sameBaseEm*w.size {
			size = max(size, w.size)
		}
	}
	if size == 0 {
		size = all
	}
	if size == 0 {
		size = l.size
	}
	return size
}

// stretchedLine reports whether a line's word spaces are all wide and alike:
// loosely justified text, not columns or table cells.
func stretchedLine(ws []word, size float64) bool {
	if len(ws) < 5 {
		return false
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 1; i < len(ws); i++ {
		g := ws[i].x0 - ws[i-1].x1
		lo, hi = min(lo, g), max(hi, g)
	}
	return lo >= columnGapEm*size && hi <= 1.3*lo
}

func newFragment(ws []word, y, size float64, rot uint8) *fragment {
	f := &fragment{words: ws, y: y, size: size, rot: rot, x0: math.Inf(1), x1: math.Inf(-1)}
	b := tbuilder{trace: len(ws) > 0 && ws[0].src != nil}
	var bounds []int // glyph starts in the line, when it has right-to-left words
	for i, w := range ws {
		f.x0 = min(f.x0, w.x0)
		f.x1 = max(f.x1, w.x1)
		if i > 0 {
			prev := ws[i-1]
			gap := w.x0 - prev.x1
			em := max(min(w.size, prev.size), 1)
			// A raised small mark before a word ("¹These authors") is a word
			// of its own; after a word ("Datta¹", "His³⁸⁸") it stays glued.
			markBefore := prev.y-w.y > 0.15*em && prev.size < 0.9*w.size && startsWithLetter(w.text)
			if gap > wordGapEm*em || (w.spaceBefore && gap > -0.2*em) || markBefore {
				if bounds != nil {
					bounds = append(bounds, len(b.buf))
				}
				b.addLayout(" ")
			}
		}
		if w.glyphStarts != nil && bounds == nil {
			bounds = charStarts(b.buf)
		}
		if bounds != nil {
			bounds = appendBounds(bounds, w, len(b.buf))
		}
		b.add(ttext{w.text, w.src})
	}
	t := b.text()
	if bounds != nil {
		t = logicalOrder(t, bounds)
	}
	f.text, f.src = t.s, t.src
	return f
}

// charStarts gives the glyph starts of left-to-right text: every
// character starts one.
func charStarts(built []byte) []int {
	bounds := []int{}
	for i := range string(built) {
		bounds = append(bounds, i)
	}
	return bounds
}

// appendBounds adds word w's glyph starts, its text placed at offset at.
func appendBounds(bounds []int, w word, at int) []int {
	if w.glyphStarts == nil {
		for i := range w.text {
			bounds = append(bounds, at+i)
		}
		return bounds
	}
	for _, s := range w.glyphStarts {
		bounds = append(bounds, at+int(s))
	}
	return bounds
}

func startsWithLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// ---- blocks and reading order ----

type block struct {
	lines          []*fragment
	x0, x1, y0, y1 float64 // y1 top, y0 bottom
	size           float64
	rot            uint8
}

func (b *block) add(f *fragment) {
	if len(b.lines) == 0 {
		b.x0, b.x1, b.y1, b.y0, b.size, b.rot = f.x0, f.x1, f.top(), f.bottom(), f.size, f.rot
	}
	b.lines = append(b.lines, f)
	b.x0 = min(b.x0, f.x0)
	b.x1 = max(b.x1, f.x1)
	b.y1 = max(b.y1, f.top())
	b.y0 = min(b.y0, f.bottom())
}

// buildBlocks stacks fragments of one writing direction into blocks: a
// fragment joins the block whose last line is just above it, overlaps it
// horizontally and has a similar font size.
func buildBlocks(frags []*fragment) []*block {
	sort.SliceStable(frags, func(i, j int) bool {
		if frags[i].y != frags[j].y {
			return frags[i].y > frags[j].y
		}
		return frags[i].x0 < frags[j].x0
	})
	var blocks []*block
	for _, f := range frags {
		var best *block
		bestD := math.Inf(1)
		for _, b := range blocks {
			last := b.lines[len(b.lines)-1]
			d := last.y - f.y
			em := max(last.size, f.size)
			if d < 0.5*em || d > blockLeadEm*em {
				continue
			}
			r := f.size / last.size
			if r < 0.8 || r > 1.25 {
				continue
			}
			ov := min(f.x1, last.x1) - max(f.x0, last.x0)
			if ov <= 0 {
				continue
			}
			if d < bestD {
				best, bestD = b, d
			}
		}
		if best == nil {
			best = &block{}
			blocks = append(blocks, best)
		}
		best.add(f)
	}
	return blocks
}

// orderBlocks sorts blocks into reading order with Breuel's rules: a comes
// before b if they overlap horizontally and a is above b, or if a is wholly
// left of b and no block between them vertically spans both.
func orderBlocks(blocks []*block) []*block {
	n := len(blocks)
	if n < 2 {
		return blocks
	}
	if n > maxOrderedBlocks {
		// Scattered text (a chart, a map): the pairwise rules would cost
		// n³; read it top to bottom, left to right.
		sort.SliceStable(blocks, func(i, j int) bool {
			if blocks[i].y1 != blocks[j].y1 {
				return blocks[i].y1 > blocks[j].y1
			}
			return blocks[i].x0 < blocks[j].x0
		})
		return blocks
	}
	overlapX := func(a, b *block) bool {
		return min(a.x1, b.x1)-max(a.x0, b.x0) > 0
	}
	mid := func(b *block) float64 { return (b.y0 + b.y1) / 2 }
	before := make([][]bool, n)
	for i := range before {
		before[i] = make([]bool, n)
	}
	indeg := make([]int, n)
	chart := chartBoxes(blocks)
	for i, a := range blocks {
		for j, b := range blocks {
			if i == j {
				continue
			}
			ok := false
			if overlapX(a, b) {
				ok = mid(a) > mid(b)
			} else if a.x1 <= b.x0+0.5 {
				if a.y1 <= b.y0 && chart.rowWise(i, j) {
					// Boxes of a chart read row by row: b, in a
					// row above, comes before a.
					before[j][i] = true
					indeg[i]++
					continue
				}
				ok = true
				lo, hi := min(mid(a), mid(b)), max(mid(a), mid(b))
				for k, c := range blocks {
					if k == i || k == j {
						continue
					}
					if m := mid(c); m > lo && m < hi && overlapX(c, a) && overlapX(c, b) {
						ok = false
						break
					}
				}
			}
			if ok {
				before[i][j] = true
				indeg[j]++
			}
		}
	}
	done := make([]bool, n)
	out := make([]*block, 0, n)
	for len(out) < n {
		pick := -1
		for i := range blocks {
			if done[i] {
				continue
			}
			if pick < 0 || indeg[i] < indeg[pick] ||
				indeg[i] == indeg[pick] && (blocks[i].y1 > blocks[pick].y1+0.5 ||
					math.Abs(blocks[i].y1-blocks[pick].y1) <= 0.5 && blocks[i].x0 < blocks[pick].x0) {
				pick = i
			}
		}
		done[pick] = true
		out = append(out, blocks[pick])
		for j := range blocks {
			if before[pick][j] && !done[j] {
				indeg[j]--
			}
		}
	}
	return out
}

// chartLayout tells which blocks of a page are the boxes of a chart or
// diagram: short blocks (four lines or fewer) none of whose lines starts
// at a text edge (an x where many lines of the page start: a column's left
// margin, its paragraph indent). Headings and short paragraphs start at a
// text edge; the centred labels of a flow chart's boxes do not.
type chartLayout struct {
	blocks []*block
	box    []bool
	spans  [][2]float64 // text columns: from an edge to the furthest end of a line starting there
}

func chartBoxes(blocks []*block) chartLayout {
	c := chartLayout{blocks: blocks, box: make([]bool, len(blocks))}
	var starts []float64
	for _, b := range blocks {
		for _, f := range b.lines {
			starts = append(starts, f.x0)
		}
	}
	sort.Float64s(starts)
	need := max(4, len(starts)/10)
	var edges []float64
	for i := 0; i < len(starts); {
		j := i
		for j < len(starts) && starts[j]-starts[i] <= 1.5 {
			j++
		}
		if j-i >= need {
			edges = append(edges, starts[i])
		}
		i = j
	}
	startsAt := func(x, e float64) bool { return x >= e-0.5 && x <= e+2 }
	atEdge := func(x float64) bool {
		for _, e := range edges {
			if startsAt(x, e) {
				return true
			}
		}
		return false
	}
	for _, e := range edges {
		end := e
		for _, b := range blocks {
			for _, f := range b.lines {
				if startsAt(f.x0, e) {
					end = max(end, f.x1)
				}
			}
		}
		c.spans = append(c.spans, [2]float64{e, end})
	}
	for i, b := range blocks {
		if len(b.lines) > 4 {
			continue
		}
		c.box[i] = true
		for _, f := range b.lines {
			if atEdge(f.x0) {
				c.box[i] = false
				break
			}
		}
	}
	return c
}

// rowWise reports whether blocks i and j are both boxes of one chart, to be
// read row by row: both chart boxes, within one text column (or on a page
// or band without text columns).
func (c chartLayout) rowWise(i, j int) bool {
	if !c.box[i] || !c.box[j] {
		return false
	}
	a, b := c.blocks[i], c.blocks[j]
	em := max(a.size, b.size)
	if len(c.spans) == 0 {
		return true
	}
	for _, sp := range c.spans {
		in := func(x *block) bool { return x.x0 >= sp[0]-em && x.x1 <= sp[1]+em }
		if in(a) && in(b) {
			return true
		}
	}
	return false
}

// ---- paragraphs and text ----

// paragraphs splits a block's lines into paragraphs: at a wider vertical gap,
// at a first-line indent (or, in hanging-indent lists such as references, at
// a line that is not indented), and after a short line in justified text.
func paragraphs(b *block) [][]*fragment {
	ls := b.lines
	if len(ls) < 2 {
		return [][]*fragment{ls}
	}
	var gaps []float64
	for i := 1; i < len(ls); i++ {
		gaps = append(gaps, ls[i-1].y-ls[i].y)
	}
	sorted := append([]float64(nil), gaps...)
	sort.Float64s(sorted)
	typical := sorted[len(sorted)/2]
	em := b.size
	indented := func(f *fragment) bool { return f.x0 > b.x0+0.8*em && f.x0 < b.x0+6*em }
	nIndent := 0
	nFull := 0
	for _, f := range ls {
		if indented(f) {
			nIndent++
		}
		if f.x1 > b.x1-1.0*em {
			nFull++
		}
	}
	hanging := nIndent*2 > len(ls) && len(ls) >= 3
	bodyFace := mostCommonFace(ls)
	nums := make([]int, len(ls)) // item numbers lines start with, 0 if none
	for i, l := range ls {
		nums[i], _ = itemNumber(l.words[0].text)
	}
	justified := len(ls) >= 3 && nFull*3 >= len(ls)*2
	// itemText is the x where the text of the list item that starts the
	// current paragraph begins (NaN when it is not a list item): its
	// lines set there go on with the item, however indented.
	itemTextAt := func(i int) float64 {
		if !startsListItem(ls, nums, i) {
			return math.NaN()
		}
		ws := ls[i].words
		if len(ws) > 1 && (nums[i] != 0 || utf8.RuneCountInString(ws[0].text) == 1) {
			return ws[1].x0
		}
		return ws[0].x0
	}
	itemText := itemTextAt(0)
	var out [][]*fragment
	cur := []*fragment{ls[0]}
	for i := 1; i < len(ls); i++ {
		prev, f := ls[i-1], ls[i]
		brk := false
		if gaps[i-1] > typical*1.35+0.5 {
			brk = true
		}
		switch {
		case math.Abs(f.x0-itemText) < 0.3*em:
			// The next line of a list item.
		case hanging:
			if !indented(f) && indented(prev) {
				brk = true
			}
		case indented(f) && !indented(prev) && len(ls) >= 3:
			brk = true
		}
		if justified && prev.x1 < b.x1-2.5*em && i < len(ls) {
			brk = true
		}
		if headingBreak(b, ls, i, bodyFace, func(l *fragment) bool { return hanging && indented(l) }) {
			brk = true
		}
		if startsListItem(ls, nums, i) && !endsWithHyphen(prev.text) {
			brk = true
		}
		if brk {
			out = append(out, cur)
			cur = nil
			itemText = itemTextAt(i)
		}
		cur = append(cur, f)
	}
	return append(out, cur)
}

// startsListItem reports whether line i of a block starts an item of a
// list: after a bullet (a bullet character, or a glyph with no text in front
// of the first word), or with an item number ("2.", "(b)", "iii)") that
// follows the number an earlier line of the block starts with, or that the
// next number follows (a first item).
// nums holds the item number each line starts with (0: none).
func startsListItem(ls []*fragment, nums []int, i int) bool {
	f := ls[i]
	if bulletStart(f) || raisedMarkStart(f) {
		return true
	}
	n := nums[i]
	if n == 0 {
		return false
	}
	aligned := func(j int) bool { return math.Abs(ls[j].x0-f.x0) < 0.5*f.size }
	for j := i - 1; j >= 0; j-- {
		if nums[j] != 0 {
			return nums[j] == n-1 && aligned(j)
		}
	}
	for j := i + 1; j < len(ls); j++ {
		if nums[j] != 0 {
			return nums[j] == n+1 && aligned(j)
		}
	}
	return false
}

// bulletStart reports whether a line starts with a bullet: a bullet
// character, or an unmapped glyph just before its first word.
func bulletStart(f *fragment) bool {
	if len(f.words) == 0 {
		return false
	}
	w := f.words[0]
	if w.afterMark {
		return true
	}
	r, _ := utf8.DecodeRuneInString(w.text)
	return strings.ContainsRune("•◦▪▫●○■□‣⁃➢►▶✓✔", r)
}

// raisedMarkStart reports whether a line starts with a raised, smaller mark
// before its first word: an affiliation's or a footnote's number or sign
// ("¹ Department of Psychology", "* Corresponding author"). Within running
// text a raised mark stays with the word before it, so it does not start a
// line.
func raisedMarkStart(f *fragment) bool {
	if len(f.words) < 2 {
		return false
	}
	w := f.words[0]
	if w.size >= 0.9*f.size || w.y-f.y < 0.15*f.size {
		return false
	}
	t := w.text
	if n := utf8.RuneCountInString(t); n == 1 {
		r, _ := utf8.DecodeRuneInString(t)
		return unicode.IsDigit(r) || unicode.IsLower(r) || strings.ContainsRune("*†‡§¶#", r)
	}
	if len(t) > 3 {
		return false
	}
	for _, r := range t {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// itemNumber reads a list item's number: "3." "3)" "(3)" "c." "c)" "(c)"
// "iv." "(iv)" (letters count a=1, roman numerals only from i to xii).
func itemNumber(s string) (int, bool) {
	inner := s
	switch {
	case strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")"):
		inner = s[1 : len(s)-1]
	case strings.HasSuffix(s, ".") || strings.HasSuffix(s, ")"):
		inner = s[:len(s)-1]
	default:
		return 0, false
	}
	if inner == "" || len(inner) > 4 {
		return 0, false
	}
	if n, err := strconv.Atoi(inner); err == nil && n > 0 && n < 1000 {
		return n, true
	}
	if i := slices.Index(romanNumerals, inner); i >= 0 {
		return i + 1, true
	}
	if len(inner) == 1 && inner[0] >= 'a' && inner[0] <= 'z' {
		return int(inner[0]-'a') + 1, true
	}
	return 0, false
}

var romanNumerals = []string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}

// headingBreak reports whether a block's lines i-1 and i belong to
// different paragraphs because one of them is a heading set on a line of its
// own ("Competing interests", "Author details", a section title over a
// subsection title) or a run-in heading starts a line ("Methods: …" after
// the short last line of "Background: …"). The signs: two lines of words
// set in clearly different sizes; a short line wholly in an upright face
// other than the block's body face, then a line in another face; a short
// line, then a line that starts in bold. bodyFace is the face most of the
// block's words are set in. continuation reports whether a line is the
// indented rest of an entry of a list with hanging indents (a reference
// list, which may set the authors in bold on a line of their own): those
// lines are never split from the line above.
func headingBreak(b *block, ls []*fragment, i int, bodyFace uint32, continuation func(*fragment) bool) bool {
	prev, f := ls[i-1], ls[i]
	// Lines without letters (a minus sign set apart to make "±", an
	// equation's operators) are not headings nor text below one.
	if endsWithHyphen(prev.text) || continuation(f) || !hasLetter(prev.text) || !hasLetter(f.text) {
		return false
	}
	if math.Abs(prev.size-f.size) > 0.08*max(prev.size, f.size) {
		return true
	}
	short := func(l *fragment) bool { return l.x1 < b.x1-2*b.size }
	first := f.words[0]
	// A heading above its text.
	if face, ok := headingFace(prev); ok && face != bodyFace && short(prev) &&
		first.face != face && f.x0 < prev.x0+0.8*f.size {
		return true
	}
	// A run-in heading after the end of a paragraph.
	if short(prev) && first.bold && !prev.words[len(prev.words)-1].bold && f.x0 < prev.x0+0.8*f.size {
		return true
	}
	// A heading below the end of the paragraph before it.
	if face, ok := headingFace(f); ok && face != bodyFace && short(f) &&
		prev.words[len(prev.words)-1].face != face && i+1 < len(ls) && ls[i+1].words[0].face != face {
		return true
	}
	return false
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// mostCommonFace returns the face most of the letters of lines are set in.
func mostCommonFace(ls []*fragment) uint32 {
	type faceCount struct {
		face uint32
		n    int
	}
	var counts [8]faceCount // a block uses a few faces; more are not counted
	used := 0
	best, bestN := uint32(0), -1
	for _, l := range ls {
		for _, w := range l.words {
			k := 0
			for k < used && counts[k].face != w.face {
				k++
			}
			if k == used {
				if used == len(counts) {
					continue
				}
				counts[k].face = w.face
				used++
			}
			counts[k].n += len(w.text)
			if counts[k].n > bestN {
				best, bestN = w.face, counts[k].n
			}
		}
	}
	return best
}

// headingFace returns the face a line is set in, if it is set wholly in one
// face and that face is upright (a line of italics is more often a quoted
// title or an emphasis than a heading).
func headingFace(f *fragment) (uint32, bool) {
	if len(f.words) == 0 {
		return 0, false
	}
	face := f.words[0].face
	for _, w := range f.words {
		if w.face != face || w.italic {
			return 0, false
		}
	}
	return face, true
}

func endsWithHyphen(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '-' || r == '\u2010' || r == '\u00AD'
}

// vocabulary holds the words seen in a document, for hyphenation decisions.
type vocabulary struct {
	words      map[string]bool
	hyphenated map[string]bool
}

func newVocabulary() *vocabulary {
	return &vocabulary{words: map[string]bool{}, hyphenated: map[string]bool{}}
}

func (v *vocabulary) addLine(f *fragment) {
	fields := strings.Fields(f.text)
	if f.continues && len(fields) > 0 {
		// The first word ends a word broken on the line above ("tioning"):
		// not a word of its own.
		fields = fields[1:]
	}
	for i, t := range fields {
		t = strings.ToLower(trimNonLetters(t))
		if t == "" {
			continue
		}
		if i == len(fields)-1 && strings.HasSuffix(t, "-") {
			continue
		}
		if strings.Contains(t, "-") {
			v.hyphenated[t] = true
			for _, part := range strings.Split(t, "-") {
				if part != "" {
					v.words[part] = true
				}
			}
			continue
		}
		v.words[t] = true
	}
}

func trimNonLetters(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
}

// markContinuations flags fragments that start below a line ending in a
// hyphen (same column: overlapping, within two line heights).
func markContinuations(frags []*fragment) {
	for _, a := range frags {
		t := strings.TrimSpace(a.text)
		if !endsWithHyphen(t) {
			continue
		}
		_, size := utf8.DecodeLastRuneInString(t)
		prev, _ := utf8.DecodeLastRuneInString(t[:len(t)-size])
		if !unicode.IsLetter(prev) {
			continue
		}
		var best *fragment
		for _, b := range frags {
			d := a.y - b.y
			if b == a || b.rot != a.rot || d <= 0.3*a.size || d > 2*a.size || min(a.x1, b.x1) <= max(a.x0, b.x0) {
				continue
			}
			if best == nil || b.y > best.y {
				best = b
			}
		}
		if best != nil {
			best.continues = true
		}
	}
}

// Prefixes that usually keep their hyphen in compounds.
var compoundPrefixes = map[string]bool{
	"non": true, "self": true, "well": true, "ex": true, "cross": true, "half": true, "quasi": true,
	"semi": true, "all": true, "long": true, "short": true, "high": true, "low": true, "full": true,
	"part": true, "co": false, "multi": false, "pre": false, "post": false, "anti": false,
}

// Short words that continue a hyphenated phrase ("end-to-end",
// "state-of-the-art"), never the rest of a broken word.
var linkWords = map[string]bool{"to": true, "and": true, "or": true, "of": true, "in": true, "on": true,
	"the": true, "a": true, "by": true, "for": true, "at": true}

// joinHyphen decides how the line ending in left continues with right, the
// next line's text: it returns the text to put between them and whether
// left's final hyphen is dropped.
func (v *vocabulary) joinHyphen(left, right string) (sep string, dropHyphen bool) {
	last, size := utf8.DecodeLastRuneInString(left)
	if size == 0 {
		return " ", false
	}
	if last == 0xAD { // soft hyphen: always a break inside a word
		return "", true
	}
	if last != '-' && last != '\u2010' && last != '\u2013' {
		return " ", false
	}
	body := left[:len(left)-size]
	prevRune, _ := utf8.DecodeLastRuneInString(body)
	first, _ := utf8.DecodeRuneInString(right)
	if unicode.IsDigit(prevRune) && (unicode.IsDigit(first) || unicode.IsLower(first) && last != '\u2013') {
		// A range broken at the dash ("482-" + "5" is "482-5"), a number
		// compound ("317-" + "day" is "317-day").
		return "", false
	}
	if !unicode.IsLetter(prevRune) || last == '\u2013' {
		return " ", false
	}
	if !unicode.IsLetter(first) {
		return "", false
	}
	if !unicode.IsLower(first) {
		return "", false // "Smith-" + "Jones", "anti-" + "TNF"
	}
	// The halves: letters before the hyphen, letters after it.
	i := strings.LastIndexFunc(body, func(r rune) bool { return !unicode.IsLetter(r) })
	head := body[i+1:]
	if j := strings.LastIndexFunc(head, func(r rune) bool { return r == '-' }); j >= 0 {
		head = head[j+1:]
	}
	end := strings.IndexFunc(right, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(right)
	}
	tail := right[:end]
	lh, lt := strings.ToLower(head), strings.ToLower(tail)
	switch {
	case v.words[lh+lt]:
		return "", true
	case v.hyphenated[lh+"-"+lt]:
		return "", false
	case compoundPrefixes[lh] || linkWords[lt]:
		return "", false
	case len(lh) >= 3 && len(lt) >= 3 && v.words[lh] && v.words[lt]:
		return "", false
	}
	return "", true
}

// paragraphText joins the lines of a paragraph.
func (v *vocabulary) paragraphText(lines []*fragment) ttext {
	b := tbuilder{trace: len(lines) > 0 && lines[0].src != nil}
	for i, l := range lines {
		t := trimSpace(ttext{l.text, l.src})
		if i > 0 {
			sep, drop := v.joinHyphen(b.String(), t.s)
			if drop {
				b.dropLastRune()
			}
			b.addLayout(sep)
		}
		b.add(t)
	}
	return b.text()
}

// ---- tables ----

// tableRows reads a block laid out as a table (lines whose words fall into
// three or more columns separated by wide spaces, with the spaces at the
// same x on every line) row by row: a row starts at a line with text in
// the first column, and each cell's lines are kept together, left to right
// ("p0 = 0.35 p1 = 0.65" in one cell, not mixed with the next cell's
// lines). The first column is the one where most lines start. Lines spanning most of the block (a note, a caption) are rows of
// their own. It returns nil when b is not such a table.
func tableRows(b *block, v *vocabulary) []ttext {
	if len(b.lines) < 2 {
		return nil
	}
	type cell struct {
		words  []word
		x0, x1 float64
		line   int
	}
	width := b.x1 - b.x0
	cellsOf := make([][]cell, len(b.lines))
	wide := make([]bool, len(b.lines))
	multi := 0
	var spans [][2]float64
	nWide := 0
	for li, f := range b.lines {
		start := 0
		loose := stretchedLine(f.words, f.size)
		for i := 1; i <= len(f.words); i++ {
			if i == len(f.words) || !loose && f.words[i].x0-f.words[i-1].x1 >= columnGapEm*f.size {
				ws := f.words[start:i]
				c := cell{words: ws, x0: ws[0].x0, x1: ws[0].x1, line: li}
				for _, w := range ws {
					c.x0, c.x1 = min(c.x0, w.x0), max(c.x1, w.x1)
				}
				cellsOf[li] = append(cellsOf[li], c)
				start = i
			}
		}
		if len(cellsOf[li]) == 1 {
			// Lines of one cell do not define columns (a note, a title, a
			// cell's next line); one spanning the table is a row alone.
			if cellsOf[li][0].x1-cellsOf[li][0].x0 > 0.6*width {
				wide[li] = true
				nWide++
			}
			continue
		}
		multi++
		for _, c := range cellsOf[li] {
			// A cell spanning much of the table (a title after "Table 4")
			// does not define a column either.
			if c.x1-c.x0 <= 0.4*width {
				spans = append(spans, [2]float64{c.x0, c.x1})
			}
		}
	}
	if multi*4 < len(b.lines) || multi < 2 || nWide*2 > len(b.lines) {
		return nil
	}
	// Columns: the x ranges covered by cells, merged where they overlap.
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var cols [][2]float64
	for _, s := range spans {
		if n := len(cols); n > 0 && s[0] < cols[n-1][1] {
			cols[n-1][1] = max(cols[n-1][1], s[1])
			continue
		}
		cols = append(cols, s)
	}
	if len(cols) < 3 {
		return nil
	}
	// colOf: the last column starting at or left of the cell.
	colOf := func(c cell) int {
		k := 0
		for i, r := range cols {
			if r[0] <= c.x0+0.5 {
				k = i
			}
		}
		return k
	}
	// Rows start at the column where most lines of several cells start
	// (the row labels), or left of it (a title, a group heading).
	starts := make([]int, len(cols))
	for li, cs := range cellsOf {
		if !wide[li] && len(cs) > 1 {
			starts[colOf(cs[0])]++
		}
	}
	rowCol := 0
	for k, n := range starts {
		if n > starts[rowCol] {
			rowCol = k
		}
	}
	var rows []ttext
	var cur [][]cell // cells of the row being read, by column
	flush := func() {
		var parts []ttext
		for _, cs := range cur {
			if len(cs) == 0 {
				continue
			}
			frs := make([]*fragment, 0, len(cs))
			for _, c := range cs {
				f := b.lines[c.line]
				frs = append(frs, newFragment(c.words, f.y, f.size, f.rot))
			}
			if t := trimSpace(v.paragraphText(frs)); t.s != "" {
				parts = append(parts, t)
			}
		}
		if len(parts) > 0 {
			row := tbuilder{trace: parts[0].src != nil}
			for i, p := range parts {
				if i > 0 {
					row.addLayout(" ")
				}
				row.add(p)
			}
			rows = append(rows, row.text())
		}
		cur = nil
	}
	for li := range b.lines {
		if wide[li] {
			flush()
			cur = [][]cell{{cellsOf[li][0]}}
			flush()
			continue
		}
		cs := cellsOf[li]
		if cur == nil || colOf(cs[0]) <= rowCol {
			flush()
			cur = make([][]cell, len(cols))
		}
		for _, c := range cs {
			k := colOf(c)
			cur[k] = append(cur[k], c)
		}
	}
	flush()
	return rows
}

// orderBands orders blocks in horizontal bands, top to bottom, and each
// band with orderBlocks. The page is cut across where no block straddles
// and the strip of text on one side of the cut belongs to a figure (a
// block crossing the middle of the page, such as a flow chart's centred
// box or a full-width title, and the strips without column text below
// it): all of a figure then reads before the columns set below it. Cuts
// between two strips of column text are not made (their paragraph breaks
// line up by chance).
func orderBands(blocks []*block) []*block {
	if len(blocks) < 3 || len(blocks) > maxOrderedBlocks {
		return orderBlocks(blocks)
	}
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, b := range blocks {
		minX, maxX = min(minX, b.x0), max(maxX, b.x1)
	}
	mid := (minX + maxX) / 2
	// Only pages with columns: paragraphs of several lines wholly on each
	// side of the middle (not a margin note beside single-column text).
	left, right := false, false
	for _, b := range blocks {
		if len(b.lines) >= 3 && b.x1-b.x0 > 0.25*(maxX-minX) {
			left = left || b.x1 < mid
			right = right || b.x0 > mid
		}
	}
	if !left || !right {
		return orderBlocks(blocks)
	}
	strips := stripsOf(blocks)
	if len(strips) < 2 {
		return orderBlocks(blocks)
	}
	// A strip is part of a figure (or a full-width title) when a block
	// crosses the middle, or when it has no column text and follows such
	// a strip (the figure's lower boxes, its caption).
	figure := make([]bool, len(strips))
	for i, s := range strips {
		columnar := false
		for _, b := range s {
			if b.x0 < mid-0.5*b.size && b.x1 > mid+0.5*b.size {
				figure[i] = true
			}
			if len(b.lines) >= 3 && b.x1-b.x0 > 0.25*(maxX-minX) {
				columnar = true
			}
		}
		if i > 0 && figure[i-1] && !columnar {
			figure[i] = true
		}
	}
	var out, band []*block
	for i, s := range strips {
		band = append(band, s...)
		if i+1 < len(strips) && !figure[i] && !figure[i+1] {
			continue
		}
		out = append(out, orderBlocks(band)...)
		band = nil
	}
	return out
}

// stripsOf cuts a page across where no block straddles: runs of blocks,
// top down, each starting below every block before it.
func stripsOf(blocks []*block) [][]*block {
	byTop := append([]*block(nil), blocks...)
	sort.SliceStable(byTop, func(i, j int) bool { return byTop[i].y1 > byTop[j].y1 })
	var strips [][]*block
	low := math.Inf(1)
	for _, b := range byTop {
		if len(strips) == 0 || b.y1 < low {
			strips = append(strips, nil)
		}
		strips[len(strips)-1] = append(strips[len(strips)-1], b)
		low = min(low, b.y0)
	}
	return strips
}

// ---- grids of cells ----

// cellGapEm: lines further apart than this (baseline to baseline, in em of
// the larger one) belong to different cells or items.
const cellGapEm = 1.4

// readGrids reads tables set as grids of cells row by row, as a reader
// does: rows of cells that each hold a few lines or bullet points, which
// buildBlocks stacks column by column. A strip of the page (see stripsOf;
// gridRegions joins the strips of a table whose rows never straddle) is
// such a grid when its lines fall into three or more columns; when, at
// least twice below its top line, cells start in three or more columns on
// one baseline and no cell of any column runs across that baseline; and
// when its cells hold three lines or fewer on average. The strip is then
// cut across at every baseline where cells start in two or more columns
// and none runs across, and read band by band, each band with orderBlocks
// (its cells left to right, the lines of a cell together). Other blocks
// keep their order; the table takes the place of its first block.
func readGrids(ordered []*block) []*block {
	if len(ordered) < 4 {
		return ordered
	}
	gridOf := map[*block]int{}
	var grids [][]*block
	try := func(s []*block) bool {
		rows := gridRows(s)
		if rows == nil {
			return false
		}
		for _, b := range s {
			gridOf[b] = len(grids)
		}
		grids = append(grids, rows)
		return true
	}
	for _, region := range gridRegions(stripsOf(ordered)) {
		var all []*block
		for _, s := range region {
			all = append(all, s...)
		}
		if len(region) > 1 && try(all) {
			continue
		}
		for _, s := range region {
			try(s)
		}
	}
	if len(grids) == 0 {
		return ordered
	}
	out := make([]*block, 0, len(ordered))
	done := make([]bool, len(grids))
	for _, b := range ordered {
		g, ok := gridOf[b]
		if !ok {
			out = append(out, b)
			continue
		}
		if !done[g] {
			done[g] = true
			out = append(out, grids[g]...)
		}
	}
	return out
}

// gridRegions groups consecutive strips that may hold one table: a table
// whose cells never straddle a row boundary falls into several strips,
// one a row. Strips join when each has two or more columns of narrow
// lines, the columns of the one do not bridge those of the other, and
// little space separates them.
func gridRegions(strips [][]*block) [][][]*block {
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, s := range strips {
		for _, b := range s {
			minX, maxX = min(minX, b.x0), max(maxX, b.x1)
		}
	}
	colsOf := func(s []*block) [][2]float64 {
		var spans [][2]float64
		for _, b := range s {
			for _, f := range b.lines {
				if f.x1-f.x0 <= 0.4*(maxX-minX) {
					spans = append(spans, [2]float64{f.x0, f.x1})
				}
			}
		}
		return mergeSpans(spans)
	}
	var regions [][][]*block
	var prev [][2]float64
	var prevLow float64
	for _, s := range strips {
		cols := colsOf(s)
		top, low, size := math.Inf(-1), math.Inf(1), 0.0
		for _, b := range s {
			top, low, size = max(top, b.y1), min(low, b.y0), max(size, b.size)
		}
		n := len(regions)
		if n > 0 && len(prev) >= 2 && len(cols) >= 2 && prevLow-top <= 4*size &&
			len(mergeSpans(append(append([][2]float64(nil), prev...), cols...))) >= max(len(prev), len(cols)) {
			regions[n-1] = append(regions[n-1], s)
		} else {
			regions = append(regions, [][]*block{s})
		}
		prev, prevLow = cols, low
	}
	return regions
}

// gridRows returns the blocks of strip s cut into bands of table rows, in
// reading order, or nil when s is not a grid of cells (see readGrids).
func gridRows(s []*block) []*block {
	if len(s) < 4 {
		return nil
	}
	type gline struct {
		f      *fragment
		b      int // block in s
		c0, c1 int // first and last column it overlaps
		row    int // baseline cluster
	}
	var ls []gline
	minX, maxX := math.Inf(1), math.Inf(-1)
	for bi, b := range s {
		for _, f := range b.lines {
			ls = append(ls, gline{f: f, b: bi})
			minX, maxX = min(minX, f.x0), max(maxX, f.x1)
		}
	}
	if len(ls) < 6 || len(ls) > 4000 {
		return nil
	}
	// Columns: the x ranges of the lines narrower than 0.4 of the strip,
	// merged where they overlap; wider lines (a title, a note, a cell
	// spanning columns) only where they overlap none of them.
	width := maxX - minX
	var spans [][2]float64
	for _, l := range ls {
		if l.f.x1-l.f.x0 <= 0.4*width {
			spans = append(spans, [2]float64{l.f.x0, l.f.x1})
		}
	}
	cols := mergeSpans(spans)
	overlaps := func(l gline, c [2]float64) bool { return min(l.f.x1, c[1])-max(l.f.x0, c[0]) > 0 }
	wide := false
	for _, l := range ls {
		in := false
		for _, c := range cols {
			in = in || overlaps(l, c)
		}
		if !in {
			spans = append(spans, [2]float64{l.f.x0, l.f.x1})
			wide = true
		}
	}
	if wide {
		cols = mergeSpans(spans)
	}
	if len(cols) < 3 {
		return nil
	}
	for i := range ls {
		ls[i].c0, ls[i].c1 = -1, -1
		for k, c := range cols {
			if overlaps(ls[i], c) {
				if ls[i].c0 < 0 {
					ls[i].c0 = k
				}
				ls[i].c1 = k
			}
		}
	}
	// Baselines, top down.
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].f.y > ls[j].f.y })
	var rowY []float64
	for i := range ls {
		if n := len(rowY); n == 0 || ls[i].f.y < rowY[n-1]-sameBaseEm*ls[i].f.size {
			rowY = append(rowY, ls[i].f.y)
		}
		ls[i].row = len(rowY) - 1
	}
	byCol := make([][]int, len(cols)) // line indexes, top down
	for i, l := range ls {
		for k := l.c0; k <= l.c1; k++ {
			byCol[k] = append(byCol[k], i)
		}
	}
	starts := make([]map[int]bool, len(rowY)) // columns where a line starts, per baseline
	for _, l := range ls {
		if starts[l.row] == nil {
			starts[l.row] = map[int]bool{}
		}
		starts[l.row][l.c0] = true
	}
	// across reports whether a cell of some column runs across baseline r:
	// the column's last line above it and its first line on or below it
	// are within cellGapEm.
	across := func(r int) bool {
		for _, idx := range byCol {
			j := sort.Search(len(idx), func(j int) bool { return ls[idx[j]].row >= r })
			if j == 0 || j == len(idx) {
				continue
			}
			a, b := ls[idx[j-1]].f, ls[idx[j]].f
			if a.y-b.y <= cellGapEm*max(a.size, b.size) {
				return true
			}
		}
		return false
	}
	cut := make([]bool, len(rowY))
	strong := 0
	for r := 1; r < len(rowY); r++ {
		if len(starts[r]) < 2 || across(r) {
			continue
		}
		cut[r] = true
		if len(starts[r]) >= 3 {
			strong++
		}
	}
	if strong < 2 {
		return nil
	}
	// Bands: the lines of each block between two cuts form a block.
	band := make([]int, len(rowY))
	for r := 1; r < len(rowY); r++ {
		band[r] = band[r-1]
		if cut[r] {
			band[r]++
		}
	}
	type key struct{ band, b int }
	parts := map[key]*block{}
	var keys []key
	for _, l := range ls {
		k := key{band[l.row], l.b}
		p := parts[k]
		if p == nil {
			p = &block{}
			parts[k] = p
			keys = append(keys, k)
		}
		p.add(l.f)
	}
	// Cells hold a few lines each; prose set in three or more columns whose
	// paragraphs happen to start side by side has long ones.
	if len(ls) > 3*len(keys) {
		return nil
	}
	var out []*block
	for i := 0; i < len(keys); {
		j := i
		var bs []*block
		for ; j < len(keys) && keys[j].band == keys[i].band; j++ {
			bs = append(bs, parts[keys[j]])
		}
		out = append(out, orderBlocks(bs)...)
		i = j
	}
	return out
}

// mergeSpans sorts x ranges and merges those that overlap.
func mergeSpans(spans [][2]float64) [][2]float64 {
	s := append([][2]float64(nil), spans...)
	sort.Slice(s, func(i, j int) bool { return s[i][0] < s[j][0] })
	var out [][2]float64
	for _, r := range s {
		if n := len(out); n > 0 && r[0] < out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}
