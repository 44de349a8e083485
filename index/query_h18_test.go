package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// queryLibrary imports one text per page, named by its key, and returns
// the library and a map from document id to key.
func queryLibrary(t *testing.T, pages map[string]string, extra ...[2]string) (*Library, map[int64]string) {
	t.Helper()
	ctx := context.Background()
	lib := newTestLibrary(t)
	var files [][2]string
	for key, text := range pages {
		files = append(files, [2]string{key + ".txt", text})
	}
	files = append(files, extra...)
	rep, err := lib.Import(ctx, writeFiles(t, files...), nil)
	if err != nil || len(rep.Failed) > 0 {
		t.Fatalf("import: %v %+v", err, rep.Failed)
	}
	names := map[int64]string{}
	docs, _ := lib.Documents(ctx)
	for _, d := range docs {
		names[d.ID] = strings.TrimSuffix(strings.TrimSuffix(d.FileName, ".txt"), ".bib")
	}
	return lib, names
}

// keysOf runs a query and returns the keys of the documents it finds,
// sorted, or the error.
func keysOf(t *testing.T, lib *Library, names map[int64]string, q string) ([]string, error) {
	t.Helper()
	res, err := lib.Search(context.Background(), SearchRequest{Query: q, Limit: 100})
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, h := range res.Hits {
		keys = append(keys, names[h.DocID])
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// AND, OR, NOT and parentheses have their boolean meaning, alone and with
// the rest of the syntax.
func TestBooleanOperators(t *testing.T) {
	lib, names := queryLibrary(t, map[string]string{
		"both":      "Trust and heparin were both discussed at length today.",
		"trust":     "Trust grew slowly between the nurse and the patient over time.",
		"heparin":   "Heparin dosing was reviewed by the pharmacist on the ward.",
		"faithcare": "Faith in the care team mattered to every patient we met.",
		"trustcare": "Trust in care mattered, and the team said so again and again.",
		"neither":   "Nothing of the sort appears in this short text about weather.",
	})
	all := []string{"both", "faithcare", "heparin", "neither", "trust", "trustcare"}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"trust AND heparin", []string{"both"}},
		{"+trust +heparin", []string{"both"}},
		{"trust OR heparin", []string{"both", "heparin", "trust", "trustcare"}},
		{"trust heparin", []string{"both", "heparin", "trust", "trustcare"}},
		{"NOT heparin", []string{"faithcare", "neither", "trust", "trustcare"}},
		{"trust NOT heparin", []string{"trust", "trustcare"}},
		{"trust AND NOT heparin", []string{"trust", "trustcare"}},
		{"trust -heparin", []string{"trust", "trustcare"}},
		{"(trust OR faith) AND care", []string{"faithcare", "trustcare"}},
		{"care AND (trust OR faith)", []string{"faithcare", "trustcare"}},
		{"trust OR faith +care", []string{"faithcare", "trustcare"}},
		{"trust OR heparin -care", []string{"both", "heparin", "trust"}},
		{"(trust AND heparin) OR faith", []string{"both", "faithcare"}},
		{"NOT (trust OR heparin)", []string{"faithcare", "neither"}},
		{"-(trust OR heparin) patient", []string{"faithcare"}},
		{"tru* AND heparin", []string{"both"}},
		{`"trust grew" OR "faith in the care"`, []string{"faithcare", "trust"}},
		{"trust AND care AND NOT heparin", []string{"trustcare"}},
		{"trust NOT heparin NOT care", []string{"trust"}},
		{"(((trust)))", []string{"both", "trust", "trustcare"}},
		{"weather OR NOT patient", []string{"both", "heparin", "neither", "trustcare"}},
		{"text:heparin AND trust", []string{"both"}},
		{"the AND trust", []string{"both", "trust", "trustcare"}}, // a stop word drops out, as it does without operators
		{"trust and heparin", []string{"both", "heparin", "trust", "trustcare"}},
	} {
		got, err := keysOf(t, lib, names, tc.query)
		if err != nil {
			t.Errorf("%s: %v", tc.query, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	if got, _ := keysOf(t, lib, names, "NOT nothingatall"); !slices.Equal(got, all) {
		t.Errorf("NOT of a word nowhere: %v", got)
	}
}

// A malformed query is an error that names the problem; nothing is
// guessed.
func TestMalformedQueriesAreNamed(t *testing.T) {
	lib, _ := queryLibrary(t, map[string]string{"a": "Trust and heparin."})
	for q, want := range map[string]string{
		"trust AND":                   "AND at the end has no term after it",
		"AND trust":                   "AND has no term between it and the start of the query",
		"trust OR":                    "OR at the end",
		"trust AND OR heparin":        "OR has no term between it and AND",
		"(trust OR heparin":           "this ( is never closed",
		"trust OR heparin)":           "this ) closes no (",
		"trust ()":                    "empty parentheses",
		"( AND trust)":                "AND has no term between it and the ( before it",
		"trust AND heparin OR faith":  "AND and OR in one group",
		"trust care AND heparin":      "a term with no operator beside terms joined by AND",
		"a AND b c OR d":              "two groups of terms joined by operators stand side by side",
		"NOT":                         "NOT has no term after it",
		"trust NOT":                   "NOT at the end has no term after it",
		"author:(topor OR ljungberg)": "a field name applies to one word or phrase",
		`trust AND "heparin`:          "a quotation mark is never closed",
		"trust OR +heparin":           "a +term among OR alternatives",
		"trust NOT -heparin":          "NOT before a term that has + or - already",
	} {
		_, err := lib.Search(context.Background(), SearchRequest{Query: q})
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an invalid-input error saying %q", q, err, want)
		}
	}
}

// An unquoted hyphenated word is the phrase of its parts, in the page
// text and in fields; its parts apart do not match.
func TestHyphenatedWordIsAPhrase(t *testing.T) {
	lib, names := queryLibrary(t, map[string]string{
		"hyphen":  "Peer-group interaction improved morale on the ward.",
		"spaced":  "The peer group met on Mondays.",
		"apart":   "A peer spoke; the group listened.",
		"reverse": "The group of each peer was small.",
		"covid":   "COVID-19 changed the clinic.",
	}, [2]string{"m.bib", `@article{m, title = {Recovery in peer-group settings}, author = {Nilsson, Lars-Göran}, year = {2014}}`})
	for q, want := range map[string][]string{
		"peer-group":             {"hyphen", "m", "spaced"},
		`"peer group"`:           {"hyphen", "m", "spaced"},
		"title:peer-group":       {"m"},
		"author:lars-göran":      {"m"},
		"author:lars-goran":      {"m"},
		"covid-19":               {"covid"},
		"peer-group AND morale":  {"hyphen"},
		"peer group":             {"apart", "hyphen", "m", "reverse", "spaced"},
		"+peer-group -ward":      {"m", "spaced"},
		"author:goran-lars":      {"m"},                                         // author has no positions: its parts, in any order
		"peer-group~1":           {"apart", "hyphen", "m", "reverse", "spaced"}, // fuzzy terms stay words
		"interaction-peer-group": nil,
	} {
		got, err := keysOf(t, lib, names, q)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %v %v, want %v", q, got, err, want)
		}
	}
}

// Diacritics are folded in the index and in queries: the plain spelling
// finds the accented one and the accented one the plain; exact matches
// rank first.
func TestDiacriticsFolded(t *testing.T) {
	ctx := context.Background()
	lib, names := queryLibrary(t, map[string]string{
		"accented": "Anna Sundström and Michael Rönnlund studied dementia in Umeå.",
		"plain":    "A letter from Michael Ronnlund about stress.",
		"other":    "Nothing about those names at all here today.",
	}, [2]string{"s.bib", `@article{s, title = {Stressful life events}, author = {Sundström, Anna and Rönnlund, Michael}, year = {2014},
  abstract = {Life events and dementia in a population study.}}`})
	for q, want := range map[string][]string{
		"ronnlund":                      {"accented", "plain", "s"},
		"Rönnlund":                      {"accented", "plain", "s"},
		"RONNLUND":                      {"accented", "plain", "s"},
		"sundstrom":                     {"accented", "s"},
		"+author:sundstrom +dementia":   {"s"},
		"+author:sundström +dementia":   {"s"},
		"author:rönnlund":               {"s"},
		`"michael ronnlund"`:            {"accented", "plain", "s"},
		`"michael rönnlund"`:            {"accented", "plain", "s"},
		`"michael ronnlund studied"`:    {"accented"},
		"ronnl*":                        {"accented", "plain", "s"},
		"Rönnl*":                        {"accented", "plain", "s"},
		"umea":                          {"accented"},
		"ronnlund AND dementia":         {"accented", "s"},
		"sundstrom NOT umea":            {"s"},
		"title:stressful AND sundstrom": {"s"},
	} {
		got, err := keysOf(t, lib, names, q)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %v %v, want %v", q, got, err, want)
		}
	}
	// Exact spellings rank first.
	for q, first := range map[string]string{"Rönnlund": "accented", "Ronnlund": "plain", `"Michael Rönnlund"`: "accented", `"Michael Ronnlund"`: "plain"} {
		res, err := lib.Search(ctx, SearchRequest{Query: q, Limit: 10})
		if err != nil || len(res.Hits) < 2 {
			t.Fatalf("%s: %+v %v", q, res, err)
		}
		if got := names[res.Hits[0].DocID]; got != first {
			var order []string
			for _, h := range res.Hits {
				order = append(order, fmt.Sprintf("%s %.3f", names[h.DocID], h.Score))
			}
			t.Errorf("%s ranks %v; want %s first", q, order, first)
		}
	}
	// The snippet marks the accented word for the plain query, and the
	// reader highlights it.
	res, _ := lib.Search(ctx, SearchRequest{Query: "ronnlund umea"})
	for _, h := range res.Hits {
		if names[h.DocID] == "accented" && (!strings.Contains(h.Snippet, MarkStart+"Rönnlund"+MarkEnd) || !strings.Contains(h.Snippet, MarkStart+"Umeå"+MarkEnd)) {
			t.Errorf("snippet %q does not mark Rönnlund and Umeå", h.Snippet)
		}
	}
	text := "Anna Sundström and Michael Rönnlund studied dementia in Umeå."
	spans, err := lib.TermBounds(ctx, "ronnlund sundstr*", text)
	if err != nil || len(spans) != 2 || string([]rune(text)[spans[1].Start:spans[1].End]) != "Rönnlund" || string([]rune(text)[spans[0].Start:spans[0].End]) != "Sundström" {
		t.Errorf("TermBounds: %v %v", spans, err)
	}
}

func TestFoldTerm(t *testing.T) {
	for in, want := range map[string]string{
		"rönnlund": "ronnlund", "sundström": "sundstrom", "umeå": "umea", "søren": "soren", "straße": "strasse",
		"łódź": "lodz", "æther": "aether", "café": "cafe", "naïve": "naive", "ελληνικά": "ελληνικα", "plain": "plain", "日本": "日本",
	} {
		got, ok := foldTerm([]byte(in))
		if !ok {
			got = []byte(in)
		}
		if string(got) != want || ok != (in != want) {
			t.Errorf("foldTerm(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

// The reader highlights the words of a query, not its operators, and not
// what NOT excludes.
func TestQueryWordsLeaveOperatorsOut(t *testing.T) {
	for q, want := range map[string]string{
		"trust AND NOT heparin OR faith": "trust faith",
		"(trust OR faith) AND care":      "trust faith care",
		`"AND then" NOT x`:               "AND then",
		"trust -heparin":                 "trust",
	} {
		if got := strings.Join(queryWords(q), " "); got != want {
			t.Errorf("queryWords(%q) = %q, want %q", q, got, want)
		}
	}
}
