package index

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/pdfium"
)

// Importing the marks researchers made in other readers: the highlights,
// underlines, squiggly underlines and strike-outs of a PDF become
// annotations, coded with a theme per colour (and kind) under the group
// "Highlights"; their comments become the annotations' notes, their
// authors and dates are kept. Sticky notes, text boxes and ink become
// document notes with their page. A highlight stores only rectangles: its
// text is the stored page text whose characters' boxes (PageBoxes) lie
// under its quadrilaterals, in the page's reading order. Every mark
// imported is remembered by page, kind, rectangles and colour, so that
// importing the same file again adds nothing. A highlight that covers no
// text (a scan, a figure) becomes an area annotation of its rectangle, as
// does a Square (a rectangle drawn over a figure or table).

// Statuses of a mark in a HighlightReport.
const (
	HighlightImported   = "imported"    // a new annotation or note
	HighlightMerged     = "merged"      // its passage was coded already: the themes and comment were added to that annotation
	HighlightUnchanged  = "unchanged"   // imported before
	HighlightNotMatched = "not-matched" // no text found under it (see Reason)
	HighlightSkipped    = "skipped"     // a kind of annotation that is not imported, or one the file hides
)

// GroupHighlights is the theme the colour themes of imported highlights
// go under.
const GroupHighlights = "Highlights"

// The private keys Rapport writes into the highlights of a coded copy
// (see export's coded PDF), so that importing the copy brings the same
// themes and notes back.
const (
	PDFKeyThemes = "RapportThemes" // JSON: [{"name","parent","color"}]
	PDFKeyNote   = "RapportNote"   // the annotation's note as it is
)

// PDFTheme is a theme as a coded copy names it (PDFKeyThemes).
type PDFTheme struct {
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Color  string `json:"color,omitempty"`
}

// CodedContents is the comment a coded copy gives a passage's highlight:
// its themes, then its note ("Theme A; Theme B — note").
func CodedContents(themes []string, note string) string {
	s := strings.Join(themes, "; ")
	if note = strings.TrimSpace(note); note != "" {
		s += " — " + note
	}
	return s
}

