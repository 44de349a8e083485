package importer

import (
	"io"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/unicode/norm"
)

// The record a PDF carries about itself, field by field from the most
// trustworthy source that gives the field: XMP, then the /Info dictionary,
// then the first page. Metadata fields are often junk ("paper.dvi", a job
// number, "Cambridge Journals" as the author, "Nuala E. Tully {et al.}"),
// so a title or authors from XMP or /Info are taken only when they are
// plausible and the first page bears them out.

// fileSources are the inputs of fileMetadata.
type fileSources struct {
	xmp      xmpRecord
	info     map[string]string // /Info: Title, Author, Subject
	page     pageHeader
	pageText string // page 1's header and text, to confirm names against
}

// readFileSources reads the XMP packet and the /Info dictionary of a PDF
// with the native reader. A stream that cannot be read leaves its fields
// empty.
func readFileSources(rd *pdf.Reader) (xmp xmpRecord, info map[string]string) {
	info = map[string]string{}
	func() {
		defer func() { recover() }()
		for _, k := range []string{"Title", "Author", "Subject"} {
			info[k] = rd.Trailer().Key("Info").Key(k).Text()
		}
	}()
	func() {
		defer func() { recover() }()
		md := rd.Trailer().Key("Root").Key("Metadata")
		if md.Kind() != pdf.Stream {
			return
		}
		rc := md.Reader()
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, maxXMP))
		if err == nil || len(data) > 0 {
			xmp = parseXMP(data)
		}
	}()
	return xmp, info
}

// fileMetadata chooses each field's value and records its source.
func fileMetadata(in fileSources) (Metadata, map[string]string) {
	var m Metadata
	src := map[string]string{}
	set := func(field, source string, ok bool, assign func()) {
		if ok && src[field] == "" {
			assign()
			src[field] = source
		}
	}
	xm, creators := xmpMetadata(in.xmp)
	page := in.page
	pageKey := NormalizeTitle(in.pageText)

	// Title: metadata titles are taken when plausible and printed on page 1
	// (or when page 1 gives none).
	confirmedTitle := func(t string) bool {
		if !PlausibleTitle(t) {
			return false
		}
		k := NormalizeTitle(t)
		return page.Title == "" || k == NormalizeTitle(page.Title) || strings.Contains(pageKey, k)
	}
	set("title", SourceXMP, confirmedTitle(xm.Title), func() { m.Title = xm.Title })
	set("title", SourceInfo, confirmedTitle(in.info["Title"]), func() { m.Title = in.info["Title"] })
	set("title", SourcePage1, page.Title != "", func() { m.Title = page.Title })

	// Authors: names from metadata are taken when every family name is
	// printed on page 1 and page 1 does not list more of them.
	confirmed := func(list []Author) bool {
		if len(list) == 0 || len(list) < len(page.Authors) {
			return false
		}
		for _, a := range list {
			if !strings.Contains(pageKey, NormalizeTitle(a.Family)) {
				return false
			}
		}
		return true
	}
	if as, ok := authorsFromList(creators); ok && confirmed(as) {
		set("authors", SourceXMP, true, func() { m.Authors = as })
	}
	if as, ok := authorsFromList(splitInfoAuthors(in.info["Author"])); ok && confirmed(as) {
		set("authors", SourceInfo, true, func() { m.Authors = as })
	}
	set("authors", SourcePage1, len(page.Authors) > 0, func() { m.Authors = page.Authors })

	// Journal, volume, issue, pages, year: PRISM, then an /Info /Subject
	// or XMP description that reads as a citation, then page 1.
	infoCite, infoOK := ParseCitation(in.info["Subject"])
	descCite, descOK := ParseCitation(in.xmp.first("dc:description"))
	set("journal", SourceXMP, plausibleJournal(xm.Journal), func() { m.Journal = xm.Journal })
	set("journal", SourceXMP, descOK, func() { m.Journal = descCite.Journal })
	set("journal", SourceInfo, infoOK, func() { m.Journal = infoCite.Journal })
	set("journal", SourcePage1, page.Journal != "", func() { m.Journal = page.Journal })

	set("volume", SourceXMP, validVolume(xm.Volume), func() { m.Volume = xm.Volume })
	set("issue", SourceXMP, validVolume(xm.Issue), func() { m.Issue = xm.Issue })
	set("pages", SourceXMP, xm.Pages != "", func() { m.Pages = xm.Pages })
	set("year", SourceXMP, xm.Year > 0, func() { m.Year, m.Date = xm.Year, xm.Date })
	for _, c := range []struct {
		cite   Citation
		ok     bool
		source string
	}{{descCite, descOK, SourceXMP}, {infoCite, infoOK, SourceInfo}, {page.citation, page.Journal != "", SourcePage1}} {
		if !c.ok || (m.Journal != "" && NormalizeTitle(c.cite.Journal) != NormalizeTitle(m.Journal)) {
			continue
		}
		set("volume", c.source, c.cite.Volume != "", func() { m.Volume = c.cite.Volume })
		set("issue", c.source, c.cite.Issue != "", func() { m.Issue = c.cite.Issue })
		set("pages", c.source, c.cite.First > 0, func() { m.Pages = c.cite.Pages() })
		set("year", c.source, c.cite.Year > 0, func() { m.Year = c.cite.Year })
	}
	set("year", SourcePage1, page.Year > 0, func() { m.Year = page.Year })

	set("doi", SourceXMP, xm.DOI != "", func() { m.DOI = xm.DOI })
	set("doi", SourcePage1, page.DOI != "", func() { m.DOI = page.DOI })
	set("abstract", SourceXMP, xm.Abstract != "", func() { m.Abstract = xm.Abstract })
	set("abstract", SourcePage1, page.Abstract != "", func() { m.Abstract = page.Abstract })
	if len(src) > 0 && m.Type == "" && m.Journal != "" {
		m.Type = "article-journal"
	}
	m.clean()
	for field := range src {
		if !fieldSet(m, field) {
			delete(src, field)
		}
	}
	return m, src
}

