package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rapport-qda/rapport/index"
)

func TestThemeMergeFromTheEditor(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	u, _ := newTestUI(t, lib)
	doc := openFirstArticle(t, u, lib)
	themes := u.codebook.themes
	if len(themes) < 3 {
		t.Fatalf("codebook has %d themes", len(themes))
	}
	from, into := themes[1].Name, themes[2].Name
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc.ID, Quote: "Trust grows slowly.", Themes: []string{from}}); err != nil {
		t.Fatal(err)
	}
	u.afterChange()
	u.Wait()

	// pick the theme in the editor's list, then Merge into… the other
	u.ShowView(ViewCodebook)
	u.codebook.list.Select(1)
	if u.codebook.sel != from || u.codebook.name.Text != from || u.codebook.mergeBtn.Disabled() {
		t.Fatalf("editor shows %q (name %q)", u.codebook.sel, u.codebook.name.Text)
	}
	test.Tap(u.codebook.mergeBtn) // the dialog opens; its Merge button calls merge
	u.codebook.merge(from, into)
	u.Wait()

	if _, err := lib.ThemeByName(ctx, from); err == nil {
		t.Errorf("%q still in the codebook after the merge", from)
	}
	annots, _ := lib.Annotations(ctx, index.AnnotationFilter{})
	if len(annots) != 1 || len(annots[0].Themes) != 1 || annots[0].Themes[0] != into {
		t.Fatalf("annotations after merge: %+v", annots)
	}
	if u.codebook.sel != into {
		t.Errorf("editor selection %q after merge, want %q", u.codebook.sel, into)
	}
	for _, th := range u.sidebar.themes {
		if th.Name == from {
			t.Errorf("sidebar still lists %q", from)
		}
	}
	// the reader's annotation now carries the merged theme
	if a := u.reader.tagPanel.annots; len(a) != 1 || a[0].Themes[0] != into {
		t.Errorf("reader annotations %+v", a)
	}

	// undo brings the theme and its coding back
	u.Undo()
	u.Wait()
	annots, _ = lib.Annotations(ctx, index.AnnotationFilter{})
	if len(annots) != 1 || annots[0].Themes[0] != from {
		t.Errorf("after undo: %+v", annots)
	}

	// rename through the form
	u.codebook.selectTheme(from)
	u.codebook.name.SetText("Renamed theme")
	test.Tap(u.codebook.save)
	u.Wait()
	annots, _ = lib.Annotations(ctx, index.AnnotationFilter{})
	if len(annots) != 1 || annots[0].Themes[0] != "Renamed theme" {
		t.Errorf("after rename: %+v", annots)
	}
}

func TestReportsDrawAndSavePNG(t *testing.T) {
	lib, _ := newTestLibrary(t)
	ctx := context.Background()
	u, _ := newTestUI(t, lib)
	doc := openFirstArticle(t, u, lib)
	names := []string{u.codebook.themes[1].Name, u.codebook.themes[2].Name}
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: doc.ID, Quote: "Trust grows slowly.", Themes: names}); err != nil {
		t.Fatal(err)
	}
	u.ShowView(ViewReports)
	u.Wait()
	if u.reports.overview == nil || len(u.reports.overview.Documents) != 1 {
		t.Fatalf("overview %+v", u.reports.overview)
	}
	for _, chart := range []struct {
		name string
		draw func() fyne.CanvasObject
	}{{"bars.png", u.reports.barChart}, {"heat.png", u.reports.heatmap}} {
		path := filepath.Join(t.TempDir(), chart.name)
		if err := u.reports.writePNG(path, chart.draw); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", chart.name, err)
		}
		if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 40 {
			t.Errorf("%s is %v", chart.name, b)
		}
	}
}
