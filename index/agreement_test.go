package index

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/reliability"
)

// agreementLibrary is a library with two generated articles, coded by
// Anna and Bo (and, on the first, Cy): on article 0 (page 1) Anna codes
// sentences 1 and 2 with Collaboration, Bo sentences 1 and 3; both code
// sentence 5 with Trust. Cy codes sentence 1 with Collaboration. On
// article 1 only Anna and Bo code: the same sentence with Trust.
func agreementLibrary(t *testing.T) (*Library, int64, int64) {
	t.Helper()
	lib, _ := openCodingLibrary(t)
	d0 := importArticle(t, lib, "a0", teamArticle(0, "Helpful staff in supported housing", "", 1))
	d1 := importArticle(t, lib, "a1", teamArticle(1, "Friendship and professional help", "", 1))
	tagAs(t, lib, "Anna", d0, teamSentence(0, 1, 1, 1), "Collaboration")
	tagAs(t, lib, "Anna", d0, teamSentence(0, 1, 1, 2), "Collaboration")
	tagAs(t, lib, "Bo", d0, teamSentence(0, 1, 1, 1), "Collaboration")
	tagAs(t, lib, "Bo", d0, teamSentence(0, 1, 1, 3), "Collaboration")
	tagAs(t, lib, "Anna", d0, teamSentence(0, 1, 2, 2), "Trust")
	tagAs(t, lib, "Bo", d0, teamSentence(0, 1, 2, 2), "Trust")
	tagAs(t, lib, "Cy", d0, teamSentence(0, 1, 1, 1), "Collaboration")
	tagAs(t, lib, "Anna", d1, teamSentence(1, 2, 1, 1), "Trust")
	tagAs(t, lib, "Bo", d1, teamSentence(1, 2, 1, 1), "Trust")
	return lib, d0, d1
}

func rowOf(t *testing.T, rep *AgreementReport, theme string) AgreementRow {
	t.Helper()
	if theme == OverallTheme {
		return rep.Overall
	}
	for _, r := range rep.Themes {
		if r.Theme == theme {
			return r
		}
	}
	t.Fatalf("no row for %q in %+v", theme, rep.Themes)
	return AgreementRow{}
}

func nearly(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s is null, want %.4f", what, want)
		return
	}
	if math.Abs(*got-want) > 0.00006 {
		t.Errorf("%s = %.4f, want %.4f", what, *got, want)
	}
}

