package index

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file holds what a reading interface asks of the library beyond
// search: the document list sorted and filtered, the words of a page a query
// matches, the sentences and paragraphs a reader selects, and the
// query-string clause that narrows a search to one facet value.

// BrowseRequest asks for the document list.
type BrowseRequest struct {
	// Filter keeps documents whose title, authors, journal, year or DOI
	// contain it (case-insensitive). Empty keeps all.
	Filter string
	// Sort is one of BrowseSortKeys ("" sorts by id, the import order).
	Sort       string
	Descending bool
	// Coder, when set, counts (and sorts by) that coder's annotations
	// only: a window coding blind.
	Coder string
}

// BrowseSortKeys are the columns BrowseDocuments sorts by.
var BrowseSortKeys = []string{"title", "authors", "year", "journal", "pages", "annotations", "imported"}

var browseOrder = map[string]string{
	"":            "d.id",
	"title":       "d.title COLLATE NOCASE",
	"authors":     "d.authors COLLATE NOCASE",
	"year":        "d.year",
	"journal":     "d.journal COLLATE NOCASE",
	"pages":       "d.page_count",
	"annotations": "(SELECT COUNT(*) FROM annotations a WHERE a.doc_id = d.id)",
	"imported":    "d.imported_at",
}

// browseColumns are the fields of a row of the document list: a library of
// 100,000 articles lists in a fraction of the time the whole records take
// (their abstracts alone are a quarter of a gigabyte), and the list is what
// the window loads first.
const browseColumns = `d.id, COALESCE(d.sha256,''), d.file_name, d.kind, d.page_count, d.size_bytes, d.imported_at,
	d.title, d.authors, d.year, d.journal, d.doi,
	(SELECT COUNT(*) FROM annotations a WHERE a.doc_id = d.id)`

func scanBrowseRow(r rowScanner) (Document, error) {
	var d Document
	var imported, authors string
	if err := r.Scan(&d.ID, &d.SHA256, &d.FileName, &d.Kind, &d.PageCount, &d.SizeBytes, &imported,
		&d.Title, &authors, &d.Year, &d.Journal, &d.DOI, &d.AnnotationCount); err != nil {
		return d, err
	}
	d.ImportedAt, _ = time.Parse(time.RFC3339Nano, imported)
	json.Unmarshal([]byte(authors), &d.Authors)
	return d, nil
}

