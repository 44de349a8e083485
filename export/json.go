package export

import (
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// JSONSchemaVersion is the version of the JSON export's schema. It grows
// only when a field changes meaning or disappears; new fields may be added
// without a new version.
const JSONSchemaVersion = 1

// The JSON export (format "rapport-excerpts", schema version 1) is one
// object:
//
//	{
//	  "format": "rapport-excerpts",
//	  "version": 1,
//	  "library": "name of the library",
//	  "exported": "2026-01-02T03:04:05Z",
//	  "themes": [ {                       // codebook order, depth first
//	      "guid", "name", "description", "color" ("#RRGGBB"),
//	      "parent" (guid, "" at the top), "depth" (0 at the top),
//	      "path" (names from the top), "source", "provisional", "memo" } ],
//	  "documents": [ {                    // by id
//	      "id", "title", "authors" ([{family, given} | {literal}]),
//	      "year" (0 when unknown), "journal", "volume", "issue", "pages",
//	      "doi", "url", "page_count", "first_printed_page" (0 when unset),
//	      "reference" (APA 7, plain text) } ],
//	  "excerpts": [ {                     // by document, page, offset
//	      "id", "guid", "document" (a document id), "page" (PDF page, 1-based),
//	      "end_page", "printed_page" ("280" or "280–281"),
//	      "start", "end" (Unicode code points into the page's text, end exclusive),
//	      "quote", "prefix", "suffix", "themes" (names, codebook order),
//	      "note", "author", "created", "updated" (RFC 3339, UTC),
//	      "citation" (APA 7 in-text, with the page),
//	      "source_note" ("(text recognised from a scan)" for a quote from
//	      a page read by OCR, else ""),
//	      "kind" ("text", or "area": a rectangle of the page, start and end 0,
//	      quote the text inside it), "rect" (an area's [x1, y1, x2, y2] in PDF
//	      points, origin bottom-left; [] for text) } ]
//	}
//
// Every key is always present; strings are "" and lists [] when empty.
type jsonExport struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	Library   string         `json:"library"`
	Exported  string         `json:"exported"`
	Themes    []jsonTheme    `json:"themes"`
	Documents []jsonDocument `json:"documents"`
	Excerpts  []jsonExcerpt  `json:"excerpts"`
}

