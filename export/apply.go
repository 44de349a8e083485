package export

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// ApplyReport says what applying a REFI-QDA file to a library did.
type ApplyReport struct {
	ThemesAdded    []string           `json:"themes_added"`
	ThemesMatched  []string           `json:"themes_matched"` // codes mapped to themes the library had
	Documents      []index.ImportItem `json:"documents"`      // created from the project's sources
	DocumentsFound []index.ImportItem `json:"documents_found"`
	Annotations    int                `json:"annotations"`       // annotations created
	AnnotationsHad int                `json:"annotations_found"` // selections the library already held
	Codings        int                `json:"codings"`           // codings mapped (selection × code)
	// Problems lists what could not be mapped, one line each.
	Problems []string `json:"problems"`
}

func (r *ApplyReport) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// Summary is a one-line account of the report; parts about documents and
// annotations appear when the file had any.
func (r *ApplyReport) Summary() string {
	parts := []string{fmt.Sprintf("%d themes added, %d matched", len(r.ThemesAdded), len(r.ThemesMatched))}
	if len(r.Documents)+len(r.DocumentsFound) > 0 {
		parts = append(parts, fmt.Sprintf("%d documents added, %d found", len(r.Documents), len(r.DocumentsFound)))
	}
	if r.Annotations+r.AnnotationsHad > 0 {
		parts = append(parts, fmt.Sprintf("%d annotations added, %d found, %d codings", r.Annotations, r.AnnotationsHad, r.Codings))
	}
	problems := "nothing left out"
	if n := len(r.Problems); n == 1 {
		problems = "1 item not mapped"
	} else if n > 1 {
		problems = fmt.Sprintf("%d items not mapped", n)
	}
	return strings.Join(append(parts, problems), "; ")
}

// ApplyCodebook adds a codebook's codes to the library's themes. A code
// whose GUID or name the library knows maps to that theme (re-importing
// updates nothing and duplicates nothing); the others are added with
// their colour, description, memo and nesting. It returns the theme name
// each code GUID maps to.
func ApplyCodebook(ctx context.Context, lib *index.Library, codes []Code, rep *ApplyReport) (map[string]string, error) {
	themes, err := lib.Themes(ctx)
	if err != nil {
		return nil, err
	}
	byGUID := map[string]index.Theme{}
	byName := map[string]index.Theme{}
	for _, t := range themes {
		byGUID[normGUID(t.GUID)] = t
		byName[strings.ToLower(t.Name)] = t
	}
	nameOf := map[string]string{}
	for _, c := range codes {
		if err := ctx.Err(); err != nil {
			return nameOf, err
		}
		if t, ok := byGUID[c.GUID]; ok {
			nameOf[c.GUID] = t.Name
			rep.ThemesMatched = append(rep.ThemesMatched, t.Name)
			continue
		}
		if t, ok := byName[strings.ToLower(c.Name)]; ok {
			nameOf[c.GUID] = t.Name
			rep.ThemesMatched = append(rep.ThemesMatched, t.Name)
			continue
		}
		parent := ""
		if c.Parent != "" {
			var ok bool
			if parent, ok = nameOf[c.Parent]; !ok {
				rep.problem("code %q: its parent code was not imported; added at the top of the codebook", c.Name)
			}
		}
		if !c.Codable {
			rep.problem("code %q is not codable in its tool; imported as a theme you can code with", c.Name)
		}
		t, err := lib.AddTheme(ctx, index.Theme{GUID: c.GUID, Name: c.Name, Description: c.Description, Color: c.Color,
			Parent: parent, Memo: c.Memo, Source: c.Source, Provisional: c.Provisional})
		if err != nil && c.Color != "" {
			// The library may refuse a colour it does not take; keep the theme.
			t, err = lib.AddTheme(ctx, index.Theme{GUID: c.GUID, Name: c.Name, Description: c.Description,
				Parent: parent, Memo: c.Memo, Source: c.Source, Provisional: c.Provisional})
			if err == nil {
				rep.problem("code %q: colour %s refused; a palette colour was used", c.Name, c.Color)
			}
		}
		if err != nil {
			rep.problem("code %q could not be added as a theme: %v", c.Name, err)
			continue
		}
		nameOf[c.GUID] = t.Name
		byName[strings.ToLower(t.Name)] = t
		rep.ThemesAdded = append(rep.ThemesAdded, t.Name)
	}
	return nameOf, nil
}

