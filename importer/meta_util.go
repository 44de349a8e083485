package importer

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// decodeText turns the bytes of a text file into valid UTF-8 in NFC: a
// UTF-8 byte-order mark is dropped, UTF-16 with a byte-order mark is
// decoded, and any byte that is not part of valid UTF-8 is read as
// Windows-1252 (a superset of Latin-1's printable characters), so that a
// Latin-1 export, or a UTF-8 file with a few Latin-1 bytes pasted in,
// reads as intended.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		return norm.NFC.String(decodeUTF16(data[2:], false))
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return norm.NFC.String(decodeUTF16(data[2:], true))
	}
	if utf8.Valid(data) {
		return norm.NFC.String(string(data))
	}
	dec := charmap.Windows1252
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			if d := dec.DecodeByte(data[0]); d != utf8.RuneError {
				b.WriteRune(d)
			} else {
				b.WriteRune(unicode.ReplacementChar)
			}
			data = data[1:]
			continue
		}
		b.Write(data[:size])
		data = data[size:]
	}
	return norm.NFC.String(b.String())
}

func decodeUTF16(data []byte, bigEndian bool) string {
	u := make([]uint16, len(data)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// collapseSpace trims s and replaces every run of white space (including
// line breaks and no-break spaces) with one space.
func collapseSpace(s string) string {
	if s == "" || isCollapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// isCollapsed reports whether s has no white space but single ASCII spaces
// between words, without allocating.
func isCollapsed(s string) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' && s[i+1] == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}

var pageRange = pdfPatterns.New(`^\s*([A-Za-z]?\d+[A-Za-z]?)\s*(?:-+|–|—|‐|‑|−|\bto\b)\s*([A-Za-z]?\d+[A-Za-z]?)\s*$`)

// normalizePages writes a page range with an en dash: "275 - 293" and
// "275--293" become "275–293". Anything else is returned with its spaces
// collapsed.
func normalizePages(s string) string {
	s = collapseSpace(s)
	if m := pageRange.FindStringSubmatch(s); m != nil {
		if m[1] == m[2] {
			return m[1]
		}
		return m[1] + "–" + m[2]
	}
	return s
}

// joinPages builds a range from a start and an end page (RIS SP/EP).
func joinPages(start, end string) string {
	start, end = collapseSpace(start), collapseSpace(end)
	switch {
	case start == "":
		return end
	case end == "" || end == start || strings.ContainsAny(start, "-–"):
		return normalizePages(start)
	}
	return normalizePages(start + "–" + end)
}

var (
	isoDate      = lazyre.New(`^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?`)
	yearAnywhere = lazyre.New(`\b(1[5-9]\d\d|20\d\d|21\d\d)\b`)
	monthNames   = map[string]int{
		"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	}
)

// isoFromParts builds an ISO 8601 date "2016", "2016-10" or "2016-10-01"
// from year, month and day; a zero or out-of-range part ends the date.
func isoFromParts(y, m, d int) string {
	if y <= 0 || y > 9999 {
		return ""
	}
	s := strconv.Itoa(y)
	for len(s) < 4 {
		s = "0" + s
	}
	if m < 1 || m > 12 {
		return s
	}
	s += "-" + twoDigits(m)
	if d < 1 || d > 31 {
		return s
	}
	return s + "-" + twoDigits(d)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// parseDate reads a date as metadata formats write it ("2016-10-01",
// "2016/10/01/", "2016/10//", "2016", "October 2016", "Oct. 1, 2016") and
// returns its ISO form and year, or "" and 0.
func parseDate(s string) (iso string, year int) {
	s = strings.TrimSpace(s)
	if m := isoDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		iso = isoFromParts(y, mo, d)
		return iso, y
	}
	m := yearAnywhere.FindStringSubmatch(s)
	if m == nil {
		return "", 0
	}
	y, _ := strconv.Atoi(m[1])
	mo := parseMonth(s)
	d := 0
	if mo > 0 {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) {
			if n, err := strconv.Atoi(f); err == nil && n >= 1 && n <= 31 && f != m[1] {
				d = n
				break
			}
		}
	}
	return isoFromParts(y, mo, d), y
}

// parseMonth reads a month given as a number ("10") or a name in English
// ("oct", "October", "Oct."); 0 when there is none.
func parseMonth(s string) int {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 12 {
		return n
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) >= 3 {
			if n, ok := monthNames[w[:3]]; ok {
				return n
			}
		}
	}
	return 0
}

// setDate sets the record's Date and Year from an ISO date, keeping a
// more precise date already set for the same year.
func (m *Metadata) setDate(iso string, year int) {
	if iso == "" && year == 0 {
		return
	}
	if year > 0 && (m.Year == 0 || m.Year == year) {
		m.Year = year
		if len(iso) > len(m.Date) || (m.Date != "" && !strings.HasPrefix(m.Date, strconv.Itoa(year))) {
			m.Date = iso
		}
		return
	}
	if m.Year == 0 {
		m.Year = year
		m.Date = iso
	}
}

// nameParticles are lower-case words that begin a family name ("van
// Gogh", "de la Cruz") when a name is written "Given Family".
var nameParticles = map[string]bool{
	"van": true, "von": true, "de": true, "der": true, "den": true, "del": true,
	"della": true, "di": true, "da": true, "du": true, "la": true, "le": true,
	"ter": true, "ten": true, "dos": true, "das": true, "af": true, "av": true,
	"zu": true, "bin": true, "ibn": true, "al": true, "el": true, "st.": true,
}

// parseName splits a personal name written "Family, Given", "Family,
// Suffix, Given" or "Given Family" (with particles such as "van") into an
// Author. A single word is a family name.
func parseName(s string) Author {
	s = collapseSpace(s)
	s = strings.Trim(s, ",; ")
	if s == "" {
		return Author{}
	}
	if i := strings.IndexByte(s, ','); i >= 0 {
		parts := strings.Split(s, ",")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		family := parts[0]
		given := strings.Join(parts[1:], " ")
		if len(parts) == 3 { // Family, Jr., Given
			given = parts[2]
			family = parts[0] + " " + parts[1]
			if isSuffix(parts[1]) {
				family = parts[0] + ", " + parts[1]
			}
		}
		return Author{Family: family, Given: collapseSpace(given)}
	}
	words := strings.Fields(s)
	if len(words) == 1 {
		return Author{Family: words[0]}
	}
	// "Topor A" and "Ljungberg AM" (PubMed style): family name, then
	// initials without periods.
	if last := words[len(words)-1]; len(last) <= 3 && !isSuffix(last) && isUpperASCII(last) && !isUpperASCII(words[0]) {
		return Author{Family: strings.Join(words[:len(words)-1], " "), Given: last}
	}
	cut := len(words) - 1
	for i := 1; i < len(words)-1; i++ {
		if nameParticles[strings.ToLower(words[i])] {
			cut = i
			break
		}
	}
	// "A. Topor Jr." keeps the suffix with the family name.
	if cut == len(words)-1 && isSuffix(words[cut]) && len(words) > 2 {
		cut--
	}
	return Author{Given: strings.Join(words[:cut], " "), Family: strings.Join(words[cut:], " ")}
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

func isSuffix(s string) bool {
	switch strings.ToLower(strings.Trim(s, ". ")) {
	case "jr", "sr", "ii", "iii", "iv":
		return true
	}
	return false
}

// splitNameList splits a list of "Given Family" names separated by commas,
// semicolons or "and" ("A. Topor, A. Ljungberg", "A. Topor and A.
// Ljungberg"). A list of "Family, Given" pairs separated by semicolons is
// recognised too.
func splitNameList(s string) []Author {
	s = collapseSpace(s)
	if s == "" {
		return nil
	}
	var parts []string
	if strings.Contains(s, ";") {
		parts = strings.Split(s, ";")
		var out []Author
		for _, p := range parts {
			if a := parseName(p); a != (Author{}) {
				out = append(out, a)
			}
		}
		return out
	}
	for _, p := range strings.Split(s, ",") {
		for _, q := range strings.Split(p, " and ") {
			q = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q), "and "))
			if q != "" {
				parts = append(parts, q)
			}
		}
	}
	var out []Author
	for _, p := range parts {
		words := strings.Fields(p)
		if len(words) == 1 && len(out) > 0 && isSuffix(words[0]) {
			out[len(out)-1].Family += " " + words[0]
			continue
		}
		if a := parseName(p); a != (Author{}) {
			out = append(out, a)
		}
	}
	return out
}

