package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/rapport-qda/rapport/importer"
)

// Field provenance: documents.field_sources holds, per metadata field
// (by column name), where its value came from — the PDF's XMP packet
// ("xmp"), its /Info dictionary ("info"), the article's first page
// ("page1"), a metadata record ("record") — and a field in user_fields was
// set by hand ("user"). The precedence is user > record > the file's own
// metadata: a record imported later replaces fields the file gave (see
// mergeMetadata), never a field set by hand; the file's metadata fills only
// fields that nothing else gave.

// fileFields are the metadata fields a file's own metadata can give.
var fileFields = []string{"title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract"}

// fromFile tells the sources that are the file's own metadata.
func fromFile(source string) bool {
	return source == importer.SourceXMP || source == importer.SourceInfo || source == importer.SourcePage1
}

// fieldSources reads stored field sources; fields the user corrected are
// "user" whatever gave them before.
func fieldSources(stored string, userFields []string) map[string]string {
	out := map[string]string{}
	json.Unmarshal([]byte(stored), &out)
	for _, f := range userFields {
		out[f] = importer.SourceUser
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// setFieldSources records that fields of document id came from source.
func setFieldSources(ctx context.Context, tx *sql.Tx, id int64, fields []string, source string) error {
	if len(fields) == 0 {
		return nil
	}
	var stored string
	if err := tx.QueryRowContext(ctx, "SELECT field_sources FROM documents WHERE id = ?", id).Scan(&stored); err != nil {
		return err
	}
	sources := map[string]string{}
	json.Unmarshal([]byte(stored), &sources)
	for _, f := range fields {
		if f == "pub_date" {
			f = "year" // the date goes with the year
		}
		sources[f] = source
	}
	b, _ := json.Marshal(sources)
	_, err := tx.ExecContext(ctx, "UPDATE documents SET field_sources = ? WHERE id = ?", string(b), id)
	return err
}

// applyFileMetadata gives document id the metadata its file carries
// (importer.Extraction.Metadata, with each field's source): every field
// that is empty and not set by hand is filled. With refresh (a new
// extraction of the same file), fields that came from the file before are
// replaced too; a record's or the user's values never are.
func applyFileMetadata(ctx context.Context, tx *sql.Tx, id int64, m importer.Metadata, sources map[string]string, refresh bool) error {
	if len(sources) == 0 {
		return nil
	}
	var userFieldsJSON, storedSources string
	var cur importer.Metadata
	var authors string
	err := tx.QueryRowContext(ctx, `SELECT user_fields, field_sources, title, authors, year, journal, volume, issue, pages, doi, abstract, csl_type
FROM documents WHERE id = ?`, id).Scan(&userFieldsJSON, &storedSources, &cur.Title, &authors, &cur.Year, &cur.Journal,
		&cur.Volume, &cur.Issue, &cur.Pages, &cur.DOI, abstractScanner{&cur.Abstract}, &cur.Type)
	if err != nil {
		return err
	}
	json.Unmarshal([]byte(authors), &cur.Authors)
	var userFields []string
	json.Unmarshal([]byte(userFieldsJSON), &userFields)
	have := fieldSources(storedSources, userFields)
	vals := metadataValues(m)
	curVals := metadataValues(cur)
	var sets []string
	var args []any
	var filled []string
	bySource := map[string][]string{}
	for _, f := range fileFields {
		src := sources[f]
		if src == "" || isZero(vals[f]) || have[f] == importer.SourceUser {
			continue
		}
		if curVals[f] == vals[f] {
			// The value is there already (the title and DOI a new
			// document is stored with): only its source is new.
			if have[f] == "" || fromFile(have[f]) && have[f] != src {
				bySource[src] = append(bySource[src], f)
			}
			continue
		}
		if !isZero(curVals[f]) && !(refresh && fromFile(have[f])) {
			continue
		}
		sets = append(sets, f+" = ?")
		args = append(args, storedColumnValue(f, vals[f]))
		if f == "title" {
			sets = append(sets, "title_norm = ?")
			args = append(args, titleKey(m.Title))
		}
		if f == "year" && m.Date != "" {
			sets = append(sets, "pub_date = ?")
			args = append(args, m.Date)
		}
		filled = append(filled, f)
		bySource[src] = append(bySource[src], f)
	}
	if cur.Type == "" && m.Type != "" {
		sets = append(sets, "csl_type = ?")
		args = append(args, m.Type)
	}
	if len(sets) > 0 {
		if len(filled) > 0 {
			sets = append(sets, "indexed = 0")
		}
		sets = append(sets, "updated_at = ?")
		args = append(args, now(), id)
		if _, err := tx.ExecContext(ctx, "UPDATE documents SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...); err != nil {
			return err
		}
	}
	for src, fields := range bySource {
		if err := setFieldSources(ctx, tx, id, fields, src); err != nil {
			return err
		}
	}
	return nil
}
