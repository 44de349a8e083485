package index

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	unicodetokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// Diacritic folding. A word with diacritics is indexed twice at its
// position: as written and folded ("rönnlund" and "ronnlund"), as ICU's
// accent folding in Zotero and Recoll finds it. A query word is analysed
// the same way, so "ronnlund" finds "Rönnlund" (its folded form), and
// "Rönnlund" matches a page with "Rönnlund" on both forms and one with
// "Ronnlund" on one: exact matches rank first.

// englishAnalyzer is the name of the analyzer of every text field but the
// page text's own (pageTextAnalyzer, pairsAnalyzer): Bleve's English
// analyzer with diacritics folded.
const englishAnalyzer = "rapport_en"

// englishFilters are the token filters of the English analysis with
// folding: possessives, lower case, folding, stop words, Porter stems, and
// a folded form the stemmer made equal to its original dropped.
func englishFilters(cache *registry.Cache) ([]analysis.TokenFilter, error) {
	var filters []analysis.TokenFilter
	for _, name := range []string{en.PossessiveName, lowercase.Name, "", en.StopName, porter.Name} {
		if name == "" {
			filters = append(filters, foldFilter{})
			continue
		}
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	return append(filters, dropRepeatFilter{}), nil
}

func newEnglishAnalyzer(cache *registry.Cache) (analysis.Analyzer, error) {
	tokenizer, err := cache.TokenizerNamed(unicodetokenizer.Name)
	if err != nil {
		return nil, err
	}
	filters, err := englishFilters(cache)
	if err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{Tokenizer: tokenizer, TokenFilters: filters}, nil
}

func init() {
	// Registering only fails on a name registered twice: a programming
	// error that every test of this package would show.
	if err := registry.RegisterAnalyzer(englishAnalyzer, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		return newEnglishAnalyzer(cache)
	}); err != nil {
		panic(err)
	}
}

// foldFilter follows every token that has diacritics with its folded form
// at the same position.
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream // nil until a token is folded
	for i, t := range input {
		folded, ok := foldTerm(t.Term)
		if !ok {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = make(analysis.TokenStream, 0, len(input)+8)
			out = append(out, input[:i]...)
		}
		f := *t
		f.Term = folded
		out = append(out, t, &f)
	}
	if out == nil {
		return input
	}
	return out
}

// dropRepeatFilter drops a token equal to the one before it at the same
// position (a folded form the stemmer made equal to the original).
type dropRepeatFilter struct{}

func (dropRepeatFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := input[:0]
	for i, t := range input {
		if i > 0 && len(out) > 0 {
			prev := out[len(out)-1]
			if prev.Position == t.Position && bytes.Equal(prev.Term, t.Term) {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// foldedLetters are lower-case letters with no canonical decomposition
// that folding still turns into plain Latin letters.
var foldedLetters = map[rune]string{
	'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'ħ': "h", 'ı': "i", 'ŧ': "t",
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'þ': "th", 'ĸ': "k", 'ŀ': "l",
}

// foldTerm returns a lower-case term without its diacritics (combining
// marks removed after canonical decomposition, and the letters of
// foldedLetters replaced), and whether that differs from the term.
func foldTerm(term []byte) ([]byte, bool) {
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return nil, false
	}
	var b strings.Builder
	b.Grow(len(term))
	changed := false
	for _, r := range norm.NFD.String(string(term)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			changed = true
		case foldedLetters[r] != "":
			b.WriteString(foldedLetters[r])
			changed = true
		default:
			b.WriteRune(r)
		}
	}
	if !changed {
		return nil, false
	}
	folded := norm.NFC.String(b.String())
	if folded == "" || folded == string(term) {
		return nil, false
	}
	return []byte(folded), true
}

// foldString folds a whole string as foldTerm folds a term (lower case
// first); for query terms that are not analysed (prefix*, wildcards).
func foldString(s string) string {
	if f, ok := foldTerm([]byte(strings.ToLower(s))); ok {
		return string(f)
	}
	return strings.ToLower(s)
}
