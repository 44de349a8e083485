package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Annotations and document notes. Every write is one transaction and one
// undoable step (see history.go), and re-indexes the document it touches.

// TagRequest asks for a passage to be coded.
type TagRequest struct {
	DocID int64
	// Quote is the passage as the user has it: it is looked for in the
	// document's pages ignoring white space, line breaks, hyphenation,
	// ligatures and quotation-mark style; the annotation stores the page's
	// exact text for the span found.
	Quote string
	// Page limits the search to one page (1-based); 0 searches them all.
	// A quote found more than once needs a Page (or more text).
	Page int
	// Start and End, when End > Start and Page is set, give the span
	// itself in code points of the page's NFC text (a selection in the
	// window); Quote, if also given, must be what the span holds.
	Start, End int
	Themes     []string // one or more theme names
	Note       string
	Author     string // "" uses Library.Author
	// Rect, with Page, codes an area of the page instead of a passage: a
	// rectangle in PDF user space (points, origin bottom-left), kept
	// within the page as displayed. Quote, Start and End are then unused.
	Rect *Rect
}

// AnnotationUpdate changes an annotation; nil or empty fields stay.
type AnnotationUpdate struct {
	Note         *string
	Themes       []string // non-nil replaces the themes (at least one)
	AddThemes    []string
	RemoveThemes []string
}

// AnnotationFilter selects annotations; zero fields select all.
type AnnotationFilter struct {
	DocID int64
	Page  int
	Theme string
	// WithSubthemes also selects annotations coded with a sub-theme of
	// Theme (at any depth).
	WithSubthemes bool
	OrphanedOnly  bool
	// Coder selects one coder's annotations (without regard to case);
	// NoCoder selects those that record none.
	Coder string
}

// AmbiguousQuoteError says a quote was found more than once.
type AmbiguousQuoteError struct {
	Quote string
	Pages []int // the pages it was found on, one entry per occurrence
}

func (e *AmbiguousQuoteError) Error() string {
	counts := map[int]int{}
	var pages []int
	for _, p := range e.Pages {
		if counts[p] == 0 {
			pages = append(pages, p)
		}
		counts[p]++
	}
	var parts []string
	for _, p := range pages {
		if counts[p] > 1 {
			parts = append(parts, fmt.Sprintf("%d (%d times)", p, counts[p]))
		} else {
			parts = append(parts, fmt.Sprint(p))
		}
	}
	if len(pages) == 1 {
		return fmt.Sprintf("quote %q is found %d times on page %s; quote more of the passage so that it is found once", shortQuote(e.Quote), len(e.Pages), fmt.Sprint(pages[0]))
	}
	return fmt.Sprintf("quote %q is found on several pages: %s; give the page (or quote more of the passage)", shortQuote(e.Quote), strings.Join(parts, ", "))
}

// Is makes errors.Is(err, ErrInvalidInput) true.
func (e *AmbiguousQuoteError) Is(target error) bool { return target == ErrInvalidInput }

func shortQuote(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if r := []rune(q); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return q
}

// Tag codes a passage of a document with one or more themes and returns
// the new annotation. Unknown document or theme, an empty quote or one not
// found, and an ambiguous quote are errors that change nothing.
func (l *Library) Tag(ctx context.Context, req TagRequest) (Annotation, error) {
	if req.Rect != nil {
		return l.tagArea(ctx, req)
	}
	var id int64
	label := fmt.Sprintf("Tag %q with %s", shortQuote(req.Quote), strings.Join(req.Themes, ", "))
	err := l.change(ctx, label, func(r *changeRecorder) error {
		var err error
		id, err = l.tagTx(ctx, r, req)
		return err
	})
	if err != nil {
		return Annotation{}, fmt.Errorf("tag document %d: %w", req.DocID, err)
	}
	return l.Annotation(ctx, id)
}

