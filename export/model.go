package export

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// Filter chooses what an export holds. Filters combine: an excerpt is
// exported when it is coded with one of Themes (or a theme nested under
// one) and lies in one of DocIDs. Empty lists do not filter.
type Filter struct {
	Themes []string // theme names, matched without regard to case
	DocIDs []int64
	// FullText makes Collect read the text of every exported document, as
	// a .qdpx project needs; otherwise only annotated documents' pages
	// are read (for their page labels).
	FullText bool
	// Coder keeps one coder's excerpts (without regard to case).
	Coder string
	// AreaImages makes Collect draw each area annotation's part of its
	// page as a PNG (Excerpt.Image), which the Markdown and HTML exports
	// embed. It needs the PDF engine.
	AreaImages bool
}

// Data is everything an export writes, as plain data: Collect gathers it
// from a library, tests may build it by hand and pass it to Build.
type Data struct {
	Library  string    // the library's name
	Exported time.Time // when the export was made (UTC)
	// Documents are the exported documents, by id: those named by the
	// filter, else those with exported excerpts, else (no filter at all)
	// every document of the library.
	Documents []Document
	// Themes are the exported themes in codebook order, depth first; a
	// theme filter keeps the chosen themes, their descendants and, for the
	// nesting, their ancestors.
	Themes []Theme
	// Excerpts are the exported annotations, by document, page and offset.
	Excerpts []Excerpt
	// Selected tells the themes the filter chose (all when it chose none),
	// by GUID; ancestors kept only for the nesting are not selected.
	Selected map[string]bool
	// Coders gives the library's coders' GUIDs by lower-case name: a
	// REFI-QDA project's User elements keep them (Collect fills it; a
	// coder missing from it gets a GUID derived from the name).
	Coders map[string]string

	byTheme    map[string][]Excerpt // excerpts by lower-case theme name, built on first use
	themeOrder map[string]int       // index in Themes by lower-case name, built on first use
}

// Document is one exported document with its stored text.
type Document struct {
	index.Document
	Pages     []index.Page
	Notes     []index.DocNote // the document's notes (Collect fills them in)
	Reference Reference       // its APA 7 reference list entry
	Cited     bool            // at least one exported excerpt quotes it
	// OriginalPath is where a PDF's original is stored, for a project to
	// hold it (Collect fills it in with FullText).
	OriginalPath string
}

// Theme is one exported theme; Depth is 0 at the top of the codebook.
type Theme struct {
	index.Theme
	Depth int
}

// Excerpt is one exported annotation with its citation.
type Excerpt struct {
	index.Annotation
	// FirstPage and LastPage are the printed page numbers the quote starts
	// and ends on (equal for a quote on one page).
	FirstPage string
	LastPage  string
	// Citation is the APA 7 in-text citation with the page(s).
	Citation string
	// SourceNote says where the quote's text comes from when a reader
	// should know: ScanNote for text recognised from a scan (OCR), which
	// may hold misread words.
	SourceNote string
	// Image is an area annotation's part of the page as a PNG (when
	// Collect was asked for it, see Filter.AreaImages); ImageError says
	// why there is none when drawing it failed.
	Image      []byte
	ImageError string
	// PageInfo is an area excerpt's page geometry, which a project needs
	// to write the area's corners (Collect fills it in with FullText).
	PageInfo *pdfium.PageInfo
}

// areaDPI is the resolution of an area's image in exports: sharp in
// print, a few hundred kilobytes for a whole figure.
const areaDPI = 150

// AreaLabel names an area excerpt where a quote would stand: "Area of
// p. 280".
func (e Excerpt) AreaLabel() string {
	return "Area of " + e.PageRef()
}

// ScanNote is the source note of quotes from pages read by OCR.
const ScanNote = "(text recognised from a scan)"

// PageRef returns the excerpt's page as a citation writes it ("p. 280").
func (e Excerpt) PageRef() string { return PageRef(e.FirstPage, e.LastPage) }

// PDFPageNote names the excerpt's PDF page when the printed page cited
// differs from it ("PDF p. 2" for a quote cited "p. 306"), else "".
func (e Excerpt) PDFPageNote() string {
	if e.FirstPage == "" || e.FirstPage == strconv.Itoa(e.Page) {
		return ""
	}
	return "PDF p. " + strconv.Itoa(e.Page)
}

