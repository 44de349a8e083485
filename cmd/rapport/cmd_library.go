package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/gctune"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

func init() {
	register(&command{name: "import", args: "PATH... [--password P] [--no-highlights] [--ocr-lang L] [--no-ocr]", summary: "import PDFs (with the highlights and notes made in them), text and metadata files or folders (recursively); scans are then read with Tesseract",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			password := fs.String("password", "", "password of encrypted PDFs that need one (used once, never stored)")
			noHighlights := fs.Bool("no-highlights", false, "leave the highlights, comments and ink made in the PDFs out")
			lang := fs.String("ocr-lang", "", "language(s) of the scans imported, Tesseract codes joined by + (eng+swe); default: the library's")
			noOCR := fs.Bool("no-ocr", false, "import scans without reading them (`rapport ocr` reads them later)")
			return func(e *env, args []string) error { return runImport(e, args, *password, *noHighlights, *lang, *noOCR) }
		}, writes: true})
	register(&command{name: "docs", args: "", summary: "list the library's documents",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runDocs }})
	register(&command{name: "show", args: "ID", summary: "show one document's metadata",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runShow }})
	register(&command{name: "text", args: "ID [--page N]", summary: "print a document's stored text",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			page := fs.Int("page", 0, "only this page (1-based)")
			return func(e *env, args []string) error {
				if flagSet(fs, "page") && *page < 1 {
					return usagef("--page %d: pages are numbered from 1", *page)
				}
				return runText(e, args, *page)
			}
		}})
	register(&command{name: "extract", plainInterrupt: true, args: "FILE.pdf [--password P] [--engine native|pdfium]", summary: "extract a PDF's text without importing it",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var opts importer.ExtractOptions
			fs.StringVar(&opts.Password, "password", "", "password of an encrypted PDF that needs one (never stored)")
			fs.StringVar(&opts.Engine, "engine", "", "force a PDF engine: native or pdfium (default: the best reading)")
			return func(e *env, args []string) error { return runExtract(e, args, opts) }
		}})
	register(&command{name: "set", args: "ID FIELD VALUE [FIELD VALUE...]", summary: "correct metadata fields (one undoable step, kept through re-imports); fields: " + strings.Join(index.MetadataFields, ", "),
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runSet }, writes: true})
	register(&command{name: "remove", args: "ID...", summary: "remove documents with their annotations and notes (`rapport undo` brings them back)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runRemove }, writes: true})
	register(&command{name: "reindex", args: "", summary: "rebuild the search index from the library database",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runReindex }})
	register(&command{name: "check", args: "[--repair] [--verify-files]", summary: "check database, files and index; --repair rebuilds the index",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var opts index.CheckOptions
			fs.BoolVar(&opts.Repair, "repair", false, "rebuild the search index when it is damaged or behind")
			fs.BoolVar(&opts.VerifyFiles, "verify-files", false, "hash every stored original")
			return func(e *env, args []string) error { return runCheck(e, args, opts) }
		}})
}

// importHandlers are the readers of file kinds the library does not read
// itself (REFI-QDA projects and codebooks), registered by their commands.
var importHandlers = map[importer.Kind]func(e *env) index.ImportHandler{}

