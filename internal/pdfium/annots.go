package pdfium

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/structs"
)

// Annotations: reading the markup researchers made in other readers
// (highlights, underlines, comments, ink) and writing highlights.
//
// Files are hostile: a page may claim thousands of annotations, QuadPoints
// may lie off the page or be NaN, /Annots may be no array at all. The
// reader bounds what it reads (MaxAnnotsPerPage, MaxQuadsPerAnnot), drops
// coordinates that are not finite, and turns a PDFium panic into an error
// naming the page.

// Annotation subtypes, as PDF names them.
const (
	SubtypeHighlight = "Highlight"
	SubtypeUnderline = "Underline"
	SubtypeSquiggly  = "Squiggly"
	SubtypeStrikeOut = "StrikeOut"
	SubtypeText      = "Text" // a sticky note
	SubtypeFreeText  = "FreeText"
	SubtypeInk       = "Ink"
	SubtypePopup     = "Popup"
	SubtypeSquare    = "Square"
)

var subtypeNames = map[enums.FPDF_ANNOTATION_SUBTYPE]string{
	enums.FPDF_ANNOT_SUBTYPE_TEXT:      SubtypeText,
	enums.FPDF_ANNOT_SUBTYPE_LINK:      "Link",
	enums.FPDF_ANNOT_SUBTYPE_FREETEXT:  SubtypeFreeText,
	enums.FPDF_ANNOT_SUBTYPE_LINE:      "Line",
	enums.FPDF_ANNOT_SUBTYPE_SQUARE:    SubtypeSquare,
	enums.FPDF_ANNOT_SUBTYPE_CIRCLE:    "Circle",
	enums.FPDF_ANNOT_SUBTYPE_POLYGON:   "Polygon",
	enums.FPDF_ANNOT_SUBTYPE_POLYLINE:  "PolyLine",
	enums.FPDF_ANNOT_SUBTYPE_HIGHLIGHT: SubtypeHighlight,
	enums.FPDF_ANNOT_SUBTYPE_UNDERLINE: SubtypeUnderline,
	enums.FPDF_ANNOT_SUBTYPE_SQUIGGLY:  SubtypeSquiggly,
	enums.FPDF_ANNOT_SUBTYPE_STRIKEOUT: SubtypeStrikeOut,
	enums.FPDF_ANNOT_SUBTYPE_STAMP:     "Stamp",
	enums.FPDF_ANNOT_SUBTYPE_CARET:     "Caret",
	enums.FPDF_ANNOT_SUBTYPE_INK:       SubtypeInk,
	enums.FPDF_ANNOT_SUBTYPE_POPUP:     SubtypePopup,
	enums.FPDF_ANNOT_SUBTYPE_WIDGET:    "Widget",
}

// Bounds against hostile files.
const (
	// MaxAnnotsPerPage is how many of a page's annotations are read.
	MaxAnnotsPerPage = 10_000
	// MaxQuadsPerAnnot is how many quadrilaterals of one annotation are
	// read (a highlight has one per line it covers).
	MaxQuadsPerAnnot = 2_000
	// maxStringLen bounds a text value read from an annotation.
	maxStringLen = 100_000
)

// Quad is one quadrilateral of a text markup annotation's /QuadPoints:
// x1 y1 x2 y2 x3 y3 x4 y4 in PDF user space. Viewers write the points top
// left, top right, bottom left, bottom right (of the text's own direction),
// though the standard says counter-clockwise; readers should accept any
// order.
type Quad [8]float64

// Bounds is the quadrilateral's axis-aligned bounding box.
func (q Quad) Bounds() Rect {
	r := Rect{X0: q[0], Y0: q[1], X1: q[0], Y1: q[1]}
	for k := 2; k < 8; k += 2 {
		r.X0, r.X1 = math.Min(r.X0, q[k]), math.Max(r.X1, q[k])
		r.Y0, r.Y1 = math.Min(r.Y0, q[k+1]), math.Max(r.Y1, q[k+1])
	}
	return r
}

// QuadOfRect is a rectangle as a quadrilateral, in the point order viewers
// write.
func QuadOfRect(r Rect) Quad {
	return Quad{r.X0, r.Y1, r.X1, r.Y1, r.X0, r.Y0, r.X1, r.Y0}
}

