package index

import (
	"context"
	"fmt"
	"sort"
)

// The coding report: how often each theme codes passages, per document,
// and which themes occur together.

// ThemeFrequency is one theme's use across the library.
type ThemeFrequency struct {
	Theme       string `json:"theme"`
	Parent      string `json:"parent"`
	Annotations int    `json:"annotations"`
	Documents   int    `json:"documents"`
}

// DocumentCoding is one document's theme frequencies.
type DocumentCoding struct {
	DocID       int64          `json:"doc_id"`
	Title       string         `json:"title"`
	Year        int            `json:"year,omitempty"`
	Annotations int            `json:"annotations"`
	Themes      map[string]int `json:"themes"` // theme → annotations
}

// Cooccurrence counts the passages where two themes meet: one annotation
// coded with both, or two annotations, one with each, whose spans overlap
// on the same page. Each annotation, or pair of annotations, counts once.
type Cooccurrence struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Count int    `json:"count"`
}

// CodingReport is the library's coding in numbers.
type CodingReport struct {
	Themes       []ThemeFrequency `json:"themes"`       // codebook order
	Documents    []DocumentCoding `json:"documents"`    // documents with annotations, by id
	Cooccurrence []Cooccurrence   `json:"cooccurrence"` // most frequent first
}

// Report counts theme frequencies per document and theme co-occurrence.
func (l *Library) Report(ctx context.Context) (*CodingReport, error) {
	themes, err := l.Themes(ctx)
	if err != nil {
		return nil, err
	}
	anns, err := l.Annotations(ctx, AnnotationFilter{})
	if err != nil {
		return nil, err
	}
	rep := &CodingReport{Themes: []ThemeFrequency{}, Documents: []DocumentCoding{}, Cooccurrence: []Cooccurrence{}}
	order := map[string]int{}
	docsOf := map[string]map[int64]bool{}
	for i, t := range themes {
		order[t.Name] = i
		docsOf[t.Name] = map[int64]bool{}
	}
	byDoc := map[int64]*DocumentCoding{}
	var docOrder []int64
	for _, a := range anns {
		dc := byDoc[a.DocID]
		if dc == nil {
			d, err := l.Document(ctx, a.DocID)
			if err != nil {
				return nil, err
			}
			dc = &DocumentCoding{DocID: a.DocID, Title: d.Title, Year: d.Year, Themes: map[string]int{}}
			byDoc[a.DocID] = dc
			docOrder = append(docOrder, a.DocID)
		}
		dc.Annotations++
		for _, t := range a.Themes {
			dc.Themes[t]++
			if docsOf[t] != nil {
				docsOf[t][a.DocID] = true
			}
		}
	}
	for _, t := range themes {
		rep.Themes = append(rep.Themes, ThemeFrequency{Theme: t.Name, Parent: t.Parent, Annotations: t.Count, Documents: len(docsOf[t.Name])})
	}
	sort.Slice(docOrder, func(i, j int) bool { return docOrder[i] < docOrder[j] })
	for _, id := range docOrder {
		rep.Documents = append(rep.Documents, *byDoc[id])
	}

	// Co-occurrence, from each annotation with itself and with every
	// annotation overlapping it on the same page.
	type pair struct{ a, b string }
	type evidence struct{ x, y int64 }
	seen := map[pair]map[evidence]bool{}
	note := func(x, y Annotation) {
		ev := evidence{min(x.ID, y.ID), max(x.ID, y.ID)}
		for _, s := range x.Themes {
			for _, t := range y.Themes {
				if s == t {
					continue
				}
				p := pair{s, t}
				if order[t] < order[s] || (order[t] == order[s] && t < s) {
					p = pair{t, s}
				}
				if seen[p] == nil {
					seen[p] = map[evidence]bool{}
				}
				seen[p][ev] = true
			}
		}
	}
	type pageKey struct {
		doc  int64
		page int
	}
	onPage := map[pageKey][]Annotation{}
	for _, a := range anns {
		k := pageKey{a.DocID, a.Page}
		onPage[k] = append(onPage[k], a)
	}
	for _, list := range onPage {
		for i, x := range list {
			note(x, x)
			for _, y := range list[i+1:] {
				if overlaps(x, y) {
					note(x, y)
				}
			}
		}
	}
	for p, ev := range seen {
		rep.Cooccurrence = append(rep.Cooccurrence, Cooccurrence{A: p.a, B: p.b, Count: len(ev)})
	}
	sort.Slice(rep.Cooccurrence, func(i, j int) bool {
		a, b := rep.Cooccurrence[i], rep.Cooccurrence[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.A != b.A {
			return order[a.A] < order[b.A]
		}
		return order[a.B] < order[b.B]
	})
	return rep, nil
}

// String renders the report as plain text tables.
func (r *CodingReport) String() string {
	s := "Themes (annotations, documents)\n"
	for _, t := range r.Themes {
		if t.Annotations == 0 {
			continue
		}
		s += fmt.Sprintf("  %5d %4d  %s\n", t.Annotations, t.Documents, t.Theme)
	}
	s += "\nPer document\n"
	for _, d := range r.Documents {
		s += fmt.Sprintf("  %d  %s (%d annotations)\n", d.DocID, d.Title, d.Annotations)
		for _, name := range sortedKeys(d.Themes) {
			s += fmt.Sprintf("      %4d  %s\n", d.Themes[name], name)
		}
	}
	s += "\nCo-occurrence (passages)\n"
	if len(r.Cooccurrence) == 0 {
		s += "  none\n"
	}
	for _, c := range r.Cooccurrence {
		s += fmt.Sprintf("  %5d  %s × %s\n", c.Count, c.A, c.B)
	}
	return s
}

// overlaps tells whether two annotations of one page meet: two passages
// that share characters, two areas that share a part of the page. (A
// passage and an area are of different kinds: they meet only when one
// annotation carries both themes.)
func overlaps(x, y Annotation) bool {
	switch {
	case x.IsArea() && y.IsArea():
		return x.Rect != nil && y.Rect != nil && x.Rect.Overlaps(*y.Rect)
	case x.IsArea() || y.IsArea():
		return false
	}
	return x.Start < y.End && y.Start < x.End && !x.Orphaned && !y.Orphaned
}
