package export

import (
	"regexp"
	"strconv"
	"strings"
)

// PageNumbering is what PrintedPage needs to know about a document.
type PageNumbering struct {
	// FirstPrintedPage is the user's statement of the number printed on
	// the PDF's first page; 0 when not set. It wins over everything else.
	FirstPrintedPage int
	// Pages is the metadata's page range, such as "275–293".
	Pages string
	// PageCount is how many pages the PDF has.
	PageCount int
}

var (
	arabicLabel = regexp.MustCompile(`^\d{1,6}$`)
	romanLabel  = regexp.MustCompile(`^(?i)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$`)
	rangeParts  = regexp.MustCompile(`^\s*(\d+)\s*(?:-|–|—|‐|‑|−|--)\s*(\d+)\s*$`)
)

// numericLabel tells a page label that is a page number (arabic or roman)
// from one that is not ("Cover", "A-3").
func numericLabel(label string) bool {
	label = strings.TrimSpace(label)
	return label != "" && (arabicLabel.MatchString(label) || romanLabel.MatchString(label))
}

// PageRange parses a metadata page range ("275–293", "275-93", "1234")
// into its first and last page; ok is false when it is not one.
func PageRange(pages string) (first, last int, ok bool) {
	pages = strings.TrimSpace(pages)
	if m := rangeParts.FindStringSubmatch(pages); m != nil {
		first, _ = strconv.Atoi(m[1])
		last, _ = strconv.Atoi(m[2])
		if last < first && len(m[2]) < len(m[1]) {
			// "275-93": the last page abbreviated.
			prefix := m[1][:len(m[1])-len(m[2])]
			last, _ = strconv.Atoi(prefix + m[2])
		}
		return first, last, first > 0 && last >= first
	}
	if arabicLabel.MatchString(pages) {
		first, _ = strconv.Atoi(pages)
		return first, first, first > 0
	}
	return 0, 0, false
}

// PrintedPage returns the page number printed on a PDF page (1-based
// index pdfPage, with the label the PDF's /PageLabels give it, if any):
//
//  1. the user's first printed page, when set: first + pdfPage − 1;
//  2. the page label, when it looks like a page number;
//  3. when the metadata's page range spans exactly the PDF's page count,
//     the range's first page + pdfPage − 1;
//  4. else the PDF page number itself.
func PrintedPage(n PageNumbering, pdfPage int, label string) string {
	if n.FirstPrintedPage > 0 {
		return strconv.Itoa(n.FirstPrintedPage + pdfPage - 1)
	}
	if numericLabel(label) {
		return strings.TrimSpace(label)
	}
	if first, last, ok := PageRange(n.Pages); ok && n.PageCount > 0 && last-first+1 == n.PageCount {
		return strconv.Itoa(first + pdfPage - 1)
	}
	return strconv.Itoa(pdfPage)
}
