package importer

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// Metadata file formats, as named in errors and by DetectMetadataFormat.
const (
	FormatBibTeX  = "bibtex"
	FormatRIS     = "ris"
	FormatCSLJSON = "csl-json"
	FormatS2JSON  = "semantic-scholar"
)

// ErrUnknownMetadataFormat is returned when a file is none of the metadata
// formats Rapport reads.
var ErrUnknownMetadataFormat = errors.New("not a metadata file (BibTeX, RIS, CSL-JSON or Semantic Scholar JSON)")

// ErrNoRecords is returned when a metadata file is well formed but holds no
// record.
var ErrNoRecords = errors.New("no records")

// RecordError says why one record of a metadata file was not read.
type RecordError struct {
	Record int // 1-based position of the record in the file; 0 when unknown
	Line   int // 1-based line where the record starts; 0 when unknown
	Err    error
}

func (e RecordError) Error() string {
	var where []string
	if e.Record > 0 {
		where = append(where, fmt.Sprintf("record %d", e.Record))
	}
	if e.Line > 0 {
		where = append(where, fmt.Sprintf("line %d", e.Line))
	}
	if len(where) == 0 {
		return e.Err.Error()
	}
	return strings.Join(where, ", ") + ": " + e.Err.Error()
}

func (e RecordError) Unwrap() error { return e.Err }

// maxRecordErrors bounds how many record errors are kept; the rest are
// counted in ParseErrors.Omitted.
const maxRecordErrors = 100

// ParseErrors lists the records of a metadata file that could not be read.
// ParseMetadata returns it together with the records that could.
type ParseErrors struct {
	Format  string        // FormatBibTeX, FormatRIS, ...
	Errors  []RecordError // at most 100, in file order
	Omitted int           // further errors not listed
}

func (e *ParseErrors) Error() string {
	n := len(e.Errors) + e.Omitted
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d bad record", e.Format, n)
	if n != 1 {
		b.WriteByte('s')
	}
	for i, re := range e.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", n-5)
			break
		}
		b.WriteString("; ")
		b.WriteString(re.Error())
	}
	return b.String()
}

// Unwrap gives the individual record errors, so that errors.Is and
// errors.As see through a ParseErrors.
func (e *ParseErrors) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, re := range e.Errors {
		out[i] = re
	}
	return out
}

func (e *ParseErrors) add(record, line int, err error) {
	if len(e.Errors) >= maxRecordErrors {
		e.Omitted++
		return
	}
	e.Errors = append(e.Errors, RecordError{Record: record, Line: line, Err: err})
}

// orNil returns e as an error, or nil when it lists nothing.
func (e *ParseErrors) orNil() error {
	if e == nil || len(e.Errors)+e.Omitted == 0 {
		return nil
	}
	return e
}

// ParseMetadata reads the bibliographic records of a metadata file: BibTeX,
// RIS, CSL-JSON (an array, a single object, or Zotero's export), or a
// Semantic Scholar paper record (including aggregator records that wrap one
// in "resultStr"). The format is recognised from the content, with the file
// name's extension as a tie-breaker; a JSON file may be followed by other
// text, which is ignored.
//
// Records that cannot be read are reported in a *ParseErrors returned with
// the records that could: callers keep the records and show the error. When
// nothing could be read, the records are nil and the error says why (an
// unknown format, a syntax error with its line, or ErrNoRecords).
//
// Input that is not UTF-8 (Latin-1 or Windows-1252 exports, UTF-16 with a
// byte-order mark) is decoded; all returned text is valid UTF-8 in NFC.
// The work is linear in the size of the input.
func ParseMetadata(name string, data []byte) ([]Metadata, error) {
	text := decodeText(data)
	format := DetectMetadataFormat(name, []byte(text[:min(len(text), 64<<10)]))
	var (
		recs []Metadata
		err  error
	)
	switch format {
	case FormatBibTeX:
		recs, err = parseBibTeX(text)
	case FormatRIS:
		recs, err = parseRIS(text)
	case FormatCSLJSON, FormatS2JSON:
		recs, err = parseJSONMetadata(text)
	default:
		return nil, fmt.Errorf("parse metadata %s: %w", name, ErrUnknownMetadataFormat)
	}
	if len(recs) == 0 {
		if err == nil {
			err = ErrNoRecords
		}
		return nil, fmt.Errorf("parse metadata %s: %w", name, err)
	}
	if err != nil {
		return recs, fmt.Errorf("parse metadata %s: %w", name, err)
	}
	return recs, nil
}

var (
	bibEntryStart = lazyre.New(`(?m)^[ \t]*@[A-Za-z]+[ \t]*[{(]`)
	risTagLine    = lazyre.New(`(?m)^[ \t]*TY[ \t]{1,2}-`)
)

// DetectMetadataFormat names the metadata format of a file from its first
// bytes, using the extension when the content is ambiguous, or returns ""
// when it is none Rapport reads. JSON content is reported as FormatCSLJSON
// or FormatS2JSON by a quick look at its keys; ParseMetadata decides per
// record.
func DetectMetadataFormat(name string, head []byte) string {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	ext := strings.ToLower(filepath.Ext(name))
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		if bytes.Contains(t, []byte(`"resultStr"`)) || bytes.Contains(t, []byte(`"paperId"`)) ||
			bytes.Contains(t, []byte(`"publicationDate"`)) {
			return FormatS2JSON
		}
		return FormatCSLJSON
	}
	hasBib := bibEntryStart.Match(t)
	hasRIS := risTagLine.Match(t)
	switch {
	case hasRIS && (ext == ".ris" || !hasBib):
		return FormatRIS
	case hasBib:
		return FormatBibTeX
	}
	switch ext {
	case ".bib", ".bibtex":
		return FormatBibTeX
	case ".ris":
		return FormatRIS
	}
	return ""
}

// lineAt returns the 1-based line number of byte offset off in text.
func lineAt(text string, off int) int {
	return strings.Count(text[:min(max(off, 0), len(text))], "\n") + 1
}
