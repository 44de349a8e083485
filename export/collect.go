package export

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"sort"
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
	if f.AreaImages {
		if err := drawAreas(ctx, lib, d); err != nil {
			return nil, err
		}
	}
	if f.FullText {
		if err := pdfGeometry(ctx, lib, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// drawAreas draws each area excerpt's part of its page. Each page is
// drawn once and let go before the next (a page at areaDPI is megabytes,
// and an export may hold areas on hundreds of pages). A page that cannot
// be drawn leaves its areas without an image, saying why; only a cancelled
// context stops the export.
func drawAreas(ctx context.Context, lib *index.Library, d *Data) error {
	var areas []int // indices of the area excerpts, page by page
	for i, e := range d.Excerpts {
		if e.IsArea() && e.Rect != nil {
			areas = append(areas, i)
		}
	}
	sort.SliceStable(areas, func(i, j int) bool {
		a, b := d.Excerpts[areas[i]], d.Excerpts[areas[j]]
		if a.DocID != b.DocID {
			return a.DocID < b.DocID
		}
		return a.Page < b.Page
	})
	for start := 0; start < len(areas); {
		first := d.Excerpts[areas[start]]
		end := start + 1
		for end < len(areas) && d.Excerpts[areas[end]].DocID == first.DocID && d.Excerpts[areas[end]].Page == first.Page {
			end++
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rp, err := lib.RenderPage(ctx, first.DocID, first.Page, index.RenderOptions{DPI: areaDPI})
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		for _, i := range areas[start:end] {
			e := &d.Excerpts[i]
			if err != nil {
				e.ImageError = err.Error()
				continue
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, index.CropArea(rp, *e.Rect)); err != nil {
				e.ImageError = err.Error()
				continue
			}
			e.Image = buf.Bytes()
		}
		start = end
	}
	return nil
}
