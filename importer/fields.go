package importer

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// Field values as a person types them (the metadata editor, `rapport set`)
// and the checks that tell a value that cannot be what its field holds:
// a year that is not a year, a volume that is two numbers ("8 1"), a DOI
// that is not a DOI. The same checks find suspect values among imported
// records (`rapport check`) and keep them out of references.

// ErrBadValue is wrapped by every error of the parsers and checks below.
var ErrBadValue = errors.New("bad value")

func badValue(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrBadValue)
}

// ParseYear reads a year: four digits, from 1000 to five years ahead.
// An empty value is 0 (no year).
func ParseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 {
		return 0, badValue("%q is not a year (four digits, such as 2016)", s)
	}
	if last := time.Now().Year() + 5; y < 1000 || y > last {
		return 0, badValue("%q is not a plausible year (1000 to %d)", s, last)
	}
	return y, nil
}

var isoDatePattern = lazyre.New(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)

// ParseISODate reads a publication date written 2016, 2016-10 or
// 2016-10-01; "" stays "".
func ParseISODate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	m := isoDatePattern.FindStringSubmatch(s)
	if m == nil {
		return "", badValue("%q is not a date (write 2016, 2016-10 or 2016-10-01)", s)
	}
	if _, err := ParseYear(m[1]); err != nil {
		return "", badValue("%q is not a date: %v", s, errors.Unwrap(err))
	}
	layout := map[bool]string{true: "2006-01-02", false: "2006-01"}[m[3] != ""]
	if m[2] != "" {
		if _, err := time.Parse(layout, s); err != nil {
			return "", badValue("%q is not a date (no such month or day)", s)
		}
	}
	return s, nil
}

var doiShape = lazyre.New(`^10\.\d{4,9}(?:\.\d+)*/\S+$`)

// ParseDOI reads a DOI, bare ("10.1080/15487768.2016.1255276"), as
// "doi:…" or as a doi.org link, and returns it normalised (lower case, no
// resolver); "" stays "".
func ParseDOI(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	d := NormalizeDOI(s)
	if d == "" || !doiShape.MatchString(d) {
		return "", badValue("%q is not a DOI (such as 10.1080/15487768.2016.1255276)", s)
	}
	// Nothing but a resolver or a "doi:" label may surround it.
	rest := strings.ToLower(s)
	if i := strings.Index(rest, d); i >= 0 {
		before := strings.TrimSpace(rest[:i])
		after := strings.Trim(rest[i+len(d):], " ./")
		switch strings.TrimSuffix(strings.TrimSuffix(before, "/"), ":") {
		case "", "doi", "https://doi.org", "http://doi.org", "https://dx.doi.org", "http://dx.doi.org", "doi.org", "dx.doi.org", "info:doi":
		default:
			return "", badValue("%q is not a DOI (such as 10.1080/15487768.2016.1255276)", s)
		}
		if after != "" {
			return "", badValue("%q is not a DOI: %q follows it", s, after)
		}
	}
	return d, nil
}

// ParseURL reads a web address (http or https).
func ParseURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return "", badValue("%q is not a web address (http:// or https://)", s)
	}
	return s, nil
}

// pageToken is one page as journals print it: 275, e0209, S12, 12a, xiv.
const pageToken = `(?:[A-Za-z]{0,3}\d+[A-Za-z]?|(?i:[ivxlcdm]{1,8}))`

var (
	pageRangePattern = lazyre.New(`^(` + pageToken + `)\s*(?:-+|–|—|‐|‑|−)\s*(` + pageToken + `)$`)
	onePagePattern   = lazyre.New(`^` + pageToken + `$`)
)

// ParsePages reads a page range or a single page ("275–293", "275-293",
// "275 - 293", "e0209") and returns it with an en dash.
func ParsePages(s string) (string, error) {
	s = collapseSpace(s)
	if s == "" {
		return "", nil
	}
	if CheckPages(s) != nil {
		return "", badValue("%q is not a page or page range (such as 275–293 or e0209)", s)
	}
	return normalizePages(s), nil
}

// CheckPages reports a page field that is neither a page nor a range.
func CheckPages(s string) error {
	s = collapseSpace(s)
	if s == "" || onePagePattern.MatchString(s) || pageRangePattern.MatchString(s) {
		return nil
	}
	return badValue("%q is not a page or page range", s)
}

var (
	volumePattern = lazyre.New(`^(?:[A-Za-z]{0,2}\d{1,5}[A-Za-z]?|(?i:[ivxlcdm]{1,8}))(?:\s*(?:-|–|/)\s*\d{1,5})?$`)
	issuePattern  = lazyre.New(`^(?i:(?:suppl(?:ement)?\.?|spec(?:ial)?\.?\s*(?:issue)?|part|pt\.?|no\.?)\s*)?(?:[A-Za-z]{0,2}\d{1,5}[A-Za-z]?|(?i:[ivxlcdm]{1,8}))(?:\s*(?:-|–|/)\s*\d{1,5})?$`)
	seasonPattern = lazyre.New(`^(?i:spring|summer|autumn|fall|winter|suppl(?:ement)?|special issue)$`)
)