func runImport(e *env, args []string, password string, noHighlights bool, ocrLang string, noOCR bool) error {
	if len(args) == 0 {
		return usagef("nothing to import: name files or folders")
	}
	if ocrLang != "" && !tesseract.ValidLang(ocrLang) {
		return usagef("--ocr-lang %q: use Tesseract's codes joined by +, such as eng or eng+swe", ocrLang)
	}
	defer gctune.ForBulk()()
	lib, err := e.createLibrary()
	if err != nil {
		return err
	}
	opts := &index.ImportOptions{Handlers: map[importer.Kind]index.ImportHandler{}, Password: password, NoHighlights: noHighlights}
	for k, h := range importHandlers {
		opts.Handlers[k] = h(e)
	}
	if !e.json {
		opts.Progress = func(p index.ImportProgress) {
			e.progressLine(fmt.Sprintf("[%d/%d] %s", p.Done, p.Total, shorten(p.File, 60)), p.Done == p.Total)
		}
	}
	rep, err := lib.Import(e.ctx, args, opts)
	if rep != nil {
		e.failed = len(rep.Failed) > 0 || len(rep.RecordsSkipped) > 0
		out := struct {
			importJSON
			OCR     *index.OCRReport `json:"ocr,omitempty"`
			OCRNote string           `json:"ocr_note,omitempty"`
		}{importJSON: importJSON{ImportReport: rep, REFI: e.refi}}
		if err == nil {
			out.OCR, out.OCRNote = ocrAfterImport(e, lib, rep, ocrLang, noOCR)
		}
		if perr := e.emit(out, func(w io.Writer) {
			printImportReport(w, rep)
			if out.OCR != nil {
				printOCRReport(w, out.OCR)
			}
		}); perr != nil && err == nil {
			err = perr
		}
		if out.OCRNote != "" {
			fmt.Fprintln(e.stderr, "rapport:", out.OCRNote)
		}
	}
	return err
}

// importJSON is import's JSON: the import report, and the report of each
// REFI-QDA project or codebook it applied (under "refi").
type importJSON struct {
	*index.ImportReport
	REFI []refiFileReport `json:"refi,omitempty"`
}

func printImportReport(w io.Writer, rep *index.ImportReport) {
	for _, it := range rep.Imported {
		fmt.Fprintf(w, "imported  %4d  %s — %s (%d pages%s)\n", it.ID, it.File, oneLine(it.Title), it.Pages, doiSuffix(it.DOI))
	}
	for _, it := range rep.Updated {
		fmt.Fprintf(w, "updated   %4d  %s — %s%s\n", it.ID, it.File, oneLine(it.Title), doiSuffix(it.DOI))
	}
	for _, it := range rep.Unchanged {
		fmt.Fprintf(w, "unchanged %4d  %s (already in the library)\n", it.ID, it.File)
	}
	for _, it := range rep.Restored {
		fmt.Fprintf(w, "restored  %4d  %s (already in the library, but its stored original was missing: put back)\n", it.ID, it.File)
	}
	for _, f := range metadataFiles(rep) {
		var why []string
		for _, s := range f.skipped {
			where := ""
			if s.Line > 0 {
				where = fmt.Sprintf("line %d: ", s.Line)
			}
			why = append(why, where+s.Error)
		}
		fmt.Fprintf(w, "%s: %d records imported, %d skipped (%s)\n", f.file, f.read, len(f.skipped), strings.Join(why, "; "))
	}
	for _, s := range rep.SkippedFiles {
		fmt.Fprintf(w, "skipped         %s (%s)\n", s.File, s.Reason)
	}
	for _, f := range rep.Failed {
		fmt.Fprintf(w, "FAILED          %s\n", f.Error)
	}
	restored := ""
	if len(rep.Restored) > 0 {
		restored = fmt.Sprintf(", %d restored", len(rep.Restored))
	}
	records := ""
	switch n := len(rep.RecordsSkipped); {
	case n == 1:
		records = ", 1 bad record skipped"
	case n > 1:
		records = fmt.Sprintf(", %d bad records skipped", n)
	}
	fmt.Fprintf(w, "%d imported, %d updated, %d unchanged%s, %d failed, %d skipped%s\n",
		len(rep.Imported), len(rep.Updated), len(rep.Unchanged), restored, len(rep.Failed), len(rep.Skipped), records)
	if len(rep.Highlights) > 0 {
		printHighlightReports(w, rep.Highlights)
	}
}

// metadataFile is what an import read from one metadata file with bad
// records: how many records it imported or updated, and which it skipped.
type metadataFile struct {
	file    string
	read    int
	skipped []index.RecordSkip
}

func metadataFiles(rep *index.ImportReport) []metadataFile {
	var out []metadataFile
	at := map[string]int{}
	for _, s := range rep.RecordsSkipped {
		i, ok := at[s.File]
		if !ok {
			i = len(out)
			at[s.File] = i
			out = append(out, metadataFile{file: s.File})
		}
		out[i].skipped = append(out[i].skipped, s)
	}
	for _, items := range [][]index.ImportItem{rep.Imported, rep.Updated} {
		for _, it := range items {
			if i, ok := at[it.File]; ok {
				out[i].read++
			}
		}
	}
	return out
}

