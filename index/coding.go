package index

import "time"

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

// Annotation marks a span of one page's text. Start and End count Unicode
// code points into the page's NFC text, End exclusive — the one offset rule
// of storage, command line and exports alike.
type Annotation struct {
	ID       int64    `json:"id"`
	GUID     string   `json:"guid"`
	DocID    int64    `json:"doc_id"`
	DocTitle string   `json:"title,omitempty"`
	Page     int      `json:"page"`
	Start    int      `json:"start"`
	End      int      `json:"end"`
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
