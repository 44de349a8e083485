package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/atomicfile"
	"github.com/rapport-qda/rapport/internal/coderpref"
)

// Team commands: the coder preference and the library's coders.

func init() {
	register(&command{name: "coder", args: "[NAME]",
		summary: "show the coder your changes are recorded under, or make NAME your coder preference (shared with the window)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			clear := fs.Bool("clear", false, "remove the preference (your login name is used again)")
			return func(e *env, args []string) error { return runCoder(e, args, *clear) }
		}})
	register(&command{name: "coders", args: "", summary: "list the library's coders with what each has coded",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runCoders }})
	register(&command{name: "merge", args: "OTHER_LIBRARY_DIR|FILE.qdpx [--unnamed-coder NAME]",
		summary: "bring another coder's annotations, notes and new themes into this library, in one undoable step (documents matched by file, DOI, title; nothing overwritten)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var opts index.MergeOptions
			fs.StringVar(&opts.Coder, "unnamed-coder", "", "the coder of the other library's codings that record none (default: the name of its folder or file)")
			return func(e *env, args []string) error { return runMerge(e, args, opts) }
		}, writes: true})
	register(&command{name: "agreement", args: "[--coders A,B,...] [--theme T ...] [--doc ID ...] [--unit character|sentence|paragraph] [--only-coded] [--csv FILE]",
		summary: "intercoder agreement per theme and overall: percent, Cohen's κ (two coders), Krippendorff's α (α_U by characters, nominal α by sentences or paragraphs), units and the share nobody coded",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			sc := scopeFlags(fs)
			csvOut := fs.String("csv", "", "also write the table as CSV to this file (- for standard output)")
			return func(e *env, args []string) error { return runAgreement(e, args, sc, *csvOut) }
		}})
	register(&command{name: "disagreements", args: "[--coders A,B,...] [--theme T ...] [--doc ID ...] [--unit character|sentence|paragraph] [--only-coded] [--undecided] [--all] [--consensus NAME]",
		summary: "list every passage the coders coded differently (page, what each coded), with its id for `rapport consensus` and the consensus decision taken on it",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			sc := scopeFlags(fs)
			undecided := fs.Bool("undecided", false, "only passages the consensus coder has not decided")
			all := fs.Bool("all", false, "the passages the coders agree on too")
			return func(e *env, args []string) error { return runDisagreements(e, args, sc, *undecided, *all) }
		}})
	register(&command{name: "consensus", args: "PASSAGE_ID (--accept CODER[,CODER...] | --accept-none) | --agreed  [--consensus NAME] [scope flags of disagreements]",
		summary: "settle a disagreement: copy one coder's coding, several coders', or none of the passage to the consensus coder (one undoable step); --agreed copies every passage the coders agree on",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			sc := scopeFlags(fs)
			var accept stringList
			fs.Var(&accept, "accept", "the coder whose coding is accepted (comma-separated or repeated for several)")
			none := fs.Bool("accept-none", false, "accept no coder's coding: the passage stays uncoded in the consensus")
			agreed := fs.Bool("agreed", false, "accept every passage the coders agree on and the consensus coder has not decided")
			return func(e *env, args []string) error { return runConsensus(e, args, sc, accept, *none, *agreed) }
		}, writes: true})
}

// scope is the selection shared by agreement, disagreements and
// consensus.
type scope struct {
	coders, themes, docs stringList
	unit                 string
	onlyCoded            bool
	consensus            string
}

func scopeFlags(fs *flag.FlagSet) *scope {
	sc := &scope{}
	fs.Var(&sc.coders, "coders", "the coders to compare, comma-separated or repeated (default: every coder who coded the documents but consensus coders)")
	fs.Var(&sc.themes, "theme", "only this theme (repeatable; default: every theme the coders used)")
	fs.Var(&sc.docs, "doc", "only this document (an id; repeatable; default: every document the coders coded)")
	fs.StringVar(&sc.unit, "unit", index.UnitCharacter, "character (α_U), sentence or paragraph (nominal α)")
	fs.BoolVar(&sc.onlyCoded, "only-coded", false, "a coder with no annotation in a document did not code it (missing values) rather than coded nothing there")
	fs.StringVar(&sc.consensus, "consensus", index.DefaultConsensusCoder, "the consensus coder")
	return sc
}

