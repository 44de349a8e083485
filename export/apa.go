package export

import (
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/internal/lazyre"
)

// Span is a run of reference text, in italics or not.
type Span struct {
	Text   string
	Italic bool
}

// Reference is an APA 7 reference list entry as styled runs, so that each
// format can render italics its own way.
type Reference []Span

// Plain returns the reference without styling.
func (r Reference) Plain() string {
	var b strings.Builder
	for _, s := range r {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Markdown returns the reference with italics as *…* and Markdown's
// special characters escaped.
func (r Reference) Markdown() string {
	var b strings.Builder
	for _, s := range r {
		t := escapeMarkdown(s.Text)
		if s.Italic && strings.TrimSpace(t) != "" {
			// Emphasis markers must touch the text they enclose.
			lead := t[:len(t)-len(strings.TrimLeft(t, " "))]
			trail := t[len(strings.TrimRight(t, " ")):]
			t = lead + "*" + strings.TrimSpace(t) + "*" + trail
		}
		b.WriteString(t)
	}
	return b.String()
}

// HTML returns the reference HTML-escaped, italics as <i>…</i>.
func (r Reference) HTML() string {
	var b strings.Builder
	for _, s := range r {
		t := html.EscapeString(s.Text)
		if s.Italic {
			t = "<i>" + t + "</i>"
		}
		b.WriteString(t)
	}
	return b.String()
}

// Year returns the record's year as APA writes it: the year, else the
// year its date names ("2016-10", "Oct. 2016"), and "n.d." only when
// neither gives one.
func Year(m importer.Metadata) string {
	if m.Year > 0 {
		return strconv.Itoa(m.Year)
	}
	if y := yearInDate.FindString(m.Date); y != "" {
		return y
	}
	return "n.d."
}

var yearInDate = lazyre.New(`\b(1[0-9]|20)[0-9]{2}\b`)

// PageRef returns "p. 280" for one page, "pp. 280–281" for a range, and ""
// when the page is unknown.
func PageRef(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	switch {
	case first == "" && last == "":
		return ""
	case first == "":
		first = last
	}
	if last == "" || last == first {
		return "p. " + first
	}
	return "pp. " + first + "–" + last
}

// InText returns the parenthetical APA 7 citation of a record with the
// pages of the quote (both empty when unknown; equal for one page):
// "(Topor & Ljungberg, 2016, p. 280)", "(Ljungberg et al., 2015, pp. 471–472)".
// Without authors the short title stands in their place.
func InText(m importer.Metadata, firstPage, lastPage string) string {
	parts := []string{Year(m)}
	if p := PageRef(firstPage, lastPage); p != "" {
		parts = append(parts, p)
	}
	who := citedAuthors(m)
	if who == "" {
		// APA: the short title in quotation marks, the comma inside them.
		return "(“" + shortTitle(m.Title) + ",” " + strings.Join(parts, ", ") + ")"
	}
	return "(" + who + ", " + strings.Join(parts, ", ") + ")"
}

// citedAuthors is the author part of an in-text citation.
func citedAuthors(m importer.Metadata) string {
	var names []string
	for _, a := range m.Authors {
		if n := citedName(a); n != "" {
			names = append(names, n)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + " & " + names[1]
	}
	return names[0] + " et al."
}

func citedName(a importer.Author) string {
	switch {
	case a.Literal != "":
		return strings.TrimSpace(a.Literal)
	case a.Family != "":
		return strings.TrimSpace(a.Family)
	}
	return strings.TrimSpace(a.Given)
}

// shortTitle is the first few words of a title, up to its subtitle, as APA
// cites works without authors.
func shortTitle(title string) string {
	t := oneLine(title)
	if t == "" {
		return "Untitled"
	}
	if i := strings.IndexAny(t, ":?!."); i > 0 {
		t = t[:i]
	}
	if i := strings.Index(t, " – "); i > 0 {
		t = t[:i]
	}
	words := strings.Fields(t)
	if len(words) > 5 {
		words = words[:5]
	}
	return strings.Trim(strings.Join(words, " "), `"“”'‘’ ,;`)
}

// ReferenceOf returns the APA 7 reference list entry of a record:
//
//	Topor, A., & Ljungberg, A. (2016). Title. *Journal, 19*(4), 275–293. https://doi.org/10.…
//
// Missing parts degrade gracefully: no year gives (n.d.), no authors puts
// the title first, no journal, volume, issue or pages leaves them out.
func ReferenceOf(m importer.Metadata) Reference {
	switch m.Type {
	case "book", "report", "thesis":
		return bookReference(m)
	case "chapter":
		return chapterReference(m)
	}
	var r Reference
	add := func(text string, italic bool) {
		if text == "" {
			return
		}
		if n := len(r); n > 0 && r[n-1].Italic == italic {
			r[n-1].Text += text
			return
		}
		r = append(r, Span{Text: text, Italic: italic})
	}
	title := oneLine(m.Title)
	if title == "" {
		title = "Untitled"
	}
	book := m.Type == "book" || m.Type == "report" || m.Type == "thesis"
	authors := referenceAuthors(m.Authors)
	if authors != "" {
		add(authors+" ("+Year(m)+"). ", false)
		add(withPeriod(title), book)
	} else {
		add(withPeriod(title), book)
		add(" ("+Year(m)+").", false)
	}
	journal := JournalTitleCase(m.Journal)
	volume := referenceVolume(m.Volume)
	issue := referenceIssue(m.Issue)
	pages := normalizeRange(oneLine(m.Pages))
	if pages == "" && oneLine(m.Number) != "" {
		pages = "Article " + oneLine(m.Number) // an article number (APA 10.1)
	}
	if journal != "" {
		add(" ", false)
		if volume != "" {
			add(journal+", "+volume, true)
		} else {
			add(journal, true)
		}
		switch {
		case issue != "" && volume != "":
			add("("+issue+")", false)
		case issue != "":
			add(", No. "+issue, false)
		}
		if pages != "" {
			add(", "+pages, false)
		}
		add(".", false)
	}
	if doi := importer.NormalizeDOI(m.DOI); doi != "" {
		add(" https://doi.org/"+doi, false)
	} else if u := strings.TrimSpace(m.URL); u != "" {
		add(" "+u, false)
	}
	return r
}

// referenceAuthors formats the author list of a reference entry: "Family,
// I. I." each, "&" before the last, up to 20 names (APA 7: the first 19, an
// ellipsis, the last).
func referenceAuthors(list []importer.Author) string {
	return withPeriod(referenceNameList(list))
}

// referenceNameList is referenceAuthors without the closing period.
func referenceNameList(list []importer.Author) string {
	var names []string
	for _, a := range list {
		if n := referenceName(a); n != "" {
			names = append(names, n)
		}
	}
	var s string
	switch n := len(names); {
	case n == 0:
		return ""
	case n == 1:
		s = names[0]
	case n <= 20:
		s = strings.Join(names[:n-1], ", ") + ", & " + names[n-1]
	default:
		s = strings.Join(names[:19], ", ") + ", . . . " + names[n-1]
	}
	return s
}

func referenceName(a importer.Author) string {
	if a.Literal != "" {
		return oneLine(a.Literal)
	}
	family, given := oneLine(a.Family), oneLine(a.Given)
	switch {
	case family == "":
		return given
	case given == "":
		return family
	}
	return family + ", " + Initials(given)
}

// Initials abbreviates given names: "Alain" → "A.", "Anna-Karin" → "A.-K.",
// "J.R." → "J. R.".
func Initials(given string) string {
	var out []string
	for _, word := range strings.FieldsFunc(given, func(r rune) bool { return unicode.IsSpace(r) || r == '.' }) {
		var parts []string
		for _, p := range strings.Split(word, "-") {
			r, _ := utf8.DecodeRuneInString(p)
			if r == utf8.RuneError || !unicode.IsLetter(r) {
				continue
			}
			parts = append(parts, string(unicode.ToUpper(r))+".")
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, "-"))
		}
	}
	return strings.Join(out, " ")
}

// withPeriod ends s with a period unless it ends with punctuation that
// closes a sentence already.
func withPeriod(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

var rangeDash = lazyre.New(`^\s*([A-Za-z]?\d+)\s*(?:-|–|—|‐|‑|−|--)\s*([A-Za-z]?\d+)\s*$`)

// normalizeRange writes a page range with an en dash: "275-293" → "275–293".
func normalizeRange(pages string) string {
	if m := rangeDash.FindStringSubmatch(pages); m != nil {
		return m[1] + "–" + m[2]
	}
	return pages
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var markdownSpecial = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`)

func escapeMarkdown(s string) string { return markdownSpecial.Replace(s) }

// authorNames lists the authors as "Family, Given" for tables.
func authorNames(list []importer.Author) []string {
	var out []string
	for _, a := range list {
		switch {
		case a.Literal != "":
			out = append(out, a.Literal)
		case a.Family != "" && a.Given != "":
			out = append(out, a.Family+", "+a.Given)
		default:
			out = append(out, a.Family+a.Given)
		}
	}
	return out
}
