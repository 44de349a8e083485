package importer

// Author is one author of a work, in the order given by the source.
// Either Family (with optional Given) or Literal (an institution, or a name
// that could not be split) is set.
type Author struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// Name returns the author's display name, "Given Family" or the literal.
func (a Author) Name() string {
	switch {
	case a.Literal != "":
		return a.Literal
	case a.Given == "":
		return a.Family
	case a.Family == "":
		return a.Given
	}
	return a.Given + " " + a.Family
}

// Metadata is one bibliographic record as read from a metadata file or
// guessed from a document. Zero values mean "not given".
type Metadata struct {
	Title         string   `json:"title,omitempty"`
	AltTitles     []string `json:"alt_titles,omitempty"`
	Authors       []Author `json:"authors,omitempty"`
	Year          int      `json:"year,omitempty"`
	Date          string   `json:"date,omitempty"` // ISO 8601, as precise as known: 2016, 2016-10, 2016-10-01
	Journal       string   `json:"journal,omitempty"`
	Volume        string   `json:"volume,omitempty"`
	Issue         string   `json:"issue,omitempty"`
	Pages         string   `json:"pages,omitempty"` // "275–293" (en dash) or a single page
	DOI           string   `json:"doi,omitempty"`   // lower-case, no resolver prefix
	URL           string   `json:"url,omitempty"`
	Abstract      string   `json:"abstract,omitempty"`
	Language      string   `json:"language,omitempty"`
	CitationCount int      `json:"citation_count,omitempty"`
	Type          string   `json:"type,omitempty"` // CSL type: article-journal, book, chapter, ...
	// Publisher, Editors, Edition and Number complete the references of
	// books, chapters and reports: the publisher (or the institution of a
	// report or thesis), the editors of the book a chapter is in (whose
	// title is Journal, the container), the edition ("2") and the report
	// or article number.
	Publisher string   `json:"publisher,omitempty"`
	Editors   []Author `json:"editors,omitempty"`
	Edition   string   `json:"edition,omitempty"`
	Number    string   `json:"number,omitempty"`
}
