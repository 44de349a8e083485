package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/rapport-qda/rapport/index"
)

func init() {
	register(&command{name: "highlights", args: "import [ID...] [--password P]",
		summary: "import the highlights, underlines, comments and ink made in documents' PDFs (all PDFs when no ID is given)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			password := fs.String("password", "", "password of encrypted PDFs that need one (used once, never stored)")
			return func(e *env, args []string) error { return runHighlights(e, args, *password) }
		}, writes: true})
}

// highlightsResult is the JSON of `rapport highlights import`.
type highlightsResult struct {
	Documents  []index.HighlightReport `json:"documents"`
	Imported   int                     `json:"imported"`
	Merged     int                     `json:"merged"`
	Unchanged  int                     `json:"unchanged"`
	NotMatched int                     `json:"not_matched"`
	Skipped    int                     `json:"skipped"`
	Failed     int                     `json:"failed"` // documents whose marks could not be read
}

func runHighlights(e *env, args []string, password string) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef("usage: rapport highlights import [ID...]")
	}
	var ids []int64
	for _, s := range args[1:] {
		id, err := parseID(s)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	reports, err := lib.ImportHighlights(e.ctx, ids, index.HighlightOptions{Password: password})
	res := highlightsResult{Documents: reports}
	for _, r := range reports {
		res.Imported += r.Imported
		res.Merged += r.Merged
		res.Unchanged += r.Unchanged
		res.NotMatched += r.NotMatched
		res.Skipped += r.Skipped
		if r.Error != "" {
			res.Failed++
		}
	}
	e.failed = res.Failed > 0
	if perr := e.emit(res, func(w io.Writer) {
		printHighlightReports(w, reports)
		fmt.Fprintf(w, "%d imported, %d merged, %d unchanged, %d not matched, %d skipped, %d documents failed\n",
			res.Imported, res.Merged, res.Unchanged, res.NotMatched, res.Skipped, res.Failed)
	}); perr != nil && err == nil {
		err = perr
	}
	return err
}

// printHighlightReports lists every mark read, one line each: page,
// status, kind, quote or comment, theme and reason.
func printHighlightReports(w io.Writer, reports []index.HighlightReport) {
	for _, r := range reports {
		if r.Error != "" {
			fmt.Fprintf(w, "highlights of %d — %s: FAILED: %s\n", r.DocID, oneLine(r.Title), r.Error)
			continue
		}
		if len(r.Items) == 0 {
			continue
		}
		fmt.Fprintf(w, "highlights of %d — %s:\n", r.DocID, oneLine(r.Title))
		for _, it := range r.Items {
			what := it.Quote
			if what == "" {
				what = it.Comment
			}
			line := fmt.Sprintf("  p. %-3d %-11s %-9s", it.Page, it.Status, it.Kind)
			if what != "" {
				line += fmt.Sprintf(" %q", shortText(oneLine(what), 70))
			}
			if len(it.Themes) > 0 {
				line += fmt.Sprintf(" → %v", it.Themes)
			}
			if it.Reason != "" {
				line += " (" + it.Reason + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
}

func shortText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
