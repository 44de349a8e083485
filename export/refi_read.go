package export

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// Code is one code of a REFI-QDA codebook, as plain data. Codes are listed
// depth first; Parent is the enclosing code's GUID ("" at the top).
type Code struct {
	GUID        string
	Name        string
	Color       string // #RRGGBB, "" when the file gave none Rapport understands
	Description string
	Memo        string // notes attached to the code
	Parent      string
	Depth       int
	Codable     bool
	// Source and Provisional come from Rapport's own projects only.
	Source      string
	Provisional bool
}

// Source is one text source of a project, its text split into pages
// (Rapport's own projects keep their pages; other tools' sources are one
// page).
type Source struct {
	GUID        string
	Name        string
	Description string
	Pages       []string
	Selections  []Selection
	Created     time.Time
	// Attributes are the source's variables' values and the cases and
	// sets it belongs to.
	Attributes []index.Attribute
	// Notes are the notes on the whole source: its NoteRefs, its
	// description (other tools' projects), and notes on passages that
	// carry no code (a Rapport annotation needs a theme).
	Notes []Note
	// PositionUnit says how the selections' positions were read ("UTF-16
	// units" or "code points"), "" when the text has no character on
	// which the two differ.
	PositionUnit string
	// Rapport's own projects also carry the document's metadata, page
	// labels and first printed page (see SidecarName).
	Metadata         importer.Metadata
	PageLabels       []string
	FirstPrintedPage int
	OriginalSHA256   string   // the SHA-256 of the document's original file
	PrintedPages     []string // the number each page prints
	// PDF is the source's PDF when the project holds it (a PDFSource),
	// PDFName the file name it is imported as, and Areas its region
	// selections (see refi_pdf.go).
	PDF     []byte
	PDFName string
	Areas   []AreaSelection
}

// Note is a note on a whole source.
type Note struct {
	Text    string
	Author  string
	Created time.Time
}

// Selection is one coded passage: Start and End count code points into
// its page's NFC text, End exclusive.
type Selection struct {
	GUID    string
	Page    int // 1-based
	Start   int
	End     int
	Quote   string
	Codes   []string // code GUIDs
	Note    string
	Author  string
	Created time.Time
}

// Project is what a .qdpx (or a bare .qde) holds that Rapport can use.
// Problems lists, one by one, what could not be mapped, and NotImported
// counts it by kind of element; nothing is dropped without a line there.
type Project struct {
	Name        string
	Origin      string
	Description string
	// Users are the project's users (coders): GUID by name.
	Users       map[string]string
	Codes       []Code
	Sources     []Source
	Problems    []string
	NotImported map[string]int // element kind → how many were not imported
}

// Codings counts the codings of the project's selections.
func (p *Project) Codings() int {
	n := 0
	for _, s := range p.Sources {
		for _, sel := range s.Selections {
			n += len(sel.Codes)
		}
	}
	return n
}

func (p *Project) problem(format string, args ...any) {
	p.Problems = append(p.Problems, fmt.Sprintf(format, args...))
}

// drop reports n elements of a kind that were not imported.
func (p *Project) drop(kind string, n int, format string, args ...any) {
	if n <= 0 {
		return
	}
	if p.NotImported == nil {
		p.NotImported = map[string]int{}
	}
	p.NotImported[kind] += n
	p.problem(format, args...)
}

// ReadProjectFile reads a .qdpx zip, or a bare .qde whose sources lie in
// the folder beside it.
func ReadProjectFile(filename string) (*Project, error) {
	data, err := os.ReadFile(filename)
	if err != nil {
		return nil, fmt.Errorf("read project %s: %w", filename, err)
	}
	var p *Project
	if bytes.HasPrefix(data, []byte("PK")) {
		p, err = ReadProject(bytes.NewReader(data), int64(len(data)))
	} else {
		dir := filepath.Dir(filename)
		p, err = readQDE(data, "", func(name string) ([]byte, error) {
			for _, cand := range []string{name, filepath.Join("sources", name), filepath.Join("Sources", name)} {
				if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(cand))); err == nil {
					return b, nil
				}
			}
			return nil, os.ErrNotExist
		})
	}
	if err != nil {
		return nil, fmt.Errorf("read project %s: %w", filename, err)
	}
	return p, nil
}

