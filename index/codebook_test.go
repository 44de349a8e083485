package index

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/testenv"
)

// TestCodebookFollowsThemesMD checks the built-in codebook against the
// document it is taken from (shared/themes.md) and the seed abstracts:
// every theme name and source DOI is written there, and the group memo of
// LTD2016 is the abstract's own sentence.
func TestCodebookFollowsThemesMD(t *testing.T) {
	path := testenv.Shared(t, "themes.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := strings.Join(strings.Fields(string(data)), " ")
	cb, err := BuiltinCodebook()
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ts []CodebookTheme, depth int)
	n := 0
	walk = func(ts []CodebookTheme, depth int) {
		for _, ct := range ts {
			n++
			if depth > 1 {
				t.Errorf("theme %q is deeper than the two-level tree", ct.Name)
			}
			if !strings.Contains(md, ct.Name) {
				t.Errorf("theme name %q is not in themes.md", ct.Name)
			}
			if ct.Description == "" || ct.Color == "" || ct.GUID == "" {
				t.Errorf("theme %q lacks a description, colour or GUID", ct.Name)
			}
			walk(ct.Children, depth+1)
		}
	}
	walk(cb.Themes, 0)
	if n != 22 {
		t.Errorf("%d themes, want the 22 of themes.md (4 groups' members and the groups)", n)
	}
	for _, s := range cb.Sources {
		if s.DOI != "" && !strings.Contains(md, s.DOI) {
			t.Errorf("source %s: DOI %s is not in themes.md", s.Key, s.DOI)
		}
	}
	seeds, err := os.ReadFile(filepath.Join(filepath.Dir(path), "seeds", "000_89b05b923c281aae.txt"))
	if err != nil {
		t.Skipf("seed abstracts absent: %v", err)
	}
	for _, ct := range cb.Themes {
		if ct.Source == "LTD2016" && (ct.Memo == "" || !strings.Contains(string(seeds), ct.Memo)) {
			t.Errorf("LTD2016 group memo is not the abstract's conclusion: %q", ct.Memo)
		}
	}
}
