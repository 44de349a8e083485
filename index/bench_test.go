package index

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/rapport-qda/rapport/bench"
)

// Benchmarks of import and search on the synthetic library of package
// bench (scripts/bench runs them; the full comparison with pdftotext and
// Recoll is bench/cmd/rapport-bench).

const benchSeed = 1

// writeBenchCorpus writes articles 1..n of the benchmark corpus into dir and
// returns their total page count.
func writeBenchCorpus(b *testing.B, dir string, n int) int {
	b.Helper()
	pages := 0
	for i := 1; i <= n; i++ {
		a, pdf := bench.MakeArticle(benchSeed, i)
		path := filepath.Join(dir, filepath.Base(a.File))
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			b.Fatal(err)
		}
		pages += a.Pages
	}
	return pages
}

// BenchmarkImport imports 40 articles (about 400 pages) into a new library.
func BenchmarkImport(b *testing.B) {
	src := b.TempDir()
	pages := writeBenchCorpus(b, src, 40)
	ctx := context.Background()
	var dir string
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir = filepath.Join(b.TempDir(), "lib")
		b.StartTimer()
		lib, err := Open(ctx, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := lib.Import(ctx, []string{src}, nil)
		if err != nil || len(rep.Failed) > 0 {
			b.Fatalf("import: %v %+v", err, rep.Failed)
		}
		if err := lib.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(dirBytes(b, filepath.Join(dir, IndexDir)))/1e6, "index-MB")
	b.ReportMetric(float64(dirBytes(b, filepath.Join(dir, DBFile)))/1e6, "sqlite-MB")
}

// dirBytes is the size of the files under path.
func dirBytes(b *testing.B, path string) int64 {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkSearch runs the benchmark query set round-robin against a
// library of 100 articles, with and without snippets and with facets.
func BenchmarkSearch(b *testing.B) {
	src := b.TempDir()
	writeBenchCorpus(b, src, 100)
	ctx := context.Background()
	lib, err := Open(ctx, filepath.Join(b.TempDir(), "lib"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	if _, err := lib.Import(ctx, []string{src}, nil); err != nil {
		b.Fatal(err)
	}
	queries := bench.Queries(benchSeed, nil)
	for _, mode := range []struct {
		name string
		req  SearchRequest
	}{
		{"snippets", SearchRequest{}},
		{"nosnippets", SearchRequest{NoSnippets: true}},
		{"facets", SearchRequest{Facets: true}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				req := mode.req
				req.Query = queries[i%len(queries)].Bleve
				if _, err := lib.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
