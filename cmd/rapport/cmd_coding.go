package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rapport-qda/rapport/index"
)

// Bulk coding commands: autocode, reextract, report.

func init() {
	register(&command{name: "autocode", freeText: true, args: "QUERY --theme NAME [--unit sentence|paragraph] [--dry-run] [--include-references]",
		summary: "code the sentence (or paragraph) around every search hit with a theme, in one undoable step",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var req index.AutocodeRequest
			fs.StringVar(&req.Theme, "theme", "", "the theme to code with")
			fs.StringVar(&req.Unit, "unit", index.UnitSentence, "what to tag around each hit: sentence or paragraph")
			fs.BoolVar(&req.DryRun, "dry-run", false, "list what would be tagged, change nothing")
			fs.StringVar(&req.Note, "note", "", "a note on every new annotation")
			fs.BoolVar(&req.IncludeReferences, "include-references", false, "code passages in reference lists and running headers too")
			return func(e *env, args []string) error { return runAutocode(e, args, req) }
		}, writes: true})
	register(&command{name: "reextract", args: "[ID...] [--all]",
		summary: "extract documents again from their stored originals with the current extractor and re-anchor their annotations",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var opts index.ReextractOptions
			fs.BoolVar(&opts.All, "all", false, "without IDs: every document, not only those from an older extractor")
			return func(e *env, args []string) error { return runReextract(e, args, opts) }
		}, writes: true})
	register(&command{name: "report", args: "", summary: "theme frequency per document and theme co-occurrence",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runReport }})
}

func runAutocode(e *env, args []string, req index.AutocodeRequest) error {
	if len(args) == 0 {
		return usagef("autocode needs a QUERY")
	}
	if strings.TrimSpace(req.Theme) == "" {
		return usagef("autocode needs --theme NAME")
	}
	if req.Unit != index.UnitSentence && req.Unit != index.UnitParagraph {
		return usagef("--unit is sentence or paragraph, not %q", req.Unit)
	}
	req.Query = strings.Join(args, " ")
	lib, err := e.library()
	if err != nil {
		return err
	}
	res, err := lib.Autocode(e.ctx, req)
	if err != nil {
		return err
	}
	return e.emit(res, func(w io.Writer) {
		for _, a := range res.Annotations {
			if res.DryRun {
				fmt.Fprintf(w, "would tag document %d p.%d [%d–%d] “%s”\n", a.DocID, a.Page, a.Start, a.End, oneLine(a.Quote))
			} else {
				printAnnotation(w, a)
			}
		}
		verb := "tagged"
		if res.DryRun {
			verb = "would tag"
		}
		fmt.Fprintf(w, "%s %d passages with %q (%d already coded with it)\n", verb, res.Tagged, req.Theme, res.Skipped)
		if res.InReferences+res.InHeaders > 0 {
			fmt.Fprintf(w, "left out %d passages in reference lists and %d in running headers (--include-references codes them)\n", res.InReferences, res.InHeaders)
		}
	})
}

func runReextract(e *env, args []string, opts index.ReextractOptions) error {
	var ids []int64
	for _, a := range args {
		id, err := parseID(a)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	if !e.json {
		opts.Progress = func(done, total int) {
			e.progressLine(fmt.Sprintf("[%d/%d]", done, total), done == total)
		}
	}
	rep, err := lib.Reextract(e.ctx, ids, opts)
	if rep != nil {
		e.failed = len(rep.Failed) > 0
		if perr := e.emit(rep, func(w io.Writer) {
			for _, d := range rep.Documents {
				fmt.Fprintf(w, "%4d  %s: %d pages (extractor %d → %d); annotations: %d in place, %d moved, %d orphaned\n",
					d.ID, oneLine(d.Title), d.Pages, d.OldVersion, d.NewVersion, d.Unchanged, d.Moved, d.Orphaned)
			}
			for _, f := range rep.Failed {
				fmt.Fprintf(w, "FAILED %d: %s\n", f.ID, f.Error)
			}
			fmt.Fprintf(w, "%d re-extracted, %d failed\n", len(rep.Documents), len(rep.Failed))
		}); perr != nil && err == nil {
			err = perr
		}
	}
	return err
}

func runReport(e *env, args []string) error {
	if len(args) != 0 {
		return usagef("report takes no arguments")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	rep, err := lib.Report(e.ctx)
	if err != nil {
		return err
	}
	return e.emit(rep, func(w io.Writer) { io.WriteString(w, rep.String()) })
}