// splitInfoAuthors splits an /Info /Author string into names: "A; B",
// "A, B and C", "A and B".
func splitInfoAuthors(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	parts := nameSplit.Split(s, -1)
	if strings.Contains(s, ";") {
		parts = strings.Split(s, ";") // "Family, Given; Family, Given"
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// fieldSet reports whether a metadata field (by its column name) holds a
// value.
func fieldSet(m Metadata, field string) bool {
	switch field {
	case "title":
		return m.Title != ""
	case "authors":
		return len(m.Authors) > 0
	case "year":
		return m.Year > 0
	case "journal":
		return m.Journal != ""
	case "volume":
		return m.Volume != ""
	case "issue":
		return m.Issue != ""
	case "pages":
		return m.Pages != ""
	case "doi":
		return m.DOI != ""
	case "abstract":
		return m.Abstract != ""
	}
	return false
}

// describeArticle sets what an extraction says about the article beyond
// its text: its metadata, field by field with their sources, and the page
// number printed on each page. assemble calls it for either engine.
func describeArticle(ex *Extraction, doc docSource, vocab *vocabulary) {
	layouts := doc.layouts
	// The article starts on page 1, or on page 2 after a cover page that
	// has no title and authors of its own.
	first := 0
	page := readPageHeader(layouts[0], vocab, ex.Pages, ex.DOI)
	if len(page.Authors) == 0 && len(layouts) > 1 {
		if next := readPageHeader(layouts[1], vocab, ex.Pages[1:], ex.DOI); next.Title != "" && len(next.Authors) > 0 {
			page, first = next, 1
		}
	}
	info := map[string]string{}
	for k, v := range doc.info {
		info[k] = strings.TrimSpace(norm.NFC.String(v))
	}
	text := ex.Pages[first].Header + "\n" + ex.Pages[first].Text
	ex.Metadata, ex.MetadataSources = fileMetadata(fileSources{xmp: doc.xmp, info: info, page: page, pageText: text})
	var meta Citation
	if f, l, ok := strings.Cut(ex.Metadata.Pages, "–"); ok {
		meta.First, _ = strconv.Atoi(f)
		meta.Last, _ = strconv.Atoi(l)
	}
	for i, p := range printedPages(ex.Pages, meta, first) {
		ex.Pages[i].Printed = p
	}
}
