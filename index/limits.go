package index

import (
	"fmt"

	"github.com/rapport-qda/rapport/importer"
)

// MaxMetadataFieldBytes bounds one metadata field (an abstract, a title, the
// author list). Real records stay far below it; a larger one is junk or
// hostile, and indexing it would cost the library time and memory out of
// all proportion.
const MaxMetadataFieldBytes = 256 << 10

// MaxAuthors bounds the authors of one record.
const MaxAuthors = 5000

// checkMetadataSize refuses a record with a field too large to store.
func checkMetadataSize(m importer.Metadata) error {
	fields := map[string]string{
		"title": m.Title, "date": m.Date, "journal": m.Journal, "volume": m.Volume, "issue": m.Issue,
		"pages": m.Pages, "doi": m.DOI, "url": m.URL, "abstract": m.Abstract, "language": m.Language, "type": m.Type,
		"publisher": m.Publisher, "edition": m.Edition, "number": m.Number,
	}
	for i, t := range m.AltTitles {
		fields[fmt.Sprintf("alternative title %d", i+1)] = t
	}
	for name, v := range fields {
		if len(v) > MaxMetadataFieldBytes {
			return fmt.Errorf("the %s is %d bytes, more than the %d Rapport stores: %w", name, len(v), MaxMetadataFieldBytes, ErrInvalidInput)
		}
	}
	if len(m.Editors) > MaxAuthors {
		return fmt.Errorf("the record lists %d editors, more than the %d Rapport stores: %w", len(m.Editors), MaxAuthors, ErrInvalidInput)
	}
	if len(m.Authors) > MaxAuthors {
		return fmt.Errorf("the record lists %d authors, more than the %d Rapport stores: %w", len(m.Authors), MaxAuthors, ErrInvalidInput)
	}
	size := 0
	for _, a := range m.Authors {
		size += len(a.Family) + len(a.Given) + len(a.Literal)
	}
	if size > MaxMetadataFieldBytes {
		return fmt.Errorf("the author list is %d bytes, more than the %d Rapport stores: %w", size, MaxMetadataFieldBytes, ErrInvalidInput)
	}
	return nil
}
