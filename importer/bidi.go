package importer

import (
	"unicode"
	"unicode/utf8"
)

// Right-to-left scripts (Hebrew, Arabic) are drawn on the page from left
// to right like any other text, so a line read by position comes out in
// visual order, its words' letters reversed. logicalOrder puts a line's
// text back into the order it is read in: the line's runs of right-to-left
// letters reversed, and, on a line that is mostly right-to-left, the order
// of its runs too; numbers and left-to-right words keep their own order
// inside. The unit reversed is a glyph's text (a lam-alef ligature's two
// letters stay in their order), with the combining marks drawn over it.

// isRTL reports whether r is a letter of a right-to-left script.
func isRTL(r rune) bool {
	switch {
	case r >= 0x0590 && r <= 0x08FF: // Hebrew, Arabic, Syriac, Thaana, NKo, …
		return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
	case r >= 0xFB1D && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFF: // presentation forms
		return true
	}
	return false
}

// hasRTL reports whether s holds a right-to-left letter (cheaply: only
// strings with bytes of those blocks are decoded).
func hasRTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0xD6 && c <= 0xDF || c == 0xEF {
			for _, r := range s[i:] {
				if isRTL(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// cluster is one unit of reordering: bytes [start, end) of the text.
type cluster struct {
	start, end int
	dir        int8 // 1 right-to-left, -1 left-to-right, 0 neutral
}

var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«'}

// logicalOrder reorders a line given in visual order (see above). bounds
// holds the byte offsets where each glyph's text starts (nil: every
// character is its own glyph); src, when not nil, is reordered alongside.
func logicalOrder(t ttext, bounds []int) ttext {
	if !hasRTL(t.s) {
		return t
	}
	starts := map[int]bool{}
	for _, b := range bounds {
		starts[b] = true
	}
	var cs []cluster
	rtl, ltr := 0, 0
	for i, r := range t.s {
		size := utf8.RuneLen(r)
		d := int8(0)
		switch {
		case isRTL(r):
			d = 1
			rtl++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			d = -1
			ltr++
		}
		// A combining mark, or a later character of one glyph's text,
		// goes with the cluster before it.
		joins := len(cs) > 0 && (unicode.Is(unicode.Mn, r) || bounds != nil && !starts[i] && i > 0 && !(t.src != nil && t.src[i] < 0))
		if joins {
			cs[len(cs)-1].end = i + size
			if cs[len(cs)-1].dir == 0 {
				cs[len(cs)-1].dir = d
			}
			continue
		}
		cs = append(cs, cluster{i, i + size, d})
	}
	base := int8(-1)
	if rtl >= ltr {
		base = 1
	}
	// Neutrals take the direction of their neighbours when both agree,
	// else the line's.
	for i := range cs {
		if cs[i].dir != 0 {
			continue
		}
		prev, next := int8(0), int8(0)
		for j := i - 1; j >= 0 && prev == 0; j-- {
			prev = cs[j].dir
		}
		for j := i + 1; j < len(cs) && next == 0; j++ {
			next = cs[j].dir
		}
		if prev == next && prev != 0 {
			cs[i].dir = prev
		} else {
			cs[i].dir = base
		}
	}
	// Runs of one direction.
	type run struct{ from, to int } // clusters [from, to)
	var runs []run
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].dir == cs[i].dir {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	if base == 1 {
		for a, b := 0, len(runs)-1; a < b; a, b = a+1, b-1 {
			runs[a], runs[b] = runs[b], runs[a]
		}
	}
	out := tbuilder{trace: t.src != nil}
	emit := func(c cluster, mirror bool) {
		piece := t.slice(c.start, c.end)
		if mirror {
			if r, size := utf8.DecodeRuneInString(piece.s); size == len(piece.s) {
				if m, ok := mirrored[r]; ok {
					piece.s = string(m)
				}
			}
		}
		out.add(piece)
	}
	for _, rn := range runs {
		if cs[rn.from].dir == 1 {
			for k := rn.to - 1; k >= rn.from; k-- {
				emit(cs[k], true)
			}
			continue
		}
		for k := rn.from; k < rn.to; k++ {
			emit(cs[k], false)
		}
	}
	return out.text()
}
