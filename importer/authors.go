package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Author lines as journals print them under a title: "Anna Sundström,¹
// Michael Rönnlund,² Rolf Adolfsson³ and Lars-Göran Nilsson⁴", "Ross G.
// DOUGLAS∗¹, Rajni K. SHARMA†¹, …", "Nuala E. Tully, Karen M. Morgan, and
// Hannah M. McGee". Raised marks (affiliations, footnotes) end a name;
// commas, semicolons, "and", "&" and "·" separate names.

// nameWordStop are words that never occur in a person's name but do in
// the lines next to author lines (affiliations, headings, notices).
var nameWordStop = map[string]bool{
	"department": true, "university": true, "institute": true, "hospital": true, "school": true,
	"college": true, "faculty": true, "division": true, "centre": true, "center": true,
	"laboratory": true, "abstract": true, "introduction": true, "received": true, "accepted": true,
	"correspondence": true, "email": true, "e-mail": true, "keywords": true, "article": true,
	"research": true, "journal": true, "journals": true, "review": true, "the": true, "of": true, "for": true,
	"in": true, "on": true, "with": true, "to": true, "a": true, "an": true, "is": true, "are": true,
	"by": true, "from": true, "at": true, "open": true, "access": true, "original": true,
	"corresponding": true, "author": true, "authors": true, "editor": true, "published": true,
	"copyright": true, "volume": true, "issue": true, "pages": true, "page": true, "doi": true,
	"foundation": true, "society": true, "press": true, "publishing": true, "ltd": true, "inc": true,
	"group": true, "unit": true, "program": true, "programme": true, "clinic": true, "medicine": true,
	"sciences": true, "science": true, "study": true, "studies": true, "analysis": true,
	"background": true, "methods": true, "results": true, "conclusions": true, "summary": true,
	"this": true, "we": true, "our": true, "was": true, "were": true, "has": true, "have": true,
}

// degreeWords are academic degrees printed after names; they are dropped.
var degreeWords = map[string]bool{
	"md": true, "phd": true, "ph.d.": true, "msc": true, "bsc": true, "rn": true, "mph": true,
	"dphil": true, "ma": true, "mba": true, "frcp": true, "frcpc": true, "facs": true, "dds": true,
	"pharmd": true, "psyd": true, "mbbs": true, "mrcpsych": true, "bs": true, "ms": true,
}

var (
	markRunes   = "*∗†‡§¶#⁎⋆"
	trailDigits = pdfPatterns.New(`(\p{L}[\p{L}.'’)]*?)(?:\d+(?:,\d+)*[a-z]?|[a-z](?:,[a-z])+)$`)
	nameSplit   = pdfPatterns.New(`\s*(?:,|;|·|•|&|\b(?:and|AND|und|et)\b|\b[ye]\b)\s*`)
)

// authorToken is one word of an author line, or a mark that ends a name.
type authorToken struct {
	text string
	mark bool // a raised or small mark (affiliation number, footnote sign)
}

// lineTokens turns the words of an author line into tokens: raised or
// small words become marks, marks glued to the end of a word are cut off.
func lineTokens(f *fragment) []authorToken {
	var out []authorToken
	for _, w := range f.words {
		t := strings.TrimSpace(w.text)
		if t == "" {
			continue
		}
		raised := w.y-f.y > 0.15*f.size
		if (w.size < 0.85*f.size && (raised || !hasLetter(t) || utf8.RuneCountInString(t) <= 3)) || raised && utf8.RuneCountInString(t) <= 4 {
			out = append(out, authorToken{mark: true})
			continue
		}
		core, mark := cutMarks(t)
		if core != "" {
			out = append(out, authorToken{text: core})
		}
		if mark {
			out = append(out, authorToken{mark: true})
		}
	}
	return out
}

// cutMarks removes footnote signs and affiliation numbers from the end
// (and signs from the start) of a word: "SHARMA†" → "SHARMA", "Nilsson4"
// → "Nilsson", "Smith1,2," → "Smith,". It reports whether it cut a mark.
func cutMarks(t string) (string, bool) {
	cut := false
	trailPunct := ""
	for {
		r, size := utf8.DecodeLastRuneInString(t)
		switch {
		case r == ',' || r == ';':
			trailPunct = string(r) + trailPunct
			t = t[:len(t)-size]
			continue
		case strings.ContainsRune(markRunes, r) || unicode.Is(unicode.No, r):
			t = t[:len(t)-size]
			cut = true
			continue
		}
		break
	}
	t = strings.TrimLeft(t, markRunes)
	if m := trailDigits.FindStringSubmatch(t); m != nil && hasLetter(m[1]) {
		t = m[1]
		cut = true
	}
	// A mark cut from a word ends the name there; keep any comma after it.
	return t + trailPunct, cut
}

