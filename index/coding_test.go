package index

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCodebookSeededOnce(t *testing.T) {
	ctx := context.Background()
	cb, err := BuiltinCodebook()
	if err != nil {
		t.Fatal(err)
	}
	lib, dir := openCodingLibrary(t)
	themes, err := lib.Themes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []CodebookTheme
	var walk func(ts []CodebookTheme)
	walk = func(ts []CodebookTheme) {
		for _, ct := range ts {
			want = append(want, ct)
			walk(ct.Children)
		}
	}
	walk(cb.Themes)
	if len(themes) != len(want) || len(want) < 20 {
		t.Fatalf("library has %d themes, codebook %d", len(themes), len(want))
	}
	byName := map[string]Theme{}
	colors := map[string]bool{}
	for _, th := range themes {
		byName[th.Name] = th
		if !regexp.MustCompile(`^#[0-9A-F]{6}$`).MatchString(th.Color) || colors[th.Color] {
			t.Errorf("theme %q: colour %q not #RRGGBB or not distinct", th.Name, th.Color)
		}
		colors[th.Color] = true
		if th.Source == "" || th.SourceCitation == "" {
			t.Errorf("theme %q has no source citation (%q)", th.Name, th.Source)
		}
	}
	for _, ct := range want {
		th, ok := byName[ct.Name]
		if !ok {
			t.Fatalf("theme %q not seeded", ct.Name)
		}
		if th.GUID != ct.GUID || th.Description != ct.Description || th.Provisional != ct.Provisional {
			t.Errorf("theme %q seeded as %+v", ct.Name, th)
		}
	}
	// The tree and the flags themes.md asks for.
	for name, parent := range map[string]string{
		"Collaboration":                          "Helpful relationships with professionals",
		"The interpersonal relationship":         "Helpful relationships with professionals",
		"Something different – as a human being": "Helpful relationships in IPS",
		"Organization versus relation":           "Non-helpful relationships",
		"Being personal and its risks":           "",
		"Helpful relationships in IPS":           "",
	} {
		if got := byName[name].Parent; got != parent {
			t.Errorf("parent of %q = %q, want %q", name, got, parent)
		}
	}
	if !byName["Spending time together"].Provisional || byName["From role to person"].Provisional || !byName["Being personal and its risks"].Provisional {
		t.Error("provisional flags do not follow themes.md")
	}
	if !strings.Contains(byName["Non-helpful relationships"].Memo, "no space for negotiation") {
		t.Errorf("LTD2016 group memo = %q", byName["Non-helpful relationships"].Memo)
	}
	if !strings.Contains(byName["Trust"].SourceCitation, "10.1007/s11126-015-9347-5") {
		t.Errorf("LDT2015 citation = %q", byName["Trust"].SourceCitation)
	}

	// The user deletes one seeded theme and renames another: reopening
	// must not bring them back.
	if _, err := lib.DeleteTheme(ctx, "Support", DeleteThemeOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.RenameTheme(ctx, "Trust", "Trusting"); err != nil {
		t.Fatal(err)
	}
	lib.Close()
	lib2, err := Open(ctx, filepath.Join(dir, "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib2.Close()
	after, _ := lib2.Themes(ctx)
	if len(after) != len(want)-1 {
		t.Fatalf("reopened library has %d themes, want %d", len(after), len(want)-1)
	}
	if _, err := lib2.ThemeByName(ctx, "Support"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted theme came back: %v", err)
	}
	if _, err := lib2.ThemeByName(ctx, "Trust"); !errors.Is(err, ErrNotFound) {
		t.Errorf("renamed theme came back under its old name: %v", err)
	}
	// A newer codebook version adds the themes new in it — here, one whose
	// GUID the library never received — and still not the deleted one.
	var supportGUID, coachGUID string
	for _, ct := range want {
		switch ct.Name {
		case "Support":
			supportGUID = ct.GUID
		case "Here and now action":
			coachGUID = ct.GUID
		}
	}
	if _, err := lib2.DeleteTheme(ctx, "Here and now action", DeleteThemeOptions{}); err != nil {
		t.Fatal(err)
	}
	var seeded string
	lib2.db.QueryRow("SELECT value FROM settings WHERE key = ?", settingCodebookSeeded).Scan(&seeded)
	seeded = strings.Replace(seeded, `"`+coachGUID+`",`, "", 1)
	seeded = strings.Replace(seeded, `,"`+coachGUID+`"`, "", 1)
	if _, err := lib2.db.Exec("UPDATE settings SET value = ? WHERE key = ?", seeded, settingCodebookSeeded); err != nil {
		t.Fatal(err)
	}
	lib2.db.Exec("UPDATE settings SET value = '0' WHERE key = ?", settingCodebookVersion)
	if err := seedCodebook(ctx, lib2); err != nil {
		t.Fatal(err)
	}
	th, err := lib2.ThemeByName(ctx, "Here and now action")
	if err != nil || th.GUID != coachGUID || th.Parent != "Helpful relationships in IPS" {
		t.Errorf("theme new to the library was not added under its group: %+v %v", th, err)
	}
	if _, err := lib2.ThemeByName(ctx, "Support"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted theme %s came back with a codebook upgrade", supportGUID)
	}
}

func TestTagFindsPassages(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	lib.Author = "Tester"
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	tests := []struct {
		name     string
		req      TagRequest
		wantPage int
		wantText string
	}{
		{"exact", TagRequest{Quote: "collaboration with professionals as central", Themes: []string{"Collaboration"}}, 1, "collaboration with professionals as central"},
		{"line breaks and extra white space", TagRequest{Quote: "Trust grew  over\nmany years", Themes: []string{"trust"}}, 1, "Trust grew over many years"},
		{"hyphenated at a line end in the quote", TagRequest{Quote: "extraordinarily psy- chiatric services", Themes: []string{"Support"}}, 1, "extraordinarily psychiatric services"},
		{"ligatures in the quote", TagRequest{Quote: "the ﬁrst to oﬀer this kind of ﬂexible support", Themes: []string{"Access to resources"}}, 1, "the first to offer this kind of flexible support"},
		{"page given for a quote on two pages", TagRequest{Quote: "spending time together", Page: 2, Themes: []string{"Spending time together"}}, 2, "spending time together"},
		{"two themes and a note", TagRequest{Quote: "something different, a human being", Themes: []string{"Something different – as a human being", "From role to person"}, Note: "the coach"}, 2, "something different, a human being"},
		{"span from a selection", TagRequest{Page: 2, Start: 0, End: 2, Themes: []string{"Trust"}}, 2, "On"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.DocID = doc
			a, err := lib.Tag(ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if a.Page != tc.wantPage || a.Quote != tc.wantText {
				t.Fatalf("tagged page %d %q, want page %d %q", a.Page, a.Quote, tc.wantPage, tc.wantText)
			}
			checkAnchored(t, lib, a)
			if a.Author != "Tester" || a.DocID != doc || a.Note != strings.TrimSpace(tc.req.Note) || a.DocTitle == "" {
				t.Errorf("annotation %+v", a)
			}
			if len(a.Themes) != len(tc.req.Themes) {
				t.Errorf("themes %v, want %v", a.Themes, tc.req.Themes)
			}
			got, err := lib.Annotation(ctx, a.ID)
			if err != nil || got.Quote != a.Quote || got.Start != a.Start {
				t.Fatalf("stored annotation %+v, %v", got, err)
			}
		})
	}
	// Offsets count code points: a page with non-ASCII text before the
	// quote proves it (the span is checked against the rune slice above).
	list, err := lib.Annotations(ctx, AnnotationFilter{Theme: "Collaboration"})
	if err != nil || len(list) != 1 {
		t.Fatalf("annotations with Collaboration: %v %v", list, err)
	}
	list, _ = lib.Annotations(ctx, AnnotationFilter{Theme: "Helpful relationships with professionals", WithSubthemes: true})
	if len(list) != 6 {
		t.Errorf("annotations under the LDT2015 group: %d, want 6", len(list))
	}
	themes, _ := lib.Themes(ctx)
	for _, th := range themes {
		switch th.Name {
		case "Helpful relationships with professionals":
			if th.Count != 0 || th.TotalCount != 6 {
				t.Errorf("group counts %d / %d, want 0 / 6", th.Count, th.TotalCount)
			}
		case "Trust":
			if th.Count != 2 || th.TotalCount != 2 {
				t.Errorf("Trust counts %d / %d, want 2 / 2", th.Count, th.TotalCount)
			}
		case "Helpful relationships in IPS":
			if th.TotalCount != 1 { // one annotation with two of its themes counts once
				t.Errorf("IPS group total %d, want 1", th.TotalCount)
			}
		}
	}
	list, _ = lib.Annotations(ctx, AnnotationFilter{DocID: doc, Page: 2})
	if len(list) != 3 {
		t.Errorf("annotations on page 2: %d, want 3", len(list))
	}
}

func TestBadTagChangesNothing(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	if _, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Trust grew", Themes: []string{"Trust"}}); err != nil {
		t.Fatal(err)
	}
	before := codingState(t, lib)
	history := countRows(t, lib, "history")
	tests := []struct {
		name    string
		req     TagRequest
		is      error
		message string
	}{
		{"unknown theme", TagRequest{DocID: doc, Quote: "Trust grew", Themes: []string{"No such theme"}}, ErrNotFound, `no theme named "No such theme"`},
		{"one unknown theme among known ones", TagRequest{DocID: doc, Quote: "Trust grew", Themes: []string{"Trust", "Nope"}}, ErrNotFound, `no theme named "Nope"`},
		{"no theme", TagRequest{DocID: doc, Quote: "Trust grew"}, ErrInvalidInput, "at least one theme"},
		{"quote not found", TagRequest{DocID: doc, Quote: "words that are not there", Themes: []string{"Trust"}}, ErrNotFound, "not found"},
		{"empty quote", TagRequest{DocID: doc, Quote: "  ", Themes: []string{"Trust"}}, ErrInvalidInput, "empty quote"},
		{"unknown document", TagRequest{DocID: 999, Quote: "Trust grew", Themes: []string{"Trust"}}, ErrNotFound, "no document 999"},
		{"ambiguous across pages", TagRequest{DocID: doc, Quote: "time together", Themes: []string{"Trust"}}, ErrInvalidInput, "several pages: 1, 2"},
		{"quote not on the page given", TagRequest{DocID: doc, Quote: "Trust grew", Page: 2, Themes: []string{"Trust"}}, ErrNotFound, "not found on page 2"},
		{"page out of range", TagRequest{DocID: doc, Quote: "Trust grew", Page: 7, Themes: []string{"Trust"}}, ErrInvalidInput, "no page 7"},
		{"span that does not hold the quote", TagRequest{DocID: doc, Page: 1, Start: 0, End: 5, Quote: "Trust", Themes: []string{"Trust"}}, ErrInvalidInput, "not the quote"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lib.Tag(ctx, tc.req)
			if err == nil || !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("error %v, want %v containing %q", err, tc.is, tc.message)
			}
			if after := codingState(t, lib); after != before {
				t.Fatal("a failed tag changed the library")
			}
			if n := countRows(t, lib, "history"); n != history {
				t.Fatalf("a failed tag left a history step (%d, was %d)", n, history)
			}
		})
	}
	var amb *AmbiguousQuoteError
	_, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "the", Page: 1, Themes: []string{"Trust"}})
	if !errors.As(err, &amb) || !strings.Contains(err.Error(), "times on page 1") {
		t.Errorf("quote found several times on one page: %v", err)
	}
	// Bad theme edits change nothing either.
	for name, fn := range map[string]func() error{
		"add a duplicate":         func() error { _, err := lib.AddTheme(ctx, Theme{Name: "trust"}); return err },
		"add with a bad colour":   func() error { _, err := lib.AddTheme(ctx, Theme{Name: "X", Color: "red"}); return err },
		"add under a missing one": func() error { _, err := lib.AddTheme(ctx, Theme{Name: "X", Parent: "Nope"}); return err },
		"rename onto another":     func() error { _, err := lib.RenameTheme(ctx, "Trust", "Support"); return err },
		"rename to nothing":       func() error { _, err := lib.RenameTheme(ctx, "Trust", " "); return err },
		"merge into itself":       func() error { _, err := lib.MergeThemes(ctx, "Trust", "trust"); return err },
		"merge an unknown theme":  func() error { _, err := lib.MergeThemes(ctx, "Nope", "Trust"); return err },
		"nest under own child": func() error {
			p := "Trust"
			_, err := lib.UpdateTheme(ctx, "Helpful relationships with professionals", ThemeUpdate{Parent: &p})
			return err
		},
		"delete in use":           func() error { _, err := lib.DeleteTheme(ctx, "Trust", DeleteThemeOptions{}); return err },
		"delete moving to itself": func() error { _, err := lib.DeleteTheme(ctx, "Trust", DeleteThemeOptions{MoveTo: "Trust"}); return err },
		"untag a missing one":     func() error { return lib.Untag(ctx, 12345) },
		"note on a missing doc":   func() error { _, err := lib.AddDocNote(ctx, 999, "x", ""); return err },
		"empty note":              func() error { _, err := lib.AddDocNote(ctx, doc, " ", ""); return err },
		"annotation without theme": func() error {
			_, err := lib.UpdateAnnotation(ctx, 1, AnnotationUpdate{RemoveThemes: []string{"Trust"}})
			return err
		},
	} {
		if err := fn(); err == nil {
			t.Errorf("%s: no error", name)
		}
		if after := codingState(t, lib); after != before {
			t.Fatalf("%s changed the library", name)
		}
	}
	var inUse *ThemeInUseError
	if _, err := lib.DeleteTheme(ctx, "Trust", DeleteThemeOptions{}); !errors.As(err, &inUse) || inUse.Annotations != 1 {
		t.Errorf("deleting a theme in use: %v", err)
	}
}

