package export

import (
	"archive/zip"
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./export -update` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking the change):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// unpackQDPX lists a .qdpx zip as text: each entry's name and content.
func unpackQDPX(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		names = append(names, f.Name)
		files[f.Name] = string(b)
	}
	if len(names) == 0 || names[0] != "project.qde" {
		t.Errorf("first zip entry is %v, want project.qde", names)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString("=== " + n + " ===\n" + files[n] + "\n")
	}
	return []byte(b.String())
}

func TestGoldenFiles(t *testing.T) {
	cases := []struct {
		name   string
		format Format
		filter Filter
		opts   Options
	}{
		{"excerpts.md", Markdown, Filter{}, Options{}},
		{"excerpts.csv", CSV, Filter{}, Options{}},
		{"excerpts-bom.csv", CSV, Filter{DocIDs: []int64{3}}, Options{BOM: true}},
		{"excerpts.json", JSON, Filter{}, Options{}},
		{"references.csljson", CSLJSON, Filter{}, Options{}},
		{"excerpts.html", HTML, Filter{}, Options{}},
		{"codebook.qdc", QDC, Filter{}, Options{}},
		{"project.qdpx.txt", QDPX, Filter{}, Options{}},
		{"trust.md", Markdown, Filter{Themes: []string{"trust"}}, Options{}},
		{"helpful-doc2.md", Markdown, Filter{Themes: []string{"Helpful relationships"}, DocIDs: []int64{2}}, Options{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := fixtureData(t, c.filter)
			var buf bytes.Buffer
			if err := Write(&buf, c.format, d, c.opts); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if c.format == QDPX {
				got = unpackQDPX(t, got)
			}
			checkGolden(t, c.name, got)
		})
	}
}
