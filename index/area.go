package index

import (
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/draw"
	"math"
	"os"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// Area annotations: a rectangle of a page (a figure, a table, an image)
// coded like a passage. The rectangle is stored in PDF user space, so it
// does not depend on the page's text: re-extraction leaves it alone, and
// it is drawn, cropped and exported from the page itself.

// minAreaSide is the smallest side of an area, in points: a click or a
// slip of the mouse draws nothing to code.
const minAreaSide = 2.0

// tagArea codes a rectangle of a page (req.Rect, req.Page).
func (l *Library) tagArea(ctx context.Context, req TagRequest) (Annotation, error) {
	fail := func(err error) (Annotation, error) {
		return Annotation{}, fmt.Errorf("tag an area of document %d: %w", req.DocID, err)
	}
	d, err := l.Document(ctx, req.DocID)
	if err != nil {
		return fail(err)
	}
	if d.Kind != string(importer.KindPDF) || d.SHA256 == "" {
		return fail(fmt.Errorf("an area is drawn on a PDF's page, and this is not a stored PDF (%s): %w", d.Kind, ErrInvalidInput))
	}
	if req.Page < 1 || req.Page > d.PageCount {
		return fail(fmt.Errorf("--page %d: the document has pages 1–%d: %w", req.Page, d.PageCount, ErrInvalidInput))
	}
	r := req.Rect.Normalized()
	for _, v := range []float64{r.X1, r.Y1, r.X2, r.Y2} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fail(fmt.Errorf("rectangle %s is not a rectangle: %w", r, ErrInvalidInput))
		}
	}
	r, quote, err := l.prepareArea(ctx, req.DocID, req.Page, r)
	if err != nil {
		return fail(err)
	}
	author := req.Author
	if author == "" {
		author = l.Author
	}
	var id int64
	label := fmt.Sprintf("Tag an area of page %d with %s", req.Page, strings.Join(req.Themes, ", "))
	err = l.change(ctx, label, func(rec *changeRecorder) error {
		themeIDs, err := resolveThemes(ctx, rec.tx, req.Themes)
		if err != nil {
			return err
		}
		if len(themeIDs) == 0 {
			return fmt.Errorf("an annotation needs at least one theme: %w", ErrInvalidInput)
		}
		if author, err = ensureCoder(ctx, rec, author, "", false); err != nil {
			return err
		}
		if err := checkAreaNotCoded(ctx, rec.tx, req.DocID, req.Page, r, themeIDs, author); err != nil {
			return err
		}
		id, err = insertArea(rec, newArea{docID: req.DocID, page: req.Page, rect: r, quote: quote, themeIDs: themeIDs, note: req.Note, author: author})
		return err
	})
	if err != nil {
		return fail(err)
	}
	return l.Annotation(ctx, id)
}

// checkAreaNotCoded refuses an area that the coder's area annotation of
// the page already codes, with the same rectangle, with one of the themes
// (as checkNotCoded does for passages; another coder's coding of the area
// is theirs).
func checkAreaNotCoded(ctx context.Context, tx *sql.Tx, docID int64, page int, r Rect, themeIDs []int64, coder string) error {
	rows, err := tx.QueryContext(ctx, `SELECT a.id, t.name FROM annotations a
JOIN annotation_themes at ON at.annotation_id = a.id JOIN themes t ON t.id = at.theme_id
WHERE `+coderAreaWhere+` AND at.theme_id IN (`+placeholders(len(themeIDs))+`)
ORDER BY a.id, t.position, t.id`, append(coderAreaArgs(docID, page, r, coder), int64sToAny(themeIDs)...)...)
	if err != nil {
		return err
	}
	return alreadyCoded(rows, docID, page, "the area "+r.String())
}

// coderAreaWhere selects, in annotations a, the areas a coder drew with
// the same rectangle (to a two-hundredth of a point) on a page; its
// arguments are coderAreaArgs.
const coderAreaWhere = `a.doc_id = ? AND a.page = ? AND a.kind = 'area' AND a.author = ? COLLATE NOCASE
	AND abs(a.rect_x1 - ?) < 0.005 AND abs(a.rect_y1 - ?) < 0.005 AND abs(a.rect_x2 - ?) < 0.005 AND abs(a.rect_y2 - ?) < 0.005`

