package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/importer"
)

// Document is one entry of the library: an imported file with its metadata,
// or a metadata-only record waiting for its file.
type Document struct {
	ID               int64     `json:"id"`
	SHA256           string    `json:"sha256,omitempty"`
	FileName         string    `json:"file_name,omitempty"`
	Kind             string    `json:"kind"` // pdf, text or metadata
	PageCount        int       `json:"page_count"`
	SizeBytes        int64     `json:"size_bytes,omitempty"`
	ImportedAt       time.Time `json:"imported_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	ExtractorVersion int       `json:"extractor_version,omitempty"`
	// Engine is the PDF engine that read the text: "native" or "pdfium"
	// (see importer.Extraction.Engine); empty for other kinds.
	Engine string `json:"engine,omitempty"`
	// OCRPending counts the pages that are pictures of text not read yet
	// ("scanned, not read": Library.OCR reads them); OCRPages those whose
	// text OCR read; OCRLang is the document's own OCR language ("": the
	// library's, see Library.OCRLanguage).
	OCRPending       int      `json:"ocr_pending,omitempty"`
	OCRPages         int      `json:"ocr_pages,omitempty"`
	OCRLang          string   `json:"ocr_lang,omitempty"`
	FirstPrintedPage int      `json:"first_printed_page,omitempty"` // set by the user; wins for citations
	UserFields       []string `json:"user_fields,omitempty"`        // metadata fields the user corrected
	AnnotationCount  int      `json:"annotation_count"`
	// GUID is the GUID of the exchange-file source (REFI-QDA) the document
	// came from, "" for a document imported from its own file.
	GUID string `json:"guid,omitempty"`
	// Attributes are what an exchange file said about the document: its
	// variables' values, and the cases and sets it belongs to.
	Attributes []Attribute `json:"attributes,omitempty"`
	importer.Metadata

	// FieldSources says where each metadata field's value came from
	// ("xmp", "info", "page1", "record", "user"; see provenance.go).
	FieldSources map[string]string `json:"field_sources,omitempty"`
	// PrintedPageCount is how many pages print their page number.
	PrintedPageCount int `json:"-"`
}

// Attribute is one attribute of a document: a variable's value (Name
// "Age", Value "34"), or a case or set it belongs to (Name "Case" or
// "Set", the case's or set's name as Value). A name may have several
// values.
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Attribute names Rapport gives the cases and sets of exchange files.
const (
	AttributeCase = "Case"
	AttributeSet  = "Set"
)

// Page is one page of a document's stored text.
type Page struct {
	DocID  int64  `json:"doc_id"`
	Number int    `json:"page"`
	Label  string `json:"label,omitempty"`
	Text   string `json:"text"`
	Header string `json:"header,omitempty"`
	// Printed is the page number the page prints (or its neighbours place
	// it at), "" when none; Document.Numbering().PrintedPage decides the
	// number shown and cited.
	Printed string `json:"printed,omitempty"`
	// Scanned: the page is a picture of text (a scan); its text, if any,
	// was read by OCR (OCR says how).
	Scanned bool `json:"scanned,omitempty"`
	// OCR is how OCR read the page, when it did (or tried to).
	OCR *PageOCR `json:"ocr,omitempty"`
	// Uncertain lists the spans of Text (rune offsets, end exclusive) of
	// the words OCR read with a confidence under
	// importer.LowConfidence: kept, and shown as doubtful.
	Uncertain [][2]int `json:"uncertain,omitempty"`
}

// FromScan reports whether the page's text was recognised from a scan.
func (p Page) FromScan() bool { return p.OCR != nil && p.OCR.Used }

// PageOCR is what OCR did on one page.
type PageOCR struct {
	Lang      string  `json:"lang"`      // Tesseract's languages, "eng+swe"
	Tesseract string  `json:"tesseract"` // its version
	MeanConf  float64 `json:"mean_confidence"`
	Words     int     `json:"words"`
	Error     string  `json:"error,omitempty"` // why the page could not be read
	ReadAt    string  `json:"read_at"`
	// Used: the page's stored text is this reading (false while it waits
	// for its document's other pages, or when it failed).
	Used bool `json:"used"`
}

// FilePath returns where the library keeps the document's original file,
// or "" for a metadata-only entry.
func (l *Library) FilePath(d Document) string {
	if d.SHA256 == "" {
		return ""
	}
	return l.blobPath(d.SHA256, d.FileName)
}

const documentColumns = `d.id, COALESCE(d.sha256,''), d.file_name, d.kind, d.page_count, d.size_bytes, d.imported_at, d.updated_at,
	d.extractor_version, d.engine, d.first_printed_page, d.user_fields, d.guid, d.attributes,
	d.title, d.alt_titles, d.authors, d.year, d.pub_date, d.journal, d.volume, d.issue, d.pages, d.doi, d.url,
	d.abstract, d.language, d.citation_count, d.csl_type, d.publisher, d.editors, d.edition, d.number,
	(SELECT COUNT(*) FROM annotations a WHERE a.doc_id = d.id), d.field_sources, d.printed_pages,
	(SELECT COUNT(*) FROM pages p WHERE p.doc_id = d.id AND p.scanned = 1 AND p.ocr = 0
		AND NOT EXISTS (SELECT 1 FROM ocr_pages o WHERE o.doc_id = p.doc_id AND o.page = p.page)),
	(SELECT COUNT(*) FROM pages p WHERE p.doc_id = d.id AND p.scanned = 1 AND p.ocr = 1),
	d.ocr_lang`

type rowScanner interface{ Scan(dest ...any) error }

func scanDocument(r rowScanner) (Document, error) {
	var d Document
	var imported, updated, userFields, attributes, alt, authors, editors, sources string
	err := r.Scan(&d.ID, &d.SHA256, &d.FileName, &d.Kind, &d.PageCount, &d.SizeBytes, &imported, &updated,
		&d.ExtractorVersion, &d.Engine, &d.FirstPrintedPage, &userFields, &d.GUID, &attributes,
		&d.Title, &alt, &authors, &d.Year, &d.Date, &d.Journal, &d.Volume, &d.Issue, &d.Pages, &d.DOI, &d.URL,
		abstractScanner{&d.Abstract}, &d.Language, &d.CitationCount, &d.Type, &d.Publisher, &editors, &d.Edition, &d.Number, &d.AnnotationCount, &sources, &d.PrintedPageCount,
		&d.OCRPending, &d.OCRPages, &d.OCRLang)
	if err != nil {
		return d, err
	}
	d.ImportedAt, _ = time.Parse(time.RFC3339Nano, imported)
	d.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	json.Unmarshal([]byte(userFields), &d.UserFields)
	json.Unmarshal([]byte(attributes), &d.Attributes)
	json.Unmarshal([]byte(alt), &d.AltTitles)
	json.Unmarshal([]byte(authors), &d.Authors)
	json.Unmarshal([]byte(editors), &d.Editors)
	d.FieldSources = fieldSources(sources, d.UserFields)
	return d, nil
}

// Documents lists every document, ordered by id.
func (l *Library) Documents(ctx context.Context) ([]Document, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT "+documentColumns+" FROM documents d ORDER BY d.id")
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var docs []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return docs, nil
}

// DocumentCount returns how many documents the library holds.
func (l *Library) DocumentCount(ctx context.Context) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents").Scan(&n); err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}

// Document returns one document.
func (l *Library) Document(ctx context.Context, id int64) (Document, error) {
	d, err := scanDocument(l.db.QueryRowContext(ctx, "SELECT "+documentColumns+" FROM documents d WHERE d.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("document %d: %w", id, err)
	}
	return d, nil
}

// Pages returns a document's pages in order.
func (l *Library) Pages(ctx context.Context, docID int64) ([]Page, error) {
	if _, err := l.Document(ctx, docID); err != nil {
		return nil, err
	}
	rows, err := l.db.QueryContext(ctx, "SELECT "+pageColumns+" FROM pages p "+pageOCRJoin+" WHERE p.doc_id = ? ORDER BY p.page", docID)
	if err != nil {
		return nil, fmt.Errorf("pages of document %d: %w", docID, err)
	}
	defer rows.Close()
	var pages []Page
	for rows.Next() {
		p := Page{DocID: docID}
		if err := scanPage(rows, &p); err != nil {
			return nil, fmt.Errorf("pages of document %d: %w", docID, err)
		}
		pages = append(pages, p)
	}
	return pages, rows.Err()
}

// pageColumns are a page's columns with its OCR reading (pageOCRJoin).
const (
	pageColumns = `p.page, p.label, p.text_z, p.header, p.printed, p.scanned, p.ocr, p.uncertain,
	o.lang, o.tesseract, o.mean_conf, o.words, o.error, o.read_at`
	pageOCRJoin = "LEFT JOIN ocr_pages o ON o.doc_id = p.doc_id AND o.page = p.page"
)

func scanPage(r rowScanner, p *Page) error {
	var text storedText
	var used bool
	var uncertain string
	var lang, tess, oerr, readAt sql.NullString
	var conf sql.NullFloat64
	var words sql.NullInt64
	if err := r.Scan(&p.Number, &p.Label, &text, &p.Header, &p.Printed, &p.Scanned, &used, &uncertain,
		&lang, &tess, &conf, &words, &oerr, &readAt); err != nil {
		return err
	}
	p.Text = text.String
	p.Uncertain = decodeSpans(uncertain)
	if lang.Valid {
		p.OCR = &PageOCR{Lang: lang.String, Tesseract: tess.String, MeanConf: conf.Float64, Words: int(words.Int64),
			Error: oerr.String, ReadAt: readAt.String, Used: used}
	}
	return nil
}

// PageText returns one page of a document.
func (l *Library) PageText(ctx context.Context, docID int64, page int) (Page, error) {
	p := Page{DocID: docID, Number: page}
	err := scanPage(l.db.QueryRowContext(ctx, "SELECT "+pageColumns+" FROM pages p "+pageOCRJoin+" WHERE p.doc_id = ? AND p.page = ?", docID, page), &p)
	if errors.Is(err, sql.ErrNoRows) {
		d, derr := l.Document(ctx, docID)
		switch {
		case derr != nil:
			return p, derr
		case d.PageCount == 0:
			return p, fmt.Errorf("document %d has no pages (a metadata-only entry): %w", docID, ErrNotFound)
		}
		return p, fmt.Errorf("document %d has no page %d (it has pages 1–%d): %w", docID, page, d.PageCount, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("document %d page %d: %w", docID, page, err)
	}
	return p, nil
}

// newDocumentID is the SQL expression of a new document's id: above every
// id in use and every id ever deleted, so that a removed document that undo
// brings back finds its id free (see the trigger of schema 5).
const newDocumentID = `(SELECT MAX(COALESCE((SELECT MAX(id) FROM documents), 0),
	COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'documents_max_deleted_id'), 0)) + 1)`

// metadataColumns maps metadata field names (as users name them in
// corrections) to columns.
var metadataColumns = []string{"title", "alt_titles", "authors", "year", "pub_date", "journal", "volume", "issue", "pages", "doi", "url", "abstract", "language", "citation_count", "csl_type",
	"publisher", "editors", "edition", "number"}

func metadataValues(m importer.Metadata) map[string]any {
	alt, _ := json.Marshal(nonNil(m.AltTitles))
	authors, _ := json.Marshal(nonNilAuthors(m.Authors))
	editors, _ := json.Marshal(nonNilAuthors(m.Editors))
	return map[string]any{
		"publisher": m.Publisher, "editors": string(editors), "edition": m.Edition, "number": m.Number,
		"title": m.Title, "alt_titles": string(alt), "authors": string(authors), "year": m.Year,
		"pub_date": m.Date, "journal": m.Journal, "volume": m.Volume, "issue": m.Issue, "pages": m.Pages,
		"doi": importer.NormalizeDOI(m.DOI), "url": m.URL, "abstract": m.Abstract, "language": m.Language,
		"citation_count": m.CitationCount, "csl_type": m.Type,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilAuthors(a []importer.Author) []importer.Author {
	if a == nil {
		return []importer.Author{}
	}
	return a
}

func isZero(v any) bool {
	switch x := v.(type) {
	case string:
		return x == "" || x == "[]"
	case int:
		return x == 0
	}
	return v == nil
}

// mergeMetadata writes m over document id inside tx: every field m gives
// replaces the stored one, except fields the user corrected by hand.
// Fields m leaves empty keep their stored value.
func mergeMetadata(ctx context.Context, tx *sql.Tx, id int64, m importer.Metadata) error {
	var userFieldsJSON string
	if err := tx.QueryRowContext(ctx, "SELECT user_fields FROM documents WHERE id = ?", id).Scan(&userFieldsJSON); err != nil {
		return err
	}
	var userFields []string
	json.Unmarshal([]byte(userFieldsJSON), &userFields)
	kept := map[string]bool{}
	for _, f := range userFields {
		kept[f] = true
	}
	vals := metadataValues(m)
	var sets, fields []string
	var args []any
	for _, col := range metadataColumns {
		v := vals[col]
		if kept[col] || isZero(v) {
			continue
		}
		sets = append(sets, col+" = ?")
		args = append(args, storedColumnValue(col, v))
		fields = append(fields, col)
	}
	if m.Title != "" && !kept["title"] {
		sets = append(sets, "title_norm = ?")
		args = append(args, titleKey(m.Title))
	}
	if len(sets) == 0 {
		return nil
	}
	sets = append(sets, "updated_at = ?", "indexed = 0")
	args = append(args, now(), id)
	if _, err := tx.ExecContext(ctx, "UPDATE documents SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...); err != nil {
		return err
	}
	return setFieldSources(ctx, tx, id, fields, importer.SourceRecord)
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// withTx runs fn in one transaction, committed when fn returns nil.
func (l *Library) withTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if l.readOnly {
		return l.errReadOnly()
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