func doiSuffix(doi string) string {
	if doi == "" {
		return ""
	}
	return ", doi " + doi
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

// docSummary is the JSON shape of `rapport docs`.
type docSummary struct {
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Authors     []string `json:"authors"`
	Year        int      `json:"year"`
	Journal     string   `json:"journal"`
	DOI         string   `json:"doi"`
	Pages       int      `json:"pages"`
	File        string   `json:"file"`
	Kind        string   `json:"kind"`
	Path        string   `json:"path"`
	Annotations int      `json:"annotations"`
	// OCRPending counts scanned pages not read yet ("scanned, not read").
	OCRPending int `json:"ocr_pending,omitempty"`
}

func runDocs(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("docs takes no arguments")
	}
	lib, err := e.readLibrary()
	if err != nil {
		return err
	}
	docs, err := lib.Documents(e.ctx)
	if err != nil {
		return err
	}
	out := make([]docSummary, 0, len(docs))
	for _, d := range docs {
		s := docSummary{ID: d.ID, Title: d.Title, Authors: []string{}, Year: d.Year, Journal: d.Journal, DOI: d.DOI,
			Pages: d.PageCount, File: d.FileName, Kind: d.Kind, Path: lib.FilePath(d), Annotations: d.AnnotationCount, OCRPending: d.OCRPending}
		for _, a := range d.Authors {
			s.Authors = append(s.Authors, a.Name())
		}
		out = append(out, s)
	}
	return e.emit(out, func(w io.Writer) {
		for _, s := range out {
			year := ""
			if s.Year > 0 {
				year = fmt.Sprintf(" (%d)", s.Year)
			}
			scan := ""
			if s.OCRPending > 0 {
				scan = fmt.Sprintf(" (%d pages scanned, not read)", s.OCRPending)
			}
			fmt.Fprintf(w, "%4d  %s%s — %s [%d pages]%s\n", s.ID, oneLine(s.Title), year, strings.Join(s.Authors, ", "), s.Pages, scan)
		}
	})
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("%q is not a document id (a whole number, see `rapport docs`)", s)
	}
	return id, nil
}

// documentArgs checks that args holds exactly n arguments, the first a
// document id, and opens the library (to read only, when read).
func (e *env) documentArgs(args []string, n int, usage string, read bool) (*index.Library, int64, error) {
	if len(args) != n {
		return nil, 0, usagef("%s", usage)
	}
	id, err := parseID(args[0])
	if err != nil {
		return nil, 0, err
	}
	open := e.library
	if read {
		open = e.readLibrary
	}
	lib, err := open()
	return lib, id, err
}

func runShow(e *env, args []string) error {
	lib, id, err := e.documentArgs(args, 1, "show takes one document id", true)
	if err != nil {
		return err
	}
	d, err := lib.Document(e.ctx, id)
	if err != nil {
		return err
	}
	numbers, err := lib.PageNumbers(e.ctx, id)
	if err != nil {
		return err
	}
	out := shownDocument{Document: d, PageNumbers: numbers}
	return e.emit(out, func(w io.Writer) {
		row := func(k, v string) {
			if v != "" && v != "0" {
				fmt.Fprintf(w, "%-16s %s\n", k+":", v)
			}
		}
		row("id", strconv.FormatInt(d.ID, 10))
		row("title", d.Title)
		row("also titled", strings.Join(d.AltTitles, " | "))
		var names []string
		for _, a := range d.Authors {
			names = append(names, a.Name())
		}
		row("authors", strings.Join(names, "; "))
		row("type", d.Type)
		row("year", strconv.Itoa(d.Year))
		row("date", d.Date)
		row("journal", d.Journal)
		row("volume", d.Volume)
		row("issue", d.Issue)
		row("pages", d.Pages)
		row("number", d.Number)
		row("edition", d.Edition)
		var editors []string
		for _, a := range d.Editors {
			editors = append(editors, a.Name())
		}
		row("editors", strings.Join(editors, "; "))
		row("publisher", d.Publisher)
		row("doi", d.DOI)
		row("url", d.URL)
		row("language", d.Language)
		row("citations", strconv.Itoa(d.CitationCount))
		row("set by hand", strings.Join(d.UserFields, ", "))
		row("file", d.FileName)
		row("kind", d.Kind)
		row("page count", strconv.Itoa(d.PageCount))
		row("engine", d.Engine)
		if d.OCRPages > 0 {
			lang := d.OCRLang
			if lang == "" {
				lang = "the library's language"
			}
			row("OCR", fmt.Sprintf("%d pages read from the scan (%s)", d.OCRPages, lang))
		}
		if d.OCRPending > 0 {
			row("scanned", fmt.Sprintf("%d pages not read yet: `rapport ocr %d`", d.OCRPending, d.ID))
		}
		row("annotations", strconv.Itoa(d.AnnotationCount))
		row("imported", d.ImportedAt.Format("2006-01-02 15:04"))
		printProvenance(w, d, numbers)
		if d.Abstract != "" {
			fmt.Fprintf(w, "\n%s\n", d.Abstract)
		}
	})
}

