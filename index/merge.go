package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Merging another coder's work. Coders code in parallel, each in a copy of
// the library (a backup restored, a REFI-QDA project sent to them);
// MergeLibrary brings another library's annotations, notes and the themes
// this library lacks into this one, in one undoable step:
//
//   - documents are matched by their original file's SHA-256, then by DOI,
//     then by normalised title; a document this library does not hold
//     cannot take the codings made on it, which the report lists;
//   - themes by GUID, then by name; the others are added with their GUID,
//     colour, description and place in the tree;
//   - an annotation this library holds already (the same GUID, or the
//     same coder's coding of the same passage with the same themes) is
//     left as it is, so merging twice adds nothing; the others keep their
//     GUID, coder, note and dates, at the same offsets when the page reads
//     the same, else found again by their quote and its context; an area
//     annotation keeps its rectangle of the same page, when this library
//     holds the same PDF (another file may lay the page out otherwise);
//   - notes likewise, by GUID or by the same coder's same text;
//   - nothing of this library is changed or overwritten.

// MergeOptions tune Merge.
type MergeOptions struct {
	// Coder is recorded on the other library's codings that record no
	// coder (default: the name of the other library's folder), so that
	// they are not taken for this library's own.
	Coder string
}

// MergeReport says what a merge matched, added and could not place.
type MergeReport struct {
	Source string `json:"source"`
	// Documents lists the other library's documents that carry codings or
	// notes: how each was matched, and what of it was added.
	Documents     []MergedDocument `json:"documents"`
	ThemesAdded   []string         `json:"themes_added"`
	ThemesMatched []MergedTheme    `json:"themes_matched"`
	CodersAdded   []string         `json:"coders_added"`
	// Annotations and Notes count what was added, what this library had
	// already, and what could not be placed.
	Annotations MergeCounts `json:"annotations"`
	Notes       MergeCounts `json:"notes"`
	// ByCoder counts the annotations added per coder.
	ByCoder map[string]int `json:"by_coder"`
	// NotPlaced lists every annotation and note that could not be placed,
	// with the reason.
	NotPlaced []NotPlaced `json:"not_placed"`
	// DefaultCoder is the coder given to codings that recorded none
	// (counted in NoCoderGiven).
	DefaultCoder string `json:"default_coder"`
	NoCoderGiven int    `json:"no_coder_given"`
	// Step is the history label of the merge ("" when it added nothing).
	Step string `json:"step"`
}

// MergeCounts counts one kind of item of a merge.
type MergeCounts struct {
	Added     int `json:"added"`
	Present   int `json:"present"`
	NotPlaced int `json:"not_placed"`
}

// MergedDocument is one of the other library's documents in a merge.
type MergedDocument struct {
	SourceID  int64  `json:"source_id"`
	Title     string `json:"title"`
	DocID     int64  `json:"doc_id"`     // this library's document, 0 when none matched
	MatchedBy string `json:"matched_by"` // "file", "guid" (a project's source), "doi", "title" or "" (not matched)
	// Annotations and Notes count what was added to the document; the
	// MergeCounts of the report have the rest.
	Annotations int `json:"annotations_added"`
	Present     int `json:"annotations_present"`
	NotPlaced   int `json:"annotations_not_placed"`
	Notes       int `json:"notes_added"`
}

// MergedTheme is a theme of the other library matched to one of this
// library's.
type MergedTheme struct {
	Name      string `json:"name"`       // the other library's name
	Theme     string `json:"theme"`      // this library's name
	MatchedBy string `json:"matched_by"` // "guid" or "name"
}

// NotPlaced is an annotation or note a merge could not place.
type NotPlaced struct {
	Kind   string `json:"kind"` // "annotation" or "note"
	GUID   string `json:"guid"`
	Title  string `json:"title"` // the document's title in the other library
	Page   int    `json:"page,omitempty"`
	Quote  string `json:"quote,omitempty"`
	Coder  string `json:"coder"`
	Reason string `json:"reason"`
}

// Summary is a one-line account of the merge.
func (r *MergeReport) Summary() string {
	matched := 0
	for _, d := range r.Documents {
		if d.DocID != 0 {
			matched++
		}
	}
	return fmt.Sprintf("%d of %d documents matched; %d annotations added (%d here already, %d not placed); %d notes added (%d here already, %d not placed); %d themes added, %d matched",
		matched, len(r.Documents), r.Annotations.Added, r.Annotations.Present, r.Annotations.NotPlaced,
		r.Notes.Added, r.Notes.Present, r.Notes.NotPlaced, len(r.ThemesAdded), len(r.ThemesMatched))
}

