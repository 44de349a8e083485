package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLISetAndRemove(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	src := t.TempDir()
	writeArticle(t, src, "a.pdf", "Helpful relationships in supported employment", "wombatmarker", 2)
	writeArticle(t, src, "b.pdf", "Another article entirely", "quollmarker", 1)
	var imp struct {
		Imported []struct {
			ID   int64  `json:"id"`
			File string `json:"file"`
		} `json:"imported"`
	}
	if code := rapportJSON(t, lib, &imp, "import", src); code != 0 || len(imp.Imported) != 2 {
		t.Fatalf("import: %d %+v", code, imp)
	}
	id := fmt.Sprint(imp.Imported[0].ID)
	if strings.HasSuffix(imp.Imported[1].File, "a.pdf") {
		id = fmt.Sprint(imp.Imported[1].ID)
	}

	// set: authors and several fields in one step, JSON of the document.
	var doc struct {
		Authors []struct {
			Family string `json:"family"`
			Given  string `json:"given"`
		} `json:"authors"`
		Year       int      `json:"year"`
		Journal    string   `json:"journal"`
		Publisher  string   `json:"publisher"`
		Type       string   `json:"type"`
		UserFields []string `json:"user_fields"`
	}
	code := rapportJSON(t, lib, &doc, "set", id, "authors", "Ljungberg, Alexandra; Denhov, Anne; Topor, Alain", "year", "2015", "journal", "Psychiatric Quarterly", "type", "journal article")
	if code != 0 || len(doc.Authors) != 3 || doc.Authors[2].Family != "Topor" || doc.Authors[2].Given != "Alain" || doc.Year != 2015 ||
		doc.Type != "article-journal" || len(doc.UserFields) != 4 {
		t.Fatalf("set: code %d, %+v", code, doc)
	}
	// Bad values: the error names the value; nothing changes.
	for _, c := range []struct{ field, value, says string }{
		{"year", "20x6", `"20x6" is not a year`},
		{"doi", "10.1080", `"10.1080" is not a DOI`},
		{"volume", "8 1", `"8 1" is not a volume`},
		{"colour", "blue", `unknown field "colour"`},
	} {
		out, errs, code := rapport(t, lib, "set", id, c.field, c.value)
		if code == 0 || !strings.Contains(errs, c.says) || out != "" {
			t.Errorf("set %s %q: code %d, stderr %q", c.field, c.value, code, errs)
		}
	}
	if _, errs, code := rapport(t, lib, "set", id, "year"); code != exitUsage || !strings.Contains(errs, "field and a value") {
		t.Errorf("set without a value: code %d, stderr %q", code, errs)
	}
	if code := rapportJSON(t, lib, &doc, "show", id); code != 0 || doc.Year != 2015 {
		t.Fatalf("a refused set changed the document: %+v", doc)
	}
	// undo reverts the whole edit.
	var h struct {
		Label string `json:"label"`
	}
	if code := rapportJSON(t, lib, &h, "undo"); code != 0 || !strings.HasPrefix(h.Label, "Edit metadata of") {
		t.Fatalf("undo: %d %+v", code, h)
	}
	doc.Authors, doc.Year = nil, 0
	if rapportJSON(t, lib, &doc, "show", id); len(doc.Authors) != 0 || doc.Year != 0 {
		t.Errorf("after undo: %+v", doc)
	}
	if code := rapportJSON(t, lib, &h, "redo"); code != 0 {
		t.Fatal("redo failed")
	}

	// remove: JSON says what went; search follows; undo brings it back.
	if _, _, code := rapport(t, lib, "tag", id, "--quote", "wombatmarkerb", "--theme", "Trust"); code != 0 {
		t.Fatal("tag failed")
	}
	if _, _, code := rapport(t, lib, "note", id, "A note to remove with it"); code != 0 {
		t.Fatal("note failed")
	}
	var rm struct {
		Removed []struct {
			ID          int64  `json:"id"`
			Title       string `json:"title"`
			File        string `json:"file"`
			Pages       int    `json:"pages"`
			Annotations int    `json:"annotations"`
			Notes       int    `json:"notes"`
		} `json:"removed"`
		Annotations int `json:"annotations"`
		Notes       int `json:"notes"`
	}
	if code := rapportJSON(t, lib, &rm, "remove", id); code != 0 || len(rm.Removed) != 1 || rm.Annotations != 1 || rm.Notes != 1 ||
		fmt.Sprint(rm.Removed[0].ID) != id || rm.Removed[0].Title != "Helpful relationships in supported employment" || rm.Removed[0].Pages != 2 {
		t.Fatalf("remove: %d %+v", code, rm)
	}
	var res struct {
		Total int `json:"total"`
	}
	if rapportJSON(t, lib, &res, "search", "wombatmarkerb"); res.Total != 0 {
		t.Errorf("search after remove: %d hits", res.Total)
	}
	var docs []map[string]any
	if rapportJSON(t, lib, &docs, "docs"); len(docs) != 1 {
		t.Errorf("docs after remove: %d", len(docs))
	}
	if entries, _ := os.ReadDir(filepath.Join(lib, "removed")); len(entries) != 1 {
		t.Errorf("removed/ holds %d files, want the removed original", len(entries))
	}
	out, _, code := rapport(t, lib, "undo")
	if code != 0 || !strings.Contains(out, "undid: Remove “Helpful relationships") {
		t.Fatalf("undo of remove: %d %q", code, out)
	}
	if rapportJSON(t, lib, &res, "search", "wombatmarkerb"); res.Total != 1 {
		t.Errorf("search after undo: %d hits", res.Total)
	}
	var anns []map[string]any
	if rapportJSON(t, lib, &anns, "annotations", "--doc", id); len(anns) != 1 {
		t.Errorf("annotations after undo: %d", len(anns))
	}
	var check struct {
		OK bool `json:"ok"`
	}
	if code := rapportJSON(t, lib, &check, "check", "--verify-files"); code != 0 || !check.OK {
		t.Errorf("check after undo: %d %+v", code, check)
	}
	// Unknown ids: an error naming the id, nothing removed.
	if _, errs, code := rapport(t, lib, "remove", id, "4242"); code == 0 || !strings.Contains(errs, "4242") {
		t.Errorf("remove with an unknown id: code %d, stderr %q", code, errs)
	}
	if rapportJSON(t, lib, &docs, "docs"); len(docs) != 2 {
		t.Errorf("a failed remove removed something: %d documents", len(docs))
	}
	if _, errs, code := rapport(t, lib, "remove", "x"); code != exitUsage || !strings.Contains(errs, `"x"`) {
		t.Errorf("remove x: code %d, stderr %q", code, errs)
	}
	// Text output.
	out, _, code = rapport(t, lib, "remove", id)
	if code != 0 || !strings.Contains(out, "1 document removed with 1 annotation and 1 note; `rapport undo` brings them back") {
		t.Errorf("remove text: %q", out)
	}
}

