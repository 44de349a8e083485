package importer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// Citation is what a journal's citation line says about an article:
// "International Psychogeriatrics (2014), 26:1, 147–154", "Clinical Science
// (2014) 126, 305–313", "BMC Health Services Research 2014, 14:1",
// "Journal of X, Vol. 12, No. 3, pp. 45–67, 2015", "J Name 2015;12(3):45-67",
// "Journal of X 45 (2015) 123–145", "Rehabilitation Research and Practice
// Volume 2010, Article ID 157939". Zero values mean "not given".
type Citation struct {
	Journal string
	Year    int
	Volume  string
	Issue   string
	Article string // an article number standing in for pages ("14:1" of BMC, "e118", "Article ID 157939")
	First   int    // first printed page
	Last    int    // last printed page
}

// fields counts what the citation gives beyond the journal's name.
func (c Citation) fields() int {
	n := 0
	for _, ok := range []bool{c.Year > 0, c.Volume != "", c.Issue != "", c.Article != "", c.First > 0} {
		if ok {
			n++
		}
	}
	return n
}

// Pages returns the citation's page range as metadata writes it, "147–154"
// (or one page), or "".
func (c Citation) Pages() string {
	switch {
	case c.First <= 0:
		return ""
	case c.Last <= c.First:
		return strconv.Itoa(c.First)
	}
	return strconv.Itoa(c.First) + "–" + strconv.Itoa(c.Last)
}

var (
	citePrefix = pdfPatterns.New(`(?i)^\s*(how to cite this article|cite this article as|to cite this article|please cite this article( in press)? as|citation|cite as|reference)\s*:?\s*`)
	// A running head's authors: "Agyeman-Duah et al.", "Webb et al. (2017),",
	// "A. Sundström et al.".
	etAlPrefix = pdfPatterns.New(`^[^\d()]{1,60}?\bet\s+al\.?\s*(?:\((\d{4})\))?[,:;]?\s*`)
	citeTokens = []struct {
		kind string
		re   *lazyre.Regexp
	}{
		{"yearParen", pdfPatterns.New(`^\(((?:1[89]|20)\d\d)[a-z]?\)`)},
		{"volIssuePages", pdfPatterns.New(`^(\d{1,5})\s*\(([0-9A-Za-z]{1,6}(?:\s*[-–/]\s*\d{1,4})?)\)\s*:\s*(\d{1,6})\s*(?:-+|–|—|‑|−)\s*(\d{1,6})`)},
		{"volIssue", pdfPatterns.New(`^(\d{1,5})\s*\(([0-9A-Za-z]{1,6}(?:\s*[-–/]\s*\d{1,4})?|Suppl\.?\s*\d*)\)`)},
		{"volPages", pdfPatterns.New(`^(\d{1,5})\s*:\s*(\d{1,6})\s*(?:-+|–|—|‑|−)\s*(\d{1,6})`)},
		{"volColon", pdfPatterns.New(`^(\d{1,5})\s*:\s*(e?\d{1,7})\b`)},
		{"colonPages", pdfPatterns.New(`^:\s*(\d{1,6})\s*(?:-+|–|—|‑|−)\s*(\d{1,6})`)},
		{"volWord", pdfPatterns.New(`(?i)^vol(?:ume|\.)?\s*(\d{1,5})\b`)},
		{"issueWord", pdfPatterns.New(`(?i)^(?:no\.?|nr\.?|issue|iss\.)\s*(\d{1,4}(?:\s*[-–/]\s*\d{1,4})?)\b`)},
		{"articleWord", pdfPatterns.New(`(?i)^(?:article|art\.)\s*(?:id|no\.?|number|nr\.?)?\s*:?\s*(e?\d{1,9})\b`)},
		{"pageCount", pdfPatterns.New(`(?i)^\d{1,4}\s+pages?\b`)},
		{"pages", pdfPatterns.New(`(?i)^(?:pp?\.\s*)?(\d{1,6})\s*(?:-+|–|—|‑|−)\s*(\d{1,6})\b`)},
		{"onePage", pdfPatterns.New(`(?i)^pp?\.\s*(\d{1,6})\b`)},
		{"eArticle", pdfPatterns.New(`^(e\d{1,7})\b`)},
		{"year", pdfPatterns.New(`^((?:1[89]|20)\d\d)\b`)},
		{"number", pdfPatterns.New(`^(\d{1,5})\b`)},
	}
	// Lines that are never citation lines.
	notCitation = pdfPatterns.New(`(?i)^(copyright|©|received|accepted|published|submitted|revised|available online|correspondence|e-?mail|academic editor|edited by|doi|https?:|www\.|page\s+\d|keywords?|key words|abstract|issn|isbn|printed in)\b`)
)

