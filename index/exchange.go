package index

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/importer"
)

// Exchange files (REFI-QDA projects) bring documents with their coding from
// other tools. ImportExchangeSource stores one source of such a file —
// the document when it is new, its attributes, notes and annotations — in
// one transaction and one undoable step, and re-indexes the document once,
// however many annotations it brings.

// ExchangeSource is one source of an exchange file.
type ExchangeSource struct {
	// DocID is the library's document the source was recognised as (the
	// caller finds it by GUID or by text); 0 stores a new document from
	// Name, Pages and Metadata, even when the library holds one with the
	// same text (two sources of a project may have the same text).
	DocID int64
	// GUID is the source's GUID in the exchange file, kept with a new
	// document so that the project coming back is recognised.
	GUID     string
	Name     string
	Pages    []importer.PageText
	Metadata importer.Metadata
	// FirstPrintedPage is set on a new document when not 0.
	FirstPrintedPage int
	// Attributes are added to the document's (those it has are kept).
	Attributes []Attribute
	// Notes become document notes; a note whose text the document already
	// holds is not added twice.
	Notes       []ExchangeNote
	Annotations []ExchangeAnnotation
	// Label names the undoable step ("Import project.qdpx: Interview 3").
	Label string
	// CoderGUIDs are the GUIDs of the file's users by name: a coder the
	// library does not know yet is added with the GUID the file gives it.
	CoderGUIDs map[string]string
	// Adopt, with DocID, says the document was just imported from the
	// source's own file (a PDF the project holds): it takes the source's
	// GUID, its metadata (as an imported record's: fields set by hand
	// win) and its first printed page, as a new document would.
	Adopt bool
}

// ExchangeNote is a note on a whole source.
type ExchangeNote struct {
	Text    string
	Author  string
	Created time.Time
}

// ExchangeAnnotation is one coded passage of an exchange source: a span of
// a page in code points of the page's NFC text, End exclusive — or, with
// Rect, an area of a PDF's page.
type ExchangeAnnotation struct {
	// GUID is the selection's GUID, kept as the annotation's: an
	// annotation with this GUID already in the document is found, not
	// duplicated ("" derives nothing: a new GUID is made).
	GUID       string
	Page       int
	Start, End int
	// Quote, when set, is the passage's text: when the span does not
	// hold it (the document's text was read by another program than the
	// project's), it is looked for in the document — on its page first,
	// the occurrence nearest Start — and not stored when not found.
	Quote string
	// Rect makes it an area annotation: a rectangle of page Page in PDF
	// user space (see TagRequest.Rect); Start, End and Quote are unused.
	Rect    *Rect
	Themes  []string // theme names; at least one
	Note    string
	Author  string
	Created time.Time
}

// ExchangeResult says what ImportExchangeSource did.
type ExchangeResult struct {
	Item    ImportItem
	Created bool // a new document was stored
	// Added counts the annotations created, Found those the document
	// already held (same GUID, or same page and span), Codings the
	// annotation × theme pairs of both.
	Added, Found, Codings int
	ThemesAdded           int // themes added to annotations found
	NotesAdded            int
	// Problems lists the annotations that could not be stored, and why.
	Problems []string
}

