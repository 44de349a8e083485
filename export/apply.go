package export

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// ApplyReport says what applying a REFI-QDA file to a library did.
type ApplyReport struct {
	ThemesAdded   []string `json:"themes_added"`
	ThemesMatched []string `json:"themes_matched"` // codes mapped to themes the library had (by GUID or name)
	// ThemesMatchedByName lists the codes mapped to a theme of the same
	// name under the same parent, the library's theme having another GUID.
	ThemesMatchedByName []ThemeMatch `json:"themes_matched_by_name"`
	// ThemesRenamed lists the codes added under another name, because the
	// library has a theme of their name elsewhere in the codebook.
	ThemesRenamed  []ThemeMatch       `json:"themes_renamed"`
	Documents      []index.ImportItem `json:"documents"` // created from the project's sources
	DocumentsFound []index.ImportItem `json:"documents_found"`
	Annotations    int                `json:"annotations"`       // annotations created
	AnnotationsHad int                `json:"annotations_found"` // selections the library already held
	Codings        int                `json:"codings"`           // codings mapped (selection × code)
	DocumentNotes  int                `json:"document_notes"`    // notes added to documents
	// Positions says how each source's selection positions were read,
	// for the sources where UTF-16 units and code points differ.
	Positions []SourcePositions `json:"positions"`
	// Problems lists what could not be mapped, one line each, and
	// NotImported counts it by kind of REFI-QDA element.
	Problems    []string       `json:"problems"`
	NotImported map[string]int `json:"not_imported"`
}

// ThemeMatch is one code mapped to a theme by name, or renamed.
type ThemeMatch struct {
	Code   string `json:"code"`   // the code's name in the file
	Parent string `json:"parent"` // the theme it lies under, "" at the top
	Theme  string `json:"theme"`  // the library's theme it maps to
}

// SourcePositions says how one source's positions were read.
type SourcePositions struct {
	Source string `json:"source"`
	Unit   string `json:"unit"` // "UTF-16 units" or "code points"
}

// NewApplyReport returns an empty report, its lists empty rather than nil.
func NewApplyReport() *ApplyReport {
	return &ApplyReport{ThemesAdded: []string{}, ThemesMatched: []string{}, ThemesMatchedByName: []ThemeMatch{}, ThemesRenamed: []ThemeMatch{},
		Documents: []index.ImportItem{}, DocumentsFound: []index.ImportItem{}, Positions: []SourcePositions{},
		Problems: []string{}, NotImported: map[string]int{}}
}

func (r *ApplyReport) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// drop reports n elements of a kind that were not imported.
func (r *ApplyReport) drop(kind string, n int, format string, args ...any) {
	if n <= 0 {
		return
	}
	if r.NotImported == nil {
		r.NotImported = map[string]int{}
	}
	r.NotImported[kind] += n
	r.problem(format, args...)
}

