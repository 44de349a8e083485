package app

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/assets"
	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/index"
)

// The demo library: four abstracts, each its own document with its own
// metadata (assets/demo), the example codings below, and citations that
// name the page each abstract is printed on (the first of its record's
// page range).

// demoAnnotations are the example codings of the demo library: the source
// file quoted, the quote, the themes (built-in codebook) and a note.
var demoAnnotations = []struct {
	source, quote string
	themes        []string
	note          string
}{
	{"ljungberg-denhov-topor-2015.md", "spend time with professionals that they know and trust", []string{"Spending time together", "Knowing each other", "Trust"}, "Time, continuity and trust come together in one phrase."},
	{"ljungberg-denhov-topor-2015.md", "access to resources, support, collaboration and valued interpersonal processes", []string{"Access to resources", "Support", "Collaboration", "Valued interpersonal processes"}, ""},
	{"ljungberg-denhov-topor-2015.md", "allowed to transgress the boundaries of the professional relationship", []string{"Transgressing the boundaries of the professional relationship"}, ""},
	{"ljungberg-denhov-topor-2015.md", "a professional relationship as well as an interpersonal relationship", []string{"The professional relationship", "The interpersonal relationship"}, "The overarching interpretation: both dimensions at once."},
	{"ljungberg-denhov-topor-2015.md", "determined by the individual preferences, needs and wishes of persons with SMI", []string{"Individual preferences, needs and wishes"}, "What helps is decided by the person."},
	{"ljungberg-topor-denhov-2016.md", "impersonal relationships that contain no space for negotiation of the relationship", []string{"Non-helpful professionals", "Organization versus relation"}, "Conclusion of the review of non-helpful relationships."},
	{"being-personal.md", "Being personal was viewed as something that may be helpful to users, but that also entails risks.", []string{"Being personal and its risks"}, ""},
	{"topor-ljungberg-2016-abstract.md", "the relationship with the coach is central for the participants’ success in the service", []string{"Helpful relationships in IPS", "Support"}, ""},
	{"topor-ljungberg-2016-abstract.md", "something different - as a human being", []string{"Something different – as a human being"}, "The main theme of the IPS study."},
	{"topor-ljungberg-2016-abstract.md", "here and now action", []string{"Here and now action"}, ""},
	{"topor-ljungberg-2016-abstract.md", "closer to wish-fulfilment – impact on the self", []string{"Closer to wish-fulfilment – impact on the self"}, ""},
	{"topor-ljungberg-2016-abstract.md", "from role to person", []string{"From role to person", "The interpersonal relationship"}, ""},
}

// demoNotes are document notes of the demo library, by source file.
var demoNotes = map[string]string{
	"being-personal.md": "Source unknown: this paragraph stood among the abstracts of a scraped abstract page, with no citation. Cite it only once its source is found (Details… to add it).",
}

// BuildDemo fills an empty library with the demo sources (embedded in
// assets) and example annotations, through the Library API.
func BuildDemo(ctx context.Context, lib *index.Library) error {
	tmp, err := os.MkdirTemp("", "rapport-demo-")
	if err != nil {
		return fmt.Errorf("demo library: %w", err)
	}
	defer os.RemoveAll(tmp)
	err = fs.WalkDir(assets.Demo, "demo", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := assets.Demo.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, filepath.Base(path)), data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("demo library: %w", err)
	}
	rep, err := lib.Import(ctx, []string{tmp}, nil)
	if err != nil {
		return fmt.Errorf("demo library: %w", err)
	}
	if len(rep.Failed) > 0 {
		return fmt.Errorf("demo library: %s: %s", rep.Failed[0].File, rep.Failed[0].Error)
	}
	docs, err := lib.Documents(ctx)
	if err != nil {
		return fmt.Errorf("demo library: %w", err)
	}
	bySource := map[string]int64{}
	for _, d := range docs {
		if d.PageCount == 0 {
			continue
		}
		bySource[d.FileName] = d.ID
		// Each abstract is printed on its article's first page: cite it so.
		if first, _, ok := export.PageRange(d.Pages); ok {
			if err := lib.SetMetadataField(ctx, d.ID, "first_printed_page", strconv.Itoa(first)); err != nil {
				return fmt.Errorf("demo library: %w", err)
			}
		}
	}
	for _, a := range demoAnnotations {
		id, ok := bySource[a.source]
		if !ok {
			return fmt.Errorf("demo library: no readable document from %s", a.source)
		}
		if _, err := lib.Tag(ctx, index.TagRequest{DocID: id, Quote: a.quote, Themes: a.themes, Note: a.note, Author: "Rapport demo"}); err != nil {
			return fmt.Errorf("demo library: tag %q: %w", a.quote, err)
		}
	}
	for source, note := range demoNotes {
		if _, err := lib.AddDocNote(ctx, bySource[source], note, "Rapport demo"); err != nil {
			return fmt.Errorf("demo library: note on %s: %w", source, err)
		}
	}
	return nil
}

