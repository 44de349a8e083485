package index

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/lazyre"
)

// The page number a user reads and cites is the one printed on the page.
// The extractor reads it from each page's running header or footer and the
// first page's citation line (importer.PrintedPages), stored in
// pages.printed; documents.printed_pages counts the pages that have one.
// PageNumbering.PrintedPage decides, for one page, between that print, the
// user's first_printed_page, the PDF's /PageLabels and a metadata record's
// page range. The reader, search results, annotation lists and every
// export call it, so that they all show the same number.

// Sources of a page's printed number.
const (
	PagesFromUser   = "user"   // first_printed_page, set by hand
	PagesFromPrint  = "print"  // printed on the pages themselves
	PagesFromLabels = "labels" // the PDF's /PageLabels
	PagesFromRecord = "record" // a metadata record's page range spanning the PDF
	PagesFromPDF    = "pdf"    // none of these: the PDF's own page number
)

// PageNumbering is what the printed page numbers of a document depend on.
type PageNumbering struct {
	// FirstPrintedPage is the user's statement of the number printed on
	// the PDF's first page; 0 when not set. It wins over everything else.
	FirstPrintedPage int
	// Pages is the metadata's page range, such as "275–293".
	Pages string
	// PageCount is how many pages the PDF has.
	PageCount int
	// PrintedPages is how many pages print their number; 0 when none was
	// read from the pages (then labels or the range decide).
	PrintedPages int
}

// Numbering returns what the printed page numbers of d depend on.
func (d Document) Numbering() PageNumbering {
	return PageNumbering{FirstPrintedPage: d.FirstPrintedPage, Pages: d.Pages, PageCount: d.PageCount, PrintedPages: d.PrintedPageCount}
}

