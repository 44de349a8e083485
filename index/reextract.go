package index

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rapport-qda/rapport/importer"
)

// Re-extraction: reading documents' stored originals again with the
// current extractor, replacing their pages, and re-anchoring every
// annotation by its quote and context.

// ReextractOptions tune Reextract.
type ReextractOptions struct {
	// All re-extracts every document with a stored original when no ids
	// are given; by default only those extracted by an older extractor.
	All bool
	// Progress gets documents done and total, from any goroutine.
	Progress func(done, total int)
}

// ReextractedDocument is what re-extracting one document did.
type ReextractedDocument struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Pages      int    `json:"pages"`
	OldVersion int    `json:"old_extractor_version"`
	NewVersion int    `json:"extractor_version"`
	ReanchorResult
}

// ReextractFailure is a document that could not be re-extracted; it was
// left as it was.
type ReextractFailure struct {
	ID    int64  `json:"id"`
	Error string `json:"error"`
}

// ReextractReport lists what Reextract did.
type ReextractReport struct {
	Documents []ReextractedDocument `json:"documents"`
	Failed    []ReextractFailure    `json:"failed"`
}

// Reextract re-extracts documents from their stored originals with the
// current extractor (ids; none means every document extracted by an older
// extractor, or every document with opts.All). Each document's new pages
// and its re-anchored annotations are written in one transaction:
// annotations found again move to their new offsets, ones no longer found
// are kept with their quote and flagged orphaned, none is deleted. A
// document that fails is reported and left as it was. Re-extraction is
// not an undoable step (undo of earlier steps still works: annotations
// written back are anchored to the current text).
func (l *Library) Reextract(ctx context.Context, ids []int64, opts ReextractOptions) (*ReextractReport, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	rep := &ReextractReport{Documents: []ReextractedDocument{}, Failed: []ReextractFailure{}}
	if len(ids) == 0 {
		q := "SELECT id FROM documents WHERE sha256 IS NOT NULL AND sha256 <> '' AND extractor_version < ? ORDER BY id"
		args := []any{importer.ExtractorVersion}
		if opts.All {
			q = "SELECT id FROM documents WHERE sha256 IS NOT NULL AND sha256 <> '' ORDER BY id"
			args = nil
		}
		var err error
		if ids, err = l.queryIDs(ctx, q, args...); err != nil {
			return nil, fmt.Errorf("re-extract: %w", err)
		}
	}
	var done []int64
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			l.reindexDocuments(ctx, done)
			return rep, err
		}
		d, err := l.reextractOne(ctx, id)
		if err != nil {
			rep.Failed = append(rep.Failed, ReextractFailure{ID: id, Error: err.Error()})
		} else {
			rep.Documents = append(rep.Documents, d)
			done = append(done, id)
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(ids))
		}
	}
	l.reindexDocuments(ctx, done)
	return rep, nil
}

func (l *Library) reextractOne(ctx context.Context, id int64) (ReextractedDocument, error) {
	out := ReextractedDocument{ID: id}
	d, err := l.Document(ctx, id)
	if err != nil {
		return out, err
	}
	out.Title, out.OldVersion = d.Title, d.ExtractorVersion
	path := l.FilePath(d)
	if path == "" {
		return out, fmt.Errorf("re-extract document %d: it has no stored original (a metadata-only entry): %w", id, ErrInvalidInput)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return out, fmt.Errorf("re-extract document %d: %w", id, err)
	}
	var ex *importer.Extraction
	switch importer.Kind(d.Kind) {
	case importer.KindPDF:
		// Pages read by OCR are laid out again from their stored words
		// (never read again), with their boxes; scans not read yet stay
		// marked for OCR.
		var words map[int]*importer.OCRPage
		if words, err = l.ocrWords(ctx, id); err != nil {
			return out, err
		}
		ex, err = importer.ExtractPDFWith(ctx, data, importer.ExtractOptions{KeepScanned: true, OCR: words, Boxes: len(words) > 0})
	case importer.KindText:
		ex, err = importer.ReadText(filepath.Base(d.FileName), data)
	default:
		return out, fmt.Errorf("re-extract document %d: documents of kind %q have no text to extract: %w", id, d.Kind, ErrInvalidInput)
	}
	if err != nil {
		return out, fmt.Errorf("re-extract document %d (%s): %w", id, d.FileName, err)
	}
	res, err := l.replacePages(ctx, id, ex.Pages, ex.Version, ex.Engine)
	if err != nil {
		return out, fmt.Errorf("re-extract document %d: %w", id, err)
	}
	// The file's own metadata, read again: it fills what is empty and
	// replaces what it gave before (never a record's or the user's value).
	if err := l.withTx(ctx, func(tx *sql.Tx) error {
		return applyFileMetadata(ctx, tx, id, ex.Metadata, ex.MetadataSources, true)
	}); err != nil {
		return out, fmt.Errorf("re-extract document %d: metadata: %w", id, err)
	}
	out.Pages, out.NewVersion, out.ReanchorResult = len(ex.Pages), ex.Version, res
	return out, nil
}

// replacePages swaps a document's pages for new ones and re-anchors its
// annotations, in one transaction; the document is marked for re-indexing
// (the caller re-indexes it).
func (l *Library) replacePages(ctx context.Context, id int64, pages []importer.PageText, version int, engine string) (ReanchorResult, error) {
	var res ReanchorResult
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		if err := insertPages(ctx, tx, id, pages); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE documents SET page_count = ?, extractor_version = ?, engine = ?, updated_at = ?, indexed = 0 WHERE id = ?",
			len(pages), version, engine, now(), id); err != nil {
			return err
		}
		var err error
		res, err = reanchorDocument(ctx, tx, id)
		return err
	})
	return res, err
}
