package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/importer"
)

// Editing metadata by hand.
//
// SetMetadata checks every value first (a year that is not a year, a DOI
// that is not a DOI is refused with an error naming it, and nothing is
// stored), then writes them as one undoable step. A field set by hand is
// listed in the document's user_fields and keeps the user's value through
// later metadata imports (mergeMetadata).

// FieldValue is one field as a user types it.
type FieldValue struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// MetadataFields are the fields a user can set, in the order an editor
// shows them: what APA 7 needs for a journal article, a book, a chapter
// (journal is then the book's title) and a report, and a few more.
var MetadataFields = []string{
	"type", "title", "authors", "year", "date", "journal", "volume", "issue", "pages", "number",
	"edition", "editors", "publisher", "doi", "url", "language", "abstract", "alt_titles",
	"citation_count", "first_printed_page",
}

// metadataFieldColumn maps field names and their other names to columns.
var metadataFieldColumn = map[string]string{
	"type": "csl_type", "csl_type": "csl_type", "item_type": "csl_type",
	"title": "title", "alt_titles": "alt_titles",
	"authors": "authors", "author": "authors", "editors": "editors", "editor": "editors",
	"year": "year", "date": "pub_date", "pub_date": "pub_date",
	"journal": "journal", "container_title": "journal", "book_title": "journal",
	"volume": "volume", "issue": "issue", "pages": "pages",
	"number": "number", "report_number": "number", "article_number": "number",
	"edition": "edition", "publisher": "publisher", "institution": "publisher",
	"doi": "doi", "url": "url", "language": "language", "abstract": "abstract",
	"citation_count": "citation_count", "first_printed_page": "first_printed_page",
}

// MetadataFieldColumn returns the stored name of a field ("type" →
// "csl_type", "book_title" → "journal"), or false for an unknown field.
func MetadataFieldColumn(field string) (string, bool) {
	c, ok := metadataFieldColumn[strings.ToLower(strings.TrimSpace(field))]
	return c, ok
}

// ParseMetadataField checks one field's value as a user types it and
// returns its column and the value to store. The error names the field
// and the value.
func ParseMetadataField(field, value string) (column string, stored any, err error) {
	column, ok := MetadataFieldColumn(field)
	if !ok {
		return "", nil, fmt.Errorf("unknown field %q (one of %s): %w", field, strings.Join(MetadataFields, ", "), ErrInvalidInput)
	}
	if len(value) > MaxMetadataFieldBytes {
		return "", nil, fmt.Errorf("the value of %s is %d bytes, more than the %d Rapport stores: %w", field, len(value), MaxMetadataFieldBytes, ErrInvalidInput)
	}
	oneLine := strings.Join(strings.Fields(value), " ")
	switch column {
	case "year":
		stored, err = importer.ParseYear(value)
	case "citation_count", "first_printed_page":
		n := 0
		if oneLine != "" {
			n, err = strconv.Atoi(oneLine)
			if err != nil || n < 0 {
				err = fmt.Errorf("%q is not a whole number: %w", value, importer.ErrBadValue)
			}
		}
		stored = n
	case "pub_date":
		stored, err = importer.ParseISODate(value)
	case "doi":
		stored, err = importer.ParseDOI(value)
	case "url":
		stored, err = importer.ParseURL(value)
	case "pages":
		stored, err = importer.ParsePages(value)
	case "volume":
		stored, err = oneLine, importer.CheckVolume(oneLine)
	case "issue":
		stored, err = oneLine, importer.CheckIssue(oneLine)
	case "edition":
		stored, err = importer.ParseEdition(value)
	case "csl_type":
		stored, err = importer.ParseItemType(value)
	case "authors", "editors":
		var names []importer.Author
		names, err = importer.ParseNames(value)
		if err == nil && len(names) > MaxAuthors {
			err = fmt.Errorf("%d names, more than the %d Rapport stores: %w", len(names), MaxAuthors, importer.ErrBadValue)
		}
		b, _ := json.Marshal(nonNilAuthors(names))
		stored = string(b)
	case "alt_titles":
		var titles []string
		for _, t := range strings.FieldsFunc(value, func(r rune) bool { return r == '|' || r == '\n' }) {
			if t = strings.Join(strings.Fields(t), " "); t != "" {
				titles = append(titles, t)
			}
		}
		b, _ := json.Marshal(nonNil(titles))
		stored = string(b)
	case "abstract":
		stored = strings.TrimSpace(value)
	default: // title, journal, publisher, number, language
		stored = oneLine
	}
	if err != nil {
		if errors.Is(err, importer.ErrBadValue) {
			msg := strings.TrimSuffix(err.Error(), ": "+importer.ErrBadValue.Error())
			err = fmt.Errorf("%s: %w", msg, ErrInvalidInput)
		}
		return column, nil, err
	}
	return column, stored, nil
}

