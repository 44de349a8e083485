// Package reliability computes intercoder agreement: percent agreement,
// Cohen's κ (two coders), Brennan and Prediger's κ_n, Krippendorff's α for
// nominal data (any number of coders, missing values allowed) and
// Krippendorff's unitizing α_U for coders who mark stretches of a
// continuum (a text's characters) rather than code given units.
//
// Everything here is plain arithmetic on counts and segments, with no
// knowledge of libraries or documents; the index package feeds it.
//
// References:
//   - Cohen, J. (1960). A coefficient of agreement for nominal scales.
//     Educational and Psychological Measurement, 20(1), 37–46.
//   - Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some
//     uses, misuses, and alternatives. Educational and Psychological
//     Measurement, 41(3), 687–699.
//   - Krippendorff, K. (1995). On the reliability of unitizing contiguous
//     data. Sociological Methodology, 25, 47–76.
//   - Krippendorff, K. (2004). Content analysis: An introduction to its
//     methodology (2nd ed.), chapters 11–12. Sage.
//   - Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
//     Annenberg School for Communication Departmental Papers 43.
//   - De Vries, H., Elliott, M. N., Kanouse, D. E., & Teleki, S. S. (2008).
//     Using pooled kappa to summarize interrater agreement across many
//     items. Field Methods, 20(3), 272–282.
package reliability

import (
	"math"
	"sort"
)

// Coincidences is Krippendorff's coincidence matrix of nominal values,
// filled unit by unit: a unit with m_u pairable values adds, for every
// ordered pair of its values from different coders, 1/(m_u − 1) to the
// cell of the pair's two values. Units with fewer than two values are not
// pairable and add nothing. Values are small non-negative integers
// (category indexes).
type Coincidences struct {
	o [][]float64 // o[c][k]
}

func (c *Coincidences) grow(k int) {
	for len(c.o) <= k {
		c.o = append(c.o, nil)
	}
	for i := range c.o {
		for len(c.o[i]) < len(c.o) {
			c.o[i] = append(c.o[i], 0)
		}
	}
}

// AddUnit adds one unit given its values, one per coder who coded it.
func (c *Coincidences) AddUnit(values ...int) {
	var counts []int
	for _, v := range values {
		for len(counts) <= v {
			counts = append(counts, 0)
		}
		counts[v]++
	}
	c.AddCounts(counts, 1)
}

// AddCounts adds times identical units whose values are given as counts:
// counts[v] coders gave the unit value v.
func (c *Coincidences) AddCounts(counts []int, times float64) {
	m := 0
	for _, n := range counts {
		m += n
	}
	if m < 2 || times == 0 {
		return
	}
	c.grow(len(counts) - 1)
	w := times / float64(m-1)
	for v, nv := range counts {
		if nv == 0 {
			continue
		}
		for k, nk := range counts {
			if nk == 0 {
				continue
			}
			if v == k {
				c.o[v][v] += float64(nv*(nv-1)) * w
			} else {
				c.o[v][k] += float64(nv*nk) * w
			}
		}
	}
}

// Pairable is n, the number of pairable values.
func (c *Coincidences) Pairable() float64 {
	n := 0.0
	for _, row := range c.o {
		for _, x := range row {
			n += x
		}
	}
	return n
}

func (c *Coincidences) marginals() ([]float64, float64) {
	nc := make([]float64, len(c.o))
	n := 0.0
	for i, row := range c.o {
		for _, x := range row {
			nc[i] += x
			n += x
		}
	}
	return nc, n
}

// Observed is the observed disagreement D_o for nominal values: the share
// of pairable pairs whose values differ.
func (c *Coincidences) Observed() float64 {
	_, n := c.marginals()
	if n == 0 {
		return 0
	}
	d := 0.0
	for i, row := range c.o {
		for k, x := range row {
			if i != k {
				d += x
			}
		}
	}
	return d / n
}

// Expected is the expected disagreement D_e for nominal values: the share
// of pairs of any two pairable values that differ.
func (c *Coincidences) Expected() float64 {
	nc, n := c.marginals()
	if n < 2 {
		return 0
	}
	d := 0.0
	for i := range nc {
		for k := range nc {
			if i != k {
				d += nc[i] * nc[k]
			}
		}
	}
	return d / (n * (n - 1))
}

// Percent is pairwise percent agreement, 1 − D_o: the share of pairs of
// values, two coders of one unit, that agree. With two coders it is the
// share of units they coded alike. ok is false when no unit is pairable.
func (c *Coincidences) Percent() (float64, bool) {
	if c.Pairable() == 0 {
		return 0, false
	}
	return 1 - c.Observed(), true
}

