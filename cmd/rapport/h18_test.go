package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A phrase search over a library holding a metadata-only entry prints its
// results as JSON (it failed with "json: unsupported value: NaN").
func TestCLIPhraseSearchJSONWithMetadataOnlyEntry(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	bib := filepath.Join(t.TempDir(), "rehab.bib")
	os.WriteFile(bib, []byte(`@article{r, title = {Psychiatric rehabilitation and recovery}, author = {Smith, John}, year = {2010},
  abstract = {We study psychiatric rehabilitation in community settings.}}`), 0o644)
	if _, errs, code := rapport(t, lib, "import", bib); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			Score float64 `json:"score"`
		} `json:"hits"`
	}
	if code := rapportJSON(t, lib, &res, "search", `"psychiatric rehabilitation"`); code != 0 || res.Total != 1 {
		t.Fatalf("search: exit %d, %+v", code, res)
	}
}
