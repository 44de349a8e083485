package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// risLine matches "TY  - JOUR": a two-character tag, spaces, a hyphen and
// the value. Exporters differ in the spaces; all are accepted.
var risLine = lazyre.New(`^[ \t]*([A-Z][A-Z0-9])[ \t]{1,3}-(?:[ \t](.*)|[ \t]*)$`)

// parseRIS reads RIS records (TY … ER). A line without a tag continues the
// previous field (wrapped abstracts). A record is an error when it has
// neither title nor DOI, and so is text outside any record.
func parseRIS(text string) ([]Metadata, error) {
	var (
		out      []Metadata
		errs     = &ParseErrors{Format: FormatRIS}
		record   = 0
		cur      *risRecord
		lastTag  string
		orphanAt = 0 // line of the first stray line since the last record
	)
	finish := func() {
		if cur == nil {
			return
		}
		m, err := cur.metadata()
		if err != nil {
			errs.add(cur.number, cur.line, err)
		} else {
			out = append(out, m)
		}
		cur = nil
	}
	lineNo := 0
	for rest := text; rest != ""; {
		var line string
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, ""
		}
		lineNo++
		line = strings.TrimRight(line, "\r")
		m := risLine.FindStringSubmatch(line)
		if m == nil {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if cur != nil && lastTag != "" {
				cur.appendTo(lastTag, line)
				continue
			}
			if orphanAt == 0 {
				orphanAt = lineNo
			}
			continue
		}
		tag, value := m[1], strings.TrimSpace(m[2])
		switch {
		case tag == "TY":
			finish()
			if orphanAt > 0 {
				errs.add(0, orphanAt, errors.New("text outside a record (before TY)"))
				orphanAt = 0
			}
			record++
			cur = &risRecord{number: record, line: lineNo, fields: map[string][]*strings.Builder{}}
			cur.add(tag, value)
			lastTag = tag
		case tag == "ER":
			if cur == nil {
				if orphanAt == 0 {
					orphanAt = lineNo
				}
			}
			finish()
			lastTag = ""
		case cur == nil:
			if orphanAt == 0 {
				orphanAt = lineNo
			}
		default:
			cur.add(tag, value)
			lastTag = tag
		}
	}
	finish()
	if orphanAt > 0 {
		errs.add(0, orphanAt, errors.New("text outside a record (missing TY)"))
	}
	if record == 0 && len(errs.Errors) == 0 {
		return nil, errors.New("ris: no TY record found")
	}
	return out, errs.orNil()
}

// maxRISField bounds one field's text; a longer one is an error rather
// than a record that holds a whole broken file.
const maxRISField = 1 << 20

type risRecord struct {
	number, line int
	fields       map[string][]*strings.Builder
	size         int
	tooLong      bool
}

func (r *risRecord) add(tag, value string) {
	r.size += len(value)
	if r.size > 16*maxRISField {
		r.tooLong = true
		return
	}
	b := &strings.Builder{}
	b.WriteString(value)
	r.fields[tag] = append(r.fields[tag], b)
}

// appendTo continues the last value of tag with a wrapped line.
func (r *risRecord) appendTo(tag, line string) {
	vs := r.fields[tag]
	if len(vs) == 0 {
		return
	}
	last := vs[len(vs)-1]
	if last.Len()+len(line) > maxRISField {
		r.tooLong = true
		return
	}
	last.WriteByte(' ')
	last.WriteString(strings.TrimSpace(line))
}

func (r *risRecord) first(tags ...string) string {
	for _, t := range tags {
		for _, b := range r.fields[t] {
			if v := strings.TrimSpace(b.String()); v != "" {
				return v
			}
		}
	}
	return ""
}

func (r *risRecord) metadata() (Metadata, error) {
	if r.tooLong {
		return Metadata{}, errors.New("field too long (missing ER?)")
	}
	ty := strings.ToUpper(r.first("TY"))
	m := Metadata{
		Title:    r.first("TI", "T1", "CT", "BT"),
		Volume:   r.first("VL"),
		Issue:    r.first("IS", "CP"),
		DOI:      r.first("DO", "DI", "M3"),
		URL:      r.first("UR", "L2"),
		Abstract: r.first("AB", "N2"),
		Language: r.first("LA"),
		Type:     cslTypeFor[strings.ToLower(ty)],
	}
	if m.Type == "" {
		m.Type = "article-journal"
	}
	if ty == "BOOK" && m.Title == "" {
		m.Title = r.first("T2")
	}
	// T2 is the journal of an article and the book of a chapter; JF/JO are
	// full and abbreviated journal names.
	m.Journal = r.first("T2", "JF", "JO", "JA", "J2", "T3")
	if ty == "BOOK" {
		m.Journal = r.first("T3")
	}
	if m.Title == "" {
		m.Title = r.first("ST")
	}
	if NormalizeDOI(m.DOI) == "" {
		m.DOI = ""
		for _, b := range r.fields["UR"] {
			u := b.String()
			if d := NormalizeDOI(u); d != "" && strings.Contains(strings.ToLower(u), "doi") {
				m.DOI = d
				break
			}
		}
	}
	m.Pages = joinPages(r.first("SP"), r.first("EP"))
	for _, t := range []string{"DA", "PY", "Y1", "Y2"} {
		if d := r.first(t); d != "" {
			m.setDate(parseDate(d))
		}
	}
	for _, tag := range []string{"AU", "A1"} {
		for _, a := range r.fields[tag] {
			if au := risAuthor(a.String()); au != (Author{}) {
				m.Authors = append(m.Authors, au)
			}
		}
		if len(m.Authors) > 0 {
			break
		}
	}
	for _, tag := range []string{"ED", "A3"} {
		for _, a := range r.fields[tag] {
			if au := risAuthor(a.String()); au != (Author{}) {
				m.Editors = append(m.Editors, au)
			}
		}
	}
	if ty == "CHAP" && len(m.Editors) == 0 {
		// A2, the secondary author, is the book's editor in a chapter.
		for _, a := range r.fields["A2"] {
			if au := risAuthor(a.String()); au != (Author{}) {
				m.Editors = append(m.Editors, au)
			}
		}
	}
	m.Publisher = r.first("PB")
	m.Edition = r.first("ET")
	for _, n := range r.fields["N1"] {
		if c := citedBy.FindStringSubmatch(n.String()); c != nil {
			m.CitationCount, _ = strconv.Atoi(c[1])
		}
	}
	m.clean()
	if m.Title == "" && m.DOI == "" {
		return m, fmt.Errorf("%s record: no title or DOI", strings.ToUpper(ty))
	}
	return m, nil
}

// risAuthor reads an RIS author: "Family, Given", "Family, G.", or a name
// without a comma, which RIS exporters use for institutions.
func risAuthor(s string) Author {
	s = collapseSpace(s)
	if s == "" {
		return Author{}
	}
	if strings.Contains(s, ",") {
		return parseName(s)
	}
	if len(strings.Fields(s)) == 1 {
		return Author{Family: s}
	}
	return Author{Literal: s}
}