func TestCLICheckListsSuspectFields(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	rec := filepath.Join(t.TempDir(), "record.json")
	os.WriteFile(rec, []byte(`[{"type":"article-journal","title":"Everything is so relaxed and personal","DOI":"10.1080/15487768.2016.1255276",
		"container-title":"American journal of psychiatric rehabilitation","volume":"8 1","page":"275-293","issued":{"date-parts":[[2016]]}}]`), 0o644)
	if _, _, code := rapport(t, lib, "import", rec); code != 0 {
		t.Fatal("import failed")
	}
	var rep struct {
		OK      bool `json:"ok"`
		Suspect []struct {
			DocID  int64  `json:"doc_id"`
			Field  string `json:"field"`
			Value  string `json:"value"`
			Reason string `json:"reason"`
		} `json:"suspect_fields"`
	}
	if code := rapportJSON(t, lib, &rep, "check"); code != 0 || !rep.OK || len(rep.Suspect) != 1 || rep.Suspect[0].Field != "volume" || rep.Suspect[0].Value != "8 1" {
		t.Fatalf("check: %d %+v", code, rep)
	}
	out, _, _ := rapport(t, lib, "check")
	if !strings.Contains(out, `suspect: document 1 (Everything is so relaxed and personal): volume "8 1" is not a volume`) {
		t.Errorf("check text: %q", out)
	}
}
