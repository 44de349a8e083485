package importer

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// pdfPatterns are the regular expressions that reading a PDF's text and
// metadata compiles (running headers, printed page numbers, the header's
// title, authors, abstract and citation line, DOIs): extractPDF has them
// compiled on another core while it lays out the pages (lazyre.Group), a
// few milliseconds of a one-off extraction's CPU off its critical path.
var pdfPatterns lazyre.Group

// pageLayout is one page after line analysis, before reading order.
type pageLayout struct {
	frags    []*fragment
	top, bot float64 // media box, y
	height   float64
	stats    pageStats
	warning  string  // why some of the page's text may be missing
	glyphs   []glyph // the page's glyphs, kept when tracing
	// imageShare is the share (0–1) of the page its images cover: with
	// (next to) no text, the page is a scan (PageText.Scanned).
	imageShare float64
	// ocr: the glyphs are words read from the page's image (OCR), and
	// uncertain[i] tells glyph i's word was read with low confidence.
	ocr       bool
	uncertain []bool
}

func openPDF(data []byte) (*pdf.Reader, error) {
	// Junk before the header (a mail or MacBinary wrapper): offsets count
	// from the header.
	if i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")); i > 0 {
		data = data[i:]
	}
	// The library insists on a "%PDF-1.x" header followed by a newline;
	// present such a header for files that say "%PDF-2.0" or "%PDF-1.4 ".
	if len(data) > 9 && bytes.HasPrefix(data, []byte("%PDF-")) &&
		(data[5] != '1' || data[6] != '.' || data[7] < '0' || data[7] > '7' || (data[8] != '\n' && data[8] != '\r')) {
		patched := make([]byte, len(data))
		copy(patched, data)
		copy(patched, "%PDF-1.7\n")
		data = patched
	}
	rd, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		msg := strings.ToLower(err.Error())
		if strings.Contains(msg, "encrypt") || strings.Contains(msg, "password") || bytes.Contains(data, []byte("/Encrypt")) {
			// The library's message quotes the encryption dictionary,
			// binary strings and all: name the method instead.
			return nil, fmt.Errorf("%w: %s", ErrEncrypted, encryptionKind(data))
		}
		return nil, fmt.Errorf("%w: %s", ErrMalformed, plainMalformed(err))
	}
	return rd, nil
}

// nativeResult is what the native reader made of a file, with what it
// saw that suggests another engine may read it better.
type nativeResult struct {
	ex *Extraction
	// suspect, when not empty, says why PDFium should read the file too:
	// text-showing operators with no text, glyphs with no Unicode inside
	// words, content streams the native reader could not decode.
	suspect string
}

// extractNative reads a PDF with the native reader (ledongthuc/pdf and
// Rapport's own text-state interpreter).
func extractNative(ctx context.Context, data []byte, opts ExtractOptions) (nativeResult, error) {
	rd, err := openPDF(data)
	if err != nil {
		return nativeResult{}, err
	}
	n := rd.NumPage()
	if n <= 0 {
		return nativeResult{}, fmt.Errorf("%w: no pages", ErrMalformed)
	}
	// /Count may be wrong or hostile; the page tree walk below decides.
	n = min(n, 100_000)
	pages := allPages(rd, n)
	if len(pages) == 0 {
		return nativeResult{}, fmt.Errorf("%w: no pages in the page tree", ErrMalformed)
	}
	n = len(pages)
	layouts, err := layoutPages(ctx, pages, opts.Boxes, opts.Workers)
	if err != nil {
		return nativeResult{}, err
	}
	var st pageStats
	for i, lay := range layouts {
		if op := opts.OCR[i+1]; op != nil {
			lay = ocrLayout(op, lay.bot, lay.top)
			layouts[i] = lay
		}
		st.add(lay.stats)
	}
	doc := docSource{
		layouts:   layouts,
		labels:    pageLabels(rd, n),
		infoTitle: rd.Trailer().Key("Info").Key("Title").Text(),
		engine:    EngineNative,
		markup:    markupIn(data, pages),
	}
	doc.xmp, doc.info = readFileSources(rd)
	ex, err := assemble(doc, opts)
	if err == nil && letterCount(ex) == 0 && len(opts.OCR) == 0 {
		// A scan kept for OCR: PDFium may still find text the native
		// reader missed.
		err = ErrNoTextLayer
		res := nativeResult{ex: ex, suspect: st.suspect(err)}
		return res, nil
	}
	res := nativeResult{ex: ex, suspect: st.suspect(err)}
	if err != nil && res.suspect == "" {
		return res, err
	}
	return res, nil
}

