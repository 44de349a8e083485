package export

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// PDF sources in REFI-QDA projects.
//
// Rapport writes a PDF document as a PDFSource: the PDF itself in the
// project (sources/GUID.pdf), its text as the Representation (a text source
// holding the text codings as PlainTextSelections, as for any document),
// and its area annotations as PDFSelections. A PDFSelection gives the page
// (1 for the first) and two corners, firstX/firstY the top left and
// secondX/secondY the bottom right, in points (1/72 inch, whole numbers)
// from the top left corner of the page as it is displayed (its crop box,
// turned by its /Rotate) — the page rendered at 72 dpi, in pixels, as a
// PictureSelection gives a picture's. rapport.json keeps each area's exact
// rectangle in PDF user space, so that Rapport reading its own project
// loses no fraction of a point.
//
// Reading, a PDF source whose PDF the project holds becomes a PDF document
// of the library (imported as any PDF is, or found when the library holds
// the same file): its region selections become area annotations, read the
// same way (a file whose pages are numbered from 0 — one of its selections
// on page 0 — is read so), and its text codings are placed by their quotes
// in Rapport's own reading of the pages where the tool's text differs. A
// PDF source whose PDF the project does not hold is read from its text
// representation, and its region selections are reported, not dropped
// silently.

// AreaSelection is a region of a PDF source's page.
type AreaSelection struct {
	GUID string
	Page int // 1-based
	// FirstX, FirstY, SecondX, SecondY are the corners as the project
	// gives them: points from the top left of the page as displayed.
	FirstX, FirstY, SecondX, SecondY int
	// Rect is the exact rectangle in PDF user space, when Rapport wrote
	// the project (from rapport.json).
	Rect    *index.Rect
	Codes   []string // code GUIDs
	Note    string
	Author  string
	Created time.Time
}

// pdfPart is what reading keeps of a PDF source until its text is read.
type pdfPart struct {
	file  []byte
	name  string
	areas []AreaSelection
}

// readPDFSource reads a PDF source's file (when the project holds it) and
// its region selections; without the file they are reported.
func (r *projectReader) readPDFSource(pdf qdePDFSource, zeroBased bool) pdfPart {
	part := pdfPart{name: pdfFileName(pdf)}
	if pdf.Path != "" {
		if b, err := r.open(sourceFileName(pdf.Path)); err == nil && bytes.HasPrefix(bytes.TrimLeft(b[:min(len(b), 1024)], "\x00\t\r\n "), []byte("%PDF")) {
			part.file = b
		}
	}
	if part.file == nil {
		if len(pdf.Selections) > 0 {
			r.p.drop("PDFSelection", len(pdf.Selections), "PDF source %q: %d region selections were not imported: the project does not hold the PDF (%s) to place them on", pdf.Name, len(pdf.Selections), pdf.Path)
		}
		return part
	}
	for _, s := range pdf.Selections {
		label := s.Name
		if label == "" {
			label = s.GUID
		}
		var v [5]int
		ok := true
		for i, f := range []string{s.Page, s.FirstX, s.FirstY, s.SecondX, s.SecondY} {
			n, err := parsePosition(f)
			if err != nil {
				ok = false
			}
			v[i] = n
		}
		if zeroBased {
			v[0]++
		}
		if !ok || v[0] < 1 {
			r.p.drop("PDFSelection", 1, "PDF source %q: region %q has a page or corners that are not numbers (page %q, %q,%q–%q,%q); its %d codings were not imported",
				pdf.Name, label, s.Page, s.FirstX, s.FirstY, s.SecondX, s.SecondY, len(s.Codings))
			continue
		}
		a := AreaSelection{GUID: normGUID(s.GUID), Page: v[0], FirstX: v[1], FirstY: v[2], SecondX: v[3], SecondY: v[4],
			Author: r.users[normGUID(s.CreatingUser)]}
		if a.GUID == "" {
			a.GUID = StableGUID("pdf-selection", fmt.Sprintf("%s:%v", normGUID(pdf.GUID), v))
		}
		a.Created, _ = time.Parse(time.RFC3339, s.CreationDateTime)
		a.Codes, a.Author, a.Note = r.selectionCoding(fmt.Sprintf("PDF source %q: region %q", pdf.Name, label),
			a.GUID, a.Author, s.Description, s.NoteRefs, s.Codings)
		part.areas = append(part.areas, a)
	}
	return part
}

