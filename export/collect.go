package export

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/index"
)

// Collect gathers an export from a library: its documents (with the pages
// of those that carry annotations, or of all when f.FullText), its
// codebook and its annotations, filtered by f. It only reads; an export
// never changes the library.
func Collect(ctx context.Context, lib *index.Library, f Filter) (*Data, error) {
	docs, err := lib.Documents(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	themes, err := lib.Themes(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var annotations []index.Annotation
	if len(f.DocIDs) > 0 {
		for _, id := range f.DocIDs {
			list, err := lib.Annotations(ctx, index.AnnotationFilter{DocID: id, Coder: f.Coder})
			if err != nil {
				return nil, fmt.Errorf("export: %w", err)
			}
			annotations = append(annotations, list...)
		}
	} else if annotations, err = lib.Annotations(ctx, index.AnnotationFilter{Coder: f.Coder}); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	annotated := map[int64]bool{}
	for _, a := range annotations {
		annotated[a.DocID] = true
	}
	pages := map[int64][]index.Page{}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if d.PageCount == 0 || !annotated[d.ID] && !f.FullText {
			continue
		}
		p, err := lib.Pages(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		pages[d.ID] = p
	}
	d, err := Build(lib.Name(), time.Now(), docs, pages, themes, annotations, f)
	if err != nil {
		return nil, err
	}
	for i := range d.Documents {
		notes, err := lib.DocNotes(ctx, d.Documents[i].ID)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		d.Documents[i].Notes = notes
	}
	coders, err := lib.Coders(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	d.Coders = map[string]string{}
	for _, c := range coders {
		if c.GUID != "" {
			d.Coders[strings.ToLower(c.Name)] = c.GUID
		}
	}
	return d, nil
}
