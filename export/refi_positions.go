package export

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Selection positions.
//
// The REFI-QDA standard says positions count characters, and its readers
// disagree on what a character is. NVivo counts UTF-16 code units (three
// NVivo projects checked: UTF-16 puts 97/97, 294/297 and 300/303 of their
// selections on word boundaries, code points 60/97, 58/297 and 49/303);
// QualCoder takes its positions from Qt's text widget, UTF-16 too; ATLAS.ti
// and MAXQDA (Windows and .NET programs) are taken to count UTF-16 as
// well, unverified. Rapport itself wrote code points until it switched to
// UTF-16 (rapport.json says which). The two differ only after a character
// outside the Basic Multilingual Plane (an emoji, 𝑥), which counts two
// UTF-16 units and one code point.
//
// So positions are read per source: where the text has no such character
// the two agree; otherwise each selection is read both ways. A selection
// whose name is its quote (QualCoder, ATLAS.ti and Rapport write one)
// takes the reading whose text the name matches; the others take the
// reading that puts more of the source's selections on word boundaries,
// and, when that is a tie, the reading of the tool that wrote the file. A
// selection whose name is a quote found in the text but at neither
// reading's position is reported.

// posUnit is what a project's positions count.
type posUnit int

const (
	unitUTF16     posUnit = iota // UTF-16 code units
	unitCodePoint                // Unicode code points
)

func (u posUnit) String() string {
	if u == unitCodePoint {
		return "code points"
	}
	return "UTF-16 units"
}

// positionsUTF16 is the value of rapport.json's "positions" when the
// project counts UTF-16 units.
const positionsUTF16 = "utf-16"

// toolUnit is how the tool that wrote a project counts, by its origin
// attribute; rapportPositions is rapport.json's "positions" ("" when the
// project has no rapport.json or an old one).
func toolUnit(origin, rapportPositions string) posUnit {
	if strings.HasPrefix(origin, Origin) && rapportPositions != positionsUTF16 {
		return unitCodePoint
	}
	return unitUTF16
}

// sourceText is a source's text as the project holds it, with what maps
// its positions to code points of its NFC form (Rapport's offsets).
type sourceText struct {
	raw   []rune
	u16   []int // u16[i]: UTF-16 offset of raw[i]; len(raw)+1 entries; nil when no rune needs two units
	nfc   string
	nfcOf []int // nfcOf[i]: code point offset in nfc of raw offset i; nil when raw is NFC
}

func newSourceText(text string) *sourceText {
	s := &sourceText{raw: []rune(text)}
	astral := false
	for _, r := range s.raw {
		if r > 0xFFFF {
			astral = true
			break
		}
	}
	if astral {
		s.u16 = make([]int, len(s.raw)+1)
		for i, r := range s.raw {
			n := 1
			if r > 0xFFFF {
				n = 2
			}
			s.u16[i+1] = s.u16[i] + n
		}
	}
	if norm.NFC.IsNormalString(text) {
		s.nfc = text
		return s
	}
	s.nfc = norm.NFC.String(text)
	// Map raw offsets to NFC offsets segment by segment: NFC changes
	// nothing across a normalisation boundary, so each segment's code
	// points map to its normalised form's, and an offset inside a
	// segment that composition shortens maps to the segment's end.
	s.nfcOf = make([]int, len(s.raw)+1)
	b := []byte(text)
	rawAt, nfcAt := 0, 0
	for len(b) > 0 {
		n := norm.NFC.NextBoundary(b, true)
		if n <= 0 {
			n = len(b)
		}
		seg := b[:n]
		segRunes := utf8.RuneCount(seg)
		segNFC := utf8.RuneCount(norm.NFC.Bytes(seg))
		for k := 0; k < segRunes; k++ {
			s.nfcOf[rawAt+k] = nfcAt + min(k, segNFC)
		}
		rawAt += segRunes
		nfcAt += segNFC
		b = b[n:]
	}
	s.nfcOf[len(s.raw)] = nfcAt
	return s
}

// hasAstral tells whether the units give different positions.
func (s *sourceText) hasAstral() bool { return s.u16 != nil }