// RGB is a colour with 0–255 components.
type RGB struct{ R, G, B uint8 }

// Hex is the colour as #RRGGBB.
func (c RGB) Hex() string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }

// Annot is one annotation of a page as PDFium reads it.
type Annot struct {
	// Index is the annotation's position among the page's annotations.
	Index int
	// Subtype is the PDF subtype name (SubtypeHighlight…), "" when PDFium
	// does not know it.
	Subtype string
	Rect    Rect
	// Quads are a text markup annotation's quadrilaterals (finite ones
	// only, at most MaxQuadsPerAnnot); Truncated tells that some were
	// left out.
	Quads     []Quad
	Truncated bool
	// Color is /C as PDFium reads it (RGB; grey and CMYK converted);
	// HasColor is false when the annotation gives none.
	Color    RGB
	HasColor bool
	// Contents is /Contents (the comment), or the text of the annotation's
	// popup when it has none of its own.
	Contents string
	Author   string // /T
	Subject  string // /Subj
	Name     string // /NM, the annotation's unique name
	// Created and Modified are /CreationDate and /M as written (PDF date
	// strings); see ParseDate.
	Created, Modified string
	// ReplyTo is the index of the annotation this one answers (/IRT), or
	// -1. Parent is, for a popup, the index of the annotation it belongs
	// to, or -1.
	ReplyTo, Parent int
	// Hidden: the annotation's flags hide it.
	Hidden bool
	// Private holds the values of the private keys the caller asked for.
	Private map[string]string
}

