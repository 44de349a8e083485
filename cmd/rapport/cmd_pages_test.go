package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/testenv"
)

// The corpus article Douglas imported alone: `show --json` gives each
// field's source, "pages" as the printed range beside "page_count", and
// where its page numbers come from; `search --json` keeps "page" as the PDF
// page and adds "printed_page"; the text of `show` says the same.
func TestCLIShowsPageNumbersAndSources(t *testing.T) {
	corpus := testenv.Shared(t, "corpus")
	lib := filepath.Join(t.TempDir(), "lib")
	var imp struct {
		Imported []struct {
			ID int64 `json:"id"`
		} `json:"imported"`
	}
	if code := rapportJSON(t, lib, &imp, "import", filepath.Join(corpus, "douglas2014-clinsci.pdf")); code != 0 || len(imp.Imported) != 1 {
		t.Fatalf("import: %+v", imp)
	}
	id := imp.Imported[0].ID
	var show struct {
		Pages        string            `json:"pages"`
		PageCount    int               `json:"page_count"`
		Journal      string            `json:"journal"`
		Year         int               `json:"year"`
		FieldSources map[string]string `json:"field_sources"`
		PageNumbers  struct {
			Source     string `json:"source"`
			First      string `json:"first"`
			Last       string `json:"last"`
			Unnumbered []int  `json:"unnumbered"`
		} `json:"page_numbers"`
	}
	if code := rapportJSON(t, lib, &show, "show", itoa64(id)); code != 0 {
		t.Fatal("show failed")
	}
	n := show.PageNumbers
	if show.Pages != "305–313" || show.PageCount != 13 || show.Journal != "Clinical Science" || show.Year != 2014 ||
		show.FieldSources["journal"] != "page1" || n.Source != "print" || n.First != "305" || n.Last != "313" || len(n.Unnumbered) != 4 {
		t.Errorf("show --json: %+v", show)
	}
	out, _, code := rapport(t, lib, "show", itoa64(id))
	if code != 0 || !strings.Contains(out, "page numbers:    printed on the pages, 305–313") || !strings.Contains(out, "PDF pages 10–13 print no number") ||
		!strings.Contains(out, "journal page1") {
		t.Errorf("show:\n%s", out)
	}
	var res struct {
		Hits []struct {
			Page        int    `json:"page"`
			PrintedPage string `json:"printed_page"`
		} `json:"hits"`
	}
	if code := rapportJSON(t, lib, &res, "search", "scaffold hopping", "--limit", "50"); code != 0 || len(res.Hits) == 0 {
		t.Fatalf("search: %+v", res)
	}
	for _, h := range res.Hits {
		if h.Page <= 9 && h.PrintedPage != itoa64(int64(304+h.Page)) || h.Page > 9 && h.PrintedPage != itoa64(int64(h.Page)) {
			t.Errorf("hit on PDF page %d: printed_page %q", h.Page, h.PrintedPage)
		}
	}
	// The user's first printed page is shown, and wins.
	if _, errs, code := rapport(t, lib, "set", itoa64(id), "first_printed_page", "300"); code != 0 {
		t.Fatal(errs)
	}
	out, _, _ = rapport(t, lib, "show", itoa64(id))
	if !strings.Contains(out, "first printed:   300") || !strings.Contains(out, "first_printed_page, set by hand") {
		t.Errorf("show after set first_printed_page:\n%s", out)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