// HighlightItem is one mark of a PDF and what importing it did.
type HighlightItem struct {
	Page int `json:"page"`
	// Kind: highlight, underline, squiggly, strikeout, note, freetext,
	// ink, or the PDF subtype of an annotation not imported.
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Quote is the text found under a highlight (its passages joined by
	// " … " when it was split).
	Quote   string   `json:"quote,omitempty"`
	Color   string   `json:"color,omitempty"`
	Themes  []string `json:"themes,omitempty"`
	Comment string   `json:"comment,omitempty"`
	Author  string   `json:"author,omitempty"`
	// AnnotationIDs are the annotations made or merged into; NoteID the
	// document note made.
	AnnotationIDs []int64 `json:"annotation_ids,omitempty"`
	NoteID        int64   `json:"note_id,omitempty"`
	// Rect is the rectangle of a mark imported as an area annotation (a
	// Square, or a highlight over no text), clipped to its page.
	Rect *Rect `json:"rect,omitempty"`
}

// HighlightReport is what importing one document's marks did.
type HighlightReport struct {
	DocID      int64           `json:"doc_id"`
	Title      string          `json:"title"`
	Imported   int             `json:"imported"`
	Merged     int             `json:"merged"`
	Unchanged  int             `json:"unchanged"`
	NotMatched int             `json:"not_matched"`
	Skipped    int             `json:"skipped"`
	Items      []HighlightItem `json:"items"`
	// Error says why the document's marks could not be read at all.
	Error string `json:"error,omitempty"`
}

// HighlightOptions tune ImportHighlights.
type HighlightOptions struct {
	// Password opens encrypted originals; it is not stored.
	Password string
}

// Bounds against hostile files, on top of the reader's own.
const (
	maxMarksPerDocument = 50_000
	maxQuadsPerDocument = 20_000
	// maxPassagesPerMark: a highlight whose text falls into more pieces
	// is not taken for a passage.
	maxPassagesPerMark = 10
)

// ImportHighlights imports the marks of the PDFs of documents ids (none:
// every PDF in the library) and reports, document by document, every mark
// imported, merged, already there or not matched. Each document's import
// is one undoable step. A document whose marks cannot be read is reported
// with its error; the error returned is the context's, or the library's.
func (l *Library) ImportHighlights(ctx context.Context, ids []int64, opts HighlightOptions) ([]HighlightReport, error) {
	if len(ids) == 0 {
		docs, err := l.Documents(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.Kind == string(importer.KindPDF) && d.SHA256 != "" {
				ids = append(ids, d.ID)
			}
		}
	}
	reports := []HighlightReport{}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return reports, err
		}
		rep, err := l.importDocHighlights(ctx, id, opts.Password)
		if err != nil {
			if ctx.Err() != nil {
				return reports, ctx.Err()
			}
			rep.Error = err.Error()
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

// pdfMark is one annotation read from a PDF, with what importing needs.
type pdfMark struct {
	page    int // 1-based
	annot   pdfium.Annot
	replies []string // the texts of the replies to it ("Author: text")
	// spans are the passages of the page text a text markup mark covers
	// (markSpans), found before the marks are stored.
	spans [][2]int
	// area is the rectangle a Square, or a highlight over no text, codes
	// as an area annotation (see markArea).
	area *markArea
}

// markArea is a mark's rectangle made ready for an area annotation:
// clipped to its page, with the text inside it; err says why it cannot be
// one.
type markArea struct {
	rect  Rect
	quote string
	err   error
}

func (l *Library) importDocHighlights(ctx context.Context, id int64, password string) (HighlightReport, error) {
	rep := HighlightReport{DocID: id, Items: []HighlightItem{}}
	d, err := l.Document(ctx, id)
	if err != nil {
		return rep, err
	}
	rep.Title = d.Title
	if d.Kind != string(importer.KindPDF) || d.SHA256 == "" {
		return rep, fmt.Errorf("highlights of document %d: it has no PDF to read: %w", id, ErrInvalidInput)
	}
	marks, items, err := l.readMarks(ctx, d, password)
	if err != nil {
		return rep, fmt.Errorf("highlights of document %d (%s): %w", id, d.FileName, err)
	}
	rep.Items = append(rep.Items, items...)
	if len(marks) > 0 {
		done, err := l.storeMarks(ctx, d, marks, password)
		if err != nil {
			return rep, fmt.Errorf("highlights of document %d (%s): %w", id, d.FileName, err)
		}
		rep.Items = append(rep.Items, done...)
	}
	sort.SliceStable(rep.Items, func(i, j int) bool { return rep.Items[i].Page < rep.Items[j].Page })
	for _, it := range rep.Items {
		switch it.Status {
		case HighlightImported:
			rep.Imported++
		case HighlightMerged:
			rep.Merged++
		case HighlightUnchanged:
			rep.Unchanged++
		case HighlightNotMatched:
			rep.NotMatched++
		case HighlightSkipped:
			rep.Skipped++
		}
	}
	return rep, nil
}

// markKinds names the annotation subtypes Rapport imports.
var markKinds = map[string]string{
	pdfium.SubtypeHighlight: "highlight",
	pdfium.SubtypeUnderline: "underline",
	pdfium.SubtypeSquiggly:  "squiggly",
	pdfium.SubtypeStrikeOut: "strikeout",
	pdfium.SubtypeText:      "note",
	pdfium.SubtypeFreeText:  "freetext",
	pdfium.SubtypeInk:       "ink",
	pdfium.SubtypeSquare:    "area", // a rectangle over a figure or table (Zotero's image annotations, Rapport's coded copies)
}

func isTextMarkup(subtype string) bool { _, ok := markupKinds[subtype]; return ok }

// readMarks reads the marks of a document's original with PDFium. It
// returns the marks to import and the items of those it skips.
func (l *Library) readMarks(ctx context.Context, d Document, password string) ([]*pdfMark, []HighlightItem, error) {
	data, err := os.ReadFile(l.FilePath(d))
	if err != nil {
		return nil, nil, fmt.Errorf("read the stored original: %w", err)
	}
	engine, err := pdfium.Get(ctx)
	if err != nil {
		return nil, nil, err
	}
	doc, err := engine.Open(ctx, data, password)
	if err != nil {
		return nil, nil, err
	}
	defer doc.Close()
	var marks []*pdfMark
	var skipped []HighlightItem
	quads := 0
	for i := 0; i < doc.PageCount(); i++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		annots, truncated, err := doc.PageAnnots(i, PDFKeyThemes, PDFKeyNote)
		if err != nil {
			skipped = append(skipped, HighlightItem{Page: i + 1, Kind: "page", Status: HighlightNotMatched, Reason: fmt.Sprintf("the page's annotations cannot be read: %v", err)})
			continue
		}
		if truncated {
			skipped = append(skipped, HighlightItem{Page: i + 1, Kind: "page", Status: HighlightSkipped,
				Reason: fmt.Sprintf("the page has more than %d annotations; the rest were not read", pdfium.MaxAnnotsPerPage)})
		}
		onPage := map[int]*pdfMark{}
		for _, a := range annots {
			kind, ok := markKinds[a.Subtype]
			switch {
			case a.Subtype == pdfium.SubtypePopup || a.Subtype == "" || a.Subtype == "Link" || a.Subtype == "Widget":
				continue // parts of other annotations, links and form fields
			case !ok:
				skipped = append(skipped, HighlightItem{Page: i + 1, Kind: strings.ToLower(a.Subtype), Status: HighlightSkipped,
					Reason: a.Subtype + " annotations are not imported", Comment: a.Contents})
				continue
			case a.Hidden:
				skipped = append(skipped, HighlightItem{Page: i + 1, Kind: kind, Status: HighlightSkipped, Reason: "the file hides it", Comment: a.Contents})
				continue
			case a.Subtype == pdfium.SubtypeText && a.ReplyTo >= 0:
				continue // a reply: added to the comment it answers below
			}
			if len(marks) >= maxMarksPerDocument || quads+len(a.Quads) > maxQuadsPerDocument {
				skipped = append(skipped, HighlightItem{Page: i + 1, Kind: kind, Status: HighlightSkipped,
					Reason: fmt.Sprintf("the document has more marks than Rapport reads (%d marks, %d rectangles)", maxMarksPerDocument, maxQuadsPerDocument)})
				continue
			}
			quads += len(a.Quads)
			m := &pdfMark{page: i + 1, annot: a}
			onPage[a.Index] = m
			marks = append(marks, m)
		}
		// Replies go with the comment they answer (following a thread of
		// replies to its first annotation).
		byIndex := map[int]pdfium.Annot{}
		for _, a := range annots {
			byIndex[a.Index] = a
		}
		for _, a := range annots {
			if a.Subtype != pdfium.SubtypeText || a.ReplyTo < 0 || strings.TrimSpace(a.Contents) == "" {
				continue
			}
			target := a.ReplyTo
			for hops := 0; hops < 64; hops++ {
				up, ok := byIndex[target]
				if !ok || up.Subtype != pdfium.SubtypeText || up.ReplyTo < 0 {
					break
				}
				target = up.ReplyTo
			}
			reply := strings.TrimSpace(a.Contents)
			if a.Author != "" {
				reply = a.Author + ": " + reply
			}
			if m := onPage[target]; m != nil {
				m.replies = append(m.replies, reply)
			}
		}
	}
	return marks, skipped, nil
}

// markKey identifies a mark for idempotency: its page, kind, rectangles
// and colour.
func markKey(m *pdfMark) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%s|%s|", m.page, m.annot.Subtype, colorOf(m.annot))
	if len(m.annot.Quads) > 0 {
		for _, q := range m.annot.Quads {
			for _, v := range q {
				fmt.Fprintf(&b, "%.2f ", v)
			}
		}
	} else {
		r := m.annot.Rect
		fmt.Fprintf(&b, "%.2f %.2f %.2f %.2f", r.X0, r.Y0, r.X1, r.Y1)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}

// colorOf is a mark's colour as #RRGGBB; a highlight that gives none is
// drawn yellow by viewers.
func colorOf(a pdfium.Annot) string {
	if a.HasColor {
		return a.Color.Hex()
	}
	if a.Subtype == pdfium.SubtypeHighlight {
		return "#FFFF00"
	}
	return ""
}

// comment is a mark's comment with the replies to it.
func (m *pdfMark) comment() string {
	parts := []string{}
	if c := strings.TrimSpace(m.annot.Contents); c != "" {
		parts = append(parts, c)
	}
	parts = append(parts, m.replies...)
	return strings.Join(parts, "\n\n")
}

// markPage is a page's text and its characters' boxes.
type markPage struct {
	text  []rune
	boxes []importer.Box
	err   error
	// awaitingOCR: the page is a scan that OCR has not read yet; its
	// highlights find their text once it has.
	awaitingOCR bool
}

// storeMarks stores a document's marks in one undoable step and reports
// each one.
func (l *Library) storeMarks(ctx context.Context, d Document, marks []*pdfMark, password string) ([]HighlightItem, error) {
	// The text under the highlights, page by page, before the transaction.
	pages := map[int]*markPage{}
	for _, m := range marks {
		if !(isTextMarkup(m.annot.Subtype) || m.annot.Subtype == pdfium.SubtypeSquare) || pages[m.page] != nil {
			continue
		}
		pt := &markPage{}
		if p, err := l.PageText(ctx, d.ID, m.page); err != nil {
			pt.err = err
		} else {
			pt.text = nfcRunes(p.Text)
			pt.boxes, pt.err = l.pageBoxes(ctx, d.ID, m.page, password)
			if pt.err == nil && len(pt.boxes) != len(pt.text) {
				pt.err = fmt.Errorf("%d boxes for %d characters", len(pt.boxes), len(pt.text))
			}
		}
		pt.awaitingOCR = d.OCRPending > 0 && strings.TrimSpace(string(pt.text)) == ""
		pages[m.page] = pt
	}
	// The rectangles of the marks that become area annotations: Squares,
	// and highlights whose rectangles cover no text (a figure, a scan).
	infos := map[int]pdfium.PageInfo{}
	infoErrs := map[int]error{}
	for _, m := range marks {
		var r pdfium.Rect
		switch {
		case m.annot.Subtype == pdfium.SubtypeSquare:
			r = m.annot.Rect
		case isTextMarkup(m.annot.Subtype) && len(m.annot.Quads) > 0:
			pt := pages[m.page]
			if pt.err != nil || pt.awaitingOCR {
				continue
			}
			if m.spans = markSpans(pt.text, pt.boxes, m.annot.Quads); len(m.spans) > 0 {
				continue
			}
			r = m.annot.Quads[0].Bounds()
			for _, q := range m.annot.Quads[1:] {
				b := q.Bounds()
				r = pdfium.Rect{X0: min(r.X0, b.X0), Y0: min(r.Y0, b.Y0), X1: max(r.X1, b.X1), Y1: max(r.Y1, b.Y1)}
			}
		default:
			continue
		}
		if _, ok := infos[m.page]; !ok && infoErrs[m.page] == nil {
			info, err := l.PageInfo(ctx, d.ID, m.page)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				infoErrs[m.page] = err
			} else {
				infos[m.page] = info
			}
		}
		area := &markArea{err: infoErrs[m.page]}
		if area.err == nil {
			area.rect, area.err = clipArea(infos[m.page], m.page, Rect{r.X0, r.Y0, r.X1, r.Y1}.Normalized())
		}
		if pt := pages[m.page]; area.err == nil && pt.err == nil {
			area.quote = TextInArea(pt.text, pt.boxes, area.rect)
		}
		m.area = area
	}
	var items []HighlightItem
	label := fmt.Sprintf("Import the highlights of %q", shortQuote(d.Title))
	err := l.change(ctx, label, func(r *changeRecorder) error {
		items = items[:0]
		s := &markStore{l: l, r: r, ctx: ctx, doc: d.ID}
		for _, m := range marks {
			it, err := s.store(m, pages[m.page])
			if err != nil {
				return err
			}
			items = append(items, it)
		}
		return nil
	})
	return items, err
}

