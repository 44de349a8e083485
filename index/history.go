package index

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Undo and redo.
//
// Every change a user makes to the codebook, to annotations or to document
// notes goes through Library.change, which runs it in one SQLite
// transaction and records, in the same transaction, the image of every row
// it touched before and after (table history: undo holds the before-images
// in reverse order, redo the after-images in order). Undo writes the
// before-images back, redo the after-images; both are one transaction
// too, and re-index the documents whose coding they change. A new change
// drops the steps that were undone (the redo stack), as editors do.

// ErrNothingToUndo and ErrNothingToRedo say the history has no step to
// undo or redo.
var (
	ErrNothingToUndo = errors.New("nothing to undo")
	ErrNothingToRedo = errors.New("nothing to redo")
)

// historyKeep is how many steps the history keeps (a variable so that
// tests can prune sooner).
var historyKeep = 1000

// HistoryEntry is one undoable step.
type HistoryEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Label  string    `json:"label"`
	Undone bool      `json:"undone"`
	// Coder is who made the change (Library.Author when it was made).
	Coder string `json:"coder,omitempty"`
}

// historyTables are the tables changes record, with their primary keys.
var historyTables = map[string][]string{
	"themes":              {"id"},
	"annotations":         {"id"},
	"annotation_themes":   {"annotation_id", "theme_id"},
	"doc_notes":           {"id"},
	"documents":           {"id"},
	"pages":               {"doc_id", "page"},
	"page_boxes":          {"doc_id", "page"},
	"pdf_marks":           {"id"},
	"ocr_pages":           {"doc_id", "page"},
	"coders":              {"id"},
	"consensus_decisions": {"id"},
}

// blobColumns are the BLOB columns of recorded tables: their images keep
// the bytes (see blobValue).
// (documents.abstract is a BLOB when stored compressed: abstractstore.go.)
var blobColumns = map[string]bool{"pages.text_z": true, "page_boxes.boxes_z": true, "ocr_pages.words_z": true, "documents.abstract": true}

// blobValue is a BLOB in a row image; it is written to the history as
// {"b64": "…"} and read back as bytes.
type blobValue []byte

func (b blobValue) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string][]byte{"b64": b})
}

// rowImage is one row as a column → value map; nil means "no such row".
type rowImage map[string]any

// rowOp writes one row image: Row nil deletes the row. A partial image
// (Partial) holds some of the row's columns and updates only those.
type rowOp struct {
	Table   string   `json:"t"`
	Key     []int64  `json:"k"`
	Row     rowImage `json:"r"`
	Partial bool     `json:"p,omitempty"`
}

type touchedRow struct {
	table  string
	key    []int64
	cols   []string // nil: the whole row
	before rowImage
}

// changeRecorder collects the rows one change touches.
type changeRecorder struct {
	ctx     context.Context
	tx      *sql.Tx
	rows    []*touchedRow
	seen    map[string]bool
	reindex map[int64]bool // documents to re-index besides those the images name
	// label, when fn sets it, names the step instead of change's label
	// (one that depends on what the transaction found).
	label string
	// deferIndex leaves the changed documents marked for re-indexing
	// (the next search indexes them) instead of indexing them at once.
	deferIndex bool
	// stmts holds the statements prepared in this change, by their SQL,
	// so that a change touching thousands of rows (an import) parses
	// each statement once.
	stmts map[string]*sql.Stmt
}

// stmt returns the change's prepared statement for query.
func (r *changeRecorder) stmt(query string) (*sql.Stmt, error) {
	if st, ok := r.stmts[query]; ok {
		return st, nil
	}
	st, err := r.tx.PrepareContext(r.ctx, query)
	if err != nil {
		return nil, err
	}
	if r.stmts == nil {
		r.stmts = map[string]*sql.Stmt{}
	}
	r.stmts[query] = st
	return st, nil
}

// exec runs a statement of the change, prepared once.
func (r *changeRecorder) exec(query string, args ...any) (sql.Result, error) {
	st, err := r.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(r.ctx, args...)
}

// closeStmts closes the change's prepared statements.
func (r *changeRecorder) closeStmts() {
	for _, st := range r.stmts {
		st.Close()
	}
	r.stmts = nil
}

func rowKey(table string, key []int64) string { return fmt.Sprint(table, key) }

