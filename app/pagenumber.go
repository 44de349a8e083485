package app

import (
	"fmt"

	"github.com/rapport-qda/rapport/index"
)

// readerPageInfo is the reader's page label: the number printed on the page,
// as exports cite it, with the PDF page and count beside it ("p. 306 (PDF
// 2 of 13)"), or "Page 2 of 13" when the two agree.
func readerPageInfo(doc index.Document, page index.Page) string {
	count := max(doc.PageCount, 1)
	printed, _ := doc.Numbering().PrintedPage(page.Number, page.Label, page.Printed)
	if printed == fmt.Sprint(page.Number) {
		return fmt.Sprintf("Page %d of %d", page.Number, count)
	}
	return fmt.Sprintf("p. %s (PDF %d of %d)", printed, page.Number, count)
}
