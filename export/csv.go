package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/index"
)

// CSVHeader names the CSV columns.
// "page" is the printed page cited, "pdf_page" the PDF's page;
// source_note (added with OCR) says "(text recognised from a scan)" for
// quotes from pages read by OCR; "kind" (added with area annotations) is
// "text" or "area", "rect" an area's X1,Y1,X2,Y2 in PDF points.
var CSVHeader = []string{"theme", "quote", "note", "title", "authors", "year", "journal", "doi", "page", "citation", "annotation_id", "created", "pdf_page", "source_note", "kind", "rect"}

// WriteCSV writes one row per excerpt and theme (RFC 4180, UTF-8, CRLF
// line ends), themes in codebook order; an excerpt without a theme has one
// row with an empty theme. bom starts the file with a UTF-8 byte-order
// mark, which Excel needs to read UTF-8.
func WriteCSV(w io.Writer, d *Data, bom bool) error {
	if bom {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	row := func(theme string, e Excerpt) error {
		doc := d.document(e.DocID)
		var title, authors, year, journal, doi string
		if doc != nil {
			title = oneLine(doc.Title)
			authors = strings.Join(authorNames(doc.Authors), "; ")
			if y := Year(doc.Metadata); y != "n.d." {
				year = y
			}
			journal, doi = oneLine(doc.Journal), doc.DOI
		}
		kind, rect := index.KindText, ""
		if e.IsArea() && e.Rect != nil {
			kind, rect = index.KindArea, e.Rect.String()
		}
		return cw.Write([]string{theme, e.Quote, e.Note, title, authors, year, journal, doi, e.Pages(), e.Citation,
			strconv.FormatInt(e.ID, 10), formatTime(e.CreatedAt), strconv.Itoa(e.Page), e.SourceNote, kind, rect})
	}
	for _, t := range d.Themes {
		if !d.Selected[t.GUID] {
			continue
		}
		for _, e := range d.excerptsFor(t) {
			if err := row(t.Name, e); err != nil {
				return err
			}
		}
	}
	for _, e := range d.uncoded() {
		if err := row("", e); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formatTime writes a time as RFC 3339 in UTC, to the second; "" when zero.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