// ReadProject reads a .qdpx zip: the .qde inside it (project.qde, or the
// only .qde of any other name) and the sources it references, by
// internal://NAME or a bare name, in sources/ or anywhere in the zip.
func ReadProject(r io.ReaderAt, size int64) (*Project, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a .qdpx zip: %w", err)
	}
	var qde *zip.File
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		files[strings.ToLower(f.Name)] = f
		if strings.EqualFold(path.Ext(f.Name), ".qde") {
			if qde == nil || strings.EqualFold(path.Base(f.Name), "project.qde") {
				qde = f
			}
		}
	}
	if qde == nil {
		return nil, errors.New("the zip holds no .qde project file")
	}
	data, err := readZipFile(qde)
	if err != nil {
		return nil, err
	}
	// rapport.json says how Rapport's own project counts positions.
	var side []byte
	positions := ""
	if f, ok := files[SidecarName]; ok {
		if side, err = readZipFile(f); err == nil {
			var head struct {
				Positions string `json:"positions"`
			}
			json.Unmarshal(side, &head)
			positions = head.Positions
		}
	}
	p, err := readQDE(data, positions, func(name string) ([]byte, error) {
		name = strings.ToLower(strings.TrimPrefix(name, "/"))
		for _, cand := range []string{name, "sources/" + name} {
			if f, ok := files[cand]; ok {
				return readZipFile(f)
			}
		}
		for n, f := range files { // anywhere in the zip, by base name
			if path.Base(n) == path.Base(name) {
				return readZipFile(f)
			}
		}
		return nil, os.ErrNotExist
	})
	if err != nil {
		return nil, err
	}
	if side != nil && strings.HasPrefix(p.Origin, Origin) {
		applySidecar(p, side)
	}
	return p, nil
}

// applySidecar adds what Rapport's rapport.json keeps to a project read
// from the .qde.
func applySidecar(p *Project, data []byte) {
	var side sidecar
	if err := json.Unmarshal(data, &side); err != nil || side.Format != "rapport-qdpx" {
		p.problem("%s could not be read; documents keep only their titles: %v", SidecarName, err)
		return
	}
	for i, c := range p.Codes {
		if t, ok := side.Themes[c.GUID]; ok {
			p.Codes[i].Source, p.Codes[i].Provisional = t.Source, t.Provisional
		}
	}
	for i, s := range p.Sources {
		if m, ok := side.Sources[s.GUID]; ok {
			p.Sources[i].Metadata = m.Metadata
			p.Sources[i].FirstPrintedPage = m.FirstPrintedPage
			p.Sources[i].OriginalSHA256 = m.SHA256
			if len(m.PageLabels) == len(s.Pages) {
				p.Sources[i].PageLabels = m.PageLabels
			}
			if len(m.PrintedPages) == len(s.Pages) {
				p.Sources[i].PrintedPages = m.PrintedPages
			}
			for k, a := range s.Areas {
				if r, ok := m.Areas[a.GUID]; ok {
					p.Sources[i].Areas[k].Rect = &r
				}
			}
			if n := filepath.Base(m.FileName); len(s.PDF) > 0 && strings.HasSuffix(strings.ToLower(n), ".pdf") {
				p.Sources[i].PDFName = n
			}
		}
	}
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("read %s in the zip: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 1<<30))
	if err != nil {
		return nil, fmt.Errorf("read %s in the zip: %w", f.Name, err)
	}
	return data, nil
}

// decodeText reads a source file as text: UTF-8 (a byte-order mark
// dropped) or UTF-16 with a byte-order mark.
func decodeText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF):
		var order binary.ByteOrder = binary.LittleEndian
		if b[0] == 0xFE {
			order = binary.BigEndian
		}
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, order.Uint16(b[i:]))
		}
		return string(utf16.Decode(u))
	}
	if !utf8.Valid(b) {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(b)
}

// ReadCodebook reads a .qdc codebook (or the codebook of a .qde).
func ReadCodebook(data []byte) (codes []Code, problems []string, err error) {
	var root struct {
		XMLName xml.Name
		Codes   *qdeCodes    `xml:"Codes"`
		Book    *qdeCodeBook `xml:"CodeBook"`
	}
	if err := xml.Unmarshal(data, &root); err != nil {
		return nil, nil, fmt.Errorf("read codebook: %w", err)
	}
	p := &Project{}
	switch {
	case root.Codes != nil:
		p.Codes = flattenCodes(p, root.Codes.Codes, nil)
	case root.Book != nil:
		p.Codes = flattenCodes(p, root.Book.Codes.Codes, nil)
	default:
		return nil, nil, fmt.Errorf("read codebook: <%s> holds no codes", root.XMLName.Local)
	}
	return p.Codes, p.Problems, nil
}

