package index

import (
	"container/list"
	"context"
	"fmt"
	"image"
	"math"
	"sync"
	"time"

	"github.com/rapport-qda/rapport/internal/pdfium"
)

// PageRenderer draws the pages of a library's PDFs for a page view, where
// pages are turned one after the other: it keeps the document last drawn
// open in PDFium between turns (opening a PDF costs more than drawing many
// of its pages), keeps the pages it drew in a small cache (least recently
// used dropped first once their images pass MaxBytes), and draws pages
// ahead of the reader (Prefetch). Its methods are safe for concurrent use.
//
// An open document holds one of PDFium's few instances (as many as the
// machine has cores, at most four): it is closed after IdleClose without
// use (5 s by default: while pages are turned, not while one is read),
// when another document is drawn, and by Close.
type PageRenderer struct {
	lib *Library
	// MaxBytes bounds the cached images (4 bytes a pixel).
	MaxBytes int64
	// IdleClose is how long the last document stays open unused.
	IdleClose time.Duration

	mu       sync.Mutex // guards the cache and inflight
	entries  map[renderKey]*list.Element
	order    *list.List // of *renderEntry, most recent first
	bytes    int64
	inflight map[renderKey]*renderCall

	docMu   sync.Mutex // one caller at a time uses the open document
	doc     *pdfium.Document
	docID   int64
	docSHA  string
	docUsed time.Time
	timer   *time.Timer
}

type renderKey struct {
	doc  int64
	page int
	dpi  int // dots per inch, rounded
}

type renderEntry struct {
	key  renderKey
	page RenderedPage
	size int64
}

type renderCall struct {
	done chan struct{}
	page RenderedPage
	err  error
}

// NewPageRenderer makes a renderer for the library's pages whose cache
// holds up to maxBytes of images.
func (l *Library) NewPageRenderer(maxBytes int64) *PageRenderer {
	return &PageRenderer{lib: l, MaxBytes: maxBytes, IdleClose: 5 * time.Second,
		entries: map[renderKey]*list.Element{}, order: list.New(), inflight: map[renderKey]*renderCall{}}
}

// Render returns a page drawn at dpi (rounded to a whole number), from the
// cache when it was drawn before. Annotations are not drawn into it (the
// page view draws them over it; see PageHighlights).
func (r *PageRenderer) Render(ctx context.Context, docID int64, page int, dpi float64) (RenderedPage, error) {
	k := renderKey{docID, page, int(math.Round(dpi))}
	if k.dpi < 1 {
		k.dpi = 96
	}
	r.mu.Lock()
	if el, ok := r.entries[k]; ok {
		r.order.MoveToFront(el)
		p := el.Value.(*renderEntry).page
		r.mu.Unlock()
		return p, nil
	}
	if c, ok := r.inflight[k]; ok { // being drawn (ahead): wait for it
		r.mu.Unlock()
		select {
		case <-c.done:
			return c.page, c.err
		case <-ctx.Done():
			return RenderedPage{}, ctx.Err()
		}
	}
	c := &renderCall{done: make(chan struct{})}
	r.inflight[k] = c
	r.mu.Unlock()

	c.page, c.err = r.draw(ctx, k)
	r.mu.Lock()
	delete(r.inflight, k)
	if c.err == nil {
		r.put(k, c.page)
	}
	r.mu.Unlock()
	close(c.done)
	return c.page, c.err
}

// Cached returns a page drawn before at dpi, without drawing it.
func (r *PageRenderer) Cached(docID int64, page int, dpi float64) (RenderedPage, bool) {
	k := renderKey{docID, page, int(math.Round(dpi))}
	r.mu.Lock()
	defer r.mu.Unlock()
	el, ok := r.entries[k]
	if !ok {
		return RenderedPage{}, false
	}
	r.order.MoveToFront(el)
	return el.Value.(*renderEntry).page, true
}

// Prefetch draws a page into the cache if it is not there (run it on a
// goroutine of its own, after the page on show is drawn). Errors are
// dropped: the page is drawn again, and reported, when it is shown.
func (r *PageRenderer) Prefetch(ctx context.Context, docID int64, page int, dpi float64) {
	if page < 1 {
		return
	}
	if _, ok := r.Cached(docID, page, dpi); ok {
		return
	}
	_, _ = r.Render(ctx, docID, page, dpi)
}

