package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

// OCR: a PDF whose pages are pictures of text (a scan) is imported with
// those pages empty and marked scanned (pages.scanned). Library.OCR reads
// them afterwards, in the background of whoever calls it: PDFium renders
// each page at 300 dpi, one Tesseract process per core reads it, and what
// it read (words, boxes, confidences, language, Tesseract's version) is
// stored in ocr_pages as each page finishes, with the page's text laid
// out on its own, so that it is searchable at once and a stopped run
// resumes where it stopped. When a document's last page is read, the
// whole document is laid out again from its text layer and the words
// read (running headers, hyphenation across pages), its pages replaced
// and its annotations re-anchored, as re-extraction does. A page is read
// once: re-extraction lays it out again from the stored words.

// ErrOCRUnavailable: Tesseract is not installed, so scans stay "scanned,
// not read". Its message says how to install it.
var ErrOCRUnavailable = errors.New("scanned, not read")

// OCRInstallHint says in one line what to do about scans not read.
const OCRInstallHint = "scanned, not read — " + tesseract.InstallHint + ", then run `rapport ocr`"

// DefaultOCRLang is the OCR language of a library that has set none.
const DefaultOCRLang = "eng"

// settingOCRLang is the settings key of the library's OCR language.
const settingOCRLang = "ocr_lang"

// OCRPageTimeout bounds the reading of one page by Tesseract.
const OCRPageTimeout = 3 * time.Minute

// FindOCR looks for Tesseract. It fails with ErrOCRUnavailable, whose
// message says how to install it, when there is none.
func FindOCR(ctx context.Context) (*tesseract.Engine, error) {
	eng, err := tesseract.Find(ctx)
	if errors.Is(err, tesseract.ErrNotInstalled) {
		return nil, fmt.Errorf("%w: %s", ErrOCRUnavailable, tesseract.InstallHint)
	}
	return eng, err
}

// OCRLanguage returns the library's OCR language: Tesseract's language
// codes joined by "+" ("eng+swe").
func (l *Library) OCRLanguage(ctx context.Context) (string, error) {
	var lang string
	err := l.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingOCRLang).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) || lang == "" {
		return DefaultOCRLang, nil
	}
	if err != nil {
		return "", fmt.Errorf("read the OCR language: %w", err)
	}
	return lang, nil
}

// SetOCRLanguage sets the library's OCR language ("eng", "eng+swe").
func (l *Library) SetOCRLanguage(ctx context.Context, lang string) error {
	if l.readOnly {
		return l.errReadOnly()
	}
	if !tesseract.ValidLang(lang) {
		return fmt.Errorf("OCR language %q: use Tesseract's codes joined by +, such as eng or eng+swe: %w", lang, ErrInvalidInput)
	}
	_, err := l.db.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", settingOCRLang, lang)
	if err != nil {
		return fmt.Errorf("set the OCR language: %w", err)
	}
	return nil
}