// Pages returns the excerpt's printed page or page range ("280–281").
func (e Excerpt) Pages() string {
	if e.LastPage == "" || e.LastPage == e.FirstPage {
		return e.FirstPage
	}
	return e.FirstPage + "–" + e.LastPage
}

// Build filters and orders a library's plain data into an export: docs with
// their pages (pages may lack documents that have no stored text), the
// codebook and the annotations. It fails when the filter names a theme or
// a document that does not exist.
func Build(library string, exported time.Time, docs []index.Document, pages map[int64][]index.Page,
	themes []index.Theme, annotations []index.Annotation, f Filter) (*Data, error) {
	d := &Data{Library: library, Exported: exported.UTC(), Selected: map[string]bool{}}

	ordered := codebookOrder(themes)
	byName := map[string]Theme{}
	for _, t := range ordered {
		byName[strings.ToLower(t.Name)] = t
	}
	keepTheme := map[string]bool{} // by GUID, selected or ancestor
	if len(f.Themes) == 0 {
		for _, t := range ordered {
			d.Selected[t.GUID] = true
			keepTheme[t.GUID] = true
		}
	} else {
		byID := map[int64]Theme{}
		for _, t := range ordered {
			byID[t.ID] = t
		}
		for _, name := range f.Themes {
			t, ok := byName[strings.ToLower(strings.TrimSpace(name))]
			if !ok {
				return nil, fmt.Errorf("export: no theme named %q: %w", name, index.ErrNotFound)
			}
			d.Selected[t.GUID] = true
		}
		// Descendants of chosen themes are chosen too.
		for _, t := range ordered { // parents come before their children
			if p, ok := byID[t.ParentID]; ok && t.ParentID != 0 && d.Selected[p.GUID] {
				d.Selected[t.GUID] = true
			}
		}
		for _, t := range ordered {
			if !d.Selected[t.GUID] {
				continue
			}
			keepTheme[t.GUID] = true
			for p, ok := byID[t.ParentID]; ok && t.ParentID != 0; p, ok = byID[p.ParentID] {
				keepTheme[p.GUID] = true
				if p.ParentID == 0 {
					break
				}
			}
		}
	}
	for _, t := range ordered {
		if keepTheme[t.GUID] {
			d.Themes = append(d.Themes, t)
		}
	}

	docByID := map[int64]index.Document{}
	for _, doc := range docs {
		docByID[doc.ID] = doc
	}
	wantDoc := map[int64]bool{}
	for _, id := range f.DocIDs {
		if _, ok := docByID[id]; !ok {
			return nil, fmt.Errorf("export: document %d: %w", id, index.ErrNotFound)
		}
		wantDoc[id] = true
	}

	cited := map[int64]bool{}
	for _, a := range annotations {
		if len(f.DocIDs) > 0 && !wantDoc[a.DocID] {
			continue
		}
		doc, ok := docByID[a.DocID]
		if !ok {
			continue
		}
		if len(f.Themes) > 0 {
			hit := false
			for _, name := range a.Themes {
				if t, ok := byName[strings.ToLower(name)]; ok && d.Selected[t.GUID] {
					hit = true
				}
			}
			if !hit {
				continue
			}
		}
		e := Excerpt{Annotation: a}
		e.Themes = append([]string(nil), a.Themes...)
		p := pageOf(pages[a.DocID], a.Page)
		if p != nil && p.FromScan() {
			e.SourceNote = ScanNote
		}
		e.FirstPage = printedPage(doc, p, a.Page)
		e.LastPage = e.FirstPage
		e.Citation = InText(doc.Metadata, e.FirstPage, e.LastPage)
		d.Excerpts = append(d.Excerpts, e)
		cited[a.DocID] = true
	}
	sort.SliceStable(d.Excerpts, func(i, j int) bool {
		a, b := d.Excerpts[i], d.Excerpts[j]
		if a.DocID != b.DocID {
			return a.DocID < b.DocID
		}
		if a.Page != b.Page {
			return a.Page < b.Page
		}
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.ID < b.ID
	})

	for _, doc := range docs {
		include := false
		switch {
		case len(f.DocIDs) > 0:
			include = wantDoc[doc.ID]
		case len(f.Themes) > 0:
			include = cited[doc.ID]
		default:
			include = true
		}
		if include {
			d.Documents = append(d.Documents, Document{Document: doc, Pages: pages[doc.ID], Reference: ReferenceOf(doc.Metadata), Cited: cited[doc.ID]})
		}
	}
	sort.SliceStable(d.Documents, func(i, j int) bool { return d.Documents[i].ID < d.Documents[j].ID })
	return d, nil
}

