package reliability

import (
	"math"
	"testing"
)

// The published worked examples below give their coefficients to three
// decimals (α_U's parts to four); every value is checked to that.

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func checkValue(t *testing.T, what string, got, want float64, places int) {
	t.Helper()
	if round(got, places) != want {
		t.Errorf("%s = %.6f, want %.*f", what, got, places, want)
	}
}

// Krippendorff (2011), "Computing Krippendorff's alpha-reliability", sec. C:
// four observers, twelve units, five nominal values, missing data — also
// Krippendorff (2004, p. 230). α = 0.743.
func TestNominalAlphaMissingData(t *testing.T) {
	const x = Missing
	data := [][]int{
		{1, 2, 3, 3, 2, 1, 4, 1, 2, x, x, x}, // A
		{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, x, 3}, // B
		{x, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, x}, // C
		{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, x}, // D
	}
	do, de, alpha, ok := NominalAlpha(data)
	if !ok {
		t.Fatal("α undefined")
	}
	checkValue(t, "D_o", do, 0.200, 3)
	checkValue(t, "D_e", de, 0.779, 3)
	checkValue(t, "α", alpha, 0.743, 3)
	var c Coincidences
	for u := 0; u < 12; u++ {
		var vals []int
		for _, row := range data {
			if row[u] != x {
				vals = append(vals, row[u])
			}
		}
		c.AddUnit(vals...)
	}
	checkValue(t, "pairable values n", c.Pairable(), 40, 3) // unit 12 has one value: not pairable
	p, _ := c.Percent()
	checkValue(t, "pairwise percent agreement", p, 0.800, 3)
}

// Krippendorff (2004, p. 224; 2011, sec. A): two observers, ten units,
// binary data. Percent agreement 0.600, D_o 0.400, D_e 0.442, α = 0.095.
func TestNominalAlphaBinary(t *testing.T) {
	data := [][]int{
		{0, 1, 0, 0, 0, 0, 0, 0, 1, 0},
		{1, 1, 1, 0, 0, 1, 0, 0, 0, 0},
	}
	do, de, alpha, ok := NominalAlpha(data)
	if !ok {
		t.Fatal("α undefined")
	}
	checkValue(t, "D_o", do, 0.400, 3)
	checkValue(t, "D_e", de, 0.442, 3)
	checkValue(t, "α", alpha, 0.095, 3)
	// The same through counts, as the library's coding is counted: a unit
	// both coded, four one coder coded, five neither.
	var c Coincidences
	c.AddCounts([]int{0, 2}, 1)
	c.AddCounts([]int{1, 1}, 4)
	c.AddCounts([]int{2, 0}, 5)
	a2, _ := c.Alpha()
	checkValue(t, "α from counts", a2, 0.095, 3)
	p, _ := c.Percent()
	checkValue(t, "percent agreement", p, 0.600, 3)
}

// Krippendorff (2004, p. 227; 2011, sec. B): two observers, twelve units,
// three values. Percent agreement 0.833, α = 0.734 (D_o 0.167, D_e 0.627).
func TestNominalAlphaThreeValues(t *testing.T) {
	a, b, c := 0, 1, 2
	data := [][]int{
		{a, a, b, b, b, b, b, c, c, c, c, c},
		{a, b, b, b, b, b, c, c, c, c, c, c},
	}
	do, de, alpha, ok := NominalAlpha(data)
	if !ok {
		t.Fatal("α undefined")
	}
	checkValue(t, "D_o", do, 0.167, 3)
	checkValue(t, "D_e", de, 0.627, 3)
	checkValue(t, "α", alpha, 0.734, 3)
}

// α is undefined where there is no variation: all values alike.
func TestNominalAlphaUndefined(t *testing.T) {
	_, _, _, ok := NominalAlpha([][]int{{0, 0, 0}, {0, 0, 0}})
	if ok {
		t.Error("α of data with one value only should be undefined")
	}
	_, _, _, ok = NominalAlpha([][]int{{1, Missing}, {Missing, 1}})
	if ok {
		t.Error("α with no pairable unit should be undefined")
	}
}

