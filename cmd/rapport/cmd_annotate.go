package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/index"
)

// Coding commands: tag, untag, annotations, note, notes, undo, redo,
// history.

func init() {
	register(&command{name: "tag", args: "DOC_ID (--quote TEXT | --page N --rect X1,Y1,X2,Y2) --theme NAME [--theme NAME2] [--note TEXT] [--page N]",
		summary: "code a passage (found ignoring white space, line breaks and hyphenation), or an area of a page, with themes",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var req index.TagRequest
			var themes stringList
			fs.StringVar(&req.Quote, "quote", "", "the passage, as you have it")
			fs.Var(&themes, "theme", "a theme to code it with (repeatable)")
			fs.StringVar(&req.Note, "note", "", "a note (memo) on the passage")
			fs.IntVar(&req.Page, "page", 0, "the page the passage is on (needed when it occurs on several, and for --rect)")
			rect := fs.String("rect", "", "code an area of the page instead of a passage: X1,Y1,X2,Y2 in PDF points, origin bottom-left (a figure, a table)")
			return func(e *env, args []string) error {
				req.Themes = themes
				if *rect != "" {
					r, err := index.ParseRect(*rect)
					if err != nil {
						return usagef("--rect: %s", strings.TrimSuffix(err.Error(), ": "+index.ErrInvalidInput.Error()))
					}
					req.Rect = &r
				}
				return runTag(e, args, req)
			}
		}, writes: true})
	register(&command{name: "untag", args: "ANNOTATION_ID", summary: "delete an annotation (undo brings it back)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runUntag }, writes: true})
	register(&command{name: "annotations", args: "[--theme NAME] [--doc ID] [--coder NAME] [--subthemes] [--orphaned]",
		summary: "list annotations with their documents' titles and coders",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var f index.AnnotationFilter
			fs.StringVar(&f.Coder, "coder", "", "only this coder's annotations (\""+index.NoCoder+"\": those that record none)")
			fs.StringVar(&f.Theme, "theme", "", "only annotations coded with this theme")
			fs.BoolVar(&f.WithSubthemes, "subthemes", false, "with --theme: include its sub-themes")
			fs.Int64Var(&f.DocID, "doc", 0, "only annotations of this document")
			fs.BoolVar(&f.OrphanedOnly, "orphaned", false, "only annotations whose passage was lost by a re-extraction")
			return func(e *env, args []string) error { return runAnnotations(e, args, f) }
		}})
	register(&command{name: "note", args: "DOC_ID TEXT", summary: "add a note to a document",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			return func(e *env, args []string) error { return runNote(e, args) }
		}, writes: true})
	register(&command{name: "notes", args: "[DOC_ID] [--coder NAME]", summary: "list document notes",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			coder := fs.String("coder", "", "only this coder's notes")
			return func(e *env, args []string) error { return runNotes(e, args, *coder) }
		}})
	register(&command{name: "undo", args: "", summary: "undo the last change to themes, annotations, notes, metadata or the documents removed",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			return func(e *env, args []string) error { return runReplay(e, args, true) }
		}, writes: true})
	register(&command{name: "redo", args: "", summary: "redo the last undone change",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			return func(e *env, args []string) error { return runReplay(e, args, false) }
		}, writes: true})
	register(&command{name: "history", args: "[--limit N]", summary: "list recent undoable changes, newest first",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			limit := fs.Int("limit", 20, "most steps to list")
			return func(e *env, args []string) error { return runHistory(e, args, *limit) }
		}})
}

func parseKindID(s, what string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("%q is not a %s id (a positive whole number)", s, what)
	}
	return id, nil
}