// flattenCodes lists codes depth first, mapping colours and codability.
func flattenCodes(p *Project, list []qdeCode, noteText func(guid string) (string, bool)) []Code {
	var out []Code
	seen := map[string]bool{}
	var walk func(list []qdeCode, parent string, depth int)
	walk = func(list []qdeCode, parent string, depth int) {
		for _, c := range list {
			name := strings.TrimSpace(c.Name)
			guid := normGUID(c.GUID)
			if guid == "" {
				guid = StableGUID("code", name)
			}
			if name == "" {
				name = "Unnamed code " + guid[:min(len(guid), 8)] // another tool's GUID may be short
				p.problem("code %s has no name; imported as %q", guid, name)
			}
			if seen[guid] {
				p.problem("code %q: its GUID %s is used twice; the second was imported as a new code", name, guid)
				guid = StableGUID("code-dup", guid+":"+name)
			}
			seen[guid] = true
			code := Code{GUID: guid, Name: name, Description: strings.TrimSpace(c.Description), Parent: parent, Depth: depth, Codable: true}
			switch strings.ToLower(strings.TrimSpace(c.IsCodable)) {
			case "false", "0":
				code.Codable = false
			}
			if c.Color != "" {
				if rgb, ok := ParseColor(c.Color); ok {
					code.Color = rgb
				} else {
					p.problem("code %q: colour %q not understood; the default colour is used", name, c.Color)
				}
			}
			var memo []string
			for _, ref := range c.NoteRefs {
				if noteText == nil {
					continue
				}
				if text, ok := noteText(ref.TargetGUID); ok && text != "" {
					memo = append(memo, text)
				}
			}
			code.Memo = strings.Join(memo, "\n\n")
			out = append(out, code)
			walk(c.Codes, guid, depth+1)
		}
	}
	walk(list, "", 0)
	return out
}

func normGUID(g string) string { return strings.ToLower(strings.Trim(strings.TrimSpace(g), "{}")) }

// qdeNote is a note of the project's Notes, with whether anything that
// was imported refers to it.
type qdeNote struct {
	qdeTextSource
	text string
	used bool
}

// projectReader holds what reading one project needs across its parts.
type projectReader struct {
	p         *Project
	open      func(name string) ([]byte, error)
	rapport   bool    // Rapport's own project
	tool      posUnit // how the project's tool counts positions
	users     map[string]string
	notes     map[string]*qdeNote
	codeName  map[string]string
	variables map[string]string // variable GUID → name
	// selectionNotes are notes that Links attach to selections, by
	// selection GUID; sourceNotes those attached to sources.
	selectionNotes map[string][]string
	sourceNotes    map[string][]string
	// attributes collects what Cases and Sets say about sources, by
	// source GUID.
	attributes map[string][]index.Attribute
	// seenSources are the GUIDs of the project's sources, read or not.
	seenSources map[string]bool
	selectionOf map[string]string // selection GUID → source GUID
}

// noteText returns a note's text by its GUID and marks it used.
func (r *projectReader) noteText(guid string) (string, bool) {
	n, ok := r.notes[normGUID(guid)]
	if !ok {
		return "", false
	}
	n.used = true
	return strings.TrimSpace(n.text), true
}