// markStore stores marks inside one change.
type markStore struct {
	l   *Library
	r   *changeRecorder
	ctx context.Context
	doc int64
}

func (s *markStore) store(m *pdfMark, pt *markPage) (HighlightItem, error) {
	a := m.annot
	it := HighlightItem{Page: m.page, Kind: markKinds[a.Subtype], Color: colorOf(a), Author: a.Author, Comment: m.comment()}
	key := markKey(m)
	var done struct {
		annotation, note int64
	}
	err := s.r.tx.QueryRowContext(s.ctx, "SELECT annotation_id, note_id FROM pdf_marks WHERE doc_id = ? AND mark = ?", s.doc, key).Scan(&done.annotation, &done.note)
	switch {
	case err == nil:
		it.Status = HighlightUnchanged
		if done.annotation != 0 {
			it.AnnotationIDs = []int64{done.annotation}
			var quote string
			if s.r.tx.QueryRowContext(s.ctx, "SELECT quote FROM annotations WHERE id = ?", done.annotation).Scan(&quote) == nil {
				it.Quote = quote
			} else {
				it.Reason = fmt.Sprintf("imported before as annotation %d, deleted since", done.annotation)
			}
		}
		it.NoteID = done.note
		return it, nil
	case !errors.Is(err, sql.ErrNoRows):
		return it, err
	}
	if a.Subtype == pdfium.SubtypeSquare {
		return s.storeArea(m, it, key, "")
	}
	if !isTextMarkup(a.Subtype) {
		return s.storeNote(m, it, key)
	}
	if pt != nil && pt.awaitingOCR {
		it.Status = HighlightNotMatched
		it.Reason = fmt.Sprintf("the page is a scan not read yet: run `rapport ocr %d`, then `rapport highlights import %d`", s.doc, s.doc)
		return it, nil
	}
	if pt == nil || pt.err != nil {
		it.Status = HighlightNotMatched
		switch {
		case pt != nil && errors.Is(pt.err, ErrStaleText):
			it.Reason = "the stored text is from another extractor version; re-extract the document (`rapport reextract`) and import again"
		case pt != nil:
			it.Reason = fmt.Sprintf("the characters of the page cannot be placed: %v", pt.err)
		default:
			it.Reason = "the page has no text"
		}
		return it, nil
	}
	if len(a.Quads) == 0 {
		it.Status, it.Reason = HighlightNotMatched, "it has no rectangles (QuadPoints)"
		return it, nil
	}
	spans := m.spans
	switch {
	case len(spans) == 0:
		return s.storeArea(m, it, key, "its rectangles cover no text (a figure, a scan): imported as an area annotation")
	case len(spans) > maxPassagesPerMark:
		it.Status, it.Reason = HighlightNotMatched, fmt.Sprintf("the text under it falls into %d scattered pieces", len(spans))
		return it, nil
	}
	var quotes []string
	for _, sp := range spans {
		quotes = append(quotes, string(pt.text[sp[0]:sp[1]]))
	}
	it.Quote = strings.Join(quotes, " … ")
	if len(spans) > 1 {
		it.Reason = fmt.Sprintf("split into %d passages: the text under it is not one run of the page's reading order", len(spans))
	}
	themeIDs, note, author, err := s.codingOf(m, &it)
	if err != nil {
		return it, err
	}
	created, modified := markDates(a)
	merged := false
	for _, sp := range spans {
		id, existing, err := s.annotationAt(m.page, sp)
		if err != nil {
			return it, err
		}
		if existing {
			if err := s.mergeInto(id, themeIDs, note); err != nil {
				return it, err
			}
			merged = true
		} else {
			id, err = insertAnnotation(s.ctx, s.r, s.doc, span{page: m.page, start: sp[0], end: sp[1]}, pt.text, themeIDs, note, author)
			if err != nil {
				return it, err
			}
			if _, err := s.r.tx.ExecContext(s.ctx, "UPDATE annotations SET source = ?, color = ?, created_at = ?, updated_at = ? WHERE id = ?",
				SourcePDFHighlight, it.Color, created, modified, id); err != nil {
				return it, err
			}
		}
		it.AnnotationIDs = append(it.AnnotationIDs, id)
	}
	it.Status = HighlightImported
	if merged && len(spans) == 1 {
		it.Status = HighlightMerged
		it.Reason = fmt.Sprintf("the passage was coded already (annotation %d): its themes and comment were added", it.AnnotationIDs[0])
	}
	return it, s.remember(key, it.AnnotationIDs[0], 0)
}