// pdfFileName is the name a PDF source's document gets: its file's name,
// else the source's name, ending in .pdf.
func pdfFileName(pdf qdePDFSource) string {
	name := path.Base(strings.ReplaceAll(sourceFileName(pdf.Path), "\\", "/"))
	if name == "" || name == "." || name == "/" || guidPattern.MatchString(normGUID(strings.TrimSuffix(strings.ToLower(name), ".pdf"))) {
		name = strings.TrimSpace(pdf.Name)
	}
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		name = "source"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	return name
}

// attachPDF gives a source read from a PDF source's representation its
// PDF and regions.
func (src *Source) attachPDF(part pdfPart) {
	if part.file == nil {
		return
	}
	src.PDF, src.PDFName, src.Areas = part.file, part.name, part.areas
	if src.OriginalSHA256 == "" {
		sum := sha256.Sum256(part.file)
		src.OriginalSHA256 = hex.EncodeToString(sum[:])
	}
}

// importSourcePDF makes a PDF source's document: the PDF the project holds
// imported as any PDF is (or the document already holding that file). It
// runs inside the import of the project when there is one.
func importSourcePDF(ctx context.Context, lib *index.Library, src Source) (docID int64, created bool, err error) {
	dir, err := os.MkdirTemp("", "rapport-qdpx-")
	if err != nil {
		return 0, false, err
	}
	defer os.RemoveAll(dir)
	name := src.PDFName
	if name == "" {
		name = "source.pdf"
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, src.PDF, 0o600); err != nil {
		return 0, false, err
	}
	rep, err := lib.Import(ctx, []string{file}, nil)
	if err != nil {
		return 0, false, err
	}
	for _, f := range rep.Failed {
		return 0, false, fmt.Errorf("%s", strings.ReplaceAll(f.Error, file, name))
	}
	for _, it := range rep.Imported {
		return it.ID, true, nil
	}
	for _, list := range [][]index.ImportItem{rep.Updated, rep.Unchanged, rep.Restored} {
		for _, it := range list {
			return it.ID, false, nil
		}
	}
	return 0, false, fmt.Errorf("%s was not imported", name)
}

// areaAnnotations turns a source's regions into area annotations of the
// document: the exact rectangle Rapport kept, else the corners read on the
// page as displayed.
func areaAnnotations(ctx context.Context, lib *index.Library, docID int64, src Source, nameOf map[string]string, rep *ApplyReport) []index.ExchangeAnnotation {
	if len(src.Areas) == 0 {
		return nil
	}
	d, err := lib.Document(ctx, docID)
	if err != nil || d.Kind != string(importer.KindPDF) {
		rep.drop("PDFSelection", len(src.Areas), "source %q: %d region selections were not imported: its document is not a PDF", src.Name, len(src.Areas))
		return nil
	}
	infos := map[int]pdfium.PageInfo{}
	var out []index.ExchangeAnnotation
	for _, a := range src.Areas {
		var themes []string
		for _, g := range a.Codes {
			if name, ok := nameOf[g]; ok {
				themes = append(themes, name)
			} else {
				rep.drop("Coding", 1, "source %q: region of page %d: its code %s was not imported, so that coding was not either", src.Name, a.Page, g)
			}
		}
		if len(themes) == 0 {
			rep.drop("PDFSelection", 1, "source %q: a region of page %d carries no code Rapport could map; not imported (an annotation needs a theme)", src.Name, a.Page)
			continue
		}
		if a.Page > d.PageCount {
			rep.drop("PDFSelection", 1, "source %q: a region of page %d, which the PDF (%d pages) does not have; not imported", src.Name, a.Page, d.PageCount)
			continue
		}
		rect := a.Rect
		if rect == nil {
			info, ok := infos[a.Page]
			if !ok {
				if info, err = lib.PageInfo(ctx, docID, a.Page); err != nil {
					rep.drop("PDFSelection", 1, "source %q: a region of page %d: %v; not imported", src.Name, a.Page, err)
					continue
				}
				infos[a.Page] = info
			}
			r := RectFromREFI(info, a.FirstX, a.FirstY, a.SecondX, a.SecondY)
			rect = &r
		}
		out = append(out, index.ExchangeAnnotation{GUID: a.GUID, Page: a.Page, Rect: rect, Themes: themes, Note: a.Note, Author: a.Author, Created: a.Created})
	}
	return out
}

// RectFromREFI reads a PDFSelection's corners (points from the top left of
// the page as displayed) as a rectangle in PDF user space.
func RectFromREFI(info pdfium.PageInfo, firstX, firstY, secondX, secondY int) index.Rect {
	x1, y1 := info.FromPixel(float64(firstX), float64(firstY), 72)
	x2, y2 := info.FromPixel(float64(secondX), float64(secondY), 72)
	return index.Rect{X1: x1, Y1: y1, X2: x2, Y2: y2}.Normalized().Round()
}