// readQDE reads a project document; open returns a source file's bytes by
// the name its plainTextPath gives; positions is rapport.json's
// "positions" ("" when there is none).
func readQDE(data []byte, positions string, open func(name string) ([]byte, error)) (*Project, error) {
	var q qdeProject
	if err := xml.Unmarshal(data, &q); err != nil {
		return nil, fmt.Errorf("read project.qde: %w", err)
	}
	p := &Project{Name: q.Name, Origin: q.Origin, Description: strings.TrimSpace(q.Description)}
	r := &projectReader{p: p, open: open, rapport: strings.HasPrefix(q.Origin, Origin), tool: toolUnit(q.Origin, positions),
		users: map[string]string{}, notes: map[string]*qdeNote{}, codeName: map[string]string{}, variables: map[string]string{},
		selectionNotes: map[string][]string{}, sourceNotes: map[string][]string{}, attributes: map[string][]index.Attribute{},
		seenSources: map[string]bool{}, selectionOf: map[string]string{}}
	p.Users = map[string]string{}
	if q.Users != nil {
		for _, u := range q.Users.Users {
			r.users[normGUID(u.GUID)] = u.Name
			if name := strings.TrimSpace(u.Name); name != "" && normGUID(u.GUID) != userGUID("") {
				p.Users[name] = normGUID(u.GUID)
			}
		}
	}
	if r.rapport {
		r.users[userGUID("")] = "" // Rapport's stand-in for annotations without an author
	}
	if q.Notes != nil {
		for _, n := range q.Notes.Notes {
			note := &qdeNote{qdeTextSource: n}
			switch {
			case n.PlainTextContent != nil:
				note.text = *n.PlainTextContent
			case n.PlainTextPath != "":
				if b, err := open(sourceFileName(n.PlainTextPath)); err == nil {
					note.text = decodeText(b)
				}
			}
			if strings.TrimSpace(note.text) == "" {
				note.text = n.Description
			}
			r.notes[normGUID(n.GUID)] = note
		}
	}
	if q.CodeBook != nil {
		p.Codes = flattenCodes(p, q.CodeBook.Codes.Codes, r.noteText)
	}
	for _, c := range p.Codes {
		r.codeName[c.GUID] = c.Name
	}
	if q.Variables != nil {
		for _, v := range q.Variables.Variables {
			r.variables[normGUID(v.GUID)] = strings.TrimSpace(v.Name)
		}
	}
	var texts []qdeTextSource
	if q.Sources != nil {
		for _, ts := range q.Sources.TextSources {
			r.seenSources[normGUID(ts.GUID)] = true
			for _, sel := range ts.Selections {
				r.selectionOf[normGUID(sel.GUID)] = normGUID(ts.GUID)
			}
		}
		for _, pdf := range q.Sources.PDFSources {
			r.seenSources[normGUID(pdf.GUID)] = true
			if pdf.Representation != nil {
				for _, sel := range pdf.Representation.Selections {
					r.selectionOf[normGUID(sel.GUID)] = normGUID(pdf.GUID)
				}
			}
		}
	}
	r.readLinks(q.Links)
	r.readCases(q.Cases)
	r.readSets(q.Sets)
	pdfParts := map[string]pdfPart{} // by source GUID
	if q.Sources != nil {
		texts = append(texts, q.Sources.TextSources...)
		// Pages are numbered from 1, unless a region lies on page 0.
		zeroBased := false
		for _, pdf := range q.Sources.PDFSources {
			for _, sel := range pdf.Selections {
				if n, err := parsePosition(sel.Page); err == nil && n == 0 {
					zeroBased = true
				}
			}
		}
		for _, pdf := range q.Sources.PDFSources {
			part := r.readPDFSource(pdf, zeroBased)
			if part.file != nil {
				pdfParts[normGUID(pdf.GUID)] = part
			}
			if pdf.Representation == nil && part.file != nil {
				// The PDF alone: its text is Rapport's reading of it.
				empty := ""
				texts = append(texts, qdeTextSource{GUID: pdf.GUID, Name: pdf.Name, Description: pdf.Description, PlainTextContent: &empty,
					NoteRefs: pdf.NoteRefs, VariableValues: pdf.VariableValues})
				r.p.drop("Coding", len(pdf.Codings), "PDF source %q: %d codings of the whole source were not imported (Rapport codes passages)", pdf.Name, len(pdf.Codings))
				continue
			}
			if pdf.Representation != nil {
				rep := *pdf.Representation
				// The PDF source is what the project's other parts refer to.
				if rep.Name == "" {
					rep.Name = pdf.Name
				}
				rep.GUID = pdf.GUID
				if rep.Description == "" {
					rep.Description = pdf.Description
				}
				rep.NoteRefs = append(rep.NoteRefs, pdf.NoteRefs...)
				rep.VariableValues = append(rep.VariableValues, pdf.VariableValues...)
				texts = append(texts, rep)
				r.p.drop("Coding", len(pdf.Codings), "PDF source %q: %d codings of the whole source were not imported (Rapport codes passages)", pdf.Name, len(pdf.Codings))
				continue
			}
			p.drop("PDFSource", 1, "PDF source %q has no text representation; it and its %d selections were not imported", pdf.Name, len(pdf.Selections))
		}
		for _, kind := range []struct {
			element, what string
			list          []qdeAnySource
		}{{"PictureSource", "picture", q.Sources.Pictures}, {"AudioSource", "audio", q.Sources.AudioSources}, {"VideoSource", "video", q.Sources.VideoSources}} {
			for _, s := range kind.list {
				p.drop(kind.element, 1, "%s source %q was not imported (Rapport reads text)", kind.what, s.Name)
			}
		}
	}
	for _, ts := range texts {
		src, ok := r.readTextSource(ts)
		part, isPDF := pdfParts[normGUID(ts.GUID)]
		if !ok && isPDF {
			// its text representation is missing: the PDF is enough
			empty := ""
			src, ok = r.readTextSource(qdeTextSource{GUID: ts.GUID, Name: ts.Name, Description: ts.Description, PlainTextContent: &empty,
				NoteRefs: ts.NoteRefs, VariableValues: ts.VariableValues})
		}
		if ok {
			if isPDF {
				src.attachPDF(part)
			}
			p.Sources = append(p.Sources, src)
		}
	}
	// What has no place in a library: project-level description and notes,
	// graphs, and notes nothing imported refers to.
	if p.Description != "" {
		p.drop("Description", 1, "the project's description was not imported (Rapport has no project-level notes): %q", shortQuote(p.Description))
	}
	for _, ref := range q.NoteRefs {
		if text, ok := r.noteText(ref.TargetGUID); ok && text != "" {
			p.drop("Note", 1, "a note on the project was not imported (Rapport has no project-level notes): %q", shortQuote(text))
		}
	}
	if q.Graphs != nil {
		p.drop("Graph", len(q.Graphs.Graphs), "%d graphs were not imported (Rapport has no graphs)", len(q.Graphs.Graphs))
	}
	unused := 0
	var example string
	for _, n := range r.notes {
		if !n.used && strings.TrimSpace(n.text) != "" {
			unused++
			if example == "" || n.Name < example {
				example = n.Name
			}
		}
	}
	if unused > 0 {
		label := ""
		if example != "" {
			label = fmt.Sprintf(" (such as %q)", example)
		}
		p.drop("Note", unused, "%d notes that no imported source, passage or code refers to%s were not imported (Rapport has no project-level notes)", unused, label)
	}
	return p, nil
}