// ParseCitation reads a journal citation line. It reports false when the
// line does not name a journal followed by at least two of year, volume,
// issue, article number and pages (or by a volume and pages).
func ParseCitation(line string) (Citation, bool) {
	var c Citation
	// Every citation line has a number; most lines looked at have none.
	if strings.IndexAny(line, "0123456789") < 0 || len(line) > 1000 {
		return Citation{}, false
	}
	s := strings.Join(strings.Fields(line), " ")
	s = citePrefix.ReplaceAllString(s, "")
	if m := etAlPrefix.FindStringSubmatch(s); m != nil {
		if m[1] != "" {
			c.Year, _ = strconv.Atoi(m[1])
		}
		s = s[len(m[0]):]
	}
	if notCitation.MatchString(s) {
		return Citation{}, false
	}
	journal, rest := splitJournal(s)
	if !plausibleJournal(journal) {
		return Citation{}, false
	}
	c.Journal = journal
	pendingColon := "" // "26:1": an issue if pages follow, else an article number
	for steps := 0; steps < 12; steps++ {
		rest = strings.TrimLeft(rest, " ,;.")
		if rest == "" {
			break
		}
		matched := false
		for _, t := range citeTokens {
			m := t.re.FindStringSubmatch(rest)
			if m == nil {
				continue
			}
			ok := true
			switch t.kind {
			case "yearParen", "year":
				y, _ := strconv.Atoi(m[1])
				if c.Year != 0 && c.Year != y {
					ok = t.kind == "year" && c.Volume == "" && setVolume(&c, m[1])
					break
				}
				c.Year = y
			case "volIssuePages":
				ok = setVolume(&c, m[1])
				c.Issue = strings.ReplaceAll(m[2], " ", "")
				setPages(&c, m[3], m[4])
			case "volIssue":
				// "45 (2015) 123–145": a volume, then the year in brackets.
				if y, err := strconv.Atoi(m[2]); err == nil && y >= 1800 && y <= 2100 && c.Year == 0 {
					ok = setVolume(&c, m[1])
					c.Year = y
					break
				}
				ok = setVolume(&c, m[1])
				c.Issue = strings.ReplaceAll(m[2], " ", "")
			case "volPages":
				ok = setVolume(&c, m[1])
				setPages(&c, m[2], m[3])
			case "volColon":
				ok = setVolume(&c, m[1])
				pendingColon = m[2]
			case "colonPages":
				setPages(&c, m[1], m[2])
			case "volWord":
				ok = setVolume(&c, m[1])
			case "issueWord":
				c.Issue = strings.ReplaceAll(m[1], " ", "")
			case "articleWord":
				c.Article = m[1]
			case "pageCount":
			case "pages":
				ok = c.First == 0
				setPages(&c, m[1], m[2])
			case "onePage":
				if c.First == 0 {
					c.First, _ = strconv.Atoi(m[1])
				}
			case "eArticle":
				c.Article = m[1]
			case "number":
				ok = setVolume(&c, m[1])
			}
			if !ok {
				break
			}
			rest = rest[len(m[0]):]
			matched = true
			break
		}
		if !matched {
			break
		}
	}
	if pendingColon != "" {
		if c.First > 0 && !strings.HasPrefix(pendingColon, "e") {
			c.Issue = pendingColon
		} else {
			c.Article = pendingColon
		}
	}
	// A volume that is the year (Hindawi's "Volume 2010") dates the article
	// when nothing else does.
	if c.Year == 0 {
		if v, err := strconv.Atoi(c.Volume); err == nil && v >= 1800 && v <= 2100 {
			c.Year = v
		}
	}
	n := c.fields()
	if n < 2 && !(c.Volume != "" && c.First > 0) {
		return Citation{}, false
	}
	return c, true
}

func setVolume(c *Citation, v string) bool {
	if c.Volume != "" {
		return false
	}
	c.Volume = v
	return true
}

func setPages(c *Citation, first, last string) {
	f, _ := strconv.Atoi(first)
	l, _ := strconv.Atoi(last)
	if l < f && len(last) < len(first) {
		// "1234–45": the last page abbreviated.
		l, _ = strconv.Atoi(first[:len(first)-len(last)] + last)
	}
	if f <= 0 || l < f || l-f > 2000 {
		return
	}
	c.First, c.Last = f, l
}

// splitJournal cuts a citation line into the journal's name (the words
// before the first number, year or "Vol.") and the rest.
func splitJournal(s string) (journal, rest string) {
	end := len(s)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		atWord := i == 0 || s[i-1] == ' '
		if unicode.IsDigit(r) || (atWord && r == '(' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9') {
			end = i
			break
		}
		if atWord && (hasPrefixFold(s[i:], "vol.") || hasPrefixFold(s[i:], "volume ") || hasPrefixFold(s[i:], "vol ") || hasPrefixFold(s[i:], "doi")) {
			end = i
			break
		}
		i += size
	}
	journal = strings.TrimSpace(s[:end])
	rest = s[end:]
	journal = strings.TrimRight(journal, " ,;:(")
	// A final period belongs to an abbreviation ("PeerJ Comput. Sci."), not
	// to a full word ("Clinical Science.").
	if strings.HasSuffix(journal, ".") {
		words := strings.Fields(journal)
		last := strings.TrimSuffix(words[len(words)-1], ".")
		if utf8.RuneCountInString(last) > 5 || len(words) == 1 {
			journal = strings.TrimSuffix(journal, ".")
		}
	}
	return journal, rest
}

// hasPrefixFold reports whether s starts with prefix (ASCII), ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// journalStop are words that do not occur in journal names but do in the
// lines around them (affiliations, licences, running heads).
var journalStop = pdfPatterns.New(`(?i)\b(department|university|universit[yà]|institute|hospital|licen[cs]e|creative commons|permission|published by|et al|correspondence|received|accepted|copyright|rights reserved|printed in|author|page)\b`)

// plausibleJournal reports whether s can be a journal's name: 1–14 words
// with letters, most capitalised, and none of the words of affiliations,
// licences and running heads.
func plausibleJournal(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 14 || utf8.RuneCountInString(s) < 3 {
		return false
	}
	if strings.ContainsAny(s, "@/©") || journalStop.MatchString(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	letters, upperWords := 0, 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			upperWords++
		}
		for _, c := range w {
			if unicode.IsLetter(c) {
				letters++
			}
		}
	}
	return letters >= 3 && upperWords*2 >= len(words)
}