// touch records the row's image before the change; call it before
// updating or deleting a row. Touching a row twice keeps the first image.
func (r *changeRecorder) touch(table string, key ...int64) error {
	k := rowKey(table, key)
	if r.seen[k] {
		return nil
	}
	img, err := readRowWith(r.ctx, r.tx, r.stmt, table, key, nil)
	if err != nil {
		return err
	}
	r.seen[k] = true
	r.rows = append(r.rows, &touchedRow{table: table, key: key, before: img})
	return nil
}

// touchColumns records some columns of an existing row before the change
// updates them; undo writes back only those columns, so that changes the
// history does not record (a metadata import) to the row's other columns
// survive it. Touching the row again adds columns.
func (r *changeRecorder) touchColumns(table string, cols []string, key ...int64) error {
	k := rowKey(table, key)
	var row *touchedRow
	for _, t := range r.rows {
		if rowKey(t.table, t.key) == k {
			row = t
		}
	}
	if row == nil && r.seen[k] {
		return nil // the whole row is recorded already
	}
	var missing []string
	for _, c := range cols {
		if row == nil || !contains(row.cols, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	img, err := readRowWith(r.ctx, r.tx, r.stmt, table, key, missing)
	if err != nil {
		return err
	}
	if img == nil {
		return fmt.Errorf("%s %v: %w", table, key, ErrNotFound)
	}
	if row == nil {
		r.seen[k] = true
		r.rows = append(r.rows, &touchedRow{table: table, key: key, cols: missing, before: img})
		return nil
	}
	row.cols = append(row.cols, missing...)
	for c, v := range img {
		row.before[c] = v
	}
	return nil
}

// created records a row the change inserted (it had no image before).
func (r *changeRecorder) created(table string, key ...int64) {
	k := rowKey(table, key)
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.rows = append(r.rows, &touchedRow{table: table, key: key})
}

// touchWhere touches every row of table matching where (a condition on its
// columns).
func (r *changeRecorder) touchWhere(table, where string, args ...any) error {
	keys, err := selectKeys(r.ctx, r.tx, table, where, args...)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := r.touch(table, k...); err != nil {
			return err
		}
	}
	return nil
}

// reindexDocument asks for a document to be re-indexed after the change.
func (r *changeRecorder) reindexDocument(id int64) { r.reindex[id] = true }

func selectKeys(ctx context.Context, tx *sql.Tx, table, where string, args ...any) ([][]int64, error) {
	cols := historyTables[table]
	rows, err := tx.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+table+" WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	var keys [][]int64
	for rows.Next() {
		k := make([]int64, len(cols))
		ptrs := make([]any, len(cols))
		for i := range k {
			ptrs[i] = &k[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// readRow reads one row's image, nil when there is none.
func readRow(ctx context.Context, tx *sql.Tx, table string, key []int64) (rowImage, error) {
	return readRowColumns(ctx, tx, table, key, nil)
}

// readRowColumns reads some columns of one row (all when columns is nil),
// nil when there is no such row.
func readRowColumns(ctx context.Context, tx *sql.Tx, table string, key []int64, columns []string) (rowImage, error) {
	return readRowWith(ctx, tx, nil, table, key, columns)
}

// readRowWith is readRowColumns with its statement prepared by prepare
// (nil: a statement of its own).
func readRowWith(ctx context.Context, tx *sql.Tx, prepare func(string) (*sql.Stmt, error), table string, key []int64, columns []string) (rowImage, error) {
	cols := historyTables[table]
	if cols == nil {
		return nil, fmt.Errorf("history: table %s is not recorded", table)
	}
	what := "*"
	if columns != nil {
		what = strings.Join(columns, ", ")
	}
	var conds []string
	args := make([]any, len(key))
	for i, c := range cols {
		conds = append(conds, c+" = ?")
		args[i] = key[i]
	}
	query := "SELECT " + what + " FROM " + table + " WHERE " + strings.Join(conds, " AND ")
	var rows *sql.Rows
	var err error
	if prepare != nil {
		var st *sql.Stmt
		if st, err = prepare(query); err == nil {
			rows, err = st.QueryContext(ctx, args...)
		}
	} else {
		rows, err = tx.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %v: %w", table, key, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return nil, rows.Err()
	}
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("read %s %v: %w", table, key, err)
	}
	img := rowImage{}
	for i, n := range names {
		if b, ok := vals[i].([]byte); ok {
			if blobColumns[table+"."+n] {
				vals[i] = blobValue(b)
			} else {
				vals[i] = string(b)
			}
		}
		img[n] = vals[i]
	}
	return img, rows.Err()
}

// writeRow makes the row hold img, or deletes it when img is nil.
func writeRow(ctx context.Context, tx *sql.Tx, op rowOp) error {
	cols := historyTables[op.Table]
	if cols == nil || len(op.Key) != len(cols) {
		return fmt.Errorf("history: bad row %s %v", op.Table, op.Key)
	}
	if op.Row == nil {
		var conds []string
		args := make([]any, len(cols))
		for i, c := range cols {
			conds = append(conds, c+" = ?")
			args[i] = op.Key[i]
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM "+op.Table+" WHERE "+strings.Join(conds, " AND "), args...)
		return err
	}
	names := make([]string, 0, len(op.Row))
	for n := range op.Row {
		names = append(names, n)
	}
	sort.Strings(names)
	if op.Partial {
		var sets []string
		var args []any
		for _, n := range names {
			sets = append(sets, n+" = ?")
			args = append(args, op.Row[n])
		}
		var conds []string
		for i, c := range cols {
			conds = append(conds, c+" = ?")
			args = append(args, op.Key[i])
		}
		_, err := tx.ExecContext(ctx, "UPDATE "+op.Table+" SET "+strings.Join(sets, ", ")+" WHERE "+strings.Join(conds, " AND "), args...)
		return err
	}
	args := make([]any, len(names))
	var sets []string
	for i, n := range names {
		args[i] = op.Row[n]
		if !contains(cols, n) {
			sets = append(sets, n+" = excluded."+n)
		}
	}
	q := "INSERT INTO " + op.Table + " (" + strings.Join(names, ", ") + ") VALUES (" + placeholders(len(names)) + ") ON CONFLICT (" + strings.Join(cols, ", ") + ") DO "
	if len(sets) == 0 {
		q += "NOTHING"
	} else {
		q += "UPDATE SET " + strings.Join(sets, ", ")
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

// decodeOps reads a list of row operations, turning JSON numbers back into
// int64 (or float64) as SQLite gave them.
func decodeOps(s string) ([]rowOp, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var ops []rowOp
	if err := dec.Decode(&ops); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, op := range ops {
		for k, v := range op.Row {
			if b, ok := v.(map[string]any); ok && len(b) == 1 {
				if s, ok := b["b64"].(string); ok {
					raw, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						return nil, fmt.Errorf("history: %s.%s: %w", op.Table, k, err)
					}
					op.Row[k] = raw
					continue
				}
			}
			if n, ok := v.(json.Number); ok {
				if i, err := n.Int64(); err == nil {
					op.Row[k] = i
				} else if f, err := n.Float64(); err == nil {
					op.Row[k] = f
				}
			}
		}
	}
	return ops, nil
}

func encodeOps(ops []rowOp) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(ops)
	return strings.TrimSpace(b.String())
}

// change runs fn as one recorded, undoable step labelled label, in one
// transaction, then re-indexes the documents whose coding it changed.
func (l *Library) change(ctx context.Context, label string, fn func(r *changeRecorder) error) error {
	var docs []int64
	var files []string // originals whose place (files/, removed/, gone) may change
	deferIndex := false
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		r := &changeRecorder{ctx: ctx, tx: tx, seen: map[string]bool{}, reindex: map[int64]bool{}}
		defer r.closeStmts()
		if err := fn(r); err != nil {
			return err
		}
		deferIndex = r.deferIndex
		if r.label != "" {
			label = r.label
		}
		var undo, redo []rowOp
		var changed []rowOp // before and after images, for the documents they concern
		for _, row := range r.rows {
			after, err := readRowWith(ctx, tx, r.stmt, row.table, row.key, row.cols)
			if err != nil {
				return err
			}
			if sameImage(row.before, after) {
				continue
			}
			partial := row.cols != nil
			undo = append(undo, rowOp{Table: row.table, Key: row.key, Row: row.before, Partial: partial})
			redo = append(redo, rowOp{Table: row.table, Key: row.key, Row: after, Partial: partial})
			changed = append(changed, rowOp{Table: row.table, Key: row.key, Row: row.before, Partial: partial}, rowOp{Table: row.table, Key: row.key, Row: after, Partial: partial})
		}
		var err error
		docs, err = affectedDocuments(ctx, tx, changed, r.reindex)
		if err != nil {
			return err
		}
		if err := markUnindexed(ctx, tx, docs); err != nil {
			return err
		}
		if len(redo) == 0 {
			return nil // nothing changed: no step to undo
		}
		removed, held := removedDocuments(undo, redo)
		if err := addIndexRemovals(ctx, tx, removed); err != nil {
			return err
		}
		files = append(files, held...)
		for i, j := 0, len(undo)-1; i < j; i, j = i+1, j-1 {
			undo[i], undo[j] = undo[j], undo[i]
		}
		dropped, err := dropHistory(ctx, tx, "undone = 1")
		if err != nil {
			return err
		}
		files = append(files, dropped...)
		if _, err := tx.ExecContext(ctx, "INSERT INTO history (at, label, undo, redo, held_files, coder) VALUES (?, ?, ?, ?, ?, ?)",
			now(), label, encodeOps(undo), encodeOps(redo), strings.Join(held, " "), l.Author); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		dropped, err = dropHistory(ctx, tx, fmt.Sprintf("id <= (SELECT MAX(id) FROM history) - %d", historyKeep))
		files = append(files, dropped...)
		return err
	})
	if err != nil {
		return err
	}
	if !deferIndex {
		l.reindexDocuments(ctx, docs)
	}
	l.settleFiles(ctx, files)
	return nil
}

// dropHistory deletes the steps matching where and returns the originals
// they held aside (see remove.go), whose place may change now.
func dropHistory(ctx context.Context, tx *sql.Tx, where string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "DELETE FROM history WHERE "+where+" RETURNING held_files")
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var files []string
	for rows.Next() {
		var held string
		if err := rows.Scan(&held); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		files = append(files, strings.Fields(held)...)
	}
	return files, rows.Err()
}

func sameImage(a, b rowImage) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || fmt.Sprint(v) != fmt.Sprint(w) {
			return false
		}
	}
	return true
}