// sourceFileName is the file name a source path (internal://NAME,
// relative://NAME, file://NAME, NAME) refers to.
func sourceFileName(p string) string {
	p = strings.TrimSpace(p)
	for _, scheme := range []string{"internal://", "relative://", "absolute://", "file://"} {
		p = strings.TrimPrefix(p, scheme)
	}
	return p
}

// readLinks maps links between a note and a passage or a source (NVivo's
// annotations) to that passage's or source's notes, and reports the rest.
func (r *projectReader) readLinks(links *qdeLinks) {
	if links == nil {
		return
	}
	other := 0
	for _, l := range links.Links {
		from, to := normGUID(l.OriginGUID), normGUID(l.TargetGUID)
		var noteGUID, target string
		switch {
		case r.notes[from] != nil:
			noteGUID, target = from, to
		case r.notes[to] != nil:
			noteGUID, target = to, from
		}
		var texts []string
		if noteGUID != "" {
			if t, _ := r.noteText(noteGUID); t != "" {
				texts = append(texts, t)
			}
		}
		for _, ref := range l.NoteRefs {
			if t, _ := r.noteText(ref.TargetGUID); t != "" {
				texts = append(texts, t)
			}
		}
		switch {
		case noteGUID != "" && r.selectionOf[target] != "":
			r.selectionNotes[target] = append(r.selectionNotes[target], texts...)
		case noteGUID != "" && r.seenSources[target]:
			r.sourceNotes[target] = append(r.sourceNotes[target], texts...)
		default:
			other++
		}
	}
	r.p.drop("Link", other, "%d links between other elements than a note and a passage or source were not imported (Rapport has no links)", other)
}

// variableValue reads a VariableValue as an attribute.
func (r *projectReader) variableValue(v qdeVariableValue) (index.Attribute, bool) {
	name := r.variables[normGUID(v.VariableRef.TargetGUID)]
	if name == "" {
		r.p.drop("VariableValue", 1, "a value of variable %s, which the project does not declare, was not imported", v.VariableRef.TargetGUID)
		return index.Attribute{}, false
	}
	for _, val := range []*string{v.TextValue, v.BooleanValue, v.IntegerValue, v.FloatValue, v.DateValue, v.DateTimeValue} {
		if val != nil && strings.TrimSpace(*val) != "" {
			return index.Attribute{Name: name, Value: strings.TrimSpace(*val)}, true
		}
	}
	return index.Attribute{}, false // an empty value says nothing
}