// PageAnnots reads the annotations of page i (0-based), at most
// MaxAnnotsPerPage; truncated tells that the page has more. privateKeys
// names text-valued keys to read into Annot.Private.
//
// Reading the colour of an annotation with an appearance stream removes
// that stream from the open document (PDFium reads /C only then): do not
// save a document whose annotations were read.
func (d *Document) PageAnnots(i int, privateKeys ...string) (annots []Annot, truncated bool, err error) {
	if i < 0 || i >= d.pages {
		return nil, false, fmt.Errorf("pdfium: page %d out of range (1–%d)", i+1, d.pages)
	}
	defer func() {
		if r := recover(); r != nil {
			annots, err = nil, fmt.Errorf("%w: annotations of page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	inst := d.inst
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d.ref, Index: i})
	if err != nil {
		return nil, false, classify(err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	pg := requests.Page{ByReference: &page.Page}
	count, err := inst.FPDFPage_GetAnnotCount(&requests.FPDFPage_GetAnnotCount{Page: pg})
	if err != nil {
		return nil, false, classify(err)
	}
	n := count.Count
	if n > MaxAnnotsPerPage {
		n, truncated = MaxAnnotsPerPage, true
	}
	keys := make([]string, n) // each annotation's identity, to resolve links
	for k := 0; k < n; k++ {
		h, err := inst.FPDFPage_GetAnnot(&requests.FPDFPage_GetAnnot{Page: pg, Index: k})
		if err != nil {
			// A broken entry of /Annots (not a dictionary): skip it.
			annots = append(annots, Annot{Index: k, ReplyTo: -1, Parent: -1})
			continue
		}
		a := d.readAnnot(h.Annotation, k, privateKeys)
		keys[k] = annotKey(a)
		// Links to other annotations, resolved below.
		a.ReplyTo, a.Parent = -1, -1
		irt := d.linkedKey(h.Annotation, "IRT")
		parent := ""
		if a.Subtype == SubtypePopup {
			parent = d.linkedKey(h.Annotation, "Parent")
		}
		inst.FPDFPage_CloseAnnot(&requests.FPDFPage_CloseAnnot{Annotation: h.Annotation})
		a.Private["\x00irt"], a.Private["\x00parent"] = irt, parent
		annots = append(annots, a)
	}
	index := map[string]int{}
	for k, key := range keys {
		if _, dup := index[key]; !dup && key != "" {
			index[key] = k
		}
	}
	for k := range annots {
		a := &annots[k]
		if a.Private == nil {
			continue
		}
		if key := a.Private["\x00irt"]; key != "" {
			if j, ok := index[key]; ok && j != k {
				a.ReplyTo = j
			}
		}
		if key := a.Private["\x00parent"]; key != "" {
			if j, ok := index[key]; ok && j != k {
				a.Parent = j
			}
		}
		delete(a.Private, "\x00irt")
		delete(a.Private, "\x00parent")
	}
	// A popup's text belongs to its parent when the parent has none.
	for _, a := range annots {
		if a.Subtype == SubtypePopup && a.Parent >= 0 && a.Contents != "" && annots[a.Parent].Contents == "" {
			annots[a.Parent].Contents = a.Contents
		}
	}
	return annots, truncated, nil
}

// annotKey identifies an annotation among its page's: its subtype, name,
// rectangle and text.
func annotKey(a Annot) string {
	return fmt.Sprintf("%s\x1f%s\x1f%.3f %.3f %.3f %.3f\x1f%s\x1f%s", a.Subtype, a.Name, a.Rect.X0, a.Rect.Y0, a.Rect.X1, a.Rect.Y1, a.Author, a.Contents)
}

// linkedKey returns the identity (annotKey) of the annotation that key of
// annotation h points to, or "".
func (d *Document) linkedKey(h references.FPDF_ANNOTATION, key string) string {
	has, err := d.inst.FPDFAnnot_HasKey(&requests.FPDFAnnot_HasKey{Annotation: h, Key: key})
	if err != nil || !has.HasKey {
		return ""
	}
	l, err := d.inst.FPDFAnnot_GetLinkedAnnot(&requests.FPDFAnnot_GetLinkedAnnot{Annotation: h, Key: key})
	if err != nil {
		return ""
	}
	defer d.inst.FPDFPage_CloseAnnot(&requests.FPDFPage_CloseAnnot{Annotation: l.LinkedAnnotation})
	return annotKey(d.readAnnot(l.LinkedAnnotation, -1, nil))
}

// readAnnot reads one annotation's values.
func (d *Document) readAnnot(h references.FPDF_ANNOTATION, index int, privateKeys []string) Annot {
	inst := d.inst
	a := Annot{Index: index, Private: map[string]string{}}
	if st, err := inst.FPDFAnnot_GetSubtype(&requests.FPDFAnnot_GetSubtype{Annotation: h}); err == nil {
		a.Subtype = subtypeNames[st.Subtype]
	}
	if r, err := inst.FPDFAnnot_GetRect(&requests.FPDFAnnot_GetRect{Annotation: h}); err == nil {
		a.Rect = finiteRect(float64(r.Rect.Left), float64(r.Rect.Bottom), float64(r.Rect.Right), float64(r.Rect.Top))
	}
	str := func(key string) string {
		v, err := inst.FPDFAnnot_GetStringValue(&requests.FPDFAnnot_GetStringValue{Annotation: h, Key: key})
		if err != nil {
			return ""
		}
		s := strings.ToValidUTF8(v.Value, "\uFFFD")
		if len(s) > maxStringLen {
			s = s[:maxStringLen]
			s = strings.ToValidUTF8(s, "")
		}
		return strings.TrimRight(s, "\x00")
	}
	a.Contents = str("Contents")
	a.Author = str("T")
	a.Subject = str("Subj")
	a.Name = str("NM")
	a.Created = str("CreationDate")
	a.Modified = str("M")
	for _, k := range privateKeys {
		if v := str(k); v != "" {
			a.Private[k] = v
		}
	}
	if f, err := inst.FPDFAnnot_GetFlags(&requests.FPDFAnnot_GetFlags{Annotation: h}); err == nil {
		a.Hidden = f.Flags&(enums.FPDF_ANNOT_FLAG_HIDDEN|enums.FPDF_ANNOT_FLAG_INVISIBLE) != 0
	}
	if index < 0 {
		return a // a linked annotation: its identity is enough
	}
	switch a.Subtype {
	case SubtypeHighlight, SubtypeUnderline, SubtypeSquiggly, SubtypeStrikeOut:
		a.Quads, a.Truncated = d.readQuads(h)
	}
	a.Color, a.HasColor = d.readColor(h)
	return a
}

func (d *Document) readQuads(h references.FPDF_ANNOTATION) (quads []Quad, truncated bool) {
	c, err := d.inst.FPDFAnnot_CountAttachmentPoints(&requests.FPDFAnnot_CountAttachmentPoints{Annotation: h})
	if err != nil {
		return nil, false
	}
	n := int(min(c.Count, uint64(MaxQuadsPerAnnot)))
	truncated = c.Count > uint64(n)
	for k := 0; k < n; k++ {
		p, err := d.inst.FPDFAnnot_GetAttachmentPoints(&requests.FPDFAnnot_GetAttachmentPoints{Annotation: h, Index: uint64(k)})
		if err != nil {
			truncated = true
			continue
		}
		qp := p.QuadPoints
		q := Quad{float64(qp.X1), float64(qp.Y1), float64(qp.X2), float64(qp.Y2), float64(qp.X3), float64(qp.Y3), float64(qp.X4), float64(qp.Y4)}
		if finite(q[:]...) {
			quads = append(quads, q)
		} else {
			truncated = true
		}
	}
	return quads, truncated
}

// readColor reads /C. PDFium reads it only from an annotation without an
// appearance stream, so the stream is removed first (in memory).
func (d *Document) readColor(h references.FPDF_ANNOTATION) (RGB, bool) {
	has, err := d.inst.FPDFAnnot_HasKey(&requests.FPDFAnnot_HasKey{Annotation: h, Key: "C"})
	if err != nil || !has.HasKey {
		return RGB{}, false
	}
	if ap, err := d.inst.FPDFAnnot_HasKey(&requests.FPDFAnnot_HasKey{Annotation: h, Key: "AP"}); err == nil && ap.HasKey {
		d.inst.FPDFAnnot_SetAP(&requests.FPDFAnnot_SetAP{Annotation: h, AppearanceMode: enums.FPDF_ANNOT_APPEARANCEMODE_NORMAL})
	}
	c, err := d.inst.FPDFAnnot_GetColor(&requests.FPDFAnnot_GetColor{Annotation: h, ColorType: enums.FPDFANNOT_COLORTYPE_Color})
	if err != nil {
		return RGB{}, false
	}
	return RGB{clampByte(c.R), clampByte(c.G), clampByte(c.B)}, true
}

func clampByte(v uint) uint8 {
	if v > 255 {
		return 255
	}
	return uint8(v)
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e7 {
			return false
		}
	}
	return true
}

func finiteRect(x0, y0, x1, y1 float64) Rect {
	if !finite(x0, y0, x1, y1) {
		return Rect{}
	}
	return Rect{math.Min(x0, x1), math.Min(y0, y1), math.Max(x0, x1), math.Max(y0, y1)}
}

// ParseDate reads a PDF date string ("D:20240501123000+02'00'", with any
// tail left out); ok is false when s is not one.
func ParseDate(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "D:"))
	if len(s) < 4 {
		return time.Time{}, false
	}
	digits := 0
	for digits < len(s) && digits < 14 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits < 4 || digits%2 != 0 {
		return time.Time{}, false
	}
	// Fill the missing parts: month and day 01, time 00.
	full := s[:digits] + "0101000000"[digits-4:]
	t, err := time.Parse("20060102150405", full)
	if err != nil {
		return time.Time{}, false
	}
	zone := strings.ReplaceAll(s[digits:], "'", "")
	if len(zone) >= 3 && (zone[0] == '+' || zone[0] == '-') {
		h, err1 := strconv.Atoi(zone[1:3])
		m := 0
		var err2 error
		if len(zone) >= 5 {
			m, err2 = strconv.Atoi(zone[3:5])
		}
		if err1 == nil && err2 == nil && h < 24 && m < 60 {
			off := (h*60 + m) * 60
			if zone[0] == '-' {
				off = -off
			}
			t = t.Add(-time.Duration(off) * time.Second)
		}
	}
	return t.UTC(), true
}