// remember records a mark as imported.
func (s *markStore) remember(key string, annotation, note int64) error {
	res, err := s.r.tx.ExecContext(s.ctx, "INSERT INTO pdf_marks (doc_id, mark, annotation_id, note_id) VALUES (?, ?, ?, ?)", s.doc, key, annotation, note)
	if err != nil {
		return err
	}
	id, _ := res.LastInsertId()
	s.r.created("pdf_marks", id)
	return nil
}

// annotationAt finds an annotation of the document with exactly this span.
func (s *markStore) annotationAt(page int, sp [2]int) (int64, bool, error) {
	var id int64
	err := s.r.tx.QueryRowContext(s.ctx, "SELECT id FROM annotations WHERE doc_id = ? AND page = ? AND start = ? AND end = ? ORDER BY id LIMIT 1", s.doc, page, sp[0], sp[1]).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// mergeInto adds themes and a note to an existing annotation.
func (s *markStore) mergeInto(id int64, themeIDs []int64, note string) error {
	if err := s.r.touch("annotations", id); err != nil {
		return err
	}
	for _, t := range themeIDs {
		res, err := s.r.tx.ExecContext(s.ctx, "INSERT OR IGNORE INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", id, t)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			s.r.created("annotation_themes", id, t)
		}
	}
	if note = strings.TrimSpace(note); note != "" {
		var old string
		if err := s.r.tx.QueryRowContext(s.ctx, "SELECT note FROM annotations WHERE id = ?", id).Scan(&old); err != nil {
			return err
		}
		if !strings.Contains(old, note) {
			if old != "" {
				note = old + "\n\n" + note
			}
			if _, err := s.r.tx.ExecContext(s.ctx, "UPDATE annotations SET note = ?, updated_at = ? WHERE id = ?", note, now(), id); err != nil {
				return err
			}
		}
	}
	return nil
}