// pageStats counts what the native interpreter met on a page that tells
// whether it read the page fully.
type pageStats struct {
	glyphs        int // glyphs drawn
	unmapped      int // glyphs with no Unicode text
	unmappedInner int // of those, glyphs inside a word (a ligature or letter lost)
	showOps       int // text-showing operators run
	badStreams    int // content streams that could not be decoded
}

func (s *pageStats) add(o pageStats) {
	s.glyphs += o.glyphs
	s.unmapped += o.unmapped
	s.unmappedInner += o.unmappedInner
	s.showOps += o.showOps
	s.badStreams += o.badStreams
}

// suspect says why another engine should read the document too, or "".
// err is the native reader's result.
func (s pageStats) suspect(err error) string {
	switch {
	case errors.Is(err, ErrNoTextLayer) && s.showOps > 0:
		return fmt.Sprintf("no text from %d text-showing operators", s.showOps)
	case s.badStreams > 0:
		return fmt.Sprintf("%d content streams could not be decoded", s.badStreams)
	case s.unmappedInner >= 3:
		return fmt.Sprintf("%d glyphs inside words have no Unicode mapping", s.unmappedInner)
	case s.glyphs > 0 && s.unmapped*20 > s.glyphs:
		return fmt.Sprintf("%d of %d glyphs have no Unicode mapping", s.unmapped, s.glyphs)
	}
	return ""
}

// isScan tells a page that is a picture of text: one image covering most
// of it, and (next to) no text of its own, as scanners write them (a line
// stamped over the scan, such as a download notice, may be text).
func isScan(lay *pageLayout, text string) bool {
	if lay.imageShare < 0.5 {
		return false
	}
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if letters++; letters >= 40 {
				return false
			}
		}
	}
	return true
}

// docSource is a document's pages after layout analysis, from either
// engine, with what else the engine read.
type docSource struct {
	layouts   []*pageLayout
	labels    []string
	infoTitle string
	engine    string
	// The file's own metadata (see header extraction, filemeta.go): its
	// XMP packet and its /Info Title, Author and Subject.
	xmp    xmpRecord
	info   map[string]string
	markup int // Extraction.Markup
}