// Cohen (1960, p. 45): two judges, 200 cases, three categories:
// p_o = .70, p_c = .41, κ = .492.
func TestCohenKappa1960(t *testing.T) {
	k := CohenKappa([][]float64{
		{88, 14, 18},
		{10, 40, 10},
		{2, 6, 12},
	})
	if !k.OK {
		t.Fatal("κ undefined")
	}
	checkValue(t, "p_o", k.Observed, 0.70, 2)
	checkValue(t, "p_c", k.Expected, 0.41, 2)
	checkValue(t, "κ", k.Kappa, 0.492, 3)
}

// Krippendorff (2004, p. 246), the textbook's pair of tables with the same
// percent agreement (.460) and Scott's π (.186) but Cohen's κ .186 where
// the two coders' distributions are alike and .258 where they differ.
func TestCohenKappaTextbook(t *testing.T) {
	for _, tc := range []struct {
		table [][]float64
		kappa float64
	}{
		{[][]float64{{12, 9, 9}, {9, 14, 9}, {9, 9, 20}}, 0.186},
		{[][]float64{{12, 18, 18}, {0, 14, 18}, {0, 0, 20}}, 0.258},
	} {
		k := CohenKappa(tc.table)
		checkValue(t, "p_o", k.Observed, 0.460, 3)
		checkValue(t, "κ", k.Kappa, tc.kappa, 3)
	}
}

// Brennan & Prediger (1981, p. 689): p_o = .60 with three categories;
// Cohen's κ .27, κ_n = .40.
func TestBrennanPrediger1981(t *testing.T) {
	k := CohenKappa([][]float64{{50, 0, 0}, {10, 10, 10}, {20, 0, 0}})
	checkValue(t, "p_o", k.Observed, 0.60, 2)
	checkValue(t, "κ", k.Kappa, 0.27, 2)
	checkValue(t, "κ_n", BrennanPrediger(k.Observed, 3), 0.400, 3)
}

// Cohen's κ of a 2×2 table and its undefined case.
func TestBinaryKappa(t *testing.T) {
	// Both yes 20, only the first 5, only the second 10, both no 15:
	// p_o = .70, p_e = .50, κ = .40.
	k := BinaryKappa(20, 5, 10, 15)
	checkValue(t, "κ", k.Kappa, 0.400, 3)
	if k := BinaryKappa(0, 0, 0, 30); k.OK {
		t.Error("κ when both coders coded nothing should be undefined")
	}
	// Pooled over two items: (mean p_o − mean p_e)/(1 − mean p_e).
	p := PooledKappa([]Kappa{BinaryKappa(20, 5, 10, 15), BinaryKappa(0, 0, 0, 30)})
	want := ((0.7+1)/2 - (0.5+1)/2) / (1 - (0.5+1)/2)
	checkValue(t, "pooled κ", p.Kappa, round(want, 3), 3)
}

// Krippendorff (2004, p. 254): two coders unitize a continuum from 150 to
// 450 into categories c and k. For c, D_o = .0144, D_e = .0532 and
// α_c = .7286; for k, α_k = 1; over both, α_U = .8591.
func TestUnitizedAlpha2004(t *testing.T) {
	const begin, length = 150, 300
	seg := func(off, l int64) Segment { return Segment{off - begin, off - begin + l} }
	c := [][]Segment{
		Normalize([]Segment{seg(225, 70), seg(370, 30)}),
		Normalize([]Segment{seg(220, 80), seg(355, 20), seg(400, 20)}),
	}
	k := [][]Segment{
		{seg(180, 60), seg(300, 50)},
		{seg(180, 60), seg(300, 50)},
	}
	uc := UnitizedAlpha(length, c)
	checkValue(t, "D_o(c)", uc.Observed, 0.0144, 4)
	checkValue(t, "D_e(c)", uc.Expected, 0.0532, 4)
	checkValue(t, "α(c)", uc.Alpha, 0.7286, 4)
	uk := UnitizedAlpha(length, k)
	checkValue(t, "D_o(k)", uk.Observed, 0, 4)
	checkValue(t, "D_e(k)", uk.Expected, 0.0490, 4)
	checkValue(t, "α(k)", uk.Alpha, 1.000, 3)
	overall := 1 - (uc.Observed+uk.Observed)/(uc.Expected+uk.Expected)
	// The book's .8591 is 1 − .0144/(.0532 + .0490), from the rounded
	// parts; unrounded it is .8587: both are .859.
	checkValue(t, "α_U over c and k", overall, 0.859, 3)
}