func runTag(e *env, args []string, req index.TagRequest) error {
	if len(args) != 1 {
		return usagef("tag needs one DOC_ID")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	if len(req.Themes) == 0 {
		return usagef("tag needs at least one --theme NAME (see `rapport themes`)")
	}
	switch {
	case req.Rect != nil && strings.TrimSpace(req.Quote) != "":
		return usagef("tag takes --quote or --rect, not both")
	case req.Rect != nil && req.Page < 1:
		return usagef("tag --rect needs --page N, the page the area is on")
	case req.Rect == nil && strings.TrimSpace(req.Quote) == "":
		return usagef("tag needs --quote \"the passage\" (an empty quote tags nothing), or --page N --rect X1,Y1,X2,Y2 for an area")
	}
	req.DocID = id
	lib, err := e.library()
	if err != nil {
		return err
	}
	a, err := lib.Tag(e.ctx, req)
	var amb *index.AmbiguousQuoteError
	if errors.As(err, &amb) {
		return fmt.Errorf("%v; nothing was tagged (use --page N, or a longer --quote)", err)
	}
	if err != nil {
		return err
	}
	return e.emit(a, func(w io.Writer) { printAnnotation(w, a) })
}

func printAnnotation(w io.Writer, a index.Annotation) {
	orphan := ""
	if a.Orphaned {
		orphan = " ORPHANED"
	}
	by := ""
	if a.Coder != "" {
		by = " (" + a.Coder + ")"
	}
	if a.IsArea() && a.Rect != nil {
		fmt.Fprintf(w, "annotation %d: document %d p.%d area [%s] %s%s\n", a.ID, a.DocID, a.Page, a.Rect, strings.Join(a.Themes, "; "), by)
		if q := oneLine(a.Quote); q != "" {
			fmt.Fprintf(w, "    text inside: “%s”\n", q)
		}
	} else {
		fmt.Fprintf(w, "annotation %d: document %d p.%d [%d–%d]%s %s%s\n    “%s”\n", a.ID, a.DocID, a.Page, a.Start, a.End, orphan,
			strings.Join(a.Themes, "; "), by, oneLine(a.Quote))
	}
	if a.Note != "" {
		fmt.Fprintf(w, "    note: %s\n", oneLine(a.Note))
	}
}

func runUntag(e *env, args []string) error {
	if len(args) != 1 {
		return usagef("untag needs one ANNOTATION_ID")
	}
	id, err := parseKindID(args[0], "annotation")
	if err != nil {
		return err
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	if err := lib.Untag(e.ctx, id); err != nil {
		return err
	}
	return e.emit(map[string]any{"untagged": id}, func(w io.Writer) { fmt.Fprintf(w, "deleted annotation %d (`rapport undo` brings it back)\n", id) })
}

func runAnnotations(e *env, args []string, f index.AnnotationFilter) error {
	if len(args) != 0 {
		return usagef("annotations takes no arguments (use --theme and --doc)")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	list, err := lib.Annotations(e.ctx, f)
	if err != nil {
		return err
	}
	return e.emit(list, func(w io.Writer) {
		last := int64(0)
		for _, a := range list {
			if a.DocID != last {
				fmt.Fprintf(w, "— %d %s\n", a.DocID, oneLine(a.DocTitle))
				last = a.DocID
			}
			printAnnotation(w, a)
		}
		fmt.Fprintf(w, "%d annotations\n", len(list))
	})
}

func runNote(e *env, args []string) error {
	if len(args) < 2 {
		return usagef("note needs DOC_ID and TEXT")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	text := strings.Join(args[1:], " ")
	if strings.TrimSpace(text) == "" {
		return usagef("note needs a TEXT")
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	n, err := lib.AddDocNote(e.ctx, id, text, "")
	if err != nil {
		return err
	}
	return e.emit(n, func(w io.Writer) { fmt.Fprintf(w, "note %d on document %d\n", n.ID, n.DocID) })
}

func runNotes(e *env, args []string, coder string) error {
	var id int64
	if len(args) > 1 {
		return usagef("notes takes at most one DOC_ID")
	}
	if len(args) == 1 {
		var err error
		if id, err = parseID(args[0]); err != nil {
			return err
		}
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	notes, err := lib.DocNotes(e.ctx, id)
	if err != nil {
		return err
	}
	if c := strings.TrimSpace(coder); c != "" {
		if c == index.NoCoder {
			c = ""
		}
		kept := []index.DocNote{}
		for _, n := range notes {
			if strings.EqualFold(n.Coder, c) {
				kept = append(kept, n)
			}
		}
		notes = kept
	}
	return e.emit(notes, func(w io.Writer) {
		for _, n := range notes {
			by := ""
			if n.Author != "" {
				by = " (" + n.Author + ")"
			}
			fmt.Fprintf(w, "%d  document %d%s: %s\n", n.ID, n.DocID, by, oneLine(n.Text))
		}
		fmt.Fprintf(w, "%d notes\n", len(notes))
	})
}

func runReplay(e *env, args []string, undo bool) error {
	if len(args) != 0 {
		return usagef("takes no arguments")
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	var h index.HistoryEntry
	if undo {
		h, err = lib.Undo(e.ctx)
	} else {
		h, err = lib.Redo(e.ctx)
	}
	if err != nil {
		return err
	}
	verb := map[bool]string{true: "undid", false: "redid"}[undo]
	return e.emit(h, func(w io.Writer) { fmt.Fprintf(w, "%s: %s\n", verb, h.Label) })
}

func runHistory(e *env, args []string, limit int) error {
	if len(args) != 0 {
		return usagef("history takes no arguments")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	hs, err := lib.History(e.ctx, limit)
	if err != nil {
		return err
	}
	return e.emit(hs, func(w io.Writer) {
		for _, h := range hs {
			state := ""
			if h.Undone {
				state = " (undone)"
			}
			by := ""
			if h.Coder != "" {
				by = " — " + h.Coder
			}
			fmt.Fprintf(w, "%4d  %s  %s%s%s\n", h.ID, h.At.Local().Format("2006-01-02 15:04"), h.Label, by, state)
		}
	})
}
