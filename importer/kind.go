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
// head may be nil or short. A .txt file whose content is a metadata record
// (a JSON record as aggregators export them, or RIS or BibTeX saved as
// .txt) is metadata; a file named .pdf is a PDF whatever its content, so
// that a broken one is reported as a broken PDF.
func DetectKind(name string, head []byte) Kind {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".pdf":
		return KindPDF
	case ".bib", ".bibtex", ".ris":
		return KindMetadata
	case ".json", ".csljson":
		return KindMetadata
	case ".qdpx", ".qde": // a project zip, or its .qde bare beside a Sources folder (ATLAS.ti)
		return KindQDPX
	case ".qdc":
		return KindQDC
	case ".txt", ".md", ".markdown", ".text":
		if looksLikeJSONRecord(head) || looksLikeTaggedRecord(head) {
			return KindMetadata
		}
		return KindText
	}
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return KindPDF
	}
	return KindUnknown
}

// looksLikeJSONRecord reports whether head starts a JSON object with a
// key ({"title": …) or an array of objects; "[Interview 3] …" is prose.
func looksLikeJSONRecord(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	open := t[0]
	rest := bytes.TrimLeft(t[1:], " \t\r\n")
	if len(rest) == 0 {
		return len(t) == 1 // only the opening bracket was read
	}
	if open == '{' {
		return rest[0] == '"' || rest[0] == '}'
	}
	return rest[0] == '{' || rest[0] == ']'
}

// looksLikeTaggedRecord reports whether head starts with an RIS record
// ("TY  - JOUR") or a BibTeX entry ("@article{"), after any blank lines
// and BibTeX "%" comment lines.
func looksLikeTaggedRecord(head []byte) bool {
	t := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for {
		t = bytes.TrimLeft(t, " \t\r\n")
		if !bytes.HasPrefix(t, []byte("%")) {
			break
		}
		i := bytes.IndexByte(t, '\n')
		if i < 0 {
			return false
		}
		t = t[i+1:]
	}
	if risTagLine.Match(t[:min(len(t), 16)]) && bytes.HasPrefix(t, []byte("TY")) {
		return true
	}
	if loc := bibEntryStart.FindIndex(t[:min(len(t), 64)]); loc != nil && loc[0] == 0 {
		return true
	}
	return false
}