// BrowseDocuments lists documents filtered and sorted as asked. Each row
// holds what the list shows and sorts by: id, file (name, kind, SHA-256,
// size, pages), import time, title, authors, year, journal, DOI and the
// annotation count; Library.Document gives the whole record.
func (l *Library) BrowseDocuments(ctx context.Context, req BrowseRequest) ([]Document, error) {
	order, ok := browseOrder[req.Sort]
	if !ok {
		return nil, fmt.Errorf("browse documents: unknown sort key %q: %w", req.Sort, ErrInvalidInput)
	}
	dir := "ASC"
	if req.Descending {
		dir = "DESC"
	}
	q := "SELECT " + browseColumns + " FROM documents d"
	var args []any
	if f := strings.TrimSpace(req.Filter); f != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f) + "%"
		q += ` WHERE d.title LIKE ? ESCAPE '\' OR d.authors LIKE ? ESCAPE '\' OR d.journal LIKE ? ESCAPE '\'
			OR CAST(d.year AS TEXT) LIKE ? ESCAPE '\' OR d.doi LIKE ? ESCAPE '\' OR d.alt_titles LIKE ? ESCAPE '\'`
		args = []any{like, like, like, like, like, like}
	}
	coder := strings.TrimSpace(req.Coder)
	if coder == NoCoder {
		coder = ""
	}
	if req.Coder != "" && req.Sort == "annotations" {
		order = "(SELECT COUNT(*) FROM annotations a WHERE a.doc_id = d.id AND a.author = ? COLLATE NOCASE)"
		args = append(args, coder)
	}
	q += " ORDER BY " + order + " " + dir + ", d.id " + dir
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("browse documents: %w", err)
	}
	defer rows.Close()
	docs := []Document{}
	for rows.Next() {
		d, err := scanBrowseRow(rows)
		if err != nil {
			return nil, fmt.Errorf("browse documents: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("browse documents: %w", err)
	}
	if req.Coder != "" {
		counts := map[int64]int{}
		crows, err := l.db.QueryContext(ctx, "SELECT doc_id, COUNT(*) FROM annotations WHERE author = ? COLLATE NOCASE GROUP BY doc_id", coder)
		if err != nil {
			return nil, fmt.Errorf("browse documents: %w", err)
		}
		for crows.Next() {
			var id int64
			var n int
			crows.Scan(&id, &n)
			counts[id] = n
		}
		crows.Close()
		for i := range docs {
			docs[i].AnnotationCount = counts[docs[i].ID]
		}
	}
	return docs, nil
}

// ReadingSpan is a stretch of a page's text: Unicode code points, End
// exclusive (the offset rule of annotations).
type ReadingSpan struct {
	Start, End int
}

// TermBounds returns where the words of a search query occur in text, with
// the same English analysis (stemming, case folding) search uses, so that a
// reader highlights what the search matched. Negated words (-word) and
// fielded terms of non-text fields are left out; prefix* terms match words
// that start with the prefix.
func (l *Library) TermBounds(ctx context.Context, query, text string) ([]ReadingSpan, error) {
	idx, err := l.searchIndex(ctx)
	if err != nil {
		return nil, err
	}
	an := idx.Mapping().AnalyzerNamed(englishAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("term bounds: no analyzer %q", englishAnalyzer)
	}
	terms := map[string]bool{}
	var prefixes []string
	for _, w := range queryWords(query) {
		if strings.HasSuffix(w, "*") {
			if p := foldString(strings.TrimRight(w, "*")); p != "" {
				prefixes = append(prefixes, p)
			}
			continue
		}
		for _, tok := range an.Analyze([]byte(w)) {
			terms[string(tok.Term)] = true
		}
	}
	if len(terms) == 0 && len(prefixes) == 0 {
		return nil, nil
	}
	var spans []ReadingSpan
	bytePos, runePos := 0, 0
	toRune := func(b int) int {
		if b < bytePos {
			bytePos, runePos = 0, 0
		}
		runePos += utf8.RuneCountInString(text[bytePos:b])
		bytePos = b
		return runePos
	}
	for _, tok := range an.Analyze([]byte(text)) {
		hit := terms[string(tok.Term)]
		if !hit {
			word := foldString(text[tok.Start:tok.End])
			for _, p := range prefixes {
				if strings.HasPrefix(word, p) {
					hit = true
					break
				}
			}
		}
		if hit {
			s := toRune(tok.Start)
			e := toRune(tok.End)
			if n := len(spans); n == 0 || spans[n-1] != (ReadingSpan{s, e}) { // a word and its folded form
				spans = append(spans, ReadingSpan{s, e})
			}
		}
	}
	return spans, nil
}

// queryTextFields are the fields whose terms occur in page text.
var queryTextFields = map[string]bool{"": true, "text": true, "title": true, "abstract": true, "annotation": true, "_all": true}

// queryWords picks the words of a query string that a reader should
// highlight.
func queryWords(q string) []string {
	var words []string
	var b strings.Builder
	inQuote, negated, skipField, notNext := false, false, false, false
	flush := func() {
		w := b.String()
		b.Reset()
		if !inQuote && (w == "AND" || w == "OR" || w == "NOT") {
			notNext = w == "NOT" // the operators are no words; NOT excludes the next term
			return
		}
		if w != "" && notNext {
			notNext = false
			return
		}
		if w != "" && !negated && !skipField {
			if i := strings.IndexAny(w, "~^"); i >= 0 {
				w = w[:i]
			}
			if w != "" {
				words = append(words, w)
			}
		}
	}
	for i, r := range q {
		switch {
		case r == '"':
			flush()
			inQuote = !inQuote
			if !inQuote {
				negated, skipField = false, false
			}
		case unicode.IsSpace(r) || r == '(' || r == ')':
			flush()
			if !inQuote {
				negated, skipField = false, false
			}
		case (r == '-' || r == '+') && b.Len() == 0 && !inQuote:
			negated = r == '-'
		case r == ':' && !inQuote && b.Len() > 0:
			field := b.String()
			b.Reset()
			skipField = !queryTextFields[strings.ToLower(field)]
			_ = i
		default:
			b.WriteRune(r)
		}
	}
	flush()
	return words
}

// SentenceBounds splits text into sentences: a sentence ends at . ! or ?
// (with closing quotes or brackets) before white space and a capital, a
// digit or an opening quote, or at a paragraph break. Common abbreviations
// (e.g., et al., i.e., single initials) do not end a sentence. Spans leave
// out surrounding white space.
func SentenceBounds(text string) []ReadingSpan {
	rs := []rune(text)
	var out []ReadingSpan
	for _, para := range paragraphRunes(rs) {
		start := para.Start
		for i := para.Start; i < para.End; i++ {
			r := rs[i]
			if r != '.' && r != '!' && r != '?' {
				continue
			}
			j := i + 1
			for j < para.End && strings.ContainsRune(`"'”’)]`, rs[j]) {
				j++
			}
			if j >= para.End || !unicode.IsSpace(rs[j]) {
				continue
			}
			k := j
			for k < para.End && unicode.IsSpace(rs[k]) {
				k++
			}
			if k >= para.End {
				continue
			}
			next := rs[k]
			if !(unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune(`"'“‘(`, next)) {
				continue
			}
			if r == '.' && isAbbreviation(rs[start:i]) {
				continue
			}
			out = appendTrimmed(out, rs, start, j)
			start = k
			i = k - 1
		}
		out = appendTrimmed(out, rs, start, para.End)
	}
	return out
}

var abbreviations = map[string]bool{"e.g": true, "i.e": true, "al": true, "etc": true, "cf": true, "vs": true, "dr": true, "mr": true, "mrs": true, "ms": true, "prof": true, "fig": true, "no": true, "vol": true, "pp": true, "p": true, "ed": true, "eds": true, "approx": true}

// isAbbreviation reports whether the word before a full stop is an
// abbreviation or an initial.
func isAbbreviation(before []rune) bool {
	i := len(before)
	for i > 0 && !unicode.IsSpace(before[i-1]) && before[i-1] != '(' {
		i--
	}
	w := string(before[i:])
	if utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0]) {
		return true // an initial: "A. Topor"
	}
	return abbreviations[strings.ToLower(w)]
}

