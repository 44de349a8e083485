package export

import (
	"strings"

	"github.com/rapport-qda/rapport/importer"
)

// APA 7 references of works other than journal articles (10.2–10.3):
//
//	Author, A. (2016). *Title of the book* (2nd ed.). Publisher. https://doi.org/…
//	Editor, E. (Ed.). (2016). *Title of the edited book*. Publisher.
//	Author, A. (2016). Title of the chapter. In E. Editor & F. Editor (Eds.), *Title of the book* (2nd ed., pp. 12–34). Publisher.
//	Organisation. (2016). *Title of the report* (Report No. 12). Publisher.
//	Author, A. (2016). *Title of the thesis* [Thesis, University].
//
// A publisher that is also the (group) author is not repeated.

// refWriter builds a reference run by run, merging runs of one style.
type refWriter struct{ r Reference }

func (w *refWriter) add(text string, italic bool) {
	if text == "" {
		return
	}
	if n := len(w.r); n > 0 && w.r[n-1].Italic == italic {
		w.r[n-1].Text += text
		return
	}
	w.r = append(w.r, Span{Text: text, Italic: italic})
}

// head writes who and when: "Authors (Year). ", "Editors (Eds.). (Year). ",
// or nothing when the work has neither (the title then leads, see
// titleThenYear).
func (w *refWriter) head(m importer.Metadata) bool {
	if authors := referenceAuthors(m.Authors); authors != "" {
		w.add(authors+" ("+Year(m)+"). ", false)
		return true
	}
	if editors := referenceNameList(m.Editors); editors != "" && (m.Type == "book" || m.Type == "report") {
		w.add(editors+" ("+edLabel(len(m.Editors))+"). ("+Year(m)+"). ", false)
		return true
	}
	return false
}

// bookReference is the reference of a book, a report or a thesis: the
// title in italics, then what describes the edition or the report, then
// the publisher.
func bookReference(m importer.Metadata) Reference {
	var w refWriter
	title := oneLine(m.Title)
	if title == "" {
		title = "Untitled"
	}
	var paren []string
	if ed := editionText(m.Edition); ed != "" {
		paren = append(paren, ed)
	}
	if n := oneLine(m.Number); n != "" && m.Type == "report" {
		paren = append(paren, "Report No. "+n)
	}
	publisher := oneLine(m.Publisher)
	if samePublisher(m, publisher) {
		publisher = ""
	}
	hasHead := w.head(m)
	if len(paren) == 0 && m.Type != "thesis" {
		w.add(withPeriod(title), true)
	} else {
		w.add(strings.TrimRight(title, "."), true)
		if len(paren) > 0 {
			w.add(" ("+strings.Join(paren, ", ")+")", false)
		}
		if m.Type == "thesis" {
			desc := "Thesis"
			if publisher != "" {
				desc += ", " + publisher
			}
			w.add(" ["+desc+"]", false)
			publisher = ""
		}
		w.add(".", false)
	}
	if !hasHead {
		w.add(" ("+Year(m)+").", false)
	}
	if publisher != "" {
		w.add(" "+withPeriod(publisher), false)
	}
	w.link(m)
	return w.r
}

// chapterReference is the reference of a chapter in an edited book (the
// record's Journal is the book's title).
func chapterReference(m importer.Metadata) Reference {
	var w refWriter
	title := oneLine(m.Title)
	if title == "" {
		title = "Untitled"
	}
	if w.head(m) {
		w.add(withPeriod(title), false)
	} else {
		w.add(withPeriod(title), false)
		w.add(" ("+Year(m)+").", false)
	}
	book := oneLine(m.Journal)
	var paren []string
	if ed := editionText(m.Edition); ed != "" {
		paren = append(paren, ed)
	}
	if p := normalizeRange(oneLine(m.Pages)); p != "" {
		if strings.ContainsAny(p, "–") {
			paren = append(paren, "pp. "+p)
		} else {
			paren = append(paren, "p. "+p)
		}
	}
	editors := inEditors(m.Editors)
	if book != "" || editors != "" {
		w.add(" In ", false)
		if editors != "" {
			w.add(editors+" ("+edLabel(len(m.Editors))+"), ", false)
		}
		if book != "" {
			w.add(strings.TrimRight(book, "."), true)
		}
		if len(paren) > 0 {
			w.add(" ("+strings.Join(paren, ", ")+")", false)
		}
		w.add(".", false)
	}
	if publisher := oneLine(m.Publisher); publisher != "" && !samePublisher(m, publisher) {
		w.add(" "+withPeriod(publisher), false)
	}
	w.link(m)
	return w.r
}

// link ends a reference with its DOI as a link, else its URL.
func (w *refWriter) link(m importer.Metadata) {
	if doi := importer.NormalizeDOI(m.DOI); doi != "" {
		w.add(" https://doi.org/"+doi, false)
	} else if u := strings.TrimSpace(m.URL); u != "" {
		w.add(" "+u, false)
	}
}

// editionText is "2nd ed." for edition "2"; other wording as written.
func editionText(ed string) string {
	ed = oneLine(ed)
	if ed == "" || ed == "1" {
		return ""
	}
	n := 0
	for _, r := range ed {
		if r < '0' || r > '9' {
			n = -1
			break
		}
		n = n*10 + int(r-'0')
	}
	if n < 0 {
		if strings.Contains(strings.ToLower(ed), "ed") {
			return ed
		}
		return ed + " ed."
	}
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return ed + suffix + " ed."
}

func edLabel(n int) string {
	if n == 1 {
		return "Ed."
	}
	return "Eds."
}

// samePublisher tells a publisher that is the work's group author, which
// APA does not repeat.
func samePublisher(m importer.Metadata, publisher string) bool {
	return publisher != "" && len(m.Authors) == 1 && strings.EqualFold(oneLine(m.Authors[0].Literal), publisher)
}

// inEditors writes a chapter's editors as APA names them after "In":
// initials first ("E. E. Editor & F. Editor"; three or more with commas).
func inEditors(list []importer.Author) string {
	var names []string
	for _, a := range list {
		var n string
		switch family, given := oneLine(a.Family), oneLine(a.Given); {
		case a.Literal != "":
			n = oneLine(a.Literal)
		case given == "":
			n = family
		case family == "":
			n = given
		default:
			n = Initials(given) + " " + family
		}
		if n != "" {
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
	return strings.Join(names[:len(names)-1], ", ") + ", & " + names[len(names)-1]
}

// referenceVolume is the volume a reference prints: none when the record's
// is not a volume ("8 1", see importer.CheckVolume).
func referenceVolume(v string) string {
	v = oneLine(v)
	if importer.CheckVolume(v) != nil {
		return ""
	}
	return v
}

// referenceIssue is the issue a reference prints: none when the record's
// is not an issue.
func referenceIssue(v string) string {
	v = oneLine(v)
	if importer.CheckIssue(v) != nil {
		return ""
	}
	return v
}
