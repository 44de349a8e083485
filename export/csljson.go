package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// cslItem is one CSL-JSON record, as Zotero, Mendeley and pandoc read them.
type cslItem struct {
	ID             string       `json:"id"`
	Type           string       `json:"type"`
	Title          string       `json:"title,omitempty"`
	Author         []jsonAuthor `json:"author,omitempty"`
	Issued         *cslDate     `json:"issued,omitempty"`
	ContainerTitle string       `json:"container-title,omitempty"`
	Volume         string       `json:"volume,omitempty"`
	Issue          string       `json:"issue,omitempty"`
	Page           string       `json:"page,omitempty"`
	DOI            string       `json:"DOI,omitempty"`
	URL            string       `json:"URL,omitempty"`
	Abstract       string       `json:"abstract,omitempty"`
	Language       string       `json:"language,omitempty"`
	Editor         []jsonAuthor `json:"editor,omitempty"`
	Publisher      string       `json:"publisher,omitempty"`
	Edition        string       `json:"edition,omitempty"`
	Number         string       `json:"number,omitempty"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

// WriteCSLJSON writes the cited documents as a CSL-JSON array, ids
// "rapport-ID" so that they stay stable across exports.
func WriteCSLJSON(w io.Writer, d *Data) error {
	items := []cslItem{}
	for _, doc := range d.Documents {
		if !doc.Cited {
			continue
		}
		typ := doc.Type
		if typ == "" {
			typ = "article-journal"
		}
		it := cslItem{ID: fmt.Sprintf("rapport-%d", doc.ID), Type: typ, Title: oneLine(doc.Title), ContainerTitle: oneLine(doc.Journal),
			Volume: doc.Volume, Issue: doc.Issue, Page: normalizeRange(doc.Metadata.Pages), DOI: doc.DOI, URL: doc.URL,
			Abstract: doc.Abstract, Language: doc.Language, Publisher: oneLine(doc.Publisher), Edition: doc.Edition, Number: doc.Number}
		if len(doc.Authors) > 0 {
			it.Author = jsonAuthors(doc.Authors)
		}
		if len(doc.Editors) > 0 {
			it.Editor = jsonAuthors(doc.Editors)
		}
		if parts := dateParts(doc.Date, doc.Year); len(parts) > 0 {
			it.Issued = &cslDate{DateParts: [][]int{parts}}
		}
		items = append(items, it)
	}
	return encodeJSON(w, items)
}

// dateParts turns an ISO date ("2016-10-01", "2016-10", "2016") or a year
// into CSL date parts.
func dateParts(date string, year int) []int {
	var parts []int
	for _, p := range strings.SplitN(strings.TrimSpace(date), "-", 3) {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			break
		}
		parts = append(parts, n)
	}
	if len(parts) == 0 && year > 0 {
		parts = []int{year}
	}
	return parts
}
