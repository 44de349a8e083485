package index

import "fmt"

// An abstract is stored in documents.abstract as text when it is short and
// as a BLOB of raw DEFLATE (compressPageText) when that is smaller: a
// library of 100,000 articles holds about 230 MB of abstracts, a sixth of
// its SQLite file, which shrink to about a third. The column's type tells
// the two apart, so libraries written before keep their text abstracts.
// Every statement that binds an abstract goes through storedColumnValue,
// and every read through abstractScanner.

// abstractCompressFrom is the length from which an abstract is compressed.
const abstractCompressFrom = 128

// storedColumnValue returns the value to bind for column of the documents
// table: the abstract in its stored form, any other value as it is.
func storedColumnValue(column string, v any) any {
	s, ok := v.(string)
	if column != "abstract" || !ok || len(s) < abstractCompressFrom {
		return v
	}
	if z := compressPageText(s); len(z) < len(s) {
		return z
	}
	return v
}

// abstractScanner scans a documents.abstract column into *s.
type abstractScanner struct{ s *string }

// Scan implements sql.Scanner.
func (a abstractScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*a.s = ""
	case string:
		*a.s = v
	case []byte:
		text, err := decompressPageText(v)
		if err != nil {
			return fmt.Errorf("stored abstract: %w", err)
		}
		*a.s = text
	default:
		return fmt.Errorf("stored abstract: unexpected %T", src)
	}
	return nil
}
