package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	stdhtml "html"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// areaLibrary is a library of one article whose second page holds a
// figure (a grey box with two words inside), coded as an area with Trust,
// and a passage of its first page coded with Trust too.
func areaLibrary(t *testing.T) (*index.Library, index.Annotation) {
	t.Helper()
	ctx := context.Background()
	a := pdfgen.Article{Title: "Figures of helpful relationships", Columns: 1, Pages: [][]string{
		{"Trust grew when the professional went beyond the rules of the service."},
		{"The figure below sums up the synthesis."},
	}}
	doc := a.Doc()
	doc.Pages[1].Raw = "q 0.8 g 100 300 200 100 re f Q\n"
	doc.Pages[1].Texts = append(doc.Pages[1].Texts, pdfgen.Text{X: 120, Y: 350, Size: 10, Font: pdfgen.Helvetica, S: "Availability Trust"})
	path := filepath.Join(t.TempDir(), "figures.pdf")
	if err := os.WriteFile(path, doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	id := rep.Imported[0].ID
	area, err := lib.Tag(ctx, index.TagRequest{DocID: id, Page: 2, Rect: &index.Rect{X1: 100, Y1: 300, X2: 300, Y2: 400}, Themes: []string{"Trust"}, Note: "the synthesis"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: id, Quote: "Trust grew when the professional", Themes: []string{"Trust"}}); err != nil {
		t.Fatal(err)
	}
	return lib, area
}

// TestAreaExports: Markdown and HTML embed the area's part of the page as
// a PNG beside its citation; CSV and JSON carry its kind and rectangle.
func TestAreaExports(t *testing.T) {
	lib, area := areaLibrary(t)
	ctx := context.Background()
	write := func(f Format) string {
		d, err := Collect(ctx, lib, Filter{AreaImages: f.ShowsAreas()})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Write(&b, f, d, Options{}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	// The image: the rectangle (200 × 100 points) at 150 dpi, the grey of
	// the figure inside.
	checkPNG := func(what, b64 string) {
		t.Helper()
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if b := img.Bounds(); b.Dx() < 415 || b.Dx() > 419 || b.Dy() < 207 || b.Dy() > 210 {
			t.Errorf("%s: image %v, want about 417×208 (200×100 points at 150 dpi)", what, b)
		}
		r, g, bl, _ := img.At(img.Bounds().Dx()/2, img.Bounds().Dy()/4).RGBA()
		if r != g || g != bl || r>>8 < 0xc0 || r>>8 > 0xd8 {
			t.Errorf("%s: the middle of the image is %x %x %x, not the figure's grey", what, r>>8, g>>8, bl>>8)
		}
	}

	md := write(Markdown)
	m := regexp.MustCompile(`!\[Area of p\. 2\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)\n\n> Availability Trust\n\n\(“Figures of helpful relationships,” n\.d\., p\. 2\)`).FindStringSubmatch(md)
	if m == nil {
		t.Fatalf("Markdown has no area image with its text and citation:\n%s", shorten(md))
	}
	checkPNG("Markdown", m[1])
	if !strings.Contains(md, "**Note:** the synthesis") || !strings.Contains(md, "> Trust grew when the professional") {
		t.Errorf("Markdown lacks the note or the passage:\n%s", shorten(md))
	}

	// (html/template writes "+" in an attribute as "&#43;", which a
	// browser reads back as "+")
	html := stdhtml.UnescapeString(write(HTML))
	m = regexp.MustCompile(`<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="Area of p. 2">`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("HTML has no area image:\n%s", shorten(html))
	}
	checkPNG("HTML", m[1])

	rows, err := csv.NewReader(strings.NewReader(write(CSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var kinds []string
	for _, r := range rows[1:] {
		kinds = append(kinds, r[col["kind"]]+" "+r[col["rect"]])
	}
	if strings.Join(kinds, "|") != "area 100,300,300,400|text " && strings.Join(kinds, "|") != "text |area 100,300,300,400" {
		t.Errorf("CSV kind and rect columns: %q", kinds)
	}

	var j struct {
		Excerpts []struct {
			ID    int64     `json:"id"`
			Kind  string    `json:"kind"`
			Rect  []float64 `json:"rect"`
			Quote string    `json:"quote"`
		} `json:"excerpts"`
	}
	if err := json.Unmarshal([]byte(write(JSON)), &j); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range j.Excerpts {
		switch {
		case e.ID == area.ID:
			found = true
			if e.Kind != "area" || len(e.Rect) != 4 || e.Rect[0] != 100 || e.Rect[3] != 400 || e.Quote != "Availability Trust" {
				t.Errorf("JSON area excerpt %+v", e)
			}
		case e.Kind != "text" || e.Rect == nil || len(e.Rect) != 0:
			t.Errorf("JSON text excerpt %+v", e)
		}
	}
	if !found {
		t.Errorf("JSON lacks the area excerpt: %+v", j.Excerpts)
	}
}

func shorten(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}
