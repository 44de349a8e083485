package main

import (
	"flag"
	"fmt"
	"image/png"
	"io"
	"strconv"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/atomicfile"
)

func init() {
	register(&command{name: "render", args: "ID --page N [--dpi D] [--highlights] -o FILE.png",
		summary: "draw a page of a PDF as the page view shows it (with its coded passages when asked)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			page := fs.Int("page", 0, "the page (1-based)")
			out := fs.String("o", "", "the PNG file to write")
			var opts index.RenderOptions
			fs.Float64Var(&opts.DPI, "dpi", 96, "resolution in dots per inch")
			fs.BoolVar(&opts.Highlights, "highlights", false, "draw the page's annotations in their themes' colours")
			return func(e *env, args []string) error { return runRender(e, args, *page, *out, opts) }
		}})
}

func runRender(e *env, args []string, page int, out string, opts index.RenderOptions) error {
	if out == "" {
		return usagef("render needs -o FILE.png")
	}
	if page < 1 {
		return usagef("render needs --page N (from 1)")
	}
	if opts.DPI <= 0 || opts.DPI > 1200 {
		return usagef("--dpi %s: give a resolution from 1 to 1200", strconv.FormatFloat(opts.DPI, 'g', -1, 64))
	}
	lib, id, err := e.documentArgs(args, 1, "render takes a document id", true)
	if err != nil {
		return err
	}
	r, err := lib.RenderPage(e.ctx, id, page, opts)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(out, 0o644, func(w io.Writer) error { return png.Encode(w, r.Image) }); err != nil {
		return fmt.Errorf("render: write %s: %w", out, err)
	}
	b := r.Image.Bounds()
	return e.emit(map[string]any{"file": out, "page": page, "width": b.Dx(), "height": b.Dy(), "dpi": r.DPI},
		func(w io.Writer) {
			fmt.Fprintf(w, "page %d of document %d: %s (%d×%d px at %g dpi)\n", page, id, out, b.Dx(), b.Dy(), r.DPI)
		})
}
