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

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/importer"
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
	// Rapport's own projects also carry the document's metadata, page
	// labels and first printed page (see SidecarName).
	Metadata         importer.Metadata
	PageLabels       []string
	FirstPrintedPage int
	OriginalSHA256   string   // the SHA-256 of the document's original file
	PrintedPages     []string // the number each page prints
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
// Problems lists, one by one, what could not be mapped; nothing is dropped
// without a line there.
type Project struct {
	Name     string
	Origin   string
	Codes    []Code
	Sources  []Source
	Problems []string
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
		p, err = readQDE(data, func(name string) ([]byte, error) {
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
	p, err := readQDE(data, func(name string) ([]byte, error) {
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
	if f, ok := files[SidecarName]; ok && strings.HasPrefix(p.Origin, Origin) {
		if b, err := readZipFile(f); err == nil {
			applySidecar(p, b)
		}
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
func flattenCodes(p *Project, list []qdeCode, notes map[string]string) []Code {
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
				if text, ok := notes[normGUID(ref.TargetGUID)]; ok && strings.TrimSpace(text) != "" {
					memo = append(memo, strings.TrimSpace(text))
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

// readQDE reads a project document; open returns a source file's bytes by
// the name its plainTextPath gives.
func readQDE(data []byte, open func(name string) ([]byte, error)) (*Project, error) {
	var q qdeProject
	if err := xml.Unmarshal(data, &q); err != nil {
		return nil, fmt.Errorf("read project.qde: %w", err)
	}
	p := &Project{Name: q.Name, Origin: q.Origin}
	users := map[string]string{}
	if q.Users != nil {
		for _, u := range q.Users.Users {
			users[normGUID(u.GUID)] = u.Name
		}
	}
	if strings.HasPrefix(q.Origin, Origin) {
		users[userGUID("")] = "" // Rapport's stand-in for annotations without an author
	}
	notes := map[string]string{}
	if q.Notes != nil {
		for _, n := range q.Notes.Notes {
			text := ""
			switch {
			case n.PlainTextContent != nil:
				text = *n.PlainTextContent
			case n.PlainTextPath != "":
				if b, err := open(strings.TrimPrefix(n.PlainTextPath, "internal://")); err == nil {
					text = decodeText(b)
				}
			}
			notes[normGUID(n.GUID)] = text
		}
	}
	if q.CodeBook != nil {
		p.Codes = flattenCodes(p, q.CodeBook.Codes.Codes, notes)
	}
	codeName := map[string]string{}
	for _, c := range p.Codes {
		codeName[c.GUID] = c.Name
	}
	rapport := strings.HasPrefix(q.Origin, Origin)
	if q.Sources == nil {
		return p, nil
	}
	var texts []qdeTextSource
	texts = append(texts, q.Sources.TextSources...)
	for _, pdf := range q.Sources.PDFSources {
		if pdf.Representation != nil {
			rep := *pdf.Representation
			if rep.Name == "" {
				rep.Name = pdf.Name
			}
			texts = append(texts, rep)
			if len(pdf.Selections) > 0 || len(pdf.Codings) > 0 {
				p.problem("PDF source %q: %d region selections and %d whole-source codings were not imported (Rapport imports its text representation's selections)", pdf.Name, len(pdf.Selections), len(pdf.Codings))
			}
			continue
		}
		p.problem("PDF source %q has no text representation; it and its %d selections were not imported", pdf.Name, len(pdf.Selections))
	}
	for kind, list := range map[string][]qdeAnySource{"picture": q.Sources.Pictures, "audio": q.Sources.AudioSources, "video": q.Sources.VideoSources} {
		for _, s := range list {
			p.problem("%s source %q was not imported (Rapport reads text)", kind, s.Name)
		}
	}
	for _, ts := range texts {
		src, ok := readTextSource(p, ts, open, users, notes, codeName, rapport)
		if ok {
			p.Sources = append(p.Sources, src)
		}
	}
	return p, nil
}

func readTextSource(p *Project, ts qdeTextSource, open func(string) ([]byte, error), users, notes, codeName map[string]string, rapport bool) (Source, bool) {
	src := Source{GUID: normGUID(ts.GUID), Name: strings.TrimSpace(ts.Name), Description: strings.TrimSpace(ts.Description)}
	src.Created, _ = time.Parse(time.RFC3339, ts.CreationDateTime)
	var text string
	switch {
	case ts.PlainTextContent != nil:
		text = *ts.PlainTextContent
	case ts.PlainTextPath != "":
		name := strings.TrimPrefix(strings.TrimSpace(ts.PlainTextPath), "internal://")
		name = strings.TrimPrefix(name, "relative://")
		name = strings.TrimPrefix(name, "file://")
		b, err := open(name)
		if err != nil {
			p.problem("source %q: its text %s is not in the project; it and its %d selections were not imported", src.Name, ts.PlainTextPath, len(ts.Selections))
			return src, false
		}
		text = decodeText(b)
	default:
		p.problem("source %q has no plain text; it and its %d selections were not imported", src.Name, len(ts.Selections))
		return src, false
	}
	if src.Name == "" {
		src.Name = "Source " + src.GUID
	}
	if len(ts.Codings) > 0 {
		p.problem("source %q: %d codings of the whole source were not imported (Rapport codes passages)", src.Name, len(ts.Codings))
	}
	runes := []rune(text)
	nfc := norm.NFC.IsNormalString(text)
	mapOffset := func(k int) int { // code points in the NFC form of runes[:k]
		if nfc {
			return k
		}
		return utf8.RuneCountInString(norm.NFC.String(string(runes[:k])))
	}
	normText := text
	if !nfc {
		normText = norm.NFC.String(text)
	}
	// Page starts (in NFC code points) when this is Rapport's own project.
	pages := []string{normText}
	starts := []int{0}
	if rapport && strings.Contains(normText, PageBreak) {
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
	for _, s := range ts.Selections {
		start, err1 := parsePosition(s.StartPosition)
		end, err2 := parsePosition(s.EndPosition)
		label := selectionLabel(s)
		if err1 != nil || err2 != nil || start < 0 || end < start || end > len(runes) {
			p.problem("source %q: selection %s has positions %q–%q outside its text of %d characters; its %d codings were not imported", src.Name, label, s.StartPosition, s.EndPosition, len(runes), len(s.Codings))
			continue
		}
		start, end = mapOffset(start), mapOffset(end)
		page := len(starts) - 1
		for page > 0 && starts[page] > start {
			page--
		}
		pageLen := utf8.RuneCountInString(pages[page])
		if end-starts[page] > pageLen {
			p.problem("source %q: selection %s crosses a page break; it was cut at the end of page %d", src.Name, label, page+1)
			end = starts[page] + pageLen
		}
		sel := Selection{GUID: normGUID(s.GUID), Page: page + 1, Start: start - starts[page], End: end - starts[page],
			Author: users[normGUID(s.CreatingUser)]}
		if sel.GUID == "" {
			sel.GUID = StableGUID("selection", fmt.Sprintf("%s:%d:%d", src.GUID, start, end))
		}
		sel.Quote = string([]rune(pages[page])[sel.Start:sel.End])
		sel.Created, _ = time.Parse(time.RFC3339, s.CreationDateTime)
		var noteParts []string
		addNotes := func(refs []qdeRef) {
			for _, ref := range refs {
				if text, ok := notes[normGUID(ref.TargetGUID)]; ok {
					if t := strings.TrimSpace(text); t != "" {
						noteParts = append(noteParts, t)
					}
				} else {
					p.problem("source %q: selection %s refers to a note %s that the project does not hold", src.Name, label, ref.TargetGUID)
				}
			}
		}
		addNotes(s.NoteRefs)
		seen := map[string]bool{}
		for _, c := range s.Codings {
			g := normGUID(c.CodeRef.TargetGUID)
			if _, ok := codeName[g]; !ok {
				p.problem("source %q: selection %s is coded with %s, a code the codebook does not hold; that coding was not imported", src.Name, label, c.CodeRef.TargetGUID)
				continue
			}
			if !seen[g] {
				sel.Codes = append(sel.Codes, g)
				seen[g] = true
			}
			addNotes(c.NoteRefs)
		}
		sel.Note = strings.Join(noteParts, "\n\n")
		src.Selections = append(src.Selections, sel)
	}
	return src, true
}

func selectionLabel(s qdeSelection) string {
	if s.Name != "" {
		return strconv.Quote(s.Name)
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
