package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/index"
)

// The codebook commands: `rapport themes` and its subcommands.

func init() {
	register(&command{name: "themes",
		args:    "[add NAME | rename OLD NEW | merge A B | delete NAME | recolor NAME #RRGGBB | describe NAME TEXT | move NAME]",
		summary: "list the codebook, or change it: add, rename, merge A into B, delete (--move-to OTHER or --remove-annotations), recolor, describe, move (--parent P)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var o themeOpts
			fs.StringVar(&o.parent, "parent", "", "add/move: the parent theme (move: \"\" for the top level)")
			fs.StringVar(&o.description, "description", "", "add: the theme's description")
			fs.StringVar(&o.color, "color", "", "add: the theme's colour, #RRGGBB (default: an unused one)")
			fs.StringVar(&o.moveTo, "move-to", "", "delete: code the theme's annotations with this theme instead")
			fs.BoolVar(&o.remove, "remove-annotations", false, "delete: delete the annotations coded only with this theme (others just lose it)")
			return func(e *env, args []string) error {
				fs.Visit(func(f *flag.Flag) {
					if f.Name == "parent" {
						o.parentSet = true
					}
				})
				return runThemes(e, args, o)
			}
		}, writes: true})
}

type themeOpts struct {
	parent, description, color, moveTo string
	parentSet, remove                  bool
}

func runThemes(e *env, args []string, o themeOpts) error {
	if len(args) == 0 {
		return listThemes(e)
	}
	sub, rest := args[0], args[1:]
	want := func(n int, names string) error {
		if len(rest) != n {
			return usagef("themes %s needs %s", sub, names)
		}
		return nil
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	ctx := e.ctx
	switch sub {
	case "add":
		if err := want(1, "a NAME"); err != nil {
			return err
		}
		t, err := lib.AddTheme(ctx, index.Theme{Name: rest[0], Parent: o.parent, Description: o.description, Color: o.color})
		if err != nil {
			return err
		}
		return emitTheme(e, t, "added")
	case "rename":
		if err := want(2, "OLD and NEW names"); err != nil {
			return err
		}
		t, err := lib.RenameTheme(ctx, rest[0], rest[1])
		if err != nil {
			return err
		}
		return emitTheme(e, t, "renamed")
	case "merge":
		if err := want(2, "A and B: merge theme A into theme B (A's annotations move to B, A is removed)"); err != nil {
			return err
		}
		t, err := lib.MergeThemes(ctx, rest[0], rest[1])
		if err != nil {
			return err
		}
		return emitTheme(e, t, fmt.Sprintf("merged %q into", rest[0]))
	case "delete":
		if err := want(1, "a NAME"); err != nil {
			return err
		}
		res, err := lib.DeleteTheme(ctx, rest[0], index.DeleteThemeOptions{MoveTo: o.moveTo, RemoveAnnotations: o.remove})
		var inUse *index.ThemeInUseError
		if errors.As(err, &inUse) {
			return fmt.Errorf("theme %q codes %d annotation(s); nothing was deleted. Say what happens to them: --move-to OTHER codes them with another theme, --remove-annotations deletes them", inUse.Theme, inUse.Annotations)
		}
		if err != nil {
			return err
		}
		return e.emit(res, func(w io.Writer) {
			fmt.Fprintf(w, "deleted theme %q", res.Theme)
			if o.moveTo != "" {
				fmt.Fprintf(w, "; %d annotation(s) moved to %q", res.Moved, o.moveTo)
			}
			if o.remove {
				fmt.Fprintf(w, "; %d annotation(s) removed, %d kept with their other themes", res.Removed, res.Uncoded)
			}
			fmt.Fprintln(w)
		})
	case "recolor", "recolour":
		if err := want(2, "NAME and #RRGGBB"); err != nil {
			return err
		}
		t, err := lib.UpdateTheme(ctx, rest[0], index.ThemeUpdate{Color: &rest[1]})
		if err != nil {
			return err
		}
		return emitTheme(e, t, "recoloured")
	case "describe":
		if len(rest) < 2 {
			return usagef("themes describe needs NAME and the description")
		}
		d := strings.Join(rest[1:], " ")
		t, err := lib.UpdateTheme(ctx, rest[0], index.ThemeUpdate{Description: &d})
		if err != nil {
			return err
		}
		return emitTheme(e, t, "described")
	case "move":
		if err := want(1, "a NAME (and --parent P, or --parent \"\" for the top level)"); err != nil {
			return err
		}
		if !o.parentSet {
			return usagef("themes move needs --parent P (--parent \"\" moves the theme to the top level)")
		}
		t, err := lib.UpdateTheme(ctx, rest[0], index.ThemeUpdate{Parent: &o.parent})
		if err != nil {
			return err
		}
		return emitTheme(e, t, "moved")
	}
	return usagef("unknown themes subcommand %q (add, rename, merge, delete, recolor, describe, move)", sub)
}

func emitTheme(e *env, t index.Theme, verb string) error {
	return e.emit(t, func(w io.Writer) {
		where := "at the top level"
		if t.Parent != "" {
			where = "under " + t.Parent
		}
		fmt.Fprintf(w, "%s theme %d %q (%s, %s)\n", verb, t.ID, t.Name, t.Color, where)
	})
}

func listThemes(e *env) error {
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	themes, err := lib.Themes(e.ctx)
	if err != nil {
		return err
	}
	if themes == nil {
		themes = []index.Theme{}
	}
	return e.emit(themes, func(w io.Writer) {
		for _, t := range themes {
			flags := ""
			if t.Provisional {
				flags += " (provisional name)"
			}
			if t.Source != "" {
				flags += " [" + t.Source + "]"
			}
			name := strings.Repeat("  ", t.Depth) + t.Name
			if pad := 62 - utf8.RuneCountInString(name); pad > 0 {
				name += strings.Repeat(" ", pad)
			}
			count := fmt.Sprint(t.Count)
			if t.TotalCount != t.Count {
				count = fmt.Sprintf("%d (%d with sub-themes)", t.Count, t.TotalCount)
			}
			fmt.Fprintf(w, "%s %s %4s%s\n", name, t.Color, count, flags)
		}
		fmt.Fprintf(w, "%d themes\n", len(themes))
	})
}
