package importer

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// ErrNotText is returned by ReadText for content that is binary, not text.
var ErrNotText = errors.New("binary content, not a text file")

// maxTextUnit is the length above which a line of a text file is taken to
// be a whole paragraph (files that put one paragraph on each line).
const maxTextUnit = 300

// maxBoilerplateUnit is the longest paragraph dropped whole as boilerplate.
const maxBoilerplateUnit = 1500

// ReadText reads a plain-text or Markdown source as one page.
//
// The text is decoded (UTF-8, UTF-16 with a byte-order mark; bytes that
// are not valid UTF-8 are read as Windows-1252/Latin-1), put in NFC, and
// its line ends normalised to "\n". Publisher boilerplate that scraped
// text carries — the scite.ai blurb, "Downloaded from …", copyright and
// terms-of-use notices — is kept out of the page's Text, so that search
// and excerpts never show it, and is kept in the page's Header instead, so
// nothing is lost. Markdown front matter goes to Header as well.
//
// The title is guessed from front matter ("title:"), the first Markdown
// heading near the top, or a short first line that does not end like a
// sentence; otherwise it is empty and the caller falls back to the file
// name. The DOI is taken from front matter ("doi:") or detected in the text.
func ReadText(name string, data []byte) (*Extraction, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("read text %s: %w", name, ErrEmptyFile)
	}
	if isBinary(data) {
		return nil, fmt.Errorf("read text %s: %w", name, ErrNotText)
	}
	text := decodeText(data)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.ReplaceAll(text, "\u2028", "\n")
	text = strings.ReplaceAll(text, "\u2029", "\n\n")

	var held []string // text kept out of the body, for Header
	front, body := splitFrontMatter(text)
	if front != "" {
		held = append(held, front)
	}
	kept, boiler := dropBoilerplate(body)
	held = append(held, boiler...)
	kept = tidyLines(kept)
	if kept == "" {
		return nil, fmt.Errorf("read text %s: %w: only boilerplate", name, ErrEmptyFile)
	}

	ex := &Extraction{
		Pages:   []PageText{{Number: 1, Text: kept, Header: strings.Join(held, "\n\n")}},
		Version: ExtractorVersion,
	}
	fm := frontMatterFields(front)
	ex.Title = fm["title"]
	if ex.Title == "" {
		ex.Title = guessTextTitle(kept, isMarkdownName(name))
	}
	ex.DOI = NormalizeDOI(fm["doi"])
	if ex.DOI == "" {
		ex.DOI = DetectDOI(kept)
	}
	return ex, nil
}

func isMarkdownName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".mdown", ".mkd":
		return true
	}
	return false
}

// isBinary reports whether data holds NUL bytes (and is not UTF-16 text
// with a byte-order mark) or is mostly control characters.
func isBinary(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return false
	}
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	ctrl := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctrl++
		}
	}
	return ctrl*10 > len(head)
}

// splitFrontMatter cuts a YAML front-matter block ("---" … "---" or "...")
// off the top of a Markdown text.
func splitFrontMatter(text string) (front, body string) {
	if !strings.HasPrefix(text, "---\n") {
		return "", text
	}
	rest := text[4:]
	for _, end := range []string{"\n---\n", "\n...\n", "\n---"} {
		if i := strings.Index(rest, end); i >= 0 && i < 16<<10 {
			if end == "\n---" && i+len(end) != len(rest) {
				continue
			}
			return strings.TrimSpace(text[:4+i+len(end)]), rest[i+len(end):]
		}
	}
	return "", text
}

var frontMatterLine = lazyre.New(`(?m)^([A-Za-z_-]+)\s*:\s*(.+?)\s*$`)

// frontMatterFields reads top-level "key: value" lines of front matter.
func frontMatterFields(front string) map[string]string {
	out := map[string]string{}
	for _, m := range frontMatterLine.FindAllStringSubmatch(front, -1) {
		k := strings.ToLower(m[1])
		if _, ok := out[k]; !ok {
			out[k] = strings.Trim(m[2], `"'`)
		}
	}
	return out
}

// boilerplateMarks are phrases that mark a paragraph as publisher or
// aggregator boilerplate rather than the work's text. Each is matched
// case-insensitively; short says the paragraph must also be short (under
// maxTextUnit characters) for the phrase to count, for phrases that a
// work's own text could use.
var boilerplateMarks = []struct {
	phrase string
	short  bool
}{
	{"scite is a brooklyn-based organization", false},
	{"smart citations–citations that display the context", false},
	{"smart citations-citations that display the context", false},
	{"full terms & conditions of access and use can be found at", false},
	{"this article is protected by copyright. all rights reserved", false},
	{"downloaded from http", true},
	{"downloaded from www.", true},
	{"downloaded by [", true},
	{"for personal use only", true},
	{"access provided by", true},
	{"all rights reserved", true},
	{"terms and conditions of use", true},
	{"this content downloaded from", true},
}

