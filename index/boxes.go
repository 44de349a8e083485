package index

import (
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
)

// Every character of a page's stored text has a box on the page (see
// importer.Box): what the page view draws highlights over, what a PDF
// highlight's rectangles are matched against. Boxes are not stored for
// pages whose text an engine reads back exactly and quickly (the native
// reader and PDFium are deterministic for one ExtractorVersion): PageBoxes
// extracts the stored original again with boxes, checks that the text is
// the stored text, and keeps the last few documents' boxes in memory.
// Pages whose text is expensive to get again (OCR) store their boxes in
// page_boxes (SetPageBoxes), and those win.

// ErrStaleText: a document's stored text was extracted by another version
// of the extractor, so its characters cannot be matched to boxes on the
// page until it is re-extracted (`rapport reextract`).
var ErrStaleText = errors.New("the stored text is from another extractor version; re-extract the document")

// boxCacheDocs is how many documents' boxes PageBoxes keeps.
const boxCacheDocs = 4

type boxCache struct {
	mu    sync.Mutex
	order []int64                    // least recently used first
	docs  map[int64][][]importer.Box // doc id → boxes per page (index page-1)
	keys  map[int64]string           // doc id → the sha256 and version the boxes belong to
}

func (c *boxCache) get(id int64, key string) ([][]importer.Box, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys[id] != key {
		return nil, false
	}
	c.touch(id)
	return c.docs[id], true
}

func (c *boxCache) put(id int64, key string, pages [][]importer.Box) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil {
		c.docs, c.keys = map[int64][][]importer.Box{}, map[int64]string{}
	}
	c.docs[id], c.keys[id] = pages, key
	c.touch(id)
	for len(c.order) > boxCacheDocs {
		old := c.order[0]
		c.order = c.order[1:]
		delete(c.docs, old)
		delete(c.keys, old)
	}
}