// Summary is a one-line account of the report; parts about documents and
// annotations appear when the file had any.
func (r *ApplyReport) Summary() string {
	parts := []string{fmt.Sprintf("%d themes added, %d matched", len(r.ThemesAdded), len(r.ThemesMatched))}
	if n := len(r.ThemesMatchedByName); n > 0 {
		parts[0] += fmt.Sprintf(" (%d by name)", n)
	}
	if len(r.Documents)+len(r.DocumentsFound) > 0 {
		parts = append(parts, fmt.Sprintf("%d documents added, %d found", len(r.Documents), len(r.DocumentsFound)))
	}
	if r.Annotations+r.AnnotationsHad > 0 {
		parts = append(parts, fmt.Sprintf("%d annotations added, %d found, %d codings", r.Annotations, r.AnnotationsHad, r.Codings))
	}
	if r.DocumentNotes > 0 {
		parts = append(parts, plural(r.DocumentNotes, "document note")+" added")
	}
	problems := "nothing left out"
	if n := len(r.Problems); n > 0 {
		var kinds []string
		for k := range r.NotImported {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var counts []string
		for _, k := range kinds {
			counts = append(counts, fmt.Sprintf("%d %s", r.NotImported[k], k))
		}
		problems = plural(n, "item") + " not mapped"
		if len(counts) > 0 {
			problems += " (not imported: " + strings.Join(counts, ", ") + ")"
		}
	}
	return strings.Join(append(parts, problems), "; ")
}

// ApplyCodebook adds a codebook's codes to the library's themes. A code
// maps to the library's theme with its GUID, else to the theme of its
// name under the same parent (reported in ThemesMatchedByName); the others
// are added with their colour, description, memo and nesting — under
// another name when the library has a theme of theirs elsewhere (theme
// names are unique), reported in ThemesRenamed. Re-importing updates
// nothing and duplicates nothing. It returns the theme name each code GUID
// maps to.
func ApplyCodebook(ctx context.Context, lib *index.Library, codes []Code, rep *ApplyReport) (map[string]string, error) {
	themes, err := lib.Themes(ctx)
	if err != nil {
		return nil, err
	}
	byGUID := map[string]index.Theme{}
	taken := map[string]bool{}                     // lower-case names in use
	children := map[int64]map[string]index.Theme{} // parent id → lower-case name → theme
	for _, t := range themes {
		byGUID[normGUID(t.GUID)] = t
		key := themeKey(t.Name)
		taken[key] = true
		if children[t.ParentID] == nil {
			children[t.ParentID] = map[string]index.Theme{}
		}
		children[t.ParentID][key] = t
	}
	// Decide for every code first (parents come before their children),
	// then add the new themes in one step.
	type target struct {
		theme index.Theme // the library's theme, or the new theme's name and parent
		isNew bool
	}
	mapped := map[string]target{} // code GUID → theme
	var add []index.Theme
	var addCodes []Code
	for _, c := range codes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if t, ok := byGUID[c.GUID]; ok {
			mapped[c.GUID] = target{theme: t}
			rep.ThemesMatched = append(rep.ThemesMatched, t.Name)
			continue
		}
		var parent target
		hasParent := false
		if c.Parent != "" {
			if parent, hasParent = mapped[c.Parent]; !hasParent {
				rep.problem("code %q: its parent code was not imported; added at the top of the codebook", c.Name)
			}
		}
		if !parent.isNew {
			if t, ok := children[parent.theme.ID][themeKey(c.Name)]; ok {
				mapped[c.GUID] = target{theme: t}
				rep.ThemesMatched = append(rep.ThemesMatched, t.Name)
				rep.ThemesMatchedByName = append(rep.ThemesMatchedByName, ThemeMatch{Code: c.Name, Parent: parent.theme.Name, Theme: t.Name})
				continue
			}
		}
		name := c.Name
		if taken[themeKey(name)] {
			name = disambiguate(c.Name, parent.theme.Name, taken)
			rep.ThemesRenamed = append(rep.ThemesRenamed, ThemeMatch{Code: c.Name, Parent: parent.theme.Name, Theme: name})
		}
		taken[themeKey(name)] = true
		if !c.Codable {
			rep.problem("code %q is not codable in its tool; imported as a theme you can code with", c.Name)
		}
		nt := index.Theme{GUID: c.GUID, Name: name, Description: c.Description, Color: c.Color,
			Parent: parent.theme.Name, Memo: c.Memo, Source: c.Source, Provisional: c.Provisional}
		mapped[c.GUID] = target{theme: nt, isNew: true}
		add = append(add, nt)
		addCodes = append(addCodes, c)
	}
	nameOf := map[string]string{}
	for g, t := range mapped {
		if !t.isNew {
			nameOf[g] = t.theme.Name
		}
	}
	if len(add) == 0 {
		return nameOf, nil
	}
	added, errs, err := lib.AddThemes(ctx, fmt.Sprintf("Import %s", plural(len(add), "code")), add)
	if err != nil {
		return nameOf, err
	}
	failed := map[string]bool{} // names of new themes not added
	for i, t := range add {
		c := addCodes[i]
		if errs[i] != nil {
			// One at a time, without the colour (the library may refuse
			// it) or the parent (it may have failed too).
			retry := t
			retry.Color = ""
			if failed[themeKey(retry.Parent)] {
				retry.Parent = ""
			}
			got, err := lib.AddTheme(ctx, retry)
			if err != nil {
				failed[themeKey(t.Name)] = true
				rep.drop("Code", 1, "code %q could not be added as a theme: %v", c.Name, errs[i])
				continue
			}
			rep.problem("code %q: added without its colour or parent, which the library refused: %v", c.Name, errs[i])
			added[i] = got
		}
		nameOf[c.GUID] = added[i].Name
		rep.ThemesAdded = append(rep.ThemesAdded, added[i].Name)
	}
	return nameOf, nil
}