// FormatDate writes t as a PDF date string in UTC.
func FormatDate(t time.Time) string {
	return "D:" + t.UTC().Format("20060102150405") + "Z"
}

// Highlight is a highlight annotation to write, or with Area set a Square
// annotation outlining a rectangle of the page (a coded figure or table).
type Highlight struct {
	Page  int // 0-based
	Quads []Quad
	// Area, when not empty, makes the annotation a Square over this
	// rectangle (PDF user space); Quads are then not used.
	Area  Rect
	Color RGB
	// Contents is the comment shown in the popup, Author the title (/T),
	// Name the unique name (/NM).
	Contents, Author, Name string
	Created, Modified      time.Time
	// Private are text-valued keys written into the annotation's
	// dictionary as they are (for Rapport's own reading back).
	Private map[string]string
}

// ErrNoQuads: a highlight to write has no quadrilateral.
var ErrNoQuads = errors.New("a highlight needs at least one quadrilateral")

// areaBorder is the width in points of the outline of an area's Square.
const areaBorder = 2

// IsArea tells whether the highlight is an area (a Square annotation).
func (h Highlight) IsArea() bool { return h.Area.X1 > h.Area.X0 && h.Area.Y1 > h.Area.Y0 }

// AddHighlights adds highlight annotations to the open document, each with
// an appearance stream (the highlight colour multiplied over the text, as
// PDFium draws highlights), printable. Save the document to keep them.
func (d *Document) AddHighlights(hs []Highlight) (err error) {
	byPage := map[int][]Highlight{}
	var order []int
	for _, h := range hs {
		if h.Page < 0 || h.Page >= d.pages {
			return fmt.Errorf("pdfium: highlight on page %d, out of range (1–%d)", h.Page+1, d.pages)
		}
		if len(h.Quads) == 0 && !h.IsArea() {
			return fmt.Errorf("pdfium: highlight on page %d: %w", h.Page+1, ErrNoQuads)
		}
		if byPage[h.Page] == nil {
			order = append(order, h.Page)
		}
		byPage[h.Page] = append(byPage[h.Page], h)
	}
	for _, p := range order {
		if err := d.addPageHighlights(p, byPage[p]); err != nil {
			return err
		}
	}
	return nil
}