// tagTx creates one annotation inside a change.
func (l *Library) tagTx(ctx context.Context, r *changeRecorder, req TagRequest) (int64, error) {
	var title string
	if err := r.tx.QueryRowContext(ctx, "SELECT title FROM documents WHERE id = ?", req.DocID).Scan(&title); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("no document %d (see `rapport docs`): %w", req.DocID, ErrNotFound)
		}
		return 0, err
	}
	themeIDs, err := resolveThemes(ctx, r.tx, req.Themes)
	if err != nil {
		return 0, err
	}
	if len(themeIDs) == 0 {
		return 0, fmt.Errorf("an annotation needs at least one theme: %w", ErrInvalidInput)
	}
	sp, text, err := locate(ctx, r.tx, req)
	if err != nil {
		return 0, err
	}
	names, err := themeNames(ctx, r.tx, themeIDs)
	if err != nil {
		return 0, err
	}
	author := req.Author
	if author == "" {
		author = l.Author
	}
	if author, err = ensureCoder(ctx, r, author, "", false); err != nil {
		return 0, err
	}
	if err := checkNotCoded(ctx, r.tx, req.DocID, sp, text, themeIDs, author); err != nil {
		return 0, err
	}
	// The history names the passage as stored, however it was given (a
	// selection in the window gives a span and no quote).
	r.label = fmt.Sprintf("Tag %q with %s", shortQuote(string(text[sp.start:sp.end])), strings.Join(names, ", "))
	return insertAnnotation(ctx, r, req.DocID, sp, text, themeIDs, req.Note, author)
}

// insertAnnotation stores an annotation of span sp of a page whose NFC
// text is text, coded with the themes.
func insertAnnotation(ctx context.Context, r *changeRecorder, docID int64, sp span, text []rune, themeIDs []int64, note, author string) (int64, error) {
	return insertAnnotationWith(ctx, r, newAnnotation{docID: docID, sp: sp, text: text, themeIDs: themeIDs, note: note, author: author})
}

// newAnnotation is what insertAnnotationWith stores.
type newAnnotation struct {
	docID    int64
	sp       span
	text     []rune // the page's NFC text
	themeIDs []int64
	note     string
	author   string
	guid     string    // "" makes a new one
	created  time.Time // zero: now
}

