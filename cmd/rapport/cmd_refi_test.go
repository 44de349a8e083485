package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bareQDE writes a project as ATLAS.ti does — NAME.qde with its sources in
// a Sources folder beside it — and returns the .qde's path.
func bareQDE(t *testing.T, dir string) string {
	t.Helper()
	text := "Anna: I trust my coach 🙂. She listens."
	qde := `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Bare" origin="ATLAS.ti 23">
 <CodeBook><Codes><Code guid="aaaaaaaa-0000-4000-8000-000000000001" name="Listening" isCodable="true"/></Codes></CodeBook>
 <Sources>
  <TextSource guid="bbbbbbbb-0000-4000-8000-000000000001" name="Anna" plainTextPath="internal://anna.txt">
   <PlainTextSelection guid="cccccccc-0000-4000-8000-000000000001" name="She listens." startPosition="27" endPosition="39">
    <Coding guid="dddddddd-0000-4000-8000-000000000001"><CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000001"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
 <Graphs><Graph guid="eeeeeeee-0000-4000-8000-000000000001" name="Network"/></Graphs>
</Project>
`
	if err := os.MkdirAll(filepath.Join(dir, "Sources"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Sources", "anna.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "Bare.qde")
	if err := os.WriteFile(path, []byte(qde), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// qdpxOf zips a bare project's .qde and sources into a .qdpx beside it.
func qdpxOf(t *testing.T, qde string) string {
	t.Helper()
	path := strings.TrimSuffix(qde, ".qde") + ".qdpx"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	add := func(name, file string) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	add("project.qde", qde)
	add("sources/anna.txt", filepath.Join(filepath.Dir(qde), "Sources", "anna.txt"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportBareQDE imports a bare .qde, named and in a folder, whose
// Sources are the project's and not documents of their own.
func TestImportBareQDE(t *testing.T) {
	dir := t.TempDir()
	qde := bareQDE(t, dir)

	lib := filepath.Join(t.TempDir(), "lib")
	_, errs, code := rapport(t, lib, "import", qde)
	if code != 0 || !strings.Contains(errs, "1 annotations added") {
		t.Fatalf("import %s: code %d\n%s", qde, code, errs)
	}
	var anns []map[string]any
	rapportJSON(t, lib, &anns, "annotations")
	if len(anns) != 1 || anns[0]["quote"] != "She listens." {
		t.Errorf("annotations: %v", anns)
	}

	folderLib := filepath.Join(t.TempDir(), "folder")
	var rep struct {
		Imported []map[string]any `json:"imported"`
		Skipped  []string         `json:"skipped"`
	}
	if code := rapportJSON(t, folderLib, &rep, "import", dir); code != 0 {
		t.Fatalf("import %s: code %d", dir, code)
	}
	if len(rep.Imported) != 1 || len(rep.Skipped) != 1 || !strings.HasSuffix(rep.Skipped[0], filepath.Join("Sources", "anna.txt")) {
		t.Errorf("folder import: imported %v, skipped %v (the project's source is not a document of its own)", rep.Imported, rep.Skipped)
	}
}

// TestImportJSONCarriesREFIReport: import --json holds what a REFI-QDA
// project mapped and what it left out, under "refi".
func TestImportJSONCarriesREFIReport(t *testing.T) {
	qdpx := qdpxOf(t, bareQDE(t, t.TempDir()))
	var rep struct {
		Imported []map[string]any `json:"imported"`
		REFI     []struct {
			File        string         `json:"file"`
			Annotations int            `json:"annotations"`
			Problems    []string       `json:"problems"`
			NotImported map[string]int `json:"not_imported"`
			Positions   []struct {
				Source, Unit string
			} `json:"positions"`
		} `json:"refi"`
	}
	if code := rapportJSON(t, filepath.Join(t.TempDir(), "lib"), &rep, "import", qdpx); code != 0 {
		t.Fatalf("import %s: code %d", qdpx, code)
	}
	if len(rep.Imported) != 1 || len(rep.REFI) != 1 || rep.REFI[0].File != qdpx || rep.REFI[0].Annotations != 1 ||
		rep.REFI[0].NotImported["Graph"] != 1 || len(rep.REFI[0].Problems) != 1 ||
		len(rep.REFI[0].Positions) != 1 || rep.REFI[0].Positions[0].Unit != "UTF-16 units" {
		t.Errorf("import --json: %+v", rep)
	}
}

// TestProgressWithoutTerminalEscapes: progress on a standard error that is
// no terminal (a log, a pipe) is plain lines.
func TestProgressWithoutTerminalEscapes(t *testing.T) {
	src := t.TempDir()
	writeArticle(t, src, "a.pdf", "First article", "wombat", 1)
	writeArticle(t, src, "b.pdf", "Second article", "quokka", 1)
	_, errs, code := rapport(t, filepath.Join(t.TempDir(), "lib"), "import", src)
	if code != 0 {
		t.Fatalf("import: code %d\n%s", code, errs)
	}
	if strings.ContainsAny(errs, "\x1b\r") {
		t.Errorf("progress carries terminal escapes: %q", errs)
	}
	if !strings.Contains(errs, "[1/2] ") || !strings.Contains(errs, "[2/2] ") {
		t.Errorf("progress lines missing: %q", errs)
	}
}