func (d *Document) addPageHighlights(i int, hs []Highlight) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: write highlights on page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	inst := d.inst
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d.ref, Index: i})
	if err != nil {
		return classify(err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	pg := requests.Page{ByReference: &page.Page}
	for _, h := range hs {
		if err := d.addHighlight(pg, h); err != nil {
			return fmt.Errorf("pdfium: write a highlight on page %d: %w", i+1, err)
		}
	}
	// PDFium generates the appearance streams of annotations that have
	// none when it lays out a page's annotations for drawing: draw the
	// page once, tiny, so that every new highlight gets its stream.
	r, err := inst.RenderPageInPixels(&requests.RenderPageInPixels{Page: pg, Width: 8, Height: 8, RenderFlags: enums.FPDF_RENDER_FLAG_ANNOT})
	if err != nil {
		return fmt.Errorf("pdfium: appearance of the highlights on page %d: %w", i+1, classify(err))
	}
	r.Cleanup()
	return nil
}

func (d *Document) addHighlight(pg requests.Page, h Highlight) error {
	inst := d.inst
	subtype := enums.FPDF_ANNOT_SUBTYPE_HIGHLIGHT
	var bounds Rect
	if h.IsArea() {
		subtype, bounds = enums.FPDF_ANNOT_SUBTYPE_SQUARE, h.Area
	} else {
		// /Rect, which every annotation needs: the quadrilaterals' bounds
		// (PDFium sets only its appearance's bounding box from them).
		bounds = h.Quads[0].Bounds()
		for _, q := range h.Quads[1:] {
			b := q.Bounds()
			bounds = Rect{math.Min(bounds.X0, b.X0), math.Min(bounds.Y0, b.Y0), math.Max(bounds.X1, b.X1), math.Max(bounds.Y1, b.Y1)}
		}
	}
	if !finite(bounds.X0, bounds.Y0, bounds.X1, bounds.Y1) {
		return fmt.Errorf("a rectangle is not finite: %v", bounds)
	}
	a, err := inst.FPDFPage_CreateAnnot(&requests.FPDFPage_CreateAnnot{Page: pg, Subtype: subtype})
	if err != nil {
		return err
	}
	ref := a.Annotation
	defer inst.FPDFPage_CloseAnnot(&requests.FPDFPage_CloseAnnot{Annotation: ref})
	if _, err := inst.FPDFAnnot_SetRect(&requests.FPDFAnnot_SetRect{Annotation: ref, Rect: structs.FPDF_FS_RECTF{
		Left: float32(bounds.X0), Bottom: float32(bounds.Y0), Right: float32(bounds.X1), Top: float32(bounds.Y1)}}); err != nil {
		return err
	}
	if h.IsArea() {
		// The outline, drawn inside the rectangle (PDFium insets the
		// stroke by half its width).
		if _, err := inst.FPDFAnnot_SetBorder(&requests.FPDFAnnot_SetBorder{Annotation: ref, BorderWidth: areaBorder}); err != nil {
			return err
		}
	}
	quads := h.Quads
	if h.IsArea() {
		quads = nil // a Square has its rectangle only
	}
	for _, q := range quads {
		if !finite(q[:]...) {
			return fmt.Errorf("a quadrilateral is not finite: %v", q)
		}
		qp := structs.FPDF_FS_QUADPOINTSF{
			X1: float32(q[0]), Y1: float32(q[1]), X2: float32(q[2]), Y2: float32(q[3]),
			X3: float32(q[4]), Y3: float32(q[5]), X4: float32(q[6]), Y4: float32(q[7]),
		}
		if _, err := inst.FPDFAnnot_AppendAttachmentPoints(&requests.FPDFAnnot_AppendAttachmentPoints{Annotation: ref, AttachmentPoints: qp}); err != nil {
			return err
		}
	}
	if _, err := inst.FPDFAnnot_SetColor(&requests.FPDFAnnot_SetColor{Annotation: ref, ColorType: enums.FPDFANNOT_COLORTYPE_Color,
		R: uint(h.Color.R), G: uint(h.Color.G), B: uint(h.Color.B), A: 255}); err != nil {
		return err
	}
	if _, err := inst.FPDFAnnot_SetFlags(&requests.FPDFAnnot_SetFlags{Annotation: ref, Flags: enums.FPDF_ANNOT_FLAG_PRINT}); err != nil {
		return err
	}
	set := func(key, value string) error {
		if value == "" {
			return nil
		}
		_, err := inst.FPDFAnnot_SetStringValue(&requests.FPDFAnnot_SetStringValue{Annotation: ref, Key: key, Value: value})
		return err
	}
	values := [][2]string{{"Contents", h.Contents}, {"T", h.Author}, {"NM", h.Name}}
	if !h.Created.IsZero() {
		values = append(values, [2]string{"CreationDate", FormatDate(h.Created)})
	}
	if !h.Modified.IsZero() {
		values = append(values, [2]string{"M", FormatDate(h.Modified)})
	}
	for _, kv := range values {
		if err := set(kv[0], kv[1]); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(h.Private) {
		if err := set(k, h.Private[k]); err != nil {
			return err
		}
	}
	return nil
}

// DrawHighlights draws the highlights into the pages' content ("flattens"
// them): each quadrilateral filled with its colour, multiplied over the
// text as a highlighter does, for viewers and printers that leave
// annotations out. The pages' existing content is kept as it is.
func (d *Document) DrawHighlights(hs []Highlight) (err error) {
	byPage := map[int][]Highlight{}
	var order []int
	for _, h := range hs {
		if h.Page < 0 || h.Page >= d.pages {
			return fmt.Errorf("pdfium: highlight on page %d, out of range (1–%d)", h.Page+1, d.pages)
		}
		if byPage[h.Page] == nil {
			order = append(order, h.Page)
		}
		byPage[h.Page] = append(byPage[h.Page], h)
	}
	for _, p := range order {
		if err := d.drawPageHighlights(p, byPage[p]); err != nil {
			return err
		}
	}
	return nil
}

func (d *Document) drawPageHighlights(i int, hs []Highlight) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: draw highlights on page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	inst := d.inst
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d.ref, Index: i})
	if err != nil {
		return classify(err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	pg := requests.Page{ByReference: &page.Page}
	for _, h := range hs {
		if h.IsArea() {
			if err := d.drawArea(pg, h); err != nil {
				return fmt.Errorf("pdfium: draw an area on page %d: %w", i+1, err)
			}
			continue
		}
		for _, q := range h.Quads {
			if !finite(q[:]...) {
				return fmt.Errorf("pdfium: draw a highlight on page %d: a quadrilateral is not finite", i+1)
			}
			obj, err := inst.FPDFPageObj_CreateNewPath(&requests.FPDFPageObj_CreateNewPath{X: float32(q[0]), Y: float32(q[1])})
			if err != nil {
				return fmt.Errorf("pdfium: draw a highlight on page %d: %w", i+1, err)
			}
			po := obj.PageObject
			// Around the quadrilateral: top left, top right, bottom right,
			// bottom left.
			for _, p := range [][2]float64{{q[2], q[3]}, {q[6], q[7]}, {q[4], q[5]}} {
				if _, err := inst.FPDFPath_LineTo(&requests.FPDFPath_LineTo{PageObject: po, X: float32(p[0]), Y: float32(p[1])}); err != nil {
					return fmt.Errorf("pdfium: draw a highlight on page %d: %w", i+1, err)
				}
			}
			steps := []func() error{
				func() error {
					_, err := inst.FPDFPath_Close(&requests.FPDFPath_Close{PageObject: po})
					return err
				},
				func() error {
					_, err := inst.FPDFPageObj_SetFillColor(&requests.FPDFPageObj_SetFillColor{PageObject: po,
						FillColor: structs.FPDF_COLOR{R: uint(h.Color.R), G: uint(h.Color.G), B: uint(h.Color.B), A: 255}})
					return err
				},
				func() error {
					_, err := inst.FPDFPath_SetDrawMode(&requests.FPDFPath_SetDrawMode{PageObject: po, FillMode: enums.FPDF_FILLMODE_WINDING})
					return err
				},
				func() error {
					_, err := inst.FPDFPageObj_SetBlendMode(&requests.FPDFPageObj_SetBlendMode{PageObject: po, BlendMode: enums.PDF_BLEND_MODE_MULTIPLY})
					return err
				},
				func() error {
					_, err := inst.FPDFPage_InsertObject(&requests.FPDFPage_InsertObject{Page: pg, PageObject: po})
					return err
				},
			}
			for _, step := range steps {
				if err := step(); err != nil {
					return fmt.Errorf("pdfium: draw a highlight on page %d: %w", i+1, err)
				}
			}
		}
	}
	if _, err := inst.FPDFPage_GenerateContent(&requests.FPDFPage_GenerateContent{Page: pg}); err != nil {
		return fmt.Errorf("pdfium: draw the highlights on page %d: %w", i+1, err)
	}
	return nil
}

// drawArea draws an area's outline into the page content: a rectangle
// stroked in its colour, inside the area, as its Square annotation shows.
func (d *Document) drawArea(pg requests.Page, h Highlight) error {
	inst := d.inst
	r := h.Area
	if !finite(r.X0, r.Y0, r.X1, r.Y1) {
		return fmt.Errorf("the rectangle is not finite: %v", r)
	}
	inset := math.Min(areaBorder/2, math.Min(r.X1-r.X0, r.Y1-r.Y0)/4)
	obj, err := inst.FPDFPageObj_CreateNewRect(&requests.FPDFPageObj_CreateNewRect{X: float32(r.X0 + inset), Y: float32(r.Y0 + inset),
		W: float32(r.X1 - r.X0 - 2*inset), H: float32(r.Y1 - r.Y0 - 2*inset)})
	if err != nil {
		return err
	}
	po := obj.PageObject
	if _, err := inst.FPDFPageObj_SetStrokeColor(&requests.FPDFPageObj_SetStrokeColor{PageObject: po,
		StrokeColor: structs.FPDF_COLOR{R: uint(h.Color.R), G: uint(h.Color.G), B: uint(h.Color.B), A: 255}}); err != nil {
		return err
	}
	if _, err := inst.FPDFPageObj_SetStrokeWidth(&requests.FPDFPageObj_SetStrokeWidth{PageObject: po, StrokeWidth: areaBorder}); err != nil {
		return err
	}
	if _, err := inst.FPDFPath_SetDrawMode(&requests.FPDFPath_SetDrawMode{PageObject: po, FillMode: enums.FPDF_FILLMODE_NONE, Stroke: true}); err != nil {
		return err
	}
	_, err = inst.FPDFPage_InsertObject(&requests.FPDFPage_InsertObject{Page: pg, PageObject: po})
	return err
}

// Save writes the whole document (not as an incremental update), with
// what was added to it, as a new file to w.
func (d *Document) Save(w io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: save: %v", ErrUnreadable, r)
		}
	}()
	if _, err := d.inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: d.ref, Flags: requests.SaveFlagNoIncremental, FileWriter: w}); err != nil {
		return fmt.Errorf("pdfium: save: %w", err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