// ApplyProject brings a project into the library: its codebook (see
// ApplyCodebook), its text sources as documents and its coded selections
// as annotations at the same offsets. A selection the library already holds
// (same document, page and span) gains the codes it lacks instead of being
// duplicated. Everything that could not be mapped is in the report's
// Problems, beginning with what reading the project found.
func ApplyProject(ctx context.Context, lib *index.Library, p *Project) (*ApplyReport, error) {
	rep := &ApplyReport{Problems: append([]string(nil), p.Problems...)}
	nameOf, err := ApplyCodebook(ctx, lib, p.Codes, rep)
	if err != nil {
		return rep, fmt.Errorf("import codebook: %w", err)
	}
	for _, src := range p.Sources {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := applySource(ctx, lib, src, nameOf, rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func applySource(ctx context.Context, lib *index.Library, src Source, nameOf map[string]string, rep *ApplyReport) error {
	pages := make([]importer.PageText, len(src.Pages))
	for i, text := range src.Pages {
		pages[i] = importer.PageText{Number: i + 1, Text: text}
		if i < len(src.PageLabels) {
			pages[i].Label = src.PageLabels[i]
		}
		if i < len(src.PrintedPages) {
			pages[i].Printed = src.PrintedPages[i]
		}
	}
	m := src.Metadata
	if strings.TrimSpace(m.Title) == "" {
		m.Title = src.Name
	}
	item, found, err := sameDocument(ctx, lib, src)
	if err != nil {
		return err
	}
	created := false
	if !found {
		item, created, err = lib.AddTextDocument(ctx, src.Name, pages, m)
	}
	if err != nil {
		rep.problem("source %q could not be added: %v; its %d selections were not imported", src.Name, err, len(src.Selections))
		return nil
	}
	if created {
		rep.Documents = append(rep.Documents, item)
		if src.FirstPrintedPage > 0 {
			if err := lib.SetMetadataField(ctx, item.ID, "first_printed_page", strconv.Itoa(src.FirstPrintedPage)); err != nil {
				rep.problem("source %q: first printed page not kept: %v", src.Name, err)
			}
		}
	} else {
		rep.DocumentsFound = append(rep.DocumentsFound, item)
	}
	existing, err := lib.Annotations(ctx, index.AnnotationFilter{DocID: item.ID})
	if err != nil {
		return err
	}
	type span struct{ page, start, end int }
	had := map[span]index.Annotation{}
	for _, a := range existing {
		had[span{a.Page, a.Start, a.End}] = a
	}
	for _, sel := range src.Selections {
		var themes []string
		for _, g := range sel.Codes {
			if name, ok := nameOf[g]; ok {
				themes = append(themes, name)
			} else {
				rep.problem("source %q: selection %q: its code %s was not imported, so that coding was not either", src.Name, shortQuote(sel.Quote), g)
			}
		}
		if a, ok := had[span{sel.Page, sel.Start, sel.End}]; ok {
			var missing []string
			for _, name := range themes {
				found := false
				for _, have := range a.Themes {
					found = found || strings.EqualFold(have, name)
				}
				if !found {
					missing = append(missing, name)
				}
			}
			if len(missing) > 0 {
				if _, err := lib.UpdateAnnotation(ctx, a.ID, index.AnnotationUpdate{AddThemes: missing}); err != nil {
					rep.problem("source %q: selection %q: codes %s not added to the annotation it matches: %v", src.Name, shortQuote(sel.Quote), strings.Join(missing, ", "), err)
					continue
				}
			}
			rep.AnnotationsHad++
			rep.Codings += len(themes)
			continue
		}
		if len(themes) == 0 {
			rep.problem("source %q: selection %q carries no code Rapport could map; not imported (an annotation needs a theme)", src.Name, shortQuote(sel.Quote))
			continue
		}
		a, err := lib.Tag(ctx, index.TagRequest{DocID: item.ID, Page: sel.Page, Start: sel.Start, End: sel.End, Themes: themes,
			Note: sel.Note, Author: sel.Author})
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return err
			}
			rep.problem("source %q: selection %q (%d–%d) with %s could not be imported: %v", src.Name, shortQuote(sel.Quote), sel.Start, sel.End, strings.Join(themes, ", "), err)
			continue
		}
		had[span{a.Page, a.Start, a.End}] = a
		rep.Annotations++
		rep.Codings += len(themes)
	}
	return nil
}

// sameDocument finds the library's document a source of Rapport's own
// project came from: the same original file, with the same page text.
func sameDocument(ctx context.Context, lib *index.Library, src Source) (index.ImportItem, bool, error) {
	if src.OriginalSHA256 == "" {
		return index.ImportItem{}, false, nil
	}
	docs, err := lib.Documents(ctx)
	if err != nil {
		return index.ImportItem{}, false, err
	}
	for _, d := range docs {
		if d.SHA256 != src.OriginalSHA256 {
			continue
		}
		pages, err := lib.Pages(ctx, d.ID)
		if err != nil {
			return index.ImportItem{}, false, err
		}
		if len(pages) != len(src.Pages) {
			return index.ImportItem{}, false, nil
		}
		for i := range pages {
			if pages[i].Text != src.Pages[i] {
				return index.ImportItem{}, false, nil
			}
		}
		return index.ImportItem{ID: d.ID, File: d.FileName, Title: d.Title, DOI: d.DOI, Pages: d.PageCount}, true, nil
	}
	return index.ImportItem{}, false, nil
}

func shortQuote(q string) string {
	q = oneLine(q)
	if r := []rune(q); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return q
}