// readCases gives the sources of each case the case's name and variables
// as attributes.
func (r *projectReader) readCases(cases *qdeCases) {
	if cases == nil {
		return
	}
	var codeRefs, selRefs, descs, empty int
	for _, c := range cases.Cases {
		name := strings.TrimSpace(c.Name)
		if name == "" {
			name = "Case " + normGUID(c.GUID)
		}
		attrs := []index.Attribute{{Name: index.AttributeCase, Value: name}}
		for _, v := range c.VariableValue {
			if a, ok := r.variableValue(v); ok {
				attrs = append(attrs, a)
			}
		}
		sources := 0
		for _, ref := range c.SourceRefs {
			g := normGUID(ref.TargetGUID)
			if r.seenSources[g] {
				r.attributes[g] = append(r.attributes[g], attrs...)
				sources++
			} else {
				r.p.drop("SourceRef", 1, "case %q refers to a source %s the project does not hold", name, ref.TargetGUID)
			}
		}
		codeRefs += len(c.CodeRefs)
		selRefs += len(c.SelectionRefs)
		if strings.TrimSpace(c.Description) != "" {
			descs++
		}
		if sources == 0 && len(c.SelectionRefs) == 0 {
			empty++
		}
	}
	r.p.drop("Case", empty, "%d cases hold no source; they were not imported (a case becomes an attribute of its sources)", empty)
	r.p.drop("CodeRef", codeRefs, "%d codes of cases were not imported (a case becomes an attribute of its sources)", codeRefs)
	r.p.drop("SelectionRef", selRefs, "%d passages of cases were not imported (a case becomes an attribute of whole sources)", selRefs)
	r.p.drop("Description", descs, "the descriptions of %d cases were not imported", descs)
}

// readSets gives the sources of each set the set's name as an attribute.
func (r *projectReader) readSets(sets *qdeSets) {
	if sets == nil {
		return
	}
	var codes, notes, descs, empty int
	for _, s := range sets.Sets {
		name := strings.TrimSpace(s.Name)
		if name == "" {
			name = "Set " + normGUID(s.GUID)
		}
		members := 0
		for _, ref := range s.MemberSources {
			g := normGUID(ref.TargetGUID)
			if r.seenSources[g] {
				r.attributes[g] = append(r.attributes[g], index.Attribute{Name: index.AttributeSet, Value: name})
				members++
			} else {
				r.p.drop("MemberSource", 1, "set %q refers to a source %s the project does not hold", name, ref.TargetGUID)
			}
		}
		codes += len(s.MemberCodes)
		notes += len(s.MemberNotes)
		for _, ref := range s.MemberNotes {
			r.noteText(ref.TargetGUID) // reported here, not again as a note nothing refers to
		}
		if strings.TrimSpace(s.Description) != "" {
			descs++
		}
		if members == 0 {
			empty++
		}
	}
	r.p.drop("Set", empty, "%d sets hold no source (sets of codes or notes); they were not imported", empty)
	r.p.drop("MemberCode", codes, "%d codes in sets were not imported (a set becomes an attribute of its sources)", codes)
	r.p.drop("MemberNote", notes, "%d notes in sets were not imported (a set becomes an attribute of its sources)", notes)
	r.p.drop("Description", descs, "the descriptions of %d sets were not imported", descs)
}

// untitledSourceName names a source without a name after the file its
// text comes from, unless that is only a GUID.
func untitledSourceName(path, guid string) string {
	base := strings.TrimSpace(filepath.Base(filepath.FromSlash(sourceFileName(path))))
	if base == "" || base == "." || base == "/" {
		return "Source " + guid
	}
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	if guidPattern.MatchString(stem) || stem == "" {
		return "Source " + guid
	}
	return stem
}

