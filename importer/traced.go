package importer

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tracing: every character of a page's text can be traced to the glyph it
// was read from, and so to its box on the page (see Box). The layout engine
// builds text as ttext values, which carry, when the extraction traces, the
// index of the source glyph of each byte; the layout's own additions (the
// space between two words, the blank line between paragraphs) have none.
// Without tracing src stays nil and costs nothing.

// ttext is text with its provenance: src[i] is the index, among the page's
// glyphs, of the glyph byte i of s came from, or -1 for a byte the layout
// put in. src is nil when the extraction does not trace.
type ttext struct {
	s   string
	src []int32
}

// tbuilder builds a ttext piece by piece.
type tbuilder struct {
	buf   []byte
	src   []int32
	trace bool
}

func (t *tbuilder) add(x ttext) {
	t.buf = append(t.buf, x.s...)
	if t.trace {
		if x.src != nil {
			t.src = append(t.src, x.src...)
		} else {
			t.src = appendUntraced(t.src, len(x.s))
		}
	}
}

// addLayout adds text the layout puts in (a separator).
func (t *tbuilder) addLayout(s string) {
	t.buf = append(t.buf, s...)
	if t.trace {
		t.src = appendUntraced(t.src, len(s))
	}
}

// dropLastRune removes the last character (a line-end hyphen).
func (t *tbuilder) dropLastRune() {
	_, size := utf8.DecodeLastRune(t.buf)
	t.buf = t.buf[:len(t.buf)-size]
	if t.trace {
		t.src = t.src[:len(t.buf)]
	}
}

func (t *tbuilder) String() string { return string(t.buf) }

func (t *tbuilder) text() ttext {
	x := ttext{s: string(t.buf)}
	if t.trace {
		x.src = t.src
	}
	return x
}

func appendUntraced(src []int32, n int) []int32 {
	for range n {
		src = append(src, -1)
	}
	return src
}

// trimSpace is strings.TrimSpace for traced text.
func trimSpace(x ttext) ttext {
	start, end := 0, len(x.s)
	for start < end {
		r, size := utf8.DecodeRuneInString(x.s[start:])
		if !unicode.IsSpace(r) {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(x.s[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return x.slice(start, end)
}

func (x ttext) slice(i, j int) ttext {
	out := ttext{s: x.s[i:j]}
	if x.src != nil {
		out.src = x.src[i:j]
	}
	return out
}

// nfcTraced normalises traced text to NFC: the bytes of each normalisation
// segment (a letter and the accents composed with it) take the source of
// its first traced byte.
func nfcTraced(x ttext) ttext {
	if x.src == nil || norm.NFC.IsNormalString(x.s) {
		if x.src == nil {
			x.s = norm.NFC.String(x.s)
		}
		return x
	}
	var it norm.Iter
	it.InitString(norm.NFC, x.s)
	out := make([]byte, 0, len(x.s))
	src := make([]int32, 0, len(x.s))
	pos := 0
	for !it.Done() {
		seg := it.Next()
		next := it.Pos()
		from := int32(-1)
		for _, g := range x.src[pos:next] {
			if g >= 0 {
				from = g
				break
			}
		}
		out = append(out, seg...)
		for range seg {
			src = append(src, from)
		}
		pos = next
	}
	return ttext{s: string(out), src: src}
}

// Box is a character's box on its page, in PDF user space points (origin
// at the bottom left of the page's coordinate system, y up; the page's
// /Rotate not applied), as float32 to keep a page's boxes small.
type Box struct{ X0, Y0, X1, Y1 float32 }

// Empty reports whether the box is the zero box of a character the layout
// put in (a space between words, a paragraph break).
func (b Box) Empty() bool { return b == Box{} }

// fromFrame maps a point of a writing direction's frame back to the page
// (the inverse of toFrame).
func fromFrame(rot uint8, fx, fy float64) (float64, float64) {
	switch rot {
	case 1:
		return -fy, fx
	case 2:
		return -fx, -fy
	case 3:
		return fy, -fx
	}
	return fx, fy
}

// glyphBox is a glyph's box on the page: its advance along the baseline,
// from a descender's depth to an ascender's height. Part k of parts is the
// box of the k-th character of a glyph that stands for several (an "ffi"
// ligature).
func glyphBox(g *glyph, k, parts int) Box {
	x0, x1 := g.x0, g.x1
	if parts > 1 {
		w := (x1 - x0) / float64(parts)
		x0, x1 = x0+float64(k)*w, x0+float64(k+1)*w
	}
	size := g.size
	if size <= 0 {
		size = 1
	}
	ax, ay := fromFrame(g.rot, x0, g.y-0.22*size)
	bx, by := fromFrame(g.rot, x1, g.y+0.78*size)
	return Box{
		X0: float32(min(ax, bx)), Y0: float32(min(ay, by)),
		X1: float32(max(ax, bx)), Y1: float32(max(ay, by)),
	}
}

// boxesOf gives each character (rune) of traced page text its glyph's box.
func boxesOf(x ttext, glyphs []glyph) []Box {
	n := utf8.RuneCountInString(x.s)
	boxes := make([]Box, n)
	if x.src == nil {
		return boxes
	}
	// First pass: each rune's glyph, so that the characters of one glyph
	// can share its width.
	gi := make([]int32, 0, n)
	for i := range x.s {
		gi = append(gi, x.src[i])
	}
	for r := 0; r < len(gi); {
		g := gi[r]
		end := r + 1
		for end < len(gi) && gi[end] == g && g >= 0 {
			end++
		}
		if g >= 0 && int(g) < len(glyphs) {
			for k := r; k < end; k++ {
				boxes[k] = glyphBox(&glyphs[g], k-r, end-r)
			}
		}
		r = end
	}
	return boxes
}