// Alpha is Krippendorff's α for nominal values, 1 − D_o/D_e. ok is false
// when α is undefined: no pairable values, or all of them alike (D_e = 0,
// there is no variation to agree on).
func (c *Coincidences) Alpha() (float64, bool) {
	de := c.Expected()
	if de == 0 {
		return 0, false
	}
	return 1 - c.Observed()/de, true
}

// NominalAlpha is Krippendorff's α of reliability data: data[i][u] is
// coder i's value of unit u, or Missing. It returns D_o, D_e and α; ok is
// false when α is undefined.
func NominalAlpha(data [][]int) (do, de, alpha float64, ok bool) {
	var c Coincidences
	units := 0
	for _, row := range data {
		units = max(units, len(row))
	}
	for u := 0; u < units; u++ {
		var vals []int
		for _, row := range data {
			if u < len(row) && row[u] != Missing {
				vals = append(vals, row[u])
			}
		}
		c.AddUnit(vals...)
	}
	alpha, ok = c.Alpha()
	return c.Observed(), c.Expected(), alpha, ok
}

// Missing marks a value a coder did not give in NominalAlpha's data.
const Missing = -1

// Kappa is Cohen's κ of two coders with its parts.
type Kappa struct {
	Observed float64 // p_o, the share of units coded alike
	Expected float64 // p_e, the agreement expected from the coders' own distributions
	Kappa    float64 // (p_o − p_e)/(1 − p_e)
	OK       bool    // false when κ is undefined (no units, or p_e = 1)
}

// CohenKappa computes Cohen's κ from a square contingency table:
// table[i][j] counts the units coder 1 put in category i and coder 2 in
// category j.
func CohenKappa(table [][]float64) Kappa {
	k := len(table)
	n := 0.0
	rows := make([]float64, k)
	cols := make([]float64, k)
	diag := 0.0
	for i := range table {
		for j, x := range table[i] {
			if j >= k {
				continue
			}
			n += x
			rows[i] += x
			cols[j] += x
			if i == j {
				diag += x
			}
		}
	}
	if n == 0 {
		return Kappa{}
	}
	r := Kappa{Observed: diag / n}
	for i := range rows {
		r.Expected += rows[i] / n * cols[i] / n
	}
	if r.Expected >= 1 {
		return r
	}
	r.Kappa = (r.Observed - r.Expected) / (1 - r.Expected)
	r.OK = true
	return r
}

// BinaryKappa is CohenKappa of a 2×2 table: both coded (a), only coder 1
// (b), only coder 2 (c), neither (d).
func BinaryKappa(a, b, c, d float64) Kappa {
	return CohenKappa([][]float64{{a, b}, {c, d}})
}

// PooledKappa is De Vries et al.'s (2008) pooled κ over several items
// (themes): (p̄_o − p̄_e)/(1 − p̄_e) with the means of the items' p_o and
// p_e. Items with no units are left out.
func PooledKappa(items []Kappa) Kappa {
	var r Kappa
	n := 0
	for _, k := range items {
		if k.Observed == 0 && k.Expected == 0 && !k.OK {
			continue // no units
		}
		r.Observed += k.Observed
		r.Expected += k.Expected
		n++
	}
	if n == 0 {
		return Kappa{}
	}
	r.Observed /= float64(n)
	r.Expected /= float64(n)
	if r.Expected >= 1 {
		return r
	}
	r.Kappa = (r.Observed - r.Expected) / (1 - r.Expected)
	r.OK = true
	return r
}

// BrennanPrediger is Brennan and Prediger's (1981) κ_n: percent agreement
// corrected for the agreement of coders choosing among q categories at
// random, (p_o − 1/q)/(1 − 1/q). It is what MAXQDA reports as "kappa_n".
func BrennanPrediger(observed float64, q int) float64 {
	if q < 2 {
		return math.NaN()
	}
	pe := 1 / float64(q)
	return (observed - pe) / (1 - pe)
}

// Segment is a stretch of a continuum one coder marked, [Start, End).
type Segment struct{ Start, End int64 }

// Len is the segment's length.
func (s Segment) Len() int64 { return s.End - s.Start }

