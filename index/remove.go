package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/rapport-qda/rapport/internal/atomicfile"
)

// Removing documents.
//
// RemoveDocuments deletes documents with their pages, annotations and
// notes as one undoable step (history.go records every row). The search
// index follows at once, and a removal the index has not caught up with
// yet (Rapport stopped in between) is finished by the next search: the
// ids wait in the settings table (indexRemovalsKey).
//
// A removed document's original leaves files/ for removed/ as long as a
// history step can bring it back (the step lists it in held_files), goes
// back to files/ when undo restores the document, and is deleted once no
// document uses it and no step holds it any more: when the step is pruned
// from the history or dropped with the redo steps. settleFiles makes the
// folders match the database for the files a change concerns, so a move
// cut short is finished the next time (Open sweeps removed/).

// RemovedDir is the folder of originals that only the history still
// needs.
const RemovedDir = "removed"

// indexRemovalsKey names, in settings, the documents whose index entries
// must go.
const indexRemovalsKey = "index_pending_removals"

// RemovalSummary says what removing one document takes with it.
type RemovalSummary struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	File        string `json:"file,omitempty"`
	Pages       int    `json:"pages"`
	Annotations int    `json:"annotations"`
	Notes       int    `json:"notes"`
}

// RemoveReport is what RemoveDocuments removed.
type RemoveReport struct {
	Removed     []RemovalSummary `json:"removed"`
	Annotations int              `json:"annotations"`
	Notes       int              `json:"notes"`
}

// PreviewRemoval says what removing the documents would take with them,
// without changing anything. An unknown id is an error naming it.
func (l *Library) PreviewRemoval(ctx context.Context, ids []int64) (*RemoveReport, error) {
	return previewRemoval(ctx, l.db, uniqueIDs(ids))
}

