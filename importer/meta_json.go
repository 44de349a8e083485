package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// parseJSONMetadata reads the first JSON value of text — an array of
// records, one record, or a wrapper ({"items": […]}, Semantic Scholar's
// {"data": […]}, Crossref's {"message": …}) — and ignores what follows it,
// as aggregator exports append plain text after the record. Each record is
// read as Semantic Scholar or CSL-JSON (Crossref's dialect included) by its
// keys. A syntax error is fatal and names its line; a record of the wrong
// shape is reported and skipped.
func parseJSONMetadata(text string) ([]Metadata, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	syntaxErr := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("json: line %d: %w", lineAt(text, int(se.Offset)), err)
		}
		if errors.Is(err, errUnexpectedEOF) || err.Error() == "unexpected EOF" {
			return fmt.Errorf("json: unexpected end of file at line %d", lineAt(text, len(text)))
		}
		return fmt.Errorf("json: %w", err)
	}
	start := strings.TrimLeft(text, " \t\r\n")
	if start == "" {
		return nil, errors.New("json: empty file")
	}
	errs := &ParseErrors{Format: FormatCSLJSON}
	var out []Metadata
	if start[0] != '[' {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxErr(err)
		}
		if items, ok := unwrapRecordList(raw); ok {
			for i, item := range items {
				m, format, err := jsonRecord(item)
				if format == FormatS2JSON {
					errs.Format = FormatS2JSON
				}
				if err != nil {
					errs.add(i+1, 0, err)
					continue
				}
				out = append(out, m)
			}
			return out, errs.orNil()
		}
		m, format, err := jsonRecord(raw)
		if format == FormatS2JSON {
			errs.Format = FormatS2JSON
		}
		if err != nil {
			errs.add(1, 1, err)
			return nil, errs
		}
		return []Metadata{m}, nil
	}
	if _, err := dec.Token(); err != nil { // '['
		return nil, syntaxErr(err)
	}
	// Line numbers are counted incrementally so that a long array costs
	// linear time.
	line, counted := 1, 0
	lineOf := func(off int) int {
		off = min(max(off, counted), len(text))
		line += strings.Count(text[counted:off], "\n")
		counted = off
		return line
	}
	for n := 1; dec.More(); n++ {
		off := int(dec.InputOffset())
		for off < len(text) && strings.IndexByte(" \t\r\n,", text[off]) >= 0 {
			off++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			err = syntaxErr(err)
			if len(out) == 0 {
				return nil, err
			}
			errs.add(n, lineOf(off), err)
			return out, errs
		}
		recLine := lineOf(off)
		m, format, err := jsonRecord(raw)
		if format == FormatS2JSON {
			errs.Format = FormatS2JSON
		}
		if err != nil {
			errs.add(n, recLine, err)
			continue
		}
		out = append(out, m)
	}
	if _, err := dec.Token(); err != nil { // ']'
		if len(out) == 0 {
			return nil, syntaxErr(err)
		}
		errs.add(0, lineAt(text, len(text)), syntaxErr(err))
	}
	if len(out) == 0 && errs.orNil() == nil {
		return nil, ErrNoRecords
	}
	return out, errs.orNil()
}

var errUnexpectedEOF = errors.New("unexpected EOF")

// unwrapRecordList returns the records of a wrapper object, if raw is one.
func unwrapRecordList(raw json.RawMessage) ([]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil, false
	}
	if _, hasTitle := obj["title"]; hasTitle {
		return nil, false
	}
	if msg, ok := obj["message"]; ok { // Crossref API: {"message-type": "work", "message": {…}}
		var inner map[string]json.RawMessage
		if json.Unmarshal(msg, &inner) == nil {
			if items, ok := inner["items"]; ok {
				var list []json.RawMessage
				if json.Unmarshal(items, &list) == nil {
					return list, true
				}
			}
			return []json.RawMessage{msg}, true
		}
	}
	for _, key := range []string{"items", "data", "results", "papers"} {
		if v, ok := obj[key]; ok {
			var list []json.RawMessage
			if json.Unmarshal(v, &list) == nil {
				return list, true
			}
		}
	}
	return nil, false
}

// jsonRecord reads one JSON record and says which format it was read as.
func jsonRecord(raw json.RawMessage) (Metadata, string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return Metadata{}, "", fmt.Errorf("not a JSON object (%s)", jsonKind(raw))
	}
	if isS2Record(obj) {
		m, err := s2Record(obj, 0)
		return m, FormatS2JSON, err
	}
	m, err := cslRecord(obj)
	return m, FormatCSLJSON, err
}

func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "empty"
	}
	switch t[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

func isS2Record(obj map[string]json.RawMessage) bool {
	for _, k := range []string{"resultStr", "paperId", "publicationDate", "externalIds", "citationCount", "venue", "PeriodicalName"} {
		if _, ok := obj[k]; ok {
			return true
		}
	}
	_, authors := obj["authors"]
	_, author := obj["author"]
	return authors && !author
}

// jstr reads a JSON value as text: a string, a number, or the first
// element of an array of them (Crossref writes "title": ["…"]).
func jstr(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return ""
	}
	switch t[0] {
	case '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(t, &list) == nil {
			for _, e := range list {
				if s := jstr(e); s != "" {
					return s
				}
			}
		}
	case '{', 'n', 't', 'f':
	default:
		return string(t) // a number
	}
	return ""
}