// ImportExchangeSource stores one exchange source: a new document (when
// src.DocID is 0) with its pages, metadata, GUID and attributes, its
// notes, and its annotations — an annotation already there (same GUID, or
// same page and span) gains the themes it lacks instead of being
// duplicated. It runs as one transaction and one undoable step, and
// re-indexes the document once. An annotation that does not fit its page
// is left out and listed in the result's Problems; everything else failing
// changes nothing.
func (l *Library) ImportExchangeSource(ctx context.Context, src ExchangeSource) (ExchangeResult, error) {
	res := ExchangeResult{}
	name := strings.TrimSpace(src.Name)
	var blob *exchangeBlob
	if src.DocID == 0 {
		if len(src.Pages) == 0 {
			return res, fmt.Errorf("import source %q: no text: %w", name, ErrInvalidInput)
		}
		b, err := l.exchangeBlob(ctx, name, src.Pages)
		if err != nil {
			return res, fmt.Errorf("import source %q: %w", name, err)
		}
		if err := l.storeBlob(b.sha, b.fileName, b.data); err != nil {
			return res, fmt.Errorf("import source %q: store original: %w", name, err)
		}
		blob = b
	}
	label := src.Label
	if label == "" {
		label = fmt.Sprintf("Import source %q", name)
	}
	docID := src.DocID
	// Areas are checked against their pages, and the text inside them
	// read, before the transaction (PDFium and the pages' boxes).
	areas := map[int]preparedArea{}
	for i, a := range src.Annotations {
		if a.Rect == nil {
			continue
		}
		if docID == 0 {
			res.Problems = append(res.Problems, fmt.Sprintf("area of page %d: the source has no PDF to draw it on", a.Page))
			areas[i] = preparedArea{err: errAreaSkipped}
			continue
		}
		r, quote, err := l.prepareArea(ctx, docID, a.Page, a.Rect.Normalized())
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Problems = append(res.Problems, fmt.Sprintf("area %s of page %d: %v", a.Rect.Round(), a.Page, err))
			err = errAreaSkipped
		}
		areas[i] = preparedArea{rect: r, quote: quote, err: err}
	}
	err := l.change(ctx, label, func(r *changeRecorder) error {
		if blob != nil {
			id, err := insertExchangeDocument(ctx, r.tx, src, blob)
			if err != nil {
				return err
			}
			docID = id
		} else {
			var n int
			if err := r.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents WHERE id = ?", docID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("no document %d: %w", docID, ErrNotFound)
			}
			if src.Adopt {
				if err := adoptExchangeDocument(ctx, r, docID, src); err != nil {
					return err
				}
			}
		}
		r.reindexDocument(docID)
		if err := mergeAttributes(ctx, r.tx, docID, src.Attributes); err != nil {
			return err
		}
		// the file's users become coders with their GUIDs, before their
		// codings and notes name them
		for _, n := range src.Notes {
			if _, err := ensureCoder(ctx, r, n.Author, src.CoderGUIDs[n.Author], false); err != nil {
				return err
			}
		}
		for _, a := range src.Annotations {
			if _, err := ensureCoder(ctx, r, a.Author, src.CoderGUIDs[a.Author], false); err != nil {
				return err
			}
		}
		added, err := addExchangeNotes(ctx, r, docID, src.Notes, l.Author)
		if err != nil {
			return err
		}
		res.NotesAdded = added
		return l.addExchangeAnnotations(ctx, r, docID, src.Annotations, areas, &res)
	})
	if err != nil {
		return res, fmt.Errorf("import source %q: %w", name, err)
	}
	d, err := l.Document(ctx, docID)
	if err != nil {
		return res, err
	}
	res.Item = itemOf(d, d.FileName)
	res.Created = blob != nil
	return res, nil
}

// exchangeBlob is the original kept for a document that comes from an
// exchange file: its pages joined by form feeds.
type exchangeBlob struct {
	fileName string
	data     []byte
	sha      string
}

// exchangeBlob makes the original of a new exchange document. The
// library's key for an original is its SHA-256, so a source whose text
// the library already holds (a second source of a project with the same
// text) is kept apart by one more line break at the end of its original,
// which text readers ignore.
func (l *Library) exchangeBlob(ctx context.Context, name string, pages []importer.PageText) (*exchangeBlob, error) {
	texts := make([]string, len(pages))
	for i, p := range pages {
		texts[i] = p.Text
	}
	data := []byte(strings.Join(texts, "\f"))
	fileName := name
	if fileName == "" {
		fileName = "source"
	}
	if !strings.HasSuffix(strings.ToLower(fileName), ".txt") {
		fileName += ".txt"
	}
	for range 1000 {
		sum := sha256.Sum256(data)
		sha := hex.EncodeToString(sum[:])
		var n int
		if err := l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents WHERE sha256 = ?", sha).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return &exchangeBlob{fileName: fileName, data: data, sha: sha}, nil
		}
		data = append(data, '\n')
	}
	return nil, fmt.Errorf("the library holds the same text 1000 times: %w", ErrInvalidInput)
}

