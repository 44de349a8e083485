package index

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// titleKey normalises a title for matching metadata to documents: case,
// accents, punctuation and spacing do not count.
func titleKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}