// sourceLibrary is what a merge reads of the other library.
type sourceLibrary struct {
	docs        []srcDocument
	themes      []srcTheme
	coders      map[string]string // lower-case name → GUID
	annotations map[int64][]srcAnnotation
	notes       map[int64][]srcNote
	pages       func(ctx context.Context, doc int64) ([]pageRunes, error)
}

type srcDocument struct {
	id                     int64
	sha, doi, title, tnorm string
	guid                   string // an exchange file's source GUID (matched against documents.guid)
}

type srcTheme struct {
	id                                   int64
	guid, name, description, color, memo string
	source                               string
	provisional                          bool
	parent                               int64
	depth                                int
}

type srcAnnotation struct {
	guid                  string
	page, start, end      int
	kind                  string // KindText or KindArea
	rect                  Rect   // an area's
	quote, prefix, suffix string
	note, author          string
	source, color         string
	created, updated      string
	themes                []int64 // the other library's theme ids
}

type srcNote struct {
	guid, text, author string
	page               int
	source             string
	created, updated   string
}

// MergeLibrary merges the library in dir into l, as the notes at the top
// of merge.go say. The other library is read from a snapshot (it may be open
// in another Rapport meanwhile) and is never changed; one written by a
// newer Rapport is refused.
func (l *Library) MergeLibrary(ctx context.Context, dir string, opts MergeOptions) (*MergeReport, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", dir, err)
	}
	if same, _ := sameFolder(abs, l.dir); same {
		return nil, fmt.Errorf("merge %s: that is this library: %w", abs, ErrInvalidInput)
	}
	if !Exists(abs) {
		return nil, fmt.Errorf("merge %s: %w there (no %s)", abs, ErrNoLibrary, DBFile)
	}
	db, cleanup, err := snapshotLibrary(ctx, abs)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", abs, err)
	}
	defer cleanup()
	src, err := readSourceLibrary(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", abs, err)
	}
	if opts.Coder == "" {
		opts.Coder = filepath.Base(abs)
	}
	rep, err := l.merge(ctx, src, abs, opts)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", abs, err)
	}
	return rep, nil
}

func sameFolder(a, b string) (bool, error) {
	ia, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	ib, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(ia, ib), nil
}

// snapshotLibrary copies the library.sqlite of the library in dir, as it
// is now, into a temporary folder and brings the copy to this build's
// schema; the original is only read.
func snapshotLibrary(ctx context.Context, dir string) (*sql.DB, func(), error) {
	path := filepath.Join(dir, DBFile)
	if err := checkSQLiteHeader(path); err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp("", "rapport-merge-*")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	snap := filepath.Join(tmp, DBFile)
	_, err = ro.ExecContext(ctx, "VACUUM INTO ?", snap)
	ro.Close()
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+snap+"?_pragma=foreign_keys(1)")
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if err := migrate(ctx, db, path); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	return db, func() { db.Close(); cleanup() }, nil
}

