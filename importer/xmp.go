package importer

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// XMP metadata: the RDF/XML packet a PDF's catalog holds in /Metadata.
// Publishers write Dublin Core (dc:title, dc:creator, dc:description) and
// PRISM (prism:publicationName, prism:volume, prism:number,
// prism:startingPage, prism:endingPage, prism:coverDate, prism:doi).

// maxXMP bounds the packet read (real packets are a few kilobytes).
const maxXMP = 1 << 20

// xmpRecord is what an XMP packet says, property by property (local name
// in a known namespace → values, in order).
type xmpRecord map[string][]string

func (r xmpRecord) first(keys ...string) string {
	for _, k := range keys {
		for _, v := range r[k] {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// xmpPrefix maps the namespaces read to the prefix their properties are
// keyed by ("" for the others).
func xmpPrefix(space string) string {
	switch {
	case strings.HasPrefix(space, "http://purl.org/dc/elements/1.1"):
		return "dc"
	case strings.Contains(space, "prismstandard.org/namespaces"):
		return "prism"
	case strings.HasPrefix(space, "http://ns.adobe.com/pdfx/"):
		return "pdfx"
	case strings.Contains(space, "crossref.org/crossmark"):
		return "crossmark"
	case strings.HasPrefix(space, "http://ns.adobe.com/pdf/1.3"):
		return "pdf"
	}
	return ""
}

// parseXMP reads the properties of an XMP packet. A malformed packet gives
// what was read before the fault.
func parseXMP(data []byte) xmpRecord {
	rec := xmpRecord{}
	if len(data) > maxXMP {
		data = data[:maxXMP]
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	// The property being read: its key, the depth it opened at, its text.
	type open struct {
		key   string
		depth int
		text  strings.Builder
		lang  string
		items int
	}
	var stack []*open
	depth := 0
	for tokens := 0; tokens < 100_000; tokens++ {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if p := xmpPrefix(t.Name.Space); p != "" && len(stack) == 0 {
				stack = append(stack, &open{key: p + ":" + t.Name.Local, depth: depth})
			}
			if t.Name.Local == "li" && len(stack) > 0 {
				o := stack[len(stack)-1]
				o.items++
				o.text.Reset()
				o.lang = ""
				for _, a := range t.Attr {
					if a.Name.Local == "lang" {
						o.lang = a.Value
					}
				}
			}
			// Simple properties written as attributes of rdf:Description.
			for _, a := range t.Attr {
				if p := xmpPrefix(a.Name.Space); p != "" {
					rec[p+":"+a.Name.Local] = append(rec[p+":"+a.Name.Local], a.Value)
				}
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			if len(stack) > 0 {
				o := stack[len(stack)-1]
				switch {
				case t.Name.Local == "li" && depth > o.depth:
					v := strings.Join(strings.Fields(o.text.String()), " ")
					switch {
					case o.lang == "x-default":
						// The default language first.
						rec[o.key] = append([]string{v}, rec[o.key]...)
					case o.lang == "" || len(rec[o.key]) == 0:
						rec[o.key] = append(rec[o.key], v)
					}
					o.text.Reset()
				case depth == o.depth:
					if o.items == 0 {
						rec[o.key] = append(rec[o.key], strings.Join(strings.Fields(o.text.String()), " "))
					}
					stack = stack[:len(stack)-1]
				}
			}
			depth--
		}
	}
	return rec
}

// xmpMetadata turns an XMP record into metadata fields. Authors are given
// as read; the caller checks them against the page.
func xmpMetadata(r xmpRecord) (m Metadata, creators []string) {
	m.Title = r.first("dc:title")
	creators = r["dc:creator"]
	m.Journal = r.first("prism:publicationName", "prism:publicationname")
	m.Volume = r.first("prism:volume")
	m.Issue = r.first("prism:number", "prism:issueIdentifier")
	start, end := r.first("prism:startingPage"), r.first("prism:endingPage")
	if pr := r.first("prism:pageRange"); pr != "" && start == "" {
		m.Pages = normalizePages(pr)
	} else {
		m.Pages = joinPages(start, end)
	}
	for _, k := range []string{"prism:coverDate", "prism:publicationDate", "prism:coverDisplayDate"} {
		if d := r.first(k); d != "" {
			if iso, y := parseDate(d); y > 0 {
				m.Date, m.Year = iso, y
				break
			}
		}
	}
	for _, k := range []string{"prism:doi", "pdfx:doi", "crossmark:DOI", "dc:identifier", "pdfx:WPS-ARTICLEDOI"} {
		if d := NormalizeDOI(r.first(k)); d != "" && strings.HasPrefix(d, "10.") {
			m.DOI = d
			break
		}
	}
	if d := r.first("dc:description"); len(strings.Fields(d)) >= 40 {
		m.Abstract = d
	}
	return m, creators
}

// validVolume reports whether v can be a volume or issue number as
// metadata gives it: a few digits or a short code, not a sentence.
func validVolume(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 12 {
		return false
	}
	if _, err := strconv.Atoi(v); err == nil {
		return true
	}
	return !strings.ContainsAny(v, " ,;")
}