// SetDocumentOCRLanguage sets a document's own OCR language ("" goes back
// to the library's).
func (l *Library) SetDocumentOCRLanguage(ctx context.Context, id int64, lang string) error {
	if l.readOnly {
		return l.errReadOnly()
	}
	if lang != "" && !tesseract.ValidLang(lang) {
		return fmt.Errorf("OCR language %q of document %d: use Tesseract's codes joined by +, such as eng or eng+swe: %w", lang, id, ErrInvalidInput)
	}
	res, err := l.db.ExecContext(ctx, "UPDATE documents SET ocr_lang = ? WHERE id = ?", lang, id)
	if err != nil {
		return fmt.Errorf("set the OCR language of document %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	return nil
}

// PendingOCR lists the documents with scanned pages not read yet.
func (l *Library) PendingOCR(ctx context.Context) ([]int64, error) {
	ids, err := l.queryIDs(ctx, `SELECT DISTINCT p.doc_id FROM pages p WHERE p.scanned = 1 AND p.ocr = 0
	AND NOT EXISTS (SELECT 1 FROM ocr_pages o WHERE o.doc_id = p.doc_id AND o.page = p.page) ORDER BY p.doc_id`)
	if err != nil {
		return nil, fmt.Errorf("documents waiting for OCR: %w", err)
	}
	return ids, nil
}

// OCROptions tune Library.OCR.
type OCROptions struct {
	// Lang, when set, is the language to read the documents in; it is
	// stored as their own OCR language. Otherwise each document's own,
	// else the library's.
	Lang string
	// Force reads again pages read before (their annotations are
	// re-anchored); otherwise only pages not read yet are.
	Force bool
	// Workers is how many Tesseract processes run at once (default: one
	// per core).
	Workers int
	// Progress, when set, is called as the run starts and after each page,
	// from any goroutine.
	Progress func(OCRProgress)
	// Engine is the Tesseract to use (default: FindOCR's).
	Engine *tesseract.Engine
}

// OCRProgress says how far an OCR run is.
type OCRProgress struct {
	DocID int64
	Title string
	Page  int // the page just read (0 as the run starts)
	Done  int // pages read in this run
	Total int // pages to read in this run
}

// OCRReport says what an OCR run did, document by document.
type OCRReport struct {
	Tesseract string             `json:"tesseract"` // its version
	Documents []OCRDocument      `json:"documents"`
	Failed    []ReextractFailure `json:"failed"`
}

// OCRDocument is what OCR did to one document.
type OCRDocument struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
	// Pages counts the pages read in this run; Words the words read on
	// them, Uncertain those under the confidence threshold, MeanConf
	// their mean confidence.
	Pages     int     `json:"pages"`
	Words     int     `json:"words"`
	Uncertain int     `json:"uncertain_words"`
	MeanConf  float64 `json:"mean_confidence"`
	// PageErrors name the pages that could not be read, and why.
	PageErrors []string `json:"page_errors,omitempty"`
	// Finished: every scanned page is read and the document laid out
	// again whole (false when the run stopped before).
	Finished bool `json:"finished"`
	ReanchorResult
}

// ocrJob is one page to read, and what reading it gave.
type ocrJob struct {
	doc   int // index in the plan
	page  int
	img   *importer.PageImage
	words *importer.OCRPage
	err   error
}

// ocrPlan is one document to read.
type ocrPlan struct {
	id    int64
	title string
	lang  string
	pages []int
	data  []byte
	left  int // pages not stored yet
	rep   *OCRDocument
	conf  float64
}

// OCR reads the scanned pages of documents (ids; none: every document with
// pages not read yet, or with Force every document with scanned pages).
// One run at a time per library; a second waits for the first. It stops
// when ctx ends: pages read by then are kept, and the next run reads the
// rest. It fails with ErrOCRUnavailable when Tesseract is not installed,
// and with ErrReadOnly on a library opened for reading only.
func (l *Library) OCR(ctx context.Context, ids []int64, opts OCROptions) (*OCRReport, error) {
	if l.readOnly {
		return nil, l.errReadOnly()
	}
	eng := opts.Engine
	if eng == nil {
		var err error
		if eng, err = FindOCR(ctx); err != nil {
			return nil, err
		}
	}
	rep := &OCRReport{Tesseract: eng.Version, Documents: []OCRDocument{}, Failed: []ReextractFailure{}}
	if opts.Lang != "" {
		if err := eng.CheckLang(opts.Lang); err != nil {
			return nil, fmt.Errorf("OCR: %w", err)
		}
	}
	l.ocrMu.Lock()
	defer l.ocrMu.Unlock()
	if len(ids) == 0 {
		var err error
		if opts.Force {
			ids, err = l.queryIDs(ctx, "SELECT DISTINCT doc_id FROM pages WHERE scanned = 1 ORDER BY doc_id")
		} else {
			ids, err = l.PendingOCR(ctx)
		}
		if err != nil {
			return nil, fmt.Errorf("OCR: %w", err)
		}
	}
	libLang, err := l.OCRLanguage(ctx)
	if err != nil {
		return nil, err
	}
	var plans []*ocrPlan
	total := 0
	for _, id := range ids {
		p, err := l.planOCR(ctx, id, eng, opts, libLang)
		if err != nil {
			rep.Failed = append(rep.Failed, ReextractFailure{ID: id, Error: err.Error()})
			continue
		}
		plans = append(plans, p)
		total += len(p.pages)
	}
	for _, p := range plans {
		rep.Documents = append(rep.Documents, OCRDocument{ID: p.id, Title: p.title, Lang: p.lang, PageErrors: []string{}})
	}
	for i, p := range plans {
		p.rep = &rep.Documents[i]
	}
	if opts.Progress != nil {
		opts.Progress(OCRProgress{Total: total})
	}
	err = l.runOCR(ctx, plans, eng, opts, total)
	// Drop the documents that failed as a whole from the list of those read.
	kept := rep.Documents[:0]
	for _, d := range rep.Documents {
		if d.Pages > 0 || d.Finished || len(d.PageErrors) > 0 {
			kept = append(kept, d)
		}
	}
	rep.Documents = kept
	return rep, err
}

// planOCR decides what to read of one document, and in which language.
func (l *Library) planOCR(ctx context.Context, id int64, eng *tesseract.Engine, opts OCROptions, libLang string) (*ocrPlan, error) {
	d, err := l.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Kind != string(importer.KindPDF) {
		return nil, fmt.Errorf("OCR of document %d: a %s document has no pages to read: %w", id, d.Kind, ErrInvalidInput)
	}
	p := &ocrPlan{id: id, title: d.Title, lang: d.OCRLang}
	if opts.Lang != "" {
		if err := l.SetDocumentOCRLanguage(ctx, id, opts.Lang); err != nil {
			return nil, err
		}
		p.lang = opts.Lang
	}
	if p.lang == "" {
		p.lang = libLang
	}
	if err := eng.CheckLang(p.lang); err != nil {
		return nil, fmt.Errorf("OCR of document %d: %w", id, err)
	}
	q := `SELECT page FROM pages p WHERE doc_id = ? AND scanned = 1
	AND NOT EXISTS (SELECT 1 FROM ocr_pages o WHERE o.doc_id = p.doc_id AND o.page = p.page) ORDER BY page`
	if opts.Force {
		q = "SELECT page FROM pages WHERE doc_id = ? AND scanned = 1 ORDER BY page"
	}
	pages, err := l.queryIDs(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("OCR of document %d: %w", id, err)
	}
	for _, n := range pages {
		p.pages = append(p.pages, int(n))
	}
	p.left = len(p.pages)
	if p.data, err = os.ReadFile(l.FilePath(d)); err != nil {
		return nil, fmt.Errorf("OCR of document %d: read the stored original: %w", id, err)
	}
	return p, nil
}

// runOCR renders the plans' pages on one goroutine (PDFium), reads them
// with workers Tesseract processes, and stores each page on this one as
// it is read.
func (l *Library) runOCR(ctx context.Context, plans []*ocrPlan, eng *tesseract.Engine, opts OCROptions, total int) error {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *ocrJob)
	results := make(chan *ocrJob, workers)
	var wg sync.WaitGroup
	send := func(ch chan<- *ocrJob, j *ocrJob) bool {
		select {
		case ch <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// The renderer: one document open at a time, its pages in order. A
	// page that cannot be rendered goes straight to the results.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		for i, p := range plans {
			if len(p.pages) == 0 {
				continue
			}
			doc, err := importer.OpenScan(ctx, p.data, "")
			if err != nil {
				for _, n := range p.pages {
					if !send(results, &ocrJob{doc: i, page: n, err: fmt.Errorf("open for OCR: %w", err)}) {
						return
					}
				}
				continue
			}
			for _, n := range p.pages {
				img, err := doc.Render(n, importer.OCRDPI)
				j := &ocrJob{doc: i, page: n, img: img, err: err}
				ch := jobs
				if err != nil {
					ch = results
				}
				if !send(ch, j) {
					doc.Close()
					return
				}
			}
			doc.Close()
		}
	}()
	var readers sync.WaitGroup
	for range workers {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for j := range jobs {
				pctx, pcancel := context.WithTimeout(ctx, OCRPageTimeout)
				j.words, _, j.err = j.img.Recognize(pctx, eng, plans[j.doc].lang)
				if j.err != nil && pctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
					j.err = fmt.Errorf("OCR of page %d took longer than %v", j.page, OCRPageTimeout)
				}
				pcancel()
				j.img = nil
				if !send(results, j) {
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		readers.Wait()
		close(results)
	}()
	// Documents with nothing left to read (a run stopped after its last
	// page) are laid out whole first.
	for _, p := range plans {
		if p.left == 0 {
			l.finishOCR(ctx, p)
		}
	}
	done := 0
	var firstErr error
	for j := range results {
		if ctx.Err() != nil {
			break
		}
		p := plans[j.doc]
		if err := l.storeOCRPage(ctx, p, j, eng.Version); err != nil {
			firstErr = err
			cancel()
			break
		}
		done++
		p.left--
		if opts.Progress != nil {
			opts.Progress(OCRProgress{DocID: p.id, Title: p.title, Page: j.page, Done: done, Total: total})
		}
		if p.left == 0 {
			l.finishOCR(ctx, p)
		}
	}
	cancel()
	for range results {
		// drain: the workers stop at their next send
	}
	if firstErr != nil && parent.Err() == nil {
		return firstErr
	}
	return parent.Err()
}

// storeOCRPage keeps what reading one page gave: its words in ocr_pages
// and, for now, the page's text laid out on its own (searchable at once;
// finishOCR lays out the whole document when its last page is read).
func (l *Library) storeOCRPage(ctx context.Context, p *ocrPlan, j *ocrJob, version string) error {
	if j.err != nil && (errors.Is(j.err, context.Canceled) || ctx.Err() != nil) {
		return ctx.Err()
	}
	rep := p.rep
	var blob []byte
	words, conf, errText := 0, 0.0, ""
	var pt importer.PageText
	if j.err != nil {
		errText = j.err.Error()
		rep.PageErrors = append(rep.PageErrors, fmt.Sprintf("page %d: %s", j.page, errText))
	} else {
		b, err := json.Marshal(j.words)
		if err != nil {
			return fmt.Errorf("OCR of document %d page %d: %w", p.id, j.page, err)
		}
		blob = compressPageText(string(b))
		words, conf = len(j.words.Words), j.words.MeanConfidence()
		pt = importer.LayoutOCRPage(j.words, j.page)
		rep.Pages++
		for _, w := range j.words.Words {
			if w.Conf < importer.LowConfidence {
				rep.Uncertain++
			}
		}
		p.conf += conf * float64(words)
		rep.Words += words
		if rep.Words > 0 {
			rep.MeanConf = p.conf / float64(rep.Words)
		}
	}
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO ocr_pages (doc_id, page, lang, tesseract, mean_conf, words, words_z, error, read_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.id, j.page, p.lang, version, conf, words, blob, errText, now()); err != nil {
			return err
		}
		if j.err != nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE pages SET text_z = ?, header = ?, ocr = 1, uncertain = ? WHERE doc_id = ? AND page = ?",
			compressPageText(pt.Text), pt.Header, encodeSpans(pt.Uncertain), p.id, j.page); err != nil {
			return err
		}
		if err := setPageBoxesTx(ctx, tx, p.id, j.page, pt.Boxes); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE documents SET indexed = 0, updated_at = ? WHERE id = ?", now(), p.id); err != nil {
			return err
		}
		// Annotations made on an earlier reading (a forced run).
		_, err := reanchorDocument(ctx, tx, p.id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store the OCR of document %d page %d: %w", p.id, j.page, err)
	}
	if j.err == nil {
		l.reindexDocuments(ctx, []int64{p.id})
	}
	return nil
}

