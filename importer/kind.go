package importer

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Kind says how a file is read.
type Kind string

// The kinds of file Rapport imports.
const (
	KindPDF      Kind = "pdf"      // an article PDF: text per page
	KindText     Kind = "text"     // a .txt or .md source: one page
	KindMetadata Kind = "metadata" // .bib, .ris, CSL-JSON, Semantic Scholar JSON
	KindQDPX     Kind = "qdpx"     // a REFI-QDA project
	KindQDC      Kind = "qdc"      // a REFI-QDA codebook
	KindUnknown  Kind = ""
)

// DetectKind decides how to read a file from its name and its first bytes.
// head may be nil or short. A .txt file whose content is a JSON record (as
// aggregators export them) is metadata; a file named .pdf is a PDF whatever
// its content, so that a broken one is reported as a broken PDF.
func DetectKind(name string, head []byte) Kind {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".pdf":
		return KindPDF
	case ".bib", ".bibtex", ".ris":
		return KindMetadata
	case ".json", ".csljson":
		return KindMetadata
	case ".qdpx":
		return KindQDPX
	case ".qdc":
		return KindQDC
	case ".txt", ".md", ".markdown", ".text":
		if looksLikeJSONRecord(head) {
			return KindMetadata
		}
		return KindText
	}
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return KindPDF
	}
	return KindUnknown
}

func looksLikeJSONRecord(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}