type jsonTheme struct {
	GUID        string   `json:"guid"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Color       string   `json:"color"`
	Parent      string   `json:"parent"`
	Depth       int      `json:"depth"`
	Path        []string `json:"path"`
	Source      string   `json:"source"`
	Provisional bool     `json:"provisional"`
	Memo        string   `json:"memo"`
}

type jsonAuthor struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

type jsonDocument struct {
	ID               int64        `json:"id"`
	Title            string       `json:"title"`
	Authors          []jsonAuthor `json:"authors"`
	Year             int          `json:"year"`
	Journal          string       `json:"journal"`
	Volume           string       `json:"volume"`
	Issue            string       `json:"issue"`
	Pages            string       `json:"pages"`
	DOI              string       `json:"doi"`
	URL              string       `json:"url"`
	PageCount        int          `json:"page_count"`
	FirstPrintedPage int          `json:"first_printed_page"`
	Reference        string       `json:"reference"`
	// Attributes are the document's variables, cases and sets (from a
	// REFI-QDA project), when it has any.
	Attributes []index.Attribute `json:"attributes,omitempty"`
}

type jsonExcerpt struct {
	ID          int64     `json:"id"`
	GUID        string    `json:"guid"`
	Document    int64     `json:"document"`
	Page        int       `json:"page"`
	EndPage     int       `json:"end_page"`
	PrintedPage string    `json:"printed_page"`
	Start       int       `json:"start"`
	End         int       `json:"end"`
	Quote       string    `json:"quote"`
	Prefix      string    `json:"prefix"`
	Suffix      string    `json:"suffix"`
	Themes      []string  `json:"themes"`
	Note        string    `json:"note"`
	Author      string    `json:"author"`
	Created     string    `json:"created"`
	Updated     string    `json:"updated"`
	Citation    string    `json:"citation"`
	SourceNote  string    `json:"source_note"`
	Kind        string    `json:"kind"`
	Rect        []float64 `json:"rect"`
}

// WriteJSON writes the export as JSON (see the schema above).
func WriteJSON(w io.Writer, d *Data) error {
	out := jsonExport{Format: "rapport-excerpts", Version: JSONSchemaVersion, Library: d.Library, Exported: formatTime(d.Exported),
		Themes: []jsonTheme{}, Documents: []jsonDocument{}, Excerpts: []jsonExcerpt{}}
	guidOf := map[int64]string{}
	var path []string
	for _, t := range d.Themes {
		guidOf[t.ID] = t.GUID
		path = append(path[:min(t.Depth, len(path))], t.Name)
		out.Themes = append(out.Themes, jsonTheme{GUID: t.GUID, Name: t.Name, Description: t.Description, Color: t.Color,
			Parent: guidOf[t.ParentID], Depth: t.Depth, Path: append([]string(nil), path...), Source: t.Source,
			Provisional: t.Provisional, Memo: t.Memo})
	}
	for _, doc := range d.Documents {
		out.Documents = append(out.Documents, jsonDocument{ID: doc.ID, Title: doc.Title, Authors: jsonAuthors(doc.Authors),
			Year: doc.Year, Journal: doc.Journal, Volume: doc.Volume, Issue: doc.Issue, Pages: doc.Metadata.Pages, DOI: doc.DOI,
			URL: doc.URL, PageCount: doc.PageCount, FirstPrintedPage: doc.FirstPrintedPage, Reference: doc.Reference.Plain(),
			Attributes: doc.Attributes})
	}
	for _, e := range d.Excerpts {
		out.Excerpts = append(out.Excerpts, jsonExcerpt{ID: e.ID, GUID: e.GUID, Document: e.DocID, Page: e.Page, EndPage: e.Page,
			PrintedPage: e.Pages(), Start: e.Start, End: e.End, Quote: e.Quote, Prefix: e.Prefix, Suffix: e.Suffix,
			Themes: d.orderedThemes(e), Note: e.Note, Author: e.Author, Created: formatTime(e.CreatedAt),
			Updated: formatTime(e.UpdatedAt), Citation: e.Citation, SourceNote: e.SourceNote, Kind: index.KindText, Rect: []float64{}})
		if x := &out.Excerpts[len(out.Excerpts)-1]; e.IsArea() && e.Rect != nil {
			x.Kind, x.Rect = index.KindArea, []float64{e.Rect.X1, e.Rect.Y1, e.Rect.X2, e.Rect.Y2}
		}
	}
	return encodeJSON(w, out)
}

func jsonAuthors(list []importer.Author) []jsonAuthor {
	out := []jsonAuthor{}
	for _, a := range list {
		out = append(out, jsonAuthor(a))
	}
	return out
}

// orderedThemes returns the excerpt's exported themes in codebook order,
// then any it carries that the export does not hold.
func (d *Data) orderedThemes(e Excerpt) []string {
	if d.themeOrder == nil {
		d.themeOrder = map[string]int{}
		for i, t := range d.Themes {
			d.themeOrder[strings.ToLower(t.Name)] = i
		}
	}
	type ranked struct {
		name string
		rank int
	}
	list := make([]ranked, 0, len(e.Themes))
	seen := map[string]bool{}
	for i, name := range e.Themes {
		key := strings.ToLower(name)
		if seen[key] {
			continue
		}
		seen[key] = true
		if r, ok := d.themeOrder[key]; ok {
			list = append(list, ranked{d.Themes[r].Name, r})
		} else {
			list = append(list, ranked{name, len(d.Themes) + i})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].rank < list[j].rank })
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = r.name
	}
	return out
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