// insertAnnotationWith stores one annotation inside a change.
func insertAnnotationWith(ctx context.Context, r *changeRecorder, a newAnnotation) (int64, error) {
	author, err := ensureCoder(ctx, r, a.author, "", false)
	if err != nil {
		return 0, err
	}
	a.author = author
	quote := string(a.text[a.sp.start:a.sp.end])
	prefix, suffix := spanContext(a.text, a.sp.start, a.sp.end)
	ts := now()
	created := ts
	if !a.created.IsZero() {
		created = a.created.UTC().Format(time.RFC3339Nano)
	}
	guid := a.guid
	if guid == "" {
		guid = newGUID()
	}
	res, err := r.exec(`INSERT INTO annotations (guid, doc_id, page, start, end, quote, prefix, suffix, note, author, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, guid, a.docID, a.sp.page, a.sp.start, a.sp.end, quote, prefix, suffix, strings.TrimSpace(a.note), a.author, created, ts)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	r.created("annotations", id)
	for _, t := range a.themeIDs {
		if _, err := r.exec("INSERT INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", id, t); err != nil {
			return 0, err
		}
		r.created("annotation_themes", id, t)
	}
	return id, nil
}

// ErrAlreadyCoded says a passage already carries the theme it was to be
// coded with; nothing was changed.
var ErrAlreadyCoded = errors.New("already coded")

// AlreadyCodedError says which annotation already codes the passage with
// which of the themes asked for.
type AlreadyCodedError struct {
	AnnotationID int64
	DocID        int64
	Page         int
	Quote        string
	Themes       []string // the themes asked for that the annotation already has
}

func (e *AlreadyCodedError) Error() string {
	return fmt.Sprintf("%q on page %d is already coded with %s (annotation %d); nothing was changed",
		shortQuote(e.Quote), e.Page, strings.Join(e.Themes, ", "), e.AnnotationID)
}

// Is makes errors.Is(err, ErrAlreadyCoded) true.
func (e *AlreadyCodedError) Is(target error) bool { return target == ErrAlreadyCoded }

// checkNotCoded refuses a passage that an annotation of the same coder
// already codes, at the same span, with one of the themes. Another
// coder's coding of the passage is no obstacle: coders code in parallel.
func checkNotCoded(ctx context.Context, tx *sql.Tx, docID int64, sp span, text []rune, themeIDs []int64, coder string) error {
	rows, err := tx.QueryContext(ctx, `SELECT a.id, t.name FROM annotations a
JOIN annotation_themes at ON at.annotation_id = a.id JOIN themes t ON t.id = at.theme_id
WHERE a.doc_id = ? AND a.page = ? AND a.start = ? AND a.end = ? AND a.orphaned = 0 AND a.author = ? COLLATE NOCASE AND at.theme_id IN (`+placeholders(len(themeIDs))+`)
ORDER BY a.id, t.position, t.id`, append([]any{docID, sp.page, sp.start, sp.end, coder}, int64sToAny(themeIDs)...)...)
	if err != nil {
		return err
	}
	return alreadyCoded(rows, docID, sp.page, string(text[sp.start:sp.end]))
}

// alreadyCoded reads the rows (annotation id, theme name) of a check that
// a coding is new and closes them: an *AlreadyCodedError naming the first
// annotation and its themes among them, or nil when there are none.
func alreadyCoded(rows *sql.Rows, docID int64, page int, quote string) error {
	defer rows.Close()
	var e *AlreadyCodedError
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		if e == nil {
			e = &AlreadyCodedError{AnnotationID: id, DocID: docID, Page: page, Quote: quote}
		}
		if id == e.AnnotationID {
			e.Themes = append(e.Themes, name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if e != nil {
		return e
	}
	return nil
}

// themeNames returns the names of themes by id, in the order given.
func themeNames(ctx context.Context, tx *sql.Tx, ids []int64) ([]string, error) {
	names := make([]string, len(ids))
	for i, id := range ids {
		if err := tx.QueryRowContext(ctx, "SELECT name FROM themes WHERE id = ?", id).Scan(&names[i]); err != nil {
			return nil, fmt.Errorf("theme %d: %w", id, err)
		}
	}
	return names, nil
}

// resolveThemes turns theme names into ids, refusing unknown ones.
func resolveThemes(ctx context.Context, tx *sql.Tx, names []string) ([]int64, error) {
	var ids []int64
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return nil, fmt.Errorf("empty theme name: %w", ErrInvalidInput)
		}
		t, err := themeByName(ctx, tx, n)
		if err != nil {
			return nil, err
		}
		if !containsID(ids, t.ID) {
			ids = append(ids, t.ID)
		}
	}
	return ids, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// locate finds the span a tag request names, and returns the page's text.
func locate(ctx context.Context, tx *sql.Tx, req TagRequest) (span, []rune, error) {
	pages, err := loadPageRunes(ctx, tx, req.DocID)
	if err != nil {
		return span{}, nil, err
	}
	if len(pages) == 0 {
		return span{}, nil, fmt.Errorf("document %d has no text to quote (a metadata-only entry?): %w", req.DocID, ErrInvalidInput)
	}
	if req.Page != 0 {
		var one []pageRunes
		for _, p := range pages {
			if p.page == req.Page {
				one = append(one, p)
			}
		}
		if len(one) == 0 {
			return span{}, nil, fmt.Errorf("document %d has no page %d (it has %d): %w", req.DocID, req.Page, len(pages), ErrInvalidInput)
		}
		pages = one
	}
	if req.Page != 0 && req.End > req.Start {
		text := pages[0].text
		if req.Start < 0 || req.End > len(text) {
			return span{}, nil, fmt.Errorf("span %d–%d lies outside page %d (%d characters): %w", req.Start, req.End, req.Page, len(text), ErrInvalidInput)
		}
		sp := span{page: req.Page, start: req.Start, end: req.End}
		if q := strings.TrimSpace(req.Quote); q != "" && foldQuote(q, false) != foldQuote(string(text[sp.start:sp.end]), false) {
			return span{}, nil, fmt.Errorf("span %d–%d of page %d holds %q, not the quote %q: %w", req.Start, req.End, req.Page, shortQuote(string(text[sp.start:sp.end])), shortQuote(q), ErrInvalidInput)
		}
		if strings.TrimSpace(string(text[sp.start:sp.end])) == "" {
			return span{}, nil, fmt.Errorf("span %d–%d of page %d holds no text: %w", req.Start, req.End, req.Page, ErrInvalidInput)
		}
		return sp, text, nil
	}
	if foldQuote(req.Quote, false) == "" {
		return span{}, nil, fmt.Errorf("empty quote: give the passage to tag: %w", ErrInvalidInput)
	}
	found := matchQuote(pages, req.Quote)
	switch {
	case len(found) == 0 && req.Page != 0:
		return span{}, nil, fmt.Errorf("quote %q not found on page %d of document %d: %w", shortQuote(req.Quote), req.Page, req.DocID, ErrNotFound)
	case len(found) == 0:
		return span{}, nil, fmt.Errorf("quote %q not found in document %d: %w", shortQuote(req.Quote), req.DocID, ErrNotFound)
	case len(found) > 1:
		e := &AmbiguousQuoteError{Quote: req.Quote}
		for _, f := range found {
			e.Pages = append(e.Pages, f.page)
		}
		return span{}, nil, e
	}
	for _, p := range pages {
		if p.page == found[0].page {
			return found[0], p.text, nil
		}
	}
	return span{}, nil, fmt.Errorf("quote %q: %w", shortQuote(req.Quote), ErrNotFound)
}

// Untag deletes an annotation.
func (l *Library) Untag(ctx context.Context, id int64) error {
	err := l.change(ctx, fmt.Sprintf("Untag annotation %d", id), func(r *changeRecorder) error {
		if err := requireAnnotation(ctx, r.tx, id); err != nil {
			return err
		}
		if err := r.touchWhere("annotation_themes", "annotation_id = ?", id); err != nil {
			return err
		}
		if err := r.touch("annotations", id); err != nil {
			return err
		}
		if _, err := r.tx.ExecContext(ctx, "DELETE FROM annotation_themes WHERE annotation_id = ?", id); err != nil {
			return err
		}
		_, err := r.tx.ExecContext(ctx, "DELETE FROM annotations WHERE id = ?", id)
		return err
	})
	if err != nil {
		return fmt.Errorf("untag: %w", err)
	}
	return nil
}

func requireAnnotation(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM annotations WHERE id = ?", id).Scan(&n)
	if n == 0 {
		return fmt.Errorf("no annotation %d (see `rapport annotations`): %w", id, ErrNotFound)
	}
	return nil
}

// UpdateAnnotation changes an annotation's note or themes.
func (l *Library) UpdateAnnotation(ctx context.Context, id int64, u AnnotationUpdate) (Annotation, error) {
	err := l.change(ctx, fmt.Sprintf("Change annotation %d", id), func(r *changeRecorder) error {
		if err := requireAnnotation(ctx, r.tx, id); err != nil {
			return err
		}
		if err := r.touch("annotations", id); err != nil {
			return err
		}
		current, err := txIDs(ctx, r.tx, "SELECT theme_id FROM annotation_themes WHERE annotation_id = ?", id)
		if err != nil {
			return err
		}
		want := append([]int64(nil), current...)
		if u.Themes != nil {
			if want, err = resolveThemes(ctx, r.tx, u.Themes); err != nil {
				return err
			}
		}
		add, err := resolveThemes(ctx, r.tx, u.AddThemes)
		if err != nil {
			return err
		}
		remove, err := resolveThemes(ctx, r.tx, u.RemoveThemes)
		if err != nil {
			return err
		}
		for _, t := range add {
			if !containsID(want, t) {
				want = append(want, t)
			}
		}
		var kept []int64
		for _, t := range want {
			if !containsID(remove, t) {
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			return fmt.Errorf("an annotation needs at least one theme (untag it to delete it): %w", ErrInvalidInput)
		}
		for _, t := range current {
			if !containsID(kept, t) {
				if err := r.touch("annotation_themes", id, t); err != nil {
					return err
				}
				if _, err := r.tx.ExecContext(ctx, "DELETE FROM annotation_themes WHERE annotation_id = ? AND theme_id = ?", id, t); err != nil {
					return err
				}
			}
		}
		for _, t := range kept {
			if !containsID(current, t) {
				if _, err := r.tx.ExecContext(ctx, "INSERT INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", id, t); err != nil {
					return err
				}
				r.created("annotation_themes", id, t)
			}
		}
		sets, args := []string{"updated_at = ?"}, []any{now()}
		if u.Note != nil {
			sets = append(sets, "note = ?")
			args = append(args, strings.TrimSpace(*u.Note))
		}
		_, err = r.tx.ExecContext(ctx, "UPDATE annotations SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, id)...)
		return err
	})
	if err != nil {
		return Annotation{}, fmt.Errorf("change annotation %d: %w", id, err)
	}
	return l.Annotation(ctx, id)
}

const annotationColumns = `a.id, a.guid, a.doc_id, d.title, a.page, a.start, a.end, a.quote, a.prefix, a.suffix,
	a.note, a.author, a.orphaned, a.created_at, a.updated_at,
	d.first_printed_page, d.pages, d.page_count, d.printed_pages,
	(SELECT p.label FROM pages p WHERE p.doc_id = a.doc_id AND p.page = a.page),
	(SELECT p.printed FROM pages p WHERE p.doc_id = a.doc_id AND p.page = a.page), a.source, a.color,
	a.kind, a.rect_x1, a.rect_y1, a.rect_x2, a.rect_y2`

func scanAnnotation(r rowScanner) (Annotation, error) {
	var a Annotation
	var created, updated string
	var n PageNumbering
	var label, printed sql.NullString
	var rect Rect
	err := r.Scan(&a.ID, &a.GUID, &a.DocID, &a.DocTitle, &a.Page, &a.Start, &a.End, &a.Quote, &a.Prefix, &a.Suffix,
		&a.Note, &a.Author, &a.Orphaned, &created, &updated,
		&n.FirstPrintedPage, &n.Pages, &n.PageCount, &n.PrintedPages, &label, &printed, &a.Source, &a.Color,
		&a.Kind, &rect.X1, &rect.Y1, &rect.X2, &rect.Y2)
	a.Coder = a.Author
	a.PrintedPage, _ = n.PrintedPage(a.Page, label.String, printed.String)
	a.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	a.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	a.Themes = []string{}
	if a.Kind == KindArea {
		a.Rect = &rect
	} else {
		a.Kind = KindText
	}
	return a, err
}

// Annotation returns one annotation.
func (l *Library) Annotation(ctx context.Context, id int64) (Annotation, error) {
	list, err := l.annotations(ctx, "a.id = ?", id)
	if err != nil {
		return Annotation{}, err
	}
	if len(list) == 0 {
		return Annotation{}, fmt.Errorf("no annotation %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// Annotations lists annotations by document, page and offset.
func (l *Library) Annotations(ctx context.Context, f AnnotationFilter) ([]Annotation, error) {
	var conds []string
	var args []any
	if f.DocID != 0 {
		if _, err := l.Document(ctx, f.DocID); err != nil {
			return nil, err
		}
		conds = append(conds, "a.doc_id = ?")
		args = append(args, f.DocID)
	}
	if f.Page != 0 {
		conds = append(conds, "a.page = ?")
		args = append(args, f.Page)
	}
	if f.OrphanedOnly {
		conds = append(conds, "a.orphaned = 1")
	}
	if c := strings.TrimSpace(f.Coder); c != "" {
		if c == NoCoder {
			c = ""
		}
		conds = append(conds, "a.author = ? COLLATE NOCASE")
		args = append(args, c)
	}
	if strings.TrimSpace(f.Theme) != "" {
		t, err := l.ThemeByName(ctx, f.Theme)
		if err != nil {
			return nil, err
		}
		ids := []int64{t.ID}
		if f.WithSubthemes {
			ids, err = l.subthemeIDs(ctx, t.ID)
			if err != nil {
				return nil, err
			}
		}
		conds = append(conds, "a.id IN (SELECT annotation_id FROM annotation_themes WHERE theme_id IN ("+placeholders(len(ids))+"))")
		args = append(args, int64sToAny(ids)...)
	}
	where := "1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	return l.annotations(ctx, where, args...)
}

// subthemeIDs returns a theme and every theme below it.
func (l *Library) subthemeIDs(ctx context.Context, id int64) ([]int64, error) {
	ids := []int64{id}
	for i := 0; i < len(ids) && i < 100000; i++ {
		kids, err := l.queryIDs(ctx, "SELECT id FROM themes WHERE parent_id = ?", ids[i])
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			if !containsID(ids, k) {
				ids = append(ids, k)
			}
		}
	}
	return ids, nil
}

func (l *Library) annotations(ctx context.Context, where string, args ...any) ([]Annotation, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT "+annotationColumns+" FROM annotations a JOIN documents d ON d.id = a.doc_id WHERE "+where+" ORDER BY a.doc_id, a.page, a.start, a.id", args...)
	if err != nil {
		return nil, fmt.Errorf("list annotations: %w", err)
	}
	out := []Annotation{}
	pos := map[int64]int{}
	for rows.Next() {
		a, err := scanAnnotation(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list annotations: %w", err)
		}
		pos[a.ID] = len(out)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list annotations: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	themeRows, err := l.db.QueryContext(ctx, `SELECT at.annotation_id, t.name FROM annotation_themes at JOIN themes t ON t.id = at.theme_id
JOIN annotations a ON a.id = at.annotation_id JOIN documents d ON d.id = a.doc_id WHERE `+where+` ORDER BY t.position, t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list annotations: %w", err)
	}
	defer themeRows.Close()
	for themeRows.Next() {
		var id int64
		var name string
		if err := themeRows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if i, ok := pos[id]; ok {
			out[i].Themes = append(out[i].Themes, name)
		}
	}
	return out, themeRows.Err()
}

