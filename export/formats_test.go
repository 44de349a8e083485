package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// hostile is a library whose text tries to break every format.
func hostileData(t *testing.T) *Data {
	t.Helper()
	text := "1. <script>alert(\"x\")</script> & *bold* _it_ | cell,\"quoted\"\n- dash line\n# not a heading"
	pages := map[int64][]index.Page{1: {{DocID: 1, Number: 1, Text: text}}}
	docs := []index.Document{{ID: 1, Kind: "text", PageCount: 1, Metadata: importer.Metadata{Title: "<b>Title</b> & co", Journal: "J <i>",
		Authors: []importer.Author{{Family: "O'Brien", Given: "Seán"}}, Year: 2020}}}
	themes := []index.Theme{{ID: 1, GUID: "theme-1", Name: "<Theme> & \"quotes\"", Color: "red; background: url(x)"}}
	anns := []index.Annotation{{ID: 1, GUID: "a1", DocID: 1, Page: 1, Start: 0, End: len([]rune(text)), Quote: text,
		Themes: []string{"<Theme> & \"quotes\""}, Note: "</blockquote><script>", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	d, err := Build("lib <x>", fixedTime, docs, pages, themes, anns, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHTMLEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, hostileData(t)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script", "<b>Title", "</blockquote><script>", "url(x)", "<Theme>", "J <i>"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML holds %q unescaped", bad)
		}
	}
	if !strings.Contains(out, "--theme: #808080") {
		t.Error("an unusable theme colour did not fall back to grey")
	}
	// (the journal's name in title case: "J <i>" is cited "J <I>")
	if !strings.Contains(out, "<i>J &lt;I&gt;</i>") {
		t.Error("journal not in italics, escaped")
	}
}

func TestMarkdownEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, hostileData(t)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"> 1\\. \\<script\\>", "> \\- dash line", "> \\# not a heading", "\\*bold\\*", "\\_it\\_"} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestCSVParsesBack(t *testing.T) {
	for _, d := range []*Data{hostileData(t), fixtureData(t, Filter{})} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, d, true); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
			t.Error("no byte-order mark")
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF"))))
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := 1 // header
		for _, e := range d.Excerpts {
			n := 0
			for _, name := range e.Themes {
				if _, ok := d.themeByName(name); ok {
					n++
				}
			}
			want += max(n, 1)
		}
		if len(rows) != want {
			t.Errorf("%d rows, want %d", len(rows), want)
		}
		for _, row := range rows[1:] {
			if len(row) != len(CSVHeader) {
				t.Errorf("row has %d columns", len(row))
			}
			id := row[10]
			for _, e := range d.Excerpts {
				if id == itoa(int(e.ID)) && row[1] != e.Quote {
					t.Errorf("quote %q did not survive: %q", e.Quote, row[1])
				}
			}
		}
	}
}

func TestJSONSchema(t *testing.T) {
	var buf bytes.Buffer
	d := fixtureData(t, Filter{})
	if err := WriteJSON(&buf, d); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v["format"] != "rapport-excerpts" || v["version"] != float64(JSONSchemaVersion) {
		t.Errorf("format/version: %v %v", v["format"], v["version"])
	}
	ex := v["excerpts"].([]any)
	if len(ex) != len(d.Excerpts) {
		t.Fatalf("%d excerpts", len(ex))
	}
	for _, key := range []string{"id", "guid", "document", "page", "end_page", "printed_page", "start", "end", "quote", "prefix", "suffix", "themes", "note", "author", "created", "updated", "citation"} {
		if _, ok := ex[0].(map[string]any)[key]; !ok {
			t.Errorf("excerpt lacks %q", key)
		}
	}
	// An empty library still gives every list, empty.
	empty, _ := Build("", fixedTime, nil, nil, nil, nil, Filter{})
	buf.Reset()
	WriteJSON(&buf, empty)
	if !strings.Contains(buf.String(), `"excerpts": []`) || !strings.Contains(buf.String(), `"themes": []`) {
		t.Errorf("empty export: %s", buf.String())
	}
}

func TestEmptyExports(t *testing.T) {
	empty, err := Build("", time.Time{}, nil, nil, nil, nil, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		err := Write(&buf, f, empty, Options{})
		if f == QDC {
			if err == nil {
				t.Error("an empty codebook was written as a .qdc (the schema needs one code)")
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	files, err := BuildProject(empty)
	if err != nil {
		t.Fatal(err)
	}
	xmlValidate(t, "Project.xsd", files.QDE)
}