func pageOf(pages []index.Page, number int) *index.Page {
	if number >= 1 && number <= len(pages) && pages[number-1].Number == number {
		return &pages[number-1]
	}
	for i := range pages {
		if pages[i].Number == number {
			return &pages[i]
		}
	}
	return nil
}

// codebookOrder returns themes depth first: siblings by position, then id.
// A theme whose parent is missing (or that sits in a cycle) goes to the top.
func codebookOrder(themes []index.Theme) []Theme {
	known := map[int64]bool{}
	for _, t := range themes {
		known[t.ID] = true
	}
	children := map[int64][]index.Theme{}
	for _, t := range themes {
		parent := t.ParentID
		if !known[parent] || parent == t.ID {
			parent = 0
		}
		children[parent] = append(children[parent], t)
	}
	for _, list := range children {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].Position != list[j].Position {
				return list[i].Position < list[j].Position
			}
			return list[i].ID < list[j].ID
		})
	}
	var out []Theme
	seen := map[int64]bool{}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, t := range children[parent] {
			if seen[t.ID] {
				continue
			}
			seen[t.ID] = true
			out = append(out, Theme{Theme: t, Depth: depth})
			walk(t.ID, depth+1)
		}
	}
	walk(0, 0)
	for _, t := range themes { // cycles: not reachable from the top
		if !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, Theme{Theme: t, Depth: 0})
			walk(t.ID, 1)
		}
	}
	return out
}

// themeByName finds an exported theme by name, without regard to case.
func (d *Data) themeByName(name string) (Theme, bool) {
	for _, t := range d.Themes {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return Theme{}, false
}

// document returns the exported document with this id.
func (d *Data) document(id int64) *Document {
	for i := range d.Documents {
		if d.Documents[i].ID == id {
			return &d.Documents[i]
		}
	}
	return nil
}

// excerptsFor returns the excerpts coded with the theme, in order. The
// index it builds on first use assumes Excerpts no longer change.
func (d *Data) excerptsFor(t Theme) []Excerpt {
	if d.byTheme == nil {
		d.byTheme = map[string][]Excerpt{}
		for _, e := range d.Excerpts {
			seen := map[string]bool{}
			for _, name := range e.Themes {
				key := strings.ToLower(name)
				if !seen[key] {
					seen[key] = true
					d.byTheme[key] = append(d.byTheme[key], e)
				}
			}
		}
	}
	return d.byTheme[strings.ToLower(t.Name)]
}

// uncoded returns the excerpts with no exported theme.
func (d *Data) uncoded() []Excerpt {
	var out []Excerpt
	for _, e := range d.Excerpts {
		coded := false
		for _, name := range e.Themes {
			if _, ok := d.themeByName(name); ok {
				coded = true
			}
		}
		if !coded {
			out = append(out, e)
		}
	}
	return out
}

// CitedDocuments returns the documents quoted by exported excerpts, in the
// order of an APA reference list (by the reference text).
func (d *Data) CitedDocuments() []Document {
	var out []Document
	for _, doc := range d.Documents {
		if doc.Cited {
			out = append(out, doc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.ToLower(out[i].Reference.Plain()) < strings.ToLower(out[j].Reference.Plain())
	})
	return out
}

// otherThemes returns the excerpt's themes other than the one it is listed
// under, in codebook order (themes the export does not hold last).
func (d *Data) otherThemes(e Excerpt, current string) []string {
	var out []string
	for _, name := range d.orderedThemes(e) {
		if !strings.EqualFold(name, current) {
			out = append(out, name)
		}
	}
	return out
}

// plural writes a count with its noun: "1 document", "3 documents".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// hasExcerpts tells whether the theme (at index i of Themes) or a theme
// nested under it has excerpts.
func (d *Data) hasExcerpts(i int) bool {
	t := d.Themes[i]
	if d.Selected[t.GUID] && len(d.excerptsFor(t)) > 0 {
		return true
	}
	for j := i + 1; j < len(d.Themes) && d.Themes[j].Depth > t.Depth; j++ {
		if d.Selected[d.Themes[j].GUID] && len(d.excerptsFor(d.Themes[j])) > 0 {
			return true
		}
	}
	return false
}
