package importer

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// doiPattern finds DOI candidates: the "10." directory indicator, a
// registrant code of 4–9 digits (with optional ".sub" parts), a slash and a
// suffix running to the next space or delimiter. Cleaning the suffix of
// extraction debris is left to cleanDOICandidate.
var doiPattern = pdfPatterns.New(`(?i)10\.\d{4,9}(?:\.\d+)*(?:/|%2F)[^\s"<>{}|\\^` + "`" + `]+`)

// gluedWords are words that bad PDF extraction glues to the end of a DOI
// ("10.1186/1752-2897-4-1Abstract"). A DOI suffix is cut where one of them
// starts right after a digit or a closing parenthesis.
var gluedWords = []string{
	"abstract", "background", "introduction", "keywords", "keyword", "key words",
	"received", "accepted", "published", "revised", "available", "copyright",
	"citation", "cite", "correspondence", "corresponding", "article", "original",
	"research", "review", "open", "editor", "summary", "objective", "objectives",
	"purpose", "aims", "methods", "results", "conclusion", "conclusions",
	"journal", "volume", "issue", "http", "www", "pmid", "pmcid", "issn",
	"doi", "downloaded", "licen", "creative", "email", "e-mail", "department",
	"university", "vol", "page", "pages", "funding", "author",
}

// DetectDOI returns the DOI of the work whose text this is, lower-cased, or
// "" when there is none. It treats text as one page: see DetectDOIInPages
// for how candidates are ranked.
func DetectDOI(text string) string {
	return DetectDOIInPages([]string{text})
}

// DetectDOIInPages returns the DOI of a document given the text of its pages
// in order, or "". Page 1 is looked at first, then the others. A DOI marked
// as one ("DOI 10.…", "doi:", "https://doi.org/…") is preferred over a bare
// one on the same page. DOIs in a reference list (after a "References"
// heading) belong to cited works and are not returned — except one beside
// "Cite this article as", which is how some publishers (BMC) print the
// article's own DOI after the references.
//
// The ranking, best first: a labelled DOI on page 1; a DOI beside a
// cite-this-article line; any DOI on page 1; a labelled DOI on a later
// page; any DOI on a later page. Ties go to the earlier page and position.
func DetectDOIInPages(pages []string) string {
	best, bestRank := "", 1<<30
	inRefs := false
	for i, page := range pages {
		for _, c := range findDOIs(page, inRefs) {
			if c.inRefs && !c.ownCitation {
				continue
			}
			var rank int
			switch {
			case i == 0 && c.labeled:
				rank = 0
			case c.ownCitation:
				rank = 1
			case i == 0:
				rank = 2
			case c.labeled:
				rank = 3
			default:
				rank = 4
			}
			if rank < bestRank {
				best, bestRank = c.doi, rank
			}
		}
		if bestRank == 0 {
			break
		}
		if !inRefs && referencesStart(page) >= 0 {
			inRefs = true
		}
	}
	return best
}

// FindDOIs returns every distinct DOI in text, in order of appearance,
// cleaned and lower-cased.
func FindDOIs(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range findDOIs(text, false) {
		if !seen[c.doi] {
			seen[c.doi] = true
			out = append(out, c.doi)
		}
	}
	return out
}

type doiCandidate struct {
	doi         string
	pos         int
	labeled     bool // "doi" (or doi.org) appears just before it
	inRefs      bool // it stands after a reference-list heading
	ownCitation bool // "Cite this article as" (or the like) is beside it
}

// findDOIs lists the DOI candidates of one page. refsBefore says the page
// starts inside a reference list.
func findDOIs(text string, refsBefore bool) []doiCandidate {
	refsAt := -1
	if refsBefore {
		refsAt = 0
	} else {
		refsAt = referencesStart(text)
	}
	var out []doiCandidate
	for _, loc := range doiPattern.FindAllStringIndex(text, -1) {
		raw := text[loc[0]:loc[1]]
		raw = joinBrokenLine(raw, text[loc[1]:])
		d := cleanDOICandidate(raw)
		if d == "" {
			continue
		}
		out = append(out, doiCandidate{
			doi:         d,
			pos:         loc[0],
			labeled:     labeledBefore(text[max(0, loc[0]-24):loc[0]]),
			inRefs:      refsAt >= 0 && loc[0] >= refsAt,
			ownCitation: citeThisNear(text[max(0, loc[0]-300):min(len(text), loc[1]+120)]),
		})
	}
	return out
}