// codingOf is what a mark is coded with: the ids of its themes (see
// themesOf; it.Themes gets their names), its note, and its coder — the
// library's when the mark names none.
func (s *markStore) codingOf(m *pdfMark, it *HighlightItem) (themeIDs []int64, note, author string, err error) {
	themes, note, author, err := s.themesOf(m)
	if err != nil {
		return nil, "", "", err
	}
	it.Themes = themes
	if author == "" {
		author = s.l.Author
	}
	themeIDs, err = resolveThemes(s.ctx, s.r.tx, themes)
	return themeIDs, note, author, err
}

// storeArea makes a Square, or a highlight over no text, an area
// annotation of its rectangle, coded as a highlight of its colour is (or
// with the themes a coded copy wrote); the coder's own area with the same
// rectangle gets the themes and comment added instead.
func (s *markStore) storeArea(m *pdfMark, it HighlightItem, key, reason string) (HighlightItem, error) {
	if m.area == nil || m.area.err != nil {
		it.Status = HighlightNotMatched
		switch {
		case m.area != nil:
			it.Reason = fmt.Sprintf("its rectangles cover no text, and its area cannot be coded: %v", m.area.err)
		default:
			it.Reason = "its rectangles cover no text (a figure, a scan, or outside the page's text)"
		}
		return it, nil
	}
	r := m.area.rect
	it.Rect, it.Quote, it.Reason = &r, m.area.quote, reason
	themeIDs, note, author, err := s.codingOf(m, &it)
	if err != nil {
		return it, err
	}
	if author, err = ensureCoder(s.ctx, s.r, author, "", false); err != nil {
		return it, err
	}
	existing, err := coderAreaIDs(s.ctx, s.r.tx, s.doc, m.page, r, author)
	if err != nil {
		return it, err
	}
	if len(existing) > 0 {
		if err := s.mergeInto(existing[0], themeIDs, note); err != nil {
			return it, err
		}
		it.Status, it.AnnotationIDs = HighlightMerged, existing[:1]
		it.Reason = fmt.Sprintf("the area was coded already (annotation %d): its themes and comment were added", existing[0])
		return it, s.remember(key, existing[0], 0)
	}
	created, modified := markDates(m.annot)
	ct, _ := time.Parse(time.RFC3339Nano, created)
	mt, _ := time.Parse(time.RFC3339Nano, modified)
	id, err := insertArea(s.r, newArea{docID: s.doc, page: m.page, rect: r, quote: m.area.quote, themeIDs: themeIDs, note: note, author: author,
		created: ct, updated: mt, source: SourcePDFHighlight, color: it.Color})
	if err != nil {
		return it, err
	}
	it.Status, it.AnnotationIDs = HighlightImported, []int64{id}
	return it, s.remember(key, id, 0)
}