// Normalize sorts segments and merges those that overlap, so that
// each coder's segments of one category are disjoint as α_U needs. Empty
// segments are dropped.
func Normalize(segs []Segment) []Segment {
	var out []Segment
	s := append([]Segment(nil), segs...)
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	for _, x := range s {
		if x.End <= x.Start {
			continue
		}
		if n := len(out); n > 0 && x.Start < out[n-1].End {
			out[n-1].End = max(out[n-1].End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}

// Unitized is Krippendorff's α_U for one category with its parts.
type Unitized struct {
	Observed float64 // D_o
	Expected float64 // D_e
	Alpha    float64
	OK       bool // false when α_U is undefined (D_e = 0: nobody marked anything, or no continuum)
}

// UnitizedAlpha computes Krippendorff's α_U (1995; 2004, sec. 12.5) for
// one category on a continuum [0, length) marked by every coder:
// coders[i] are coder i's segments of the category, disjoint and sorted
// (see Normalize); what lies between them is coder i's gap. The observed
// disagreement sums, over every pair of coders and every pair of their
// intersecting stretches, the squared differences of the two segments'
// beginnings and ends where both marked, or the squared length of a
// segment that lies wholly in the other coder's gap; the expected
// disagreement is the same measure over all the ways the marked segments
// could be placed among the gaps.
func UnitizedAlpha(length int64, coders [][]Segment) Unitized {
	do, de := UnitizedDisagreement(length, coders)
	r := Unitized{Observed: do, Expected: de}
	if de > 0 {
		r.Alpha = 1 - do/de
		r.OK = true
	}
	return r
}

// UnitizedDisagreement returns α_U's observed and expected disagreement
// (see UnitizedAlpha), so that several categories can be pooled:
// α_U over categories is 1 − ΣD_o/ΣD_e.
func UnitizedDisagreement(length int64, coders [][]Segment) (observed, expected float64) {
	m := len(coders)
	if m < 2 || length <= 0 {
		return 0, 0
	}
	L := float64(length)
	sum := 0.0
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			sum += pairDistance(coders[i], coders[j])
		}
	}
	observed = 2 * sum / (float64(m*(m-1)) * L * L)

	// Expected: every marked segment of every coder against the gaps of
	// all coders (with room for it) and against the other segments.
	var units []int64
	var gaps []int64
	for _, segs := range coders {
		pos := int64(0)
		for _, s := range segs {
			if s.Start > pos {
				gaps = append(gaps, s.Start-pos)
			}
			units = append(units, s.Len())
			pos = s.End
		}
		if length > pos {
			gaps = append(gaps, length-pos)
		}
	}
	if len(units) == 0 {
		return observed, 0
	}
	// gaps sorted, with suffix sums, for Σ over gaps h with l_h ≥ l of
	// (l_h − l + 1) = Σ l_h − (l − 1)·count.
	sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	suffix := make([]float64, len(gaps)+1)
	for i := len(gaps) - 1; i >= 0; i-- {
		suffix[i] = suffix[i+1] + float64(gaps[i])
	}
	nc := float64(len(units))
	num := 0.0
	squares := 0.0
	for _, l := range units {
		lf := float64(l)
		num += (nc - 1) * (2*lf*lf*lf - 3*lf*lf + lf) / 3
		k := sort.Search(len(gaps), func(i int) bool { return gaps[i] >= l })
		count := float64(len(gaps) - k)
		num += lf * lf * (suffix[k] - (lf-1)*count)
		squares += lf * (lf - 1)
	}
	mL := float64(m) * L
	den := mL*(mL-1) - squares
	if den <= 0 {
		return observed, 0
	}
	expected = 2 / L * num / den
	return observed, expected
}

// pairDistance sums α_U's squared distances between two coders' segments:
// for every pair of intersecting marked segments the squared differences
// of their beginnings and of their ends; for a marked segment that meets
// none of the other coder's, its squared length (it lies in a gap).
func pairDistance(a, b []Segment) float64 {
	sum := 0.0
	metA := make([]bool, len(a))
	metB := make([]bool, len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		if x.Start < y.End && y.Start < x.End {
			ds := float64(x.Start - y.Start)
			de := float64(x.End - y.End)
			sum += ds*ds + de*de
			metA[i], metB[j] = true, true
		}
		if x.End <= y.End {
			i++
		} else {
			j++
		}
	}
	for k, s := range a {
		if !metA[k] {
			l := float64(s.Len())
			sum += l * l
		}
	}
	for k, s := range b {
		if !metB[k] {
			l := float64(s.Len())
			sum += l * l
		}
	}
	return sum
}