// Krippendorff (1995, p. 57): four pairs of coders unitize 24 units of a
// continuum, each pair one category (A–D). The paper's observed
// disagreements are exact; its expected disagreements carry a small error
// (Krippendorff 2004 corrects the formula), and its α values are for the
// continuum taken as continuous, so with the continuum stretched 50,000
// times they are met to within .02.
func TestUnitizedAlpha1995(t *testing.T) {
	example := func(stretch int64) map[string][][]Segment {
		s := func(off, l int64) Segment { return Segment{off * stretch, (off + l) * stretch} }
		return map[string][][]Segment{
			"A": {{s(2, 8), s(14, 6)}, {s(4, 4), s(15, 2)}},
			"B": {{s(0, 18)}, {s(0, 2), s(2, 1), s(3, 1), s(4, 1), s(5, 1), s(6, 3), s(9, 1)}},
			"C": {{s(2, 6), s(10, 2), s(14, 4), s(20, 2)}, {s(0, 2), s(4, 4), s(10, 4), s(16, 2), s(20, 2)}},
			"D": {{s(0, 2), s(2, 8), s(10, 4), s(14, 6), s(20, 4)}, {s(0, 4), s(4, 4), s(8, 7), s(15, 2), s(17, 7)}},
		}
	}
	// C's .02777 is 1/36 cut, not rounded, to five places.
	observed := map[string]float64{"A": 0.03125, "B": 2.26736, "C": 0.02778, "D": 0.38715}
	for cat, coders := range example(1) {
		u := UnitizedAlpha(24, coders)
		checkValue(t, "D_o("+cat+")", u.Observed, observed[cat], 5)
	}
	alpha := map[string]float64{"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}
	const stretch = 50000
	for cat, coders := range example(stretch) {
		u := UnitizedAlpha(24*stretch, coders)
		if math.Abs(u.Alpha-alpha[cat]) > 0.02 {
			t.Errorf("α(%s) = %.3f, want %.3f ± .02", cat, u.Alpha, alpha[cat])
		}
	}
}

// α_U is 1 when the coders mark the same stretches, undefined when nobody
// marked anything, and below 1 when one coder marks what the other leaves.
func TestUnitizedAlphaEdges(t *testing.T) {
	same := [][]Segment{{{10, 20}, {40, 45}}, {{10, 20}, {40, 45}}}
	if u := UnitizedAlpha(100, same); !u.OK || u.Alpha != 1 {
		t.Errorf("identical unitizing: %+v", u)
	}
	if u := UnitizedAlpha(100, [][]Segment{nil, nil}); u.OK {
		t.Errorf("nothing marked: α_U should be undefined, got %+v", u)
	}
	if u := UnitizedAlpha(100, [][]Segment{{{10, 20}}, nil}); !u.OK || u.Alpha >= 0.5 {
		t.Errorf("one coder marks, the other nothing: %+v", u)
	}
	// three coders: pairs of coders sum up, α stays within [−1, 1] here
	three := [][]Segment{{{10, 20}}, {{12, 20}}, {{10, 22}}}
	if u := UnitizedAlpha(100, three); !u.OK || u.Alpha <= 0.5 || u.Alpha >= 1 {
		t.Errorf("three close coders: %+v", u)
	}
}

func TestNormalize(t *testing.T) {
	got := Normalize([]Segment{{30, 40}, {5, 10}, {8, 12}, {12, 14}, {20, 20}})
	want := []Segment{{5, 12}, {12, 14}, {30, 40}}
	if len(got) != len(want) {
		t.Fatalf("Normalize = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Normalize = %v, want %v", got, want)
		}
	}
}