// storeNote makes a sticky note, text box or ink drawing a note on its
// document, with its page.
func (s *markStore) storeNote(m *pdfMark, it HighlightItem, key string) (HighlightItem, error) {
	text := m.comment()
	if text == "" {
		switch m.annot.Subtype {
		case pdfium.SubtypeInk:
			text = "(an ink drawing)"
		default:
			it.Status, it.Reason = HighlightSkipped, "it holds no text"
			return it, nil
		}
	}
	author := m.annot.Author
	if author == "" {
		author = s.l.Author
	}
	created, modified := markDates(m.annot)
	res, err := s.r.tx.ExecContext(s.ctx, "INSERT INTO doc_notes (doc_id, text, author, created_at, updated_at, page, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
		s.doc, text, author, created, modified, m.page, SourcePDFHighlight)
	if err != nil {
		return it, err
	}
	id, _ := res.LastInsertId()
	s.r.created("doc_notes", id)
	it.Status, it.NoteID, it.Comment = HighlightImported, id, text
	return it, s.remember(key, 0, id)
}

// markDates are a mark's creation and modification times as stored
// (RFC 3339), now when the file gives none.
func markDates(a pdfium.Annot) (created, modified string) {
	c, okc := pdfium.ParseDate(a.Created)
	mod, okm := pdfium.ParseDate(a.Modified)
	switch {
	case okc && okm:
	case okc:
		mod = c
	case okm:
		c = mod
	default:
		n := now()
		return n, n
	}
	return c.UTC().Format(time.RFC3339Nano), mod.UTC().Format(time.RFC3339Nano)
}

