package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// ExtractorVersion is stored with every document's text. Raise it whenever a
// change to extraction changes the text of some page, so that libraries can
// re-extract and re-anchor their annotations.
const ExtractorVersion = 8

// Errors a PDF can give; match them with errors.Is.
var (
	ErrNotPDF      = errors.New("not a PDF file")
	ErrEmptyFile   = errors.New("empty file")
	ErrEncrypted   = errors.New("PDF is encrypted")
	ErrNoTextLayer = errors.New("no text layer (scanned or image-only PDF)")
	ErrTimeout     = errors.New("extraction took too long")
	ErrMalformed   = errors.New("malformed PDF")
)

// PageText is the text of one page.
//
// Text conventions (since ExtractorVersion 2; annotations anchor to
// offsets in Text, so they only change with the version): blocks and
// paragraphs are in reading order (full-width title and abstract, then the
// left column top to bottom, then the right column) and separated by one
// blank line ("\n\n"); the lines of a paragraph are joined by one space, a
// word broken by a line-end hyphen is joined back while real compounds keep
// their hyphen; a table row reads across as one line, and (version 4) a
// table whose cells hold several lines or bullet points reads row by row,
// each cell whole; (version 5) a table row that shares its baseline with
// a line of the next column keeps all its cells; (version 7) a heading on a
// line of its own above its text (set bigger, or in a bold or other upright
// face than the text) is a paragraph of its own, so is each item of a
// numbered or bulleted list and each footnote or affiliation that starts
// with a raised mark, a sentence cut by footnotes at a column's foot goes
// on past them, and the boxes of a flow chart read row by row; (version
// 8) a "±" drawn as "+" over "−" reads "±", a letter set a little lower or
// higher in its word (the E of the TeX logo) stays in the word,
// right-to-left lines read in logical order, and glyphs are named through
// the whole Adobe Glyph List, Type 3 glyph numbers and embedded TrueType
// cmaps. Text read by PDFium (Extraction.Engine) follows the same rules.
// Compatibility ligatures (U+FB00–FB06) are expanded, U+FFFD never appears,
// curly quotes and dashes are kept, and the text is NFC. Running headers,
// footers and page numbers are in Header, one per line, not in Text.
type PageText struct {
	Number int    `json:"page"`             // 1-based PDF page index
	Text   string `json:"text"`             // body text in reading order, NFC
	Header string `json:"header,omitempty"` // running header/footer lines kept out of Text
	Label  string `json:"label,omitempty"`  // printed page label (/PageLabels), if any
	// Scanned: the page is a picture of text (an image over most of it)
	// with no text of its own: OCR reads it.
	Scanned bool `json:"scanned,omitempty"`
	// OCR: the text was read from the page's image by OCR.
	OCR bool `json:"ocr,omitempty"`
	// Uncertain lists the spans of Text (rune offsets, end exclusive) of
	// the words OCR read with a confidence under LowConfidence.
	Uncertain [][2]int `json:"uncertain,omitempty"`
	// Boxes, when the extraction was asked for them (ExtractOptions.Boxes),
	// holds the box on the page of each character (rune) of Text, in
	// order; characters the layout put in (the space between two words,
	// the blank line between paragraphs) have an empty box.
	Boxes []Box `json:"-"`
	// Printed is the page number printed on the page (its running header
	// or footer, the first page's citation line), or placed by its
	// neighbours; "" when neither (see PrintedPages).
	Printed string `json:"printed,omitempty"`
}

// Extraction is what a PDF (or text source) yields.
type Extraction struct {
	Pages []PageText `json:"pages"`
	// Engine names the engine that read the text: EngineNative or
	// EnginePDFium, or EngineOCR when some page was read from its image.
	Engine    string `json:"engine"`
	Title     string `json:"title"`      // best title guess: info title if plausible, else from page 1
	InfoTitle string `json:"info_title"` // the info dictionary's /Title as found
	DOI       string `json:"doi"`
	Version   int    `json:"extractor_version"`
	// Warnings name pages whose text may be incomplete (a part of the file
	// the parser could not read, a work limit reached).
	Warnings []string `json:"warnings,omitempty"`
	// Metadata is the bibliographic record the file gives about itself (XMP,
	// the /Info dictionary, the first page's title block, author line,
	// citation line and abstract); MetadataSources names the source of each
	// field it sets (SourceXMP, SourceInfo, SourcePage1), by field name
	// ("title", "authors", "year", "journal", "volume", "issue", "pages",
	// "doi", "abstract").
	Metadata        Metadata          `json:"metadata"`
	MetadataSources map[string]string `json:"metadata_sources,omitempty"`
	// Markup counts the file's markup annotations (highlights, underlines,
	// strike-outs, notes, ink) as the native reader found them; -1 when it
	// could not tell (the file was read by PDFium). Importing reads the
	// highlights of files that have some.
	Markup int `json:"-"`
}