// finishOCR lays out a document whose scanned pages are all read, whole,
// from its text layer and the stored words (running headers, hyphenation
// across pages), replaces its pages and re-anchors its annotations. A
// failure is reported in the document's page errors; the pages as stored
// page by page stay.
func (l *Library) finishOCR(ctx context.Context, p *ocrPlan) {
	res, err := l.relayoutOCR(ctx, p.id, p.data)
	if err != nil {
		if ctx.Err() == nil {
			p.rep.PageErrors = append(p.rep.PageErrors, err.Error())
		}
		return
	}
	p.rep.Finished = true
	p.rep.ReanchorResult = res
	// The report names the document by the title its text gave it.
	if d, err := l.Document(ctx, p.id); err == nil {
		p.rep.Title = d.Title
	}
}

// relayoutOCR is finishOCR's work for one document: data is its original.
func (l *Library) relayoutOCR(ctx context.Context, id int64, data []byte) (ReanchorResult, error) {
	var res ReanchorResult
	pages, err := l.ocrWords(ctx, id)
	if err != nil {
		return res, err
	}
	ex, err := importer.ExtractPDFWith(ctx, data, importer.ExtractOptions{KeepScanned: true, OCR: pages, Boxes: true})
	if err != nil {
		return res, fmt.Errorf("lay out document %d after OCR: %w", id, err)
	}
	l.writeMu.Lock()
	res, err = l.replacePages(ctx, id, ex.Pages, ex.Version, ex.Engine)
	if err == nil {
		err = l.adoptOCRMetadata(ctx, id, ex)
	}
	l.writeMu.Unlock()
	if err != nil {
		return res, fmt.Errorf("store document %d after OCR: %w", id, err)
	}
	l.reindexDocuments(ctx, []int64{id})
	return res, nil
}

