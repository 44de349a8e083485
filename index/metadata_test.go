package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

const toporBib = `@article{topor2016,
  author  = {Topor, Alain and Ljungberg, Amanda},
  title   = {Everything is so relaxed and personal -- The construction of helpful relationships in individual placement and support},
  journal = {American Journal of Psychiatric Rehabilitation},
  year    = {2016},
  volume  = {19},
  number  = {4},
  pages   = {275--293},
  doi     = {10.1080/15487768.2016.1255276}
}
`

// A metadata record imported before its PDF becomes a metadata-only entry;
// the PDF imported later (same DOI) attaches to it; a later metadata import
// updates the record but keeps a field the user corrected.
func TestMetadataThenPDFAttachesAndKeepsUserCorrections(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bib := filepath.Join(dir, "topor.bib")
	os.WriteFile(bib, []byte(toporBib), 0o644)
	lib := newTestLibrary(t)

	rep, err := lib.Import(ctx, []string{bib}, nil)
	if err != nil || len(rep.Imported) != 1 || len(rep.Failed) != 0 {
		t.Fatalf("metadata import: %+v %v", rep, err)
	}
	id := rep.Imported[0].ID
	d, _ := lib.Document(ctx, id)
	if d.Kind != "metadata" || d.Year != 2016 || len(d.Authors) != 2 || d.Authors[0].Family != "Topor" || d.Pages != "275–293" {
		t.Fatalf("metadata-only record: %+v", d)
	}
	// Its abstract-less entry is still searchable by title.
	if res, _ := lib.Search(ctx, SearchRequest{Query: "title:placement"}); res.Total != 1 {
		t.Errorf("metadata-only record not found by title: %+v", res)
	}

	// The PDF, whose text carries the DOI.
	art := pdfgen.Article{Title: "Everything is so relaxed and personal", InfoTitle: "untitled.doc",
		Pages: [][]string{{"American Journal of Psychiatric Rehabilitation. DOI 10.1080/15487768.2016.1255276 The relationship with the coach is central."}, {"Here and now action."}}}
	pdf := filepath.Join(dir, "topor2016.pdf")
	os.WriteFile(pdf, art.Doc().Bytes(), 0o644)
	rep, err = lib.Import(ctx, []string{pdf}, nil)
	if err != nil || len(rep.Imported) != 1 {
		t.Fatalf("PDF import: %+v %v", rep, err)
	}
	if rep.Imported[0].ID != id {
		t.Fatalf("PDF did not attach to its metadata record: got id %d, want %d", rep.Imported[0].ID, id)
	}
	d, _ = lib.Document(ctx, id)
	if d.Kind != "pdf" || d.PageCount != 2 || d.Journal != "American Journal of Psychiatric Rehabilitation" {
		t.Fatalf("after attach: %+v", d)
	}
	if n, _ := lib.DocumentCount(ctx); n != 1 {
		t.Fatalf("%d documents, want 1", n)
	}

	// The user corrects the volume; a re-import of the metadata keeps it
	// and still updates the rest.
	if err := lib.SetMetadataField(ctx, id, "volume", "19"); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(toporBib, "volume  = {19}", "volume  = {8 1}", 1)
	changed = strings.Replace(changed, "  doi", "  abstract = {The relationship with professionals matters.},\n  doi", 1)
	os.WriteFile(bib, []byte(changed), 0o644)
	rep, err = lib.Import(ctx, []string{bib}, nil)
	if err != nil || len(rep.Updated) != 1 || rep.Updated[0].ID != id {
		t.Fatalf("metadata re-import: %+v %v", rep, err)
	}
	d, _ = lib.Document(ctx, id)
	if d.Volume != "19" {
		t.Errorf("user's volume correction lost: %q", d.Volume)
	}
	if d.Abstract != "The relationship with professionals matters." {
		t.Errorf("abstract not updated: %q", d.Abstract)
	}
	if res, _ := lib.Search(ctx, SearchRequest{Query: `abstract:professionals`}); res.Total != 1 {
		t.Errorf("updated abstract not searchable: %+v", res)
	}
}