// DefaultTimeout bounds one PDF's extraction when the context has no deadline.
const DefaultTimeout = 2 * time.Minute

// The engines that read PDFs (Extraction.Engine).
const (
	// EngineNative is Rapport's own reader: ledongthuc/pdf for the file's
	// structure and a text-state interpreter of its own. Fast; the first
	// engine tried.
	EngineNative = "native"
	// EnginePDFium is PDFium (WebAssembly, see internal/pdfium), for files
	// the native reader cannot read or reads only in part.
	EnginePDFium = "pdfium"
)

// ExtractOptions tune ExtractPDFWith. The zero value is what ExtractPDF does.
type ExtractOptions struct {
	// Password opens an encrypted file whose user password is not empty.
	// It is used for this extraction only, never stored.
	Password string
	// Boxes fills PageText.Boxes.
	Boxes bool
	// Engine forces one engine (EngineNative or EnginePDFium); empty lets
	// the extractor choose: native first, PDFium when the native reader
	// fails or reads the file only in part.
	Engine string
	// KeepScanned returns a file whose pages have no text but are scans
	// (PageText.Scanned) as an Extraction of empty pages, for OCR to
	// read later, rather than failing with ErrNoTextLayer.
	KeepScanned bool
	// OCR holds the words read from page images, by page number (from
	// 1): those pages are laid out from these words instead of their text
	// layer, through the same layout engine.
	OCR map[int]*OCRPage
	// Workers lays out up to this many of the native reader's pages at
	// once, on as many goroutines; 0 or 1: one after the other. The text
	// is the same either way. For one document read while the processor
	// is otherwise idle, such as `rapport extract`; an import, which reads
	// several files at once, leaves it at 0.
	Workers int
}

// ExtractPDFFile extracts the text of the PDF at path.
func ExtractPDFFile(ctx context.Context, path string) (*Extraction, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", path, err)
	}
	ex, err := ExtractPDF(ctx, data)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", path, err)
	}
	return ex, nil
}

// ExtractPDF extracts the text of a PDF held in memory. It never panics: a
// parser panic becomes ErrMalformed. It gives up with ErrTimeout when ctx
// ends or DefaultTimeout passes, whichever is first.
func ExtractPDF(ctx context.Context, data []byte) (*Extraction, error) {
	return ExtractPDFWith(ctx, data, ExtractOptions{})
}

// ExtractPDFWith is ExtractPDF with options: a password, character boxes,
// a forced engine.
func ExtractPDFWith(ctx context.Context, data []byte, opts ExtractOptions) (*Extraction, error) {
	if len(data) == 0 {
		return nil, ErrEmptyFile
	}
	if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")) &&
		!bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, ErrNotPDF
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	type result struct {
		ex  *Extraction
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{nil, fmt.Errorf("%w: parser failed: %v", ErrMalformed, p)}
			}
			done <- r
		}()
		r.ex, r.err = extractPDF(ctx, data, opts)
	}()
	select {
	case r := <-done:
		if errors.Is(r.err, context.DeadlineExceeded) {
			return nil, ErrTimeout
		}
		return r.ex, r.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ErrTimeout
		}
		return nil, ctx.Err()
	}
}

// chooseTitle prefers the info dictionary's title unless it looks like junk
// (a file name, a job number, too short), then the large-font lines.
func chooseTitle(info, fromPage string) string {
	if PlausibleTitle(info) {
		return info
	}
	// titleFromPage checked its title already (a long one is plausible, a
	// short one stands large above the rest).
	return fromPage
}
