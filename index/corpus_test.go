package index

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"unicode"

	"github.com/rapport-qda/rapport/internal/testenv"
)

// Every page of every article in ../shared/corpus is found by a word that
// stands on that page only, with the right page number.
func TestCorpusEveryPageFindable(t *testing.T) {
	corpus := testenv.Shared(t, "corpus")
	ctx := context.Background()
	lib := newTestLibrary(t)
	rep, err := lib.Import(ctx, []string{corpus}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) > 0 {
		t.Fatalf("corpus import failed: %+v", rep.Failed)
	}
	docs, err := lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type where struct {
		doc  int64
		page int
	}
	seen := map[string][]where{}
	pagesTotal := 0
	for _, d := range docs {
		pages, err := lib.Pages(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			pagesTotal++
			for _, w := range strings.Fields(p.Text) {
				// Whole words only: "File1.tar.bz2" is one token to the index.
				w = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }))
				if !isASCIIWord(w) {
					continue
				}
				if l := seen[w]; len(l) == 0 || l[len(l)-1] != (where{d.ID, p.Number}) {
					seen[w] = append(seen[w], where{d.ID, p.Number})
				}
			}
		}
	}
	// For each page, its rarest word (the longest among equals): one found
	// on that page alone wherever there is one.
	best := map[where]string{}
	for w, places := range seen {
		if len(w) < 5 {
			continue
		}
		for _, pl := range places {
			cur, ok := best[pl]
			if !ok || len(places) < len(seen[cur]) || len(places) == len(seen[cur]) && (len(w) > len(cur) || len(w) == len(cur) && w < cur) {
				best[pl] = w
			}
		}
	}
	found, checked := 0, 0
	for _, d := range docs {
		for p := 1; p <= d.PageCount; p++ {
			w, ok := best[where{d.ID, p}]
			if !ok {
				t.Errorf("%s page %d: no word at all (empty text?)", d.FileName, p)
				continue
			}
			checked++
			if n := len(seen[w]); n > 1 {
				t.Logf("%s page %d: no word unique to the page; using %q, on %d pages", d.FileName, p, w, n)
			}
			res, err := lib.Search(ctx, SearchRequest{Query: w, Limit: 200, NoSnippets: true})
			if err != nil {
				t.Fatal(err)
			}
			ok = false
			for _, h := range res.Hits {
				ok = ok || h.DocID == d.ID && h.Page == p
			}
			if !ok {
				t.Errorf("%s page %d: search %q does not find it (%d hits)", d.FileName, p, w, res.Total)
			} else {
				found++
			}
		}
	}
	t.Logf("%d of %d pages found by their rarest word (%d pages in all)", found, checked, pagesTotal)
}

func isASCIIWord(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// The core packages must never depend on the GUI toolkit.
func TestCoreDoesNotImportFyne(t *testing.T) {
	root := testenv.RepoRoot(t)
	for _, pkg := range []string{"./index", "./importer", "./export"} {
		cmd := exec.Command("go", "list", "-deps", pkg)
		cmd.Dir = root
		cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "matched no packages") || strings.Contains(string(out), "no Go files") || strings.Contains(string(out), "directory not found") || strings.Contains(string(out), "cannot find") {
				continue // export/ not built yet
			}
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "fyne.io/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