// RemoveDocuments removes documents with their pages, annotations and
// notes, and their index entries, as one undoable step. Either all are
// removed or, when one id is unknown, none.
func (l *Library) RemoveDocuments(ctx context.Context, ids []int64) (*RemoveReport, error) {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, fmt.Errorf("remove: no document named: %w", ErrInvalidInput)
	}
	var rep *RemoveReport
	err := l.change(ctx, "Remove documents", func(r *changeRecorder) error {
		var err error
		// Counted in the transaction, so that they are what goes.
		rep, err = previewRemoval(ctx, r.tx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := removeDocumentTx(r, id); err != nil {
				return fmt.Errorf("remove document %d: %w", id, err)
			}
		}
		r.label = removalLabel(rep)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func previewRemoval(ctx context.Context, q queryRower, ids []int64) (*RemoveReport, error) {
	rep := &RemoveReport{Removed: []RemovalSummary{}}
	for _, id := range ids {
		var s RemovalSummary
		err := q.QueryRowContext(ctx, `SELECT d.id, d.title, d.file_name, d.page_count,
	(SELECT COUNT(*) FROM annotations a WHERE a.doc_id = d.id),
	(SELECT COUNT(*) FROM doc_notes n WHERE n.doc_id = d.id)
FROM documents d WHERE d.id = ?`, id).Scan(&s.ID, &s.Title, &s.File, &s.Pages, &s.Annotations, &s.Notes)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("remove document %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("remove document %d: %w", id, err)
		}
		rep.Removed = append(rep.Removed, s)
		rep.Annotations += s.Annotations
		rep.Notes += s.Notes
	}
	return rep, nil
}

func removalLabel(rep *RemoveReport) string {
	if len(rep.Removed) == 1 {
		t := rep.Removed[0].Title
		if t == "" {
			t = rep.Removed[0].File
		}
		return fmt.Sprintf("Remove “%s”", shortQuote(t))
	}
	return fmt.Sprintf("Remove %d documents", len(rep.Removed))
}

// removeDocumentTx records and deletes one document's rows, children
// first.
func removeDocumentTx(r *changeRecorder, id int64) error {
	ctx, tx := r.ctx, r.tx
	steps := []struct{ table, where string }{
		{"annotation_themes", "annotation_id IN (SELECT id FROM annotations WHERE doc_id = ?)"},
		{"annotations", "doc_id = ?"},
		{"doc_notes", "doc_id = ?"},
		{"consensus_decisions", "doc_id = ?"},
		{"page_boxes", "doc_id = ?"},
		{"pdf_marks", "doc_id = ?"},
		{"ocr_pages", "doc_id = ?"},
		{"pages", "doc_id = ?"},
		{"documents", "id = ?"},
	}
	for _, s := range steps {
		if err := r.touchWhere(s.table, s.where, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+s.table+" WHERE "+s.where, id); err != nil {
			return fmt.Errorf("delete %s: %w", s.table, err)
		}
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// removedDocuments lists, from a change's undo and redo images (in the
// order the rows were touched), the documents it deleted and the
// originals they leave to the history.
func removedDocuments(undo, redo []rowOp) (ids []int64, held []string) {
	for i := range undo {
		if undo[i].Table != "documents" || undo[i].Partial || undo[i].Row == nil || redo[i].Row != nil {
			continue
		}
		ids = append(ids, undo[i].Key[0])
		if sha, _ := undo[i].Row["sha256"].(string); shaPattern.MatchString(sha) && !slices.Contains(held, sha) {
			held = append(held, sha)
		}
	}
	return ids, held
}

// deletedDocuments lists the documents a replayed step deletes.
func deletedDocuments(ops []rowOp) []int64 {
	var ids []int64
	for _, op := range ops {
		if op.Table == "documents" && !op.Partial && op.Row == nil {
			ids = append(ids, op.Key[0])
		}
	}
	return ids
}

// checkRestorable refuses to bring a document back when its id or its
// file now belong to another document (the file was imported again after
// the removal), with a message that says what to do.
func checkRestorable(ctx context.Context, tx *sql.Tx, ops []rowOp) error {
	for _, op := range ops {
		if op.Table != "documents" || op.Partial || op.Row == nil {
			continue
		}
		id := op.Key[0]
		var imported string
		err := tx.QueryRowContext(ctx, "SELECT imported_at FROM documents WHERE id = ?", id).Scan(&imported)
		if err == nil && imported != fmt.Sprint(op.Row["imported_at"]) {
			return fmt.Errorf("document %d cannot come back: another document has its id: %w", id, ErrInvalidInput)
		}
		if sha, _ := op.Row["sha256"].(string); sha != "" {
			var other int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE sha256 = ? AND id <> ?", sha, id).Scan(&other)
			if err == nil {
				return fmt.Errorf("document %d cannot come back: its file %s was imported again as document %d; remove document %d first: %w",
					id, fmt.Sprint(op.Row["file_name"]), other, other, ErrInvalidInput)
			}
		}
	}
	return nil
}

// addIndexRemovals records, in tx, documents whose index entries must go.
func addIndexRemovals(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	pending, err := readIndexRemovals(ctx, tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(pending, id) {
			pending = append(pending, id)
		}
	}
	b, _ := json.Marshal(pending)
	if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", indexRemovalsKey, string(b)); err != nil {
		return fmt.Errorf("record index removals: %w", err)
	}
	return nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readIndexRemovals(ctx context.Context, q queryRower) ([]int64, error) {
	var s string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", indexRemovalsKey).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read index removals: %w", err)
	}
	var ids []int64
	json.Unmarshal([]byte(s), &ids) // a damaged list is dropped: a rebuild mends the index
	return ids, nil
}

// indexRemovals takes the entries of removed documents out of the index
// (a document that came back meanwhile is indexed again instead), then
// forgets the ids it handled.
func (l *Library) indexRemovals(ctx context.Context, idx bleve.Index) error {
	ids, err := readIndexRemovals(ctx, l.db)
	if err != nil || len(ids) == 0 {
		return err
	}
	if err := l.indexDocuments(ctx, idx, ids); err != nil {
		return err
	}
	return l.withTx(ctx, func(tx *sql.Tx) error {
		pending, err := readIndexRemovals(ctx, tx)
		if err != nil {
			return err
		}
		var left []int64
		for _, id := range pending {
			if !slices.Contains(ids, id) {
				left = append(left, id)
			}
		}
		if len(left) == 0 {
			_, err = tx.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", indexRemovalsKey)
			return err
		}
		b, _ := json.Marshal(left)
		_, err = tx.ExecContext(ctx, "UPDATE settings SET value = ? WHERE key = ?", string(b), indexRemovalsKey)
		return err
	})
}

// removedPath is where an original waits while only the history needs it.
func (l *Library) removedPath(sha, fileName string) string {
	return filepath.Join(l.dir, RemovedDir, filepath.Base(l.blobPath(sha, fileName)))
}

// settleFiles puts the originals named by SHA-256 where the database says
// they belong. It does so under the write lock, so that no import stores
// or reuses one of them meanwhile; when an import holds the lock they
// wait for the next settle (or Close).
func (l *Library) settleFiles(ctx context.Context, shas []string) {
	l.fileMu.Lock()
	for _, s := range shas {
		if shaPattern.MatchString(s) {
			if l.unsettled == nil {
				l.unsettled = map[string]bool{}
			}
			l.unsettled[s] = true
		}
	}
	empty := len(l.unsettled) == 0
	l.fileMu.Unlock()
	if empty || !l.writeMu.TryLock() {
		return
	}
	defer l.writeMu.Unlock()
	l.settleLocked(ctx)
}

// settleLocked settles the files waiting to be (the caller holds writeMu).
func (l *Library) settleLocked(ctx context.Context) {
	l.fileMu.Lock()
	shas := make([]string, 0, len(l.unsettled))
	for s := range l.unsettled {
		shas = append(shas, s)
	}
	l.unsettled = nil
	l.fileMu.Unlock()
	var failed []string
	for _, sha := range shas {
		if err := l.settleFile(ctx, sha); err != nil {
			failed = append(failed, sha)
			l.notify(fmt.Sprintf("The original %s could not be put in its place (%v); Rapport tries again on the next start.", sha[:12], err))
		}
	}
	if len(failed) > 0 {
		l.fileMu.Lock()
		if l.unsettled == nil {
			l.unsettled = map[string]bool{}
		}
		for _, s := range failed {
			l.unsettled[s] = true
		}
		l.fileMu.Unlock()
	}
}

// settleFile puts one original in files/ when a document uses it, in
// removed/ when only a history step holds it, and deletes it otherwise.
func (l *Library) settleFile(ctx context.Context, sha string) error {
	var name string
	err := l.db.QueryRowContext(ctx, "SELECT file_name FROM documents WHERE sha256 = ?", sha).Scan(&name)
	used := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var held int
	if !used {
		if err := l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM history WHERE held_files LIKE ?", "%"+sha+"%").Scan(&held); err != nil {
			return err
		}
	}
	live, _ := filepath.Glob(filepath.Join(l.dir, FilesDir, sha[:2], sha+"*"))
	aside, _ := filepath.Glob(filepath.Join(l.dir, RemovedDir, sha+"*"))
	switch {
	case used:
		want := l.blobPath(sha, name)
		if _, err := os.Stat(want); err == nil {
			return removeAll(aside)
		}
		if len(aside) == 0 {
			return nil // missing: `rapport check` says so
		}
		return moveFile(aside[0], want)
	case held > 0:
		if len(live) == 0 {
			return nil
		}
		if len(aside) > 0 {
			return removeAll(live)
		}
		return moveFile(live[0], filepath.Join(l.dir, RemovedDir, filepath.Base(live[0])))
	default:
		return removeAll(append(live, aside...))
	}
}

func moveFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	if err := os.Rename(from, to); err != nil {
		return err
	}
	atomicfile.SyncDir(filepath.Dir(to))
	atomicfile.SyncDir(filepath.Dir(from))
	return nil
}

func removeAll(paths []string) error {
	var errs []error
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sweepFiles settles every original in removed/ and every one a history
// step holds (on Open: a move cut short by a crash, or one that waited
// for an import to finish).
func (l *Library) sweepFiles(ctx context.Context) error {
	var shas []string
	entries, err := os.ReadDir(filepath.Join(l.dir, RemovedDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", RemovedDir, err)
	}
	for _, e := range entries {
		if sha, _, _ := strings.Cut(e.Name(), "."); shaPattern.MatchString(sha) {
			shas = append(shas, sha)
		}
	}
	rows, err := l.db.QueryContext(ctx, "SELECT held_files FROM history WHERE held_files <> ''")
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	for rows.Next() {
		var held string
		if err := rows.Scan(&held); err != nil {
			rows.Close()
			return fmt.Errorf("read history: %w", err)
		}
		shas = append(shas, strings.Fields(held)...)
	}
	rows.Close()
	if len(shas) == 0 {
		return nil
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	l.fileMu.Lock()
	if l.unsettled == nil {
		l.unsettled = map[string]bool{}
	}
	for _, s := range shas {
		l.unsettled[s] = true
	}
	l.fileMu.Unlock()
	l.settleLocked(ctx)
	return nil
}