// joinBrokenLine handles a DOI that extraction broke over two lines after a
// hyphen or slash ("10.1007/s11126-015-\n9347-5"): the next line's first
// word is appended when it is made of DOI characters.
func joinBrokenLine(raw, rest string) string {
	if !strings.HasSuffix(raw, "-") && !strings.HasSuffix(raw, "/") && !strings.HasSuffix(raw, "_") {
		return raw
	}
	r := strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(r, "\n") && !strings.HasPrefix(r, "\r\n") {
		return raw
	}
	r = strings.TrimLeft(r, " \t\r\n")
	end := strings.IndexFunc(r, unicode.IsSpace)
	if end < 0 {
		end = len(r)
	}
	const probe = "10.1000/"
	m := doiPattern.FindString(probe + r[:end])
	if len(m) <= len(probe) || !strings.HasPrefix(m, probe) {
		return raw
	}
	return raw + m[len(probe):]
}

// citeThisNear reports whether a publisher's "cite this article" line is
// in the text around a DOI.
func citeThisNear(around string) bool {
	low := strings.ToLower(around)
	for _, p := range []string{"cite this article", "please cite this", "to cite this", "how to cite"} {
		if strings.Contains(low, p) {
			return true
		}
	}
	return false
}

// labeledBefore reports whether the text just before a DOI labels it as one.
func labeledBefore(before string) bool {
	low := strings.ToLower(before)
	i := strings.LastIndex(low, "doi")
	if i < 0 {
		return false
	}
	// Only separators may stand between the label and the DOI:
	// "DOI 10.", "doi: 10.", "doi.org/10.", "DOI: https://doi.org/10.".
	between := strings.TrimSpace(low[i+3:])
	between = strings.TrimLeft(between, ":.=/ ")
	return between == "" || between == "org/"
}

var referencesHeading = pdfPatterns.New(`(?im)^[ \t]*(?:\d+\.?\s*)?(references|reference list|bibliography|literature cited|works cited|literatur|referenser|références|referencias)[ \t]*:?[ \t]*$`)

// referencesStart returns the offset of a reference-list heading on its own
// line, or -1.
func referencesStart(text string) int {
	loc := referencesHeading.FindStringIndex(text)
	if loc == nil {
		return -1
	}
	return loc[0]
}

// cleanDOICandidate turns a raw regexp match into a DOI: percent-decoded,
// cut before words glued to it, stripped of trailing punctuation (keeping
// balanced parentheses and brackets), lower-cased. It returns "" when
// nothing DOI-like is left.
func cleanDOICandidate(raw string) string {
	return cleanDOI(raw, true)
}

// cleanDOI cleans a DOI candidate; cutGlued says whether words glued to
// it by bad text extraction are cut off (for DOIs found in text, not for
// DOIs given as such in a metadata field).
func cleanDOI(raw string, cutGlued bool) string {
	raw = strings.ToValidUTF8(raw, "")
	if i := strings.IndexFunc(raw, unicode.IsControl); i >= 0 {
		raw = raw[:i]
	}
	// Cleaning runs to a fixed point, before and after lower-casing, so
	// that cleaning a cleaned DOI changes nothing. Every step only shortens.
	raw = strings.ToLower(cleanDOISteps(raw, cutGlued))
	raw = cleanDOISteps(raw, cutGlued)
	slash := strings.IndexByte(raw, '/')
	if slash < 0 || slash == len(raw)-1 {
		return ""
	}
	return raw
}