// selectionCoding reads what a selection — a text selection or a PDF
// region — carries: its codes (those the codebook holds, each once), its
// coder (author, else the creator of its first coding kept) and its note
// (its description, the notes it and its codings refer to and those that
// refer to it, each once). What it cannot place is reported as where's.
func (r *projectReader) selectionCoding(where, guid, author, description string, noteRefs []qdeRef, codings []qdeCoding) (codes []string, coder, note string) {
	var notes []string
	addNote := func(t string) {
		t = strings.TrimSpace(t)
		for _, have := range notes {
			if have == t {
				return
			}
		}
		if t != "" {
			notes = append(notes, t)
		}
	}
	addNote(description) // QualCoder's coding memo, MAXQDA's comment
	addNotes := func(refs []qdeRef) {
		for _, ref := range refs {
			if text, ok := r.noteText(ref.TargetGUID); ok {
				addNote(text)
			} else {
				r.p.drop("NoteRef", 1, "%s refers to a note %s that the project does not hold", where, ref.TargetGUID)
			}
		}
	}
	addNotes(noteRefs)
	for _, t := range r.selectionNotes[guid] {
		addNote(t)
	}
	seen := map[string]bool{}
	for _, c := range codings {
		g := normGUID(c.CodeRef.TargetGUID)
		if _, ok := r.codeName[g]; !ok {
			r.p.drop("Coding", 1, "%s is coded with %s, a code the codebook does not hold; that coding was not imported", where, c.CodeRef.TargetGUID)
			continue
		}
		if !seen[g] {
			codes = append(codes, g)
			seen[g] = true
		}
		if author == "" {
			author = r.users[normGUID(c.CreatingUser)]
		}
		addNotes(c.NoteRefs)
	}
	return codes, author, strings.Join(notes, "\n\n")
}

func (r *projectReader) readTextSource(ts qdeTextSource) (Source, bool) {
	p := r.p
	src := Source{GUID: normGUID(ts.GUID), Name: strings.TrimSpace(ts.Name), Description: strings.TrimSpace(ts.Description)}
	if src.Name == "" {
		src.Name = untitledSourceName(ts.PlainTextPath, src.GUID)
	}
	src.Created, _ = time.Parse(time.RFC3339, ts.CreationDateTime)
	var text string
	switch {
	case ts.PlainTextContent != nil:
		text = *ts.PlainTextContent
	case ts.PlainTextPath != "":
		b, err := r.open(sourceFileName(ts.PlainTextPath))
		if err != nil {
			p.drop("TextSource", 1, "source %q: its text %s is not in the project; it and its %d selections were not imported", src.Name, ts.PlainTextPath, len(ts.Selections))
			return src, false
		}
		text = decodeText(b)
	default:
		p.drop("TextSource", 1, "source %q has no plain text; it and its %d selections were not imported", src.Name, len(ts.Selections))
		return src, false
	}
	p.drop("Coding", len(ts.Codings), "source %q: %d codings of the whole source were not imported (Rapport codes passages)", src.Name, len(ts.Codings))

	// Attributes: the source's own variables, then its cases and sets.
	for _, v := range ts.VariableValues {
		if a, ok := r.variableValue(v); ok {
			src.Attributes = append(src.Attributes, a)
		}
	}
	src.Attributes = append(src.Attributes, r.attributes[src.GUID]...)

	st := newSourceText(text)
	normText := st.nfc
	// Page starts (in NFC code points) when this is Rapport's own project.
	pages := []string{normText}
	starts := []int{0}
	if r.rapport && strings.Contains(normText, PageBreak) {
		pages = strings.Split(normText, PageBreak)
		starts = starts[:0]
		off := 0
		for i, pg := range pages {
			if i > 0 {
				off += utf8.RuneCountInString(PageBreak)
			}
			starts = append(starts, off)
			off += utf8.RuneCountInString(pg)
		}
	}
	src.Pages = pages
	pageRunes := make([][]rune, len(pages))
	for i, pg := range pages {
		pageRunes[i] = []rune(pg)
	}

	// Notes on the whole source: its description (Rapport's own is the
	// document's reference, which the metadata carries), its NoteRefs and
	// the notes links attach to it.
	created := src.Created
	author := r.users[normGUID(ts.CreatingUser)]
	if src.Description != "" && !r.rapport {
		src.Notes = append(src.Notes, Note{Text: src.Description, Author: author, Created: created})
	}
	for _, ref := range ts.NoteRefs {
		n := r.notes[normGUID(ref.TargetGUID)]
		if n == nil {
			p.drop("NoteRef", 1, "source %q refers to a note %s that the project does not hold", src.Name, ref.TargetGUID)
			continue
		}
		text, _ := r.noteText(ref.TargetGUID)
		if text == "" {
			continue
		}
		// A note on a passage (QualCoder's annotations) names the passage.
		for _, s := range n.Selections {
			if q := r.quoteAt(st, s); q != "" {
				text = "“" + q + "”: " + text
				break
			}
		}
		nt, _ := time.Parse(time.RFC3339, n.CreationDateTime)
		src.Notes = append(src.Notes, Note{Text: text, Author: r.users[normGUID(n.CreatingUser)], Created: nt})
	}
	for _, text := range r.sourceNotes[src.GUID] {
		src.Notes = append(src.Notes, Note{Text: text})
	}

	// Positions, read per source (see refi_positions.go).
	var okSel []qdeSelection
	var begins, ends []int
	var names []string
	for _, s := range ts.Selections {
		b, err1 := parsePosition(s.StartPosition)
		e, err2 := parsePosition(s.EndPosition)
		if err1 != nil || err2 != nil || b < 0 || e < b {
			p.drop("PlainTextSelection", 1, "source %q: selection %s has positions %q–%q that are not a span; its %d codings were not imported", src.Name, selectionLabel(s), s.StartPosition, s.EndPosition, len(s.Codings))
			continue
		}
		okSel = append(okSel, s)
		begins, ends, names = append(begins, b), append(ends, e), append(names, s.Name)
	}
	read, unit := st.readPositions(begins, ends, names, r.tool)
	if st.hasAstral() && len(okSel) > 0 {
		src.PositionUnit = unit.String()
	}
	for i, s := range okSel {
		label := selectionLabel(s)
		pos := read[i]
		if pos.outside {
			p.drop("PlainTextSelection", 1, "source %q: selection %s has positions %s–%s outside its text of %d characters; its %d codings were not imported", src.Name, label, s.StartPosition, s.EndPosition, len(st.raw), len(s.Codings))
			continue
		}
		if !pos.fits {
			p.drop("PlainTextSelection", 1, "source %q: selection %s: its name is a quote of the text, but not the one at %s–%s read as UTF-16 units (%q) or as code points (%q); its %d codings were not imported (tag the quote again with `rapport tag`)",
				src.Name, label, s.StartPosition, s.EndPosition, r.quoteIn(st, begins[i], ends[i], unitUTF16), r.quoteIn(st, begins[i], ends[i], unitCodePoint), len(s.Codings))
			continue
		}
		start, end := st.toNFC(pos.span.start), st.toNFC(pos.span.end)
		page := len(starts) - 1
		for page > 0 && starts[page] > start {
			page--
		}
		pageLen := len(pageRunes[page])
		if end-starts[page] > pageLen {
			p.problem("source %q: selection %s crosses a page break; it was cut at the end of page %d", src.Name, label, page+1)
			end = starts[page] + pageLen
		}
		sel := Selection{GUID: normGUID(s.GUID), Page: page + 1, Start: start - starts[page], End: end - starts[page],
			Author: r.users[normGUID(s.CreatingUser)]}
		if sel.GUID == "" {
			sel.GUID = StableGUID("selection", fmt.Sprintf("%s:%d:%d", src.GUID, start, end))
		}
		sel.Quote = string(pageRunes[page][sel.Start:sel.End])
		sel.Created, _ = time.Parse(time.RFC3339, s.CreationDateTime)
		sel.Codes, sel.Author, sel.Note = r.selectionCoding(fmt.Sprintf("source %q: selection %s", src.Name, label),
			sel.GUID, sel.Author, s.Description, s.NoteRefs, s.Codings)
		src.Selections = append(src.Selections, sel)
	}
	return src, true
}

