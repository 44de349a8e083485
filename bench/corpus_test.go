package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/rapport-qda/rapport/importer"
)

func TestArticlesAreReproducibleAndReadable(t *testing.T) {
	for i := 1; i <= len(Layouts); i++ {
		a, pdf := MakeArticle(7, i)
		b, again := MakeArticle(7, i)
		if !bytes.Equal(pdf, again) || a.Title != b.Title {
			t.Fatalf("article %d differs between two runs with the same seed", i)
		}
		if _, other := MakeArticle(8, i); bytes.Equal(pdf, other) {
			t.Fatalf("article %d is the same with another seed", i)
		}
		ex, err := importer.ExtractPDF(context.Background(), pdf)
		if err != nil {
			t.Fatalf("article %d (%s): %v", i, a.Layout, err)
		}
		if len(ex.Pages) != a.Pages {
			t.Errorf("article %d (%s): %d pages extracted, want %d", i, a.Layout, len(ex.Pages), a.Pages)
		}
		last := ex.Pages[len(ex.Pages)-1].Text
		if !strings.Contains(last, "References") {
			t.Errorf("article %d (%s): last page lacks its references (text cut?): %.200q", i, a.Layout, last)
		}
		if importer.NormalizeDOI(ex.DOI) != a.DOI {
			t.Errorf("article %d (%s): DOI %q, want %q", i, a.Layout, ex.DOI, a.DOI)
		}
	}
}

func TestQueriesParse(t *testing.T) {
	qs := Queries(1, []string{"Trust"})
	if len(qs) < 100 {
		t.Fatalf("%d queries, want at least 100", len(qs))
	}
	kinds := map[string]int{}
	for _, q := range qs {
		kinds[q.Kind]++
		if _, err := bleve.NewQueryStringQuery(q.Bleve).Parse(); err != nil {
			t.Errorf("query %q: %v", q.Bleve, err)
		}
	}
	for _, k := range []string{"word", "rare", "phrase", "boolean", "field", "prefix", "theme"} {
		if kinds[k] == 0 {
			t.Errorf("no %s query", k)
		}
	}
}

// A corpus taken from a larger cached one is the corpus generate writes.
func TestCorpusDerivedFromLargerIsTheGeneratedOne(t *testing.T) {
	ctx := context.Background()
	work, fresh := t.TempDir(), t.TempDir()
	if _, err := Open(ctx, work, 6, 3, 2, nil); err != nil {
		t.Fatal(err)
	}
	derived, err := Open(ctx, work, 4, 3, 2, func(done, total int) {
		t.Errorf("the corpus of 4 was generated (%d/%d), not taken from the cached corpus of 6", done, total)
	})
	if err != nil {
		t.Fatal(err)
	}
	generated, err := Open(ctx, fresh, 4, 3, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(derived.Manifest, generated.Manifest) {
		t.Errorf("manifest of the derived corpus:\n%+v\nwant\n%+v", derived.Manifest, generated.Manifest)
	}
	for _, rel := range []string{"manifest.json", "references.bib"} {
		a, _ := os.ReadFile(filepath.Join(derived.Dir, rel))
		b, _ := os.ReadFile(filepath.Join(generated.Dir, rel))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s of the derived corpus differs from the generated one", rel)
		}
	}
	for _, a := range generated.Manifest.Articles {
		x, _ := os.ReadFile(filepath.Join(derived.PDFDir, a.File))
		y, _ := os.ReadFile(filepath.Join(generated.PDFDir, a.File))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s of the derived corpus differs from the generated one", a.File)
		}
	}
	if _, err := os.Stat(filepath.Join(derived.PDFDir, "000/article-00005.pdf")); err == nil {
		t.Error("the derived corpus of 4 holds article 5")
	}
}
