package index

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/atomicfile"
)

// MaxFileSize is the largest file Import reads.
const MaxFileSize = 1 << 30

// ImportItem is one document an import created, updated or found unchanged.
type ImportItem struct {
	ID    int64  `json:"id"`
	File  string `json:"file"`
	Title string `json:"title"`
	DOI   string `json:"doi"`
	Pages int    `json:"pages"`
	// Scanned counts the pages that are pictures of text with no text of
	// their own, waiting for OCR (Library.OCR).
	Scanned int `json:"scanned_pages,omitempty"`
}

// ImportFailure is a file that could not be imported, and why.
type ImportFailure struct {
	File  string `json:"file"`
	Error string `json:"error"`
	// NeedsPassword: the file is a PDF whose user password is not empty;
	// importing it again with ImportOptions.Password may open it.
	NeedsPassword bool `json:"needs_password,omitempty"`
}

// ImportSkip is a file of an imported folder that was left out, and why.
type ImportSkip struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// RecordSkip is a record of a metadata file that could not be read and was
// left out, while the file's other records were imported.
type RecordSkip struct {
	File   string `json:"file"`
	Record int    `json:"record,omitempty"` // 1-based position in the file; 0 when unknown
	Line   int    `json:"line,omitempty"`   // line where the record starts; 0 when unknown
	Error  string `json:"error"`
}

// ImportReport says what an import did, file by file: every file named or
// found in a named folder is in one of its lists.
type ImportReport struct {
	Imported  []ImportItem    `json:"imported"`
	Updated   []ImportItem    `json:"updated"`
	Unchanged []ImportItem    `json:"unchanged"` // files already in the library
	Failed    []ImportFailure `json:"failed"`
	Skipped   []string        `json:"skipped"` // files in imported folders left out (SkippedFiles says why)
	// SkippedFiles gives the reason for each entry of Skipped.
	SkippedFiles []ImportSkip `json:"skipped_files"`
	// Restored are files already in the library whose stored original was
	// missing: the import put it back.
	Restored []ImportItem `json:"restored"`
	// RecordsSkipped are the unreadable records of metadata files whose
	// other records were imported.
	RecordsSkipped []RecordSkip `json:"records_skipped"`
	// Highlights reports the marks (highlights, comments, ink) read from
	// the PDFs imported that have some (see ImportHighlights).
	Highlights []HighlightReport `json:"highlights,omitempty"`
}

func (rep *ImportReport) skip(path, reason string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	rep.Skipped = append(rep.Skipped, path)
	rep.SkippedFiles = append(rep.SkippedFiles, ImportSkip{File: path, Reason: reason})
}

// ImportProgress is reported after each file.
type ImportProgress struct {
	Done  int    // files finished
	Total int    // files found
	File  string // the file just finished
}

// ImportOptions tune Import.
type ImportOptions struct {
	// Progress, when set, is called after each file, from any goroutine.
	Progress func(ImportProgress)
	// Workers is how many files are extracted at once (default: all cores).
	Workers int
	// Handlers read kinds of file the library itself does not (REFI-QDA
	// projects and codebooks); each returns the items it created.
	Handlers map[importer.Kind]ImportHandler
	// Password opens encrypted PDFs whose user password is not empty. It
	// is used for this import only, never stored.
	Password string
	// NoHighlights leaves the highlights and notes made in the PDFs out
	// (by default they are imported; see ImportHighlights).
	NoHighlights bool
}

// ImportHandler imports one file of a kind the library does not read
// itself, and returns the items it created.
type ImportHandler func(ctx context.Context, l *Library, path string) ([]ImportItem, error)

