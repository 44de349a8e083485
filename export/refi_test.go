package export

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/index"
)

// sharedDir finds ../shared beside the module root, or skips the test.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(shared); err != nil {
		// A worktree lives elsewhere; /work/shared is the same folder.
		if _, err2 := os.Stat("/work/shared"); err2 == nil {
			return "/work/shared"
		}
		t.Skipf("shared folder %s is absent: %v", shared, err)
	}
	return shared
}

// xmlValidate validates an XML document against a REFI-QDA schema with
// xmllint, skipping when xmllint or the schema is absent.
func xmlValidate(t *testing.T, schema string, doc []byte) {
	t.Helper()
	xsd := filepath.Join(sharedDir(t), "refi-qda", schema)
	if _, err := os.Stat(xsd); err != nil {
		t.Skipf("schema %s is absent: %v", xsd, err)
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (Debian package libxml2-utils; run scripts/install-deps)")
	}
	file := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", xsd, file).CombinedOutput()
	if err != nil {
		t.Errorf("%s does not validate against %s: %v\n%s", file, schema, err, out)
	}
}

func TestCodebookValidates(t *testing.T) {
	for _, f := range []Filter{{}, {Themes: []string{"Trust"}}} {
		var buf bytes.Buffer
		if err := WriteCodebook(&buf, fixtureData(t, f)); err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
			t.Error("codebook starts with a byte-order mark")
		}
		xmlValidate(t, "Codebook.xsd", buf.Bytes())
	}
}

func TestProjectValidates(t *testing.T) {
	for _, f := range []Filter{{}, {Themes: []string{"Trust"}}, {DocIDs: []int64{4}}} {
		files, err := BuildProject(fixtureData(t, f))
		if err != nil {
			t.Fatal(err)
		}
		if len(files.Skipped) > 0 {
			t.Errorf("filter %+v: skipped %v", f, files.Skipped)
		}
		xmlValidate(t, "Project.xsd", files.QDE)
	}
}