func coderAreaArgs(docID int64, page int, r Rect, coder string) []any {
	return []any{docID, page, coder, r.X1, r.Y1, r.X2, r.Y2}
}

// coderAreaIDs lists, oldest first, the coder's areas with rectangle r on
// the page.
func coderAreaIDs(ctx context.Context, tx *sql.Tx, docID int64, page int, r Rect, coder string) ([]int64, error) {
	return txIDs(ctx, tx, "SELECT a.id FROM annotations a WHERE "+coderAreaWhere+" ORDER BY a.id", coderAreaArgs(docID, page, r, coder)...)
}

// prepareArea clips an area to its page as displayed (refusing one
// outside it or too small) and reads the text inside it.
func (l *Library) prepareArea(ctx context.Context, docID int64, page int, r Rect) (Rect, string, error) {
	info, err := l.PageInfo(ctx, docID, page)
	if err != nil {
		return r, "", err
	}
	if r, err = clipArea(info, page, r); err != nil {
		return r, "", err
	}
	// The text inside the area, for the excerpt and for search: best
	// effort, as a figure holds none and a document whose text must be
	// re-extracted has no boxes yet.
	quote := ""
	if boxes, err := l.PageBoxes(ctx, docID, page); err == nil {
		if p, err := l.PageText(ctx, docID, page); err == nil {
			quote = TextInArea([]rune(p.Text), boxes, r)
		}
	}
	return r, quote, nil
}

// clipArea clips an area to its page as displayed (the crop box), or
// refuses one outside it or too small to code.
func clipArea(info pdfium.PageInfo, page int, r Rect) (Rect, error) {
	c := info.CropBox
	clipped := Rect{max(r.X1, c.X0), max(r.Y1, c.Y0), min(r.X2, c.X1), min(r.Y2, c.Y1)}
	if clipped.Width() < minAreaSide || clipped.Height() < minAreaSide {
		return r, fmt.Errorf("rectangle %s lies outside page %d (%s), or is too small to code: %w", r, page,
			Rect{c.X0, c.Y0, c.X1, c.Y1}.Round(), ErrInvalidInput)
	}
	return clipped.Round(), nil
}

// newArea is an area annotation to store.
type newArea struct {
	docID    int64
	page     int
	rect     Rect
	quote    string // the text inside it
	themeIDs []int64
	note     string
	author   string
	guid     string    // "" makes a new one
	created  time.Time // zero: now
	updated  time.Time // zero: now
	// source and color say where an area came from (SourcePDFHighlight,
	// with the mark's colour); "" for one drawn in Rapport.
	source, color string
}

// insertArea stores an area annotation inside a change.
func insertArea(rec *changeRecorder, a newArea) (int64, error) {
	ts := now()
	created := ts
	if !a.created.IsZero() {
		created = a.created.UTC().Format(time.RFC3339Nano)
	}
	updated := ts
	if !a.updated.IsZero() {
		updated = a.updated.UTC().Format(time.RFC3339Nano)
	}
	guid := a.guid
	if guid == "" {
		guid = newGUID()
	}
	res, err := rec.exec(`INSERT INTO annotations (guid, doc_id, page, start, end, quote, prefix, suffix, note, author, source, color, created_at, updated_at,
	kind, rect_x1, rect_y1, rect_x2, rect_y2)
VALUES (?, ?, ?, 0, 0, ?, '', '', ?, ?, ?, ?, ?, ?, 'area', ?, ?, ?, ?)`, guid, a.docID, a.page, a.quote, strings.TrimSpace(a.note), a.author, a.source, a.color, created, updated,
		a.rect.X1, a.rect.Y1, a.rect.X2, a.rect.Y2)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	rec.created("annotations", id)
	for _, t := range a.themeIDs {
		if _, err := rec.exec("INSERT INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", id, t); err != nil {
			return 0, err
		}
		rec.created("annotation_themes", id, t)
	}
	return id, nil
}