// affectedDocuments lists the documents whose index entries row changes
// alter: those of changed annotations and notes, and those coded with a
// theme whose name changed.
func affectedDocuments(ctx context.Context, tx *sql.Tx, ops []rowOp, extra map[int64]bool) ([]int64, error) {
	docs := map[int64]bool{}
	for id := range extra {
		docs[id] = true
	}
	themeNames := map[int64]map[string]bool{}
	docOf := map[int64]int64{} // annotation id → document, from the annotations' own images
	for _, op := range ops {
		if op.Table == "annotations" && op.Row != nil {
			docOf[op.Key[0]] = toInt64(op.Row["doc_id"])
		}
	}
	for _, op := range ops {
		switch op.Table {
		case "annotations", "doc_notes":
			if op.Row != nil {
				docs[toInt64(op.Row["doc_id"])] = true
			}
		case "documents", "pages", "page_boxes", "ocr_pages":
			docs[op.Key[0]] = true
		case "annotation_themes":
			if doc, ok := docOf[op.Key[0]]; ok {
				docs[doc] = true
				continue
			}
			var doc int64
			if err := tx.QueryRowContext(ctx, "SELECT doc_id FROM annotations WHERE id = ?", op.Key[0]).Scan(&doc); err == nil {
				docs[doc] = true
				docOf[op.Key[0]] = doc
			}
		case "themes":
			if themeNames[op.Key[0]] == nil {
				themeNames[op.Key[0]] = map[string]bool{}
			}
			// Pages carry the names of their themes and of the themes'
			// parents: a new name or a new parent changes what they hold.
			place := ""
			if op.Row != nil {
				place = fmt.Sprint(op.Row["name"], "\x1f", op.Row["parent_id"])
			}
			themeNames[op.Key[0]][place] = true
		}
	}
	for id, names := range themeNames {
		if len(names) < 2 {
			continue // neither name nor parent changed
		}
		ids, err := txIDs(ctx, tx, `
WITH RECURSIVE sub(id, depth) AS (
	SELECT ?, 0
	UNION SELECT t.id, sub.depth + 1 FROM themes t JOIN sub ON t.parent_id = sub.id WHERE sub.depth < 32
)
SELECT DISTINCT a.doc_id FROM annotations a JOIN annotation_themes at ON at.annotation_id = a.id
WHERE at.theme_id IN (SELECT id FROM sub)`, id)
		if err != nil {
			return nil, err
		}
		for _, d := range ids {
			docs[d] = true
		}
	}
	out := make([]int64, 0, len(docs))
	for id := range docs {
		if id > 0 {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func txIDs(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// markUnindexed marks documents for re-indexing inside tx, so that a crash
// before the index is updated is mended on the next search.
func markUnindexed(ctx context.Context, tx *sql.Tx, docs []int64) error {
	if len(docs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE documents SET indexed = 0 WHERE id IN ("+placeholders(len(docs))+")", int64sToAny(docs)...)
	return err
}

// reindexDocuments brings the search index up to date for docs after a
// committed change. The change is durable already; an index that cannot
// be updated now is mended on the next search (the documents stay marked
// unindexed), so a failure here is a notice, not an error.
func (l *Library) reindexDocuments(ctx context.Context, docs []int64) {
	if len(docs) == 0 || testHookSkipReindex != nil && testHookSkipReindex() {
		return
	}
	idx, err := l.searchIndex(ctx)
	if err == nil {
		err = l.indexDocuments(ctx, idx, docs)
	}
	if err != nil {
		l.notify(fmt.Sprintf("The search index could not be updated (%v); it will be on the next search.", err))
	}
}

// testHookSkipReindex lets a test stop a change before the index follows
// it, as a crash would.
var testHookSkipReindex func() bool

// Undo reverts the latest step not yet undone and returns it.
func (l *Library) Undo(ctx context.Context) (HistoryEntry, error) {
	return l.replay(ctx, true)
}

// Redo re-applies the earliest undone step and returns it.
func (l *Library) Redo(ctx context.Context) (HistoryEntry, error) {
	return l.replay(ctx, false)
}

func (l *Library) replay(ctx context.Context, undo bool) (HistoryEntry, error) {
	var e HistoryEntry
	var docs []int64
	var files []string
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		q := "SELECT id, at, label, undo, held_files FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1"
		if !undo {
			q = "SELECT id, at, label, redo, held_files FROM history WHERE undone = 1 ORDER BY id LIMIT 1"
		}
		var at, opsJSON, held string
		err := tx.QueryRowContext(ctx, q).Scan(&e.ID, &at, &e.Label, &opsJSON, &held)
		if errors.Is(err, sql.ErrNoRows) {
			if undo {
				return ErrNothingToUndo
			}
			return ErrNothingToRedo
		}
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		ops, err := decodeOps(opsJSON)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
			return err
		}
		var changed []rowOp
		for _, op := range ops {
			before, err := readRow(ctx, tx, op.Table, op.Key)
			if err != nil {
				return err
			}
			changed = append(changed, rowOp{Table: op.Table, Key: op.Key, Row: before})
		}
		if err := checkRestorable(ctx, tx, ops); err != nil {
			return fmt.Errorf("%s %q: %w", map[bool]string{true: "undo", false: "redo"}[undo], e.Label, err)
		}
		var restored []int64
		for _, op := range ops {
			if err := writeRow(ctx, tx, op); err != nil {
				return fmt.Errorf("%s %q: %w", map[bool]string{true: "undo", false: "redo"}[undo], e.Label, err)
			}
			changed = append(changed, op)
			if op.Table == "annotations" && op.Row != nil {
				restored = append(restored, op.Key[0])
			}
		}
		// Rows written back may predate a re-extraction of their document:
		// anchor them to the text the document has now.
		if err := reanchorIfMoved(ctx, tx, restored); err != nil {
			return err
		}
		docs, err = affectedDocuments(ctx, tx, changed, nil)
		if err != nil {
			return err
		}
		if err := markUnindexed(ctx, tx, docs); err != nil {
			return err
		}
		if err := addIndexRemovals(ctx, tx, deletedDocuments(ops)); err != nil {
			return err
		}
		files = strings.Fields(held)
		e.Undone = undo
		_, err = tx.ExecContext(ctx, "UPDATE history SET undone = ? WHERE id = ?", boolInt(undo), e.ID)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrNothingToUndo) || errors.Is(err, ErrNothingToRedo) {
			return e, err
		}
		return e, fmt.Errorf("%s: %w", map[bool]string{true: "undo", false: "redo"}[undo], err)
	}
	l.reindexDocuments(ctx, docs)
	l.settleFiles(ctx, files)
	return e, nil
}

// History lists the most recent steps, newest first.
func (l *Library) History(ctx context.Context, limit int) ([]HistoryEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := l.db.QueryContext(ctx, "SELECT id, at, label, undone, coder FROM history ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	out := []HistoryEntry{}
	for rows.Next() {
		var e HistoryEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Label, &e.Undone, &e.Coder); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
