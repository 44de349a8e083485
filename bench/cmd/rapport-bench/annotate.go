package main

import (
	"context"

	"github.com/rapport-qda/rapport/index"
)

// annotate codes passages of the library with themes, so that theme
// filters can be measured, and returns the themes it used. The library has
// no tagging API yet: theme queries are skipped and the note says so.
func annotate(ctx context.Context, lib *index.Library, docs []index.Document) ([]string, string, error) {
	return nil, "theme queries skipped: the library has no API to code passages yet", nil
}
