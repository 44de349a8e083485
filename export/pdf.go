package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/atomicfile"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// A coded copy of a PDF: the stored original with every annotation
// written as a Highlight annotation over its characters' boxes (one
// quadrilateral per line piece, in reading order), an area annotation as
// a Square annotation outlining its rectangle, in its first theme's
// colour, its comment "Theme A; Theme B — note", its title the coder's
// name, so that any PDF reader shows the coding; with Flatten the
// highlights are drawn into the pages instead, for readers and printers
// that leave annotations out. The copy also carries Rapport's own keys
// (index.PDFKeyThemes, index.PDFKeyNote), so that importing it into
// another library brings the same themes and notes back. The original in
// the library is never changed; the copy is written atomically.

// PDF is the format name of a coded copy (`export --format pdf`); it is
// written per document by WriteCodedPDF, not by Write.
const PDF Format = "pdf"

// PDFOptions tune WriteCodedPDF.
type PDFOptions struct {
	// Flatten draws the highlights into the page content instead of
	// adding annotations (the comments are then not in the file).
	Flatten bool
	// Themes keeps only annotations coded with one of these themes or a
	// theme under one; empty keeps all.
	Themes []string
	// Password opens an encrypted original (never stored).
	Password string
	// Warn receives what was left out, and why; nil discards it.
	Warn func(msg string)
}

// PDFResult says what a coded copy holds.
type PDFResult struct {
	DocID      int64  `json:"doc_id"`
	File       string `json:"file"`
	Highlights int    `json:"highlights"`
	Skipped    int    `json:"skipped"` // annotations left out (see the warnings)
	Flattened  bool   `json:"flattened"`
}

// ErrNotPDF: the document has no PDF to copy (a text source, a
// metadata-only entry).
var ErrNotPDF = errors.New("the document has no PDF original")

// WriteCodedPDF writes a coded copy of document docID's PDF to path.
func WriteCodedPDF(ctx context.Context, lib *index.Library, docID int64, path string, opts PDFOptions) (PDFResult, error) {
	res := PDFResult{DocID: docID, File: path, Flattened: opts.Flatten}
	warn := func(format string, args ...any) {
		res.Skipped++
		if opts.Warn != nil {
			opts.Warn(fmt.Sprintf(format, args...))
		}
	}
	d, err := lib.Document(ctx, docID)
	if err != nil {
		return res, fmt.Errorf("coded PDF of document %d: %w", docID, err)
	}
	if d.Kind != string(importer.KindPDF) || d.SHA256 == "" {
		return res, fmt.Errorf("coded PDF of document %d (%s): %w", docID, d.Title, ErrNotPDF)
	}
	anns, err := codedAnnotations(ctx, lib, docID, opts.Themes)
	if err != nil {
		return res, fmt.Errorf("coded PDF of document %d: %w", docID, err)
	}
	themes, err := lib.Themes(ctx)
	if err != nil {
		return res, fmt.Errorf("coded PDF of document %d: %w", docID, err)
	}
	byName := map[string]index.Theme{}
	for _, t := range themes {
		byName[strings.ToLower(t.Name)] = t
	}
	var hs []pdfium.Highlight
	for _, a := range anns {
		if a.IsArea() {
			r := a.Rect.Normalized()
			h := codedHighlight(lib, a, nil, byName)
			h.Area = pdfium.Rect{X0: r.X1, Y0: r.Y1, X1: r.X2, Y1: r.Y2}
			if !h.IsArea() {
				warn("annotation %d (p. %d) codes an area with no size (%s)", a.ID, a.Page, r)
				continue
			}
			hs = append(hs, h)
			continue
		}
		if a.Orphaned {
			warn("annotation %d (p. %d, %q) is orphaned: its passage is no longer in the text", a.ID, a.Page, short(a.Quote))
			continue
		}
		boxes, err := lib.PageBoxesWithPassword(ctx, docID, a.Page, opts.Password)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			warn("annotation %d (p. %d, %q): %v", a.ID, a.Page, short(a.Quote), err)
			continue
		}
		if a.Start < 0 || a.End > len(boxes) || a.Start >= a.End {
			warn("annotation %d (p. %d): its span %d–%d lies outside the page", a.ID, a.Page, a.Start, a.End)
			continue
		}
		quads := LineQuads(boxes[a.Start:a.End])
		if len(quads) == 0 {
			warn("annotation %d (p. %d, %q): its characters have no place on the page", a.ID, a.Page, short(a.Quote))
			continue
		}
		hs = append(hs, codedHighlight(lib, a, quads, byName))
	}
	data, err := os.ReadFile(lib.FilePath(d))
	if err != nil {
		return res, fmt.Errorf("coded PDF of document %d: read the stored original: %w", docID, err)
	}
	engine, err := pdfium.Get(ctx)
	if err != nil {
		return res, fmt.Errorf("coded PDF of document %d: %w", docID, err)
	}
	doc, err := engine.Open(ctx, data, opts.Password)
	if err != nil {
		return res, fmt.Errorf("coded PDF of document %d (%s): %w", docID, d.FileName, err)
	}
	defer doc.Close()
	if opts.Flatten {
		err = doc.DrawHighlights(hs)
	} else {
		err = doc.AddHighlights(hs)
	}
	if err != nil {
		return res, fmt.Errorf("coded PDF of document %d: %w", docID, err)
	}
	res.Highlights = len(hs)
	var saveErr error
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
		saveErr = doc.Save(w)
		return saveErr
	})
	switch {
	case saveErr != nil:
		return res, fmt.Errorf("coded PDF of document %d: %w", docID, saveErr)
	case err != nil:
		return res, fmt.Errorf("write %s: %w", path, err)
	}
	return res, nil
}