// TestProjectOffsets checks that every selection's positions, counted in
// code points, point at the annotation's quote in the exported text.
func TestProjectOffsets(t *testing.T) {
	d := fixtureData(t, Filter{})
	var buf bytes.Buffer
	if err := WriteProject(&buf, d, func(s string) { t.Error(s) }); err != nil {
		t.Fatal(err)
	}
	p, err := ReadProject(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files, err := BuildProject(d)
	if err != nil {
		t.Fatal(err)
	}
	sources, qde := files.Sources, files.QDE
	checked := 0
	for _, doc := range d.Documents {
		if len(doc.Pages) == 0 {
			continue
		}
		text := sources[sourceGUID(doc)+".txt"]
		runes := []rune(text)
		for _, e := range d.Excerpts {
			if e.DocID != doc.ID {
				continue
			}
			guid := refiGUID("annotation", e.GUID)
			i := bytes.Index(qde, []byte(`guid="`+guid+`"`))
			if i < 0 {
				t.Fatalf("selection of annotation %d missing", e.ID)
			}
			start := attrInt(t, qde[i:], "startPosition")
			end := attrInt(t, qde[i:], "endPosition")
			if got := string(runes[start:end]); got != e.Quote {
				t.Errorf("annotation %d: text at %d–%d is %q, want %q", e.ID, start, end, got, e.Quote)
			}
			checked++
		}
	}
	if checked != len(d.Excerpts) {
		t.Errorf("checked %d selections, want %d", checked, len(d.Excerpts))
	}
	if len(p.Problems) > 0 {
		t.Errorf("reading our own project reported problems: %v", p.Problems)
	}
}

func attrInt(t *testing.T, b []byte, name string) int {
	t.Helper()
	s := string(b)
	i := strings.Index(s, name+`="`)
	if i < 0 {
		t.Fatalf("no %s attribute", name)
	}
	s = s[i+len(name)+2:]
	n, err := strconv.Atoi(s[:strings.IndexByte(s, '"')])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestProjectReadBack reads the project Rapport writes: same codes with
// nesting, colours and memos; same excerpts on the same pages at the same
// offsets, with their themes and notes.
func TestProjectReadBack(t *testing.T) {
	d := fixtureData(t, Filter{})
	var buf bytes.Buffer
	if err := WriteProject(&buf, d, nil); err != nil {
		t.Fatal(err)
	}
	p, err := ReadProject(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Codes) != len(d.Themes) {
		t.Fatalf("%d codes, want %d", len(p.Codes), len(d.Themes))
	}
	nameOf := map[string]string{}
	for i, c := range p.Codes {
		th := d.Themes[i]
		nameOf[c.GUID] = c.Name
		parent := ""
		for _, o := range d.Themes {
			if o.ID == th.ParentID {
				parent = o.GUID
			}
		}
		if c.Name != th.Name || c.Color != th.Color || c.Description != th.Description || c.Parent != parent || c.Depth != th.Depth || c.Memo != th.Memo || !c.Codable {
			t.Errorf("code %d = %+v, want theme %+v", i, c, th)
		}
	}
	type key struct {
		title       string
		page, start int
	}
	want := map[key]Excerpt{}
	for _, e := range d.Excerpts {
		want[key{d.document(e.DocID).Title, e.Page, e.Start}] = e
	}
	n := 0
	for _, s := range p.Sources {
		for _, sel := range s.Selections {
			e, ok := want[key{s.Name, sel.Page, sel.Start}]
			if !ok {
				t.Errorf("unexpected selection %+v in %q", sel, s.Name)
				continue
			}
			n++
			var themes []string
			for _, g := range sel.Codes {
				themes = append(themes, nameOf[g])
			}
			if sel.End != e.End || sel.Quote != e.Quote || sel.Note != e.Note || strings.Join(themes, "|") != strings.Join(d.orderedThemes(e), "|") || sel.Author != e.Author {
				t.Errorf("selection %+v (themes %v), want %+v", sel, themes, e)
			}
		}
		doc := (*Document)(nil)
		for i := range d.Documents {
			if d.Documents[i].Title == s.Name {
				doc = &d.Documents[i]
			}
		}
		if doc == nil || len(s.Pages) != len(doc.Pages) {
			t.Errorf("source %q: %d pages, want the document's", s.Name, len(s.Pages))
		}
	}
	if n != len(d.Excerpts) {
		t.Errorf("read %d selections, want %d", n, len(d.Excerpts))
	}
}

// otherToolText is the source text of otherToolProject.
const otherToolText = "Ça va? The coach listened. 😀 Then she called."

// otherToolProject is a .qdpx as other tools write them: a .qde of another
// name, a plainTextPath without internal://, colours in other notations,
// codes without isCodable, a BOM in the source, a coding of an unknown
// code, a selection past the end, and a PDF source without text. Its
// positions count UTF-16 units, as QualCoder's do (the emoji counts two).
func otherToolProject(t *testing.T) []byte {
	t.Helper()
	text := otherToolText
	qde := `<?xml version="1.0" encoding="utf-8"?>
<Project name="From another tool" origin="QualCoder 3.5" xmlns="urn:QDA-XML:project:1.0">
 <Users><User guid="11111111-1111-1111-1111-111111111111" name="Ana"/></Users>
 <CodeBook><Codes>
  <Code guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Listening" color="#f80"><Description>Being heard</Description>
   <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Calling" color="rgb(10, 20, 30)" isCodable="true"/>
  </Code>
  <Code guid="aaaaaaaa-0000-0000-0000-000000000003" name="Odd colour" color="chartreuse-ish" isCodable="false"/>
  <Code guid="aaaaaaaa-0000-0000-0000-000000000004" name="Named colour" color="teal"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="interview" plainTextPath="interview.txt">
   <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000001" startPosition="7" endPosition="26" creatingUser="11111111-1111-1111-1111-111111111111">
    <Coding guid="dddddddd-0000-0000-0000-000000000001"><CodeRef targetGUID="AAAAAAAA-0000-0000-0000-000000000001"/></Coding>
    <Coding guid="dddddddd-0000-0000-0000-000000000002"><CodeRef targetGUID="eeeeeeee-0000-0000-0000-000000000009"/></Coding>
    <NoteRef targetGUID="ffffffff-0000-0000-0000-000000000001"/>
   </PlainTextSelection>
   <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000002" startPosition="30" endPosition="46">
    <Coding guid="dddddddd-0000-0000-0000-000000000003"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000002"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000003" startPosition="40" endPosition="400">
    <Coding guid="dddddddd-0000-0000-0000-000000000004"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000002"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <PDFSource guid="bbbbbbbb-0000-0000-0000-000000000002" name="scan.pdf" path="internal://scan.pdf"/>
 </Sources>
 <Notes><Note guid="ffffffff-0000-0000-0000-000000000001"><PlainTextContent>Ana's memo</PlainTextContent></Note></Notes>
</Project>`
	var buf bytes.Buffer
	zw := newTestZip(&buf)
	zw.add("My Project.qde", qde)
	zw.add("Sources/interview.txt", "\xEF\xBB\xBF"+text)
	zw.close(t)
	return buf.Bytes()
}

func TestReadOtherTools(t *testing.T) {
	text := otherToolText
	data := otherToolProject(t)
	p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	wantCodes := []Code{
		{GUID: "aaaaaaaa-0000-0000-0000-000000000001", Name: "Listening", Color: "#FF8800", Description: "Being heard", Codable: true},
		{GUID: "aaaaaaaa-0000-0000-0000-000000000002", Name: "Calling", Color: "#0A141E", Parent: "aaaaaaaa-0000-0000-0000-000000000001", Depth: 1, Codable: true},
		{GUID: "aaaaaaaa-0000-0000-0000-000000000003", Name: "Odd colour", Codable: false},
		{GUID: "aaaaaaaa-0000-0000-0000-000000000004", Name: "Named colour", Color: "#008080", Codable: true},
	}
	if len(p.Codes) != len(wantCodes) {
		t.Fatalf("codes %+v", p.Codes)
	}
	for i := range wantCodes {
		if p.Codes[i] != wantCodes[i] {
			t.Errorf("code %d = %+v, want %+v", i, p.Codes[i], wantCodes[i])
		}
	}
	if len(p.Sources) != 1 || len(p.Sources[0].Selections) != 2 {
		t.Fatalf("sources %+v", p.Sources)
	}
	s := p.Sources[0]
	if s.Pages[0] != text {
		t.Errorf("text %q, want %q (byte-order mark dropped)", s.Pages[0], text)
	}
	sel := s.Selections[0]
	if sel.Quote != "The coach listened." || sel.Note != "Ana's memo" || sel.Author != "Ana" || len(sel.Codes) != 1 {
		t.Errorf("selection 1 = %+v", sel)
	}
	// Positions in UTF-16 units (the emoji counts two), stored as code
	// points (it counts one).
	if q := s.Selections[1].Quote; q != "Then she called." || utf8.RuneCountInString(text[:strings.Index(text, "Then")]) != s.Selections[1].Start {
		t.Errorf("selection 2 = %+v (UTF-16 positions, code point offsets)", s.Selections[1])
	}
	if s.PositionUnit != "UTF-16 units" {
		t.Errorf("positions read as %q, want UTF-16 units", s.PositionUnit)
	}
	for _, want := range []string{"chartreuse-ish", "eeeeeeee-0000-0000-0000-000000000009", "positions 40–400", "scan.pdf"} {
		found := false
		for _, pr := range p.Problems {
			found = found || strings.Contains(pr, want)
		}
		if !found {
			t.Errorf("no problem reported about %s; problems: %q", want, p.Problems)
		}
	}
}

func TestReadCodebook(t *testing.T) {
	var buf bytes.Buffer
	d := fixtureData(t, Filter{})
	if err := WriteCodebook(&buf, d); err != nil {
		t.Fatal(err)
	}
	codes, problems, err := ReadCodebook(buf.Bytes())
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	if len(codes) != len(d.Themes) {
		t.Fatalf("%d codes, want %d", len(codes), len(d.Themes))
	}
	for i, c := range codes {
		if c.Name != d.Themes[i].Name || c.Depth != d.Themes[i].Depth || c.Color != d.Themes[i].Color || c.GUID != d.Themes[i].GUID {
			t.Errorf("code %d = %+v, want %+v", i, c, d.Themes[i])
		}
	}
}

// TestProjectSkipsStaleExcerpts leaves out, with a warning, an excerpt
// whose offsets no longer point at its quote or lie past its page.
func TestProjectSkipsStaleExcerpts(t *testing.T) {
	anns := fixtureAnnotations(t)
	anns[0].Start++ // now points one character off its quote
	anns[1].End = 10000
	d, err := Build("Test library", fixedTime, fixtureDocs, fixturePages, fixtureThemes, anns, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	var buf bytes.Buffer
	if err := WriteProject(&buf, d, func(s string) { warnings = append(warnings, s) }); err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "annotation 1") || !strings.Contains(warnings[1], "annotation 2") {
		t.Errorf("warnings: %q", warnings)
	}
	p, err := ReadProject(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range p.Sources {
		n += len(s.Selections)
	}
	if n != len(anns)-2 {
		t.Errorf("%d selections written, want %d", n, len(anns)-2)
	}
}

// TestProjectWritesNotes: a document's notes are written as notes the
// source refers to, and an annotation's note both as a note and as the
// selection's Description (QualCoder reads only the latter); the project
// validates and reads back with the notes once.
func TestProjectWritesNotes(t *testing.T) {
	d := fixtureData(t, Filter{})
	d.Documents[0].Notes = []index.DocNote{{ID: 7, DocID: d.Documents[0].ID, Text: "Read twice.", Author: "Test User", CreatedAt: fixedTime}}
	files, err := BuildProject(d)
	if err != nil {
		t.Fatal(err)
	}
	xmlValidate(t, "Project.xsd", files.QDE)
	qde := string(files.QDE)
	if !strings.Contains(qde, "<PlainTextContent>Read twice.</PlainTextContent>") {
		t.Error("the document's note is not written")
	}
	for _, e := range d.Excerpts {
		if e.Note != "" && !strings.Contains(qde, "<Description>"+xmlEscape(e.Note)+"</Description>") {
			t.Errorf("annotation %d: its note %q is not the selection's Description", e.ID, e.Note)
		}
	}
	var buf bytes.Buffer
	if err := WriteProject(&buf, d, nil); err != nil {
		t.Fatal(err)
	}
	p, err := ReadProject(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Sources {
		if s.Name != oneLine(d.Documents[0].Title) {
			continue
		}
		if len(s.Notes) != 1 || s.Notes[0].Text != "Read twice." || s.Notes[0].Author != "Test User" {
			t.Errorf("notes read back: %+v", s.Notes)
		}
		for _, sel := range s.Selections {
			if strings.Count(sel.Note, "\n\n") > 0 {
				t.Errorf("selection %q: note read twice: %q", sel.Quote, sel.Note)
			}
		}
	}
}

// xmlEscape escapes text as encoding/xml writes character data.
func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
