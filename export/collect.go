package export

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
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

// drawAreas draws each area excerpt's part of its page (each page once).
// A page that cannot be drawn leaves its areas without an image, saying
// why; only a cancelled context stops the export.
func drawAreas(ctx context.Context, lib *index.Library, d *Data) error {
	type pageKey struct {
		doc  int64
		page int
	}
	rendered := map[pageKey]index.RenderedPage{}
	failed := map[pageKey]error{}
	for i := range d.Excerpts {
		e := &d.Excerpts[i]
		if !e.IsArea() || e.Rect == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		k := pageKey{e.DocID, e.Page}
		rp, ok := rendered[k]
		if !ok && failed[k] == nil {
			var err error
			if rp, err = lib.RenderPage(ctx, e.DocID, e.Page, index.RenderOptions{DPI: areaDPI}); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failed[k] = err
			} else {
				rendered[k], ok = rp, true
			}
		}
		if !ok {
			e.ImageError = failed[k].Error()
			continue
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, index.CropArea(rp, *e.Rect)); err != nil {
			e.ImageError = err.Error()
			continue
		}
		e.Image = buf.Bytes()
	}
	return nil
}
