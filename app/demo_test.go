package app

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"testing"

	"github.com/rapport-qda/rapport/export"
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
	// Four documents, each one abstract with its own metadata.
	docs, _ := lib.Documents(ctx)
	if len(docs) != 4 {
		t.Fatalf("%d documents, want the four abstracts", len(docs))
	}
	for _, d := range docs {
		pages, _ := lib.Pages(ctx, d.ID)
		if len(pages) != 1 {
			t.Errorf("%s: %d pages", d.FileName, len(pages))
			continue
		}
		// No document holds another's abstract.
		for other, marker := range map[string]string{
			"ljungberg-denhov-topor-2015.md":   "meta-ethnography of 21 studies",
			"ljungberg-topor-denhov-2016.md":   "Non-helpful relationships with professionals can be understood",
			"topor-ljungberg-2016-abstract.md": "Individual Placement and Support",
			"being-personal.md":                "Being personal was viewed",
		} {
			if has := strings.Contains(pages[0].Text, marker); has != (other == d.FileName) {
				t.Errorf("%s holds %q: %v", d.FileName, marker, has)
			}
		}
		if strings.Contains(pages[0].Text, "scite") {
			t.Errorf("%s holds the aggregator's boilerplate", d.FileName)
		}
	}

	// Each example annotation cites its own article, at the page its
	// abstract is printed on (the first of the record's range).
	data, err := export.Collect(ctx, lib, export.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"spend time with professionals that they know and trust":                                            "(Ljungberg et al., 2015, p. 471)",
		"impersonal relationships that contain no space for negotiation of the relationship":                "(Ljungberg et al., 2016, p. 267)",
		"Being personal was viewed as something that may be helpful to users, but that also entails risks.": "(“Being personal and boundaries,” n.d., p. 1)",
		"here and now action": "(Topor & Ljungberg, 2016, p. 275)",
	}
	seen := 0
	for _, e := range data.Excerpts {
		if c, ok := want[e.Quote]; ok {
			seen++
			if e.Citation != c {
				t.Errorf("%q is cited %s, want %s", e.Quote, e.Citation, c)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d checked excerpts", seen, len(want))
	}
	for _, d := range data.Documents {
		if d.DOI == "10.1080/15487768.2016.1255276" {
			ref := d.Reference.Plain()
			if !strings.Contains(ref, "American Journal of Psychiatric Rehabilitation, 275–293.") || strings.Contains(ref, "8 1") {
				t.Errorf("IPS reference: %s", ref)
			}
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
	if !strings.HasPrefix(w.Title(), "Rapport — demo-library — coding as ") {
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