var abstractLabel = pdfPatterns.New(`^(?i:abstract|summary)\s*[:.\-–—]?\s+`)

// cleanAbstract drops a leading "ABSTRACT"/"Abstract:" label, markup tags
// (JATS <jats:p> in Crossref records, <p> in others) and extra spaces.
func cleanAbstract(s string) string {
	s = collapseSpace(stripTags(s))
	if loc := abstractLabel.FindStringIndex(s); loc != nil {
		rest := s[loc[1]:]
		if r, _ := utf8.DecodeRuneInString(rest); unicode.IsUpper(r) || unicode.IsDigit(r) || !unicode.IsLetter(r) {
			s = rest
		}
	}
	return s
}

var (
	tagPattern = lazyre.New(`</?([A-Za-z][A-Za-z0-9:_-]*)(?:\s[^<>]*)?/?>`)
	// inlineTags are markup that sits inside words ("H<sub>2</sub>O",
	// "<i>E. coli</i>"): removed without a space.
	inlineTags = map[string]bool{
		"i": true, "b": true, "em": true, "strong": true, "sub": true, "sup": true, "scp": true,
		"span": true, "u": true, "tt": true, "mml:mi": true, "mml:mn": true, "mml:mo": true,
		"jats:italic": true, "jats:bold": true, "jats:sub": true, "jats:sup": true, "jats:sc": true,
	}
)

