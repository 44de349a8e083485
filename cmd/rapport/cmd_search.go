package main

import (
	"flag"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/rapport-qda/rapport/index"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func init() {
	register(&command{name: "search", freeText: true, args: "QUERY [--limit N] [--theme T] [--annotated] [--facets]",
		summary: "full-text search: words, \"phrases\", +must, -not, field:value, prefix*, fuzzy~, AND/OR/NOT with (parentheses); diacritics folded",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var req index.SearchRequest
			var themes stringList
			fs.IntVar(&req.Limit, "limit", 20, "most hits to show")
			fs.IntVar(&req.Offset, "offset", 0, "skip this many hits")
			fs.Var(&themes, "theme", "only pages coded with this theme (repeatable)")
			fs.BoolVar(&req.AnnotatedOnly, "annotated", false, "only pages that carry annotations")
			fs.BoolVar(&req.Facets, "facets", false, "count hits per theme, year and journal")
			return func(e *env, args []string) error {
				req.Themes = themes
				return runSearch(e, args, req)
			}
		}})
}

func runSearch(e *env, args []string, req index.SearchRequest) error {
	if len(args) == 0 && len(req.Themes) == 0 && !req.AnnotatedOnly {
		return usagef("search needs a query")
	}
	req.Query = strings.Join(args, " ")
	if req.Limit <= 0 {
		return usagef("--limit must be a positive number")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	res, err := lib.Search(e.ctx, req)
	if err != nil {
		return err
	}
	return e.emit(res, func(w io.Writer) {
		for _, h := range res.Hits {
			themes := ""
			if len(h.Themes) > 0 {
				themes = " [" + strings.Join(h.Themes, "; ") + "]"
			}
			fmt.Fprintf(w, "%d p.%d  %s%s\n    %s\n", h.DocID, h.Page, oneLine(h.Title), themes, plainSnippet(h.Snippet))
		}
		fmt.Fprintf(w, "%d pages match (%.1f ms)\n", res.Total, float64(res.Took.Microseconds())/1000)
		for name, counts := range res.Facets {
			var parts []string
			for _, c := range counts {
				parts = append(parts, fmt.Sprintf("%s (%d)", c.Value, c.Count))
			}
			if len(parts) > 0 {
				fmt.Fprintf(w, "%s: %s\n", name, strings.Join(parts, ", "))
			}
		}
	})
}

// plainSnippet turns a snippet's <mark> into [brackets] for a terminal.
func plainSnippet(s string) string {
	s = strings.ReplaceAll(s, index.MarkStart, "[")
	s = strings.ReplaceAll(s, index.MarkEnd, "]")
	return html.UnescapeString(s)
}