func TestThemeEdits(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	tag := func(quote string, page int, themes ...string) Annotation {
		t.Helper()
		a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Page: page, Themes: themes})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	count := func(theme string) int {
		t.Helper()
		th, err := lib.ThemeByName(ctx, theme)
		if err != nil {
			t.Fatal(err)
		}
		return th.Count
	}

	// add, with parent, colour and description
	th, err := lib.AddTheme(ctx, Theme{Name: "Coach qualities", Parent: "Helpful relationships in IPS", Description: "What the coach is like", Color: "#12ab34"})
	if err != nil {
		t.Fatal(err)
	}
	if th.Parent != "Helpful relationships in IPS" || th.Color != "#12AB34" || th.Description != "What the coach is like" || th.Count != 0 {
		t.Fatalf("added %+v", th)
	}
	auto, err := lib.AddTheme(ctx, Theme{Name: "Second new"})
	if err != nil || auto.Parent != "" || !regexp.MustCompile(`^#[0-9A-F]{6}$`).MatchString(auto.Color) {
		t.Fatalf("added %+v %v", auto, err)
	}

	a1 := tag("Trust grew over many years", 0, "Trust")
	a2 := tag("collaboration with professionals", 0, "Collaboration", "Trust")
	a3 := tag("The coach was something different", 0, "Coach qualities")
	tag("Nobody mentioned", 0, "Second new")

	// rename: annotations keep it, search finds the new name at once
	if _, err := lib.RenameTheme(ctx, "Trust", "Knowing and trusting"); err != nil {
		t.Fatal(err)
	}
	if got, _ := lib.Annotation(ctx, a1.ID); len(got.Themes) != 1 || got.Themes[0] != "Knowing and trusting" {
		t.Errorf("renamed theme on annotation: %v", got.Themes)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: `theme:"Knowing and trusting"`}); n != 1 {
		t.Errorf(`theme:"Knowing and trusting" matches %d pages, want 1`, n)
	}
	if n := searchTotal(t, lib, SearchRequest{Themes: []string{"Trust"}}); n != 0 {
		t.Errorf("the old name still matches %d pages", n)
	}
	if th, _ := lib.ThemeByName(ctx, "Knowing and trusting"); th.Provisional {
		t.Error("a renamed provisional theme is still provisional")
	}

	// recolour, describe, move
	c := "#000000"
	d := "new words"
	if th, err := lib.UpdateTheme(ctx, "Coach qualities", ThemeUpdate{Color: &c, Description: &d}); err != nil || th.Color != "#000000" || th.Description != d {
		t.Fatalf("update %+v %v", th, err)
	}
	top := ""
	if th, err := lib.UpdateTheme(ctx, "Coach qualities", ThemeUpdate{Parent: &top}); err != nil || th.Parent != "" {
		t.Fatalf("move to top %+v %v", th, err)
	}
	p := "Second new"
	if th, err := lib.UpdateTheme(ctx, "Coach qualities", ThemeUpdate{Parent: &p}); err != nil || th.Parent != "Second new" {
		t.Fatalf("move under %+v %v", th, err)
	}

	// merge Knowing and trusting into Collaboration: a2 carries both and
	// keeps one; a1 moves; the source theme is gone.
	merged, err := lib.MergeThemes(ctx, "Knowing and trusting", "Collaboration")
	if err != nil {
		t.Fatal(err)
	}
	if merged.Name != "Collaboration" || merged.Count != 2 {
		t.Errorf("merged theme %+v", merged)
	}
	if _, err := lib.ThemeByName(ctx, "Knowing and trusting"); !errors.Is(err, ErrNotFound) {
		t.Error("merged theme still exists")
	}
	for _, id := range []int64{a1.ID, a2.ID} {
		if got, _ := lib.Annotation(ctx, id); len(got.Themes) != 1 || got.Themes[0] != "Collaboration" {
			t.Errorf("annotation %d after merge: %v", id, got.Themes)
		}
	}
	if n := searchTotal(t, lib, SearchRequest{Query: `theme:"Collaboration"`}); n != 1 {
		t.Errorf("Collaboration matches %d pages after merge", n)
	}

	// merging a parent into its own child lifts the child and keeps the tree sound
	if _, err := lib.MergeThemes(ctx, "Second new", "Coach qualities"); err != nil {
		t.Fatal(err)
	}
	if th, _ := lib.ThemeByName(ctx, "Coach qualities"); th.Parent != "" || th.Count != 2 {
		t.Errorf("child after its parent merged into it: %+v", th)
	}

	// delete --move-to
	if _, err := lib.AddTheme(ctx, Theme{Name: "Target"}); err != nil {
		t.Fatal(err)
	}
	res, err := lib.DeleteTheme(ctx, "Coach qualities", DeleteThemeOptions{MoveTo: "Target"})
	if err != nil || res.Moved != 2 || count("Target") != 2 {
		t.Fatalf("delete moving: %+v %v", res, err)
	}
	if got, _ := lib.Annotation(ctx, a3.ID); len(got.Themes) != 1 || got.Themes[0] != "Target" {
		t.Errorf("moved annotation: %v", got.Themes)
	}

	// delete --remove-annotations: an annotation with another theme keeps
	// it; one with only this theme is deleted.
	both := tag("mattered to the persons interviewed", 0, "Target", "Support")
	res, err = lib.DeleteTheme(ctx, "Target", DeleteThemeOptions{RemoveAnnotations: true})
	if err != nil || res.Removed != 2 || res.Uncoded != 1 {
		t.Fatalf("delete removing: %+v %v", res, err)
	}
	if got, err := lib.Annotation(ctx, both.ID); err != nil || len(got.Themes) != 1 || got.Themes[0] != "Support" {
		t.Errorf("annotation with another theme: %+v %v", got, err)
	}
	if _, err := lib.Annotation(ctx, a3.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("annotation coded only with the deleted theme still there: %v", err)
	}

	// deleting a parent lifts its children to its own parent
	if _, err := lib.DeleteTheme(ctx, "Helpful relationships in IPS", DeleteThemeOptions{}); err != nil {
		t.Fatal(err)
	}
	if th, _ := lib.ThemeByName(ctx, "From role to person"); th.Parent != "" {
		t.Errorf("child of a deleted theme: parent %q", th.Parent)
	}
	rep, err := lib.Check(ctx, CheckOptions{})
	if err != nil || !rep.OK {
		t.Fatalf("check: %+v %v", rep, err)
	}
}