// insertExchangeDocument stores a new exchange document's row and pages
// inside tx; a metadata-only record with the same DOI or title receives
// them, as an imported file's do.
func insertExchangeDocument(ctx context.Context, tx *sql.Tx, src ExchangeSource, b *exchangeBlob) (int64, error) {
	pages := make([]importer.PageText, len(src.Pages))
	copy(pages, src.Pages)
	for i := range pages {
		if pages[i].Number == 0 {
			pages[i].Number = i + 1
		}
	}
	m := src.Metadata
	title := strings.TrimSpace(m.Title)
	if title == "" {
		title = strings.TrimSuffix(strings.TrimSpace(src.Name), ".txt")
	}
	doi := importer.NormalizeDOI(m.DOI)
	ts := now()
	id := matchMetadataOnly(ctx, tx, doi, titleKey(title))
	if id == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO documents (id, sha256, file_name, kind, page_count, size_bytes, imported_at, updated_at, extractor_version, title, title_norm, doi, guid)
VALUES (`+newDocumentID+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.sha, b.fileName, string(importer.KindText), len(pages), len(b.data), ts, ts, importer.ExtractorVersion, title, titleKey(title), doi, src.GUID)
		if err != nil {
			return 0, err
		}
		id, _ = res.LastInsertId()
	} else {
		_, err := tx.ExecContext(ctx, `UPDATE documents SET sha256 = ?, file_name = ?, kind = ?, page_count = ?, size_bytes = ?, updated_at = ?, extractor_version = ?,
	title = CASE WHEN title = '' THEN ? ELSE title END,
	title_norm = CASE WHEN title_norm = '' THEN ? ELSE title_norm END,
	doi = CASE WHEN doi = '' THEN ? ELSE doi END, guid = ?, indexed = 0
WHERE id = ?`, b.sha, b.fileName, string(importer.KindText), len(pages), len(b.data), ts, importer.ExtractorVersion, title, titleKey(title), doi, src.GUID, id)
		if err != nil {
			return 0, err
		}
	}
	if err := insertPages(ctx, tx, id, pages); err != nil {
		return 0, err
	}
	if m.Title == "" {
		m.Title = title
	}
	if err := mergeMetadata(ctx, tx, id, m); err != nil {
		return 0, err
	}
	if src.FirstPrintedPage > 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE documents SET first_printed_page = ? WHERE id = ?", src.FirstPrintedPage, id); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// mergeAttributes adds attrs to the document's attributes, once each.
func mergeAttributes(ctx context.Context, tx *sql.Tx, docID int64, attrs []Attribute) error {
	if len(attrs) == 0 {
		return nil
	}
	var stored string
	if err := tx.QueryRowContext(ctx, "SELECT attributes FROM documents WHERE id = ?", docID).Scan(&stored); err != nil {
		return err
	}
	var have []Attribute
	json.Unmarshal([]byte(stored), &have)
	seen := map[Attribute]bool{}
	for _, a := range have {
		seen[a] = true
	}
	changed := false
	for _, a := range attrs {
		a.Name, a.Value = strings.TrimSpace(a.Name), strings.TrimSpace(a.Value)
		if a.Name == "" || a.Value == "" || seen[a] {
			continue
		}
		seen[a] = true
		have = append(have, a)
		changed = true
	}
	if !changed {
		return nil
	}
	b, err := json.Marshal(have)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE documents SET attributes = ?, updated_at = ?, indexed = 0 WHERE id = ?", string(b), now(), docID)
	return err
}

// addExchangeNotes adds the notes whose text the document does not hold.
func addExchangeNotes(ctx context.Context, r *changeRecorder, docID int64, notes []ExchangeNote, defaultAuthor string) (int, error) {
	if len(notes) == 0 {
		return 0, nil
	}
	have := map[string]bool{}
	rows, err := r.tx.QueryContext(ctx, "SELECT text FROM doc_notes WHERE doc_id = ?", docID)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, err
		}
		have[strings.TrimSpace(t)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	added := 0
	for _, n := range notes {
		text := strings.TrimSpace(n.Text)
		if text == "" || have[text] {
			continue
		}
		have[text] = true
		author := n.Author
		if author == "" {
			author = defaultAuthor
		}
		created := now()
		if !n.Created.IsZero() {
			created = n.Created.UTC().Format(time.RFC3339Nano)
		}
		res, err := r.tx.ExecContext(ctx, "INSERT INTO doc_notes (doc_id, text, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", docID, text, author, created, created)
		if err != nil {
			return added, err
		}
		id, _ := res.LastInsertId()
		r.created("doc_notes", id)
		added++
	}
	return added, nil
}

// preparedArea is an exchange area checked against its page: clipped,
// with the text inside it, or err when it cannot be stored (reported).
type preparedArea struct {
	rect  Rect
	quote string
	err   error
}

var errAreaSkipped = errors.New("area left out")

// adoptExchangeDocument gives a document just imported from a source's
// own file the source's GUID, metadata and first printed page.
func adoptExchangeDocument(ctx context.Context, r *changeRecorder, docID int64, src ExchangeSource) error {
	cols := []string{"guid", "first_printed_page"}
	if err := r.touchColumns("documents", cols, docID); err != nil {
		return err
	}
	if _, err := r.tx.ExecContext(ctx, "UPDATE documents SET guid = ?, first_printed_page = CASE WHEN ? > 0 THEN ? ELSE first_printed_page END, updated_at = ? WHERE id = ?",
		src.GUID, src.FirstPrintedPage, src.FirstPrintedPage, now(), docID); err != nil {
		return err
	}
	return mergeMetadata(ctx, r.tx, docID, src.Metadata)
}

// addExchangeAnnotations stores a source's annotations inside a change.
func (l *Library) addExchangeAnnotations(ctx context.Context, r *changeRecorder, docID int64, list []ExchangeAnnotation, areas map[int]preparedArea, res *ExchangeResult) error {
	if len(list) == 0 {
		return nil
	}
	pages, err := loadPageRunes(ctx, r.tx, docID)
	if err != nil {
		return err
	}
	textOf := map[int][]rune{}
	for _, p := range pages {
		textOf[p.page] = p.text
	}
	type held struct {
		id     int64
		note   string
		themes []int64
	}
	byGUID := map[string]*held{}
	// a passage is the same coding only when the same coder coded it:
	// another coder's coding of it stays theirs (coders code in parallel)
	type spanKey struct {
		page, start, end int
		coder            string
	}
	bySpan := map[spanKey]*held{}
	// an area likewise: the same rectangle of the page by the same coder
	type rectKey struct {
		page  int
		rect  Rect // rounded to a hundredth of a point
		coder string
	}
	byRect := map[rectKey]*held{}
	rows, err := r.tx.QueryContext(ctx, "SELECT id, guid, page, start, end, note, lower(author), kind, rect_x1, rect_y1, rect_x2, rect_y2 FROM annotations WHERE doc_id = ?", docID)
	if err != nil {
		return err
	}
	byID := map[int64]*held{}
	for rows.Next() {
		var h held
		var guid, kind string
		var k spanKey
		var rect Rect
		if err := rows.Scan(&h.id, &guid, &k.page, &k.start, &k.end, &h.note, &k.coder, &kind, &rect.X1, &rect.Y1, &rect.X2, &rect.Y2); err != nil {
			rows.Close()
			return err
		}
		p := &h
		byID[h.id] = p
		byGUID[strings.ToLower(guid)] = p
		if kind == KindArea {
			byRect[rectKey{k.page, rect.Round(), k.coder}] = p
		} else if _, ok := bySpan[k]; !ok {
			bySpan[k] = p
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = r.tx.QueryContext(ctx, "SELECT at.annotation_id, at.theme_id FROM annotation_themes at JOIN annotations a ON a.id = at.annotation_id WHERE a.doc_id = ?", docID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var aid, tid int64
		if err := rows.Scan(&aid, &tid); err != nil {
			rows.Close()
			return err
		}
		if h := byID[aid]; h != nil {
			h.themes = append(h.themes, tid)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	themeIDs := map[string]int64{}
	resolve := func(names []string) ([]int64, error) {
		var ids []int64
		for _, n := range names {
			key := strings.ToLower(strings.TrimSpace(n))
			id, ok := themeIDs[key]
			if !ok {
				t, err := themeByName(ctx, r.tx, n)
				if err != nil {
					return nil, err
				}
				id = t.ID
				themeIDs[key] = id
			}
			if !containsID(ids, id) {
				ids = append(ids, id)
			}
		}
		return ids, nil
	}
	guidTaken, err := r.stmt("SELECT id FROM annotations WHERE guid = ?") // a GUID may be in use in another document
	if err != nil {
		return err
	}
	for i, a := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		area, isArea := areas[i]
		if isArea && area.err != nil {
			continue // reported when it was prepared
		}
		if !isArea && a.Quote != "" {
			// The span in this document's text, found by the quote when
			// the text is another program's reading of the page.
			sp, ok := relocate(pages, a)
			if !ok {
				res.Problems = append(res.Problems, fmt.Sprintf("passage %q (page %d) is not in the document's text", shortQuote(a.Quote), a.Page))
				continue
			}
			a.Page, a.Start, a.End = sp.page, sp.start, sp.end
		}
		ids, err := resolve(a.Themes)
		if err != nil {
			res.Problems = append(res.Problems, fmt.Sprintf("passage %d–%d of page %d: %v", a.Start, a.End, a.Page, err))
			continue
		}
		if len(ids) == 0 {
			res.Problems = append(res.Problems, fmt.Sprintf("passage %d–%d of page %d has no theme", a.Start, a.End, a.Page))
			continue
		}
		guid := strings.ToLower(strings.Trim(strings.TrimSpace(a.GUID), "{}"))
		h := byGUID[guid]
		if guid == "" {
			h = nil
		}
		author := a.Author
		if author == "" {
			author = l.Author
		}
		coderKey := strings.ToLower(cleanCoderName(author))
		if h == nil && isArea {
			h = byRect[rectKey{a.Page, area.rect.Round(), coderKey}]
		} else if h == nil {
			h = bySpan[spanKey{a.Page, a.Start, a.End, coderKey}]
		}
		if h != nil {
			res.Found++
			res.Codings += len(ids)
			for _, id := range ids {
				if containsID(h.themes, id) {
					continue
				}
				if _, err := r.exec("INSERT INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", h.id, id); err != nil {
					return err
				}
				r.created("annotation_themes", h.id, id)
				h.themes = append(h.themes, id)
				res.ThemesAdded++
			}
			if note := strings.TrimSpace(a.Note); note != "" && h.note == "" {
				if err := r.touch("annotations", h.id); err != nil {
					return err
				}
				if _, err := r.tx.ExecContext(ctx, "UPDATE annotations SET note = ?, updated_at = ? WHERE id = ?", note, now(), h.id); err != nil {
					return err
				}
				h.note = note
			}
			continue
		}
		if guid != "" && !guidPattern(guid) {
			guid = ""
		}
		if guid != "" {
			var other int64
			if err := guidTaken.QueryRowContext(ctx, guid).Scan(&other); err == nil {
				guid = "" // the GUID belongs to an annotation of another document
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if isArea {
			id, err := insertArea(r, newArea{docID: docID, page: a.Page, rect: area.rect, quote: area.quote, themeIDs: ids,
				note: a.Note, author: author, guid: guid, created: a.Created})
			if err != nil {
				return err
			}
			h = &held{id: id, note: strings.TrimSpace(a.Note), themes: ids}
			if guid != "" {
				byGUID[guid] = h
			}
			byRect[rectKey{a.Page, area.rect.Round(), coderKey}] = h
			res.Added++
			res.Codings += len(ids)
			continue
		}
		text, ok := textOf[a.Page]
		switch {
		case !ok:
			res.Problems = append(res.Problems, fmt.Sprintf("passage %d–%d: the document has no page %d", a.Start, a.End, a.Page))
			continue
		case a.Start < 0 || a.End <= a.Start || a.End > len(text):
			res.Problems = append(res.Problems, fmt.Sprintf("passage %d–%d lies outside page %d (%d characters)", a.Start, a.End, a.Page, len(text)))
			continue
		case strings.TrimSpace(string(text[a.Start:a.End])) == "":
			res.Problems = append(res.Problems, fmt.Sprintf("passage %d–%d of page %d holds no text", a.Start, a.End, a.Page))
			continue
		}
		id, err := insertAnnotationWith(ctx, r, newAnnotation{docID: docID, sp: span{page: a.Page, start: a.Start, end: a.End}, text: text,
			themeIDs: ids, note: a.Note, author: author, guid: guid, created: a.Created})
		if err != nil {
			return err
		}
		h = &held{id: id, note: strings.TrimSpace(a.Note), themes: ids}
		if guid != "" {
			byGUID[guid] = h
		}
		bySpan[spanKey{a.Page, a.Start, a.End, coderKey}] = h
		res.Added++
		res.Codings += len(ids)
	}
	return nil
}

// relocate finds an exchange passage in the document's pages: where its
// span holds its quote (folded alike), else its quote nearest to where it
// was, on its page first.
func relocate(pages []pageRunes, a ExchangeAnnotation) (span, bool) {
	for _, p := range pages {
		if p.page == a.Page && a.Start >= 0 && a.End <= len(p.text) && a.Start < a.End &&
			foldQuote(string(p.text[a.Start:a.End]), false) == foldQuote(a.Quote, false) {
			return span{page: a.Page, start: a.Start, end: a.End}, true
		}
	}
	var onPage []pageRunes
	for _, p := range pages {
		if p.page == a.Page {
			onPage = append(onPage, p)
		}
	}
	target := anchorTarget{quote: a.Quote, page: a.Page, start: a.Start}
	if sp, ok := reanchor(onPage, target); ok {
		return sp, true
	}
	return reanchor(pages, target)
}

// guidPattern tells a GUID as annotations keep them: 36 characters of hex
// digits and dashes.
func guidPattern(g string) bool {
	if len(g) != 36 {
		return false
	}
	for i, c := range g {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}