// MetadataFieldText returns a document's field as an editor shows it and
// ParseMetadataField reads it back (authors one a line, "Family, Given").
func MetadataFieldText(d Document, field string) string {
	column, _ := MetadataFieldColumn(field)
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	switch column {
	case "csl_type":
		return d.Type
	case "title":
		return d.Title
	case "alt_titles":
		return strings.Join(d.AltTitles, "\n")
	case "authors":
		return importer.FormatNames(d.Authors)
	case "editors":
		return importer.FormatNames(d.Editors)
	case "year":
		return num(d.Year)
	case "pub_date":
		return d.Date
	case "journal":
		return d.Journal
	case "volume":
		return d.Volume
	case "issue":
		return d.Issue
	case "pages":
		return d.Pages
	case "number":
		return d.Number
	case "edition":
		return d.Edition
	case "publisher":
		return d.Publisher
	case "doi":
		return d.DOI
	case "url":
		return d.URL
	case "language":
		return d.Language
	case "abstract":
		return d.Abstract
	case "citation_count":
		return num(d.CitationCount)
	case "first_printed_page":
		return num(d.FirstPrintedPage)
	}
	return ""
}

// SetMetadataField records a user's correction of one metadata field (see
// SetMetadata).
func (l *Library) SetMetadataField(ctx context.Context, id int64, field, value string) error {
	return l.SetMetadata(ctx, id, []FieldValue{{Field: field, Value: value}})
}

// SetMetadata records a user's corrections of a document's metadata as one
// undoable step. Every value is checked first: when one is bad, nothing is
// stored and the error names each bad field and value. The fields keep
// the user's values through later metadata imports (first_printed_page,
// which no import sets, aside).
func (l *Library) SetMetadata(ctx context.Context, id int64, values []FieldValue) error {
	if len(values) == 0 {
		return fmt.Errorf("set metadata of document %d: no field given: %w", id, ErrInvalidInput)
	}
	type set struct {
		column string
		value  any
	}
	var sets []set
	var errs []error
	for _, fv := range values {
		column, v, err := ParseMetadataField(fv.Field, fv.Value)
		if err != nil {
			errs = append(errs, fmt.Errorf("set %s of document %d: %w", fv.Field, id, err))
			continue
		}
		sets = append(sets, set{column, v})
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return l.change(ctx, "Edit metadata", func(r *changeRecorder) error {
		r.deferIndex = true // as imports do: the next search indexes the document
		var title, userFieldsJSON string
		if err := r.tx.QueryRowContext(ctx, "SELECT title, user_fields FROM documents WHERE id = ?", id).Scan(&title, &userFieldsJSON); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("set metadata of document %d: %w", id, ErrNotFound)
			}
			return fmt.Errorf("set metadata of document %d: %w", id, err)
		}
		cols := []string{"user_fields", "updated_at"}
		for _, s := range sets {
			if !contains(cols, s.column) {
				cols = append(cols, s.column)
			}
			if s.column == "title" && !contains(cols, "title_norm") {
				cols = append(cols, "title_norm")
			}
		}
		if err := r.touchColumns("documents", cols, id); err != nil {
			return fmt.Errorf("set metadata of document %d: %w", id, err)
		}
		var userFields []string
		json.Unmarshal([]byte(userFieldsJSON), &userFields)
		q := []string{"updated_at = ?", "indexed = 0"}
		args := []any{now()}
		var names []string
		for _, s := range sets {
			if s.column != "first_printed_page" && !contains(userFields, s.column) {
				userFields = append(userFields, s.column)
			}
			q = append(q, s.column+" = ?")
			args = append(args, storedColumnValue(s.column, s.value))
			if s.column == "title" {
				q = append(q, "title_norm = ?")
				args = append(args, titleKey(s.value.(string)))
			}
			if !contains(names, s.column) {
				names = append(names, s.column)
			}
		}
		uf, _ := json.Marshal(nonNil(userFields))
		q = append(q, "user_fields = ?")
		args = append(args, string(uf), id)
		if _, err := r.tx.ExecContext(ctx, "UPDATE documents SET "+strings.Join(q, ", ")+" WHERE id = ?", args...); err != nil {
			return fmt.Errorf("set metadata of document %d: %w", id, err)
		}
		what := "metadata"
		if len(names) == 1 {
			what = strings.ReplaceAll(strings.TrimPrefix(names[0], "csl_"), "_", " ")
		}
		if title == "" {
			title = fmt.Sprintf("document %d", id)
		}
		r.label = fmt.Sprintf("Edit %s of “%s”", what, shortQuote(title))
		return nil
	})
}
