package app

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"testing"

	"github.com/rapport-qda/rapport/index"
)

func TestBuildDemo(t *testing.T) {
	ctx := context.Background()
	lib, err := index.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if err := BuildDemo(ctx, lib); err != nil {
		t.Fatal(err)
	}
	annots, err := lib.Annotations(ctx, index.AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(annots) != len(demoAnnotations) {
		t.Errorf("%d annotations, want %d", len(annots), len(demoAnnotations))
	}
	docs, _ := lib.Documents(ctx)
	titles := map[string]bool{}
	for _, d := range docs {
		titles[d.DOI] = d.PageCount > 0
	}
	for _, doi := range []string{"10.1007/s11126-015-9347-5", "10.1080/15487768.2016.1255276"} {
		if !titles[doi] {
			t.Errorf("no readable document with DOI %s in %+v", doi, titles)
		}
	}
	res, err := lib.Search(ctx, index.SearchRequest{Query: `theme:"Here and now action"`})
	if err != nil || res.Total == 0 {
		t.Errorf("theme search in the demo: %v %+v", err, res)
	}
}

func TestFirstRunOpensTheDemo(t *testing.T) {
	ctx := context.Background()
	t.Setenv("RAPPORT_DEMO_DIR", filepath.Join(t.TempDir(), "demo-library"))
	empty, err := index.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1200, 800))
	u := buildHeadless(a, w, empty)
	u.Wait()
	u.Wait() // the demo is built by a job the first one started
	if u.lib == empty {
		t.Fatal("the window still shows the empty library")
	}
	t.Cleanup(func() { u.lib.Close() })
	if n := u.docs.rowCount(); n < 2 {
		t.Errorf("demo library lists %d documents", n)
	}
	if w.Title() != "Rapport — demo-library" {
		t.Errorf("title %q", w.Title())
	}
	if len(u.banner.Objects) == 0 {
		t.Error("no banner says this is the demo")
	}
	// a later run with an empty library offers it on the Library tab
	// instead, and the demo's banner goes with the demo
	other, err := index.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	u.ShowView(ViewCodebook)
	u.SwitchLibrary(other)
	u.offerDemoIfEmpty()
	u.Wait()
	if u.lib != other || len(u.banner.Objects) != 0 {
		t.Errorf("second empty library: switched=%v banner=%d", u.lib == other, len(u.banner.Objects))
	}
	if u.currentView() != ViewLibrary || !u.docs.hint.Visible() || !u.docs.hintButtons.Visible() {
		t.Errorf("second empty library: view %q, hint shown %v", u.currentView(), u.docs.hint.Visible())
	}
}
