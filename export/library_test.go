package export

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// testLibrary builds a small real library: two generated PDFs (one whose
// metadata page range spans its pages, one with /PageLabels), a text
// source with a user-set first printed page, nested themes and tags.
func testLibrary(t *testing.T) (*index.Library, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	src := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	seed := pdfgen.Article{Title: "Everything is so relaxed and personal", Columns: 1, Pages: [][]string{
		{"The construction of helpful relationships in individual placement and support. doi:10.1080/15487768.2016.1255276"},
		{"The coach was something different, as a human being, one participant said."},
		{"Here and now action: the coach acted at once without waiting for meetings."},
	}}
	labelled := pdfgen.Article{Title: "The art of helpful relationships", Columns: 1, PageLabels: "<< /Nums [0 << /S /D /St 471 >>] >>", Pages: [][]string{
		{"Helpful relationships are relationships where persons spend time with professionals they know."},
		{"Trust grew when the professional went beyond the rules of the service."},
	}}
	paths := []string{
		write("topor2016.pdf", seed.Doc().Bytes()),
		write("ljungberg2015.pdf", labelled.Doc().Bytes()),
		write("boundaries.txt", []byte("Being personal can help users but entails risks. Boundaries are complex and flexible.\n")),
		write("topor2016.json", []byte(`[{"type":"article-journal","title":"Everything is so relaxed and personal","DOI":"10.1080/15487768.2016.1255276",
 "author":[{"family":"Topor","given":"Alain"},{"family":"Ljungberg","given":"Amanda"}],"issued":{"date-parts":[[2016]]},
 "container-title":"American Journal of Psychiatric Rehabilitation","page":"275-277"}]`)),
	}
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	rep, err := lib.Import(ctx, paths, nil)
	if err != nil || len(rep.Failed) > 0 {
		t.Fatalf("import: %v %+v", err, rep.Failed)
	}
	docs, err := lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, d := range docs {
		ids[d.FileName] = d.ID
	}
	if ids["topor2016.pdf"] == 0 || ids["ljungberg2015.pdf"] == 0 || ids["boundaries.txt"] == 0 {
		t.Fatalf("documents: %+v", ids)
	}
	if err := lib.SetMetadataField(ctx, ids["boundaries.txt"], "first_printed_page", "10"); err != nil {
		t.Fatal(err)
	}
	for _, th := range []index.Theme{
		{Name: "Export parent", Color: "#112233", Description: "A parent theme.", Memo: "Parent memo."},
		{Name: "Export child", Color: "#445566", Parent: "Export parent"},
		{Name: "Export other", Color: "#778899", Source: "TL2016", Provisional: true},
	} {
		if _, err := lib.AddTheme(ctx, th); err != nil {
			t.Fatal(err)
		}
	}
	for _, tag := range []index.TagRequest{
		{DocID: ids["topor2016.pdf"], Quote: "something different, as a human being", Themes: []string{"Export other"}, Note: "Main theme."},
		{DocID: ids["topor2016.pdf"], Quote: "the coach acted at once", Themes: []string{"Export child", "Export other"}},
		{DocID: ids["ljungberg2015.pdf"], Quote: "Trust grew", Themes: []string{"Export child"}},
		{DocID: ids["boundaries.txt"], Quote: "Boundaries are complex", Themes: []string{"Export parent"}, Note: "Source unknown."},
	} {
		if _, err := lib.Tag(ctx, tag); err != nil {
			t.Fatalf("tag %q: %v", tag.Quote, err)
		}
	}
	return lib, ids
}

// librarySnapshot is everything an export must leave unchanged.
func librarySnapshot(t *testing.T, lib *index.Library) string {
	t.Helper()
	ctx := context.Background()
	docs, err1 := lib.Documents(ctx)
	themes, err2 := lib.Themes(ctx)
	anns, err3 := lib.Annotations(ctx, index.AnnotationFilter{})
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	b, _ := json.Marshal([]any{docs, themes, anns})
	return string(b)
}