func cleanDOISteps(raw string, cutGlued bool) string {
	for {
		prev := raw
		if strings.Contains(raw, "%") {
			// A URL-encoded DOI ("10.1002%2F…"), decoded when the result
			// is still one DOI.
			u, err := url.PathUnescape(raw)
			if err == nil && utf8.ValidString(u) && strings.IndexFunc(u, unicode.IsControl) < 0 &&
				doiPattern.FindString(u) == u {
				raw = u
			}
		}
		if cutGlued {
			raw = cutGluedWord(raw)
		}
		raw = trimDOITail(raw)
		if raw == prev {
			return raw
		}
	}
}

// cutGluedWord cuts a DOI before a word that extraction glued to it. It is
// linear in the length of s.
func cutGluedWord(s string) string {
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return s
	}
	// A glued capitalised word has no digit after it.
	lastDigit := strings.LastIndexAny(s, "0123456789")
	for i := slash + 2; i < len(s); i++ {
		prev := s[i-1]
		c := s[i]
		if !isASCIILetter(c) {
			continue
		}
		afterNumberDot := prev == '.' && i >= 2 && s[i-2] >= '0' && s[i-2] <= '9'
		if !(prev >= '0' && prev <= '9') && prev != ')' && prev != ']' && !afterNumberDot {
			continue
		}
		rest := s[i:]
		// A capitalised word of three or more lower-case letters ending the
		// candidate ("…-4-1Background", "…1255276.Received") is prose, not
		// part of a DOI.
		if c >= 'A' && c <= 'Z' && lastDigit < i && capitalisedWord(rest) {
			if afterNumberDot {
				return s[:i-1]
			}
			return s[:i]
		}
		if afterNumberDot {
			continue
		}
		for _, w := range gluedWords {
			if len(rest) < len(w) || !strings.EqualFold(rest[:len(w)], w) {
				continue
			}
			if c >= 'A' && c <= 'Z' || len(rest) == len(w) || !isASCIILetter(rest[len(w)]) {
				return s[:i]
			}
		}
	}
	return s
}

// capitalisedWord reports whether s starts with a capitalised word
// ("Abstract") or an all-caps word of four or more letters ("ABSTRACT").
func capitalisedWord(s string) bool {
	lower := 0
	for i := 1; i < len(s) && s[i] >= 'a' && s[i] <= 'z'; i++ {
		lower++
	}
	allCaps := 0
	for i := 0; i < len(s) && s[i] >= 'A' && s[i] <= 'Z'; i++ {
		allCaps++
	}
	return lower >= 3 || allCaps >= 4
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// trimDOITail strips trailing punctuation that belongs to the sentence, not
// the DOI. Closing brackets are kept when they close an opening one inside
// the DOI: 10.1016/S0140-6736(20)30183-5 stays whole.
func trimDOITail(s string) string {
	open := strings.Count(s, "(") - strings.Count(s, ")")
	openSq := strings.Count(s, "[") - strings.Count(s, "]")
	for s != "" {
		r, size := utf8.DecodeLastRuneInString(s)
		switch {
		case r == ')' && open >= 0:
			return s
		case r == ']' && openSq >= 0:
			return s
		case r == ')':
			open++
			s = s[:len(s)-size]
		case r == ']':
			openSq++
			s = s[:len(s)-size]
		case r == '(':
			open--
			s = s[:len(s)-size]
		case r == '[':
			openSq--
			s = s[:len(s)-size]
		case strings.ContainsRune(".,;:}'\"!?*-–—_/", r),
			r == '’' || r == '”' || r == '»' || r == '…' || r == '\u00a0' || r == utf8.RuneError,
			unicode.IsSpace(r):
			s = s[:len(s)-size]
		default:
			return s
		}
	}
	return s
}

// NormalizeDOI returns the DOI inside s (a bare DOI, "doi:…", a doi.org or
// dx.doi.org URL, "info:doi/…"), lower-cased and stripped of trailing
// punctuation, or "" when s holds no DOI. Unlike DetectDOI it trusts s to
// be a DOI field and cuts no glued words. A DOI that DetectDOI returned is
// returned unchanged.
func NormalizeDOI(s string) string {
	loc := doiPattern.FindStringIndex(s)
	if loc == nil {
		return ""
	}
	return cleanDOI(s[loc[0]:loc[1]], false)
}
