package export

import (
	"github.com/rapport-qda/rapport/index"
)

// PageNumbering is what PrintedPage needs to know about a document (see
// index.PageNumbering: the user's first printed page, the metadata's page
// range, the page count, how many pages print their number).
type PageNumbering = index.PageNumbering

// PageRange parses a metadata page range ("275–293", "275-93", "1234")
// into its first and last page; ok is false when it is not one.
func PageRange(pages string) (first, last int, ok bool) { return index.PageRange(pages) }

// PrintedPage returns the page number printed on a PDF page (1-based
// index pdfPage, with the label the PDF's /PageLabels give it, if any) of
// a document whose pages print no number that could be read; see
// index.PageNumbering.PrintedPage for the rules, and printedPage for a
// page that prints its number.
func PrintedPage(n PageNumbering, pdfPage int, label string) string {
	p, _ := n.PrintedPage(pdfPage, label, "")
	return p
}

// printedPage is the number an export cites for an annotation's page: the
// one the reader and search show.
func printedPage(doc index.Document, p *index.Page, pdfPage int) string {
	label, printed := "", ""
	if p != nil {
		label, printed = p.Label, p.Printed
	}
	page, _ := doc.Numbering().PrintedPage(pdfPage, label, printed)
	return page
}