func TestCollectFromLibrary(t *testing.T) {
	lib, ids := testLibrary(t)
	ctx := context.Background()
	before := librarySnapshot(t, lib)
	d, err := Collect(ctx, lib, Filter{Themes: []string{"export parent", "Export other"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Excerpts) != 4 {
		t.Fatalf("%d excerpts, want 4", len(d.Excerpts))
	}
	want := map[string]string{
		"something different, as a human being": "(Topor & Ljungberg, 2016, p. 276)", // range 275–277 spans the 3 pages
		"the coach acted at once":               "(Topor & Ljungberg, 2016, p. 277)",
		"Trust grew":                            "p. 472)",      // page label
		"Boundaries are complex":                "n.d., p. 10)", // the user's first printed page
	}
	for _, e := range d.Excerpts {
		w, ok := want[e.Quote]
		if !ok || !strings.HasSuffix(e.Citation, w) {
			t.Errorf("excerpt %q cites %q, want …%q", e.Quote, e.Citation, w)
		}
	}
	if _, err := Collect(ctx, lib, Filter{Themes: []string{"No such theme"}}); err == nil {
		t.Error("an unknown theme was accepted")
	}
	if _, err := Collect(ctx, lib, Filter{DocIDs: []int64{999}}); err == nil {
		t.Error("an unknown document was accepted")
	}
	only, err := Collect(ctx, lib, Filter{DocIDs: []int64{ids["ljungberg2015.pdf"]}, Themes: []string{"Export parent"}})
	if err != nil || len(only.Excerpts) != 1 || only.Excerpts[0].Quote != "Trust grew" {
		t.Errorf("theme and document filters combined: %+v, %v", only, err)
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, f, d, Options{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	out := filepath.Join(t.TempDir(), "out.md")
	os.WriteFile(out, []byte("old content"), 0o644)
	if err := WriteFile(out, Markdown, d, Options{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte("> Trust grew")) {
		t.Errorf("output not replaced: %s", b)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*tmp")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
	if after := librarySnapshot(t, lib); after != before {
		t.Error("export changed the library")
	}
}

// TestRoundTrip exports a project, imports it into a fresh library and
// finds the same themes and the same excerpts at the same offsets; a second
// import duplicates nothing.
func TestRoundTrip(t *testing.T) {
	lib, _ := testLibrary(t)
	ctx := context.Background()
	d, err := Collect(ctx, lib, Filter{FullText: true})
	if err != nil {
		t.Fatal(err)
	}
	qdpx := filepath.Join(t.TempDir(), "project.qdpx")
	if err := WriteFile(qdpx, QDPX, d, Options{Warn: func(s string) { t.Error(s) }}); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(qdpx); err == nil {
		p, _ := ReadProject(bytes.NewReader(data), int64(len(data)))
		if p == nil || len(p.Problems) > 0 {
			t.Errorf("reading the project: %+v", p)
		}
	}
	files, err := BuildProject(d)
	if err != nil {
		t.Fatal(err)
	}
	xmlValidate(t, "Project.xsd", files.QDE)

	fresh, err := index.Open(ctx, filepath.Join(t.TempDir(), "fresh"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	p, err := ReadProjectFile(qdpx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ApplyProject(ctx, fresh, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Errorf("problems: %q", rep.Problems)
	}
	if rep.Annotations != len(d.Excerpts) {
		t.Errorf("%d annotations imported, want %d (%s)", rep.Annotations, len(d.Excerpts), rep.Summary())
	}

	themeKey := func(lib *index.Library) []string {
		themes, err := lib.Themes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, th := range themes {
			out = append(out, strings.Join([]string{th.GUID, th.Name, th.Color, th.Description, th.Parent, th.Memo, th.Source, boolString(th.Provisional)}, "|"))
		}
		sort.Strings(out)
		return out
	}
	excerptKey := func(lib *index.Library) []string {
		docs, _ := lib.Documents(ctx)
		title := map[int64]string{}
		for _, doc := range docs {
			title[doc.ID] = doc.Title
		}
		anns, err := lib.Annotations(ctx, index.AnnotationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range anns {
			th := append([]string(nil), a.Themes...)
			sort.Strings(th)
			out = append(out, strings.Join([]string{title[a.DocID], itoa(a.Page), itoa(a.Start), itoa(a.End), a.Quote, strings.Join(th, ","), a.Note, a.Author}, "|"))
		}
		sort.Strings(out)
		return out
	}
	if a, b := strings.Join(themeKey(lib), "\n"), strings.Join(themeKey(fresh), "\n"); a != b {
		t.Errorf("themes differ after the round trip:\n%s\n---\n%s", a, b)
	}
	if a, b := strings.Join(excerptKey(lib), "\n"), strings.Join(excerptKey(fresh), "\n"); a != b {
		t.Errorf("excerpts differ after the round trip:\n%s\n---\n%s", a, b)
	}
	// Citations survive: metadata, labels and first printed page travel in rapport.json.
	d2, err := Collect(ctx, fresh, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var c1, c2 []string
	for _, e := range d.Excerpts {
		c1 = append(c1, e.Quote+" "+e.Citation)
	}
	for _, e := range d2.Excerpts {
		c2 = append(c2, e.Quote+" "+e.Citation)
	}
	sort.Strings(c1)
	sort.Strings(c2)
	if strings.Join(c1, "\n") != strings.Join(c2, "\n") {
		t.Errorf("citations differ after the round trip:\n%s\n---\n%s", strings.Join(c1, "\n"), strings.Join(c2, "\n"))
	}

	again, err := ApplyProject(ctx, fresh, p)
	if err != nil {
		t.Fatal(err)
	}
	if again.Annotations != 0 || len(again.Documents) != 0 || len(again.ThemesAdded) != 0 || again.AnnotationsHad != len(d.Excerpts) {
		t.Errorf("second import: %s", again.Summary())
	}
	if a, b := strings.Join(excerptKey(lib), "\n"), strings.Join(excerptKey(fresh), "\n"); a != b {
		t.Errorf("a second import changed the excerpts:\n%s\n---\n%s", a, b)
	}

	// Into the library it came from: its documents and annotations are found.
	before := excerptKey(lib)
	home, err := ApplyProject(ctx, lib, p)
	if err != nil {
		t.Fatal(err)
	}
	if home.Annotations != 0 || len(home.Documents) != 0 || len(home.DocumentsFound) != len(p.Sources) || len(home.Problems) > 0 {
		t.Errorf("import into the source library: %s %q", home.Summary(), home.Problems)
	}
	if after := excerptKey(lib); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("import into the source library changed its excerpts")
	}
}

func TestCodebookIntoLibrary(t *testing.T) {
	ctx := context.Background()
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	var buf bytes.Buffer
	if err := WriteCodebook(&buf, fixtureData(t, Filter{})); err != nil {
		t.Fatal(err)
	}
	codes, problems, err := ReadCodebook(buf.Bytes())
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	rep := &ApplyReport{}
	if _, err := ApplyCodebook(ctx, lib, codes, rep); err != nil {
		t.Fatal(err)
	}
	// A code whose name the built-in codebook uses under another parent is
	// added under a name of its own, with its colour and parent; one under
	// the same parent (or none) maps to the library's theme, which keeps
	// its colour.
	renamed, byName := map[string]string{}, map[string]bool{}
	for _, r := range rep.ThemesRenamed {
		renamed[r.Code] = r.Theme
		if orig, err := lib.ThemeByName(ctx, r.Code); err != nil || orig.Parent == r.Parent {
			t.Errorf("code %q renamed %q although the library's theme of its name lies under the same parent (%+v, %v)", r.Code, r.Theme, orig, err)
		}
	}
	for _, m := range rep.ThemesMatchedByName {
		byName[m.Code] = true
		if got, err := lib.ThemeByName(ctx, m.Theme); err != nil || got.Parent != m.Parent {
			t.Errorf("code %q matched by name to %+v under another parent than %q (%v)", m.Code, got, m.Parent, err)
		}
	}
	if len(rep.ThemesRenamed) == 0 || len(rep.ThemesMatchedByName) == 0 {
		t.Errorf("the fixture's codebook shares names with the built-in one under other parents and the same: renamed %v, matched %v", rep.ThemesRenamed, rep.ThemesMatchedByName)
	}
	for _, want := range fixtureThemes {
		name := want.Name
		if r, ok := renamed[want.Name]; ok {
			name = r
		}
		got, err := lib.ThemeByName(ctx, name)
		if err != nil {
			t.Errorf("theme %q: %v (%s; %q)", name, err, rep.Summary(), rep.Problems)
			continue
		}
		if byName[want.Name] {
			continue
		}
		parent := want.Parent
		if r, ok := renamed[parent]; ok {
			parent = r
		}
		if got.Color != want.Color || got.Parent != parent {
			t.Errorf("theme %q: colour %s parent %q, want %s %q", name, got.Color, got.Parent, want.Color, parent)
		}
	}
	again := &ApplyReport{}
	if _, err := ApplyCodebook(ctx, lib, codes, again); err != nil {
		t.Fatal(err)
	}
	if len(again.ThemesAdded) != 0 || len(again.ThemesMatched) != len(codes) {
		t.Errorf("second import: %s", again.Summary())
	}
}

// TestOtherToolIntoLibrary applies another tool's project: what maps is
// imported at the right offsets, what does not is reported item by item.
func TestOtherToolIntoLibrary(t *testing.T) {
	ctx := context.Background()
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	data := otherToolProject(t)
	p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ApplyProject(ctx, lib, p)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Annotations != 2 || len(rep.Documents) != 1 || len(rep.ThemesAdded) != 4 {
		t.Errorf("report: %s", rep.Summary())
	}
	anns, err := lib.Annotations(ctx, index.AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range anns {
		got[a.Quote] = strings.Join(a.Themes, ",") + "|" + a.Note + "|" + a.Author
	}
	if got["The coach listened."] != "Listening|Ana's memo|Ana" || got["Then she called."] != "Calling||" {
		t.Errorf("annotations: %q", got)
	}
	listening, err := lib.ThemeByName(ctx, "Calling")
	if err != nil || listening.Parent != "Listening" || listening.Color != "#0A141E" {
		t.Errorf("nested code: %+v %v", listening, err)
	}
	for _, want := range []string{"chartreuse-ish", "eeeeeeee-0000-0000-0000-000000000009", "outside its text", "scan.pdf", "Odd colour\" is not codable"} {
		found := false
		for _, pr := range rep.Problems {
			found = found || strings.Contains(pr, want)
		}
		if !found {
			t.Errorf("no problem reported about %s; problems: %q", want, rep.Problems)
		}
	}
}
