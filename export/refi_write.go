package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// PageBreak separates a document's pages in the plain text Rapport writes
// into a .qdpx (a form feed on a line of its own), so that Rapport reading
// its own project back restores the pages.
const PageBreak = "\n\f\n"

// Origin is the origin attribute of the projects and codebooks Rapport
// writes; reading a project of this origin splits sources at PageBreak.
const Origin = "Rapport"

// SourceText joins a document's pages as a .qdpx source holds them and
// returns where each page starts, in code points (see utf16Offsets for the
// positions a project holds).
func SourceText(pages []string) (text string, starts []int) {
	var b strings.Builder
	offset := 0
	for i, p := range pages {
		if i > 0 {
			b.WriteString(PageBreak)
			offset += utf8.RuneCountInString(PageBreak)
		}
		starts = append(starts, offset)
		b.WriteString(p)
		offset += utf8.RuneCountInString(p)
	}
	return b.String(), starts
}

// codeTree builds the nested codes of the exported themes.
func codeTree(d *Data, withNotes bool) []qdeCode {
	var build func(i int) (qdeCode, int)
	build = func(i int) (qdeCode, int) {
		t := d.Themes[i]
		c := qdeCode{GUID: themeGUID(t), Name: t.Name, IsCodable: "true", Description: strings.TrimSpace(t.Description)}
		if rgb, ok := ParseColor(t.Color); ok {
			c.Color = rgb
		}
		if withNotes && strings.TrimSpace(t.Memo) != "" {
			c.NoteRefs = []qdeRef{{TargetGUID: StableGUID("theme-memo", c.GUID)}}
		}
		j := i + 1
		for j < len(d.Themes) && d.Themes[j].Depth > t.Depth {
			child, next := build(j)
			c.Codes = append(c.Codes, child)
			j = next
		}
		return c, j
	}
	var codes []qdeCode
	for i := 0; i < len(d.Themes); {
		c, next := build(i)
		codes = append(codes, c)
		i = next
	}
	return codes
}

func themeGUID(t Theme) string {
	key := t.GUID
	if key == "" {
		key = strings.ToLower(t.Name)
	}
	return refiGUID("theme", key)
}

func sourceGUID(doc Document) string { return docGUID(doc.Document) }

// utf16Offsets returns, for each code point offset of text (and its end),
// the offset in UTF-16 code units, as the standard's readers count
// positions (see refi_positions.go); nil when the two are the same.
func utf16Offsets(text []rune) []int {
	astral := false
	for _, r := range text {
		if r > 0xFFFF {
			astral = true
			break
		}
	}
	if !astral {
		return nil
	}
	out := make([]int, len(text)+1)
	for i, r := range text {
		n := 1
		if r > 0xFFFF {
			n = 2
		}
		out[i+1] = out[i] + n
	}
	return out
}

func utf16At(offsets []int, i int) int {
	if offsets == nil {
		return i
	}
	return offsets[i]
}

// userGUID is the GUID of an annotation author; annotations without an
// author belong to a user named "Rapport" with the GUID of the empty name,
// which Rapport reads back as no author.
func userGUID(author string) string { return StableGUID("user", strings.TrimSpace(author)) }

// userGUID is the GUID of a coder's User element: the coder's own, else
// one derived from the name.
func (d *Data) userGUID(author string) string {
	if g := d.Coders[strings.ToLower(strings.TrimSpace(author))]; g != "" && strings.TrimSpace(author) != "" {
		return g
	}
	return userGUID(author)
}

func xmlTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteCodebook writes the exported themes as a REFI-QDA codebook (.qdc).
func WriteCodebook(w io.Writer, d *Data) error {
	codes := codeTree(d, false)
	if len(codes) == 0 {
		return fmt.Errorf("the codebook is empty: a .qdc needs at least one theme")
	}
	cb := qdeCodeBook{Xmlns: CodebookNamespace, Origin: Origin, Codes: qdeCodes{Codes: codes}}
	return writeXML(w, cb)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// userName is how an annotation's author appears among the users.
func userName(author string) string {
	if a := strings.TrimSpace(author); a != "" {
		return a
	}
	return "Rapport"
}

// ProjectFiles are the files of a .qdpx.
type ProjectFiles struct {
	QDE     []byte            // project.qde
	Sources map[string]string // by file name inside sources/
	// Originals are the PDFs of PDF sources: where each is stored, by file
	// name inside sources/.
	Originals map[string]string
	// Sidecar is rapport.json: what REFI-QDA has no place for (the
	// documents' bibliographic metadata and page labels, the themes'
	// sources and provisional flags), so that Rapport reading its own
	// project back loses nothing. Other tools ignore it.
	Sidecar []byte
	// Skipped names the excerpts left out: their offsets do not fit their
	// page's stored text.
	Skipped []string
}

// SidecarName is the name of Rapport's own metadata file in a .qdpx.
const SidecarName = "rapport.json"

// sidecar is the content of rapport.json.
type sidecar struct {
	Format  string `json:"format"` // "rapport-qdpx"
	Version int    `json:"version"`
	// Positions is how selection positions count: "utf-16" (UTF-16 code
	// units, since version 2); absent, code points.
	Positions string                   `json:"positions,omitempty"`
	Sources   map[string]sidecarSource `json:"sources"` // by source GUID
	Themes    map[string]sidecarTheme  `json:"themes"`  // by code GUID
}

type sidecarSource struct {
	DocID            int64             `json:"doc_id"`
	SHA256           string            `json:"sha256,omitempty"` // of the document's original file
	Metadata         importer.Metadata `json:"metadata"`
	FirstPrintedPage int               `json:"first_printed_page,omitempty"`
	PageLabels       []string          `json:"page_labels,omitempty"`
	PageCount        int               `json:"page_count"`
	// PrintedPages is the number each page prints, as read by the
	// extractor (index.Page.Printed).
	PrintedPages []string `json:"printed_pages,omitempty"`
	// Areas are the exact rectangles (PDF user space) of the source's
	// region selections, by selection GUID (see refi_pdf.go).
	Areas map[string]index.Rect `json:"areas,omitempty"`
	// FileName is a PDF source's original file name.
	FileName string `json:"file_name,omitempty"`
}

type sidecarTheme struct {
	Source      string `json:"source,omitempty"`
	Provisional bool   `json:"provisional,omitempty"`
}

// BuildProject returns the files of a .qdpx.
func BuildProject(d *Data) (*ProjectFiles, error) {
	side := sidecar{Format: "rapport-qdpx", Version: 2, Positions: positionsUTF16, Sources: map[string]sidecarSource{}, Themes: map[string]sidecarTheme{}}
	for _, t := range d.Themes {
		if t.Source != "" || t.Provisional {
			side.Themes[themeGUID(t)] = sidecarTheme{Source: t.Source, Provisional: t.Provisional}
		}
	}
	var skipped []string
	p := qdeProject{Xmlns: ProjectNamespace, Name: d.Library, Origin: Origin, CreationDateTime: xmlTime(d.Exported)}
	if p.Name == "" {
		p.Name = "Rapport library"
	}
	users := map[string]bool{"": true}
	for _, e := range d.Excerpts {
		users[strings.TrimSpace(e.Author)] = true
	}
	for _, doc := range d.Documents {
		for _, n := range doc.Notes {
			users[strings.TrimSpace(n.Author)] = true
		}
	}
	var authors []string
	for a := range users {
		authors = append(authors, a)
	}
	sort.Strings(authors)
	p.Users = &qdeUsers{}
	for _, a := range authors {
		p.Users.Users = append(p.Users.Users, qdeUser{GUID: d.userGUID(a), Name: userName(a)})
	}
	p.CreatingUserGUID = userGUID("")

	var notes []qdeTextSource
	if codes := codeTree(d, true); len(codes) > 0 {
		p.CodeBook = &qdeCodeBook{Codes: qdeCodes{Codes: codes}}
		for _, t := range d.Themes {
			if memo := strings.TrimSpace(t.Memo); memo != "" {
				notes = append(notes, qdeTextSource{GUID: StableGUID("theme-memo", themeGUID(t)), Name: "Memo: " + t.Name,
					CreatingUser: p.CreatingUserGUID, CreationDateTime: xmlTime(t.CreatedAt), PlainTextContent: &memo})
			}
		}
	}
	codeOf := map[string]string{} // theme name (lower case) → code GUID
	for _, t := range d.Themes {
		if d.Selected[t.GUID] {
			codeOf[strings.ToLower(t.Name)] = themeGUID(t)
		}
	}

	sources := map[string]string{}
	byDoc := map[int64][]Excerpt{}
	for _, e := range d.Excerpts {
		byDoc[e.DocID] = append(byDoc[e.DocID], e)
	}
	var srcs []qdeTextSource
	var pdfs []qdePDFSource
	originals := map[string]string{}
	variables := &variableList{}
	cases, sets := &memberList{kind: "case"}, &memberList{kind: "set"}
	for _, doc := range d.Documents {
		if len(doc.Pages) == 0 {
			for _, e := range byDoc[doc.ID] {
				skipped = append(skipped, fmt.Sprintf("annotation %d: document %d has no stored text", e.ID, doc.ID))
			}
			continue
		}
		texts := make([]string, len(doc.Pages))
		pageIndex := map[int]int{}
		for i, pg := range doc.Pages {
			texts[i] = pg.Text
			pageIndex[pg.Number] = i
		}
		text, _ := SourceText(texts)
		// Positions count UTF-16 units (see refi_positions.go).
		starts16 := make([]int, len(texts))
		pageUTF16 := make([][]int, len(texts))
		off := 0
		for i, t := range texts {
			if i > 0 {
				off += len(utf16.Encode([]rune(PageBreak)))
			}
			starts16[i] = off
			runes := []rune(t)
			pageUTF16[i] = utf16Offsets(runes)
			off += utf16At(pageUTF16[i], len(runes))
		}
		guid := sourceGUID(doc)
		file := guid + ".txt"
		sources[file] = text
		name := oneLine(doc.Title)
		if name == "" {
			name = fmt.Sprintf("Document %d", doc.ID)
		}
		var labels, printed []string
		for _, pg := range doc.Pages {
			labels = append(labels, pg.Label)
			printed = append(printed, pg.Printed)
		}
		if strings.Join(labels, "") == "" {
			labels = nil
		}
		if strings.Join(printed, "") == "" {
			printed = nil
		}
		side.Sources[guid] = sidecarSource{DocID: doc.ID, SHA256: doc.SHA256, Metadata: doc.Metadata, FirstPrintedPage: doc.FirstPrintedPage, PageLabels: labels, PageCount: doc.PageCount, PrintedPages: printed}
		isPDF := doc.OriginalPath != ""
		var areas []qdePDFSelection
		if isPDF {
			sc := side.Sources[guid]
			sc.FileName = doc.FileName
			side.Sources[guid] = sc
		}
		src := qdeTextSource{GUID: guid, Name: name, PlainTextPath: "internal://" + file, CreatingUser: p.CreatingUserGUID,
			CreationDateTime: xmlTime(doc.ImportedAt), Description: doc.Reference.Plain()}
		for _, e := range byDoc[doc.ID] {
			if e.IsArea() {
				switch {
				case e.Rect == nil:
					continue
				case !isPDF:
					skipped = append(skipped, fmt.Sprintf("annotation %d: an area of page %d of document %d, whose PDF the library no longer holds", e.ID, e.Page, doc.ID))
					continue
				case e.PageInfo == nil:
					skipped = append(skipped, fmt.Sprintf("annotation %d: an area of page %d of document %d, whose page the PDF engine could not read", e.ID, e.Page, doc.ID))
					continue
				}
				sel := areaSelectionXML(d, e, *e.PageInfo)
				sel.Codings = codingsXML(d, e, sel.GUID, sel.CreatingUser, sel.CreationDateTime, codeOf)
				if note := strings.TrimSpace(e.Note); note != "" {
					sel.Description = note
					ng := StableGUID("annotation-note", sel.GUID)
					sel.NoteRefs = []qdeRef{{TargetGUID: ng}}
					notes = append(notes, qdeTextSource{GUID: ng, Name: "Note: " + sel.Name, CreatingUser: sel.CreatingUser,
						CreationDateTime: xmlTime(e.UpdatedAt), PlainTextContent: &note})
				}
				areas = append(areas, sel)
				sc := side.Sources[guid]
				if sc.Areas == nil {
					sc.Areas = map[string]index.Rect{}
				}
				sc.Areas[sel.GUID] = *e.Rect
				side.Sources[guid] = sc
				continue
			}
			i, ok := pageIndex[e.Page]
			if !ok || e.Start < 0 || e.End < e.Start || e.End > utf8.RuneCountInString(texts[i]) {
				skipped = append(skipped, fmt.Sprintf("annotation %d: its offsets %d–%d do not fit page %d of document %d", e.ID, e.Start, e.End, e.Page, doc.ID))
				continue
			}
			if at := string([]rune(texts[i])[e.Start:e.End]); at != e.Quote {
				skipped = append(skipped, fmt.Sprintf("annotation %d: page %d of document %d no longer holds its quote %q at %d–%d (re-anchor it or run `rapport reextract`)", e.ID, e.Page, doc.ID, shortQuote(e.Quote), e.Start, e.End))
				continue
			}
			sel := qdeSelection{GUID: refiGUID("annotation", e.GUID), Name: selectionName(e.Quote),
				StartPosition: strconv.Itoa(starts16[i] + utf16At(pageUTF16[i], e.Start)), EndPosition: strconv.Itoa(starts16[i] + utf16At(pageUTF16[i], e.End)),
				CreatingUser: d.userGUID(e.Author), CreationDateTime: xmlTime(e.CreatedAt)}
			for _, name := range d.orderedThemes(e) {
				code, ok := codeOf[strings.ToLower(name)]
				if !ok {
					continue
				}
				sel.Codings = append(sel.Codings, qdeCoding{GUID: StableGUID("coding", sel.GUID+":"+code),
					CreatingUser: sel.CreatingUser, CreationDateTime: sel.CreationDateTime, CodeRef: qdeRef{TargetGUID: code}})
			}
			if note := strings.TrimSpace(e.Note); note != "" {
				// Both: QualCoder reads the Description (its coding memo)
				// and drops NoteRefs; NVivo and ATLAS.ti read notes.
				sel.Description = note
				ng := StableGUID("annotation-note", sel.GUID)
				sel.NoteRefs = []qdeRef{{TargetGUID: ng}}
				notes = append(notes, qdeTextSource{GUID: ng, Name: "Note: " + selectionName(e.Quote), CreatingUser: sel.CreatingUser,
					CreationDateTime: xmlTime(e.UpdatedAt), PlainTextContent: &note})
			}
			src.Selections = append(src.Selections, sel)
		}
		for _, n := range doc.Notes {
			text := strings.TrimSpace(n.Text)
			if text == "" {
				continue
			}
			ng := StableGUID("document-note", fmt.Sprintf("%s:%d", guid, n.ID))
			src.NoteRefs = append(src.NoteRefs, qdeRef{TargetGUID: ng})
			notes = append(notes, qdeTextSource{GUID: ng, Name: "Note: " + name, CreatingUser: d.userGUID(n.Author),
				CreationDateTime: xmlTime(n.CreatedAt), PlainTextContent: &text})
		}
		for _, a := range doc.Attributes {
			switch a.Name {
			case index.AttributeCase:
				cases.add(a.Value, guid)
			case index.AttributeSet:
				sets.add(a.Value, guid)
			default:
				value := a.Value
				src.VariableValues = append(src.VariableValues, qdeVariableValue{VariableRef: qdeRef{TargetGUID: variables.guid(a.Name)}, TextValue: &value})
			}
		}
		if isPDF {
			originals[guid+".pdf"] = doc.OriginalPath
			pdfs = append(pdfs, pdfSourceXML(src, areas))
			continue
		}
		srcs = append(srcs, src)
	}
	if len(srcs) > 0 || len(pdfs) > 0 {
		p.Sources = &qdeSources{TextSources: srcs, PDFSources: pdfs}
	}
	p.Variables = variables.xml()
	p.Cases = cases.casesXML()
	p.Sets = sets.setsXML()
	if len(notes) > 0 {
		p.Notes = &qdeNotes{Notes: notes}
	}
	var buf bytes.Buffer
	if err := writeXML(&buf, p); err != nil {
		return nil, err
	}
	var sc bytes.Buffer
	if err := encodeJSON(&sc, side); err != nil {
		return nil, err
	}
	return &ProjectFiles{QDE: buf.Bytes(), Sources: sources, Originals: originals, Sidecar: sc.Bytes(), Skipped: skipped}, nil
}

// variableList collects the variables of the exported documents'
// attributes, in order of first use.
type variableList struct {
	names []string
	seen  map[string]bool
}

func (v *variableList) guid(name string) string {
	if v.seen == nil {
		v.seen = map[string]bool{}
	}
	if !v.seen[name] {
		v.seen[name] = true
		v.names = append(v.names, name)
	}
	return StableGUID("variable", name)
}

func (v *variableList) xml() *qdeVariables {
	if len(v.names) == 0 {
		return nil
	}
	out := &qdeVariables{}
	for _, n := range v.names {
		out.Variables = append(out.Variables, qdeVariable{GUID: StableGUID("variable", n), Name: n, Type: "Text"})
	}
	return out
}

// memberList collects the cases (or sets) of the exported documents with
// their sources, in order of first use.
type memberList struct {
	kind    string
	names   []string
	members map[string][]string
}

func (m *memberList) add(name, source string) {
	if m.members == nil {
		m.members = map[string][]string{}
	}
	if _, ok := m.members[name]; !ok {
		m.names = append(m.names, name)
	}
	m.members[name] = append(m.members[name], source)
}

func (m *memberList) casesXML() *qdeCases {
	if len(m.names) == 0 {
		return nil
	}
	out := &qdeCases{}
	for _, n := range m.names {
		c := qdeCase{GUID: StableGUID(m.kind, n), Name: n}
		for _, s := range m.members[n] {
			c.SourceRefs = append(c.SourceRefs, qdeRef{TargetGUID: s})
		}
		out.Cases = append(out.Cases, c)
	}
	return out
}

func (m *memberList) setsXML() *qdeSets {
	if len(m.names) == 0 {
		return nil
	}
	out := &qdeSets{}
	for _, n := range m.names {
		s := qdeSet{GUID: StableGUID(m.kind, n), Name: n}
		for _, src := range m.members[n] {
			s.MemberSources = append(s.MemberSources, qdeRef{TargetGUID: src})
		}
		out.Sets = append(out.Sets, s)
	}
	return out
}

// selectionName is a short label for a selection: the quote's first words.
func selectionName(quote string) string {
	q := oneLine(quote)
	if utf8.RuneCountInString(q) <= 60 {
		return q
	}
	r := []rune(q)[:59]
	return strings.TrimRight(string(r), " ") + "…"
}

// WriteProject writes a REFI-QDA project (.qdpx): a zip holding
// project.qde and the documents' plain text in sources/, UTF-8 without a
// byte-order mark, positions in UTF-16 code units. The zip is deterministic: its
// entries carry the export's time. Excerpts that cannot be written (their
// offsets do not fit the stored text) are reported to warn, which may be nil.
func WriteProject(w io.Writer, d *Data, warn func(string)) error {
	files, err := BuildProject(d)
	if err != nil {
		return err
	}
	for _, s := range files.Skipped {
		if warn != nil {
			warn("left out of the project: " + s)
		}
	}
	mod := d.Exported
	if mod.IsZero() || mod.Year() < 1980 {
		mod = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	add := func(name string, data []byte) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	if err := add("project.qde", files.QDE); err != nil {
		return err
	}
	names := make([]string, 0, len(files.Sources))
	for n := range files.Sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := add("sources/"+n, []byte(files.Sources[n])); err != nil {
			return err
		}
	}
	// The PDFs, copied from where the library stores them (stored, not
	// compressed again: a PDF's streams are compressed already).
	names = names[:0]
	for n := range files.Originals {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := addFile(zw, "sources/"+n, files.Originals[n], mod); err != nil {
			return err
		}
	}
	if err := add(SidecarName, files.Sidecar); err != nil {
		return err
	}
	return zw.Close()
}