// Import reads files and folders (recursively) into the library: PDFs and
// text sources become documents, metadata files update or create records.
// A file that fails is reported and the import goes on; nothing stored
// before is lost or changed by a failure. The error is non-nil only when the
// import as a whole could not run (the context ended, the library failed).
func (l *Library) Import(ctx context.Context, paths []string, opts *ImportOptions) (_ *ImportReport, err error) {
	if opts == nil {
		opts = &ImportOptions{}
	}
	if l.readOnly {
		return nil, l.errReadOnly()
	}
	// A handler importing files of its own (the PDFs a REFI-QDA project
	// holds) runs inside this import, which holds the lock already.
	if ctx.Value(importingKey{}) != l {
		l.writeMu.Lock()
		defer l.writeMu.Unlock()
	}

	rep := &ImportReport{Imported: []ImportItem{}, Updated: []ImportItem{}, Unchanged: []ImportItem{}, Failed: []ImportFailure{}, Skipped: []string{},
		SkippedFiles: []ImportSkip{}, Restored: []ImportItem{}, RecordsSkipped: []RecordSkip{}}
	files := l.collectFiles(paths, rep)
	total := len(files)
	done := 0
	step := func(file string) {
		done++
		if opts.Progress != nil {
			opts.Progress(ImportProgress{Done: done, Total: total, File: file})
		}
	}

	var docs, metas, others []collectedFile
	for _, f := range files {
		switch f.kind {
		case importer.KindPDF, importer.KindText:
			docs = append(docs, f)
		case importer.KindMetadata:
			metas = append(metas, f)
		default:
			others = append(others, f)
		}
	}

	idx, err := l.searchIndex(ctx)
	if err != nil {
		return rep, err
	}
	bw, err := l.newBulkWriter(ctx)
	if err != nil {
		return rep, err
	}
	defer func() {
		if ferr := bw.finish(); ferr != nil && err == nil {
			err = ferr
		}
	}()
	// Metadata files usually describe the documents imported with them:
	// their records change every page's index entry, so the documents are
	// indexed once, after the metadata, rather than twice.
	indexAsStored := len(metas) == 0
	var marked []int64 // new documents whose PDF has marks to import
	if err := l.importDocuments(ctx, bw, docs, opts, rep, step, indexAsStored, &marked); err != nil {
		return rep, err
	}
	for _, f := range metas {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		l.importMetadataFile(ctx, bw, f.path, rep)
		step(f.path)
	}
	for _, f := range others {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		h := opts.Handlers[f.kind]
		if h == nil {
			rep.Failed = append(rep.Failed, ImportFailure{File: f.path, Error: fmt.Sprintf("import %s: unsupported file type", f.path)})
		} else if items, err := h(context.WithValue(ctx, importingKey{}, l), l, f.path); err != nil {
			rep.Failed = append(rep.Failed, ImportFailure{File: f.path, Error: err.Error()})
		} else {
			rep.Imported = append(rep.Imported, items...)
		}
		step(f.path)
	}
	if err := l.indexPending(ctx, idx, nil); err != nil {
		return rep, err
	}
	if len(marked) > 0 && !opts.NoHighlights {
		highlights, err := l.ImportHighlights(ctx, marked, HighlightOptions{Password: opts.Password})
		if err != nil {
			return rep, err
		}
		rep.Highlights = highlights
	}
	pages := 0
	for _, items := range [][]ImportItem{rep.Imported, rep.Updated} {
		for _, it := range items {
			pages += it.Pages
		}
	}
	if pages >= settleAfterPages {
		waitIndexSettled(ctx, idx)
	}
	return rep, nil
}

// importingKey marks the context an import hands its handlers: an Import
// called with it runs inside that import (its lock is held).
type importingKey struct{}

type collectedFile struct {
	path     string
	kind     importer.Kind
	explicit bool // named on the command line, not found in a folder
}