// adoptOCRMetadata gives a scan the metadata its text prints, now that OCR
// has read it, as an import does for an article with a text layer (see
// applyFileMetadata): the title where it had only its file name, the DOI
// where it had none, and the fields still empty, each with its source. A
// field set by hand or by a record is kept.
func (l *Library) adoptOCRMetadata(ctx context.Context, id int64, ex *importer.Extraction) error {
	d, err := l.Document(ctx, id)
	if err != nil {
		return err
	}
	stem := strings.TrimSuffix(d.FileName, filepath.Ext(d.FileName))
	userSet := map[string]bool{}
	for _, f := range d.UserFields {
		userSet[f] = true
	}
	title := ex.Metadata.Title // checked against page 1, as on import
	if title == "" {
		title = ex.Title
	}
	doi := importer.NormalizeDOI(ex.Metadata.DOI)
	if doi == "" {
		doi = importer.NormalizeDOI(ex.DOI)
	}
	return l.withTx(ctx, func(tx *sql.Tx) error {
		if title != "" && d.Title == stem && !userSet["title"] {
			if _, err := tx.ExecContext(ctx, "UPDATE documents SET title = ?, title_norm = ?, indexed = 0 WHERE id = ?", title, titleKey(title), id); err != nil {
				return err
			}
		}
		if doi != "" && d.DOI == "" && !userSet["doi"] {
			if _, err := tx.ExecContext(ctx, "UPDATE documents SET doi = ?, indexed = 0 WHERE id = ?", doi, id); err != nil {
				return err
			}
		}
		return applyFileMetadata(ctx, tx, id, ex.Metadata, ex.MetadataSources, false)
	})
}