// quoteIn is the text a selection's positions hold in one unit, for a
// report ("" when they do not fit the text).
func (r *projectReader) quoteIn(st *sourceText, start, end int, u posUnit) string {
	sp := st.span(start, end, u)
	if !sp.ok {
		return ""
	}
	return shortQuote(string(st.raw[sp.start:sp.end]))
}

// quoteAt is the text a note's selection points at, read in the project
// tool's unit ("" when it does not fit).
func (r *projectReader) quoteAt(st *sourceText, s qdeSelection) string {
	b, err1 := parsePosition(s.StartPosition)
	e, err2 := parsePosition(s.EndPosition)
	if err1 != nil || err2 != nil {
		return ""
	}
	read, _ := st.readPositions([]int{b}, []int{e}, []string{s.Name}, r.tool)
	if read[0].outside || !read[0].span.ok {
		return ""
	}
	return shortQuote(string(st.raw[read[0].span.start:read[0].span.end]))
}

func selectionLabel(s qdeSelection) string {
	if s.Name != "" {
		return strconv.Quote(shortQuote(s.Name))
	}
	return s.GUID
}

// parsePosition reads a selection position; some tools write "12.0".
func parsePosition(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int(f)) {
		return 0, fmt.Errorf("position %q is not a whole number", s)
	}
	return int(f), nil
}
