package index

import (
	"context"
	"fmt"
)

// CodingOverview is what the reports of the window draw: how often each
// theme codes each document, and how often two themes meet.
type CodingOverview struct {
	// Themes are the codebook's themes in tree order.
	Themes []Theme `json:"themes"`
	// Documents are the documents with at least one annotation, by title.
	Documents []OverviewDocument `json:"documents"`
	// CoOccurrence[i][j] counts the passages where Themes[i] and Themes[j]
	// meet: one annotation coded with both, or two annotations of the same
	// page whose spans overlap. The diagonal counts annotations coded with
	// the theme.
	CoOccurrence [][]int `json:"co_occurrence"`
}

// OverviewDocument is one document's annotation count per theme.
type OverviewDocument struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Counts []int  `json:"counts"` // by index of CodingOverview.Themes
	Total  int    `json:"total"`
}

// CodingOverview counts annotations per document and theme and theme
// co-occurrences over the whole library.
func (l *Library) CodingOverview(ctx context.Context) (*CodingOverview, error) {
	return l.CodingOverviewOf(ctx, "")
}

// CodingOverviewOf is CodingOverview of one coder's annotations ("": all
// coders'), for a window coding blind.
func (l *Library) CodingOverviewOf(ctx context.Context, coder string) (*CodingOverview, error) {
	themes, err := l.Themes(ctx)
	if err != nil {
		return nil, fmt.Errorf("coding overview: %w", err)
	}
	annots, err := l.Annotations(ctx, AnnotationFilter{Coder: coder})
	if err != nil {
		return nil, fmt.Errorf("coding overview: %w", err)
	}
	pos := map[string]int{}
	for i, t := range themes {
		pos[t.Name] = i
	}
	ov := &CodingOverview{Themes: themes, CoOccurrence: make([][]int, len(themes)), Documents: []OverviewDocument{}}
	for i := range ov.CoOccurrence {
		ov.CoOccurrence[i] = make([]int, len(themes))
	}
	docAt := map[int64]int{}
	for _, a := range annots {
		k, ok := docAt[a.DocID]
		if !ok {
			d, err := l.Document(ctx, a.DocID)
			if err != nil {
				return nil, fmt.Errorf("coding overview: %w", err)
			}
			title := d.Title
			if title == "" {
				title = d.FileName
			}
			k = len(ov.Documents)
			docAt[a.DocID] = k
			ov.Documents = append(ov.Documents, OverviewDocument{ID: d.ID, Title: title, Counts: make([]int, len(themes))})
		}
		for _, name := range a.Themes {
			if i, ok := pos[name]; ok {
				ov.Documents[k].Counts[i]++
				ov.Documents[k].Total++
				ov.CoOccurrence[i][i]++
			}
		}
		for x := 0; x < len(a.Themes); x++ {
			for y := x + 1; y < len(a.Themes); y++ {
				ov.meet(pos, a.Themes[x], a.Themes[y])
			}
		}
	}
	// overlapping annotations of one page (Annotations lists them by
	// document, page and offset)
	for i := range annots {
		for j := i + 1; j < len(annots); j++ {
			a, b := annots[i], annots[j]
			if b.DocID != a.DocID || b.Page != a.Page || b.Start >= a.End {
				if b.DocID != a.DocID || b.Page != a.Page {
					break
				}
				continue
			}
			for _, x := range a.Themes {
				for _, y := range b.Themes {
					if x != y {
						ov.meet(pos, x, y)
					}
				}
			}
		}
	}
	sortDocumentsByTitle(ov.Documents)
	return ov, nil
}

func (ov *CodingOverview) meet(pos map[string]int, a, b string) {
	i, ok1 := pos[a]
	j, ok2 := pos[b]
	if ok1 && ok2 && i != j {
		ov.CoOccurrence[i][j]++
		ov.CoOccurrence[j][i]++
	}
}

func sortDocumentsByTitle(docs []OverviewDocument) {
	for i := 1; i < len(docs); i++ {
		for j := i; j > 0 && docs[j].Title < docs[j-1].Title; j-- {
			docs[j], docs[j-1] = docs[j-1], docs[j]
		}
	}
}
