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
	XMLName          xml.Name      `xml:"Project"`
	Xmlns            string        `xml:"xmlns,attr,omitempty"`
	Name             string        `xml:"name,attr"`
	Origin           string        `xml:"origin,attr,omitempty"`
	CreatingUserGUID string        `xml:"creatingUserGUID,attr,omitempty"`
	CreationDateTime string        `xml:"creationDateTime,attr,omitempty"`
	Users            *qdeUsers     `xml:"Users"`
	CodeBook         *qdeCodeBook  `xml:"CodeBook"`
	Variables        *qdeVariables `xml:"Variables"`
	Cases            *qdeCases     `xml:"Cases"`
	Sources          *qdeSources   `xml:"Sources"`
	Notes            *qdeNotes     `xml:"Notes"`
	Links            *qdeLinks     `xml:"Links"`
	Sets             *qdeSets      `xml:"Sets"`
	Graphs           *qdeGraphs    `xml:"Graphs"`
	Description      string        `xml:"Description,omitempty"`
	NoteRefs         []qdeRef      `xml:"NoteRef"`
}

type qdeVariables struct {
	Variables []qdeVariable `xml:"Variable"`
}

type qdeVariable struct {
	GUID        string `xml:"guid,attr"`
	Name        string `xml:"name,attr"`
	Type        string `xml:"typeOfVariable,attr"`
	Description string `xml:"Description,omitempty"`
}

// qdeVariableValue holds one of the value elements; reading takes the
// first that is present.
type qdeVariableValue struct {
	VariableRef   qdeRef  `xml:"VariableRef"`
	TextValue     *string `xml:"TextValue"`
	BooleanValue  *string `xml:"BooleanValue"`
	IntegerValue  *string `xml:"IntegerValue"`
	FloatValue    *string `xml:"FloatValue"`
	DateValue     *string `xml:"DateValue"`
	DateTimeValue *string `xml:"DateTimeValue"`
}

type qdeCases struct {
	Cases []qdeCase `xml:"Case"`
}

type qdeCase struct {
	GUID          string             `xml:"guid,attr"`
	Name          string             `xml:"name,attr,omitempty"`
	Description   string             `xml:"Description,omitempty"`
	CodeRefs      []qdeRef           `xml:"CodeRef"`
	VariableValue []qdeVariableValue `xml:"VariableValue"`
	SourceRefs    []qdeRef           `xml:"SourceRef"`
	SelectionRefs []qdeRef           `xml:"SelectionRef"`
}

type qdeSets struct {
	Sets []qdeSet `xml:"Set"`
}

type qdeSet struct {
	GUID          string   `xml:"guid,attr"`
	Name          string   `xml:"name,attr"`
	Description   string   `xml:"Description,omitempty"`
	MemberCodes   []qdeRef `xml:"MemberCode"`
	MemberSources []qdeRef `xml:"MemberSource"`
	MemberNotes   []qdeRef `xml:"MemberNote"`
}

type qdeLinks struct {
	Links []qdeLink `xml:"Link"`
}

type qdeLink struct {
	GUID       string   `xml:"guid,attr"`
	Name       string   `xml:"name,attr,omitempty"`
	OriginGUID string   `xml:"originGUID,attr,omitempty"`
	TargetGUID string   `xml:"targetGUID,attr,omitempty"`
	NoteRefs   []qdeRef `xml:"NoteRef"`
}

type qdeGraphs struct {
	Graphs []qdeAnySource `xml:"Graph"`
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
	GUID             string             `xml:"guid,attr"`
	Name             string             `xml:"name,attr,omitempty"`
	RichTextPath     string             `xml:"richTextPath,attr,omitempty"`
	PlainTextPath    string             `xml:"plainTextPath,attr,omitempty"`
	CreatingUser     string             `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string             `xml:"creationDateTime,attr,omitempty"`
	Description      string             `xml:"Description,omitempty"`
	PlainTextContent *string            `xml:"PlainTextContent"`
	Selections       []qdeSelection     `xml:"PlainTextSelection"`
	Codings          []qdeCoding        `xml:"Coding"`
	NoteRefs         []qdeRef           `xml:"NoteRef"`
	VariableValues   []qdeVariableValue `xml:"VariableValue"`
}

type qdePDFSource struct {
	GUID           string             `xml:"guid,attr"`
	Name           string             `xml:"name,attr,omitempty"`
	Path           string             `xml:"path,attr,omitempty"`
	Description    string             `xml:"Description,omitempty"`
	Selections     []qdePDFSelection  `xml:"PDFSelection"`
	Representation *qdeTextSource     `xml:"Representation"`
	Codings        []qdeCoding        `xml:"Coding"`
	NoteRefs       []qdeRef           `xml:"NoteRef"`
	VariableValues []qdeVariableValue `xml:"VariableValue"`
}

// qdePDFSelection is a region of a PDF source's page: page and the
// corners firstX/firstY (top left) and secondX/secondY (bottom right), in
// points from the page's top left corner as displayed (see refi_pdf.go).
type qdePDFSelection struct {
	GUID             string         `xml:"guid,attr"`
	Name             string         `xml:"name,attr,omitempty"`
	Page             string         `xml:"page,attr"`
	FirstX           string         `xml:"firstX,attr"`
	FirstY           string         `xml:"firstY,attr"`
	SecondX          string         `xml:"secondX,attr"`
	SecondY          string         `xml:"secondY,attr"`
	CreatingUser     string         `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string         `xml:"creationDateTime,attr,omitempty"`
	Description      string         `xml:"Description,omitempty"`
	Representation   *qdeTextSource `xml:"Representation"`
	Codings          []qdeCoding    `xml:"Coding"`
	NoteRefs         []qdeRef       `xml:"NoteRef"`
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