// readSourceLibrary reads what a merge needs from a library's database.
func readSourceLibrary(ctx context.Context, db *sql.DB) (*sourceLibrary, error) {
	src := &sourceLibrary{coders: map[string]string{}, annotations: map[int64][]srcAnnotation{}, notes: map[int64][]srcNote{}}
	rows, err := db.QueryContext(ctx, "SELECT id, COALESCE(sha256, ''), doi, title, title_norm FROM documents ORDER BY id")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d srcDocument
		if err := rows.Scan(&d.id, &d.sha, &d.doi, &d.title, &d.tnorm); err != nil {
			rows.Close()
			return nil, err
		}
		src.docs = append(src.docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = db.QueryContext(ctx, "SELECT id, guid, name, description, color, memo, source, provisional, COALESCE(parent_id, 0) FROM themes ORDER BY position, id")
	if err != nil {
		return nil, err
	}
	byID := map[int64]*srcTheme{}
	for rows.Next() {
		var t srcTheme
		if err := rows.Scan(&t.id, &t.guid, &t.name, &t.description, &t.color, &t.memo, &t.source, &t.provisional, &t.parent); err != nil {
			rows.Close()
			return nil, err
		}
		src.themes = append(src.themes, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range src.themes {
		byID[src.themes[i].id] = &src.themes[i]
	}
	for i := range src.themes {
		d := 0
		for p := src.themes[i].parent; p != 0 && d < 100; d++ {
			pt := byID[p]
			if pt == nil {
				break
			}
			p = pt.parent
		}
		src.themes[i].depth = d
	}
	// parents before their children
	sort.SliceStable(src.themes, func(i, j int) bool { return src.themes[i].depth < src.themes[j].depth })

	rows, err = db.QueryContext(ctx, "SELECT name, guid FROM coders")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, guid string
		if err := rows.Scan(&name, &guid); err != nil {
			rows.Close()
			return nil, err
		}
		src.coders[strings.ToLower(name)] = guid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	themesOf := map[int64][]int64{}
	rows, err = db.QueryContext(ctx, "SELECT annotation_id, theme_id FROM annotation_themes ORDER BY annotation_id, theme_id")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a, t int64
		if err := rows.Scan(&a, &t); err != nil {
			rows.Close()
			return nil, err
		}
		themesOf[a] = append(themesOf[a], t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `SELECT id, doc_id, guid, page, start, end, quote, prefix, suffix, note, author, source, color, created_at, updated_at,
	kind, rect_x1, rect_y1, rect_x2, rect_y2
FROM annotations ORDER BY doc_id, page, start, id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a srcAnnotation
		var id, doc int64
		if err := rows.Scan(&id, &doc, &a.guid, &a.page, &a.start, &a.end, &a.quote, &a.prefix, &a.suffix, &a.note, &a.author, &a.source, &a.color, &a.created, &a.updated,
			&a.kind, &a.rect.X1, &a.rect.Y1, &a.rect.X2, &a.rect.Y2); err != nil {
			rows.Close()
			return nil, err
		}
		a.themes = themesOf[id]
		src.annotations[doc] = append(src.annotations[doc], a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, "SELECT doc_id, guid, text, author, page, source, created_at, updated_at FROM doc_notes ORDER BY doc_id, id")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var n srcNote
		var doc int64
		if err := rows.Scan(&doc, &n.guid, &n.text, &n.author, &n.page, &n.source, &n.created, &n.updated); err != nil {
			rows.Close()
			return nil, err
		}
		src.notes[doc] = append(src.notes[doc], n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	src.pages = func(ctx context.Context, doc int64) ([]pageRunes, error) { return loadPageRunes(ctx, db, doc) }
	return src, nil
}

// merge applies a source library to l in one change.
func (l *Library) merge(ctx context.Context, src *sourceLibrary, name string, opts MergeOptions) (*MergeReport, error) {
	rep := &MergeReport{Source: name, Documents: []MergedDocument{}, ThemesAdded: []string{}, ThemesMatched: []MergedTheme{},
		CodersAdded: []string{}, ByCoder: map[string]int{}, NotPlaced: []NotPlaced{}, DefaultCoder: opts.Coder}
	label := fmt.Sprintf("Merge %s", filepath.Base(name))
	err := l.change(ctx, label, func(r *changeRecorder) error {
		themeMap, err := mergeThemes(ctx, r, src, rep)
		if err != nil {
			return err
		}
		docMap, err := matchDocuments(ctx, r.tx, src)
		if err != nil {
			return err
		}
		m := &merger{ctx: ctx, r: r, src: src, rep: rep, themes: themeMap, opts: opts, coders: map[string]string{}}
		for _, d := range src.docs {
			anns, notes := src.annotations[d.id], src.notes[d.id]
			if len(anns)+len(notes) == 0 {
				continue
			}
			md := MergedDocument{SourceID: d.id, Title: d.title}
			match := docMap[d.id]
			md.DocID, md.MatchedBy = match.id, match.by
			if match.id == 0 {
				for _, a := range anns {
					m.notPlaced("annotation", a.guid, d.title, a.page, a.quote, a.author, "the document is not in this library (import it, then merge again)")
					md.NotPlaced++
				}
				for _, n := range notes {
					m.notPlaced("note", n.guid, d.title, n.page, "", n.author, "the document is not in this library (import it, then merge again)")
				}
				rep.Documents = append(rep.Documents, md)
				continue
			}
			if err := m.document(d, match.id, &md); err != nil {
				return err
			}
			rep.Documents = append(rep.Documents, md)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	if rep.Annotations.Added+rep.Notes.Added+len(rep.ThemesAdded)+len(rep.CodersAdded) > 0 {
		rep.Step = label
	}
	return rep, nil
}

// mergeThemes maps every theme of the source to one of l's, adding those
// l lacks; it returns source theme id → l's theme id.
func mergeThemes(ctx context.Context, r *changeRecorder, src *sourceLibrary, rep *MergeReport) (map[int64]int64, error) {
	out := map[int64]int64{}
	names := map[int64]string{} // source id → l's name
	for _, t := range src.themes {
		var id int64
		var have string
		err := r.tx.QueryRowContext(ctx, "SELECT id, name FROM themes WHERE guid = ? COLLATE NOCASE", t.guid).Scan(&id, &have)
		if err == nil {
			out[t.id], names[t.id] = id, have
			rep.ThemesMatched = append(rep.ThemesMatched, MergedTheme{Name: t.name, Theme: have, MatchedBy: "guid"})
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if th, err := themeByName(ctx, r.tx, t.name); err == nil {
			out[t.id], names[t.id] = th.ID, th.Name
			rep.ThemesMatched = append(rep.ThemesMatched, MergedTheme{Name: t.name, Theme: th.Name, MatchedBy: "name"})
			continue
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		name, err := cleanThemeName(t.name)
		if err != nil {
			return nil, fmt.Errorf("theme %q: %w", t.name, err)
		}
		nt := Theme{GUID: t.guid, Name: name, Description: t.description, Color: t.color, Source: t.source, Provisional: t.provisional, Memo: t.memo}
		if t.parent != 0 {
			nt.Parent = names[t.parent]
		}
		if _, err := normalizeColor(nt.Color); err != nil {
			nt.Color = ""
		}
		if normaliseGUID(nt.GUID) == "" {
			nt.GUID = ""
		}
		id, err = insertTheme(ctx, r.tx, nt, name)
		if err != nil {
			return nil, fmt.Errorf("add theme %q: %w", name, err)
		}
		r.created("themes", id)
		out[t.id], names[t.id] = id, name
		rep.ThemesAdded = append(rep.ThemesAdded, name)
	}
	return out, nil
}

type docMatch struct {
	id int64
	by string
}

// matchDocuments finds l's document for each source document: the same
// original file, else the same DOI, else the same normalised title.
func matchDocuments(ctx context.Context, tx *sql.Tx, src *sourceLibrary) (map[int64]docMatch, error) {
	bySHA, byGUID, byDOI, byTitle := map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}
	rows, err := tx.QueryContext(ctx, "SELECT id, COALESCE(sha256, ''), guid, doi, title_norm FROM documents WHERE page_count > 0 ORDER BY id")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var sha, guid, doi, tnorm string
		if err := rows.Scan(&id, &sha, &guid, &doi, &tnorm); err != nil {
			rows.Close()
			return nil, err
		}
		add := func(m map[string]int64, k string) {
			if _, ok := m[k]; !ok && k != "" {
				m[k] = id
			}
		}
		add(bySHA, sha)
		add(byGUID, strings.ToLower(guid))
		add(byDOI, strings.ToLower(strings.TrimSpace(doi)))
		add(byTitle, tnorm)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[int64]docMatch{}
	for _, d := range src.docs {
		tnorm := d.tnorm
		if tnorm == "" {
			tnorm = titleKey(d.title)
		}
		switch {
		case d.sha != "" && bySHA[d.sha] != 0:
			out[d.id] = docMatch{bySHA[d.sha], "file"}
		case d.guid != "" && byGUID[strings.ToLower(d.guid)] != 0:
			out[d.id] = docMatch{byGUID[strings.ToLower(d.guid)], "guid"}
		case d.doi != "" && byDOI[strings.ToLower(strings.TrimSpace(d.doi))] != 0:
			out[d.id] = docMatch{byDOI[strings.ToLower(strings.TrimSpace(d.doi))], "doi"}
		case tnorm != "" && byTitle[tnorm] != 0:
			out[d.id] = docMatch{byTitle[tnorm], "title"}
		}
	}
	return out, nil
}

// merger places one source library's codings in l inside a change.
type merger struct {
	ctx    context.Context
	r      *changeRecorder
	src    *sourceLibrary
	rep    *MergeReport
	themes map[int64]int64
	opts   MergeOptions
	coders map[string]string // source coder name (lower case) → l's name
}

func (m *merger) notPlaced(kind, guid, title string, page int, quote, coder, reason string) {
	if coder == "" {
		coder = m.opts.Coder
	}
	m.rep.NotPlaced = append(m.rep.NotPlaced, NotPlaced{Kind: kind, GUID: guid, Title: title, Page: page, Quote: shortQuote(quote), Coder: coder, Reason: reason})
	if kind == "annotation" {
		m.rep.Annotations.NotPlaced++
	} else {
		m.rep.Notes.NotPlaced++
	}
}

// coder returns l's name of a source coder, adding the coder with its
// GUID when l does not know it.
func (m *merger) coder(name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		m.rep.NoCoderGiven++
		name = m.opts.Coder
	}
	key := strings.ToLower(strings.TrimSpace(name))
	if c, ok := m.coders[key]; ok {
		return c, nil
	}
	var n int
	m.r.tx.QueryRowContext(m.ctx, "SELECT COUNT(*) FROM coders WHERE name = ? COLLATE NOCASE", name).Scan(&n)
	stored, err := ensureCoder(m.ctx, m.r, name, m.src.coders[key], false)
	if err != nil {
		return "", err
	}
	if n == 0 && stored != "" {
		m.rep.CodersAdded = append(m.rep.CodersAdded, stored)
	}
	m.coders[key] = stored
	return stored, nil
}

// document merges one source document's annotations and notes into l's
// document doc.
func (m *merger) document(d srcDocument, doc int64, md *MergedDocument) error {
	ctx, tx := m.ctx, m.r.tx
	var pages []pageRunes // l's pages of the document, loaded when needed
	pageText := func(p int) []rune {
		for _, pr := range pages {
			if pr.page == p {
				return pr.text
			}
		}
		return nil
	}
	anns := m.src.annotations[d.id]
	if len(anns) > 0 {
		var err error
		if pages, err = loadPageRunes(ctx, tx, doc); err != nil {
			return err
		}
	}
	for _, a := range anns {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM annotations WHERE guid = ?", a.guid).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			m.rep.Annotations.Present++
			md.Present++
			continue
		}
		var themeIDs []int64
		for _, t := range a.themes {
			if id, ok := m.themes[t]; ok && !containsID(themeIDs, id) {
				themeIDs = append(themeIDs, id)
			}
		}
		if len(themeIDs) == 0 {
			m.notPlaced("annotation", a.guid, d.title, a.page, a.quote, a.author, "it has no theme")
			md.NotPlaced++
			continue
		}
		if a.kind == KindArea {
			if err := m.area(d, doc, a, themeIDs, md); err != nil {
				return err
			}
			continue
		}
		// the same offsets when the page reads the same there, else the
		// quote found again by its context
		sp, ok := span{page: a.page, start: a.start, end: a.end}, false
		quote := norm.NFC.String(a.quote)
		if text := pageText(a.page); a.start >= 0 && a.end <= len(text) && a.start < a.end && string(text[a.start:a.end]) == quote {
			ok = true
		} else if strings.TrimSpace(a.quote) != "" {
			sp, ok = reanchor(pages, anchorTarget{quote: a.quote, prefix: a.prefix, suffix: a.suffix, page: a.page, start: a.start})
		}
		if !ok {
			m.notPlaced("annotation", a.guid, d.title, a.page, a.quote, a.author, "its passage is not in this library's text of the document")
			md.NotPlaced++
			continue
		}
		coder, err := m.coder(a.author)
		if err != nil {
			return err
		}
		if dup, err := sameCoding(ctx, tx, doc, sp, coder, themeIDs); err != nil {
			return err
		} else if dup {
			m.rep.Annotations.Present++
			md.Present++
			continue
		}
		text := pageText(sp.page)
		prefix, suffix := spanContext(text, sp.start, sp.end)
		guid := a.guid
		if guid == "" {
			guid = newGUID()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO annotations (guid, doc_id, page, start, end, quote, prefix, suffix, note, author, source, color, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, guid, doc, sp.page, sp.start, sp.end, string(text[sp.start:sp.end]), prefix, suffix,
			a.note, coder, a.source, a.color, orNow(a.created), orNow(a.updated))
		if err != nil {
			return fmt.Errorf("annotation %s: %w", a.guid, err)
		}
		id, _ := res.LastInsertId()
		m.r.created("annotations", id)
		for _, t := range themeIDs {
			if _, err := tx.ExecContext(ctx, "INSERT INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", id, t); err != nil {
				return err
			}
			m.r.created("annotation_themes", id, t)
		}
		m.rep.Annotations.Added++
		m.rep.ByCoder[coder]++
		md.Annotations++
	}
	for _, n := range m.src.notes[d.id] {
		var have int
		if n.guid != "" {
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM doc_notes WHERE guid = ?", n.guid).Scan(&have); err != nil {
				return err
			}
		}
		coder, err := m.coder(n.author)
		if err != nil {
			return err
		}
		if have == 0 {
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM doc_notes WHERE doc_id = ? AND text = ? AND author = ? COLLATE NOCASE", doc, n.text, coder).Scan(&have); err != nil {
				return err
			}
		}
		if have > 0 {
			m.rep.Notes.Present++
			continue
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO doc_notes (guid, doc_id, text, author, page, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			n.guid, doc, n.text, coder, n.page, n.source, orNow(n.created), orNow(n.updated))
		if err != nil {
			return fmt.Errorf("note %s: %w", n.guid, err)
		}
		id, _ := res.LastInsertId()
		m.r.created("doc_notes", id)
		m.rep.Notes.Added++
		md.Notes++
	}
	return nil
}

// area merges one of the source's area annotations into l's document
// doc: the same rectangle of the same page, when l holds the same PDF (the
// rectangle does not depend on the text, and another file of the article
// may lay its page out otherwise).
func (m *merger) area(d srcDocument, doc int64, a srcAnnotation, themeIDs []int64, md *MergedDocument) error {
	ctx, tx := m.ctx, m.r.tx
	var sha string
	var pageCount int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(sha256, ''), page_count FROM documents WHERE id = ?", doc).Scan(&sha, &pageCount); err != nil {
		return err
	}
	reason := ""
	switch {
	case sha == "" || !strings.EqualFold(sha, d.sha):
		reason = "it is an area of a page, and this library holds another file of the document, whose page may be laid out otherwise"
	case a.page < 1 || a.page > pageCount:
		reason = fmt.Sprintf("it is an area of page %d, which this library's copy of the document does not have", a.page)
	}
	if reason != "" {
		m.notPlaced("annotation", a.guid, d.title, a.page, a.quote, a.author, reason)
		md.NotPlaced++
		return nil
	}
	coder, err := m.coder(a.author)
	if err != nil {
		return err
	}
	r := a.rect
	ids, err := coderAreaIDs(ctx, tx, doc, a.page, r, coder)
	if err != nil {
		return err
	}
	if dup, err := sameThemes(ctx, tx, ids, themeIDs); err != nil {
		return err
	} else if dup {
		m.rep.Annotations.Present++
		md.Present++
		return nil
	}
	guid := a.guid
	if guid == "" {
		guid = newGUID()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO annotations (guid, doc_id, page, start, end, quote, prefix, suffix, note, author, source, color, created_at, updated_at,
	kind, rect_x1, rect_y1, rect_x2, rect_y2)
VALUES (?, ?, ?, 0, 0, ?, '', '', ?, ?, ?, ?, ?, ?, 'area', ?, ?, ?, ?)`, guid, doc, a.page, a.quote, a.note, coder, a.source, a.color,
		orNow(a.created), orNow(a.updated), r.X1, r.Y1, r.X2, r.Y2)
	if err != nil {
		return fmt.Errorf("annotation %s: %w", a.guid, err)
	}
	id, _ := res.LastInsertId()
	m.r.created("annotations", id)
	for _, t := range themeIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", id, t); err != nil {
			return err
		}
		m.r.created("annotation_themes", id, t)
	}
	m.rep.Annotations.Added++
	m.rep.ByCoder[coder]++
	md.Annotations++
	return nil
}

// sameCoding reports whether the coder has coded the span with exactly
// these themes already (a coding that came by another way, such as a
// REFI-QDA project, with another GUID).
func sameCoding(ctx context.Context, tx *sql.Tx, doc int64, sp span, coder string, themeIDs []int64) (bool, error) {
	ids, err := txIDs(ctx, tx, "SELECT id FROM annotations WHERE doc_id = ? AND page = ? AND start = ? AND end = ? AND author = ? COLLATE NOCASE AND kind = 'text'", doc, sp.page, sp.start, sp.end, coder)
	if err != nil {
		return false, err
	}
	return sameThemes(ctx, tx, ids, themeIDs)
}

// sameThemes reports whether one of the annotations ids has exactly these
// themes.
func sameThemes(ctx context.Context, tx *sql.Tx, ids, themeIDs []int64) (bool, error) {
	for _, id := range ids {
		have, err := txIDs(ctx, tx, "SELECT theme_id FROM annotation_themes WHERE annotation_id = ?", id)
		if err != nil {
			return false, err
		}
		if len(have) != len(themeIDs) {
			continue
		}
		all := true
		for _, t := range themeIDs {
			all = all && containsID(have, t)
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

// orNow keeps a stored timestamp, or gives the time now when it is not one.
func orNow(ts string) string {
	if _, err := time.Parse(time.RFC3339Nano, ts); err == nil {
		return ts
	}
	return now()
}

// MergeSource is another coder's work read from something other than a
// library folder (a REFI-QDA project): documents with their annotations
// and notes, themes and coders.
type MergeSource struct {
	// Name names the source in the report and the history.
	Name      string
	Documents []MergeDocument
	// Themes, parents before their children.
	Themes []MergeTheme
	// Coders gives coders' GUIDs by name.
	Coders map[string]string
}

// MergeDocument is one document of a MergeSource, matched to the
// library's by SHA256 (its original file), GUID (the library's document
// made from the same project source), DOI, then Title.
type MergeDocument struct {
	SHA256, GUID, DOI, Title string
	Annotations              []MergeAnnotation
	Notes                    []MergeNote
}

// MergeTheme is a theme of a MergeSource; Parent is its parent's GUID.
type MergeTheme struct {
	GUID, Name, Parent, Description, Color, Memo, Source string
	Provisional                                          bool
}

// MergeAnnotation is a coded passage of a MergeDocument: Start and End in
// code points of the page's NFC text, Quote the passage, Prefix and
// Suffix the text around it; Themes are theme GUIDs.
type MergeAnnotation struct {
	GUID                  string
	Page, Start, End      int
	Quote, Prefix, Suffix string
	Note, Coder           string
	Themes                []string
	Created               time.Time
}

// MergeNote is a note on a whole MergeDocument.
type MergeNote struct {
	GUID, Text, Coder string
	Created           time.Time
}

// MergeFrom merges src into l as MergeLibrary merges a library folder:
// nothing of l is overwritten, every coding keeps its coder, one
// undoable step, merging again adds nothing.
func (l *Library) MergeFrom(ctx context.Context, src *MergeSource, opts MergeOptions) (*MergeReport, error) {
	s := &sourceLibrary{coders: map[string]string{}, annotations: map[int64][]srcAnnotation{}, notes: map[int64][]srcNote{}}
	themeID := map[string]int64{}
	for i, t := range src.Themes {
		themeID[strings.ToLower(t.GUID)] = int64(i + 1)
	}
	for i, t := range src.Themes {
		st := srcTheme{id: int64(i + 1), guid: t.GUID, name: t.Name, description: t.Description, color: t.Color, memo: t.Memo,
			source: t.Source, provisional: t.Provisional, parent: themeID[strings.ToLower(t.Parent)]}
		s.themes = append(s.themes, st)
	}
	for name, guid := range src.Coders {
		s.coders[strings.ToLower(name)] = guid
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	for i, d := range src.Documents {
		id := int64(i + 1)
		s.docs = append(s.docs, srcDocument{id: id, sha: d.SHA256, guid: d.GUID, doi: d.DOI, title: d.Title, tnorm: titleKey(d.Title)})
		for _, a := range d.Annotations {
			sa := srcAnnotation{guid: a.GUID, page: a.Page, start: a.Start, end: a.End, quote: a.Quote, prefix: a.Prefix, suffix: a.Suffix,
				note: a.Note, author: a.Coder, created: stamp(a.Created), updated: stamp(a.Created)}
			for _, g := range a.Themes {
				if tid, ok := themeID[strings.ToLower(g)]; ok {
					sa.themes = append(sa.themes, tid)
				}
			}
			s.annotations[id] = append(s.annotations[id], sa)
		}
		for _, n := range d.Notes {
			s.notes[id] = append(s.notes[id], srcNote{guid: n.GUID, text: n.Text, author: n.Coder, created: stamp(n.Created), updated: stamp(n.Created)})
		}
	}
	if opts.Coder == "" {
		opts.Coder = src.Name
	}
	rep, err := l.merge(ctx, s, src.Name, opts)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", src.Name, err)
	}
	return rep, nil
}