// themesOf returns the themes, note and author a text markup mark is
// imported with: those a coded copy wrote (PDFKeyThemes), else the
// theme of its colour and kind under GroupHighlights.
func (s *markStore) themesOf(m *pdfMark) (themes []string, note, author string, err error) {
	a := m.annot
	author = a.Author
	if raw := a.Private[PDFKeyThemes]; raw != "" {
		var coded []PDFTheme
		if json.Unmarshal([]byte(raw), &coded) == nil && len(coded) > 0 {
			for _, t := range coded {
				name, err := s.ensureCodedTheme(t)
				if err != nil {
					return nil, "", "", err
				}
				if name != "" {
					themes = append(themes, name)
				}
			}
			if len(themes) > 0 {
				note = a.Private[PDFKeyNote]
				names := make([]string, len(coded))
				for i, t := range coded {
					names[i] = t.Name
				}
				// The comment edited in another reader wins.
				if c := strings.TrimSpace(a.Contents); c != CodedContents(names, note) {
					note = strings.TrimPrefix(c, strings.Join(names, "; "))
					note = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(note), "—"))
				}
				if len(m.replies) > 0 {
					note = strings.TrimSpace(note + "\n\n" + strings.Join(m.replies, "\n\n"))
				}
				return themes, note, author, nil
			}
		}
	}
	name, err := s.ensureColorTheme(a.Subtype, colorOf(a))
	if err != nil {
		return nil, "", "", err
	}
	return []string{name}, m.comment(), author, nil
}

// ensureTheme returns the id of the theme called name, adding it (under
// parent, with color and description) when there is none.
func (s *markStore) ensureTheme(name, parent, color, description string) (Theme, error) {
	t, err := themeByName(s.ctx, s.r.tx, name)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return t, err
	}
	if parent != "" {
		if _, err := themeByName(s.ctx, s.r.tx, parent); err != nil {
			if _, err := s.ensureTheme(parent, "", "", ""); err != nil {
				return t, err
			}
		}
	}
	if color != "" {
		if _, err := normalizeColor(color); err != nil {
			color = ""
		}
	}
	id, err := insertTheme(s.ctx, s.r.tx, Theme{Name: name, Parent: parent, Color: color, Description: description}, name)
	if err != nil {
		return t, err
	}
	s.r.created("themes", id)
	return themeByID(s.ctx, s.r.tx, id)
}

// ensureCodedTheme finds or adds a theme a coded copy names.
func (s *markStore) ensureCodedTheme(t PDFTheme) (string, error) {
	name, err := cleanThemeName(t.Name)
	if err != nil {
		return "", nil // not a theme name: leave it out
	}
	parent := ""
	if p, err := cleanThemeName(t.Parent); err == nil && !strings.EqualFold(p, name) {
		parent = p
	}
	th, err := s.ensureTheme(name, parent, t.Color, "")
	if err != nil {
		return "", err
	}
	return th.Name, nil
}

// ensureColorTheme finds or adds the theme of a mark's colour and kind
// under GroupHighlights.
func (s *markStore) ensureColorTheme(subtype, hexColor string) (string, error) {
	group, err := s.ensureTheme(GroupHighlights, "", "", "The colours of the highlights imported from PDF files, one theme each (underlines and strike-outs apart). Merge them into your own themes with `rapport themes merge`.")
	if err != nil {
		return "", err
	}
	cn := nameColor(hexColor)
	name := highlightThemeName(subtype, cn)
	kind := map[string]string{"Highlight": "Highlights", "Underline": "Underlines", "Squiggly": "Squiggly underlines", "StrikeOut": "Strike-outs", "Square": "Areas"}[subtype]
	var description, color string
	if cn.exact {
		color = cn.palette
		description = fmt.Sprintf("%s in %s (%s), imported from PDF files.", kind, cn.name, cn.palette)
	} else {
		color = hexColor
		description = fmt.Sprintf("%s in %s (nearest named colour: %s), imported from PDF files.", kind, hexColor, strings.ToLower(cn.name))
	}
	// A theme of the user's with the same name is not ours: take another.
	for _, candidate := range []string{name, name + " (PDF)", name + " (PDF highlights)"} {
		t, err := themeByName(s.ctx, s.r.tx, candidate)
		switch {
		case errors.Is(err, ErrNotFound):
			t, err := s.ensureTheme(candidate, group.Name, color, description)
			return t.Name, err
		case err != nil:
			return "", err
		case t.ParentID == group.ID:
			if !cn.exact && !strings.Contains(t.Description, hexColor) {
				if err := s.r.touch("themes", t.ID); err != nil {
					return "", err
				}
				desc := strings.Replace(t.Description, " (nearest named colour", ", "+hexColor+" (nearest named colour", 1)
				if desc == t.Description {
					desc = strings.TrimSpace(desc + " Also " + hexColor + ".")
				}
				if _, err := s.r.tx.ExecContext(s.ctx, "UPDATE themes SET description = ?, updated_at = ? WHERE id = ?", desc, now(), t.ID); err != nil {
					return "", err
				}
			}
			return t.Name, nil
		}
	}
	return "", fmt.Errorf("no free name for the theme of %s %s highlights: %w", cn.name, hexColor, ErrInvalidInput)
}