func runText(e *env, args []string, page int) error {
	lib, id, err := e.documentArgs(args, 1, "text takes one document id", true)
	if err != nil {
		return err
	}
	var pages []index.Page
	if page != 0 {
		p, err := lib.PageText(e.ctx, id, page)
		if err != nil {
			return err
		}
		pages = []index.Page{p}
	} else if pages, err = lib.Pages(e.ctx, id); err != nil {
		return err
	}
	d, err := lib.Document(e.ctx, id)
	if err != nil {
		return err
	}
	type pageJSON struct {
		Page        int    `json:"page"`
		Label       string `json:"label,omitempty"`
		Text        string `json:"text"`
		PrintedPage string `json:"printed_page"` // the number printed on the page, as cited
		// For scanned pages: how OCR read them, and the spans of the
		// words read with low confidence.
		Scanned   bool           `json:"scanned,omitempty"`
		OCR       *index.PageOCR `json:"ocr,omitempty"`
		Uncertain [][2]int       `json:"uncertain,omitempty"`
	}
	out := struct {
		ID    int64      `json:"id"`
		Pages []pageJSON `json:"pages"`
	}{ID: id, Pages: []pageJSON{}}
	for _, p := range pages {
		printed, _ := d.Numbering().PrintedPage(p.Number, p.Label, p.Printed)
		out.Pages = append(out.Pages, pageJSON{p.Number, p.Label, p.Text, printed, p.Scanned, p.OCR, p.Uncertain})
	}
	return e.emit(out, func(w io.Writer) {
		for i, p := range pages {
			if len(pages) > 1 {
				if i > 0 {
					fmt.Fprintln(w)
				}
				if pj := out.Pages[i]; pj.PrintedPage != strconv.Itoa(p.Number) {
					fmt.Fprintf(w, "--- page %d (printed %s) ---\n", p.Number, pj.PrintedPage)
				} else {
					fmt.Fprintf(w, "--- page %d ---\n", p.Number)
				}
			}
			fmt.Fprintln(w, p.Text)
		}
	})
}

func runExtract(e *env, args []string, opts importer.ExtractOptions) error {
	if len(args) != 1 {
		return usagef("extract takes one PDF file")
	}
	switch opts.Engine {
	case "", importer.EngineNative, importer.EnginePDFium:
	default:
		return usagef("unknown engine %q: use native or pdfium", opts.Engine)
	}
	defer gctune.ForOneOff()()
	// One document, the process's only work: its pages are laid out on
	// every core.
	opts.Workers = runtime.GOMAXPROCS(0)
	data, err := os.ReadFile(args[0])
	if err != nil {
		return fmt.Errorf("extract %s: %w", args[0], err)
	}
	ex, err := importer.ExtractPDFWith(e.ctx, data, opts)
	if err != nil {
		return fmt.Errorf("extract %s: %w", args[0], err)
	}
	return e.emit(ex, func(w io.Writer) {
		fmt.Fprintf(w, "title: %s\ndoi:   %s\npages: %d\nengine: %s\n", ex.Title, ex.DOI, len(ex.Pages), ex.Engine)
		for _, p := range ex.Pages {
			fmt.Fprintf(w, "\n--- page %d ---\n%s\n", p.Number, p.Text)
		}
	})
}