// dropBoilerplate splits text into paragraphs (blank-line separated; a
// line longer than maxTextUnit is a paragraph of its own) and returns the
// text without the boilerplate ones, and those apart.
func dropBoilerplate(text string) (kept string, boiler []string) {
	lines := strings.Split(text, "\n")
	var out []string
	i := 0
	for i < len(lines) {
		// One unit: a long line alone, or a run of short lines up to a
		// blank line or a long line.
		j := i + 1
		if utf8.RuneCountInString(lines[i]) <= maxTextUnit && strings.TrimSpace(lines[i]) != "" {
			for j < len(lines) && strings.TrimSpace(lines[j]) != "" && utf8.RuneCountInString(lines[j]) <= maxTextUnit {
				j++
			}
		}
		unit := strings.Join(lines[i:j], "\n")
		switch {
		case j-i > 1 && utf8.RuneCountInString(unit) > maxBoilerplateUnit:
			// A long hard-wrapped block without blank lines: too much to
			// drop whole on one phrase; judge its lines one by one.
			for _, l := range lines[i:j] {
				if isBoilerplate(l) {
					boiler = append(boiler, strings.TrimSpace(l))
				} else {
					out = append(out, l)
				}
			}
		case isBoilerplate(unit):
			boiler = append(boiler, strings.TrimSpace(unit))
		default:
			out = append(out, lines[i:j]...)
		}
		i = j
	}
	return strings.Join(out, "\n"), boiler
}

func isBoilerplate(unit string) bool {
	t := strings.TrimSpace(unit)
	if t == "" {
		return false
	}
	low := strings.ToLower(t)
	short := utf8.RuneCountInString(t) < maxTextUnit
	for _, b := range boilerplateMarks {
		if strings.Contains(low, b.phrase) && (!b.short || short) {
			return true
		}
	}
	return false
}

// tidyLines trims trailing space from every line, collapses runs of more
// than one blank line and trims blank lines at both ends.
func tidyLines(text string) string {
	lines := strings.Split(text, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}

var (
	atxHeading    = lazyre.New(`^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$`)
	setextHeading = lazyre.New(`^(=+|-+)[ \t]*$`)
)

// guessTextTitle returns the first Markdown heading among the first lines,
// or a short first line that reads like a title; "" when there is none.
func guessTextTitle(text string, markdown bool) string {
	var lines []string
	for _, l := range strings.SplitN(text, "\n", 41) {
		lines = append(lines, strings.TrimSpace(l))
	}
	if len(lines) > 40 {
		lines = lines[:40]
	}
	for i, l := range lines {
		if m := atxHeading.FindStringSubmatch(l); m != nil {
			if t := cleanTitleLine(m[1]); t != "" {
				return t
			}
		}
		if markdown && i > 0 && lines[i-1] != "" && setextHeading.MatchString(l) && strings.HasPrefix(l, "=") {
			if t := cleanTitleLine(lines[i-1]); t != "" {
				return t
			}
		}
	}
	for i, l := range lines {
		if l == "" {
			continue
		}
		// A line that the next one continues (it starts in lower case, or
		// this one ends with a hyphen) is the start of a paragraph.
		if i+1 < len(lines) && lines[i+1] != "" {
			r, _ := utf8.DecodeRuneInString(lines[i+1])
			if unicode.IsLower(r) || strings.HasSuffix(l, "-") {
				return ""
			}
		}
		t := cleanTitleLine(l)
		if t == "" || utf8.RuneCountInString(t) > 200 || len(strings.Fields(t)) > 30 {
			return ""
		}
		last, _ := utf8.DecodeLastRuneInString(t)
		if strings.ContainsRune(".,;:", last) || strings.Count(t, ". ") > 1 {
			return ""
		}
		low := strings.ToLower(t)
		if strings.Contains(low, "http") || strings.Contains(low, "www.") || doiPattern.MatchString(t) {
			return ""
		}
		letters := 0
		for _, r := range t {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters < 2 {
			return ""
		}
		return t
	}
	return ""
}

// cleanTitleLine strips Markdown emphasis and code marks from a line.
func cleanTitleLine(s string) string {
	s = strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
	s = strings.Trim(s, "*_ \t")
	return collapseSpace(s)
}
