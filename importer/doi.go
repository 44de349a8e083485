package importer

import (
	"regexp"
	"strings"
)

var doiPattern = regexp.MustCompile(`(?i)10\.\d{4,9}/[^\s"<>]+`)

// DetectDOI returns the first DOI found in text, lower-cased, or "".
func DetectDOI(text string) string {
	m := doiPattern.FindString(text)
	if m == "" {
		return ""
	}
	return NormalizeDOI(strings.TrimRight(m, ".,;:)]}'\""))
}

// NormalizeDOI strips resolver prefixes and lower-cases a DOI.
func NormalizeDOI(s string) string {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	for _, p := range []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:", "doi "} {
		if strings.HasPrefix(low, p) {
			s = s[len(p):]
			low = low[len(p):]
		}
	}
	return strings.ToLower(strings.TrimSpace(s))
}