// parseAuthorLines reads the names of one or more author lines. ok is false
// when the lines do not read as a list of personal names.
func parseAuthorLines(lines []*fragment) (authors []Author, ok bool) {
	var pieces []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			pieces = append(pieces, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, f := range lines {
		for _, tok := range lineTokens(f) {
			if tok.mark {
				flush()
				continue
			}
			cur = append(cur, tok.text)
		}
		// A line ends a name unless the name goes on ("Lars-" / "Göran").
		if len(cur) > 0 && !strings.HasSuffix(cur[len(cur)-1], "-") {
			flush()
		}
	}
	flush()
	var names []string
	for _, p := range pieces {
		for _, n := range nameSplit.Split(p, -1) {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	names = joinFamilyInitials(names)
	bad := 0
	for _, n := range names {
		a, good := personName(n)
		if !good {
			bad++
			continue
		}
		authors = append(authors, a)
	}
	if len(authors) == 0 || bad*4 > len(names) {
		return nil, false
	}
	return authors, true
}

// joinFamilyInitials pairs names written "Family, I." that a split at
// commas cut in two ("Sundström, A., Rönnlund, M.").
func joinFamilyInitials(names []string) []string {
	initialsOnly := func(s string) bool {
		for _, w := range strings.Fields(s) {
			w = strings.TrimSuffix(w, ".")
			for _, part := range strings.Split(w, ".") {
				if utf8.RuneCountInString(part) > 2 || part == "" {
					return false
				}
			}
		}
		return s != ""
	}
	var out []string
	for i := 0; i < len(names); i++ {
		if i+1 < len(names) && len(strings.Fields(names[i])) == 1 && initialsOnly(names[i+1]) {
			out = append(out, names[i+1]+" "+names[i])
			i++
			continue
		}
		out = append(out, names[i])
	}
	return out
}

// personName splits "Given Family" into an Author, reporting false when s
// does not look like a person's name. Family names set in capitals
// ("DOUGLAS") are written in title case.
func personName(s string) (Author, bool) {
	var words []string
	for _, w := range strings.Fields(s) {
		if degreeWords[strings.ToLower(strings.Trim(w, ".,"))] {
			continue
		}
		words = append(words, w)
	}
	if len(words) < 2 || len(words) > 6 {
		return Author{}, false
	}
	allCaps := true
	for _, w := range words {
		if hasLower(w) {
			allCaps = false
		}
	}
	for i, w := range words {
		lw := strings.ToLower(strings.Trim(w, ".,"))
		if utf8.RuneCountInString(lw) > 1 && nameWordStop[lw] {
			return Author{}, false
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !nameParticles[lw] && !(i > 0 && (lw == "y" || lw == "e")) {
			return Author{}, false
		}
		if utf8.RuneCountInString(w) > 24 {
			return Author{}, false
		}
		for _, c := range w {
			if !unicode.IsLetter(c) && !unicode.Is(unicode.Mn, c) && !strings.ContainsRune(".-'’‐", c) {
				return Author{}, false
			}
		}
		// Names in capitals, whole or family only: "DOUGLAS" → "Douglas".
		if isCapsWord(w) && (allCaps || i > 0) {
			words[i] = titleCaseName(w)
		}
	}
	a := parseName(strings.Join(words, " "))
	if a.Family == "" || a.Given == "" {
		return Author{}, false
	}
	return a, true
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// isCapsWord reports whether w is a word of two or more capitals (not an
// initial "K." or initials "J.R.").
func isCapsWord(w string) bool {
	n := 0
	for _, r := range w {
		switch {
		case unicode.IsLower(r):
			return false
		case r == '.':
			return false
		case unicode.IsLetter(r):
			n++
		}
	}
	return n >= 2
}

// titleCaseName writes a name in capitals in title case, each part of a
// compound too: "O’CONNELL" → "O’Connell", "AGYEMAN-DUAH" → "Agyeman-Duah",
// "MCGEE" → "Mcgee" (the capitals do not say more).
func titleCaseName(w string) string {
	var b strings.Builder
	start := true
	for _, r := range w {
		if unicode.IsLetter(r) {
			if start {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
			start = false
			continue
		}
		b.WriteRune(r)
		start = r == '-' || r == '\'' || r == '’' || r == '‐'
	}
	return b.String()
}

// authorsFromList reads a list of names given as metadata strings (XMP
// dc:creator entries, an /Info /Author), each "Given Family" or "Family,
// Given". ok is false when any entry is not a plausible personal name.
func authorsFromList(list []string) ([]Author, bool) {
	var out []Author
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.ContainsAny(s, "{}[]<>@0123456789") || strings.Contains(strings.ToLower(s), "et al") {
			return nil, false
		}
		if i := strings.IndexByte(s, ','); i > 0 {
			// "Family, Given"
			family, given := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
			a, ok := personName(given + " " + family)
			if !ok {
				return nil, false
			}
			a = Author{Family: family, Given: given}
			if isCapsWord(family) {
				a.Family = titleCaseName(family)
			}
			out = append(out, a)
			continue
		}
		a, ok := personName(s)
		if !ok {
			return nil, false
		}
		out = append(out, a)
	}
	return out, len(out) > 0
}
