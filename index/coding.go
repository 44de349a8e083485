package index

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Theme is one code of the codebook.
type Theme struct {
	ID          int64  `json:"id"`
	GUID        string `json:"guid"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Color       string `json:"color"` // #RRGGBB
	ParentID    int64  `json:"parent_id,omitempty"`
	Parent      string `json:"parent"`           // the parent's name, "" at the top level
	Source      string `json:"source,omitempty"` // a source key of the codebook, e.g. LDT2015
	// SourceCitation is the source's APA citation (with its DOI) when the
	// built-in codebook gave one.
	SourceCitation string `json:"source_citation,omitempty"`
	Provisional    bool   `json:"provisional"`
	Memo           string `json:"memo,omitempty"`
	Position       int    `json:"position"`
	Depth          int    `json:"depth"` // 0 at the top level, as Themes lists the tree
	Count          int    `json:"count"` // annotations coded with the theme
	// TotalCount counts the annotations coded with the theme or any theme
	// below it, each once.
	TotalCount int       `json:"total_count"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Annotation marks a span of one page's text, or an area of one page.
// Start and End count Unicode code points into the page's NFC text, End
// exclusive — the one offset rule of storage, command line and exports
// alike. An area annotation (Kind KindArea) codes a rectangle of the page
// instead (a figure, a table): Rect holds it, Start and End are 0 and
// Quote is the text found inside it when it was drawn ("" over a picture).
type Annotation struct {
	ID       int64    `json:"id"`
	GUID     string   `json:"guid"`
	DocID    int64    `json:"doc_id"`
	DocTitle string   `json:"title,omitempty"`
	Page     int      `json:"page"`
	Kind     string   `json:"kind"` // KindText or KindArea
	Start    int      `json:"start"`
	End      int      `json:"end"`
	Rect     *Rect    `json:"rect,omitempty"` // areas only
	Quote    string   `json:"quote"`
	Prefix   string   `json:"prefix"`
	Suffix   string   `json:"suffix"`
	Themes   []string `json:"themes"`
	Note     string   `json:"note"`
	Author   string   `json:"author"`
	// Coder is Author under the name the coding commands use: the coder
	// who made the annotation.
	Coder     string    `json:"coder"`
	Orphaned  bool      `json:"orphaned"`
	CreatedAt time.Time `json:"created"`
	UpdatedAt time.Time `json:"updated"`

	// PrintedPage is the page number printed on the page, as the reader
	// and exports show and cite it; Page stays the PDF page.
	PrintedPage string `json:"printed_page"`
	// Source says where an annotation came from when Rapport did not make
	// it: SourcePDFHighlight for a highlight imported from its PDF.
	Source string `json:"source,omitempty"`
	// Color is an imported highlight's colour, #RRGGBB.
	Color string `json:"color,omitempty"`
}

// SourcePDFHighlight marks annotations and notes imported from the marks
// in a PDF file (highlights, underlines, comments, ink).
const SourcePDFHighlight = "pdf-highlight"

// The kinds of annotation.
const (
	KindText = "text" // a span of a page's text
	KindArea = "area" // a rectangle of a page
)

// IsArea tells an area annotation.
func (a Annotation) IsArea() bool { return a.Kind == KindArea }

// Rect is a rectangle of a page in PDF user space: points (1/72 inch),
// the origin at the bottom left as in the PDF, X1 < X2 and Y1 < Y2. In
// JSON it is [x1, y1, x2, y2].
type Rect struct{ X1, Y1, X2, Y2 float64 }

// Normalized returns the rectangle with its corners ordered.
func (r Rect) Normalized() Rect {
	return Rect{math.Min(r.X1, r.X2), math.Min(r.Y1, r.Y2), math.Max(r.X1, r.X2), math.Max(r.Y1, r.Y2)}
}

// Width and Height are the rectangle's size in points.
func (r Rect) Width() float64  { return r.X2 - r.X1 }
func (r Rect) Height() float64 { return r.Y2 - r.Y1 }

// Contains tells whether the point lies inside the rectangle.
func (r Rect) Contains(x, y float64) bool { return x >= r.X1 && x <= r.X2 && y >= r.Y1 && y <= r.Y2 }

// Overlaps tells whether two rectangles share an area.
func (r Rect) Overlaps(o Rect) bool { return r.X1 < o.X2 && o.X1 < r.X2 && r.Y1 < o.Y2 && o.Y1 < r.Y2 }

// MarshalJSON writes [x1, y1, x2, y2].
func (r Rect) MarshalJSON() ([]byte, error) { return json.Marshal([4]float64{r.X1, r.Y1, r.X2, r.Y2}) }

// UnmarshalJSON reads [x1, y1, x2, y2].
func (r *Rect) UnmarshalJSON(b []byte) error {
	var v [4]float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("a rectangle is [x1, y1, x2, y2]: %w", err)
	}
	*r = Rect{v[0], v[1], v[2], v[3]}
	return nil
}

// ParseRect reads "X1,Y1,X2,Y2" (points; spaces allowed, corners in any
// order) as the command line gives it.
func ParseRect(s string) (Rect, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	if len(parts) != 4 {
		return Rect{}, fmt.Errorf("rectangle %q: give four numbers X1,Y1,X2,Y2 (PDF points, origin bottom-left): %w", s, ErrInvalidInput)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Rect{}, fmt.Errorf("rectangle %q: %q is not a number: %w", s, p, ErrInvalidInput)
		}
		v[i] = f
	}
	return Rect{v[0], v[1], v[2], v[3]}.Normalized(), nil
}

// String writes the rectangle as ParseRect reads it.
func (r Rect) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return f(r.X1) + "," + f(r.Y1) + "," + f(r.X2) + "," + f(r.Y2)
}