// markSpans finds the text a text markup annotation covers: the characters
// whose box's centre lies inside one of its quadrilaterals, as passages
// (start, end in code points) in the page's reading order. Two covered
// characters are in one passage when only white space and characters the
// layout put in (a space between words, a paragraph break) lie between
// them, so a highlight that runs over line ends and column breaks is one
// passage; text in between that it does not cover splits it.
func markSpans(text []rune, boxes []importer.Box, quads []pdfium.Quad) [][2]int {
	n := min(len(text), len(boxes))
	polys := make([]quadPoly, 0, len(quads))
	for _, q := range quads {
		if p, ok := newQuadPoly(q); ok {
			polys = append(polys, p)
		}
	}
	covered := make([]bool, n)
	found := false
	for i := 0; i < n; i++ {
		b := boxes[i]
		if b.Empty() || unicode.IsSpace(text[i]) {
			continue
		}
		x, y := float64(b.X0+b.X1)/2, float64(b.Y0+b.Y1)/2
		for k := range polys {
			if polys[k].contains(x, y) {
				covered[i], found = true, true
				break
			}
		}
	}
	if !found {
		return nil
	}
	var spans [][2]int
	start, last := -1, -1
	for i := 0; i < n; i++ {
		switch {
		case covered[i]:
			if start < 0 {
				start = i
			}
			last = i
		case start >= 0 && !boxes[i].Empty() && !unicode.IsSpace(text[i]):
			// Text the annotation does not cover ends the passage.
			spans = append(spans, [2]int{start, last + 1})
			start, last = -1, -1
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, last + 1})
	}
	return spans
}

// quadPoly is a quadrilateral as a convex polygon in counter-clockwise
// order, with its bounds.
type quadPoly struct {
	pts                    [4][2]float64
	minX, minY, maxX, maxY float64
}

// newQuadPoly orders a quadrilateral's points around their centre (viewers
// write them in several orders); ok is false for one with no area.
func newQuadPoly(q pdfium.Quad) (quadPoly, bool) {
	var p quadPoly
	cx, cy := 0.0, 0.0
	for k := 0; k < 4; k++ {
		p.pts[k] = [2]float64{q[2*k], q[2*k+1]}
		cx += q[2*k] / 4
		cy += q[2*k+1] / 4
	}
	sort.Slice(p.pts[:], func(i, j int) bool {
		return math.Atan2(p.pts[i][1]-cy, p.pts[i][0]-cx) < math.Atan2(p.pts[j][1]-cy, p.pts[j][0]-cx)
	})
	area := 0.0
	for k := 0; k < 4; k++ {
		a, b := p.pts[k], p.pts[(k+1)%4]
		area += a[0]*b[1] - b[0]*a[1]
	}
	if math.Abs(area) < 1e-3 || math.IsNaN(area) {
		return p, false
	}
	b := q.Bounds()
	p.minX, p.minY, p.maxX, p.maxY = b.X0, b.Y0, b.X1, b.Y1
	return p, true
}

func (p *quadPoly) contains(x, y float64) bool {
	const eps = 1e-6
	if x < p.minX-eps || x > p.maxX+eps || y < p.minY-eps || y > p.maxY+eps {
		return false
	}
	for k := 0; k < 4; k++ {
		a, b := p.pts[k], p.pts[(k+1)%4]
		if (b[0]-a[0])*(y-a[1])-(b[1]-a[1])*(x-a[0]) < -eps*math.Max(1, math.Hypot(b[0]-a[0], b[1]-a[1])) {
			return false
		}
	}
	return true
}