// collectFiles expands folders recursively. Files named on the command line
// are always tried; files found in folders are tried when Rapport reads
// their kind, and listed as skipped, with the reason, otherwise: hidden
// files and folders, a folder's README or licence, kinds Rapport does not
// read, what is not a regular file. Symbolic links to folders are not
// followed, so a link loop cannot trap the walk.
func (l *Library) collectFiles(paths []string, rep *ImportReport) []collectedFile {
	var out []collectedFile
	seen := map[string]bool{}
	add := func(path string, explicit bool) {
		abs, err := filepath.Abs(path)
		if err == nil {
			path = abs
		}
		if seen[path] {
			return
		}
		seen[path] = true
		// Only regular files: a FIFO would block the import for ever, a
		// device (a link to /dev/zero) would never end.
		if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
			msg := "not a regular file"
			if err != nil {
				msg = unwrapPathError(err).Error()
			}
			if explicit {
				rep.Failed = append(rep.Failed, ImportFailure{File: path, Error: fmt.Sprintf("import %s: %s", path, msg)})
			} else {
				rep.skip(path, msg)
			}
			return
		}
		kind := importer.DetectKind(path, readHead(path))
		if kind == importer.KindUnknown {
			if explicit {
				rep.Failed = append(rep.Failed, ImportFailure{File: path, Error: fmt.Sprintf("import %s: unsupported file type (Rapport reads %s)", path, readableKinds)})
			} else {
				rep.skip(path, "not a kind of file Rapport reads (it reads "+readableKinds+")")
			}
			return
		}
		out = append(out, collectedFile{path: path, kind: kind, explicit: explicit})
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			rep.Failed = append(rep.Failed, ImportFailure{File: p, Error: fmt.Sprintf("import %s: %v", p, unwrapPathError(err))})
			continue
		}
		if !info.IsDir() {
			add(p, true)
			continue
		}
		filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				rep.Failed = append(rep.Failed, ImportFailure{File: path, Error: fmt.Sprintf("import %s: %v", path, unwrapPathError(err))})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			name := d.Name()
			if d.IsDir() {
				switch {
				case path == p:
				case path == l.dir:
					rep.skip(path, "the library's own folder, with everything in it")
					return fs.SkipDir
				case strings.HasPrefix(name, "."):
					rep.skip(path, "a hidden folder, with everything in it")
					return fs.SkipDir
				}
				return nil
			}
			switch {
			case strings.HasPrefix(name, "."):
				rep.skip(path, "a hidden file")
				return nil
			case isFolderBoilerplate(name):
				rep.skip(path, "a README, licence or changelog describes the folder rather than being a source; name the file to import it")
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				info, err := os.Stat(path)
				switch {
				case err != nil:
					rep.skip(path, "a link to nothing ("+unwrapPathError(err).Error()+")")
					return nil
				case info.IsDir():
					rep.skip(path, "a link to a folder (links to folders are not followed)")
					return nil
				}
			} else if !d.Type().IsRegular() {
				rep.skip(path, "not a regular file")
				return nil
			}
			add(path, false)
			return nil
		})
	}
	return dropProjectSources(out, rep)
}