// DocNote is a note (memo) on a whole document.
type DocNote struct {
	ID        int64     `json:"id"`
	DocID     int64     `json:"doc_id"`
	Text      string    `json:"text"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created"`
	UpdatedAt time.Time `json:"updated"`
	// Page is the page a note imported from the PDF was on (0: the whole
	// document); Source is SourcePDFHighlight for such notes.
	Page   int    `json:"page,omitempty"`
	Source string `json:"source,omitempty"`
	// GUID identifies the note across libraries (merge.go); Coder is
	// Author under the name the coding commands use.
	GUID  string `json:"guid"`
	Coder string `json:"coder"`
}

// AddDocNote adds a note to a document. author "" uses Library.Author.
func (l *Library) AddDocNote(ctx context.Context, docID int64, text, author string) (DocNote, error) {
	text = strings.TrimSpace(text)
	var id int64
	err := l.change(ctx, fmt.Sprintf("Add a note to document %d", docID), func(r *changeRecorder) error {
		if text == "" {
			return fmt.Errorf("empty note: %w", ErrInvalidInput)
		}
		var n int
		r.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents WHERE id = ?", docID).Scan(&n)
		if n == 0 {
			return fmt.Errorf("no document %d (see `rapport docs`): %w", docID, ErrNotFound)
		}
		if author == "" {
			author = l.Author
		}
		author, err := ensureCoder(ctx, r, author, "", false)
		if err != nil {
			return err
		}
		ts := now()
		res, err := r.tx.ExecContext(ctx, "INSERT INTO doc_notes (guid, doc_id, text, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", newGUID(), docID, text, author, ts, ts)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		r.created("doc_notes", id)
		return nil
	})
	if err != nil {
		return DocNote{}, fmt.Errorf("note on document %d: %w", docID, err)
	}
	return l.docNote(ctx, id)
}