// codedAnnotations lists a document's annotations, those coded with one of
// themes (or a theme under one) when themes are given.
func codedAnnotations(ctx context.Context, lib *index.Library, docID int64, themes []string) ([]index.Annotation, error) {
	if len(themes) == 0 {
		return lib.Annotations(ctx, index.AnnotationFilter{DocID: docID})
	}
	seen := map[int64]bool{}
	var out []index.Annotation
	for _, t := range themes {
		list, err := lib.Annotations(ctx, index.AnnotationFilter{DocID: docID, Theme: t, WithSubthemes: true})
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// codedHighlight is an annotation as a highlight of the coded copy.
func codedHighlight(lib *index.Library, a index.Annotation, quads []pdfium.Quad, themes map[string]index.Theme) pdfium.Highlight {
	color := pdfium.RGB{R: 0xFF, G: 0xD4}
	var coded []index.PDFTheme
	for i, name := range a.Themes {
		t := themes[strings.ToLower(name)]
		if i == 0 {
			if c, ok := ParseColor(t.Color); ok {
				var r, g, b uint8
				fmt.Sscanf(c[1:], "%02x%02x%02x", &r, &g, &b)
				color = pdfium.RGB{R: r, G: g, B: b}
			}
		}
		coded = append(coded, index.PDFTheme{Name: name, Parent: t.Parent, Color: t.Color})
	}
	themesJSON, _ := json.Marshal(coded)
	author := a.Author
	if author == "" {
		author = lib.Author
	}
	if author == "" {
		author = "Rapport"
	}
	private := map[string]string{index.PDFKeyThemes: string(themesJSON)}
	if a.Note != "" {
		private[index.PDFKeyNote] = a.Note
	}
	return pdfium.Highlight{
		Page:     a.Page - 1,
		Quads:    quads,
		Color:    color,
		Contents: index.CodedContents(a.Themes, a.Note),
		Author:   author,
		Name:     "rapport-" + a.GUID,
		Created:  a.CreatedAt,
		Modified: a.UpdatedAt,
		Private:  private,
	}
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "…"
	}
	return s
}

// LineQuads turns the boxes of a passage's characters, in reading order,
// into one quadrilateral per line piece: consecutive characters side by
// side on a line (or stacked, for text set upright on its side) share one,
// bounding their boxes. Characters the layout put in (empty boxes) are
// skipped; a new line, a column break or a jump back starts a new piece.
func LineQuads(boxes []importer.Box) []pdfium.Quad {
	var quads []pdfium.Quad
	var cur pdfium.Rect
	var last importer.Box
	open := false
	flush := func() {
		if open {
			quads = append(quads, pdfium.QuadOfRect(cur))
		}
		open = false
	}
	for _, b := range boxes {
		if b.Empty() || !finiteBox(b) {
			continue
		}
		r := pdfium.Rect{X0: float64(b.X0), Y0: float64(b.Y0), X1: float64(b.X1), Y1: float64(b.Y1)}
		if open && sameLine(last, b) {
			cur.X0, cur.Y0 = math.Min(cur.X0, r.X0), math.Min(cur.Y0, r.Y0)
			cur.X1, cur.Y1 = math.Max(cur.X1, r.X1), math.Max(cur.Y1, r.Y1)
		} else {
			flush()
			cur, open = r, true
		}
		last = b
	}
	flush()
	return quads
}

func finiteBox(b importer.Box) bool {
	for _, v := range []float32{b.X0, b.Y0, b.X1, b.Y1} {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return b.X1 >= b.X0 && b.Y1 >= b.Y0
}

// sameLine tells whether character box b follows a on the same line:
// side by side (they overlap vertically by half the lower one, with at
// most one and a half heights between them, as a wide word space), or,
// for text set on its side, stacked (they overlap horizontally by half,
// with at most half a width between them).
func sameLine(a, b importer.Box) bool {
	overlap := func(a0, a1, b0, b1 float32) float32 { return min(a1, b1) - max(a0, b0) }
	gap := func(a0, a1, b0, b1 float32) float32 { return max(0, max(a0, b0)-min(a1, b1)) }
	ha, hb := a.Y1-a.Y0, b.Y1-b.Y0
	wa, wb := a.X1-a.X0, b.X1-b.X0
	if h := min(ha, hb); h > 0 && overlap(a.Y0, a.Y1, b.Y0, b.Y1) >= 0.5*h && gap(a.X0, a.X1, b.X0, b.X1) <= 1.5*h {
		return true
	}
	if w := min(wa, wb); w > 0 && overlap(a.X0, a.X1, b.X0, b.X1) >= 0.5*w && gap(a.Y0, a.Y1, b.Y0, b.Y1) <= 0.5*w {
		return true
	}
	return false
}