// ocrWords loads what OCR read on a document's pages (those read without
// error), by page number.
func (l *Library) ocrWords(ctx context.Context, id int64) (map[int]*importer.OCRPage, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT page, words_z FROM ocr_pages WHERE doc_id = ? AND error = '' AND words_z IS NOT NULL", id)
	if err != nil {
		return nil, fmt.Errorf("OCR words of document %d: %w", id, err)
	}
	defer rows.Close()
	out := map[int]*importer.OCRPage{}
	for rows.Next() {
		var n int
		var text storedText
		if err := rows.Scan(&n, &text); err != nil {
			return nil, fmt.Errorf("OCR words of document %d: %w", id, err)
		}
		var p importer.OCRPage
		if err := json.Unmarshal([]byte(text.String), &p); err != nil {
			return nil, fmt.Errorf("OCR words of document %d page %d are damaged: %w", id, n, err)
		}
		out[n] = &p
	}
	return out, rows.Err()
}

// encodeSpans stores rune spans as JSON ("" for none).
func encodeSpans(spans [][2]int) string {
	if len(spans) == 0 {
		return ""
	}
	b, _ := json.Marshal(spans)
	return string(b)
}

func decodeSpans(s string) [][2]int {
	if s == "" {
		return nil
	}
	var spans [][2]int
	if json.Unmarshal([]byte(s), &spans) != nil {
		return nil
	}
	return spans
}
