package bench

import (
	"fmt"
	"math/rand/v2"
)

// Query is one benchmark query, in Rapport's (Bleve) syntax and, where the
// same question can be put to Recoll, in Recoll's.
type Query struct {
	Kind   string   `json:"kind"` // word, rare, phrase, boolean, field, prefix, theme
	Bleve  string   `json:"bleve"`
	Themes []string `json:"themes,omitempty"` // theme filter (needs coded passages)
	Recoll string   `json:"recoll,omitempty"` // "" when Recoll cannot express it
}

// Queries returns the fixed query set: at least 100 queries over the
// controlled vocabulary, the same for every run with the same seed.
// themes are the names of themes coded in the library ("" none: no theme
// queries).
func Queries(seed uint64, themes []string) []Query {
	r := rand.New(rand.NewPCG(seed, 0xbe9c4))
	var qs []Query
	add := func(kind, bleve, recoll string) { qs = append(qs, Query{Kind: kind, Bleve: bleve, Recoll: recoll}) }
	// Single words: the most frequent, the middle and the rare.
	for i := 0; i < 24; i++ {
		w := nouns[i*len(nouns)/24]
		add("word", w, w)
	}
	for i := 0; i < 8; i++ {
		w := adjectives[r.IntN(len(adjectives))]
		add("word", w, w)
	}
	for i := 0; i < 8; i++ {
		w := tailWord(r.IntN(tailSize))
		add("rare", w, w)
	}
	// Phrases.
	for i := 0; i < 20; i++ {
		p := fmt.Sprintf("%q", adjectives[r.IntN(12)]+" "+nouns[r.IntN(30)])
		add("phrase", p, p)
	}
	// Boolean: all of, none of, either of.
	for i := 0; i < 8; i++ {
		a, b := nouns[r.IntN(40)], nouns[40+r.IntN(60)]
		add("boolean", "+"+a+" +"+b, a+" "+b)
	}
	for i := 0; i < 6; i++ {
		a, b := nouns[r.IntN(20)], nouns[20+r.IntN(60)]
		add("boolean", "+"+a+" -"+b, a+" -"+b)
	}
	for i := 0; i < 6; i++ {
		a, b := nouns[60+r.IntN(60)], nouns[60+r.IntN(60)]
		add("boolean", a+" "+b, a+" OR "+b)
	}
	// Field filters (metadata Recoll does not have is left to Rapport).
	for i := 0; i < 6; i++ {
		w := nouns[r.IntN(30)]
		add("field", fmt.Sprintf("+year:%d +%s", 2000+r.IntN(25), w), "")
	}
	for i := 0; i < 4; i++ {
		f := familyNames[r.IntN(len(familyNames))]
		w := nouns[r.IntN(30)]
		add("field", fmt.Sprintf("+author:%s +%s", f, w), "")
	}
	for i := 0; i < 4; i++ {
		w := nouns[r.IntN(20)]
		add("field", "title:"+w, "title:"+w)
	}
	// Prefixes.
	for _, p := range []string{"recov", "profession", "coach", "trus", "interv", "partic"} {
		add("prefix", p+"*", p+"*")
	}
	// Theme filters: a word on pages coded with a theme.
	for i, t := range themes {
		if i >= 10 {
			break
		}
		w := nouns[r.IntN(20)]
		qs = append(qs, Query{Kind: "theme", Bleve: w, Themes: []string{t}})
	}
	return qs
}