func TestUndoRedo(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	if _, err := lib.Undo(ctx); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo on a fresh library: %v", err)
	}
	var firstID int64
	steps := []struct {
		name string
		do   func() error
	}{
		{"tag", func() error {
			a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "Trust grew", Themes: []string{"Trust", "Support"}, Note: "n"})
			firstID = a.ID
			return err
		}},
		{"tag again", func() error {
			_, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "something different", Themes: []string{"From role to person"}})
			return err
		}},
		{"update annotation", func() error {
			n := "changed"
			_, err := lib.UpdateAnnotation(ctx, firstID, AnnotationUpdate{Note: &n, AddThemes: []string{"Collaboration"}, RemoveThemes: []string{"Support"}})
			return err
		}},
		{"note", func() error { _, err := lib.AddDocNote(ctx, doc, "A document note", "me"); return err }},
		{"edit note", func() error { _, err := lib.UpdateDocNote(ctx, 1, "Edited note"); return err }},
		{"add theme", func() error { _, err := lib.AddTheme(ctx, Theme{Name: "New", Parent: "Trust"}); return err }},
		{"rename theme", func() error { _, err := lib.RenameTheme(ctx, "Trust", "Trusting"); return err }},
		{"recolour", func() error {
			c := "#101010"
			_, err := lib.UpdateTheme(ctx, "Trusting", ThemeUpdate{Color: &c})
			return err
		}},
		{"merge", func() error { _, err := lib.MergeThemes(ctx, "Trusting", "Collaboration"); return err }},
		{"delete moving", func() error {
			_, err := lib.DeleteTheme(ctx, "Collaboration", DeleteThemeOptions{MoveTo: "Support"})
			return err
		}},
		{"delete removing", func() error {
			_, err := lib.DeleteTheme(ctx, "From role to person", DeleteThemeOptions{RemoveAnnotations: true})
			return err
		}},
		{"untag", func() error { return lib.Untag(ctx, firstID) }},
		{"delete note", func() error { return lib.DeleteDocNote(ctx, 1) }},
	}
	states := []string{codingState(t, lib)}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		states = append(states, codingState(t, lib))
	}
	for i := len(steps) - 1; i >= 0; i-- {
		e, err := lib.Undo(ctx)
		if err != nil {
			t.Fatalf("undo %s: %v", steps[i].name, err)
		}
		if got := codingState(t, lib); got != states[i] {
			t.Fatalf("undo %s (%s) did not restore the state before it", steps[i].name, e.Label)
		}
	}
	if _, err := lib.Undo(ctx); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo past the first step: %v", err)
	}
	for i := range steps {
		if _, err := lib.Redo(ctx); err != nil {
			t.Fatalf("redo %s: %v", steps[i].name, err)
		}
		if got := codingState(t, lib); got != states[i+1] {
			t.Fatalf("redo %s did not restore the state after it", steps[i].name)
		}
	}
	if _, err := lib.Redo(ctx); !errors.Is(err, ErrNothingToRedo) {
		t.Fatalf("redo past the last step: %v", err)
	}
	// Search follows undo: untag undone → the page is coded again.
	if _, err := lib.Undo(ctx); err != nil { // delete note
		t.Fatal(err)
	}
	if _, err := lib.Undo(ctx); err != nil { // untag
		t.Fatal(err)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: `theme:"Support"`}); n != 1 {
		t.Errorf("after undoing untag, theme:Support matches %d pages", n)
	}
	// A new change drops the redo stack.
	if _, err := lib.AddTheme(ctx, Theme{Name: "Fresh"}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Redo(ctx); !errors.Is(err, ErrNothingToRedo) {
		t.Fatalf("redo after a new change: %v", err)
	}
	rep, err := lib.Check(ctx, CheckOptions{})
	if err != nil || !rep.OK {
		t.Fatalf("check: %+v %v", rep, err)
	}
}

