package importer

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// letterFolds maps letters that carry no combining mark in Unicode, and so
// survive decomposition, to their plain Latin spelling.
var letterFolds = map[rune]string{
	'ø': "o", 'Ø': "o", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'þ': "th", 'Þ': "th", 'ı': "i", 'ß': "ss", 'ĸ': "k",
}

var titleFolder = cases.Fold()

// NormalizeTitle reduces a title to a key for matching metadata to
// documents: compatibility-normalised (NFKC: ligatures and full-width forms
// become plain letters), case-folded, stripped of diacritics and
// punctuation, with single spaces between words. Two spellings of the same
// title ("“Everything is so relaxed…” – The construction" and "Everything
// is so relaxed... The Construction") give the same key. Letters of other
// scripts (Chinese, Cyrillic, ...) are kept.
func NormalizeTitle(s string) string {
	s = norm.NFKC.String(s)
	s = titleFolder.String(s)
	s = norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if f, ok := letterFolds[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		case r == '\'' || r == '’' || r == 'ʼ':
			// Apostrophes join: "participants’" and "participants'" match
			// "participants".
		default:
			space = true
		}
	}
	return norm.NFC.String(b.String())
}

// PlausibleTitle reports whether s looks like the title of a work rather
// than a file name, a job number, a journal running head or a sentence of
// body text: 2–60 words, at most 400 characters, mostly letters, no file
// extension or authoring-tool name.
func PlausibleTitle(s string) bool {
	s = strings.TrimSpace(s)
	n := len([]rune(s))
	if n < 8 || n > 400 {
		return false
	}
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 60 {
		return false
	}
	letters, digits := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters < 4 || digits*2 > letters {
		return false
	}
	low := strings.ToLower(s)
	for _, junk := range []string{".dvi", ".doc", ".pdf", ".tex", ".indd", ".qxd", ".rtf", "untitled", "microsoft word", "powerpoint", "template"} {
		if strings.Contains(low, junk) {
			return false
		}
	}
	if strings.HasPrefix(low, "doi") || strings.HasPrefix(low, "http") || strings.HasPrefix(low, "www.") {
		return false
	}
	return true
}