// Sentence units with two coders: the 2×2 table of each theme is known
// from the coding, and κ, α and percent agreement follow by hand.
func TestAgreementSentencesTwoCoders(t *testing.T) {
	ctx := context.Background()
	lib, d0, d1 := agreementLibrary(t)
	rep, err := lib.Agreement(ctx, AgreementRequest{Coders: []string{"anna", "BO"}, Unit: UnitSentence})
	if err != nil {
		t.Fatal(err)
	}
	if rep.AlphaKind != "alpha" || rep.Unit != UnitSentence || strings.Join(rep.Coders, ",") != "Anna,Bo" || rep.Documents != 2 {
		t.Errorf("report head: %+v", rep)
	}
	// every sentence of both documents is a unit
	n := 0
	for _, d := range []int64{d0, d1} {
		pages, _ := lib.Pages(ctx, d)
		for _, p := range pages {
			n += len(SentenceBounds(p.Text))
		}
	}
	N := float64(n)
	// Collaboration: both 1, Anna only 1, Bo only 1, neither N−3.
	col := rowOf(t, rep, "Collaboration")
	if col.Units != int64(n) || col.CodedUnits != 3 || col.Coded["Anna"] != 2 || col.Coded["Bo"] != 2 {
		t.Errorf("Collaboration counts: %+v (N=%d)", col, n)
	}
	po := (N - 2) / N
	pe := (2/N)*(2/N) + ((N-2)/N)*((N-2)/N)
	nearly(t, "Collaboration percent", col.Percent, po)
	nearly(t, "Collaboration κ", col.Kappa, (po-pe)/(1-pe))
	// nominal α for two coders, no missing values: 1 − (2N−1)·o01/(n0·n1)
	// with n = 2N values, o01 = 2 (the two split units), n1 = 4.
	n1, n0 := 4.0, 2*N-4
	nearly(t, "Collaboration α", col.Alpha, 1-(2*N-1)*2/(n0*n1))
	nearly(t, "Collaboration uncoded share", &col.UncodedShare, (N-3)/N)
	nearly(t, "Collaboration percent on coded units", col.PercentCoded, 1.0/3)
	nearly(t, "Collaboration κ_n", col.KappaN, 2*po-1)
	// Trust: both coders code the same two sentences.
	tr := rowOf(t, rep, "Trust")
	nearly(t, "Trust percent", tr.Percent, 1)
	nearly(t, "Trust κ", tr.Kappa, 1)
	nearly(t, "Trust α", tr.Alpha, 1)
	// Over all themes: a unit agrees when both gave it the same themes:
	// the two split Collaboration sentences do not.
	ov := rep.Overall
	nearly(t, "overall percent", ov.Percent, (N-2)/N)
	nearly(t, "overall percent on coded units", ov.PercentCoded, 3.0/5)
	nearly(t, "overall uncoded share", &ov.UncodedShare, (N-5)/N)
	if ov.Theme != OverallTheme || ov.Alpha == nil || ov.Kappa == nil || *ov.Alpha >= 1 || *ov.Alpha <= *col.Alpha {
		t.Errorf("overall: %+v", ov)
	}
	// Paragraph units: the split sentences are one paragraph both coded.
	par, err := lib.Agreement(ctx, AgreementRequest{Coders: []string{"Anna", "Bo"}, Unit: "paragraph", Themes: []string{"Collaboration"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(par.Themes) != 1 {
		t.Fatalf("paragraph units, one theme asked for: %+v", par.Themes)
	}
	nearly(t, "paragraph Collaboration percent", par.Themes[0].Percent, 1)
}

// Character units: the continuum is every page of the documents, one
// after the other; α is α_U of the coders' stretches there.
func TestAgreementCharactersMatchUnitizedAlpha(t *testing.T) {
	ctx := context.Background()
	lib, d0, d1 := agreementLibrary(t)
	rep, err := lib.Agreement(ctx, AgreementRequest{Coders: []string{"Anna", "Bo"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unit != UnitCharacter || rep.AlphaKind != "alpha_u" {
		t.Errorf("default unit: %s %s", rep.Unit, rep.AlphaKind)
	}
	// the continuum, built here from the pages and annotations
	var L int64
	offsets := map[[2]int64]int64{}
	for _, d := range []int64{d0, d1} {
		pages, _ := lib.Pages(ctx, d)
		for _, p := range pages {
			offsets[[2]int64{d, int64(p.Number)}] = L
			L += int64(len([]rune(p.Text)))
		}
	}
	segs := map[string][][]reliability.Segment{}
	for _, theme := range []string{"Collaboration", "Trust"} {
		segs[theme] = make([][]reliability.Segment, 2)
		for c, coder := range []string{"Anna", "Bo"} {
			anns, _ := lib.Annotations(ctx, AnnotationFilter{Coder: coder, Theme: theme})
			for _, a := range anns {
				off := offsets[[2]int64{a.DocID, int64(a.Page)}]
				segs[theme][c] = append(segs[theme][c], reliability.Segment{Start: off + int64(a.Start), End: off + int64(a.End)})
			}
			segs[theme][c] = reliability.Normalize(segs[theme][c])
		}
	}
	var sumDo, sumDe float64
	for theme, s := range segs {
		u := reliability.UnitizedAlpha(L, s)
		sumDo += u.Observed
		sumDe += u.Expected
		row := rowOf(t, rep, theme)
		nearly(t, theme+" α_U", row.Alpha, u.Alpha)
		if row.Units != L {
			t.Errorf("%s: %d units, want the %d characters", theme, row.Units, L)
		}
	}
	nearly(t, "overall α_U", rep.Overall.Alpha, 1-sumDo/sumDe)
	tr := rowOf(t, rep, "Trust")
	nearly(t, "Trust percent", tr.Percent, 1)
	nearly(t, "Trust κ", tr.Kappa, 1)
	// Collaboration by characters: each coder's two sentences, one shared
	var a, b int64
	for _, s := range segs["Collaboration"][0] {
		a += s.Len()
	}
	for _, s := range segs["Collaboration"][1] {
		b += s.Len()
	}
	inter := int64(0)
	for _, x := range segs["Collaboration"][0] {
		for _, y := range segs["Collaboration"][1] {
			if s, e := max(x.Start, y.Start), min(x.End, y.End); e > s {
				inter += e - s
			}
		}
	}
	k := reliability.BinaryKappa(float64(inter), float64(a-inter), float64(b-inter), float64(L-a-b+inter))
	col := rowOf(t, rep, "Collaboration")
	nearly(t, "Collaboration κ (characters)", col.Kappa, k.Kappa)
	nearly(t, "Collaboration percent (characters)", col.Percent, k.Observed)
	nearly(t, "Collaboration uncoded share", &col.UncodedShare, float64(L-(a+b-inter))/float64(L))
	if col.CodedUnits != a+b-inter {
		t.Errorf("Collaboration coded characters %d, want %d", col.CodedUnits, a+b-inter)
	}
	// the table as CSV: a header, one row per theme, one over all
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "theme,unit,coders,units") || !strings.HasPrefix(lines[3], OverallTheme+",character,Anna; Bo,") {
		t.Errorf("CSV:\n%s", buf.String())
	}
}

// Three coders, one of whom coded only the first document: κ is null;
// with OnlyCoded the third coder's values on the second document are
// missing, and α is nominal α with missing values (Krippendorff 2011).
func TestAgreementThreeCodersMissing(t *testing.T) {
	ctx := context.Background()
	lib, d0, d1 := agreementLibrary(t)
	rep, err := lib.Agreement(ctx, AgreementRequest{Unit: UnitSentence, OnlyCoded: true, Themes: []string{"Collaboration"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Coders, ",") != "Anna,Bo,Cy" || rep.CodedDocuments["Cy"] != 1 {
		t.Fatalf("coders: %v %v", rep.Coders, rep.CodedDocuments)
	}
	b, _ := json.Marshal(rep.Themes[0])
	for _, key := range []string{`"theme":"Collaboration"`, `"coders":["Anna","Bo","Cy"]`, `"units":`, `"uncoded_share":`, `"percent":`, `"kappa":null`, `"alpha":`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON row lacks %s: %s", key, b)
		}
	}
	// the reliability data, built here: one row per coder, a column per sentence
	var data [][]int
	for c := 0; c < 3; c++ {
		var row []int
		for _, d := range []int64{d0, d1} {
			pages, _ := lib.Pages(ctx, d)
			for _, p := range pages {
				for _, s := range SentenceBounds(p.Text) {
					quote := strings.TrimSpace(string([]rune(p.Text)[s.Start:s.End]))
					v := 0
					switch {
					case c == 2 && d == d1:
						v = reliability.Missing
					case d == d0 && p.Number == 1 && quote == teamSentence(0, 1, 1, 1):
						v = 1
					case d == d0 && p.Number == 1 && quote == teamSentence(0, 1, 1, 2) && c == 0:
						v = 1
					case d == d0 && p.Number == 1 && quote == teamSentence(0, 1, 1, 3) && c == 1:
						v = 1
					}
					row = append(row, v)
				}
			}
		}
		data = append(data, row)
	}
	_, _, alpha, ok := reliability.NominalAlpha(data)
	if !ok {
		t.Fatal("α undefined")
	}
	nearly(t, "α with missing values", rep.Themes[0].Alpha, alpha)
	var notes string
	for _, n := range rep.Notes {
		notes += n
	}
	if !strings.Contains(notes, "Cy made no annotation in 1 of the 2 documents") {
		t.Errorf("notes: %v", rep.Notes)
	}
	// Without OnlyCoded, Cy coded nothing in the second document.
	all, err := lib.Agreement(ctx, AgreementRequest{Unit: UnitSentence, Themes: []string{"Collaboration"}})
	if err != nil {
		t.Fatal(err)
	}
	for c := range data[2] {
		if data[2][c] == reliability.Missing {
			data[2][c] = 0
		}
	}
	_, _, alpha, _ = reliability.NominalAlpha(data)
	nearly(t, "α, every coder on every document", all.Themes[0].Alpha, alpha)
	// Character units with OnlyCoded keep to the documents all coded.
	ch, err := lib.Agreement(ctx, AgreementRequest{OnlyCoded: true})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Documents != 1 || ch.DocumentsLeftOut != 1 {
		t.Errorf("character units, only coded: %d documents, %d left out", ch.Documents, ch.DocumentsLeftOut)
	}
}

func TestAgreementRefusals(t *testing.T) {
	ctx := context.Background()
	lib, _, _ := agreementLibrary(t)
	for _, tc := range []struct {
		req  AgreementRequest
		want string
	}{
		{AgreementRequest{Coders: []string{"Anna"}}, "two coders"},
		{AgreementRequest{Coders: []string{"Anna", "Nobody"}}, `no coder "Nobody"`},
		{AgreementRequest{Unit: "word"}, `unit "word"`},
		{AgreementRequest{Themes: []string{"No such theme"}}, "No such theme"},
		{AgreementRequest{DocIDs: []int64{99}}, "99"},
	} {
		_, err := lib.Agreement(ctx, tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error saying %q", tc.req, err, tc.want)
		}
	}
	if _, err := lib.Agreement(ctx, AgreementRequest{Coders: []string{"Anna"}}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("one coder: %v", err)
	}
}

func TestSymmetricDifferenceAndUnion(t *testing.T) {
	seg := func(s, e int64) reliability.Segment { return reliability.Segment{Start: s, End: e} }
	got := symmetricDifference([]reliability.Segment{seg(0, 10), seg(20, 30)}, []reliability.Segment{seg(5, 25)})
	want := []reliability.Segment{seg(0, 5), seg(10, 20), seg(25, 30)}
	if len(got) != len(want) {
		t.Fatalf("symmetric difference %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("symmetric difference %v, want %v", got, want)
		}
	}
	if n := unionLength([]reliability.Segment{seg(0, 10), seg(5, 12), seg(20, 21)}); n != 13 {
		t.Errorf("union length %d", n)
	}
	if n := intersectionLength([]reliability.Segment{seg(0, 10), seg(20, 30)}, []reliability.Segment{seg(5, 25)}); n != 10 {
		t.Errorf("intersection length %d", n)
	}
}