func TestSearchFollowsCoding(t *testing.T) {
	ctx := context.Background()
	lib, _ := openCodingLibrary(t)
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	importArticle(t, lib, "other", twoPageArticle2())
	a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: "collaboration with professionals", Themes: []string{"Collaboration"}, Note: "zanzibar memo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		req  SearchRequest
		want int
	}{
		{"theme phrase", SearchRequest{Query: `theme:"Collaboration"`}, 1},
		{"theme phrase, other case", SearchRequest{Query: `theme:"collaboration"`}, 1},
		{"theme filter", SearchRequest{Themes: []string{"Collaboration"}}, 1},
		{"annotated only", SearchRequest{Query: "together", AnnotatedOnly: true}, 1},
		{"all pages with together", SearchRequest{Query: "together"}, 3},
		{"annotation note", SearchRequest{Query: "annotation:zanzibar"}, 1},
		{"unused theme", SearchRequest{Query: `theme:"Trust"`}, 0},
	} {
		if n := searchTotal(t, lib, tc.req); n != tc.want {
			t.Errorf("%s: %d pages, want %d", tc.name, n, tc.want)
		}
	}
	res, err := lib.Search(ctx, SearchRequest{Query: "collaboration", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Facets["theme"] {
		found = found || (f.Value == "Collaboration" && f.Count == 1)
	}
	if !found {
		t.Errorf("theme facets %v", res.Facets["theme"])
	}
	for _, h := range res.Hits {
		if h.DocID == doc && h.Page == 1 && (len(h.Themes) != 1 || h.Themes[0] != "Collaboration") {
			t.Errorf("hit themes %v", h.Themes)
		}
	}
	// Document notes are searched too, with the document's first page.
	note, err := lib.AddDocNote(ctx, doc, "Remember the quokka interviews", "")
	if err != nil {
		t.Fatal(err)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "quokka"}); n != 1 {
		t.Errorf("document note: %d pages", n)
	}
	if err := lib.DeleteDocNote(ctx, note.ID); err != nil {
		t.Fatal(err)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "quokka"}); n != 0 {
		t.Errorf("deleted document note still found: %d pages", n)
	}
	if err := lib.Untag(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: `theme:"Collaboration"`}); n != 0 {
		t.Errorf("after untag: %d pages", n)
	}
	if n := searchTotal(t, lib, SearchRequest{Query: "x", AnnotatedOnly: true}); n != 0 {
		t.Errorf("annotated after untag: %d pages", n)
	}
}