var (
	arabicLabel = lazyre.New(`^\d{1,6}$`)
	romanLabel  = lazyre.New(`^(?i)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$`)
	rangeParts  = lazyre.New(`^\s*(\d+)\s*(?:-|–|—|‐|‑|−|--)\s*(\d+)\s*$`)
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

// PrintedPage returns the page number to show and cite for PDF page
// pdfPage (1-based), given its /PageLabels label and the number printed on
// it ("" when none), and where that number comes from:
//
//  1. the user's first printed page, when set: first + pdfPage − 1;
//  2. the number printed on the page;
//  3. in a document whose pages print their numbers, a page that prints
//     none (a cover, a supplement) is cited by its PDF page number;
//  4. the page label, when it looks like a page number;
//  5. when the metadata's page range spans exactly the PDF's page count,
//     the range's first page + pdfPage − 1;
//  6. else the PDF page number itself.
func (n PageNumbering) PrintedPage(pdfPage int, label, printed string) (page, source string) {
	switch {
	case n.FirstPrintedPage > 0:
		return strconv.Itoa(n.FirstPrintedPage + pdfPage - 1), PagesFromUser
	case printed != "":
		return printed, PagesFromPrint
	case n.PrintedPages > 0:
		return strconv.Itoa(pdfPage), PagesFromPDF
	case numericLabel(label):
		return strings.TrimSpace(label), PagesFromLabels
	}
	if first, last, ok := PageRange(n.Pages); ok && n.PageCount > 0 && last-first+1 == n.PageCount {
		return strconv.Itoa(first + pdfPage - 1), PagesFromRecord
	}
	return strconv.Itoa(pdfPage), PagesFromPDF
}

// PageLabel is how the reader, search results and annotation lists name a
// page: "p. 306 (PDF p. 2)" when the printed number differs from the PDF
// page, else "p. 2".
func PageLabel(printed string, pdfPage int) string {
	if printed == "" || printed == strconv.Itoa(pdfPage) {
		return fmt.Sprintf("p. %d", pdfPage)
	}
	return fmt.Sprintf("p. %s (PDF p. %d)", printed, pdfPage)
}

// PageNumbersReport says where a document's page numbers come from: the
// source most of its pages take their number from, the printed numbers
// (first and last, the PDF pages that print none) and where /PageLabels, a
// metadata record's range or the user's first_printed_page disagree with
// the print.
type PageNumbersReport struct {
	Source           string   `json:"source"` // PagesFrom...
	First            string   `json:"first,omitempty"`
	Last             string   `json:"last,omitempty"`
	Unnumbered       []int    `json:"unnumbered,omitempty"` // PDF pages that print no number, cited by their PDF page
	FirstPrintedPage int      `json:"first_printed_page,omitempty"`
	Disagreements    []string `json:"disagreements,omitempty"`
}

// PageNumbers reports where document id's page numbers come from and
// whether its sources disagree.
func (l *Library) PageNumbers(ctx context.Context, id int64) (PageNumbersReport, error) {
	d, err := l.Document(ctx, id)
	if err != nil {
		return PageNumbersReport{}, err
	}
	rows, err := l.db.QueryContext(ctx, "SELECT page, label, printed FROM pages WHERE doc_id = ? ORDER BY page", id)
	if err != nil {
		return PageNumbersReport{}, fmt.Errorf("page numbers of document %d: %w", id, err)
	}
	defer rows.Close()
	var pages []pageNumberInput
	for rows.Next() {
		var p pageNumberInput
		if err := rows.Scan(&p.number, &p.label, &p.printed); err != nil {
			return PageNumbersReport{}, fmt.Errorf("page numbers of document %d: %w", id, err)
		}
		pages = append(pages, p)
	}
	if err := rows.Err(); err != nil {
		return PageNumbersReport{}, fmt.Errorf("page numbers of document %d: %w", id, err)
	}
	return pageNumbersReport(d.Numbering(), pages), nil
}

// pageNumberInput is one page's PDF number, label and printed number.
type pageNumberInput struct {
	number         int
	label, printed string
}

// pageNumbersReport builds the report from each page's number, label and
// print.
func pageNumbersReport(n PageNumbering, pages []pageNumberInput) PageNumbersReport {
	r := PageNumbersReport{FirstPrintedPage: n.FirstPrintedPage}
	counts := map[string]int{}
	labelDiffer := 0
	var labelExample string
	var printFirst, printLast pageNumberInput
	userDiffer := 0
	for _, p := range pages {
		page, source := n.PrintedPage(p.number, p.label, p.printed)
		counts[source]++
		if r.First == "" {
			r.First = page
		}
		r.Last = page
		if n.PrintedPages > 0 && p.printed == "" {
			r.Unnumbered = append(r.Unnumbered, p.number)
		}
		if p.printed == "" {
			continue
		}
		if printFirst.printed == "" {
			printFirst = p
		}
		printLast = p
		if numericLabel(p.label) && strings.TrimSpace(p.label) != p.printed {
			if labelDiffer == 0 {
				labelExample = fmt.Sprintf("PDF page %d: label %q, printed %s", p.number, p.label, p.printed)
			}
			labelDiffer++
		}
		if n.FirstPrintedPage > 0 && page != p.printed {
			userDiffer++
		}
	}
	r.Source = PagesFromPDF
	for _, s := range []string{PagesFromUser, PagesFromPrint, PagesFromLabels, PagesFromRecord} {
		if counts[s] > counts[r.Source] {
			r.Source = s
		}
	}
	if r.Source == PagesFromPrint {
		// The range the pages print, without the unnumbered pages after it.
		r.First, r.Last = printFirst.printed, printLast.printed
	}
	if labelDiffer > 0 {
		r.Disagreements = append(r.Disagreements, fmt.Sprintf(
			"the PDF's page labels differ from the numbers printed on %d page(s) (%s); the printed numbers are used", labelDiffer, labelExample))
	}
	if first, last, ok := PageRange(n.Pages); ok && printFirst.printed != "" {
		pf, _ := strconv.Atoi(printFirst.printed)
		pl, _ := strconv.Atoi(printLast.printed)
		if pf != first || pl != last {
			r.Disagreements = append(r.Disagreements, fmt.Sprintf(
				"the metadata's page range %s differs from the numbers printed on the pages (%s on PDF page %d to %s on PDF page %d); the printed numbers are used",
				n.Pages, printFirst.printed, printFirst.number, printLast.printed, printLast.number))
		}
	}
	if userDiffer > 0 {
		r.Disagreements = append(r.Disagreements, fmt.Sprintf(
			"first_printed_page %d (set by hand) differs from the numbers printed on %d page(s); the value set by hand is used",
			n.FirstPrintedPage, userDiffer))
	}
	return r
}

// countPrintedPages is how many pages print their number.
func countPrintedPages(pages []importer.PageText) int {
	n := 0
	for _, p := range pages {
		if p.Printed != "" {
			n++
		}
	}
	return n
}

// migratePrintedPages reads the printed page numbers of the documents a
// library held before schema 4 from their stored running headers and
// first pages' text.
func migratePrintedPages(ctx context.Context, tx *sql.Tx) error {
	ids, err := queryTxIDs(ctx, tx, "SELECT DISTINCT doc_id FROM pages")
	if err != nil {
		return err
	}
	upd, err := tx.PrepareContext(ctx, "UPDATE pages SET printed = ? WHERE doc_id = ? AND page = ?")
	if err != nil {
		return err
	}
	defer upd.Close()
	for _, id := range ids {
		rows, err := tx.QueryContext(ctx, "SELECT page, header, CASE WHEN page <= 2 THEN text_z END FROM pages WHERE doc_id = ? ORDER BY page", id)
		if err != nil {
			return err
		}
		var pages []importer.PageText
		for rows.Next() {
			var p importer.PageText
			var text storedText
			if err := rows.Scan(&p.Number, &p.Header, &text); err != nil {
				rows.Close()
				return fmt.Errorf("document %d: %w", id, err)
			}
			p.Text = text.String
			pages = append(pages, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("document %d: %w", id, err)
		}
		printed := importer.PrintedPages(pages)
		for i, p := range pages {
			pages[i].Printed = printed[i]
			if printed[i] != "" {
				if _, err := upd.ExecContext(ctx, printed[i], id, p.Number); err != nil {
					return fmt.Errorf("document %d page %d: %w", id, p.Number, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE documents SET printed_pages = ? WHERE id = ?", countPrintedPages(pages), id); err != nil {
			return fmt.Errorf("document %d: %w", id, err)
		}
	}
	return nil
}

func queryTxIDs(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
