package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

func init() {
	register(&command{name: "export", args: "--format md|csv|json|csljson|html|qdc|qdpx -o FILE [--theme NAME ...] [--doc ID ...] [--coder NAME] [--bom] | --format pdf --doc ID -o FILE.pdf|DIR [--flatten]",
		summary: "export coded excerpts with APA citations (Markdown, CSV, JSON, CSL-JSON, HTML, REFI-QDA), or a coded copy of a PDF",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var opts exportFlags
			fs.StringVar(&opts.format, "format", "", "md, csv, json, csljson, html, qdc or qdpx (default: from the -o file's extension)")
			fs.StringVar(&opts.output, "o", "", "output file; - writes a text format to standard output")
			fs.Var(&opts.themes, "theme", "only excerpts coded with this theme or a theme under it (repeatable)")
			fs.Var(&opts.docs, "doc", "only this document's excerpts (a document id; repeatable)")
			fs.StringVar(&opts.coder, "coder", "", "only this coder's excerpts")
			fs.BoolVar(&opts.bom, "bom", false, "start a CSV with a UTF-8 byte-order mark (for Excel)")
			fs.BoolVar(&opts.flatten, "flatten", false, "pdf: draw the highlights into the pages (for readers and printers that leave annotations out)")
			fs.StringVar(&opts.password, "password", "", "pdf: password of an encrypted original (never stored)")
			return func(e *env, args []string) error { return runExport(e, args, opts) }
		}})
	importHandlers[importer.KindQDPX] = func(e *env) index.ImportHandler {
		return func(ctx context.Context, lib *index.Library, path string) ([]index.ImportItem, error) {
			p, err := export.ReadProjectFile(path)
			if err != nil {
				return nil, err
			}
			rep, err := export.ApplyProject(ctx, lib, p)
			reportApply(e, path, rep)
			if err != nil {
				return nil, fmt.Errorf("import %s: %w", path, err)
			}
			items := append([]index.ImportItem(nil), rep.Documents...)
			for i := range items {
				items[i].File = path
			}
			return items, nil
		}
	}
	importHandlers[importer.KindQDC] = func(e *env) index.ImportHandler {
		return func(ctx context.Context, lib *index.Library, path string) ([]index.ImportItem, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("import %s: %w", path, err)
			}
			codes, problems, err := export.ReadCodebook(data)
			if err != nil {
				return nil, fmt.Errorf("import %s: %w", path, err)
			}
			rep := export.NewApplyReport()
			rep.Problems = append(rep.Problems, problems...)
			_, err = export.ApplyCodebook(ctx, lib, codes, rep)
			reportApply(e, path, rep)
			if err != nil {
				return nil, fmt.Errorf("import %s: %w", path, err)
			}
			return nil, nil
		}
	}
}

// refiFileReport is what import --json says about one REFI-QDA file it
// applied: the file and export.ApplyReport's fields.
type refiFileReport struct {
	File string `json:"file"`
	*export.ApplyReport
}

// reportApply keeps what a REFI-QDA import mapped for import --json, and
// otherwise tells it on standard error: a summary, how positions were
// read, the codes matched by name or renamed, and line by line what could
// not be mapped.
func reportApply(e *env, path string, rep *export.ApplyReport) {
	if rep == nil {
		return
	}
	if e.json {
		e.refi = append(e.refi, refiFileReport{File: path, ApplyReport: rep})
		return
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", filepath.Base(path), rep.Summary())
	for _, p := range rep.Positions {
		fmt.Fprintf(e.stderr, "  positions of %q read as %s\n", p.Source, p.Unit)
	}
	for _, m := range rep.ThemesMatchedByName {
		fmt.Fprintf(e.stderr, "  matched by name: code %q%s → theme %q\n", m.Code, underParent(m.Parent), m.Theme)
	}
	for _, m := range rep.ThemesRenamed {
		fmt.Fprintf(e.stderr, "  renamed: code %q%s → new theme %q (the codebook has a %q elsewhere)\n", m.Code, underParent(m.Parent), m.Theme, m.Code)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stderr, "  not mapped: %s\n", p)
	}
}

func underParent(parent string) string {
	if parent == "" {
		return " (top level)"
	}
	return fmt.Sprintf(" (under %q)", parent)
}

type exportFlags struct {
	format, output string
	themes         stringList
	docs           stringList
	bom            bool
	flatten        bool
	password       string
	coder          string
}