// REFIFromRect writes a rectangle in PDF user space as a PDFSelection's
// corners, in whole points outward (the region holds the whole rectangle).
func REFIFromRect(info pdfium.PageInfo, r index.Rect) (firstX, firstY, secondX, secondY int) {
	ax, ay := info.ToPixel(r.X1, r.Y1, 72)
	bx, by := info.ToPixel(r.X2, r.Y2, 72)
	const eps = 1e-6 // 100.0000001 is 100
	return int(math.Floor(min(ax, bx) + eps)), int(math.Floor(min(ay, by) + eps)), int(math.Ceil(max(ax, bx) - eps)), int(math.Ceil(max(ay, by) - eps))
}

// pdfSourceXML wraps a document's text source as a PDF source: the PDF
// (written as sources/GUID.pdf), the text as its representation, its
// areas as region selections. Notes and variables stay with the PDF
// source, as the schema puts them there.
func pdfSourceXML(text qdeTextSource, areas []qdePDFSelection) qdePDFSource {
	rep := text
	rep.GUID = StableGUID("representation", text.GUID)
	rep.Description = ""
	rep.NoteRefs, rep.VariableValues = nil, nil
	return qdePDFSource{GUID: text.GUID, Name: text.Name, Path: "internal://" + text.GUID + ".pdf", Description: text.Description,
		Selections: areas, Representation: &rep, NoteRefs: text.NoteRefs, VariableValues: text.VariableValues}
}

// areaSelectionXML writes an area excerpt as a region selection, made by
// its coder (the User with the coder's own GUID).
func areaSelectionXML(d *Data, e Excerpt, info pdfium.PageInfo) qdePDFSelection {
	fx, fy, sx, sy := REFIFromRect(info, *e.Rect)
	name := "Area of " + e.PageRef()
	if q := strings.TrimSpace(e.Quote); q != "" {
		name += ": " + selectionName(q)
	}
	return qdePDFSelection{GUID: refiGUID("annotation", e.GUID), Name: name, Page: strconv.Itoa(e.Page),
		FirstX: strconv.Itoa(fx), FirstY: strconv.Itoa(fy), SecondX: strconv.Itoa(sx), SecondY: strconv.Itoa(sy),
		CreatingUser: d.userGUID(e.Author), CreationDateTime: xmlTime(e.CreatedAt)}
}

// pdfGeometry fills in, for a project, where each PDF document's original
// is (to be put in the project) and the geometry of the pages its areas
// are on (to write their corners).
func pdfGeometry(ctx context.Context, lib *index.Library, d *Data) error {
	for i := range d.Documents {
		doc := &d.Documents[i]
		if doc.Kind != string(importer.KindPDF) || doc.SHA256 == "" {
			continue
		}
		if p := lib.FilePath(doc.Document); p != "" {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				doc.OriginalPath = p
			}
		}
	}
	type pageKey struct {
		doc  int64
		page int
	}
	infos := map[pageKey]*pdfium.PageInfo{}
	for i := range d.Excerpts {
		e := &d.Excerpts[i]
		if !e.IsArea() || e.Rect == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		k := pageKey{e.DocID, e.Page}
		info, ok := infos[k]
		if !ok {
			if got, err := lib.PageInfo(ctx, e.DocID, e.Page); err == nil {
				info = &got
			} else if ctx.Err() != nil {
				return ctx.Err()
			}
			infos[k] = info
		}
		e.PageInfo = info
	}
	return nil
}

// codingsXML are an excerpt's codings, in codebook order.
func codingsXML(d *Data, e Excerpt, selGUID, user, created string, codeOf map[string]string) []qdeCoding {
	var out []qdeCoding
	for _, name := range d.orderedThemes(e) {
		code, ok := codeOf[strings.ToLower(name)]
		if !ok {
			continue
		}
		out = append(out, qdeCoding{GUID: StableGUID("coding", selGUID+":"+code), CreatingUser: user, CreationDateTime: created, CodeRef: qdeRef{TargetGUID: code}})
	}
	return out
}

// addFile copies a file into the zip.
func addFile(zw *zip.Writer, name, path string, mod time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("add %s to the project: %w", name, err)
	}
	defer f.Close()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: mod})
	if err != nil {
		return err
	}
	if _, err := io.Copy(fw, f); err != nil {
		return fmt.Errorf("add %s to the project: %w", name, err)
	}
	return nil
}

// hasText tells a source with text of its own (a representation).
func (src Source) hasText() bool {
	for _, p := range src.Pages {
		if strings.TrimSpace(p) != "" {
			return true
		}
	}
	return false
}
