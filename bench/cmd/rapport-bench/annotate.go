package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rapport-qda/rapport/index"
)

// annotate codes passages of the library with themes of its codebook, so
// that theme filters can be measured: on every fifth document (at most
// 500), the first 300 characters of page 2 get one of ten themes, chosen in
// turn. It returns the themes used.
func annotate(ctx context.Context, lib *index.Library, docs []index.Document) ([]string, string, error) {
	themes, err := lib.Themes(ctx)
	if err != nil {
		return nil, "", err
	}
	if len(themes) == 0 {
		return nil, "theme queries skipped: the codebook is empty", nil
	}
	var names []string
	for _, t := range themes {
		if len(names) < 10 {
			names = append(names, t.Name)
		}
	}
	start := time.Now()
	tagged := 0
	for i, d := range docs {
		if i%5 != 0 || d.PageCount < 2 || tagged >= 500 {
			continue
		}
		existing, err := lib.Annotations(ctx, index.AnnotationFilter{DocID: d.ID})
		if err != nil {
			return nil, "", err
		}
		if len(existing) > 0 {
			tagged++
			continue // prepared by an earlier run
		}
		if _, err := lib.Tag(ctx, index.TagRequest{DocID: d.ID, Page: 2, Start: 0, End: 300, Themes: []string{names[tagged%len(names)]}, Note: "benchmark passage"}); err != nil {
			return nil, "", fmt.Errorf("tag document %d: %w", d.ID, err)
		}
		tagged++
	}
	return names, fmt.Sprintf("%d passages coded with %d themes through Library.Tag in %.1fs", tagged, len(names), time.Since(start).Seconds()), nil
}
