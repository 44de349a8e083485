package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// BenchmarkTag measures one durable, undoable tag on a 30-page article,
// including the re-indexing of the document that makes search see it.
func BenchmarkTag(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	lib, err := Open(ctx, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	a := pdfgen.Article{Title: "Benchmark article"}
	for p := 0; p < 30; p++ {
		var paras []string
		for k := 0; k < 4; k++ {
			paras = append(paras, fmt.Sprintf("Passage %d-%d tells how the participants met their coach and worked together on goals that mattered to them.", p, k))
		}
		a.Pages = append(a.Pages, paras)
	}
	path := filepath.Join(b.TempDir(), "bench.pdf")
	if err := os.WriteFile(path, a.Doc().Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	rep, err := lib.Import(ctx, []string{path}, nil)
	if err != nil || len(rep.Imported) != 1 {
		b.Fatalf("import: %+v %v", rep, err)
	}
	doc := rep.Imported[0].ID
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := fmt.Sprintf("Passage %d-%d tells", i%30, 2+i%2) // the first lines of a page repeat and are taken for running headers
		if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: q, Themes: []string{"Collaboration"}}); err != nil {
			b.Fatal(err)
		}
	}
}
