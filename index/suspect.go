package index

import (
	"errors"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/importer"
)

// SuspectField is a stored metadata value that cannot be what its field
// holds, such as a volume "8 1" (a volume and an issue run together): the
// references leave it out, and `rapport check` lists it so that the user
// can correct it (`rapport set`).
type SuspectField struct {
	DocID  int64  `json:"doc_id"`
	Title  string `json:"title"`
	Field  string `json:"field"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// SuspectFields lists the suspect values of a document's metadata.
func SuspectFields(d Document) []SuspectField {
	var out []SuspectField
	add := func(field, value string, err error) {
		if err == nil {
			return
		}
		reason := strings.TrimSuffix(err.Error(), ": "+importer.ErrBadValue.Error())
		if errors.Is(err, importer.ErrBadValue) {
			out = append(out, SuspectField{DocID: d.ID, Title: d.Title, Field: field, Value: value, Reason: reason})
		}
	}
	add("volume", d.Volume, importer.CheckVolume(d.Volume))
	add("issue", d.Issue, importer.CheckIssue(d.Issue))
	add("pages", d.Pages, importer.CheckPages(d.Pages))
	if d.Year != 0 {
		_, err := importer.ParseYear(strconv.Itoa(d.Year))
		add("year", strconv.Itoa(d.Year), err)
	}
	if d.Date != "" {
		if _, err := importer.ParseISODate(d.Date); err != nil {
			add("date", d.Date, err)
		}
	}
	if d.DOI != "" {
		_, err := importer.ParseDOI(d.DOI)
		add("doi", d.DOI, err)
	}
	if d.URL != "" {
		_, err := importer.ParseURL(d.URL)
		add("url", d.URL, err)
	}
	return out
}
