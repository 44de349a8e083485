package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// CheckReport is what Check found and, with repair, what it mended.
type CheckReport struct {
	OK            bool     `json:"ok"`
	Documents     int      `json:"documents"`
	Pages         int      `json:"pages"`
	Annotations   int      `json:"annotations"`
	TextBytes     int64    `json:"text_bytes"` // UTF-8 size of all stored page text, uncompressed
	IndexEntries  uint64   `json:"index_entries"`
	ExpectedIndex int      `json:"expected_index_entries"`
	Problems      []string `json:"problems"`
	// Suspect lists metadata values that cannot be what their field
	// holds (a volume "8 1"); they are not integrity problems and leave
	// OK as it is.
	Suspect []SuspectField `json:"suspect_fields"`
	// Issues are the problems again, each with the fix that applies to it.
	Issues   []CheckIssue `json:"issues"`
	Repaired []string     `json:"repaired"`
	// Engines counts the documents by the PDF engine that read their text
	// ("native", "pdfium"; "unknown" for PDFs imported before engines were
	// recorded).
	Engines map[string]int `json:"engines"`
}

// CheckIssue is one problem Check found and what mends it.
type CheckIssue struct {
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
}

// The fixes Check names.
const (
	fixRestoreBackup = "restore a backup (`rapport restore BACKUP.zip NEW-FOLDER`); library.sqlite was left as it is"
	fixReimport      = "import %s again (`rapport import FILE`): Rapport puts the stored original back; or restore a backup"
	fixDamagedFile   = "delete the damaged copy, then import %s again (`rapport import FILE`); or restore a backup"
	fixAnnotations   = "`rapport reextract DOC_ID` re-anchors a document's annotations to its text; `rapport untag ID` removes one"
	fixIndex         = "`rapport check --repair` (or `rapport reindex`) rebuilds the search index from library.sqlite"
)

// CheckOptions tune Check.
type CheckOptions struct {
	Repair      bool // rebuild or complete the search index when it is damaged or behind
	VerifyFiles bool // hash every stored original (slow on large libraries)
}

// Check verifies the library: SQLite's integrity and foreign keys, the
// stored originals, that every annotation still points at its quote, and
// that the search index holds exactly the entries
// SQLite says it should. With Repair, it rebuilds the index from SQLite
// when needed; it never changes library.sqlite's data.
func (l *Library) Check(ctx context.Context, opts CheckOptions) (*CheckReport, error) {
	if l.readOnly {
		return nil, l.errReadOnly()
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	rep := &CheckReport{Problems: []string{}, Issues: []CheckIssue{}, Repaired: []string{}, Suspect: []SuspectField{}}
	fix := fixRestoreBackup
	problem := func(format string, args ...any) {
		p := fmt.Sprintf(format, args...)
		rep.Problems = append(rep.Problems, p)
		rep.Issues = append(rep.Issues, CheckIssue{Problem: p, Fix: fix})
	}

	rows, err := l.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", l.dir, err)
	}
	for rows.Next() {
		var msg string
		rows.Scan(&msg)
		if msg != "ok" {
			problem("database: %s", msg)
		}
	}
	rows.Close()
	fk, err := l.db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", l.dir, err)
	}
	for fk.Next() {
		var table, parent string
		var rowid, fkid any
		fk.Scan(&table, &rowid, &parent, &fkid)
		problem("database: row %v of %s points to a missing %s", rowid, table, parent)
	}
	fk.Close()

	l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents").Scan(&rep.Documents)
	l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM pages").Scan(&rep.Pages)
	l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM annotations").Scan(&rep.Annotations)
	rep.Engines = map[string]int{}
	if rows, err := l.db.QueryContext(ctx, "SELECT CASE WHEN engine = '' THEN 'unknown' ELSE engine END, COUNT(*) FROM documents WHERE kind = 'pdf' GROUP BY 1"); err == nil {
		for rows.Next() {
			var engine string
			var n int
			if rows.Scan(&engine, &n) == nil {
				rep.Engines[engine] = n
			}
		}
		rows.Close()
	}
	l.db.QueryRowContext(ctx, "SELECT COALESCE(SUM(MAX(page_count, 1)), 0) FROM documents").Scan(&rep.ExpectedIndex)
	var mismatched int
	l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents d WHERE page_count <> (SELECT COUNT(*) FROM pages p WHERE p.doc_id = d.id)").Scan(&mismatched)
	if mismatched > 0 {
		problem("database: %d documents whose page count differs from their stored pages", mismatched)
	}

	if rep.TextBytes, err = l.checkPageText(ctx, problem); err != nil {
		return nil, fmt.Errorf("check %s: %w", l.dir, err)
	}

	docs, err := l.Documents(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		rep.Suspect = append(rep.Suspect, SuspectFields(d)...)
		if d.SHA256 == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		path := l.FilePath(d)
		info, err := os.Stat(path)
		switch {
		case err != nil:
			fix = fmt.Sprintf(fixReimport, d.FileName)
			problem("files: original of document %d (%s) is missing: %s", d.ID, d.FileName, path)
		case info.Size() != d.SizeBytes && d.SizeBytes > 0:
			fix = fmt.Sprintf(fixReimport, d.FileName)
			problem("files: original of document %d (%s) has %d bytes, expected %d", d.ID, d.FileName, info.Size(), d.SizeBytes)
		case opts.VerifyFiles:
			if sum, err := fileSHA256(path); err != nil || sum != d.SHA256 {
				fix = fmt.Sprintf(fixDamagedFile, d.FileName)
				problem("files: original of document %d (%s) does not match its SHA-256: %s", d.ID, d.FileName, path)
			}
		}
	}

	coding, err := l.CheckCoding(ctx)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", l.dir, err)
	}
	fix = fixAnnotations
	for _, p := range coding {
		problem("annotations: %s", p)
	}

	fix = fixIndex
	indexProblem := l.checkIndex(ctx, rep)
	if indexProblem != "" {
		problem("index: %s", indexProblem)
		if opts.Repair {
			if err := l.Reindex(ctx, nil); err != nil {
				return nil, fmt.Errorf("repair %s: %w", l.dir, err)
			}
			rep.Repaired = append(rep.Repaired, "rebuilt the search index from library.sqlite")
			if again := l.checkIndex(ctx, rep); again != "" {
				problem("index: still wrong after rebuild: %s", again)
			} else {
				rep.Problems = rep.Problems[:len(rep.Problems)-1]
				rep.Issues = rep.Issues[:len(rep.Issues)-1]
			}
		}
	}
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}