// request turns the flags into an agreement request. A --coders value
// that names a coder whole is that coder, commas and all; others are
// split at commas.
func (sc *scope) request(e *env, lib *index.Library) (index.AgreementRequest, error) {
	req := index.AgreementRequest{Themes: sc.themes, Unit: sc.unit, OnlyCoded: sc.onlyCoded}
	if _, err := index.AgreementUnit(sc.unit); err != nil {
		return req, usagef("--unit: %v", err)
	}
	var known []index.Coder
	if len(sc.coders) > 0 {
		var err error
		if known, err = lib.Coders(e.ctx); err != nil {
			return req, err
		}
	}
	for _, v := range sc.coders {
		whole := false
		for _, c := range known {
			whole = whole || strings.EqualFold(c.Name, strings.TrimSpace(v))
		}
		if whole {
			req.Coders = append(req.Coders, strings.TrimSpace(v))
			continue
		}
		for _, part := range strings.Split(v, ",") {
			if p := strings.TrimSpace(part); p != "" {
				req.Coders = append(req.Coders, p)
			}
		}
	}
	for _, d := range sc.docs {
		id, err := parseID(d)
		if err != nil {
			return req, err
		}
		req.DocIDs = append(req.DocIDs, id)
	}
	return req, nil
}

func runMerge(e *env, args []string, opts index.MergeOptions) error {
	if len(args) != 1 {
		return usagef("merge needs one OTHER_LIBRARY_DIR (or FILE.qdpx)")
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	var rep *index.MergeReport
	if isProjectFile(args[0]) {
		rep, err = mergeProject(e, lib, args[0], opts)
	} else {
		rep, err = lib.MergeLibrary(e.ctx, args[0], opts)
	}
	if err != nil {
		return err
	}
	return e.emit(rep, func(w io.Writer) {
		for _, d := range rep.Documents {
			switch {
			case d.DocID == 0:
				fmt.Fprintf(w, "not here   %s: %d annotations not placed\n", oneLine(d.Title), d.NotPlaced)
			default:
				fmt.Fprintf(w, "%-10s %s → document %d: %d annotations added, %d here already, %d not placed; %d notes added\n",
					"by "+d.MatchedBy, oneLine(d.Title), d.DocID, d.Annotations, d.Present, d.NotPlaced, d.Notes)
			}
		}
		for _, np := range rep.NotPlaced {
			fmt.Fprintf(w, "NOT PLACED %s of %s (%s, p. %d): %q — %s\n", np.Kind, np.Coder, oneLine(np.Title), np.Page, np.Quote, np.Reason)
		}
		if len(rep.ThemesAdded) > 0 {
			fmt.Fprintf(w, "themes added: %s\n", strings.Join(rep.ThemesAdded, "; "))
		}
		if len(rep.CodersAdded) > 0 {
			fmt.Fprintf(w, "coders added: %s\n", strings.Join(rep.CodersAdded, ", "))
		}
		if rep.NoCoderGiven > 0 {
			fmt.Fprintf(w, "%d codings recorded no coder: they are %s's here\n", rep.NoCoderGiven, rep.DefaultCoder)
		}
		fmt.Fprintln(w, rep.Summary())
		if rep.Step != "" {
			fmt.Fprintln(w, "one step: `rapport undo` takes the whole merge away")
		} else {
			fmt.Fprintln(w, "nothing new: the library is as it was")
		}
	})
}

func fmtRatio(x *float64) string {
	if x == nil {
		return "—"
	}
	return fmt.Sprintf("%.3f", *x)
}

func runAgreement(e *env, args []string, sc *scope, csvOut string) error {
	if len(args) != 0 {
		return usagef("agreement takes no arguments (use --coders, --theme, --doc, --unit)")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	req, err := sc.request(e, lib)
	if err != nil {
		return err
	}
	rep, err := lib.Agreement(e.ctx, req)
	if err != nil {
		return err
	}
	if csvOut != "" {
		if err := writeAgreementCSV(e, rep, csvOut); err != nil {
			return err
		}
		if csvOut == "-" {
			return nil
		}
	}
	return e.emit(rep, func(w io.Writer) {
		alpha := "α_U"
		if rep.AlphaKind == "alpha" {
			alpha = "α"
		}
		fmt.Fprintf(w, "Agreement of %s on %s, by %s units (%s: Krippendorff's %s)\n", strings.Join(rep.Coders, ", "), plural(rep.Documents, "document"), rep.Unit, alpha,
			map[string]string{"alpha_u": "unitizing alpha", "alpha": "nominal alpha"}[rep.AlphaKind])
		fmt.Fprintf(w, "%-44s %10s %9s %8s %8s %8s\n", "theme", "units", "uncoded", "percent", "kappa", alpha)
		for _, row := range append(append([]index.AgreementRow(nil), rep.Themes...), rep.Overall) {
			fmt.Fprintf(w, "%-44s %10d %8.1f%% %8s %8s %8s\n", shortName(row.Theme, 44), row.Units, 100*row.UncodedShare, fmtRatio(row.Percent), fmtRatio(row.Kappa), fmtRatio(row.Alpha))
		}
		for _, n := range rep.Notes {
			fmt.Fprintln(w, "note:", n)
		}
	})
}

func shortName(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func writeAgreementCSV(e *env, rep *index.AgreementReport, path string) error {
	if path == "-" {
		return rep.WriteCSV(e.stdout)
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		return err
	}
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !e.json {
		fmt.Fprintf(e.stderr, "wrote %s\n", path)
	}
	return nil
}

func runDisagreements(e *env, args []string, sc *scope, undecided, all bool) error {
	if len(args) != 0 {
		return usagef("disagreements takes no arguments")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	req, err := sc.request(e, lib)
	if err != nil {
		return err
	}
	rep, err := lib.Disagreements(e.ctx, index.PassageRequest{AgreementRequest: req, Consensus: sc.consensus, Agreed: all})
	if err != nil {
		return err
	}
	if undecided {
		kept := []index.Passage{}
		for _, p := range rep.Passages {
			if p.Decision == nil {
				kept = append(kept, p)
			}
		}
		rep.Passages = kept
	}
	return e.emit(rep, func(w io.Writer) {
		for _, p := range rep.Passages {
			printPassage(w, p)
		}
		fmt.Fprintf(w, "%d disagreements of %s by %s units, %d decided by %s\n", rep.Disagreements, strings.Join(rep.Coders, ", "), rep.Unit, rep.Resolved, rep.Consensus)
	})
}

func printPassage(w io.Writer, p index.Passage) {
	state := "DIFFER on " + strings.Join(p.Differ, "; ")
	if p.Agreed {
		state = "agreed"
	}
	fmt.Fprintf(w, "%s  %s, %s — %s\n", p.ID, oneLine(shortName(p.Title, 60)), index.PageLabel(p.PrintedPage, p.Page), state)
	fmt.Fprintf(w, "    “%s”\n", oneLine(shortName(p.Quote, 200)))
	for _, c := range p.Codings {
		what := strings.Join(c.Themes, "; ")
		switch {
		case c.Missing:
			what = "(did not code the document)"
		case what == "":
			what = "(nothing)"
		}
		fmt.Fprintf(w, "    %-16s %s\n", c.Coder+":", what)
		if p.Unit == index.UnitCharacter {
			for _, a := range c.Annotations {
				fmt.Fprintf(w, "        annotation %d [%d–%d] %s\n", a.ID, a.Start, a.End, strings.Join(a.Themes, "; "))
			}
		}
	}
	if d := p.Decision; d != nil {
		who := "none"
		if len(d.Accepted) > 0 {
			who = strings.Join(d.Accepted, " and ")
		}
		fmt.Fprintf(w, "    decided by %s: accepted %s\n", d.Coder, who)
	}
}

func runConsensus(e *env, args []string, sc *scope, accept stringList, none, agreed bool) error {
	switch {
	case agreed && (len(args) > 0 || len(accept) > 0 || none):
		return usagef("--agreed takes no PASSAGE_ID and no --accept")
	case !agreed && len(args) != 1:
		return usagef("consensus needs one PASSAGE_ID (see `rapport disagreements`), or --agreed")
	case !agreed && len(accept) == 0 && !none:
		return usagef("say whose coding to accept: --accept CODER (or several), or --accept-none")
	case len(accept) > 0 && none:
		return usagef("--accept and --accept-none exclude each other")
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	req, err := sc.request(e, lib)
	if err != nil {
		return err
	}
	pr := index.PassageRequest{AgreementRequest: req, Consensus: sc.consensus}
	if agreed {
		n, err := lib.AcceptAgreed(e.ctx, pr)
		if err != nil {
			return err
		}
		return e.emit(map[string]any{"accepted": n, "consensus": sc.consensus}, func(w io.Writer) {
			fmt.Fprintf(w, "%d agreed passages copied to %s (one step: `rapport undo` takes them away)\n", n, sc.consensus)
		})
	}
	var coders []string
	for _, a := range accept {
		for _, part := range strings.Split(a, ",") {
			if p := strings.TrimSpace(part); p != "" {
				coders = append(coders, p)
			}
		}
	}
	res, err := lib.Consensus(e.ctx, index.ConsensusRequest{PassageRequest: pr, Passage: args[0], Accept: coders})
	if err != nil {
		return err
	}
	return e.emit(res, func(w io.Writer) {
		fmt.Fprintf(w, "%s\n", res.Step)
		for _, a := range res.Added {
			printAnnotation(w, a)
		}
		if res.Replaced > 0 {
			fmt.Fprintf(w, "replaced %d annotations of the earlier decision\n", res.Replaced)
		}
		fmt.Fprintf(w, "%d disagreements left undecided\n", res.Remaining)
	})
}

// coderResult is the JSON of `rapport coder`.
type coderResult struct {
	Coder  string `json:"coder"`
	Source string `json:"source"` // flag, environment, preference or login
	File   string `json:"preference_file"`
}

func runCoder(e *env, args []string, clear bool) error {
	if len(args) > 1 {
		return usagef("coder takes at most one NAME (quote a name with spaces)")
	}
	if len(args) == 1 || clear {
		name := ""
		if len(args) == 1 {
			name = strings.TrimSpace(args[0])
			if err := index.CheckCoderName(name); err != nil {
				return usagef("%v", err)
			}
		}
		if err := coderpref.Save(name); err != nil {
			return err
		}
	}
	name, source, err := coderpref.Resolve("")
	if err != nil {
		return err
	}
	path, _ := coderpref.Path()
	res := coderResult{Coder: name, Source: source, File: path}
	return e.emit(res, func(w io.Writer) {
		why := map[string]string{
			coderpref.SourceEnv:        "from RAPPORT_CODER",
			coderpref.SourcePreference: "your preference, in " + path,
			coderpref.SourceLogin:      "your login name; `rapport coder NAME` sets another",
		}[source]
		fmt.Fprintf(w, "coding as %s (%s)\n", name, why)
	})
}

func runCoders(e *env, args []string) error {
	if len(args) != 0 {
		return usagef("coders takes no arguments")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	list, err := lib.Coders(e.ctx)
	if err != nil {
		return err
	}
	return e.emit(list, func(w io.Writer) {
		for _, c := range list {
			kind := ""
			if c.Consensus {
				kind = " (consensus)"
			}
			fmt.Fprintf(w, "%-24s %5d annotations %4d notes%s\n", c.Name, c.Annotations, c.Notes, kind)
		}
		fmt.Fprintf(w, "%d coders\n", len(list))
	})
}

// isProjectFile tells a REFI-QDA project (.qdpx, .qde) from a library
// folder.
func isProjectFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".qdpx", ".qde":
		return true
	}
	return false
}

// mergeProject merges a REFI-QDA project: what it could not read is said
// on standard error (and is in no coding merged).
func mergeProject(e *env, lib *index.Library, path string, opts index.MergeOptions) (*index.MergeReport, error) {
	p, err := export.ReadProjectFile(path)
	if err != nil {
		return nil, err
	}
	for _, pr := range p.Problems {
		fmt.Fprintf(e.stderr, "%s: not read: %s\n", filepath.Base(path), pr)
	}
	return lib.MergeFrom(e.ctx, export.MergeSourceOf(p, path), opts)
}