// stripTags removes HTML/JATS markup (as Crossref and publishers put in
// titles and abstracts) and decodes character entities.
func stripTags(s string) string {
	if strings.Contains(s, "<") {
		s = tagPattern.ReplaceAllStringFunc(s, func(tag string) string {
			m := tagPattern.FindStringSubmatch(tag)
			if inlineTags[strings.ToLower(m[1])] {
				return ""
			}
			return " "
		})
	}
	if strings.Contains(s, "&") && strings.Contains(s, ";") {
		s = html.UnescapeString(s)
	}
	return s
}

// clean tidies a parsed record: spaces collapsed, NFC, pages with an en
// dash, the DOI normalised, and fields that hold only punctuation dropped.
func (m *Metadata) clean() {
	fix := func(s string) string {
		s = collapseSpace(norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD")))
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			return ""
		}
		return s
	}
	m.Title = fix(stripTags(m.Title))
	if strings.HasSuffix(m.Title, ".") && !strings.HasSuffix(m.Title, "..") {
		m.Title = strings.TrimSuffix(m.Title, ".")
	}
	var alts []string
	seen := map[string]bool{NormalizeTitle(m.Title): true}
	for _, a := range m.AltTitles {
		a = fix(stripTags(a))
		if k := NormalizeTitle(a); a != "" && !seen[k] {
			seen[k] = true
			alts = append(alts, a)
		}
	}
	m.AltTitles = alts
	var authors []Author
	for _, a := range m.Authors {
		a.Family, a.Given, a.Literal = fix(a.Family), fix(a.Given), fix(a.Literal)
		if a != (Author{}) {
			authors = append(authors, a)
		}
	}
	m.Authors = authors
	var editors []Author
	for _, a := range m.Editors {
		a.Family, a.Given, a.Literal = fix(a.Family), fix(a.Given), fix(a.Literal)
		if a != (Author{}) {
			editors = append(editors, a)
		}
	}
	m.Editors = editors
	m.Publisher = fix(stripTags(m.Publisher))
	m.Edition = fix(m.Edition)
	m.Number = fix(m.Number)
	m.Journal = fix(stripTags(m.Journal))
	m.Volume = fix(m.Volume)
	m.Issue = fix(m.Issue)
	m.Pages = normalizePages(fix(m.Pages))
	m.DOI = NormalizeDOI(m.DOI)
	m.URL = strings.TrimSpace(m.URL)
	if m.DOI == "" && m.URL != "" && strings.Contains(strings.ToLower(m.URL), "doi") {
		m.DOI = NormalizeDOI(m.URL)
	}
	m.Abstract = cleanAbstract(fix(m.Abstract))
	m.Language = fix(m.Language)
	m.Type = strings.TrimSpace(m.Type)
	if m.Year < 0 || m.Year > 9999 {
		m.Year = 0
	}
	if m.CitationCount < 0 {
		m.CitationCount = 0
	}
}

// cslTypeFor maps a format's item type to a CSL type.
var cslTypeFor = map[string]string{
	// BibTeX / BibLaTeX
	"article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
	"inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
	"phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report",
	"report": "report", "online": "webpage", "misc": "document", "unpublished": "manuscript",
	"manual": "book", "booklet": "book",
	// RIS
	"jour": "article-journal", "jfull": "article-journal", "mgzn": "article-magazine",
	"news": "article-newspaper", "chap": "chapter", "conf": "paper-conference",
	"cpaper": "paper-conference", "thes": "thesis", "rprt": "report", "elec": "webpage",
	"web": "webpage", "gen": "document", "ejour": "article-journal", "edbook": "book",
	"ebook": "book", "abst": "article-journal", "inpr": "article-journal",
	// Semantic Scholar publication types
	"journalarticle": "article-journal", "journal article": "article-journal",
	"review": "article-journal", "booksection": "chapter", "dataset": "dataset",
	"study": "article-journal", "clinicaltrial": "article-journal", "metaanalysis": "article-journal",
	"lettersandcomments": "article-journal", "editorial": "article-journal", "casereport": "article-journal",
}