// Stats tells how many pages the cache holds and the bytes of their images.
func (r *PageRenderer) Stats() (pages int, bytes int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.order.Len(), r.bytes
}

// Clear empties the cache (another library, a zoom far from the last).
func (r *PageRenderer) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = map[renderKey]*list.Element{}
	r.order.Init()
	r.bytes = 0
}

// Close empties the cache and closes the open document; Render opens
// documents again afterwards.
func (r *PageRenderer) Close() {
	r.Clear()
	r.docMu.Lock()
	defer r.docMu.Unlock()
	r.closeDoc()
}

// put adds a drawn page to the cache and drops the least recently used
// pages over the bound (never the page just added). Call with mu held.
func (r *PageRenderer) put(k renderKey, p RenderedPage) {
	if _, ok := r.entries[k]; ok {
		return
	}
	e := &renderEntry{key: k, page: p, size: imageBytes(p.Image)}
	r.entries[k] = r.order.PushFront(e)
	r.bytes += e.size
	for r.bytes > r.MaxBytes && r.order.Len() > 1 {
		old := r.order.Back().Value.(*renderEntry)
		r.order.Remove(r.order.Back())
		delete(r.entries, old.key)
		r.bytes -= old.size
	}
}

func imageBytes(img image.Image) int64 {
	if img == nil {
		return 0
	}
	b := img.Bounds()
	return int64(b.Dx()) * int64(b.Dy()) * 4
}

// draw renders one page with the open document.
func (r *PageRenderer) draw(ctx context.Context, k renderKey) (RenderedPage, error) {
	out := RenderedPage{DPI: float64(k.dpi)}
	err := r.withDoc(ctx, k.doc, k.page, func(doc *pdfium.Document) error {
		var err error
		if out.Info, err = doc.Page(k.page - 1); err != nil {
			return err
		}
		out.Image, err = doc.Render(k.page-1, out.DPI, false)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("render document %d page %d: %w", k.doc, k.page, err)
	}
	return out, nil
}

// Info returns a page's geometry (its size as displayed, to fit it to a
// width before drawing it).
func (r *PageRenderer) Info(ctx context.Context, docID int64, page int) (pdfium.PageInfo, error) {
	var info pdfium.PageInfo
	err := r.withDoc(ctx, docID, page, func(doc *pdfium.Document) error {
		var err error
		info, err = doc.Page(page - 1)
		return err
	})
	if err != nil {
		return info, fmt.Errorf("page %d of document %d: %w", page, docID, err)
	}
	return info, nil
}

// withDoc runs fn with the document open, opening it first when another
// (or none) is open.
func (r *PageRenderer) withDoc(ctx context.Context, docID int64, page int, fn func(*pdfium.Document) error) error {
	d, err := r.lib.Document(ctx, docID)
	if err != nil {
		return err
	}
	r.docMu.Lock()
	defer r.docMu.Unlock()
	if r.doc == nil || r.docID != docID || r.docSHA != d.SHA256 {
		r.closeDoc()
		doc, _, err := r.lib.openPDF(ctx, docID, page)
		if err != nil {
			return err
		}
		r.doc, r.docID, r.docSHA = doc, docID, d.SHA256
	}
	if page < 1 || page > r.doc.PageCount() {
		return fmt.Errorf("the document has pages 1–%d: %w", r.doc.PageCount(), ErrInvalidInput)
	}
	r.docUsed = time.Now()
	r.armIdle()
	return fn(r.doc)
}

// armIdle (re)starts the timer that closes the document left unused.
// Call with docMu held.
func (r *PageRenderer) armIdle() {
	if r.IdleClose <= 0 {
		return
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	r.timer = time.AfterFunc(r.IdleClose, func() {
		r.docMu.Lock()
		defer r.docMu.Unlock()
		if r.doc != nil && time.Since(r.docUsed) >= r.IdleClose {
			r.closeDoc()
		}
	})
}

// closeDoc closes the open document. Call with docMu held.
func (r *PageRenderer) closeDoc() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if r.doc != nil {
		r.doc.Close()
		r.doc, r.docID, r.docSHA = nil, 0, ""
	}
}

// DocumentOpen tells whether the renderer holds a document open (tests).
func (r *PageRenderer) DocumentOpen() bool {
	r.docMu.Lock()
	defer r.docMu.Unlock()
	return r.doc != nil
}
