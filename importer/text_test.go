package importer

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestReadTextSeed(t *testing.T) {
	name, data := seedFile(t, "000")
	if k := DetectKind(name, data[:min(len(data), 512)]); k != KindText {
		t.Fatalf("DetectKind(%s) = %q, want text", name, k)
	}
	ex, err := ReadText(name, data)
	if err != nil {
		t.Fatalf("ReadText: %v", err)
	}
	if ex.DOI != "10.1007/s11126-015-9347-5" {
		t.Errorf("DOI = %q, want 10.1007/s11126-015-9347-5", ex.DOI)
	}
	if ex.Title != "" {
		t.Errorf("Title = %q, want none (the first line is a paragraph)", ex.Title)
	}
	if len(ex.Pages) != 1 || ex.Pages[0].Number != 1 {
		t.Fatalf("pages = %+v, want one page numbered 1", ex.Pages)
	}
	p := ex.Pages[0]
	if strings.Contains(p.Text, "scite") || strings.Contains(p.Text, "Brooklyn") {
		t.Errorf("scite boilerplate left in the text: …%s", p.Text[max(0, len(p.Text)-200):])
	}
	if !strings.Contains(p.Header, "scite is a Brooklyn-based organization") {
		t.Errorf("boilerplate not kept in Header: %q", p.Header)
	}
	for _, want := range []string{"Relationships with professionals have been shown", "they should be understood as something complex and flexible."} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if !strings.HasSuffix(p.Text, "complex and flexible.") {
		t.Errorf("text should end with the last real paragraph, ends %q", p.Text[max(0, len(p.Text)-60):])
	}
}

func TestReadText(t *testing.T) {
	tests := []struct {
		name, file, data string
		title, doi       string
		text             string // exact text of page 1, when given
		contains, lacks  []string
		header           string // substring of page 1's Header
	}{
		{name: "markdown heading", file: "notes.md",
			data:  "<!-- draft -->\n\n# Helpful *relationships* in IPS\n\nSome notes. doi:10.1080/15487768.2016.1255276.\n",
			title: "Helpful *relationships* in IPS", doi: "10.1080/15487768.2016.1255276"},
		{name: "markdown bold heading", file: "notes.md", data: "## **Interview 3**\ntext\n", title: "Interview 3"},
		{name: "setext heading", file: "notes.markdown", data: "Interview with participant 7\n===========================\n\nText.\n", title: "Interview with participant 7"},
		{name: "front matter", file: "paper.md",
			data:  "---\ntitle: \"Everything is so relaxed\"\ndoi: https://doi.org/10.1080/15487768.2016.1255276\n---\n# Other heading\nBody 10.1000/other.1\n",
			title: "Everything is so relaxed", doi: "10.1080/15487768.2016.1255276", text: "# Other heading\nBody 10.1000/other.1",
			header: "title: \"Everything is so relaxed\""},
		{name: "short first line", file: "x.txt", data: "Field notes from the IPS site visit\n\nWe met the coach.\n", title: "Field notes from the IPS site visit"},
		{name: "title right above the body", file: "x.txt", data: "Interview notes, site 2\nThe coach said hello.\n", title: "Interview notes, site 2"},
		{name: "first line continued in lower case", file: "x.txt", data: "The coach and the participant\nmet every week.\n", title: ""},
		{name: "first line is a sentence", file: "x.txt", data: "We met the coach.\nThen we left.\n", title: ""},
		{name: "first line too long", file: "x.txt", data: strings.Repeat("word ", 60) + "\nmore\n", title: ""},
		{name: "first line is a URL", file: "x.txt", data: "https://example.org/paper\ntext\n", title: ""},
		{name: "CRLF and CR", file: "x.txt", data: "First line here\r\nbody one\rbody two\r\n", text: "First line here\nbody one\nbody two"},
		{name: "trailing spaces and blank runs", file: "x.txt", data: "\n\nA  \n\n\n\nB\t\n\n", text: "A\n\nB"},
		{name: "latin1", file: "x.txt", data: "Sj\xf6str\xf6m och \x93citat\x94\n", title: "Sjöström och “citat”", text: "Sjöström och “citat”"},
		{name: "utf16", file: "x.txt", data: "\xff\xfeS\x00j\x00\xf6\x00\n\x00", title: "Sjö", text: "Sjö"},
		{name: "NFC", file: "x.txt", data: "Sjo\u0308stro\u0308m\n", title: "Sjöström", text: "Sjöström"},
		{name: "copyright line dropped", file: "x.txt",
			data:     "Body paragraph about helpful relationships.\n\n© 2016 Taylor & Francis Group, LLC. All rights reserved.\n\nMore body.\n",
			contains: []string{"Body paragraph", "More body."}, lacks: []string{"Taylor"}, header: "All rights reserved"},
		{name: "rights phrase inside a long paragraph kept", file: "x.txt",
			data:     strings.Repeat("The participants spoke about their rights. ", 10) + "All rights reserved is a phrase they used.\n",
			contains: []string{"All rights reserved is a phrase"}},
		{name: "hard-wrapped text without blank lines keeps its body", file: "x.txt",
			data: strings.Repeat("a line of hard-wrapped body text about helpful relationships\n", 40) +
				"scite is a Brooklyn-based organization that helps researchers better\n",
			contains: []string{"a line of hard-wrapped body text"}, lacks: []string{"Brooklyn"}},
		{name: "glued DOI", file: "x.txt", data: "Trauma 2010 doi:10.1186/1752-2897-4-1Abstract Background\n", doi: "10.1186/1752-2897-4-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := ReadText(tt.file, []byte(tt.data))
			if err != nil {
				t.Fatalf("ReadText: %v", err)
			}
			if ex.Title != tt.title {
				t.Errorf("Title = %q, want %q", ex.Title, tt.title)
			}
			if ex.DOI != tt.doi {
				t.Errorf("DOI = %q, want %q", ex.DOI, tt.doi)
			}
			if len(ex.Pages) != 1 {
				t.Fatalf("%d pages, want 1", len(ex.Pages))
			}
			p := ex.Pages[0]
			if tt.text != "" && p.Text != tt.text {
				t.Errorf("Text = %q, want %q", p.Text, tt.text)
			}
			for _, c := range tt.contains {
				if !strings.Contains(p.Text, c) {
					t.Errorf("Text lacks %q: %q", c, p.Text)
				}
			}
			for _, c := range tt.lacks {
				if strings.Contains(p.Text, c) {
					t.Errorf("Text has %q: %q", c, p.Text)
				}
			}
			if tt.header != "" && !strings.Contains(p.Header, tt.header) {
				t.Errorf("Header = %q, want it to contain %q", p.Header, tt.header)
			}
			if !utf8.ValidString(p.Text) || !norm.NFC.IsNormalString(p.Text) || strings.Contains(p.Text, "\r") {
				t.Errorf("Text is not clean NFC UTF-8 with \\n line ends: %q", p.Text)
			}
			if ex.Version != ExtractorVersion {
				t.Errorf("Version = %d, want %d", ex.Version, ExtractorVersion)
			}
		})
	}
}

func TestReadTextErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		is   error
	}{
		{"empty", "", ErrEmptyFile},
		{"blank", " \n\t\n", ErrEmptyFile},
		{"binary", "PK\x03\x04\x00\x00\x08\x00binary", ErrNotText},
		{"only boilerplate", "scite is a Brooklyn-based organization that helps researchers.\n", ErrEmptyFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := ReadText("file.txt", []byte(tt.data))
			if !errors.Is(err, tt.is) {
				t.Fatalf("ReadText = %+v, %v; want %v", ex, err, tt.is)
			}
			if !strings.Contains(err.Error(), "file.txt") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func FuzzReadText(f *testing.F) {
	f.Add("notes.md", []byte("---\ntitle: T\n---\n# H\nbody doi:10.1000/x.1\n"))
	f.Add("x.txt", []byte("Title\r\n\r\nSj\xf6str\xf6m\rscite is a Brooklyn-based organization\n"))
	f.Add("x.txt", []byte("\xff\xfeS\x00j\x00"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		ex, err := ReadText(name, data)
		if err != nil {
			return
		}
		if len(ex.Pages) != 1 {
			t.Fatalf("%d pages", len(ex.Pages))
		}
		p := ex.Pages[0]
		for _, s := range []string{p.Text, p.Header, ex.Title} {
			if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
				t.Fatalf("not NFC UTF-8: %q", s)
			}
		}
		if strings.Contains(p.Text, "\r") || strings.TrimSpace(p.Text) == "" {
			t.Fatalf("bad text %q", p.Text)
		}
		if ex.DOI != "" && (ex.DOI != strings.ToLower(ex.DOI) || !strings.HasPrefix(ex.DOI, "10.")) {
			t.Fatalf("bad DOI %q", ex.DOI)
		}
	})
}
