package main

import (
	"encoding/json"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// teamPDF writes a one-page article with three known sentences.
func teamPDF(t *testing.T, dir string) string {
	t.Helper()
	art := pdfgen.Article{Title: "Coding as a team", Columns: 1, Pages: [][]string{{
		"The coach listened to every worry. Time was given freely. Nobody was hurried out of the room.",
		"Housing came first for most of them.",
	}}}
	path := filepath.Join(dir, "team.pdf")
	if err := os.WriteFile(path, art.Doc().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The team commands end to end: the coder recorded by --coder, the
// preference and the login name; a second coder's copy merged with its
// coders (twice: nothing more; undo: gone); agreement with its JSON keys
// and CSV; the disagreements settled into a consensus coder.
func TestTeamCommands(t *testing.T) {
	base := t.TempDir()
	anna := filepath.Join(base, "anna")
	if code := rapportJSON(t, anna, &map[string]any{}, "import", teamPDF(t, base)); code != 0 {
		t.Fatal("import failed")
	}
	// --coder records the coder; without it the preference, else the login name
	var a map[string]any
	if code := rapportJSON(t, anna, &a, "tag", "1", "--quote", "The coach listened to every worry.", "--theme", "Trust", "--coder", "Anna"); code != 0 || a["coder"] != "Anna" || a["author"] != "Anna" {
		t.Fatalf("tag --coder: %v", a)
	}
	login := ""
	if u, err := user.Current(); err == nil {
		login = u.Username
	}
	if code := rapportJSON(t, anna, &a, "note", "1", "A", "memo"); code != 0 || (login != "" && a["coder"] != login) {
		t.Errorf("note with no coder given: %v, want the login name %q", a, login)
	}
	var pref coderResult
	if code := rapportJSON(t, anna, &pref, "coder", "Anna"); code != 0 || pref.Coder != "Anna" || pref.Source != "preference" {
		t.Errorf("coder Anna: %+v", pref)
	}
	if code := rapportJSON(t, anna, &a, "tag", "1", "--quote", "Time was given freely.", "--theme", "Trust"); code != 0 || a["coder"] != "Anna" {
		t.Errorf("tag with the preference: %v", a)
	}
	if _, errs, code := rapport(t, anna, "tag", "1", "--quote", "Housing came first for most of them.", "--theme", "Trust", "--coder", "a\tb"); code != 2 || !strings.Contains(errs, "--coder") {
		t.Errorf("a bad --coder: %d %s", code, errs)
	}
	var hist []map[string]any
	if rapportJSON(t, anna, &hist, "history", "--limit", "1"); len(hist) != 1 || hist[0]["coder"] != "Anna" {
		t.Errorf("history: %v", hist)
	}

	// Bo's copy of the library
	zip := filepath.Join(base, "copy.zip")
	if _, errs, code := rapport(t, anna, "backup", zip); code != 0 {
		t.Fatal(errs)
	}
	bo := filepath.Join(base, "bo")
	if _, errs, code := rapport(t, anna, "restore", zip, bo); code != 0 {
		t.Fatal(errs)
	}
	t.Setenv("RAPPORT_CODER", "Bo")
	for _, q := range []string{"The coach listened to every worry.", "Nobody was hurried out of the room."} {
		if _, errs, code := rapport(t, bo, "tag", "1", "--quote", q, "--theme", "Trust"); code != 0 {
			t.Fatal(errs)
		}
	}
	if _, errs, code := rapport(t, bo, "themes", "add", "Being heard", "--parent", "Trust"); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := rapport(t, bo, "tag", "1", "--quote", "Housing came first for most of them.", "--theme", "Being heard"); code != 0 {
		t.Fatal(errs)
	}
	t.Setenv("RAPPORT_CODER", "")

	var m struct {
		Documents []struct {
			MatchedBy string `json:"matched_by"`
			DocID     int64  `json:"doc_id"`
		} `json:"documents"`
		Annotations struct{ Added, Present, NotPlaced int } `json:"annotations"`
		ThemesAdded []string                                `json:"themes_added"`
		ByCoder     map[string]int                          `json:"by_coder"`
		Step        string                                  `json:"step"`
	}
	if code := rapportJSON(t, anna, &m, "merge", bo); code != 0 || m.Annotations.Added != 3 || m.ByCoder["Bo"] != 3 ||
		len(m.Documents) != 1 || m.Documents[0].MatchedBy != "file" || len(m.ThemesAdded) != 1 || m.Step == "" {
		t.Fatalf("merge: %+v", m)
	}
	if code := rapportJSON(t, anna, &m, "merge", bo); code != 0 || m.Annotations.Added != 0 || m.Step != "" {
		t.Errorf("merge again: %+v", m)
	}
	if out, _, code := rapport(t, anna, "merge", bo); code != 0 || !strings.Contains(out, "nothing new") {
		t.Errorf("merge again, text: %s", out)
	}
	var list []map[string]any
	if rapportJSON(t, anna, &list, "annotations", "--coder", "bo"); len(list) != 3 || list[0]["coder"] != "Bo" {
		t.Errorf("annotations --coder bo: %v", list)
	}
	var coders []map[string]any
	if rapportJSON(t, anna, &coders, "coders"); len(coders) < 2 {
		t.Errorf("coders: %v", coders)
	}

	// agreement: the JSON keys per theme and overall
	var ag map[string]json.RawMessage
	if code := rapportJSON(t, anna, &ag, "agreement", "--coders", "Anna,Bo", "--unit", "sentence"); code != 0 {
		t.Fatalf("agreement: %s", ag)
	}
	var overall map[string]any
	json.Unmarshal(ag["overall"], &overall)
	var themes []map[string]any
	json.Unmarshal(ag["themes"], &themes)
	for _, row := range append(themes, overall) {
		for _, k := range []string{"theme", "coders", "units", "uncoded_share", "percent", "kappa", "alpha"} {
			if _, ok := row[k]; !ok {
				t.Errorf("agreement row lacks %q: %v", k, row)
			}
		}
	}
	if len(themes) != 2 || overall["theme"] != "(all themes)" || overall["kappa"] == nil {
		t.Errorf("agreement: %v %v", themes, overall)
	}
	csvPath := filepath.Join(base, "agreement.csv")
	if out, errs, code := rapport(t, anna, "agreement", "--csv", csvPath); code != 0 || !strings.Contains(out, "α_U") {
		t.Errorf("agreement --csv: %d %s %s", code, out, errs)
	}
	if b, _ := os.ReadFile(csvPath); !strings.HasPrefix(string(b), "theme,unit,coders,units") || strings.Count(string(b), "\n") != 4 {
		t.Errorf("CSV:\n%s", b)
	}
	if out, _, code := rapport(t, anna, "agreement", "--csv", "-"); code != 0 || !strings.HasPrefix(out, "theme,unit") {
		t.Errorf("agreement --csv -: %s", out)
	}
	if _, errs, code := rapport(t, anna, "agreement", "--unit", "word"); code != 2 || !strings.Contains(errs, "word") {
		t.Errorf("agreement --unit word: %d %s", code, errs)
	}
	if _, errs, code := rapport(t, anna, "agreement", "--coders", "Anna"); code != 1 || !strings.Contains(errs, "two coders") {
		t.Errorf("agreement of one coder: %d %s", code, errs)
	}

	// disagreements and consensus
	var dis struct {
		Passages []struct {
			ID     string   `json:"id"`
			Quote  string   `json:"quote"`
			Differ []string `json:"differ"`
		} `json:"passages"`
		Disagreements, Resolved int
	}
	if code := rapportJSON(t, anna, &dis, "disagreements", "--unit", "sentence"); code != 0 || len(dis.Passages) != 3 {
		t.Fatalf("disagreements: %+v", dis)
	}
	if out, _, _ := rapport(t, anna, "disagreements", "--unit", "sentence"); !strings.Contains(out, "DIFFER on Trust") || !strings.Contains(out, "Bo:") {
		t.Errorf("disagreements, text:\n%s", out)
	}
	var res struct {
		Added     []map[string]any `json:"added"`
		Remaining int              `json:"remaining"`
	}
	if code := rapportJSON(t, anna, &res, "consensus", dis.Passages[0].ID, "--unit", "sentence", "--accept", "Bo"); code != 0 || res.Remaining != 2 {
		t.Errorf("consensus --accept Bo: %+v", res)
	}
	if code := rapportJSON(t, anna, &res, "consensus", dis.Passages[1].ID, "--unit", "sentence", "--accept-none"); code != 0 || res.Remaining != 1 {
		t.Errorf("consensus --accept-none: %+v", res)
	}
	if _, errs, code := rapport(t, anna, "consensus", dis.Passages[2].ID, "--unit", "sentence"); code != 2 || !strings.Contains(errs, "--accept") {
		t.Errorf("consensus without a choice: %d %s", code, errs)
	}
	var agreed map[string]any
	if code := rapportJSON(t, anna, &agreed, "consensus", "--agreed", "--unit", "sentence"); code != 0 || agreed["accepted"] != float64(1) {
		t.Errorf("consensus --agreed: %v", agreed)
	}
	if code := rapportJSON(t, anna, &dis, "disagreements", "--unit", "sentence", "--undecided"); code != 0 || len(dis.Passages) != 1 || dis.Resolved != 2 {
		t.Errorf("undecided disagreements: %+v", dis)
	}

	// undo the consensus steps and the merge: Bo's codings go
	for i := 0; i < 4; i++ {
		if _, errs, code := rapport(t, anna, "undo"); code != 0 {
			t.Fatal(errs)
		}
	}
	if rapportJSON(t, anna, &list, "annotations", "--coder", "Bo"); len(list) != 0 {
		t.Errorf("after undoing the merge, Bo's annotations: %v", list)
	}
}

// rapport merge FILE.qdpx: a second coder's project, exported with
// export --coder from their copy, merges with its coder; again: nothing.
func TestMergeProjectCommand(t *testing.T) {
	base := t.TempDir()
	anna := filepath.Join(base, "anna")
	if code := rapportJSON(t, anna, &map[string]any{}, "import", teamPDF(t, base)); code != 0 {
		t.Fatal("import failed")
	}
	if _, errs, code := rapport(t, anna, "tag", "1", "--quote", "Time was given freely.", "--theme", "Trust", "--coder", "Anna"); code != 0 {
		t.Fatal(errs)
	}
	zip := filepath.Join(base, "copy.zip")
	bo := filepath.Join(base, "bo")
	if _, errs, code := rapport(t, anna, "backup", zip); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := rapport(t, anna, "restore", zip, bo); code != 0 {
		t.Fatal(errs)
	}
	for _, q := range []string{"Time was given freely.", "Housing came first for most of them."} {
		if _, errs, code := rapport(t, bo, "tag", "1", "--quote", q, "--theme", "Trust", "--coder", "Bo"); code != 0 {
			t.Fatal(errs)
		}
	}
	project := filepath.Join(base, "bo.qdpx")
	if _, errs, code := rapport(t, bo, "export", "--format", "qdpx", "-o", project, "--coder", "Bo"); code != 0 {
		t.Fatal(errs)
	}
	var m struct {
		Annotations struct{ Added, Present int } `json:"annotations"`
		ByCoder     map[string]int               `json:"by_coder"`
		Documents   []struct {
			MatchedBy string `json:"matched_by"`
		} `json:"documents"`
	}
	if code := rapportJSON(t, anna, &m, "merge", project); code != 0 || m.Annotations.Added != 2 || m.ByCoder["Bo"] != 2 || len(m.Documents) != 1 || m.Documents[0].MatchedBy != "file" {
		t.Errorf("merge bo.qdpx: %+v", m)
	}
	if code := rapportJSON(t, anna, &m, "merge", project); code != 0 || m.Annotations.Added != 0 || m.Annotations.Present != 2 {
		t.Errorf("merge bo.qdpx again: %+v", m)
	}
	var list []map[string]any
	if rapportJSON(t, anna, &list, "annotations", "--coder", "Bo"); len(list) != 2 {
		t.Errorf("Bo's annotations: %v", list)
	}
}