// Round rounds the corners to a hundredth of a point.
func (r Rect) Round() Rect {
	f := func(x float64) float64 { return math.Round(x*100) / 100 }
	return Rect{f(r.X1), f(r.Y1), f(r.X2), f(r.Y2)}
}

// TextInArea returns the text of the characters whose boxes' centres lie
// in the rectangle, in the page text's order: characters next to each
// other in the text stay together, and a gap between two runs becomes a
// space, or a line break where the text skipped one.
func TextInArea(text []rune, boxes []importer.Box, r Rect) string {
	var b strings.Builder
	last := -1
	for i, bx := range boxes {
		if i >= len(text) || bx.Empty() || !r.Contains(float64(bx.X0+bx.X1)/2, float64(bx.Y0+bx.Y1)/2) {
			continue
		}
		if last >= 0 && i > last+1 {
			gap := text[last+1 : i]
			switch {
			case strings.ContainsRune(string(gap), '\n'):
				b.WriteByte('\n')
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteRune(text[i])
		last = i
	}
	return strings.TrimSpace(b.String())
}

// PageInfo returns the geometry of a page of a stored PDF (its size as
// displayed, crop box and rotation), read by PDFium.
func (l *Library) PageInfo(ctx context.Context, docID int64, page int) (pdfium.PageInfo, error) {
	var info pdfium.PageInfo
	doc, d, err := l.openPDF(ctx, docID, page)
	if err != nil {
		return info, err
	}
	defer doc.Close()
	if info, err = doc.Page(page - 1); err != nil {
		return info, fmt.Errorf("page %d of document %d (%s): %w", page, docID, d.FileName, err)
	}
	return info, nil
}

// openPDF opens a stored PDF with PDFium (starting it if this process has
// not yet), after checking that page is one of its pages.
func (l *Library) openPDF(ctx context.Context, docID int64, page int) (*pdfium.Document, Document, error) {
	d, err := l.Document(ctx, docID)
	if err != nil {
		return nil, d, err
	}
	if d.Kind != string(importer.KindPDF) || d.SHA256 == "" {
		return nil, d, fmt.Errorf("document %d is not a stored PDF (%s): %w", docID, d.Kind, ErrInvalidInput)
	}
	if page < 1 || page > d.PageCount {
		return nil, d, fmt.Errorf("document %d page %d: the document has pages 1–%d: %w", docID, page, d.PageCount, ErrInvalidInput)
	}
	data, err := os.ReadFile(l.FilePath(d))
	if err != nil {
		return nil, d, fmt.Errorf("document %d: read the stored original: %w", docID, err)
	}
	eng, err := pdfium.Get(ctx)
	if err != nil {
		return nil, d, fmt.Errorf("document %d: %w", docID, err)
	}
	doc, err := eng.Open(ctx, data, "")
	if err != nil {
		return nil, d, fmt.Errorf("document %d (%s): %w", docID, d.FileName, err)
	}
	return doc, d, nil
}

// AreaImage draws an area of a page at dpi (the page rendered by PDFium,
// cropped to the rectangle): what the Markdown and HTML exports show of an
// area annotation.
func (l *Library) AreaImage(ctx context.Context, docID int64, page int, r Rect, dpi float64) (image.Image, error) {
	rp, err := l.RenderPage(ctx, docID, page, RenderOptions{DPI: dpi})
	if err != nil {
		return nil, err
	}
	return CropArea(rp, r), nil
}

// CropArea cuts an area (PDF user space) out of a rendered page; the
// rectangle is clipped to the page.
func CropArea(rp RenderedPage, r Rect) image.Image {
	x0, y0 := rp.ToPixel(r.X1, r.Y1)
	x1, y1 := rp.ToPixel(r.X2, r.Y2)
	rect := image.Rect(int(math.Floor(min(x0, x1))), int(math.Floor(min(y0, y1))), int(math.Ceil(max(x0, x1))), int(math.Ceil(max(y0, y1)))).
		Intersect(rp.Image.Bounds())
	out := image.NewRGBA(image.Rect(0, 0, max(rect.Dx(), 1), max(rect.Dy(), 1)))
	draw.Draw(out, out.Bounds(), rp.Image, rect.Min, draw.Src)
	return out
}