// dropProjectSources leaves out the text files found in the Sources folder
// beside a bare .qde (ATLAS.ti writes a project so): they are the
// project's sources, imported with it, not documents of their own. They
// are listed as skipped.
func dropProjectSources(files []collectedFile, rep *ImportReport) []collectedFile {
	sourceDirs := map[string]bool{}
	for _, f := range files {
		if f.kind == importer.KindQDPX && strings.EqualFold(filepath.Ext(f.path), ".qde") {
			dir := filepath.Dir(f.path)
			sourceDirs[filepath.Join(dir, "Sources")] = true
			sourceDirs[filepath.Join(dir, "sources")] = true
		}
	}
	if len(sourceDirs) == 0 {
		return files
	}
	kept := files[:0]
	for _, f := range files {
		if !f.explicit && (f.kind == importer.KindText || f.kind == importer.KindPDF) && sourceDirs[filepath.Dir(f.path)] {
			rep.skip(f.path, "a source of the REFI-QDA project (.qde) beside its folder, imported with it")
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// readableKinds lists, for messages, the files Rapport reads.
const readableKinds = ".pdf, .txt, .md, .bib, .ris, .json, .qdpx, .qde and .qdc"

// isFolderBoilerplate tells files that describe a folder rather than being
// a source (README, LICENSE, CHANGELOG): skipped when walking a folder,
// imported when named explicitly.
func isFolderBoilerplate(name string) bool {
	base := strings.ToUpper(strings.TrimSuffix(name, filepath.Ext(name)))
	switch base {
	case "README", "LICENSE", "LICENCE", "CHANGELOG", "COPYING", "NOTICE":
		return true
	}
	return false
}

func readHead(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, 512)
	n, _ := f.Read(b)
	return b[:n]
}

// readFileLimited reads a whole file of at most limit bytes, however much
// it grows while it is read.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file is larger than the %d bytes Rapport reads", limit)
	}
	return data, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// extracted is one document file read and extracted by a worker.
type extracted struct {
	path  string
	kind  importer.Kind
	data  []byte
	sha   string
	ex    *importer.Extraction
	known int64 // id of the document already holding this file, if any
	err   error
	// blobStored: the original is already in files/ (and synced).
	blobStored bool
	// restoreAs: the library holds the document (known) but not its
	// original, stored under this file name: the import puts it back.
	restoreAs string
}

// blobWriters is how many originals are written and synced at once: the
// writes wait on the disk, not the CPU, so they run beside the extraction
// workers rather than in them.
const blobWriters = 4

// importDocuments runs the import pipeline: extraction on all cores, the
// originals written and synced by blobWriters goroutines, then one
// goroutine (this one) storing each document in its own transaction and, if
// indexNow, adding the stored documents to the search index in batches of
// about batchPages pages. Every queue between the stages is bounded, so
// memory stays flat however many files there are.
func (l *Library) importDocuments(ctx context.Context, bw *bulkWriter, files []collectedFile, opts *ImportOptions, rep *ImportReport, step func(string), indexNow bool, marked *[]int64) error {
	if len(files) == 0 {
		return nil
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	send := func(ch chan<- extracted, r extracted) bool {
		select {
		case ch <- r:
			return true
		case <-ctx.Done():
			return false
		}
	}
	jobs := make(chan collectedFile)
	extractedCh := make(chan extracted, workers)
	results := make(chan extracted, workers)
	var extractors, writers sync.WaitGroup
	for range workers {
		extractors.Add(1)
		go func() {
			defer extractors.Done()
			for f := range jobs {
				if !send(extractedCh, l.extractFile(ctx, f, opts.Password)) {
					return
				}
			}
		}()
	}
	for range blobWriters {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for r := range extractedCh {
				if r.err == nil && r.known == 0 {
					if err := l.storeBlob(r.sha, r.path, r.data); err != nil {
						r.err = fmt.Errorf("import %s: store original: %w", r.path, err)
					}
					r.blobStored = true
				} else if r.err == nil && r.restoreAs != "" {
					if err := l.storeBlob(r.sha, r.restoreAs, r.data); err != nil {
						r.err = fmt.Errorf("import %s: restore the missing original: %w", r.path, err)
					}
					r.blobStored = true
				}
				if !send(results, r) {
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, f := range files {
			select {
			case jobs <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		extractors.Wait()
		close(extractedCh)
		writers.Wait()
		close(results)
	}()

	idx, err := l.searchIndex(ctx)
	if err != nil {
		return err
	}
	var pending []int64
	pendingPages := 0
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		err := l.indexDocuments(ctx, idx, pending)
		pending, pendingPages = pending[:0], 0
		return err
	}
	for r := range results {
		if err := ctx.Err(); err != nil {
			return err
		}
		item, status, err := l.storeExtractedIn(ctx, bw, r)
		if err == nil && status != storedUnchanged && r.ex != nil && r.ex.Markup != 0 {
			*marked = append(*marked, item.ID)
		}
		r.data, r.ex = nil, nil
		switch {
		case err != nil:
			rep.Failed = append(rep.Failed, ImportFailure{File: r.path, Error: err.Error(), NeedsPassword: errors.Is(err, importer.ErrNeedsPassword)})
		case status == storedUnchanged:
			rep.Unchanged = append(rep.Unchanged, item)
		case status == storedRestored:
			rep.Restored = append(rep.Restored, item)
		default:
			// A file new to the library, whether or not its record
			// (metadata imported earlier) was there before.
			rep.Imported = append(rep.Imported, item)
			pending = append(pending, item.ID)
			pendingPages += item.Pages
		}
		if indexNow && pendingPages >= batchPages {
			if err := flush(); err != nil {
				return err
			}
		}
		step(r.path)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !indexNow {
		return nil // indexPending indexes them with the metadata applied
	}
	return flush()
}

// extractFile reads one file and extracts its text, unless the library
// already holds a file with the same content.
func (l *Library) extractFile(ctx context.Context, f collectedFile, password string) extracted {
	r := extracted{path: f.path, kind: f.kind}
	info, err := os.Stat(f.path)
	if err != nil {
		r.err = fmt.Errorf("import %s: %w", f.path, unwrapPathError(err))
		return r
	}
	if info.Size() > MaxFileSize {
		r.err = fmt.Errorf("import %s: file is %d bytes, larger than the %d bytes Rapport reads", f.path, info.Size(), MaxFileSize)
		return r
	}
	data, err := readFileLimited(f.path, MaxFileSize)
	if err != nil {
		r.err = fmt.Errorf("import %s: %w", f.path, unwrapPathError(err))
		return r
	}
	sum := sha256.Sum256(data)
	r.sha = hex.EncodeToString(sum[:])
	r.data = data
	var id int64
	var fileName string
	err = l.db.QueryRowContext(ctx, "SELECT id, file_name FROM documents WHERE sha256 = ?", r.sha).Scan(&id, &fileName)
	if err == nil {
		r.known = id
		if info, err := os.Stat(l.blobPath(r.sha, fileName)); err != nil || info.Size() != int64(len(data)) {
			r.restoreAs = fileName // the original was deleted or damaged
		} else {
			r.data = nil
		}
		return r
	}
	switch f.kind {
	case importer.KindPDF:
		// A scan is stored with its pages empty and marked for OCR (Library.OCR).
		r.ex, err = importer.ExtractPDFWith(ctx, data, importer.ExtractOptions{Password: password, KeepScanned: true})
	case importer.KindText:
		r.ex, err = importer.ReadText(filepath.Base(f.path), data)
	}
	if err != nil {
		r.err = fmt.Errorf("import %s: %w", f.path, err)
	}
	return r
}

func (l *Library) blobPath(sha, fileName string) string {
	ext := strings.ToLower(filepath.Ext(fileName))
	if len(ext) > 10 {
		ext = ""
	}
	return filepath.Join(l.dir, FilesDir, sha[:2], sha+ext)
}

// storeBlob writes the original file into files/ (temp file, then rename),
// unless it is there already.
func (l *Library) storeBlob(sha, fileName string, data []byte) error {
	path := l.blobPath(sha, fileName)
	if info, err := os.Stat(path); err == nil && info.Size() == int64(len(data)) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

type storeStatus int

const (
	storedCreated   storeStatus = iota // a new document
	storedCompleted                    // a metadata-only record received its file
	storedUnchanged                    // the library already held this file
	storedRestored                     // the library held the document, and the file again now
)

// storeExtracted writes one extracted file: its original into files/, then
// its document and pages in one transaction. A metadata-only record with
// the same DOI or title receives the file.
func (l *Library) storeExtracted(ctx context.Context, r extracted) (item ImportItem, status storeStatus, err error) {
	return l.storeExtractedIn(ctx, nil, r)
}

// storeExtractedIn is storeExtracted within an import's bulk session (nil:
// an ordinary transaction).
func (l *Library) storeExtractedIn(ctx context.Context, bw *bulkWriter, r extracted) (item ImportItem, status storeStatus, err error) {
	if r.err != nil {
		return item, 0, r.err
	}
	if r.known != 0 {
		d, err := l.Document(ctx, r.known)
		if err != nil {
			return item, 0, err
		}
		if r.restoreAs == "" {
			return itemOf(d, r.path), storedUnchanged, nil
		}
		if !r.blobStored {
			if err := l.storeBlob(r.sha, r.restoreAs, r.data); err != nil {
				return item, 0, fmt.Errorf("import %s: restore the missing original: %w", r.path, err)
			}
		}
		return itemOf(d, r.path), storedRestored, nil
	}
	if !r.blobStored {
		if err := l.storeBlob(r.sha, r.path, r.data); err != nil {
			return item, 0, fmt.Errorf("import %s: store original: %w", r.path, err)
		}
	}
	ex := r.ex
	title := ex.Metadata.Title // the file's own metadata, checked against page 1
	if title == "" {
		title = ex.Title
	}
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(r.path), filepath.Ext(r.path))
	}
	doi := importer.NormalizeDOI(ex.DOI)
	if d := importer.NormalizeDOI(ex.Metadata.DOI); d != "" {
		doi = d
	}
	var id int64
	status = storedCompleted
	err = l.txRunner(bw)(ctx, func(tx *sql.Tx) error {
		// Another file with the same content may have been stored meanwhile.
		if err := tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE sha256 = ?", r.sha).Scan(&id); err == nil {
			status = storedUnchanged
			return nil
		}
		id = matchMetadataOnly(ctx, tx, doi, titleKey(title))
		ts := now()
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO documents (id, sha256, file_name, kind, page_count, size_bytes, imported_at, updated_at, extractor_version, engine, title, title_norm, doi)
VALUES (`+newDocumentID+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.sha, filepath.Base(r.path), string(r.kind), len(ex.Pages), len(r.data), ts, ts, ex.Version, ex.Engine, title, titleKey(title), doi)
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
			status = storedCreated
		} else {
			_, err := tx.ExecContext(ctx, `UPDATE documents SET sha256 = ?, file_name = ?, kind = ?, page_count = ?, size_bytes = ?, updated_at = ?, extractor_version = ?, engine = ?,
	title = CASE WHEN title = '' THEN ? ELSE title END,
	title_norm = CASE WHEN title_norm = '' THEN ? ELSE title_norm END,
	doi = CASE WHEN doi = '' THEN ? ELSE doi END, indexed = 0
WHERE id = ?`, r.sha, filepath.Base(r.path), string(r.kind), len(ex.Pages), len(r.data), ts, ex.Version, ex.Engine, title, titleKey(title), doi, id)
			if err != nil {
				return err
			}
		}
		if err := insertPages(ctx, tx, id, ex.Pages); err != nil {
			return err
		}
		return applyFileMetadata(ctx, tx, id, ex.Metadata, ex.MetadataSources, false)
	})
	if err != nil {
		return item, 0, fmt.Errorf("import %s: store: %w", r.path, err)
	}
	d, err := l.Document(ctx, id)
	if err != nil {
		return item, 0, err
	}
	return itemOf(d, r.path), status, nil
}

func insertPages(ctx context.Context, tx *sql.Tx, docID int64, pages []importer.PageText) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM pages WHERE doc_id = ?", docID); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO pages (doc_id, page, label, text_z, header, printed, scanned, ocr, uncertain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, p := range pages {
		if _, err := stmt.ExecContext(ctx, docID, p.Number, p.Label, compressPageText(p.Text), p.Header, p.Printed,
			p.Scanned || p.OCR, p.OCR, encodeSpans(p.Uncertain)); err != nil {
			return err
		}
		if p.Boxes != nil {
			// Boxes come with text that is costly to read again (OCR).
			if err := setPageBoxesTx(ctx, tx, docID, p.Number, p.Boxes); err != nil {
				return err
			}
		}
	}
	_, err = tx.ExecContext(ctx, "UPDATE documents SET printed_pages = ? WHERE id = ?", countPrintedPages(pages), docID)
	return err
}

// matchMetadataOnly finds a metadata-only record for a new file: by DOI
// first, then by normalised title.
func matchMetadataOnly(ctx context.Context, tx *sql.Tx, doi, titleNorm string) int64 {
	var id int64
	if doi != "" {
		if tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE sha256 IS NULL AND doi = ? AND doi <> '' ORDER BY id LIMIT 1", doi).Scan(&id) == nil {
			return id
		}
	}
	if titleNorm != "" {
		if tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE sha256 IS NULL AND title_norm = ? AND title_norm <> '' ORDER BY id LIMIT 1", titleNorm).Scan(&id) == nil {
			return id
		}
	}
	return 0
}

func itemOf(d Document, file string) ImportItem {
	return ImportItem{ID: d.ID, File: file, Title: d.Title, DOI: d.DOI, Pages: d.PageCount, Scanned: d.OCRPending}
}

// importMetadataFile reads a metadata file and applies each record: to the
// document with the same DOI, else the same normalised title, else as a new
// metadata-only record that a file imported later attaches to.
func (l *Library) importMetadataFile(ctx context.Context, bw *bulkWriter, path string, rep *ImportReport) {
	data, err := readFileLimited(path, MaxFileSize)
	if err != nil {
		rep.Failed = append(rep.Failed, ImportFailure{File: path, Error: fmt.Sprintf("import %s: %v", path, unwrapPathError(err))})
		return
	}
	records, perr := importer.ParseMetadata(filepath.Base(path), data)
	// Records that cannot be read or stored are skipped, each with its
	// line and why, when the file's other records are imported; when none
	// is, the file failed.
	var skipped []RecordSkip
	var invalid []ImportFailure
	var bad *importer.ParseErrors
	if errors.As(perr, &bad) {
		for _, re := range bad.Errors {
			skipped = append(skipped, RecordSkip{File: path, Record: re.Record, Line: re.Line, Error: re.Err.Error()})
		}
		if bad.Omitted > 0 {
			skipped = append(skipped, RecordSkip{File: path, Error: fmt.Sprintf("and %d more bad records", bad.Omitted)})
		}
	}
	stored := 0
	for _, m := range records {
		item, created, err := l.applyMetadata(ctx, bw, m, path)
		switch {
		case err != nil && errors.Is(err, ErrInvalidInput):
			skipped = append(skipped, RecordSkip{File: path, Error: fmt.Sprintf("record %q: %v", shortQuote(m.Title), err)})
			invalid = append(invalid, ImportFailure{File: path, Error: fmt.Sprintf("import %s: record %q: %v", path, m.Title, err)})
		case err != nil:
			rep.Failed = append(rep.Failed, ImportFailure{File: path, Error: fmt.Sprintf("import %s: record %q: %v", path, m.Title, err)})
		case created:
			rep.Imported = append(rep.Imported, item)
			stored++
		default:
			rep.Updated = append(rep.Updated, item)
			stored++
		}
	}
	if stored > 0 {
		rep.RecordsSkipped = append(rep.RecordsSkipped, skipped...)
		return
	}
	if perr != nil {
		rep.Failed = append(rep.Failed, ImportFailure{File: path, Error: fmt.Sprintf("import %s: %v", path, perr)})
	}
	rep.Failed = append(rep.Failed, invalid...)
}

// ApplyMetadata stores one metadata record: it updates the document it
// matches (by DOI, then normalised title) or creates a metadata-only one.
func (l *Library) applyMetadata(ctx context.Context, bw *bulkWriter, m importer.Metadata, source string) (ImportItem, bool, error) {
	if strings.TrimSpace(m.Title) == "" && m.DOI == "" {
		return ImportItem{}, false, fmt.Errorf("record has neither title nor DOI: %w", ErrInvalidInput)
	}
	if err := checkMetadataSize(m); err != nil {
		return ImportItem{}, false, err
	}
	doi := importer.NormalizeDOI(m.DOI)
	var id int64
	created := false
	err := l.txRunner(bw)(ctx, func(tx *sql.Tx) error {
		if doi != "" {
			tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE doi = ? AND doi <> '' ORDER BY sha256 IS NULL, id LIMIT 1", doi).Scan(&id)
		}
		if id == 0 && m.Title != "" {
			for _, t := range append([]string{m.Title}, m.AltTitles...) {
				if k := titleKey(t); k != "" && tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE title_norm = ? AND title_norm <> '' ORDER BY sha256 IS NULL, id LIMIT 1", k).Scan(&id) == nil {
					break
				}
			}
		}
		if id == 0 {
			ts := now()
			res, err := tx.ExecContext(ctx, "INSERT INTO documents (id, kind, file_name, imported_at, updated_at) VALUES ("+newDocumentID+", 'metadata', ?, ?, ?)", filepath.Base(source), ts, ts)
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
			created = true
		}
		return mergeMetadata(ctx, tx, id, m)
	})
	if err != nil {
		return ImportItem{}, false, err
	}
	d, err := l.Document(ctx, id)
	if err != nil {
		return ImportItem{}, false, err
	}
	return itemOf(d, source), created, nil
}