// checkIndex compares the search index with SQLite without repairing it.
func (l *Library) checkIndex(ctx context.Context, rep *CheckReport) string {
	if l.rebuildInterrupted(ctx) {
		return "a rebuild was interrupted; the index may be stale"
	}
	l.idxMu.Lock()
	idx := l.idx
	l.idxMu.Unlock()
	if idx == nil {
		path := filepath.Join(l.dir, IndexDir)
		if _, err := os.Stat(path); err != nil {
			if rep.Documents == 0 {
				return ""
			}
			return "missing"
		}
		opened, reason := openIndex(path)
		if opened == nil {
			return reason
		}
		l.idxMu.Lock()
		l.idx = opened
		l.idxMu.Unlock()
		idx = opened
	}
	var n uint64
	err := guardIndex("count index entries", func() error {
		var err error
		n, err = idx.DocCount()
		return err
	})
	if err != nil {
		return fmt.Sprintf("unreadable: %v", err)
	}
	rep.IndexEntries = n
	var pending int
	l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents WHERE indexed = 0").Scan(&pending)
	if pending > 0 {
		return fmt.Sprintf("%d documents are not indexed yet", pending)
	}
	if int(n) != rep.ExpectedIndex {
		return fmt.Sprintf("holds %d page entries, expected %d", n, rep.ExpectedIndex)
	}
	return ""
}

// Reindex rebuilds the search index from SQLite alone. progress, when set,
// gets documents done and total, from any goroutine.
func (l *Library) Reindex(ctx context.Context, progress func(done, total int)) error {
	if l.readOnly {
		return l.errReadOnly()
	}
	l.idxMu.Lock()
	defer l.idxMu.Unlock()
	if l.idx != nil {
		l.idx.Close()
		l.idx = nil
	}
	path := filepath.Join(l.dir, IndexDir)
	idx, err := l.rebuildIndex(ctx, path, progress)
	if err != nil {
		// A rebuild that stopped (cancelled, failed) leaves the old index
		// as it was: it serves again, unless the rebuild could not say
		// so (the marker stands) and the next use rebuilds it.
		if !l.rebuildInterrupted(context.Background()) {
			if old, _ := openIndex(path); old != nil {
				l.idx = old
				if errors.Is(err, context.Canceled) {
					return fmt.Errorf("reindex %s: stopped before it finished; the search index it was to replace is in use again: %w", l.dir, context.Canceled)
				}
			}
		}
		return fmt.Errorf("reindex %s: %w", l.dir, err)
	}
	l.idx = idx
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkPageText reads back every stored page's text and returns its
// total size in bytes.
func (l *Library) checkPageText(ctx context.Context, problem func(string, ...any)) (textBytes int64, err error) {
	rows, err := l.db.QueryContext(ctx, "SELECT doc_id, page, text_z FROM pages")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var doc int64
		var page int
		var stored []byte
		if err := rows.Scan(&doc, &page, &stored); err != nil {
			return 0, err
		}
		text, err := decompressPageText(stored)
		if err != nil {
			problem("database: document %d page %d: %v", doc, page, err)
		}
		textBytes += int64(len(text))
	}
	return textBytes, rows.Err()
}