// assemble turns laid-out pages into the document's text: running headers
// set aside, reading order, paragraphs, hyphenation, title and DOI. Both
// engines go through it, so their text follows the same rules.
func assemble(doc docSource, opts ExtractOptions) (*Extraction, error) {
	layouts := doc.layouts
	ex := &Extraction{Version: ExtractorVersion, Engine: doc.engine, Markup: doc.markup}
	ex.InfoTitle = strings.TrimSpace(norm.NFC.String(doc.infoTitle))
	markRunningHeaders(layouts)
	vocab := newVocabulary()
	for _, lay := range layouts {
		markContinuations(lay.frags)
		for _, f := range lay.frags {
			vocab.addLine(f)
		}
	}
	// Each page's text, read on up to opts.Workers goroutines: the
	// vocabulary is only read now.
	bodies := make([]ttext, len(layouts))
	headers := make([]string, len(layouts))
	eachPage(len(layouts), opts.Workers, func() func(i int) bool {
		return func(i int) bool {
			bodies[i], headers[i] = pageText(layouts[i], vocab)
			return false
		}
	})
	total := 0
	scanned := false
	for i, lay := range layouts {
		text, header := bodies[i], headers[i]
		total += len(text.s) + len(header)
		pt := PageText{Number: i + 1, Text: text.s, Header: header, OCR: lay.ocr}
		pt.Scanned = !lay.ocr && isScan(lay, text.s)
		scanned = scanned || pt.Scanned
		if opts.Boxes {
			pt.Boxes = boxesOf(text, lay.glyphs)
		}
		if lay.ocr {
			ex.Engine = EngineOCR
			pt.Uncertain = uncertainSpans(text, lay.uncertain)
		}
		if lay.warning != "" {
			ex.Warnings = append(ex.Warnings, fmt.Sprintf("page %d: %s", i+1, lay.warning))
		}
		if i < len(doc.labels) {
			pt.Label = doc.labels[i]
		}
		ex.Pages = append(ex.Pages, pt)
	}
	if total == 0 {
		if !opts.KeepScanned || !scanned {
			return nil, ErrNoTextLayer
		}
		// A scan not read yet: its pages, empty, marked for OCR.
		ex.Title = chooseTitle(ex.InfoTitle, "")
		return ex, nil
	}
	ex.Title = chooseTitle(ex.InfoTitle, titleFromPage(layouts[0], vocab))
	// Running headers and footers count for the DOI (journals print the
	// article's DOI there); they go first, above the page's body.
	texts := make([]string, len(ex.Pages))
	for i, pg := range ex.Pages {
		texts[i] = pg.Header + "\n\n" + pg.Text
	}
	ex.DOI = DetectDOIInPages(texts)
	describeArticle(ex, doc, vocab)
	return ex, nil
}

// markupSubtypes are the annotations a reader's marks are made of.
var markupSubtypes = map[string]bool{"Highlight": true, "Underline": true, "Squiggly": true, "StrikeOut": true,
	"Text": true, "FreeText": true, "Ink": true}

// markupSubtype finds a markup annotation's /Subtype written in a file.
var markupSubtype = pdfPatterns.New(`/Subtype\s*/(Highlight|Underline|Squiggly|StrikeOut|Text|FreeText|Ink)\b`)

// markupIn counts a file's markup annotations. Where no object is
// compressed in an object stream, every annotation dictionary is in the
// file's bytes as written, and a scan of them for the subtypes is enough
// (resolving every link annotation of an article cost a twentieth of its
// extraction); otherwise the pages' /Annots are read.
func markupIn(data []byte, pages []pdf.Page) int {
	if !bytes.Contains(data, []byte("/ObjStm")) {
		return len(markupSubtype.FindAllIndex(data, 10_000))
	}
	if inflated, ok := inflateObjectStreams(data); ok {
		return len(markupSubtype.FindAllIndex(data, 10_000)) +
			len(markupSubtype.FindAllIndex(inflated, 10_000))
	}
	return countMarkup(pages)
}

// maxInflatedObjects bounds what inflateObjectStreams unpacks (object
// streams hold dictionaries, not page content).
const maxInflatedObjects = 64 << 20

// inflateObjectStreams unpacks a file's object streams in one pass over
// its bytes: each dictionary naming /Type /ObjStm whose stream is
// /FlateDecode with no predictor. It reports false when any of them is
// not so (another filter, encryption, a damaged stream), for the caller
// to read the objects through the PDF reader instead; resolving each
// annotation of a file through its object stream inflates the stream
// again for every one of them.
func inflateObjectStreams(data []byte) ([]byte, bool) {
	if bytes.Contains(data, []byte("/Encrypt")) {
		return nil, false
	}
	var out bytes.Buffer
	rest := data
	for {
		at := bytes.Index(rest, []byte("/ObjStm"))
		if at < 0 {
			return out.Bytes(), true
		}
		// The dictionary around it: back to its "obj", on to "stream".
		objAt := bytes.LastIndex(rest[:at], []byte("obj"))
		streamAt := bytes.Index(rest[at:], []byte("stream"))
		if objAt < 0 || streamAt < 0 {
			return nil, false
		}
		dict := rest[objAt : at+streamAt]
		if !bytes.Contains(dict, []byte("/FlateDecode")) || bytes.Contains(dict, []byte("/DecodeParms")) ||
			bytes.Count(dict, []byte("/Filter")) != 1 {
			return nil, false
		}
		body := rest[at+streamAt+len("stream"):]
		body = bytes.TrimPrefix(body, []byte("\r"))
		body = bytes.TrimPrefix(body, []byte("\n"))
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, false
		}
		room := maxInflatedObjects - out.Len()
		n, err := io.Copy(&out, io.LimitReader(zr, int64(room)+1))
		zr.Close()
		if err != nil || n > int64(room) {
			return nil, false
		}
		out.WriteByte('\n')
		rest = rest[at+streamAt:]
	}
}

