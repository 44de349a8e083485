package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rapport-qda/rapport/internal/atomicfile"
)

// Format names an export format.
type Format string

// The formats Rapport exports.
const (
	Markdown Format = "md"
	CSV      Format = "csv"
	JSON     Format = "json"
	CSLJSON  Format = "csljson"
	HTML     Format = "html"
	QDC      Format = "qdc"  // REFI-QDA codebook
	QDPX     Format = "qdpx" // REFI-QDA project (a zip)
)

// Formats lists every format, in the order help texts show them.
var Formats = []Format{Markdown, CSV, JSON, CSLJSON, HTML, QDC, QDPX}

// ParseFormat reads a format name (case-insensitive, with or without a
// leading dot: "md", ".qdpx", "markdown").
func ParseFormat(s string) (Format, error) {
	s = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), ".")
	switch s {
	case "markdown":
		return Markdown, nil
	case "csl", "csl-json":
		return CSLJSON, nil
	case "htm":
		return HTML, nil
	case "pdf":
		return PDF, nil // a coded copy, per document: WriteCodedPDF
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown export format %q (one of md, csv, json, csljson, html, qdc, qdpx)", s)
}

// ShowsAreas tells a format that shows area annotations as images of the
// page (Markdown, HTML): their Collect needs Filter.AreaImages.
func (f Format) ShowsAreas() bool { return f == Markdown || f == HTML }

// Binary tells a format that cannot be written to a terminal.
func (f Format) Binary() bool { return f == QDPX || f == PDF }

// Options tune an export.
type Options struct {
	// BOM starts a CSV file with a UTF-8 byte-order mark, which Excel
	// needs to read UTF-8.
	BOM bool
	// Warn receives what an export had to leave out, and why; nil
	// discards it.
	Warn func(msg string)
}

// Write writes d in format f to w.
func Write(w io.Writer, f Format, d *Data, opts Options) error {
	var err error
	switch f {
	case Markdown:
		err = WriteMarkdown(w, d)
	case CSV:
		err = WriteCSV(w, d, opts.BOM)
	case JSON:
		err = WriteJSON(w, d)
	case CSLJSON:
		err = WriteCSLJSON(w, d)
	case HTML:
		err = WriteHTML(w, d)
	case QDC:
		err = WriteCodebook(w, d)
	case QDPX:
		err = WriteProject(w, d, opts.Warn)
	case PDF:
		return fmt.Errorf("export pdf: a coded PDF is a copy of one document's original (WriteCodedPDF), not a write of excerpts")
	default:
		return fmt.Errorf("export: unknown format %q", f)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", f, err)
	}
	return nil
}

// WriteFile writes d in format f to path, replacing an existing file
// atomically: the export goes to a temporary file in the same folder,
// which is synced and renamed over path only when complete.
func WriteFile(path string, f Format, d *Data, opts Options) error {
	var exportErr error // the export's own error, returned as it is
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if exportErr = Write(bw, f, d, opts); exportErr != nil {
			return exportErr
		}
		return bw.Flush()
	})
	switch {
	case exportErr != nil:
		return exportErr
	case err != nil:
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