// themeKey is a theme name as names are compared.
func themeKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// disambiguate names a code whose name the library gives a theme elsewhere:
// "Trust (Collaboration)" after its parent, "Trust (imported)" at the top,
// with a number when that is taken too.
func disambiguate(name, parent string, taken map[string]bool) string {
	qualifier := parent
	if qualifier == "" {
		qualifier = "imported"
	}
	base := fmt.Sprintf("%s (%s)", name, qualifier)
	candidate := base
	for i := 2; taken[themeKey(candidate)]; i++ {
		candidate = fmt.Sprintf("%s (%s %d)", name, qualifier, i)
	}
	return candidate
}

// ApplyProject brings a project into the library: its codebook (see
// ApplyCodebook), its text sources as documents with their attributes and
// notes, and its coded selections as annotations at the same offsets, with
// their GUIDs. A source is recognised as a document the library holds by
// its GUID, or by its text; a selection the library already holds (same
// GUID, or same document, page and span) gains the codes it lacks instead
// of being duplicated. Each source is stored in one transaction and one
// undoable step, and its document re-indexed once. Everything that could
// not be mapped is in the report's Problems and NotImported, beginning
// with what reading the project found.
func ApplyProject(ctx context.Context, lib *index.Library, p *Project) (*ApplyReport, error) {
	rep := NewApplyReport()
	rep.Problems = append(rep.Problems, p.Problems...)
	for k, n := range p.NotImported {
		rep.NotImported[k] += n
	}
	nameOf, err := ApplyCodebook(ctx, lib, p.Codes, rep)
	if err != nil {
		return rep, fmt.Errorf("import codebook: %w", err)
	}
	found, err := recogniseSources(ctx, lib, p.Sources)
	if err != nil {
		return rep, fmt.Errorf("import sources: %w", err)
	}
	for i, src := range p.Sources {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := applySource(ctx, lib, p, src, found[i], nameOf, rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func applySource(ctx context.Context, lib *index.Library, p *Project, src Source, docID int64, nameOf map[string]string, rep *ApplyReport) error {
	if src.PositionUnit != "" {
		rep.Positions = append(rep.Positions, SourcePositions{Source: src.Name, Unit: src.PositionUnit})
	}
	// A PDF source whose PDF the project holds is that PDF in the library
	// (see refi_pdf.go).
	adopt := false
	if docID == 0 && len(src.PDF) > 0 {
		id, created, err := importSourcePDF(ctx, lib, src)
		switch {
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			return err
		case err != nil && src.hasText():
			rep.problem("source %q: its PDF could not be imported (%v); its text is imported instead, without its %d region selections", src.Name, err, len(src.Areas))
			rep.NotImported["PDFSelection"] += len(src.Areas)
			src.Areas, src.PDF = nil, nil
		case err != nil:
			rep.drop("PDFSource", 1, "source %q: its PDF could not be imported (%v); it and its %d region selections were not imported", src.Name, err, len(src.Areas))
			return nil
		default:
			docID, adopt = id, created
		}
	}
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
	xs := index.ExchangeSource{DocID: docID, GUID: src.GUID, Name: src.Name, Pages: pages, Metadata: m,
		FirstPrintedPage: src.FirstPrintedPage, Attributes: src.Attributes, CoderGUIDs: p.Users, Adopt: adopt}
	projectName := p.Name
	if projectName == "" {
		projectName = "project"
	}
	xs.Label = fmt.Sprintf("Import %s: %s", projectName, src.Name)
	for _, n := range src.Notes {
		xs.Notes = append(xs.Notes, index.ExchangeNote{Text: n.Text, Author: n.Author, Created: n.Created})
	}
	for _, sel := range src.Selections {
		var themes []string
		for _, g := range sel.Codes {
			if name, ok := nameOf[g]; ok {
				themes = append(themes, name)
			} else {
				rep.drop("Coding", 1, "source %q: selection %q: its code %s was not imported, so that coding was not either", src.Name, shortQuote(sel.Quote), g)
			}
		}
		if len(themes) == 0 && sel.Note != "" {
			// A comment on a passage without a code (MAXQDA's comments,
			// NVivo's annotations): a note on the document naming it.
			xs.Notes = append(xs.Notes, index.ExchangeNote{Text: "“" + sel.Quote + "”: " + sel.Note, Author: sel.Author, Created: sel.Created})
			continue
		}
		if len(themes) == 0 {
			rep.drop("PlainTextSelection", 1, "source %q: selection %q carries no code Rapport could map; not imported (an annotation needs a theme)", src.Name, shortQuote(sel.Quote))
			continue
		}
		xa := index.ExchangeAnnotation{GUID: sel.GUID, Page: sel.Page, Start: sel.Start, End: sel.End,
			Themes: themes, Note: sel.Note, Author: sel.Author, Created: sel.Created}
		if len(src.PDF) > 0 {
			xa.Quote = sel.Quote // placed by its quote where the PDF's text differs from the tool's
		}
		xs.Annotations = append(xs.Annotations, xa)
	}
	if len(src.PDF) > 0 && docID != 0 {
		xs.Annotations = append(xs.Annotations, areaAnnotations(ctx, lib, docID, src, nameOf, rep)...)
	}
	res, err := lib.ImportExchangeSource(ctx, xs)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		rep.drop("TextSource", 1, "source %q could not be added: %v; its %d selections were not imported", src.Name, err, len(src.Selections))
		return nil
	}
	item := res.Item
	if res.Created || adopt {
		rep.Documents = append(rep.Documents, item)
	} else {
		rep.DocumentsFound = append(rep.DocumentsFound, item)
	}
	rep.Annotations += res.Added
	rep.AnnotationsHad += res.Found
	rep.Codings += res.Codings
	rep.DocumentNotes += res.NotesAdded
	for _, pr := range res.Problems {
		kind := "PlainTextSelection"
		if strings.HasPrefix(pr, "area") {
			kind = "PDFSelection"
		}
		rep.drop(kind, 1, "source %q: %s; not imported", src.Name, pr)
	}
	return nil
}

// docGUID is the GUID a document's source has in the projects Rapport
// writes: the one it came with, else one derived from its original.
func docGUID(d index.Document) string {
	if d.GUID != "" {
		return normGUID(d.GUID)
	}
	if d.SHA256 != "" {
		return StableGUID("document", d.SHA256)
	}
	return StableGUID("document-id", fmt.Sprint(d.ID))
}

// textKey identifies a text whatever its page breaks: the SHA-256 of its
// NFC pages joined as a project holds them.
func textKey(pages []string) [32]byte {
	text, _ := SourceText(pages)
	return sha256.Sum256([]byte(norm.NFC.String(text)))
}

// recogniseSources finds, for each source, the library's document it is:
// first by GUID (the document the source came from, or the one a source
// of this GUID was imported as), then by the same original file (Rapport's
// own projects), then by the same text. A document is claimed by one
// source at most, so two sources with the same text stay two documents.
// 0 means a new document.
func recogniseSources(ctx context.Context, lib *index.Library, sources []Source) ([]int64, error) {
	out := make([]int64, len(sources))
	if len(sources) == 0 {
		return out, nil
	}
	docs, err := lib.Documents(ctx)
	if err != nil {
		return nil, err
	}
	byGUID := map[string][]index.Document{}
	bySHA := map[string][]index.Document{}
	var withText []index.Document
	for _, d := range docs {
		if d.PageCount == 0 {
			continue
		}
		withText = append(withText, d)
		byGUID[docGUID(d)] = append(byGUID[docGUID(d)], d)
		if d.SHA256 != "" {
			bySHA[d.SHA256] = append(bySHA[d.SHA256], d)
		}
	}
	keys := map[int64][32]byte{}
	keyOf := func(d index.Document) ([32]byte, error) {
		if k, ok := keys[d.ID]; ok {
			return k, nil
		}
		pages, err := lib.Pages(ctx, d.ID)
		if err != nil {
			return [32]byte{}, err
		}
		texts := make([]string, len(pages))
		for i, pg := range pages {
			texts[i] = pg.Text
		}
		k := textKey(texts)
		keys[d.ID] = k
		return k, nil
	}
	claimed := map[int64]bool{}
	srcKeys := make([][32]byte, len(sources))
	for i, s := range sources {
		srcKeys[i] = textKey(s.Pages)
	}
	pick := func(i int, cands []index.Document) (bool, error) {
		for _, d := range cands {
			if claimed[d.ID] {
				continue
			}
			k, err := keyOf(d)
			if err != nil {
				return false, err
			}
			if k == srcKeys[i] {
				out[i] = d.ID
				claimed[d.ID] = true
				return true, nil
			}
		}
		return false, nil
	}
	// By GUID, for every source first: those documents are theirs.
	for i, s := range sources {
		if _, err := pick(i, byGUID[normGUID(s.GUID)]); err != nil {
			return nil, err
		}
	}
	// By original file, then by text.
	for i, s := range sources {
		if out[i] != 0 {
			continue
		}
		if s.OriginalSHA256 != "" {
			if ok, err := pick(i, bySHA[s.OriginalSHA256]); err != nil || ok {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		if _, err := pick(i, withText); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func shortQuote(q string) string {
	q = oneLine(q)
	if r := []rune(q); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return q
}