func runSet(e *env, args []string) error {
	if len(args) < 3 || len(args)%2 == 0 {
		return usagef("set takes a document id, then a field and a value (or several pairs): rapport set 7 authors \"Doe, Jane; Roe, Rich\" year 2016")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	var values []index.FieldValue
	var names []string
	for i := 1; i < len(args); i += 2 {
		values = append(values, index.FieldValue{Field: args[i], Value: args[i+1]})
		names = append(names, args[i])
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	if err := lib.SetMetadata(e.ctx, id, values); err != nil {
		return err
	}
	d, err := lib.Document(e.ctx, id)
	if err != nil {
		return err
	}
	numbers, err := lib.PageNumbers(e.ctx, id)
	if err != nil {
		return err
	}
	out := shownDocument{Document: d, PageNumbers: numbers}
	return e.emit(out, func(w io.Writer) {
		fmt.Fprintf(w, "document %d: %s set (`rapport undo` reverts it)\n", id, strings.Join(names, ", "))
	})
}
func runRemove(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("remove takes one or more document ids (see `rapport docs`)")
	}
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
	rep, err := lib.RemoveDocuments(e.ctx, ids)
	if err != nil {
		return err
	}
	return e.emit(rep, func(w io.Writer) {
		for _, r := range rep.Removed {
			title := r.Title
			if title == "" {
				title = r.File
			}
			fmt.Fprintf(w, "removed   %4d  %s (%s, %s)\n", r.ID, oneLine(title), plural(r.Annotations, "annotation"), plural(r.Notes, "note"))
		}
		fmt.Fprintf(w, "%s removed with %s and %s; `rapport undo` brings them back\n",
			plural(len(rep.Removed), "document"), plural(rep.Annotations, "annotation"), plural(rep.Notes, "note"))
	})
}

// plural writes "1 note", "3 notes".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func runReindex(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("reindex takes no arguments")
	}
	defer gctune.ForBulk()()
	lib, err := e.library()
	if err != nil {
		return err
	}
	n := 0
	err = lib.Reindex(e.ctx, func(done, total int) { n = total })
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"reindexed": n}, func(w io.Writer) { fmt.Fprintf(w, "search index rebuilt: %d documents\n", n) })
}

func runCheck(e *env, args []string, opts index.CheckOptions) error {
	if len(args) > 0 {
		return usagef("check takes no arguments")
	}
	lib, err := e.library()
	if err != nil {
		return err
	}
	rep, err := lib.Check(e.ctx, opts)
	if err != nil {
		return err
	}
	e.failed = !rep.OK
	return e.emit(rep, func(w io.Writer) {
		for _, is := range rep.Issues {
			fmt.Fprintf(w, "problem: %s\n    fix: %s\n", is.Problem, is.Fix)
		}
		for _, r := range rep.Repaired {
			fmt.Fprintln(w, "repaired:", r)
		}
		for _, s := range rep.Suspect {
			fmt.Fprintf(w, "suspect: document %d (%s): %s %s (correct it with `rapport set %d %s …`)\n",
				s.DocID, shorten(oneLine(s.Title), 50), s.Field, s.Reason, s.DocID, s.Field)
		}
		status := "ok"
		if !rep.OK {
			status = "PROBLEMS FOUND (each with its fix above)"
		}
		fmt.Fprintf(w, "%d documents, %d pages, %d annotations, %d index entries: %s\n",
			rep.Documents, rep.Pages, rep.Annotations, rep.IndexEntries, status)
		if len(rep.Engines) > 0 {
			fmt.Fprintf(w, "PDFs read by engine: %s\n", engineCounts(rep.Engines))
		}
	})
}

// engineCounts prints {"native": 5, "pdfium": 2} as "native 5, pdfium 2".
func engineCounts(m map[string]int) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// flagSet tells whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