// ParagraphBounds splits text at blank lines (the importer's paragraph
// separator), leaving out surrounding white space.
func ParagraphBounds(text string) []ReadingSpan {
	rs := []rune(text)
	var out []ReadingSpan
	for _, p := range paragraphRunes(rs) {
		out = appendTrimmed(out, rs, p.Start, p.End)
	}
	return out
}

func paragraphRunes(rs []rune) []ReadingSpan {
	var out []ReadingSpan
	start := 0
	for i := 0; i < len(rs); i++ {
		if rs[i] != '\n' {
			continue
		}
		j := i + 1
		for j < len(rs) && (rs[j] == ' ' || rs[j] == '\t' || rs[j] == '\r') {
			j++
		}
		if j < len(rs) && rs[j] == '\n' {
			out = append(out, ReadingSpan{start, i})
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
			start = j
			i = j - 1
		}
	}
	return append(out, ReadingSpan{start, len(rs)})
}

func appendTrimmed(out []ReadingSpan, rs []rune, s, e int) []ReadingSpan {
	for s < e && unicode.IsSpace(rs[s]) {
		s++
	}
	for e > s && unicode.IsSpace(rs[e-1]) {
		e--
	}
	if e > s {
		out = append(out, ReadingSpan{s, e})
	}
	return out
}

// FacetClause returns the query-string clause that keeps only hits with one
// value of a facet ("year" or "journal", as in SearchResult.Facets), to add
// to a query.
func FacetClause(facet, value string) (string, error) {
	field := map[string]string{"year": "facet_year", "journal": "facet_journal"}[facet]
	if field == "" {
		return "", fmt.Errorf("facet clause: unknown facet %q: %w", facet, ErrInvalidInput)
	}
	var b strings.Builder
	b.WriteString("+" + field + ":")
	for _, r := range value {
		if strings.ContainsRune(queryReserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

// queryReserved are the characters Bleve's query-string syntax reserves.
const queryReserved = "+-=&|><!(){}[]^\"~*?:\\/ "
