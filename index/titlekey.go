package index

import "github.com/rapport-qda/rapport/importer"

// titleKey normalises a title for matching metadata to documents: case,
// accents, punctuation and spacing do not count. It is the importer's
// NormalizeTitle, so that readers and the store agree.
func titleKey(s string) string { return importer.NormalizeTitle(s) }