// countMarkup counts the pages' markup annotations (highlights, underlines,
// notes, ink), reading no more than a bounded number of entries per page.
func countMarkup(pages []pdf.Page) (n int) {
	defer func() {
		if recover() != nil {
			n = -1 // a broken /Annots: let the annotation reader decide
		}
	}()
	for _, p := range pages {
		annots := p.V.Key("Annots")
		if annots.Kind() != pdf.Array {
			continue
		}
		for i := 0; i < min(annots.Len(), 10_000); i++ {
			if markupSubtypes[annots.Index(i).Key("Subtype").Name()] {
				n++
			}
		}
	}
	return n
}

// allPages lists the page dictionaries in order with one walk of the page
// tree (the library's Page(i) walks it from the root for every page).
func allPages(rd *pdf.Reader, n int) []pdf.Page {
	out := make([]pdf.Page, 0, n)
	visits := 0
	seen := map[string]bool{}
	var walk func(node pdf.Value, depth int)
	walk = func(node pdf.Value, depth int) {
		// Bounded against cycles in the tree (a node among its own kids).
		visits++
		if len(out) >= n || depth > 64 || visits > 4*n+1000 {
			return
		}
		kids := node.Key("Kids")
		if node.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			out = append(out, pdf.Page{V: node})
			return
		}
		ids := kidRefs(kids)
		for i := 0; i < kids.Len() && len(out) < n; i++ {
			kid := kids.Index(i)
			if ids != nil && kid.Key("Kids").Kind() == pdf.Array {
				// An inner node met before: a cycle. (A page may be
				// listed twice; it then shows twice, as in viewers.)
				if seen[ids[i]] {
					continue
				}
				seen[ids[i]] = true
			}
			walk(kid, depth+1)
		}
	}
	walk(rd.Trailer().Key("Root").Key("Pages"), 0)
	// /Count can be wrong (or hostile): the pages found are the pages.
	return out
}

// pageBuffers is storage handed from page to page by one goroutine laying
// out pages: the page's decoded content and its glyphs, which (without
// trace) no part of a layout keeps. A fresh glyph slice for every page was
// half of what a one-off extraction allocated, and of its page faults.
type pageBuffers struct {
	content []byte
	glyphs  []glyph
}

// layoutPage interprets one page and builds its line fragments. With
// trace, the page keeps its glyphs and its text records where each
// character came from. buf, when not nil, is the storage to use (a traced
// page's glyphs are made afresh).
func layoutPage(ctx context.Context, p pdf.Page, fonts *fontCache, trace bool, buf *pageBuffers) (lay *pageLayout, err error) {
	bot, top := 0.0, 792.0
	if p.V.IsNull() {
		return newPageLayout(nil, bot, top, trace), nil
	}
	width := 612.0
	if mb := inherited(p, "MediaBox"); mb.Len() == 4 {
		y0, y1 := mb.Index(1).Float64(), mb.Index(3).Float64()
		if y1 < y0 {
			y0, y1 = y1, y0
		}
		if y1-y0 > 10 {
			bot, top = y0, y1
		}
		if w := math.Abs(mb.Index(2).Float64() - mb.Index(0).Float64()); w > 10 {
			width = w
		}
	}
	in := &interpreter{ctx: ctx, fonts: fonts}
	if buf != nil {
		in.content = buf.content[:0]
		if !trace {
			in.glyphs = buf.glyphs[:0]
		}
		defer func() {
			buf.content = in.content[:0]
			if !trace {
				buf.glyphs = in.glyphs[:0]
			}
		}()
	}
	warning := ""
	func() {
		// A library panic inside one page (a broken font or stream) loses
		// that page's remaining text, not the document.
		defer func() {
			if r := recover(); r != nil && in.err == nil {
				warning = fmt.Sprintf("content could not be read completely: %v", r)
			}
		}()
		in.runPage(p)
	}()
	if in.stopped && in.err == nil && warning == "" {
		warning = fmt.Sprintf("stopped at the work limit (%d operators, %d glyphs)", in.ops, len(in.glyphs))
	}
	if in.err != nil {
		return nil, in.err
	}
	lay = newPageLayout(in.glyphs, bot, top, trace)
	lay.warning = warning
	if area := width * (top - bot); area > 0 {
		lay.imageShare = min(in.imageArea/area, 1)
	}
	lay.stats.showOps = in.showOps
	lay.stats.badStreams = in.badStreams
	return lay, nil
}

