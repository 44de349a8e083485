package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// codingArticle is a two-page article with a phrase on both pages.
func codingArticle(t *testing.T, dir string) string {
	t.Helper()
	art := pdfgen.Article{Title: "Helpful relationships in supported employment", Pages: [][]string{
		{"The participants described collaboration with professionals as central to their recovery. Trust grew over many years of working together."},
		{"On the second page, working together is mentioned again. The coach was something different, a human being."},
	}}
	path := filepath.Join(dir, "article.pdf")
	if err := os.WriteFile(path, art.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type cliAnnotation struct {
	ID     int64    `json:"id"`
	DocID  int64    `json:"doc_id"`
	Page   int      `json:"page"`
	Start  *int     `json:"start"`
	End    *int     `json:"end"`
	Quote  string   `json:"quote"`
	Themes []string `json:"themes"`
	Note   *string  `json:"note"`
	Title  string   `json:"title"`
	Author string   `json:"author"`
}

func TestCLICoding(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	if _, errs, code := rapport(t, lib, "import", codingArticle(t, t.TempDir())); code != 0 {
		t.Fatalf("import: %s", errs)
	}

	// themes: the seeded codebook with the contract's keys
	var themes []map[string]any
	if code := rapportJSON(t, lib, &themes, "themes"); code != 0 || len(themes) != 22 {
		t.Fatalf("themes: code %d, %d themes", code, len(themes))
	}
	for _, k := range []string{"id", "name", "description", "color", "parent", "count", "provisional", "source"} {
		if _, ok := themes[1][k]; !ok {
			t.Errorf("themes entry lacks %q: %v", k, themes[1])
		}
	}
	if themes[1]["parent"] != "Helpful relationships with professionals" {
		t.Errorf("second theme %v", themes[1])
	}

	// tag
	var a cliAnnotation
	code := rapportJSON(t, lib, &a, "tag", "1", "--quote", "collaboration with\nprofessionals", "--theme", "Collaboration", "--theme", "trust", "--note", "central", "--author", "Ann")
	if code != 0 || a.ID == 0 || a.DocID != 1 || a.Page != 1 || a.Start == nil || a.End == nil || a.Quote != "collaboration with professionals" ||
		strings.Join(a.Themes, ",") != "Trust,Collaboration" || a.Note == nil || *a.Note != "central" || a.Author != "Ann" {
		t.Fatalf("tag: code %d %+v", code, a)
	}
	if *a.End-*a.Start != len([]rune(a.Quote)) {
		t.Errorf("offsets %d–%d for %q", *a.Start, *a.End, a.Quote)
	}

	// bad input: clear errors, non-zero exit, nothing changed
	count := func() int {
		var list []cliAnnotation
		rapportJSON(t, lib, &list, "annotations")
		return len(list)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"tag", "1", "--quote", "Trust grew", "--theme", "No such"}, 1, `no theme named "No such"`},
		{[]string{"tag", "1", "--quote", "not in the text", "--theme", "Trust"}, 1, "not found"},
		{[]string{"tag", "1", "--quote", "", "--theme", "Trust"}, 2, "empty quote"},
		{[]string{"tag", "1", "--quote", "Trust grew"}, 2, "--theme"},
		{[]string{"tag", "42", "--quote", "Trust grew", "--theme", "Trust"}, 1, "no document 42"},
		{[]string{"tag", "1", "--quote", "working together", "--theme", "Trust"}, 1, "several pages: 1, 2"},
		{[]string{"untag", "999"}, 1, "no annotation 999"},
		{[]string{"themes", "delete", "Trust"}, 1, "--move-to"},
		{[]string{"themes", "merge", "Trust"}, 2, "merge theme A into theme B"},
		{[]string{"themes", "add", "Trust"}, 1, "exists already"},
		{[]string{"themes", "recolor", "Trust", "blue"}, 1, "#RRGGBB"},
		{[]string{"themes", "frobnicate"}, 2, "unknown themes subcommand"},
		{[]string{"note", "42", "text"}, 1, "no document 42"},
		{[]string{"autocode", "together", "--theme", "Nope"}, 1, "no theme"},
	} {
		_, errs, code := rapport(t, lib, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("rapport %q: code %d, stderr %q; want code %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
		if n := count(); n != 1 {
			t.Fatalf("rapport %q changed the annotations (%d)", tc.args, n)
		}
	}
	var b cliAnnotation
	if code := rapportJSON(t, lib, &b, "tag", "1", "--quote", "working together", "--page", "2", "--theme", "Support"); code != 0 || b.Page != 2 {
		t.Fatalf("tag with --page: %d %+v", code, b)
	}

	// annotations, with titles and filters
	var list []cliAnnotation
	if rapportJSON(t, lib, &list, "annotations", "--theme", "Collaboration"); len(list) != 1 || list[0].Title != "Helpful relationships in supported employment" {
		t.Errorf("annotations --theme: %+v", list)
	}
	if rapportJSON(t, lib, &list, "annotations", "--doc", "1"); len(list) != 2 {
		t.Errorf("annotations --doc: %+v", list)
	}

	// search sees the coding at once
	var res struct {
		Total  int                         `json:"total"`
		Facets map[string][]map[string]any `json:"facets"`
	}
	if rapportJSON(t, lib, &res, "search", `theme:"Collaboration"`); res.Total != 1 {
		t.Errorf(`search theme:"Collaboration": %d`, res.Total)
	}
	// three themes coded, and the group theme they all sit under
	if rapportJSON(t, lib, &res, "search", "--annotated", "--facets"); res.Total != 2 || len(res.Facets["theme"]) != 4 {
		t.Errorf("search --annotated --facets: %+v", res)
	}

	// theme edits
	var th map[string]any
	if rapportJSON(t, lib, &th, "themes", "add", "Coach", "--parent", "Helpful relationships in IPS", "--color", "#112233", "--description", "the IPS coach"); th["parent"] != "Helpful relationships in IPS" || th["color"] != "#112233" {
		t.Errorf("themes add: %v", th)
	}
	if rapportJSON(t, lib, &th, "themes", "rename", "Trust", "Trusting"); th["name"] != "Trusting" {
		t.Errorf("themes rename: %v", th)
	}
	if rapportJSON(t, lib, &res, "search", `theme:"Trusting"`); res.Total != 1 {
		t.Errorf("search after rename: %d", res.Total)
	}
	if rapportJSON(t, lib, &th, "themes", "move", "Coach", "--parent", ""); th["parent"] != "" {
		t.Errorf("themes move: %v", th)
	}
	if rapportJSON(t, lib, &th, "themes", "merge", "Trusting", "Coach"); th["name"] != "Coach" || th["count"] != float64(1) {
		t.Errorf("themes merge: %v", th)
	}
	var del map[string]any
	if code := rapportJSON(t, lib, &del, "themes", "delete", "Coach", "--move-to", "Support"); code != 0 || del["moved"] != float64(1) {
		t.Errorf("themes delete --move-to: %d %v", code, del)
	}

	// undo / redo
	var h map[string]any
	if rapportJSON(t, lib, &h, "undo"); !strings.Contains(h["label"].(string), "Delete theme") {
		t.Errorf("undo: %v", h)
	}
	var after []map[string]any
	if rapportJSON(t, lib, &after, "themes"); len(after) != 22 {
		t.Errorf("after undoing the delete: %d themes", len(after))
	}
	if rapportJSON(t, lib, &h, "redo"); !strings.Contains(h["label"].(string), "Delete theme") {
		t.Errorf("redo: %v", h)
	}
	if _, errs, code := rapport(t, lib, "redo"); code != 1 || !strings.Contains(errs, "nothing to redo") {
		t.Errorf("redo with nothing: %d %s", code, errs)
	}

	// notes
	var n map[string]any
	t.Setenv("RAPPORT_AUTHOR", "Bo")
	if code := rapportJSON(t, lib, &n, "note", "1", "Read", "again"); code != 0 || n["text"] != "Read again" || n["author"] != "Bo" {
		t.Errorf("note: %v", n)
	}
	var notes []map[string]any
	if rapportJSON(t, lib, &notes, "notes", "1"); len(notes) != 1 {
		t.Errorf("notes: %v", notes)
	}

	// autocode
	var ac struct {
		Tagged      int             `json:"tagged"`
		Annotations []cliAnnotation `json:"annotations"`
	}
	if rapportJSON(t, lib, &ac, "autocode", "together", "--theme", "From role to person", "--dry-run"); ac.Tagged != 2 || len(ac.Annotations) != 2 {
		t.Errorf("autocode --dry-run: %+v", ac)
	}
	if rapportJSON(t, lib, &ac, "autocode", "together", "--theme", "From role to person"); ac.Tagged != 2 || ac.Annotations[0].Quote != "Trust grew over many years of working together." {
		t.Errorf("autocode: %+v", ac)
	}
	if rapportJSON(t, lib, &ac, "autocode", "together", "--theme", "From role to person", "--unit", "sentence"); ac.Tagged != 0 {
		t.Errorf("autocode again: %+v", ac)
	}

	// report
	var rep struct {
		Themes       []map[string]any `json:"themes"`
		Documents    []map[string]any `json:"documents"`
		Cooccurrence []map[string]any `json:"cooccurrence"`
	}
	if rapportJSON(t, lib, &rep, "report"); len(rep.Documents) != 1 || len(rep.Cooccurrence) == 0 {
		t.Errorf("report: %+v", rep)
	}
	if out, _, code := rapport(t, lib, "report"); code != 0 || !strings.Contains(out, "Co-occurrence") {
		t.Errorf("report text: %s", out)
	}

	// reextract keeps every anchor
	var rx struct {
		Documents []map[string]any `json:"documents"`
	}
	if code := rapportJSON(t, lib, &rx, "reextract", "1"); code != 0 || len(rx.Documents) != 1 || rx.Documents[0]["orphaned"] != float64(0) {
		t.Errorf("reextract: %d %+v", code, rx)
	}
	var chk map[string]any
	if code := rapportJSON(t, lib, &chk, "check"); code != 0 || chk["ok"] != true {
		t.Errorf("check: %v", chk)
	}
}

// TestCLITagArea: tag --page N --rect codes an area of the page; the
// annotations list gives it with "kind":"area" and "rect":[x1,y1,x2,y2]
// (passages with "kind":"text" and no rect); undo takes it away; bad
// rectangles are refused with a clear message and change nothing.
func TestCLITagArea(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	if _, errs, code := rapport(t, lib, "import", codingArticle(t, t.TempDir())); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	type area struct {
		ID    int64     `json:"id"`
		Page  int       `json:"page"`
		Kind  string    `json:"kind"`
		Rect  []float64 `json:"rect"`
		Quote string    `json:"quote"`
		Note  string    `json:"note"`
	}
	var a area
	if code := rapportJSON(t, lib, &a, "tag", "1", "--page", "2", "--rect", "300,600,72,500", "--theme", "Trust", "--note", "a figure"); code != 0 {
		t.Fatalf("tag --rect: code %d", code)
	}
	if a.Kind != "area" || a.Page != 2 || len(a.Rect) != 4 || a.Rect[0] != 72 || a.Rect[1] != 500 || a.Rect[2] != 300 || a.Rect[3] != 600 || a.Note != "a figure" {
		t.Fatalf("tag --rect gave %+v", a)
	}
	if _, errs, code := rapport(t, lib, "tag", "1", "--quote", "Trust grew", "--theme", "Trust"); code != 0 {
		t.Fatalf("tag --quote: %s", errs)
	}
	var list []map[string]any
	if code := rapportJSON(t, lib, &list, "annotations", "--theme", "Trust"); code != 0 || len(list) != 2 {
		t.Fatalf("annotations: code %d %v", code, list)
	}
	kinds := map[string]any{}
	for _, x := range list {
		kinds[x["kind"].(string)] = x["rect"]
	}
	if r, ok := kinds["area"].([]any); !ok || len(r) != 4 || r[0] != 72.0 || r[3] != 600.0 {
		t.Errorf("the area in annotations --json: %v", list)
	}
	if r, ok := kinds["text"]; !ok || r != nil {
		t.Errorf("the passage in annotations --json: %v", list)
	}
	out, _, _ := rapport(t, lib, "annotations", "--doc", "1")
	if !strings.Contains(out, "p.2 area [72,500,300,600] Trust") {
		t.Errorf("annotations prints:\n%s", out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tag", "1", "--page", "2", "--rect", "72,500,300", "--theme", "Trust"}, "four numbers"},
		{[]string{"tag", "1", "--rect", "72,500,300,600", "--theme", "Trust"}, "needs --page N"},
		{[]string{"tag", "1", "--page", "2", "--rect", "72,500,300,600", "--quote", "Trust", "--theme", "Trust"}, "not both"},
		{[]string{"tag", "1", "--page", "2", "--rect", "900,900,1000,1000", "--theme", "Trust"}, "outside page 2"},
		{[]string{"tag", "1", "--page", "9", "--rect", "72,500,300,600", "--theme", "Trust"}, "pages 1–2"},
	} {
		_, errs, code := rapport(t, lib, c.args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stderr %q (want %q)", c.args, code, errs, c.want)
		}
	}
	if code := rapportJSON(t, lib, &list, "annotations"); code != 0 || len(list) != 2 {
		t.Errorf("after refused tags: %d annotations", len(list))
	}
	rapport(t, lib, "undo")
	rapport(t, lib, "undo")
	if code := rapportJSON(t, lib, &list, "annotations"); code != 0 || len(list) != 0 {
		t.Errorf("after two undos: %v", list)
	}
}

// TestCLIREFIAreasRoundTrip: a library with a passage and an area coded
// on a PDF exports a project (the PDF inside it, the area as a
// PDFSelection) that `rapport import` brings into a new library — the
// PDF document with the same annotations — and a second import adds
// nothing.
func TestCLIREFIAreasRoundTrip(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if _, errs, code := rapport(t, lib, "import", codingArticle(t, dir)); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	if _, errs, code := rapport(t, lib, "tag", "1", "--quote", "Trust grew over many years", "--theme", "Trust"); code != 0 {
		t.Fatalf("tag: %s", errs)
	}
	if _, errs, code := rapport(t, lib, "tag", "1", "--page", "2", "--rect", "72,500,300,600", "--theme", "Support", "--note", "a figure"); code != 0 {
		t.Fatalf("tag --rect: %s", errs)
	}
	project := filepath.Join(dir, "project.qdpx")
	if _, errs, code := rapport(t, lib, "export", "--format", "qdpx", "-o", project); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	type ann struct {
		Page   int       `json:"page"`
		Kind   string    `json:"kind"`
		Start  int       `json:"start"`
		End    int       `json:"end"`
		Rect   []float64 `json:"rect"`
		Quote  string    `json:"quote"`
		Themes []string  `json:"themes"`
		Note   string    `json:"note"`
	}
	var want, got []ann
	rapportJSON(t, lib, &want, "annotations")
	fresh := filepath.Join(dir, "fresh")
	var rep struct {
		Imported []struct {
			ID int64 `json:"id"`
		} `json:"imported"`
	}
	if code := rapportJSON(t, fresh, &rep, "import", project); code != 0 || len(rep.Imported) != 1 {
		t.Fatalf("import project: code %d %+v", code, rep)
	}
	var docs []struct {
		File  string `json:"file"`
		Pages int    `json:"pages"`
	}
	rapportJSON(t, fresh, &docs, "docs")
	if len(docs) != 1 || docs[0].File != "article.pdf" || docs[0].Pages != 2 {
		t.Errorf("documents of the new library: %+v", docs)
	}
	rapportJSON(t, fresh, &got, "annotations")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("annotations read back\n%+v\nwant\n%+v", got, want)
	}
	if code := rapportJSON(t, fresh, &rep, "import", project); code != 0 {
		t.Fatalf("import again: code %d", code)
	}
	rapportJSON(t, fresh, &got, "annotations")
	if len(got) != 2 {
		t.Errorf("after importing again: %d annotations", len(got))
	}
}
