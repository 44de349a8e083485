package export

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// Generated REFI-QDA projects, as other tools write them, for the cases
// the tests reproduce: positions in UTF-16 units or code points around
// emoji and other characters outside the Basic Multilingual Plane, CRLF
// text, same-named codes under different parents, cases, variables and
// sets, bare .qde files.

// genProject is a project to write as a .qdpx or a bare .qde.
type genProject struct {
	Name    string
	Origin  string
	Codes   []genCode
	Sources []genSource
	// Extra is XML put between the sources and the end of the project in
	// schema order: Variables and Cases go in Before.
	Before, After string
}

type genCode struct {
	GUID, Name, Color string
	Children          []genCode
}

type genSource struct {
	GUID, Name, Text string
	File             string // sources/File; "" uses GUID.txt
	NoPath           bool   // text inline (PlainTextContent)
	Sels             []genSel
	Extra            string // XML after the selections (NoteRef, VariableValue)
	Description      string
}

type genSel struct {
	GUID       string
	Name       string
	Start, End int
	Codes      []string // code GUIDs
	Desc       string
	Extra      string
}

// guidN makes GUID number n of a kind letter ("c" codes, "s" sources…).
func guidN(kind byte, n int) string {
	return fmt.Sprintf("%02x%06x-0000-4000-8000-%012x", kind, n, n)
}

// units says how a generated selection counts positions.
type units int

const (
	inUTF16 units = iota
	inCodePoints
)

// at returns the positions of the n-th occurrence (1-based) of quote in
// text, counted in u.
func at(t testing.TB, text, quote string, n int, u units) (int, int) {
	t.Helper()
	i := -1
	for k := 0; k < n; k++ {
		j := strings.Index(text[i+1:], quote)
		if j < 0 {
			t.Fatalf("quote %q (occurrence %d) not in the text", quote, n)
		}
		i += 1 + j
	}
	count := func(s string) int {
		if u == inUTF16 {
			return len(utf16.Encode([]rune(s)))
		}
		return len([]rune(s))
	}
	start := count(text[:i])
	return start, start + count(quote)
}

func (g genProject) qde() string {
	var b strings.Builder
	origin := g.Origin
	name := g.Name
	if name == "" {
		name = "Generated project"
	}
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"%s\" origin=\"%s\">\n", html.EscapeString(name), html.EscapeString(origin))
	b.WriteString(" <Users><User guid=\"" + guidN('u', 1) + "\" name=\"Coder\"/></Users>\n")
	if len(g.Codes) > 0 {
		b.WriteString(" <CodeBook><Codes>\n")
		var write func(cs []genCode, depth int)
		write = func(cs []genCode, depth int) {
			for _, c := range cs {
				color := ""
				if c.Color != "" {
					color = ` color="` + c.Color + `"`
				}
				fmt.Fprintf(&b, "%s<Code guid=\"%s\" name=\"%s\" isCodable=\"true\"%s>\n", strings.Repeat(" ", depth+2), c.GUID, html.EscapeString(c.Name), color)
				write(c.Children, depth+1)
				fmt.Fprintf(&b, "%s</Code>\n", strings.Repeat(" ", depth+2))
			}
		}
		write(g.Codes, 0)
		b.WriteString(" </Codes></CodeBook>\n")
	}
	b.WriteString(g.Before)
	if len(g.Sources) > 0 {
		b.WriteString(" <Sources>\n")
		for _, s := range g.Sources {
			path := ""
			if !s.NoPath {
				file := s.File
				if file == "" {
					file = s.GUID + ".txt"
				}
				path = ` plainTextPath="internal://` + html.EscapeString(file) + `"`
			}
			nameAttr := ""
			if s.Name != "" {
				nameAttr = ` name="` + html.EscapeString(s.Name) + `"`
			}
			fmt.Fprintf(&b, "  <TextSource guid=\"%s\"%s%s creatingUser=\"%s\">\n", s.GUID, nameAttr, path, guidN('u', 1))
			if s.Description != "" {
				fmt.Fprintf(&b, "   <Description>%s</Description>\n", html.EscapeString(s.Description))
			}
			if s.NoPath {
				fmt.Fprintf(&b, "   <PlainTextContent>%s</PlainTextContent>\n", html.EscapeString(s.Text))
			}
			for _, sel := range s.Sels {
				nameAttr := ""
				if sel.Name != "" {
					nameAttr = ` name="` + html.EscapeString(sel.Name) + `"`
				}
				fmt.Fprintf(&b, "   <PlainTextSelection guid=\"%s\"%s startPosition=\"%d\" endPosition=\"%d\" creatingUser=\"%s\">\n", sel.GUID, nameAttr, sel.Start, sel.End, guidN('u', 1))
				if sel.Desc != "" {
					fmt.Fprintf(&b, "    <Description>%s</Description>\n", html.EscapeString(sel.Desc))
				}
				for i, c := range sel.Codes {
					fmt.Fprintf(&b, "    <Coding guid=\"%s\"><CodeRef targetGUID=\"%s\"/></Coding>\n", guidN('g', i+1)[:8]+sel.GUID[8:], c)
				}
				b.WriteString(sel.Extra)
				b.WriteString("   </PlainTextSelection>\n")
			}
			b.WriteString(s.Extra)
			b.WriteString("  </TextSource>\n")
		}
		b.WriteString(" </Sources>\n")
	}
	b.WriteString(g.After)
	b.WriteString("</Project>\n")
	return b.String()
}

// qdpx writes the project as a .qdpx zip.
func (g genProject) qdpx(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := newTestZip(&buf)
	zw.add("project.qde", g.qde())
	for _, s := range g.Sources {
		if s.NoPath {
			continue
		}
		file := s.File
		if file == "" {
			file = s.GUID + ".txt"
		}
		zw.add("sources/"+file, s.Text)
	}
	zw.close(t)
	return buf.Bytes()
}

// writeQDPX writes the project as a .qdpx file in dir and returns its path.
func (g genProject) writeQDPX(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, g.qdpx(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeBareQDE writes the project as ATLAS.ti does: NAME.qde with the
// sources in a Sources folder beside it. It returns the .qde's path.
func (g genProject) writeBareQDE(t *testing.T, dir, name string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "Sources"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range g.Sources {
		file := s.File
		if file == "" {
			file = s.GUID + ".txt"
		}
		if err := os.WriteFile(filepath.Join(dir, "Sources", file), []byte(s.Text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(g.qde()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func utf16Units(s string) []uint16 { return utf16.Encode([]rune(s)) }

func utf16String(u []uint16) string { return string(utf16.Decode(u)) }
