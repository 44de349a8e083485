package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rapport-qda/rapport/index"
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
