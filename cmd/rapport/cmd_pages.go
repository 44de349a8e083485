package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/index"
)

// shownDocument is the JSON of `rapport show`: the document's record (with
// "pages", the printed range, "page_count", "first_printed_page" and
// "field_sources", where each field came from) and "page_numbers", where
// its page numbers come from and what disagrees.
type shownDocument struct {
	index.Document
	PageNumbers index.PageNumbersReport `json:"page_numbers"`
}

// pageSourceNames say in words where page numbers come from.
var pageSourceNames = map[string]string{
	index.PagesFromUser:   "first_printed_page, set by hand",
	index.PagesFromPrint:  "printed on the pages",
	index.PagesFromLabels: "the PDF's page labels",
	index.PagesFromRecord: "the metadata's page range",
	index.PagesFromPDF:    "the PDF's page numbers (none printed was found)",
}

// printProvenance prints where a document's metadata fields and page
// numbers come from, and what disagrees.
func printProvenance(w io.Writer, d index.Document, n index.PageNumbersReport) {
	if d.FirstPrintedPage > 0 {
		fmt.Fprintf(w, "%-16s %d (set by hand: PDF page 1 is cited as page %d)\n", "first printed:", d.FirstPrintedPage, d.FirstPrintedPage)
	}
	if len(d.FieldSources) > 0 {
		var fields []string
		for f := range d.FieldSources {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		var parts []string
		for _, f := range fields {
			parts = append(parts, f+" "+d.FieldSources[f])
		}
		fmt.Fprintf(w, "%-16s %s\n", "sources:", strings.Join(parts, ", "))
	}
	if d.PageCount == 0 {
		return
	}
	numbers := pageSourceNames[n.Source]
	if n.First != "" {
		numbers += ", " + n.First
		if n.Last != n.First {
			numbers += "–" + n.Last
		}
	}
	fmt.Fprintf(w, "%-16s %s\n", "page numbers:", numbers)
	if len(n.Unnumbered) > 0 {
		fmt.Fprintf(w, "%-16s PDF page%s %s print%s no number (cited by PDF page)\n", "", pluralS(len(n.Unnumbered)), pageList(n.Unnumbered), verbS(len(n.Unnumbered)))
	}
	for _, dis := range n.Disagreements {
		fmt.Fprintf(w, "%-16s %s\n", "disagreement:", dis)
	}
}

// pluralS is the "s" of a plural noun.
func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// pageList writes page numbers as runs: "10–13", "2, 5–7".
func pageList(pages []int) string {
	var parts []string
	for i := 0; i < len(pages); {
		j := i
		for j+1 < len(pages) && pages[j+1] == pages[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(pages[i])+"–"+strconv.Itoa(pages[j]))
		} else {
			parts = append(parts, strconv.Itoa(pages[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
