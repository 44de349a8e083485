package index

import (
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Page text is the bulk of a library's SQLite file. It is stored in
// pages.text_z as raw DEFLATE (RFC 1951, compress/flate): prose shrinks to
// about a third, and a page then fits in its B-tree cell instead of
// spilling into overflow pages whose unused tails cost another third.
// Everything that reads or writes page text goes through compressPageText
// and storedText (abstracts and OCR words too).
//
// A page is a few kilobytes: too short for DEFLATE to learn the words of
// its language. So text is compressed against a preset dictionary, the
// most frequent word sequences of real articles (pagetext-v1.dict, built
// by scripts/mkpagedict.go), which stores a page in a tenth fewer bytes.
// Such a blob starts with dictMarker and the dictionary's version; a blob
// without the marker is plain DEFLATE, as written before (no DEFLATE
// stream starts with the marker: its block type would be the reserved
// 3). A dictionary once released never changes.

const pageTextLevel = flate.DefaultCompression

// dictMarker opens a blob compressed with a preset dictionary; the byte
// after it is the dictionary's version (pageTextDicts).
const dictMarker = 0xFF

// pageTextDictVersion is the dictionary new text is compressed with.
const pageTextDictVersion = 1

//go:embed pagetext-v1.dict
var pageTextDictV1 []byte

// pageTextDicts holds every released dictionary by version.
var pageTextDicts = map[byte][]byte{1: pageTextDictV1}

var (
	flateWriters = sync.Pool{New: func() any {
		w, _ := flate.NewWriterDict(nil, pageTextLevel, pageTextDicts[pageTextDictVersion]) // only fails on a bad level
		return w
	}}
	plainFlateWriters = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, pageTextLevel)
		return w
	}}
	flateReaders = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}
)

// compressPageText returns the stored form of a page's text: the marker,
// the dictionary version, then DEFLATE against that dictionary.
func compressPageText(text string) []byte {
	var buf bytes.Buffer
	buf.Grow(len(text)/3 + 16)
	buf.WriteByte(dictMarker)
	buf.WriteByte(pageTextDictVersion)
	w := flateWriters.Get().(*flate.Writer)
	w.Reset(&buf)           // keeps the dictionary
	io.WriteString(w, text) // writes to a bytes.Buffer do not fail
	w.Close()
	flateWriters.Put(w)
	return buf.Bytes()
}

// deflate returns raw DEFLATE of data, with no dictionary: for binary
// data (glyph boxes) that prose would not help.
func deflate(data []byte) []byte {
	var buf bytes.Buffer
	w := plainFlateWriters.Get().(*flate.Writer)
	w.Reset(&buf)
	w.Write(data) // writes to a bytes.Buffer do not fail
	w.Close()
	plainFlateWriters.Put(w)
	return buf.Bytes()
}

// errDamagedPageText reports stored page text that does not decompress.
var errDamagedPageText = errors.New("stored page text is damaged")

// decompressPageText returns the text of a stored page, compressed with a
// dictionary or, as written before, without.
func decompressPageText(stored []byte) (string, error) {
	var dict []byte
	if len(stored) > 0 && stored[0] == dictMarker {
		if len(stored) < 2 {
			return "", fmt.Errorf("%w: no dictionary version after the marker", errDamagedPageText)
		}
		var ok bool
		if dict, ok = pageTextDicts[stored[1]]; !ok {
			return "", fmt.Errorf("%w: compressed with dictionary version %d, which this Rapport does not have", errDamagedPageText, stored[1])
		}
		stored = stored[2:]
	}
	r := flateReaders.Get().(io.ReadCloser)
	defer flateReaders.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(stored), dict); err != nil {
		return "", fmt.Errorf("%w: %v", errDamagedPageText, err)
	}
	buf := textBuffers.Get().(*bytes.Buffer)
	defer textBuffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return "", fmt.Errorf("%w: %v", errDamagedPageText, err)
	}
	return buf.String(), nil
}

var textBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// storedText scans a pages.text_z column into a string. A NULL column (the
// side of a LEFT JOIN that found no page) leaves Valid false.
type storedText struct {
	String string
	Valid  bool
}

// Scan implements sql.Scanner.
func (t *storedText) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.String, t.Valid = "", false
		return nil
	case []byte:
		s, err := decompressPageText(v)
		if err != nil {
			return err
		}
		t.String, t.Valid = s, true
		return nil
	case string:
		s, err := decompressPageText([]byte(v))
		if err != nil {
			return err
		}
		t.String, t.Valid = s, true
		return nil
	}
	return fmt.Errorf("%w: a %T where compressed text belongs", errDamagedPageText, src)
}

// migrateCompressPageText is the Go half of schema migration 3: it moves
// every page of the old pages table (plain text, WITHOUT ROWID) into the new
// one with its text compressed, then drops the old table.
func migrateCompressPageText(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "SELECT doc_id, page, label, text, header FROM pages_plain")
	if err != nil {
		return err
	}
	defer rows.Close()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO pages (doc_id, page, label, text_z, header) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for rows.Next() {
		var doc int64
		var page int
		var label, text, header string
		if err := rows.Scan(&doc, &page, &label, &text, &header); err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, doc, page, label, compressPageText(text), header); err != nil {
			return fmt.Errorf("document %d page %d: %w", doc, page, err)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	_, err = tx.ExecContext(ctx, "DROP TABLE pages_plain")
	return err
}