// runeIndex turns a position in unit u into an offset of the raw text; ok
// is false outside the text or inside a character's two UTF-16 units.
func (s *sourceText) runeIndex(pos int, u posUnit) (int, bool) {
	if pos < 0 {
		return 0, false
	}
	if u == unitCodePoint || s.u16 == nil {
		return pos, pos <= len(s.raw)
	}
	lo, hi := 0, len(s.u16)-1
	for lo < hi { // first i with u16[i] >= pos
		mid := (lo + hi) / 2
		if s.u16[mid] < pos {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, s.u16[lo] == pos
}

// toNFC maps a raw offset to a code point offset of the NFC text.
func (s *sourceText) toNFC(i int) int {
	if s.nfcOf == nil {
		return i
	}
	return s.nfcOf[i]
}

// rawSpan is a selection read in one unit: offsets of the raw text.
type rawSpan struct {
	start, end int
	ok         bool // inside the text, on character boundaries
}

func (s *sourceText) span(start, end int, u posUnit) rawSpan {
	a, ok1 := s.runeIndex(start, u)
	b, ok2 := s.runeIndex(end, u)
	return rawSpan{a, b, ok1 && ok2 && a <= b}
}

// onWordBoundaries tells whether a span starts where a word does and ends
// where one ends: not inside a word, and not on white space (a selection
// read one character off starts or ends with a space or a cut word).
func (s *sourceText) onWordBoundaries(sp rawSpan) bool {
	if sp.end <= sp.start {
		return false
	}
	word := func(i int) bool {
		return i >= 0 && i < len(s.raw) && (unicode.IsLetter(s.raw[i]) || unicode.IsDigit(s.raw[i]))
	}
	space := func(i int) bool { return unicode.IsSpace(s.raw[i]) }
	return !(word(sp.start-1) && word(sp.start)) && !(word(sp.end-1) && word(sp.end)) && !space(sp.start) && !space(sp.end-1)
}

// quoteKey is a quote as names and texts are compared: NFC, white space
// collapsed, a trailing ellipsis (a shortened name) dropped.
func quoteKey(q string) string {
	q = strings.Join(strings.Fields(norm.NFC.String(q)), " ")
	q = strings.TrimSuffix(q, "…")
	q = strings.TrimSuffix(q, "...")
	return strings.TrimSpace(q)
}

// nameFits tells whether a selection's name is the text of the span or its
// start (tools shorten long names, with or without an ellipsis).
func (s *sourceText) nameFits(nameKey string, sp rawSpan) bool {
	if nameKey == "" || !sp.ok {
		return false
	}
	return strings.HasPrefix(quoteKey(string(s.raw[sp.start:sp.end])), nameKey)
}

// nameInText tells whether a name is a quote of the text somewhere, so
// that a name matching neither reading says the positions are wrong
// rather than that the name is a label ("Selection 3").
func (s *sourceText) nameInText(nameKey string, textKey *string) bool {
	if nameKey == "" || utf8.RuneCountInString(nameKey) < 4 {
		return false
	}
	if *textKey == "" {
		*textKey = quoteKey(string(s.raw))
	}
	return strings.Contains(*textKey, nameKey)
}

// positioned is a selection's span as read, or why it could not be.
type positioned struct {
	span    rawSpan
	unit    posUnit
	fits    bool // the name, a quote of the text, matched neither reading
	outside bool // neither reading lies inside the text
}

// readPositions reads the positions of a source's selections: starts and
// ends in the project's numbers, names as written. It returns one entry
// per selection and the unit the source was read in (the one most of its
// selections fit).
func (s *sourceText) readPositions(starts, ends []int, names []string, tool posUnit) ([]positioned, posUnit) {
	out := make([]positioned, len(starts))
	if !s.hasAstral() {
		for i := range starts {
			sp := s.span(starts[i], ends[i], unitCodePoint)
			out[i] = positioned{span: sp, unit: tool, fits: true, outside: !sp.ok}
			if sp.ok && names[i] != "" {
				key := quoteKey(names[i])
				if !s.nameFits(key, sp) {
					var textKey string
					out[i].fits = !s.nameInText(key, &textKey)
				}
			}
		}
		return out, tool
	}
	// The source's unit: names first, then word boundaries, then the tool.
	score := [2]int{}
	keys := make([]string, len(starts))
	for i := range starts {
		u16 := s.span(starts[i], ends[i], unitUTF16)
		cp := s.span(starts[i], ends[i], unitCodePoint)
		keys[i] = quoteKey(names[i])
		if u16 == cp {
			continue
		}
		for u, sp := range [2]rawSpan{unitUTF16: u16, unitCodePoint: cp} {
			if !sp.ok {
				continue
			}
			if s.nameFits(keys[i], sp) {
				score[u] += 3
			}
			if s.onWordBoundaries(sp) {
				score[u]++
			}
		}
	}
	unit := tool
	if score[unitUTF16] > score[unitCodePoint] {
		unit = unitUTF16
	} else if score[unitCodePoint] > score[unitUTF16] {
		unit = unitCodePoint
	}
	var textKey string
	for i := range starts {
		read := [2]rawSpan{unitUTF16: s.span(starts[i], ends[i], unitUTF16), unitCodePoint: s.span(starts[i], ends[i], unitCodePoint)}
		other := unitCodePoint
		if unit == unitCodePoint {
			other = unitUTF16
		}
		p := positioned{span: read[unit], unit: unit, fits: true}
		switch {
		case keys[i] != "" && s.nameFits(keys[i], read[unit]):
		case keys[i] != "" && s.nameFits(keys[i], read[other]):
			p.span, p.unit = read[other], other
		case !read[unit].ok && read[other].ok:
			p.span, p.unit = read[other], other
		case !read[unit].ok:
			p.outside = true
		default:
			p.fits = !s.nameInText(keys[i], &textKey)
		}
		if p.span.ok && keys[i] != "" && !s.nameFits(keys[i], p.span) && p.fits {
			p.fits = !s.nameInText(keys[i], &textKey)
		}
		out[i] = p
	}
	return out, unit
}