func runExport(e *env, args []string, opts exportFlags) error {
	if len(args) > 0 {
		return usagef("export takes no arguments (name the output with -o FILE)")
	}
	if opts.output == "" {
		return usagef("name the output file with -o FILE (or -o - for standard output)")
	}
	formatName := opts.format
	if formatName == "" {
		if opts.output == "-" {
			return usagef("give --format when writing to standard output")
		}
		formatName = filepath.Ext(opts.output)
	}
	format, err := export.ParseFormat(formatName)
	if err != nil {
		return usagef("%v", err)
	}
	if format == export.PDF {
		return runExportPDF(e, opts)
	}
	if opts.output == "-" && format.Binary() {
		return usagef("%s is a zip: write it to a file with -o FILE", format)
	}
	filter := export.Filter{Themes: opts.themes, FullText: format == export.QDPX, Coder: opts.coder, AreaImages: format.ShowsAreas()}
	for _, s := range opts.docs {
		id, err := parseID(s)
		if err != nil {
			return err
		}
		filter.DocIDs = append(filter.DocIDs, id)
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	data, err := export.Collect(e.ctx, lib, filter)
	if err != nil {
		return err
	}
	wopts := export.Options{BOM: opts.bom, Warn: func(msg string) { fmt.Fprintln(e.stderr, "rapport export:", msg) }}
	if opts.output == "-" {
		var buf bytes.Buffer
		if err := export.Write(&buf, format, data, wopts); err != nil {
			return err
		}
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	if err := export.WriteFile(opts.output, format, data, wopts); err != nil {
		return err
	}
	cited := len(data.CitedDocuments())
	summary := map[string]any{"file": opts.output, "format": string(format), "excerpts": len(data.Excerpts),
		"documents": len(data.Documents), "cited_documents": cited, "themes": len(data.Themes)}
	return e.emit(summary, func(w io.Writer) {
		fmt.Fprintf(w, "%s: %d excerpts from %d documents, %d themes (%s)\n", opts.output,
			len(data.Excerpts), cited, len(data.Themes), format)
	})
}

// runExportPDF writes coded copies of documents' PDFs: to FILE.pdf for
// one document, into a folder (made if needed) for several.
func runExportPDF(e *env, opts exportFlags) error {
	if len(opts.docs) == 0 {
		return usagef("a coded PDF is a copy of one document: name it with --doc ID (several --doc with -o DIR)")
	}
	if opts.output == "-" {
		return usagef("a coded PDF is a file: write it with -o FILE.pdf")
	}
	var ids []int64
	for _, s := range opts.docs {
		id, err := parseID(s)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	info, statErr := os.Stat(opts.output)
	intoDir := len(ids) > 1 || (statErr == nil && info.IsDir())
	if intoDir {
		if statErr == nil && !info.IsDir() {
			return usagef("several documents go into a folder: -o %s is a file", opts.output)
		}
		if err := os.MkdirAll(opts.output, 0o755); err != nil {
			return fmt.Errorf("export pdf: %w", err)
		}
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	var results []export.PDFResult
	for _, id := range ids {
		path := opts.output
		if intoDir {
			d, err := lib.Document(e.ctx, id)
			if err != nil {
				return err
			}
			path = filepath.Join(opts.output, codedFileName(d))
		}
		res, err := export.WriteCodedPDF(e.ctx, lib, id, path, export.PDFOptions{
			Flatten: opts.flatten, Themes: opts.themes, Password: opts.password,
			Warn: func(msg string) { fmt.Fprintln(e.stderr, "rapport export:", msg) },
		})
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	var out any = results
	if len(results) == 1 {
		out = results[0]
	}
	return e.emit(out, func(w io.Writer) {
		for _, r := range results {
			how := "highlights"
			if r.Flattened {
				how = "highlights drawn into the pages"
			}
			fmt.Fprintf(w, "%s: document %d, %d %s", r.File, r.DocID, r.Highlights, how)
			if r.Skipped > 0 {
				fmt.Fprintf(w, " (%d annotations left out)", r.Skipped)
			}
			fmt.Fprintln(w)
		}
	})
}

// codedFileName names a document's coded copy in a folder: its id and the
// original's name ("12-smith2016-coded.pdf").
func codedFileName(d index.Document) string {
	base := strings.TrimSuffix(filepath.Base(d.FileName), filepath.Ext(d.FileName))
	base = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 32 {
			return '_'
		}
		return r
	}, base)
	if base == "" {
		base = "document"
	}
	return fmt.Sprintf("%d-%s-coded.pdf", d.ID, base)
}