// UpdateDocNote replaces a note's text.
func (l *Library) UpdateDocNote(ctx context.Context, id int64, text string) (DocNote, error) {
	text = strings.TrimSpace(text)
	err := l.change(ctx, fmt.Sprintf("Change note %d", id), func(r *changeRecorder) error {
		if text == "" {
			return fmt.Errorf("empty note (delete it instead): %w", ErrInvalidInput)
		}
		if err := r.touch("doc_notes", id); err != nil {
			return err
		}
		res, err := r.tx.ExecContext(ctx, "UPDATE doc_notes SET text = ?, updated_at = ? WHERE id = ?", text, now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("no note %d: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return DocNote{}, fmt.Errorf("change note %d: %w", id, err)
	}
	return l.docNote(ctx, id)
}

// DeleteDocNote deletes a note.
func (l *Library) DeleteDocNote(ctx context.Context, id int64) error {
	err := l.change(ctx, fmt.Sprintf("Delete note %d", id), func(r *changeRecorder) error {
		if err := r.touch("doc_notes", id); err != nil {
			return err
		}
		res, err := r.tx.ExecContext(ctx, "DELETE FROM doc_notes WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("no note %d: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete note %d: %w", id, err)
	}
	return nil
}

// DocNotes lists a document's notes, oldest first; docID 0 lists all.
func (l *Library) DocNotes(ctx context.Context, docID int64) ([]DocNote, error) {
	q := "SELECT " + docNoteColumns + " FROM doc_notes"
	var args []any
	if docID != 0 {
		if _, err := l.Document(ctx, docID); err != nil {
			return nil, err
		}
		q += " WHERE doc_id = ?"
		args = append(args, docID)
	}
	rows, err := l.db.QueryContext(ctx, q+" ORDER BY doc_id, id", args...)
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	defer rows.Close()
	out := []DocNote{}
	for rows.Next() {
		n, err := scanDocNote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func (l *Library) docNote(ctx context.Context, id int64) (DocNote, error) {
	n, err := scanDocNote(l.db.QueryRowContext(ctx, "SELECT "+docNoteColumns+" FROM doc_notes WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("no note %d: %w", id, ErrNotFound)
	}
	return n, err
}

// docNotesText joins a document's notes for the search index.
func (l *Library) docNotesText(ctx context.Context, docID int64) (string, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT text FROM doc_notes WHERE doc_id = ? ORDER BY id", docID)
	if err != nil {
		return "", fmt.Errorf("notes of document %d: %w", docID, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return "", err
		}
		b.WriteString(text)
		b.WriteString("\n")
	}
	return b.String(), rows.Err()
}

const docNoteColumns = "id, doc_id, text, author, created_at, updated_at, page, source, guid"

func scanDocNote(r rowScanner) (DocNote, error) {
	var n DocNote
	var created, updated string
	err := r.Scan(&n.ID, &n.DocID, &n.Text, &n.Author, &created, &updated, &n.Page, &n.Source, &n.GUID)
	n.Coder = n.Author
	n.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	n.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return n, err
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