// CheckVolume reports a volume that is not one: APA prints a volume as a
// number ("19", "19A", "XII", "12–13"); two numbers side by side ("8 1", a
// volume and an issue run together) or words are not a volume.
func CheckVolume(v string) error {
	v = collapseSpace(v)
	if v == "" || volumePattern.MatchString(v) {
		return nil
	}
	if f := strings.Fields(v); len(f) == 2 && allDigits(f[0]) && allDigits(f[1]) {
		return badValue("%q is not a volume: two numbers (a volume and an issue run together?); put the issue in issue", v)
	}
	return badValue("%q is not a volume (a number such as 19)", v)
}

// CheckIssue reports an issue that is not one: a number ("4"), a range
// ("3–4"), a supplement ("Suppl. 2", "S1") or a season.
func CheckIssue(v string) error {
	v = collapseSpace(v)
	if v == "" || issuePattern.MatchString(v) || seasonPattern.MatchString(v) {
		return nil
	}
	return badValue("%q is not an issue (a number such as 4, or Suppl. 2)", v)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

var editionPattern = lazyre.New(`^(\d{1,3})(?:st|nd|rd|th)?(?:\.)?(?:\s*(?i:ed\.?|edition))?$`)

// ParseEdition reads an edition: "2", "2nd", "2nd ed." become "2"; other
// wording ("Rev.", "Special") is kept as written.
func ParseEdition(s string) (string, error) {
	s = collapseSpace(s)
	if m := editionPattern.FindStringSubmatch(s); m != nil {
		if m[1] == "0" {
			return "", badValue("%q is not an edition", s)
		}
		return strings.TrimLeft(m[1], "0"), nil
	}
	if len([]rune(s)) > 40 {
		return "", badValue("%q is too long for an edition", s)
	}
	return s, nil
}

// cslTypes are the item types Rapport formats, with the names people use
// for them.
var cslTypes = map[string]string{
	"article-journal": "article-journal", "article": "article-journal", "journal article": "article-journal",
	"journal-article": "article-journal", "journal": "article-journal",
	"book": "book", "edited book": "book",
	"chapter": "chapter", "book chapter": "chapter", "book-chapter": "chapter", "incollection": "chapter",
	"report": "report", "techreport": "report", "technical report": "report",
	"thesis": "thesis", "dissertation": "thesis",
	"paper-conference": "paper-conference", "conference paper": "paper-conference",
	"article-magazine": "article-magazine", "article-newspaper": "article-newspaper",
	"webpage": "webpage", "dataset": "dataset", "document": "document", "manuscript": "manuscript",
	"entry": "entry", "entry-encyclopedia": "entry-encyclopedia", "review": "review",
}

// ItemTypes lists the canonical item types, for a choice in the window.
var ItemTypes = []string{"article-journal", "book", "chapter", "report", "thesis", "paper-conference",
	"article-magazine", "article-newspaper", "webpage", "dataset", "manuscript", "document"}

// ParseItemType reads an item type ("journal article", "chapter",
// "report", or a CSL type) and returns the CSL type.
func ParseItemType(s string) (string, error) {
	k := strings.ToLower(collapseSpace(s))
	if k == "" {
		return "", nil
	}
	if t, ok := cslTypes[k]; ok {
		return t, nil
	}
	return "", badValue("%q is not an item type (one of %s)", s, strings.Join(ItemTypes, ", "))
}

// ParseNames reads a list of people as a person types it: one name per
// line or names separated by semicolons, each "Family, Given" or "Given
// Family"; an organisation in braces ("{World Health Organization}") is
// kept whole. With neither lines nor semicolons, " and " separates names
// ("Topor, Alain and Ljungberg, Alexandra").
func ParseNames(s string) ([]Author, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var parts []string
	switch {
	case strings.ContainsAny(s, ";\n"):
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' })
	default:
		parts = splitOutsideBraces(s, " and ")
	}
	var out []Author
	for _, p := range parts {
		p = collapseSpace(p)
		if p == "" {
			continue
		}
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			lit := collapseSpace(p[1 : len(p)-1])
			if lit == "" {
				return nil, badValue("%q is an empty name", p)
			}
			out = append(out, Author{Literal: lit})
			continue
		}
		if strings.ContainsAny(p, "{}") {
			return nil, badValue("%q: braces must enclose a whole name ({World Health Organization})", p)
		}
		if strings.IndexFunc(p, unicode.IsLetter) < 0 {
			return nil, badValue("%q is not a name", p)
		}
		if i := strings.IndexByte(p, ','); i >= 0 && strings.IndexFunc(p[:i], unicode.IsLetter) < 0 {
			return nil, badValue("%q has no family name before its comma", p)
		}
		a := parseName(p)
		if a == (Author{}) {
			return nil, badValue("%q is not a name", p)
		}
		out = append(out, a)
	}
	return out, nil
}

// FormatNames writes names as ParseNames reads them, one a line.
func FormatNames(list []Author) string {
	var lines []string
	for _, a := range list {
		switch {
		case a.Literal != "":
			lines = append(lines, "{"+a.Literal+"}")
		case a.Given != "" && a.Family != "":
			lines = append(lines, a.Family+", "+a.Given)
		default:
			lines = append(lines, a.Family+a.Given)
		}
	}
	return strings.Join(lines, "\n")
}

func splitOutsideBraces(s, sep string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 && strings.HasPrefix(s[i:], sep) {
			parts = append(parts, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(parts, s[start:])
}