func (c *boxCache) touch(id int64) {
	for i, o := range c.order {
		if o == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	c.order = append(c.order, id)
}

// PageBoxes returns the box of every character (rune) of a page's stored
// text, in order; characters the layout put in (the space between words,
// a paragraph break) have an empty box. It fails with ErrStaleText when the
// document must be re-extracted first, and for documents that are not PDFs.
func (l *Library) PageBoxes(ctx context.Context, docID int64, page int) ([]importer.Box, error) {
	return l.pageBoxes(ctx, docID, page, "")
}

// PageBoxesWithPassword is PageBoxes for a document whose original needs
// a password to be read again (never stored).
func (l *Library) PageBoxesWithPassword(ctx context.Context, docID int64, page int, password string) ([]importer.Box, error) {
	return l.pageBoxes(ctx, docID, page, password)
}

// pageBoxes is PageBoxes with the password of an encrypted original.
func (l *Library) pageBoxes(ctx context.Context, docID int64, page int, password string) ([]importer.Box, error) {
	d, err := l.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if page < 1 || page > d.PageCount {
		return nil, fmt.Errorf("boxes of document %d page %d: the document has pages 1–%d: %w", docID, page, d.PageCount, ErrInvalidInput)
	}
	if boxes, ok, err := l.storedBoxes(ctx, docID, page); err != nil || ok {
		return boxes, err
	}
	if d.Kind != string(importer.KindPDF) {
		return nil, fmt.Errorf("boxes of document %d: a %s document has no pages to draw: %w", docID, d.Kind, ErrInvalidInput)
	}
	key := fmt.Sprintf("%s/%d/%s", d.SHA256, d.ExtractorVersion, d.Engine)
	pages, ok := l.boxes.get(docID, key)
	if !ok {
		pages, err = l.extractBoxes(ctx, d, password)
		if err != nil {
			return nil, err
		}
		l.boxes.put(docID, key, pages)
	}
	if page > len(pages) || pages[page-1] == nil {
		return nil, fmt.Errorf("boxes of document %d page %d: %w", docID, page, ErrStaleText)
	}
	return pages[page-1], nil
}

// extractBoxes reads a document's original again, with boxes, and keeps
// the boxes of the pages whose text is the stored text.
func (l *Library) extractBoxes(ctx context.Context, d Document, password string) ([][]importer.Box, error) {
	if d.ExtractorVersion != importer.ExtractorVersion {
		return nil, fmt.Errorf("boxes of document %d (%s): %w", d.ID, d.FileName, ErrStaleText)
	}
	path := l.FilePath(d)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("boxes of document %d: read the stored original: %w", d.ID, err)
	}
	engine := d.Engine
	if engine == "" {
		engine = importer.EngineNative
	}
	ex, err := importer.ExtractPDFWith(ctx, data, importer.ExtractOptions{Boxes: true, Engine: engine, Password: password})
	if err != nil {
		return nil, fmt.Errorf("boxes of document %d (%s): %w", d.ID, d.FileName, err)
	}
	stored, err := l.Pages(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out := make([][]importer.Box, len(stored))
	for i, p := range stored {
		if i < len(ex.Pages) && ex.Pages[i].Text == p.Text && len(ex.Pages[i].Boxes) == utf8.RuneCountInString(p.Text) {
			out[i] = ex.Pages[i].Boxes
		}
	}
	return out, nil
}

// SetPageBoxes stores the boxes of a page whose text cannot be read back
// cheaply (OCR): one per character of its stored text.
func (l *Library) SetPageBoxes(ctx context.Context, docID int64, page int, boxes []importer.Box) error {
	p, err := l.PageText(ctx, docID, page)
	if err != nil {
		return err
	}
	if n := utf8.RuneCountInString(p.Text); n != len(boxes) {
		return fmt.Errorf("boxes of document %d page %d: %d boxes for %d characters: %w", docID, page, len(boxes), n, ErrInvalidInput)
	}
	return l.withTx(ctx, func(tx *sql.Tx) error {
		return setPageBoxesTx(ctx, tx, docID, page, boxes)
	})
}

func setPageBoxesTx(ctx context.Context, tx *sql.Tx, docID int64, page int, boxes []importer.Box) error {
	_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO page_boxes (doc_id, page, boxes_z) VALUES (?, ?, ?)", docID, page, encodeBoxes(boxes))
	return err
}

// storedBoxes returns a page's boxes from page_boxes, if it has some.
func (l *Library) storedBoxes(ctx context.Context, docID int64, page int) ([]importer.Box, bool, error) {
	var blob []byte
	err := l.db.QueryRowContext(ctx, "SELECT boxes_z FROM page_boxes WHERE doc_id = ? AND page = ?", docID, page).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("boxes of document %d page %d: %w", docID, page, err)
	}
	boxes, err := decodeBoxes(blob)
	if err != nil {
		return nil, false, fmt.Errorf("boxes of document %d page %d: %w", docID, page, err)
	}
	return boxes, true, nil
}

// Boxes are stored in eighths of a point, each coordinate as a zig-zag
// varint of its difference from the same coordinate of the box before,
// DEFLATE-compressed: a character costs a byte or two.
const boxUnit = 8

func encodeBoxes(boxes []importer.Box) []byte {
	var raw bytes.Buffer
	var tmp [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(tmp[:], uint64(len(boxes)))
	raw.Write(tmp[:n])
	var prev [4]int64
	for _, b := range boxes {
		cur := [4]int64{q(b.X0), q(b.Y0), q(b.X1), q(b.Y1)}
		for k := range cur {
			n := binary.PutVarint(tmp[:], cur[k]-prev[k])
			raw.Write(tmp[:n])
		}
		prev = cur
	}
	return deflate(raw.Bytes())
}

func q(f float32) int64 { return int64(math.Round(float64(f) * boxUnit)) }

func decodeBoxes(blob []byte) ([]importer.Box, error) {
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(blob)))
	if err != nil {
		return nil, fmt.Errorf("stored boxes are damaged: %w", err)
	}
	r := bytes.NewReader(raw)
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(len(raw)) {
		return nil, fmt.Errorf("stored boxes are damaged")
	}
	boxes := make([]importer.Box, n)
	var prev [4]int64
	for i := range boxes {
		for k := range prev {
			d, err := binary.ReadVarint(r)
			if err != nil {
				return nil, fmt.Errorf("stored boxes are damaged: %w", err)
			}
			prev[k] += d
		}
		boxes[i] = importer.Box{X0: float32(prev[0]) / boxUnit, Y0: float32(prev[1]) / boxUnit, X1: float32(prev[2]) / boxUnit, Y1: float32(prev[3]) / boxUnit}
	}
	return boxes, nil
}