// demoDir is where the demo library lives: RAPPORT_DEMO_DIR, else beside
// the app's own files.
func (u *UI) demoDir() string {
	if d := os.Getenv("RAPPORT_DEMO_DIR"); d != "" {
		return d
	}
	if root := u.app.Storage().RootURI(); root != nil && root.Scheme() == "file" {
		return filepath.Join(root.Path(), "demo-library")
	}
	return filepath.Join(os.TempDir(), "rapport-demo-library")
}

// offerDemoIfEmpty opens the demo library on the very first run with an
// empty library; later, an empty library opens on the Library tab, which
// offers the demo and import.
func (u *UI) offerDemoIfEmpty() {
	u.whenEmpty(func() {
		p := u.app.Preferences()
		if !p.Bool(prefWelcomed) {
			p.SetBool(prefWelcomed, true)
			u.homeDir = u.lib.Dir()
			u.OpenDemo()
			return
		}
		u.ShowView(ViewLibrary)
	})
}

// showLibraryIfEmpty brings the Library tab (with its hint how to start)
// to the front when the library is empty.
func (u *UI) showLibraryIfEmpty() {
	u.whenEmpty(func() { u.ShowView(ViewLibrary) })
}

// whenEmpty runs fn on the UI goroutine if the library shown holds no
// document (counted off the UI goroutine).
func (u *UI) whenEmpty(fn func()) {
	lib := u.lib
	u.background(func() {
		n, err := lib.DocumentCount(u.ctx)
		u.do(func() {
			if err == nil && n == 0 && lib == u.lib {
				fn()
			}
		})
	})
}

// showBanner shows a message with buttons above the views until dismissed.
func (u *UI) showBanner(msg string, buttons ...fyne.CanvasObject) {
	u.showBannerWith(widget.NewLabel(msg), buttons...)
}

// showBannerWith shows content with buttons above the views until
// dismissed (a running import's progress stays).
func (u *UI) showBannerWith(content fyne.CanvasObject, buttons ...fyne.CanvasObject) {
	var box *fyne.Container
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { u.banner.Remove(box) })
	buttons = append(buttons, closeBtn)
	box = container.NewBorder(nil, nil, nil, container.NewHBox(buttons...), content)
	u.clearBanner()
	u.banner.Add(box)
}

// clearBanner removes the messages above the views; a running import's
// (or OCR's) progress stays.
func (u *UI) clearBanner() {
	u.banner.RemoveAll()
	if u.importing != nil && !u.importing.finished {
		u.banner.Add(u.importing.panel)
	}
	if u.ocr != nil && u.ocr.running {
		u.banner.Add(u.ocr.panel)
	}
}

// OpenDemo opens the demo library, building it first if needed.
func (u *UI) OpenDemo() {
	if u.homeDir == "" {
		u.homeDir = u.lib.Dir()
	}
	dir := u.demoDir()
	if dir == u.lib.Dir() {
		return
	}
	u.setStatus("Opening the demo library…")
	u.background(func() {
		lib, err := u.openLibrary(dir)
		if err == nil {
			var n int
			n, err = lib.DocumentCount(u.ctx)
			if err == nil && n == 0 {
				err = BuildDemo(u.ctx, lib)
			}
			if err != nil {
				lib.Close()
			}
		}
		u.do(func() {
			if err != nil {
				u.showError("demo library", err)
				return
			}
			old := u.lib
			lib.Author = u.authorName()
			u.SwitchLibrary(lib)
			if old != nil && old != lib {
				old.Close()
			}
			u.setStatus("The demo library: two articles on helpful relationships, with example annotations.")
			home := u.homeDir
			u.showBanner("This is the demo library: sample abstracts with example annotations. Click a theme on the left, or open a document.",
				widget.NewButtonWithIcon("Back to my library", theme.HomeIcon(), func() {
					u.openLibraryDir(home, false)
				}),
				widget.NewButtonWithIcon("Import…", theme.ContentAddIcon(), u.ShowImport))
		})
	})
}
