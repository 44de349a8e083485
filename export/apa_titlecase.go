package export

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// APA 7 writes the names of journals (and of other periodicals) in title
// case, whatever case the record gives: "American journal of psychiatric
// rehabilitation" is cited as "American Journal of Psychiatric
// Rehabilitation".

// minorWords stay lower case inside a title (APA 7, 6.17: conjunctions,
// articles and prepositions of three letters or fewer), unless they begin
// it or follow a colon.
var minorWords = map[string]bool{
	"a": true, "an": true, "the": true,
	"and": true, "as": true, "but": true, "for": true, "if": true, "nor": true, "or": true, "so": true, "yet": true,
	"at": true, "by": true, "in": true, "of": true, "off": true, "on": true, "per": true, "to": true, "up": true, "via": true,
	"vs": true, "vs.": true, "v.": true,
}

// foreignMinorWords are small words of other languages, left as they are
// written (lower case in "Revista de Saúde Pública").
var foreignMinorWords = map[string]bool{
	"de": true, "la": true, "le": true, "les": true, "des": true, "du": true, "et": true, "en": true,
	"y": true, "e": true, "el": true, "los": true, "las": true, "da": true, "do": true, "dos": true, "di": true, "del": true, "della": true,
	"und": true, "für": true, "der": true, "die": true, "das": true, "och": true, "för": true, "och/eller": true,
}

// JournalTitleCase writes a periodical's name in title case: the first
// letter of every major word capitalised, minor words (and, of, the, in …)
// lower case except first and after a colon, each part of a hyphenated
// word capitalised. Words the record capitalises inside (acronyms such as
// BMC and JAMA, names such as PLoS, McGill or eHealth) and words with
// digits are kept as written. A name written in capitals only is read as
// shouting: its words of more than four letters are recased, shorter ones
// (BMC, JAMA, PLOS) kept as acronyms.
func JournalTitleCase(name string) string {
	name = oneLine(name)
	if name == "" {
		return ""
	}
	shouting := isShouting(name)
	words := strings.Split(name, " ")
	capNext := true
	for i, w := range words {
		words[i] = titleCaseWord(w, capNext, shouting)
		capNext = endsClause(w)
	}
	return strings.Join(words, " ")
}

// isShouting tells a name written in capitals only, with words long
// enough that they are not all acronyms.
func isShouting(s string) bool {
	long := false
	for _, w := range strings.Fields(s) {
		if letters(w) > 4 {
			long = true
		}
	}
	return long && strings.IndexFunc(s, unicode.IsLower) < 0
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// endsClause tells a word after which the next begins a new clause (a
// subtitle after a colon, a dash).
func endsClause(w string) bool {
	w = strings.TrimRight(w, "”’\"')]")
	return strings.HasSuffix(w, ":") || strings.HasSuffix(w, "?") || strings.HasSuffix(w, "!") ||
		w == "–" || w == "—" || w == "-"
}

func titleCaseWord(w string, first, shouting bool) string {
	// Leading and trailing punctuation ("(London", "Health:") stays put.
	start := strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	if start < 0 {
		return w
	}
	end := strings.LastIndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' })
	_, size := utf8.DecodeRuneInString(w[end:])
	lead, core, trail := w[:start], w[start:end+size], w[end+size:]
	if strings.IndexFunc(core, unicode.IsDigit) >= 0 {
		return w
	}
	if shouting {
		if letters(core) <= 4 && !minorWords[strings.ToLower(core)] {
			return w // BMC, JAMA, PLOS: an acronym
		}
		core = strings.ToLower(core)
	} else if hasInnerCapital(core) {
		return w
	}
	parts := strings.Split(core, "-")
	for j, p := range parts {
		lower := strings.ToLower(p)
		switch {
		case (first && j == 0) || p == "":
			parts[j] = capitalise(p)
		case minorWords[lower]:
			parts[j] = lower
		case foreignMinorWords[p]:
			// as written
		default:
			parts[j] = capitalise(p)
		}
	}
	return lead + strings.Join(parts, "-") + trail
}

// hasInnerCapital tells a word with a capital after its first letter (of
// the word or of a hyphenated part's first letter): BMC, PLoS, McGill,
// eHealth.
func hasInnerCapital(w string) bool {
	for _, part := range strings.Split(w, "-") {
		for i, r := range part {
			if i > 0 && unicode.IsUpper(r) {
				return true
			}
		}
	}
	// "e-Health": a capital after a lower-case part.
	parts := strings.Split(w, "-")
	for j := 1; j < len(parts); j++ {
		r, _ := utf8.DecodeRuneInString(parts[j])
		p0, _ := utf8.DecodeRuneInString(parts[0])
		if unicode.IsUpper(r) && unicode.IsLower(p0) {
			return true
		}
	}
	return false
}

func capitalise(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	if r == utf8.RuneError {
		return w
	}
	return string(unicode.ToTitle(r)) + w[size:]
}