// jint reads a count given as a number or a numeric string ("19").
func jint(raw json.RawMessage) int {
	s := strings.TrimSpace(jstr(raw))
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e9 {
		return int(f)
	}
	return 0
}

func jobj(raw json.RawMessage) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	return obj
}

func firstStr(obj map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		if s := strings.TrimSpace(jstr(obj[k])); s != "" {
			return s
		}
	}
	return ""
}

// crossrefTypes maps Crossref work types to CSL types.
var crossrefTypes = map[string]string{
	"journal-article": "article-journal", "book-chapter": "chapter", "proceedings-article": "paper-conference",
	"posted-content": "article", "dissertation": "thesis", "monograph": "book", "edited-book": "book",
	"reference-entry": "entry", "report": "report",
}

// cslRecord reads a CSL-JSON item, as Zotero and citeproc write them; the
// Crossref dialect (arrays of titles, "published-print", "page") is read
// too.
func cslRecord(obj map[string]json.RawMessage) (Metadata, error) {
	m := Metadata{
		Title:    firstStr(obj, "title"),
		Journal:  firstStr(obj, "container-title", "collection-title", "container-title-short", "journalAbbreviation", "short-container-title"),
		Volume:   firstStr(obj, "volume"),
		Issue:    firstStr(obj, "issue", "number"),
		Pages:    firstStr(obj, "page"),
		DOI:      firstStr(obj, "DOI", "doi"),
		URL:      firstStr(obj, "URL", "url"),
		Abstract: firstStr(obj, "abstract"),
		Language: firstStr(obj, "language"),
		Type:     firstStr(obj, "type"),
	}
	if t, ok := crossrefTypes[m.Type]; ok {
		m.Type = t
	}
	m.Publisher = firstStr(obj, "publisher")
	m.Edition = firstStr(obj, "edition")
	if m.Type == "report" || m.Type == "article-journal" && firstStr(obj, "issue") != "" {
		// "number" is a report's number, or an article's beside its issue.
		m.Number = firstStr(obj, "number")
		m.Issue = firstStr(obj, "issue")
	}
	if alt := firstStr(obj, "original-title", "translated-title"); alt != "" {
		m.AltTitles = append(m.AltTitles, alt)
	}
	for _, k := range []string{"issued", "published-print", "published-online", "published", "created"} {
		if iso, year := cslDate(obj[k]); year > 0 {
			m.setDate(iso, year)
			break
		}
	}
	m.CitationCount = jint(obj["is-referenced-by-count"])
	var err error
	if m.Authors, err = cslNames(obj, "author"); err != nil {
		return m, err
	}
	if m.Editors, err = cslNames(obj, "editor"); err != nil {
		return m, err
	}
	m.clean()
	if m.Title == "" && m.DOI == "" {
		return m, errors.New("CSL-JSON record has no title or DOI")
	}
	return m, nil
}

// cslNames reads a CSL name list ("author", "editor"): objects with family,
// given and particles, literals, or plain strings.
func cslNames(obj map[string]json.RawMessage, key string) ([]Author, error) {
	var names []json.RawMessage
	if raw, ok := obj[key]; ok && json.Unmarshal(raw, &names) != nil {
		return nil, fmt.Errorf("%q is not a list", key)
	}
	var out []Author
	for _, raw := range names {
		a := jobj(raw)
		if a == nil {
			if s := jstr(raw); s != "" {
				out = append(out, parseName(s))
			}
			continue
		}
		family := firstStr(a, "family")
		if p := firstStr(a, "non-dropping-particle"); p != "" && family != "" {
			family = p + " " + family
		}
		if p := firstStr(a, "dropping-particle"); p != "" && family != "" {
			family = p + " " + family
		}
		if s := firstStr(a, "suffix"); s != "" && family != "" {
			family += ", " + s
		}
		au := Author{Family: family, Given: firstStr(a, "given")}
		if au.Family == "" {
			lit := firstStr(a, "literal", "name")
			if lit != "" {
				au = Author{Literal: lit}
			}
		}
		if au != (Author{}) {
			out = append(out, au)
		}
	}
	return out, nil
}

// cslDate reads a CSL date: {"date-parts": [[2016, 10, 1]]} (parts may be
// strings), {"raw": "2016-10-01"} or {"literal": "…"}.
func cslDate(raw json.RawMessage) (string, int) {
	obj := jobj(raw)
	if obj == nil {
		if s := jstr(raw); s != "" {
			return parseDate(s)
		}
		return "", 0
	}
	var parts [][]json.RawMessage
	if json.Unmarshal(obj["date-parts"], &parts) == nil && len(parts) > 0 && len(parts[0]) > 0 {
		p := parts[0]
		y, m, d := jint(p[0]), 0, 0
		if len(p) > 1 {
			m = jint(p[1])
		}
		if len(p) > 2 {
			d = jint(p[2])
		}
		if y > 0 {
			return isoFromParts(y, m, d), y
		}
	}
	for _, k := range []string{"raw", "literal", "date-time"} {
		if s := jstr(obj[k]); s != "" {
			return parseDate(s)
		}
	}
	return "", 0
}

