package index

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// robustWords is the vocabulary of generated test articles.
var robustWords = strings.Fields(`qualitative interview theme nurse patient trust care ward
clinic stigma resilience burnout coping family support policy access rural urban
midwife pharmacist community barrier facilitator experience meaning practice
identity workload training recovery dignity consent autonomy narrative`)

// articlePDF generates a PDF article with known, seed-dependent text: its
// title is "Article N about W1 and W2" and each page has a few paragraphs.
func articlePDF(seed, pages int) []byte {
	r := rand.New(rand.NewSource(int64(seed)))
	para := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = robustWords[r.Intn(len(robustWords))]
		}
		return strings.Join(ws, " ")
	}
	a := pdfgen.Article{
		Title:   fmt.Sprintf("Article %d about %s and %s", seed, robustWords[seed%len(robustWords)], robustWords[(seed*7+3)%len(robustWords)]),
		Columns: 1 + seed%2,
	}
	for p := 0; p < pages; p++ {
		a.Pages = append(a.Pages, []string{para(40), para(30) + fmt.Sprintf(" marker%dp%d", seed, p+1)})
	}
	return a.Doc().Bytes()
}

// writeArticles writes n generated articles (seeds first..first+n-1) into
// dir and returns their paths.
func writeArticles(t testing.TB, dir string, first, n int) []string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for s := first; s < first+n; s++ {
		p := filepath.Join(dir, fmt.Sprintf("article-%03d.pdf", s))
		if err := os.WriteFile(p, articlePDF(s, 1+s%3), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// openTestLibrary opens a library in dir and closes it with the test.
func openTestLibrary(t testing.TB, dir string) *Library {
	t.Helper()
	l, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// mustImport imports paths and fails the test on a failed file.
func mustImport(t testing.TB, l *Library, paths ...string) *ImportReport {
	t.Helper()
	rep, err := l.Import(context.Background(), paths, &ImportOptions{Workers: 2})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if len(rep.Failed) > 0 {
		t.Fatalf("import failed files: %+v", rep.Failed)
	}
	return rep
}

// librarySnapshot is what a library holds that must survive a backup: each
// document's identity and metadata, its page texts and its original's bytes.
func librarySnapshot(t testing.TB, l *Library) map[string]string {
	t.Helper()
	ctx := context.Background()
	docs, err := l.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range docs {
		key := fmt.Sprintf("doc %d", d.ID)
		out[key] = fmt.Sprintf("%s|%s|%s|%d|%d|%s", d.SHA256, d.FileName, d.Title, d.PageCount, d.Year, d.DOI)
		pages, err := l.Pages(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			out[fmt.Sprintf("%s page %d", key, p.Number)] = p.Text
		}
		if path := l.FilePath(d); path != "" {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("original of %s: %v", key, err)
			}
			out[key+" file"] = string(data)
		}
	}
	rows, err := l.db.QueryContext(ctx, "SELECT guid, doc_id, page, start, end, quote, note FROM annotations ORDER BY guid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var guid, quote, note string
		var doc, page, start, end int
		if err := rows.Scan(&guid, &doc, &page, &start, &end, &quote, &note); err != nil {
			t.Fatal(err)
		}
		out["annotation "+guid] = fmt.Sprintf("%d|%d|%d|%d|%s|%s", doc, page, start, end, quote, note)
	}
	return out
}

func diffSnapshots(t testing.TB, want, got map[string]string) {
	t.Helper()
	for k, v := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s is missing", k)
		} else if g != v {
			t.Errorf("%s differs", k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s was not in the original", k)
		}
	}
}