// layoutPages lays out a document's pages (layoutPage), on up to workers
// goroutines at once (see eachPage; 0 or 1: one page after the other). The
// result does not depend on workers: the layouts are in page order, and
// the error, or the panic, is the one of the first page that failed, as
// if the pages had been laid out one after the other. Each goroutine has
// its font cache and page buffers; the fonts are loaded once
// (sharedFonts).
func layoutPages(ctx context.Context, pages []pdf.Page, trace bool, workers int) ([]*pageLayout, error) {
	n := len(pages)
	layouts := make([]*pageLayout, n)
	errs := make([]error, n)
	var shared *sharedFonts
	if min(workers, n) > 1 {
		shared = &sharedFonts{fonts: map[string]*pdfFont{}}
	}
	eachPage(n, workers, func() func(i int) bool {
		fonts, buf := newFontCache(shared), new(pageBuffers)
		return func(i int) bool {
			if errs[i] = ctx.Err(); errs[i] == nil {
				layouts[i], errs[i] = layoutPage(ctx, pages[i], fonts, trace, buf)
			}
			return errs[i] != nil
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return layouts, nil
}

// eachPage does the work of pages 0 to n-1 on up to workers goroutines,
// the calling one among them; worker makes one goroutine's function,
// which does page i's and returns true when no page after it should be
// begun (it failed). Pages are begun in order, and every page begun is
// finished, so the pages before a failed one are all done, as they would
// be one after the other (pages after it may be done too). A panic is
// raised again in the calling goroutine once all have stopped: the one of
// the first page that panicked, unless a page before it stopped the work,
// as one after the other. With one worker the pages are done in order on
// the calling goroutine.
func eachPage(n, workers int, worker func() func(i int) (stop bool)) {
	if workers = min(workers, n); workers <= 1 {
		do := worker()
		for i := range n {
			if do(i) {
				return
			}
		}
		return
	}
	panics := make([]any, n)
	stops := make([]bool, n)
	var next atomic.Int64 // the next page to begin
	var stopped atomic.Bool
	work := func() {
		do := worker()
		for !stopped.Load() {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						panics[i] = r
						stopped.Store(true)
					}
				}()
				if do(i) {
					stops[i] = true
					stopped.Store(true)
				}
			}()
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for i, p := range panics {
		if p != nil {
			panic(p)
		}
		if stops[i] {
			return
		}
	}
}

// newPageLayout builds a page's line fragments from its glyphs, whichever
// engine found them: the glyph seam. bot and top are the page's lower and
// upper edges (y).
func newPageLayout(glyphs []glyph, bot, top float64, trace bool) *pageLayout {
	lay := &pageLayout{top: top, bot: bot, height: top - bot}
	lay.stats.glyphs = len(glyphs)
	if trace {
		lay.glyphs = glyphs
	}
	scratch := wordScratch.Get().(*[]word)
	words := buildWordsInto(*scratch, glyphs, trace)
	defer func() {
		clear(words) // the pool keeps no page's text alive
		*scratch = words[:0]
		wordScratch.Put(scratch)
	}()
	lay.stats.unmapped, lay.stats.unmappedInner = countUnmapped(glyphs)
	// Words by rotation, in their order. Most pages have one rotation:
	// their words are used as they are rather than copied.
	var byRot [4][]word
	if oneRotation(words) {
		byRot[words[0].rot&3] = words
	} else {
		for _, w := range words {
			byRot[w.rot&3] = append(byRot[w.rot&3], w)
		}
	}
	for rot := uint8(0); rot < 4; rot++ {
		ws := byRot[rot]
		if len(ws) == 0 {
			continue
		}
		lines := buildLines(ws)
		lay.frags = append(lay.frags, splitLines(lines, rot)...)
	}
	return lay
}

// oneRotation reports whether there are words and all are set in one
// rotation.
func oneRotation(words []word) bool {
	if len(words) == 0 {
		return false
	}
	for _, w := range words[1:] {
		if w.rot != words[0].rot {
			return false
		}
	}
	return true
}

// countUnmapped counts the glyphs with no text, and among them those drawn
// inside a word: a letter or ligature on both sides, no gap between.
func countUnmapped(glyphs []glyph) (all, inner int) {
	for i := range glyphs {
		g := &glyphs[i]
		if g.text != "" || g.space {
			continue
		}
		all++
		if i == 0 || i+1 >= len(glyphs) {
			continue
		}
		a, b := &glyphs[i-1], &glyphs[i+1]
		if a.text == "" || b.text == "" || a.space || b.space || a.rot != g.rot || b.rot != g.rot {
			continue
		}
		ra, _ := utf8.DecodeLastRuneInString(a.text)
		rb, _ := utf8.DecodeRuneInString(b.text)
		em := math.Max(g.size, 1)
		if unicode.IsLetter(ra) && unicode.IsLetter(rb) && math.Abs(a.y-g.y) < 0.1*em && math.Abs(b.y-g.y) < 0.1*em &&
			g.x0-a.x1 < wordGapEm*em && b.x0-g.x1 < wordGapEm*em {
			inner++
		}
	}
	return all, inner
}

// endsWithLowerWord reports whether s ends with a word that starts in lower
// case.
func endsWithLowerWord(s string) bool {
	i := strings.LastIndexByte(s, ' ')
	r, _ := utf8.DecodeRuneInString(s[i+1:])
	return unicode.IsLower(r)
}

type partKind uint8

const (
	textPart partKind = iota
	footnotePart
	tableRowPart
)

// isFootnote reports whether a paragraph that starts with line f is a
// footnote: it starts with a raised mark ("¹ Department of …") or with a
// footnote sign ("* Correspondence: …", "† These authors …").
func isFootnote(f *fragment) bool {
	if raisedMarkStart(f) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(f.text)
	return strings.ContainsRune("*∗†‡§¶", r)
}

// articleType matches the article-type labels journals print above titles.
var articleType = pdfPatterns.New(`(?i)^(research( article)?|review( article)?|original (research|article)|open access|case report|editorial|commentary|short communication|methodology( article)?|letter|article|research paper|brief report)$`)

var digitRun = pdfPatterns.New(`[0-9]+`)
var pageNumberLine = pdfPatterns.New(`(?i)^(page\s*)?([0-9]{1,4}|[ivxlc]{1,7})(\s*(of|/)\s*[0-9]{1,4})?$`)

func headerKey(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	return digitRun.ReplaceAllString(s, "#")
}

// markRunningHeaders flags fragments in the top and bottom bands of pages
// that repeat, modulo digits, at the same height on other pages, and page
// numbers standing alone there.
func markRunningHeaders(layouts []*pageLayout) {
	type cand struct {
		page int
		f    *fragment
		key  string
	}
	var cands []cand
	for i, lay := range layouts {
		for _, f := range lay.frags {
			if f.rot != 0 {
				continue
			}
			if f.y >= lay.top-0.12*lay.height || f.y <= lay.bot+0.10*lay.height {
				cands = append(cands, cand{i, f, headerKey(f.text)})
			}
		}
	}
	byKey := map[string][]cand{}
	for _, c := range cands {
		byKey[c.key] = append(byKey[c.key], c)
	}
	for _, c := range cands {
		if pageNumberLine.MatchString(strings.TrimSpace(c.f.text)) {
			c.f.header = true
			continue
		}
		if len(layouts) < 2 {
			continue
		}
		pagesSeen := map[int]bool{c.page: true}
		for _, o := range byKey[c.key] {
			if o.page != c.page && math.Abs(o.f.y-c.f.y) < 4 {
				pagesSeen[o.page] = true
			}
		}
		if len(pagesSeen) >= 2 {
			c.f.header = true
		}
	}
}

// pageText lays out a page's body fragments in reading order and returns
// its text (traced when the layout is) and its running header/footer lines.
func pageText(lay *pageLayout, vocab *vocabulary) (text ttext, header string) {
	var body []*fragment
	var heads []*fragment
	for _, f := range lay.frags {
		if f.header {
			heads = append(heads, f)
		} else {
			body = append(body, f)
		}
	}
	trace := lay.glyphs != nil
	var parts []*tbuilder
	// kinds[i] tells what parts[i] is: running text may go on in a later
	// part (a column break), footnotes are passed over to find it, table
	// rows are not text it goes on from.
	var kinds []partKind
	for rot := uint8(0); rot < 4; rot++ {
		var fs []*fragment
		for _, f := range body {
			if f.rot == rot {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		for _, b := range readGrids(orderBands(buildBlocks(fs))) {
			if rows := tableRows(b, vocab); rows != nil {
				for _, r := range rows {
					part := &tbuilder{trace: trace}
					part.add(r)
					parts = append(parts, part)
					kinds = append(kinds, tableRowPart)
				}
				continue
			}
			for _, para := range paragraphs(b) {
				tt := trimSpace(vocab.paragraphText(para))
				t := tt.s
				if t == "" {
					continue
				}
				// A paragraph cut by a column break continues: the block
				// before it stops mid-sentence and this one starts in lower
				// case (and not after a bullet: list items often do). The
				// footnotes at the foot of the column in between stay
				// after it.
				n := len(parts)
				for n > 0 && kinds[n-1] == footnotePart {
					n--
				}
				// Past footnotes, only text that stops on a word in lower
				// case ("…with low molecular") is taken to go on (not a
				// table's last line, "… PDB code 4BXK").
				acrossNotes := n < len(parts)
				if n > 0 && kinds[n-1] == textPart && !bulletStart(para[0]) && continuesSentence(parts[n-1].String(), t) &&
					(!acrossNotes || endsWithLowerWord(parts[n-1].String())) {
					prev := parts[n-1]
					sep, drop := vocab.joinHyphen(prev.String(), t)
					if drop {
						prev.dropLastRune()
					}
					prev.addLayout(sep)
					prev.add(tt)
					continue
				}
				part := &tbuilder{trace: trace}
				part.add(tt)
				parts = append(parts, part)
				kind := textPart
				if isFootnote(para[0]) {
					kind = footnotePart
				}
				kinds = append(kinds, kind)
			}
		}
	}
	sort.SliceStable(heads, func(i, j int) bool {
		if heads[i].y != heads[j].y {
			return heads[i].y > heads[j].y
		}
		return heads[i].x0 < heads[j].x0
	})
	var hs []string
	for _, h := range heads {
		hs = append(hs, strings.TrimSpace(h.text))
	}
	all := tbuilder{trace: trace}
	for i, p := range parts {
		if i > 0 {
			all.addLayout("\n\n")
		}
		all.add(p.text())
	}
	return nfcTraced(all.text()), norm.NFC.String(strings.Join(hs, "\n"))
}

// titleFromPage guesses the title from page 1: the lines set in the largest
// font in the upper part of the page (trying smaller sizes when the largest
// is a logo or a single word).
func titleFromPage(lay *pageLayout, vocab *vocabulary) string {
	if lay == nil {
		return ""
	}
	var fs []*fragment
	for _, f := range lay.frags {
		if f.rot == 0 && !f.header && f.y > lay.bot+0.35*lay.height {
			fs = append(fs, f)
		}
	}
	var sizes []float64
	for _, f := range fs {
		s := math.Round(f.size*2) / 2
		dup := false
		for _, t := range sizes {
			if math.Abs(t-s) < 0.6 {
				dup = true
			}
		}
		if !dup {
			sizes = append(sizes, s)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sizes)))
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].y > fs[j].y })
	short := ""
	body := bodySize(fs)
	for k, s := range sizes {
		if k >= 4 || short != "" && s <= 1.05*body {
			// Body text is no title when a short one stood above it.
			break
		}
		var group []*fragment
		for _, f := range fs {
			if math.Abs(f.size-s) > 0.6 || articleType.MatchString(strings.TrimSpace(f.text)) {
				continue
			}
			if len(group) > 0 {
				last := group[len(group)-1]
				if last.y-f.y > 2.2*s {
					break
				}
			}
			group = append(group, f)
		}
		if len(group) == 0 {
			continue
		}
		t := strings.Join(strings.Fields(vocab.paragraphText(group).s), " ")
		if PlausibleTitle(t) && len(strings.Fields(t)) >= 3 && !datedLine.MatchString(t) {
			return norm.NFC.String(t)
		}
		if k == 0 && s >= 1.4*body {
			short = t
		}
	}
	// A title of a word or two, set in the page's largest type well above
	// the rest ("BibTeXing"), when nothing longer qualified.
	if n := len(strings.Fields(short)); n >= 1 && n <= 2 && len([]rune(short)) >= 6 && !articleType.MatchString(short) && letterShare(short) > 0.7 {
		return norm.NFC.String(short)
	}
	return ""
}

