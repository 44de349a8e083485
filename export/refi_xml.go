package export

import "encoding/xml"

// The REFI-QDA namespaces (QDA-XML 1.0).
const (
	ProjectNamespace  = "urn:QDA-XML:project:1.0"
	CodebookNamespace = "urn:QDA-XML:codebook:1.0"
)

// These structs mirror the parts of Project.xsd and Codebook.xsd that
// Rapport writes and reads. Element names carry no namespace, so reading
// accepts the elements in any namespace (tools disagree); writing sets the
// default namespace on the root through Xmlns. Field order is the schema's
// sequence order.

type qdeProject struct {
	XMLName          xml.Name     `xml:"Project"`
	Xmlns            string       `xml:"xmlns,attr,omitempty"`
	Name             string       `xml:"name,attr"`
	Origin           string       `xml:"origin,attr,omitempty"`
	CreatingUserGUID string       `xml:"creatingUserGUID,attr,omitempty"`
	CreationDateTime string       `xml:"creationDateTime,attr,omitempty"`
	Users            *qdeUsers    `xml:"Users"`
	CodeBook         *qdeCodeBook `xml:"CodeBook"`
	Sources          *qdeSources  `xml:"Sources"`
	Notes            *qdeNotes    `xml:"Notes"`
	Description      string       `xml:"Description,omitempty"`
}

type qdeUsers struct {
	Users []qdeUser `xml:"User"`
}

type qdeUser struct {
	GUID string `xml:"guid,attr"`
	Name string `xml:"name,attr,omitempty"`
}

// qdeCodeBook is both a project's CodeBook and a .qdc file's root.
type qdeCodeBook struct {
	XMLName xml.Name `xml:"CodeBook"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Origin  string   `xml:"origin,attr,omitempty"`
	Codes   qdeCodes `xml:"Codes"`
}

type qdeCodes struct {
	Codes []qdeCode `xml:"Code"`
}

type qdeCode struct {
	GUID        string    `xml:"guid,attr"`
	Name        string    `xml:"name,attr"`
	IsCodable   string    `xml:"isCodable,attr"`
	Color       string    `xml:"color,attr,omitempty"`
	Description string    `xml:"Description,omitempty"`
	NoteRefs    []qdeRef  `xml:"NoteRef"`
	Codes       []qdeCode `xml:"Code"`
}

type qdeSources struct {
	TextSources  []qdeTextSource `xml:"TextSource"`
	PDFSources   []qdePDFSource  `xml:"PDFSource"`
	Pictures     []qdeAnySource  `xml:"PictureSource"`
	AudioSources []qdeAnySource  `xml:"AudioSource"`
	VideoSources []qdeAnySource  `xml:"VideoSource"`
}

type qdeTextSource struct {
	GUID             string         `xml:"guid,attr"`
	Name             string         `xml:"name,attr,omitempty"`
	RichTextPath     string         `xml:"richTextPath,attr,omitempty"`
	PlainTextPath    string         `xml:"plainTextPath,attr,omitempty"`
	CreatingUser     string         `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string         `xml:"creationDateTime,attr,omitempty"`
	Description      string         `xml:"Description,omitempty"`
	PlainTextContent *string        `xml:"PlainTextContent"`
	Selections       []qdeSelection `xml:"PlainTextSelection"`
	Codings          []qdeCoding    `xml:"Coding"`
	NoteRefs         []qdeRef       `xml:"NoteRef"`
}

type qdePDFSource struct {
	GUID           string         `xml:"guid,attr"`
	Name           string         `xml:"name,attr,omitempty"`
	Path           string         `xml:"path,attr,omitempty"`
	Selections     []qdeAnySource `xml:"PDFSelection"`
	Representation *qdeTextSource `xml:"Representation"`
	Codings        []qdeCoding    `xml:"Coding"`
}

type qdeAnySource struct {
	GUID string `xml:"guid,attr"`
	Name string `xml:"name,attr,omitempty"`
}

type qdeSelection struct {
	GUID             string      `xml:"guid,attr"`
	Name             string      `xml:"name,attr,omitempty"`
	StartPosition    string      `xml:"startPosition,attr"`
	EndPosition      string      `xml:"endPosition,attr"`
	CreatingUser     string      `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string      `xml:"creationDateTime,attr,omitempty"`
	Description      string      `xml:"Description,omitempty"`
	Codings          []qdeCoding `xml:"Coding"`
	NoteRefs         []qdeRef    `xml:"NoteRef"`
}

type qdeCoding struct {
	GUID             string   `xml:"guid,attr"`
	CreatingUser     string   `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string   `xml:"creationDateTime,attr,omitempty"`
	CodeRef          qdeRef   `xml:"CodeRef"`
	NoteRefs         []qdeRef `xml:"NoteRef"`
}

type qdeRef struct {
	TargetGUID string `xml:"targetGUID,attr"`
}

type qdeNotes struct {
	Notes []qdeTextSource `xml:"Note"`
}
