package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rapport-qda/rapport/index"
)

// OCR of scanned documents: `rapport ocr`, and the reading of the scans an
// import brings (cmd_library.go).

func init() {
	register(&command{name: "ocr", args: "[ID...] [--lang L] [--force] [--default-lang L]",
		summary: "read scanned pages with Tesseract (all documents waiting for it when no ID is given); --force reads pages again and re-anchors annotations",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var opts index.OCROptions
			fs.StringVar(&opts.Lang, "lang", "", "language(s) to read these documents in, Tesseract codes joined by + (eng+swe); kept as the documents' own")
			fs.BoolVar(&opts.Force, "force", false, "read pages read before again")
			fs.IntVar(&opts.Workers, "workers", 0, "Tesseract processes at once (default: one per core)")
			var def string
			fs.StringVar(&def, "default-lang", "", "set the library's OCR language (eng+swe) before reading")
			fs.StringVar(&def, "ocr-lang", "", "same as --default-lang")
			return func(e *env, args []string) error { return runOCR(e, args, opts, def) }
		}})
}

func runOCR(e *env, args []string, opts index.OCROptions, defaultLang string) error {
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
	if defaultLang != "" {
		if err := lib.SetOCRLanguage(e.ctx, defaultLang); err != nil {
			return err
		}
	}
	rep, err := readScans(e, lib, ids, opts)
	if err != nil {
		return err
	}
	lang, _ := lib.OCRLanguage(e.ctx)
	out := struct {
		*index.OCRReport
		DefaultLang string `json:"default_lang"`
	}{rep, lang}
	e.failed = len(rep.Failed) > 0
	return e.emit(out, func(w io.Writer) {
		printOCRReport(w, rep)
		if len(rep.Documents) == 0 && len(rep.Failed) == 0 {
			fmt.Fprintf(w, "no scanned pages waiting to be read (library OCR language: %s)\n", lang)
		}
	})
}

// readScans runs OCR with progress on stderr (unless --json); Ctrl-C stops
// it, keeping the pages read.
func readScans(e *env, lib *index.Library, ids []int64, opts index.OCROptions) (*index.OCRReport, error) {
	if !e.json {
		opts.Progress = func(p index.OCRProgress) {
			if p.Total == 0 {
				return
			}
			if p.DocID == 0 {
				fmt.Fprintf(e.stderr, "OCR: %d pages to read with Tesseract (Ctrl-C stops; `rapport ocr` goes on later)\n", p.Total)
				return
			}
			fmt.Fprintf(e.stderr, "\rOCR [%d/%d] document %d page %d: %s\x1b[K", p.Done, p.Total, p.DocID, p.Page, shorten(oneLine(p.Title), 40))
			if p.Done == p.Total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	rep, err := lib.OCR(e.ctx, ids, opts)
	if errors.Is(err, index.ErrOCRUnavailable) {
		return nil, fmt.Errorf("%s", index.OCRInstallHint)
	}
	if err != nil && rep != nil && e.ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "\nOCR stopped; the pages read are kept, `rapport ocr` reads the rest")
	}
	return rep, err
}

func printOCRReport(w io.Writer, rep *index.OCRReport) {
	for _, d := range rep.Documents {
		state := "finished"
		if !d.Finished {
			state = "not finished"
		}
		fmt.Fprintf(w, "read      %4d  %s — %d pages, %d words (mean confidence %.0f, %d uncertain), %s; %s, Tesseract %s\n",
			d.ID, oneLine(d.Title), d.Pages, d.Words, d.MeanConf, d.Uncertain, d.Lang, state, rep.Tesseract)
		for _, pe := range d.PageErrors {
			fmt.Fprintf(w, "  FAILED  %s\n", pe)
		}
		if d.Moved+d.Orphaned > 0 {
			fmt.Fprintf(w, "  annotations: %d moved, %d orphaned\n", d.Moved, d.Orphaned)
		}
	}
	for _, f := range rep.Failed {
		fmt.Fprintf(w, "FAILED    %4d  %s\n", f.ID, f.Error)
	}
}

// ocrAfterImport reads the scans an import brought (the documents whose
// pages wait for OCR), unless noOCR. Without Tesseract it says in one line
// how to install it; the import has succeeded all the same.
func ocrAfterImport(e *env, lib *index.Library, rep *index.ImportReport, lang string, noOCR bool) (*index.OCRReport, string) {
	var ids []int64
	pages := 0
	for _, it := range rep.Imported {
		if it.Scanned > 0 {
			ids = append(ids, it.ID)
			pages += it.Scanned
		}
	}
	if len(ids) == 0 {
		return nil, ""
	}
	if lang != "" {
		for _, id := range ids {
			if err := lib.SetDocumentOCRLanguage(e.ctx, id, lang); err != nil {
				return nil, err.Error()
			}
		}
	}
	if noOCR {
		return nil, fmt.Sprintf("%d scanned pages in %d documents not read (--no-ocr): `rapport ocr` reads them", pages, len(ids))
	}
	ocr, err := readScans(e, lib, ids, index.OCROptions{})
	if err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "scanned, not read") {
			msg = fmt.Sprintf("%d pages in %d documents %s", pages, len(ids), msg)
		}
		return ocr, msg
	}
	return ocr, ""
}