// bodySize is the size most of the characters of fs are set in.
func bodySize(fs []*fragment) float64 {
	chars := map[float64]int{}
	best := 0.0
	for _, f := range fs {
		s := math.Round(f.size*2) / 2
		chars[s] += len(f.text)
		if chars[s] > chars[best] {
			best = s
		}
	}
	return best
}

// datedLine matches a line that carries a date ("Oren Patashnik February
// 8, 1988", "8 February 1988"): an author and date line, not a title.
var datedLine = pdfPatterns.New(`(?i)\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(tember)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?\s+(\d{1,2},?\s+)?(1[89]|20)\d\d\b|\b\d{1,2}\s+(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(tember)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?\s+(1[89]|20)\d\d\b`)

// letterShare is the share of letters among the characters of s that are
// not spaces.
func letterShare(s string) float64 {
	letters, all := 0, 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		all++
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(letters) / float64(all)
}

// inherited looks a page attribute up the page tree.
func inherited(p pdf.Page, key string) pdf.Value {
	v := p.V
	for depth := 0; depth < 64 && !v.IsNull(); depth++ {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// continuesSentence reports whether next reads as the rest of prev's last
// sentence: prev does not end a sentence or heading and next starts with a
// lower-case letter.
func continuesSentence(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsLower(first) {
		return false
	}
	if strings.ContainsRune(".!?:;)]}”\"", last) {
		return false
	}
	return unicode.IsLetter(last) || last == ',' || endsWithHyphen(prev)
}

var objRef = pdfPatterns.New(`(\d+) (\d+) R`)

// kidRefs returns the object numbers ("12 0") of the elements of a /Kids
// array when they are all indirect references, else nil. (The library does
// not expose object identity; its printed form of the array shows it.)
func kidRefs(kids pdf.Value) []string {
	if kids.Len() > 100_000 {
		return nil
	}
	m := objRef.FindAllStringSubmatch(kids.String(), -1)
	if len(m) != kids.Len() {
		return nil
	}
	out := make([]string, len(m))
	for i, x := range m {
		out[i] = x[1] + " " + x[2]
	}
	return out
}
