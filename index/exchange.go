package index

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/rapport-qda/rapport/importer"
)

// AddTextDocument stores a document whose text comes from an exchange file
// (a REFI-QDA project's source) rather than from a file of its own: its
// pages, as given, and its metadata. The pages joined by form feeds are
// kept in files/ as its original. A document with the same text already in
// the library is returned instead (created false), so re-importing a
// project does not duplicate its sources.
//
// It may run inside an import handler (ImportOptions.Handlers).
func (l *Library) AddTextDocument(ctx context.Context, name string, pages []importer.PageText, m importer.Metadata) (ImportItem, bool, error) {
	if len(pages) == 0 {
		return ImportItem{}, false, fmt.Errorf("add text document %q: no pages: %w", name, ErrInvalidInput)
	}
	texts := make([]string, len(pages))
	for i := range pages {
		if pages[i].Number == 0 {
			pages[i].Number = i + 1
		}
		texts[i] = pages[i].Text
	}
	data := []byte(strings.Join(texts, "\f"))
	sum := sha256.Sum256(data)
	fileName := name
	if !strings.HasSuffix(strings.ToLower(fileName), ".txt") {
		fileName += ".txt"
	}
	r := extracted{path: fileName, kind: importer.KindText, data: data, sha: hex.EncodeToString(sum[:]),
		ex: &importer.Extraction{Title: m.Title, DOI: m.DOI, Pages: pages, Version: importer.ExtractorVersion}}
	if r.ex.Title == "" {
		r.ex.Title = strings.TrimSuffix(name, ".txt")
	}
	item, status, err := l.storeExtracted(ctx, r)
	if err != nil {
		return ImportItem{}, false, fmt.Errorf("add text document %q: %w", name, err)
	}
	if status == storedUnchanged {
		return item, false, nil
	}
	if err := l.withTx(ctx, func(tx *sql.Tx) error { return mergeMetadata(ctx, tx, item.ID, m) }); err != nil {
		return item, true, fmt.Errorf("add text document %q: metadata: %w", name, err)
	}
	idx, err := l.searchIndex(ctx)
	if err != nil {
		return item, true, err
	}
	if err := l.indexDocuments(ctx, idx, []int64{item.ID}); err != nil {
		return item, true, err
	}
	d, err := l.Document(ctx, item.ID)
	if err != nil {
		return item, true, err
	}
	return itemOf(d, name), true, nil
}