// s2Record reads a Semantic Scholar paper record. An aggregator record
// carries the original record as a JSON string in "resultStr"; its own
// "title" is then a machine translation. The original becomes the record
// and the translation an alternative title; fields the original lacks are
// taken from the wrapper.
func s2Record(obj map[string]json.RawMessage, depth int) (Metadata, error) {
	m := s2Fields(obj)
	if inner := jstr(obj["resultStr"]); inner != "" && depth < 2 {
		var innerObj map[string]json.RawMessage
		if json.Unmarshal([]byte(inner), &innerObj) == nil {
			orig, err := s2Record(innerObj, depth+1)
			if err == nil {
				if m.Title != "" {
					orig.AltTitles = append(orig.AltTitles, m.Title)
				}
				orig.AltTitles = append(orig.AltTitles, m.AltTitles...)
				fillMissing(&orig, m)
				m = orig
			}
		}
	}
	m.clean()
	if m.Title == "" && m.DOI == "" {
		return m, errors.New("Semantic Scholar record has no title or DOI")
	}
	return m, nil
}

func s2Fields(obj map[string]json.RawMessage) Metadata {
	m := Metadata{
		Title:         firstStr(obj, "title"),
		DOI:           firstStr(obj, "doi", "DOI", "DOIUrl"),
		URL:           firstStr(obj, "url", "ListUrlMain"),
		Abstract:      firstStr(obj, "abstract"),
		CitationCount: jint(obj["citationCount"]),
		Language:      firstStr(obj, "language"),
	}
	if ids := jobj(obj["externalIds"]); m.DOI == "" && ids != nil {
		m.DOI = firstStr(ids, "DOI")
	}
	if cn := firstStr(obj, "TitleCN"); cn != "" {
		m.AltTitles = append(m.AltTitles, cn)
	}
	if j := jobj(obj["journal"]); j != nil {
		m.Journal = firstStr(j, "name")
		m.Volume = firstStr(j, "volume")
		m.Pages = firstStr(j, "pages")
	} else {
		m.Journal = firstStr(obj, "journal")
	}
	if m.Journal == "" {
		if v := jobj(obj["publicationVenue"]); v != nil {
			m.Journal = firstStr(v, "name")
		}
	}
	if m.Journal == "" {
		m.Journal = firstStr(obj, "venue", "PeriodicalName")
	}
	if m.Volume == "" {
		m.Volume = firstStr(obj, "volume")
	}
	if m.Pages == "" {
		m.Pages = firstStr(obj, "pages")
	}
	if d := firstStr(obj, "publicationDate", "EPubDate"); d != "" {
		m.setDate(parseDate(d))
	}
	if y := jint(obj["year"]); y > 0 {
		m.setDate(strconv.Itoa(y), y)
	}
	if t := strings.ToLower(strings.TrimSpace(firstStr(obj, "publicationTypes"))); t != "" {
		m.Type = cslTypeFor[t]
	}
	if m.Type == "" && m.Journal != "" {
		m.Type = "article-journal"
	}
	authors := obj["authors"]
	if s := jstr(authors); s != "" && bytes.HasPrefix(bytes.TrimSpace(authors), []byte(`"`)) {
		m.Authors = splitNameList(s)
	} else {
		var list []json.RawMessage
		if json.Unmarshal(authors, &list) == nil {
			for _, raw := range list {
				name := jstr(raw)
				if a := jobj(raw); a != nil {
					name = firstStr(a, "name")
				}
				if name != "" {
					m.Authors = append(m.Authors, parseName(name))
				}
			}
		}
	}
	return m
}

// fillMissing copies into m the fields it lacks from other.
func fillMissing(m *Metadata, other Metadata) {
	set := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	set(&m.Title, other.Title)
	set(&m.Journal, other.Journal)
	set(&m.Volume, other.Volume)
	set(&m.Issue, other.Issue)
	set(&m.Pages, other.Pages)
	set(&m.DOI, other.DOI)
	set(&m.URL, other.URL)
	set(&m.Abstract, other.Abstract)
	set(&m.Language, other.Language)
	set(&m.Type, other.Type)
	set(&m.Publisher, other.Publisher)
	set(&m.Edition, other.Edition)
	set(&m.Number, other.Number)
	if len(m.Editors) == 0 {
		m.Editors = other.Editors
	}
	if m.Year == 0 {
		m.Year, m.Date = other.Year, other.Date
	}
	if len(m.Authors) == 0 {
		m.Authors = other.Authors
	}
	if m.CitationCount == 0 {
		m.CitationCount = other.CitationCount
	}
}
