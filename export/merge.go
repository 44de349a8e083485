package export

import (
	"path/filepath"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/index"
)

// mergeContext is how many code points of text around a selection go with
// it, for finding the passage again where the library's text differs
// (index keeps as many with its annotations).
const mergeContext = 32

// MergeSourceOf turns a REFI-QDA project into another coder's work to
// merge into a library (index.Library.MergeFrom): its sources matched to
// the library's documents by original file (Rapport's own projects), by
// the source's GUID (documents imported from the project), DOI or title;
// its codes as themes; its users as coders with their GUIDs; its
// selections with their coders, codes, notes and the text around them;
// the notes on whole sources. name is the project file's.
func MergeSourceOf(p *Project, name string) *index.MergeSource {
	src := &index.MergeSource{Name: filepath.Base(name), Coders: map[string]string{}}
	for n, g := range p.Users {
		src.Coders[n] = g
	}
	for _, c := range p.Codes {
		src.Themes = append(src.Themes, index.MergeTheme{GUID: c.GUID, Name: c.Name, Parent: c.Parent, Description: c.Description,
			Color: c.Color, Memo: c.Memo, Source: c.Source, Provisional: c.Provisional})
	}
	for _, s := range p.Sources {
		title := strings.TrimSpace(s.Metadata.Title)
		if title == "" {
			title = strings.TrimSuffix(s.Name, ".txt")
		}
		d := index.MergeDocument{SHA256: s.OriginalSHA256, GUID: s.GUID, DOI: s.Metadata.DOI, Title: title}
		pages := make([][]rune, len(s.Pages))
		for i, pg := range s.Pages {
			pages[i] = []rune(norm.NFC.String(pg))
		}
		for _, sel := range s.Selections {
			a := index.MergeAnnotation{GUID: sel.GUID, Page: sel.Page, Start: sel.Start, End: sel.End, Quote: sel.Quote,
				Note: sel.Note, Coder: sel.Author, Themes: sel.Codes, Created: sel.Created}
			if sel.Page >= 1 && sel.Page <= len(pages) {
				text := pages[sel.Page-1]
				if sel.Start >= 0 && sel.End <= len(text) && sel.Start <= sel.End {
					a.Prefix = string(text[max(0, sel.Start-mergeContext):sel.Start])
					a.Suffix = string(text[sel.End:min(len(text), sel.End+mergeContext)])
				}
			}
			d.Annotations = append(d.Annotations, a)
		}
		for _, n := range s.Notes {
			d.Notes = append(d.Notes, index.MergeNote{Text: n.Text, Coder: n.Author, Created: n.Created})
		}
		src.Documents = append(src.Documents, d)
	}
	return src
}
