// Package app is Rapport's desktop window (Fyne). It holds no logic of its
// own: everything it shows and changes goes through the index package's
// Library API, the same one the command line uses. Work that may take
// longer than a frame (search, import, reports, export) runs on its own
// goroutine and hands its result to the window with fyne.Do.
package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// AppID is Rapport's application id (as in FyneApp.toml).
const AppID = "org.rapport.app"

// View names, as remembered in preferences and accepted by ShowView.
const (
	ViewLibrary     = "library"
	ViewSearch      = "search"
	ViewReader      = "reader"
	ViewAnnotations = "annotations"
	ViewCodebook    = "codebook"
	ViewReports     = "reports"
)

// UI is one Rapport window on one library.
type UI struct {
	app fyne.App
	win fyne.Window
	lib *index.Library
	ctx context.Context

	// OpenLibrary, when set, opens another library folder (preferences,
	// the demo library); Run sets it.
	OpenLibrary func(dir string) (*index.Library, error)
	homeDir     string // the user's library while the demo is shown

	// The views: tabs is the bar of their names and views the stack
	// showing the selected one (see addView).
	tabs     *container.AppTabs
	tabByID  map[string]*container.TabItem
	views    *fyne.Container
	viewByID map[string]fyne.CanvasObject

	searchEntry *widget.Entry
	status      *widget.Label
	coderButton *widget.Button // the status bar's "coding as …"
	banner      *fyne.Container

	docs        *docList
	search      *searchPane
	reader      *readerPane
	sidebar     *themeSidebar
	annotations *annotationPane
	codebook    *codebookPane
	reports     *reportsPane

	importing *importJob
	// the password asked for encrypted PDFs (for tests)
	passwordDialog *dialog.FormDialog
	passwordEntry  *widget.Entry
	ocr            *ocrRun // the OCR of scans running in the background, if any

	jobs sync.WaitGroup // background work, so tests can wait for it
	uiMu sync.Mutex     // see do

	// deferUpdates (headless tests, set before Start) queues the UI
	// updates of background work instead of handing them to fyne.Do;
	// Wait runs them. See do.
	deferUpdates bool
	queueMu      sync.Mutex
	queued       []func()
}

// Build lays out the main window's content for lib in w.
func Build(a fyne.App, w fyne.Window, lib *index.Library) *UI {
	u := New(a, w, lib)
	u.Start()
	return u
}

// New makes the window's content and menus for lib; Start loads the data.
func New(a fyne.App, w fyne.Window, lib *index.Library) *UI {
	u := &UI{app: a, win: w, lib: lib, ctx: context.Background(), tabByID: map[string]*container.TabItem{}}
	applyThemePreference(a)
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.coderButton = widget.NewButtonWithIcon("", theme.AccountIcon(), u.ShowCoderSwitch)
	u.coderButton.Importance = widget.LowImportance
	u.banner = container.NewVBox()

	u.searchEntry = widget.NewEntry()
	u.searchEntry.SetPlaceHolder("Search the library (Ctrl+F) — words, \"phrases\", -not, author:…, year:2016, theme:…")

	u.docs = newDocList(u)
	u.search = newSearchPane(u)
	u.reader = newReaderPane(u)
	u.sidebar = newThemeSidebar(u)
	u.annotations = newAnnotationPane(u)
	u.codebook = newCodebookPane(u)
	u.reports = newReportsPane(u)

	u.searchEntry.OnChanged = func(string) { u.search.queryChanged() }
	u.searchEntry.OnSubmitted = func(string) { u.search.runNow() }

	// The tab bar's items hold nothing: the views are in a stack of
	// their own, the selected one shown. (AppTabs refreshes every tab's
	// content on each switch, the whole window's widgets: 30–100 ms a
	// switch; showing one view of the stack redraws only that one.)
	u.views = container.NewStack()
	u.viewByID = map[string]fyne.CanvasObject{}
	add := func(id, title string, icon fyne.Resource, content fyne.CanvasObject) {
		t := container.NewTabItemWithIcon(title, icon, canvas.NewRectangle(color.Transparent))
		u.tabByID[id] = t
		u.viewByID[id] = content
		if len(u.views.Objects) > 0 {
			content.Hide()
		}
		u.views.Add(content)
		u.tabs.Append(t)
	}
	u.tabs = container.NewAppTabs()
	add(ViewLibrary, "Library", theme.StorageIcon(), u.docs.content)
	add(ViewSearch, "Search", theme.SearchIcon(), u.search.content)
	add(ViewReader, "Reader", theme.DocumentIcon(), u.reader.content)
	add(ViewAnnotations, "Annotations", theme.ListIcon(), u.annotations.content)
	add(ViewCodebook, "Codebook", theme.ColorPaletteIcon(), u.codebook.content)
	add(ViewReports, "Reports", theme.GridIcon(), u.reports.content)
	u.tabs.OnSelected = func(t *container.TabItem) {
		id := u.currentView()
		for vid, v := range u.viewByID {
			if vid != id && v.Visible() {
				v.Hide()
			}
		}
		if v := u.viewByID[id]; v != nil && !v.Visible() {
			v.Show()
			v.Resize(u.views.Size())
			v.Refresh()
		}
		u.app.Preferences().SetString(prefLastView, id)
		switch id {
		case ViewReports:
			u.reports.refresh()
		case ViewAnnotations:
			u.annotations.refresh()
		}
	}

	toolbar := widget.NewToolbar(
		widget.NewToolbarAction(theme.ContentAddIcon(), u.ShowImport),
		widget.NewToolbarAction(theme.DocumentSaveIcon(), u.ShowExport),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.ContentUndoIcon(), u.Undo),
		widget.NewToolbarAction(theme.ContentRedoIcon(), u.Redo),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.SettingsIcon(), u.ShowPreferences),
	)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, toolbar, u.searchEntry),
		u.banner,
	)
	split := container.NewHSplit(u.sidebar.content, container.NewBorder(u.tabs, nil, nil, nil, u.views))
	split.SetOffset(0.22)
	statusBar := container.NewBorder(nil, nil, nil, u.coderButton, u.status)
	w.SetContent(container.NewBorder(top, statusBar, nil, nil, split))
	w.SetMainMenu(u.mainMenu())
	u.addShortcuts()
	w.SetOnDropped(u.dropped)
	u.setTitle()
	u.showCoder()
	return u
}

// Start loads the library's lists, restores the last view and, on an empty
// library, offers the demo library.
//
// The document last read is remembered with its library: another library
// (a new, empty one) opens without it, on the Library tab.
func (u *UI) Start() {
	u.setStatus("Library: %s", u.lib.Dir())
	u.reloadAll()
	p := u.app.Preferences()
	sameLibrary := p.String(prefLastLibrary) == u.lib.Dir()
	if v := p.String(prefLastView); v != "" && (v != ViewReader || sameLibrary) {
		u.ShowView(v)
	}
	if doc := p.Int(prefLastDoc); doc > 0 && sameLibrary {
		// the document last read, at its page (quietly: it may be gone)
		u.reader.restore(int64(doc), max(1, p.Int(prefLastPage)))
	}
	u.offerDemoIfEmpty()
	u.resumeOCR()
}

// setTitle names the library and the coder in the title bar.
func (u *UI) setTitle() {
	title := "Rapport — " + u.lib.Name()
	if c := u.coderName(); c != "" {
		title += " — coding as " + c
	}
	if u.blind() {
		title += " (blind)"
	}
	u.win.SetTitle(title)
}

// showCoder names the coder in the status bar.
func (u *UI) showCoder() {
	text := "Coder: " + u.coderName()
	if u.blind() {
		text += " · blind"
	}
	u.coderButton.SetText(text)
}

// Close lets go of what the window holds besides its widgets: the page
// view's PDF engine instance and drawn pages. Call it once the window is
// closed, before closing the library.
func (u *UI) Close() {
	u.reader.stopRendering()
}

// Library is the library the window shows.
func (u *UI) Library() *index.Library { return u.lib }

// SwitchLibrary shows another library; the caller closes the old one.
// Nothing of the old library stays on show: its document, query, results,
// theme filter and banners go; an empty library shows the Library tab.
func (u *UI) SwitchLibrary(lib *index.Library) {
	u.stopOCR()
	u.lib = lib
	u.reader.close()
	u.search.reset()
	u.sidebar.clearSelection()
	u.clearBanner()
	if u.currentView() == ViewReader {
		u.ShowView(ViewLibrary)
	}
	u.setTitle()
	u.setStatus("Library: %s", lib.Dir())
	u.reloadAll()
	u.showLibraryIfEmpty()
}

// reloadAll reloads every list from the library (after an import, an undo,
// a library switch).
func (u *UI) reloadAll() {
	u.docs.reload()
	u.sidebar.reload()
	u.search.rerun()
	u.reader.reload()
	u.annotations.refresh()
	u.codebook.reload()
	if u.currentView() == ViewReports {
		u.reports.refresh()
	}
}

// ShowView brings one view to the front (see the View constants).
func (u *UI) ShowView(id string) {
	if t := u.tabByID[id]; t != nil {
		u.tabs.Select(t)
	}
}

func (u *UI) currentView() string {
	sel := u.tabs.Selected()
	for id, t := range u.tabByID {
		if t == sel {
			return id
		}
	}
	return ""
}

// background runs fn off the UI goroutine.
func (u *UI) background(fn func()) {
	u.jobs.Add(1)
	go func() {
		defer u.jobs.Done()
		fn()
	}()
}

// debounce runs fn on the UI goroutine after d, unless debounce is called
// again with the same timer first (typing restarts the wait).
func (u *UI) debounce(t **time.Timer, d time.Duration, fn func()) {
	if *t != nil && (*t).Stop() {
		u.jobs.Done()
	}
	u.jobs.Add(1)
	*t = time.AfterFunc(d, func() {
		defer u.jobs.Done()
		if u.deferUpdates {
			u.enqueue(fn)
			return
		}
		fyne.DoAndWait(func() { u.locked(fn) })
	})
}

// do hands fn to the UI goroutine (fyne.Do). Updates are also serialised
// by a lock: the headless test driver runs fyne.Do on the caller's
// goroutine, and background jobs must not update widgets at once there.
// With deferUpdates (headless tests) fn waits in a queue until Wait runs
// it on the test's goroutine, between the test's own taps and typing, as
// the window's event loop runs fyne.Do calls between events: the test
// driver would run it at once on the worker's goroutine, at the same time
// as the test's taps.
func (u *UI) do(fn func()) {
	if u.deferUpdates {
		u.enqueue(fn)
		return
	}
	fyne.Do(func() { u.locked(fn) })
}

func (u *UI) enqueue(fn func()) {
	u.queueMu.Lock()
	u.queued = append(u.queued, fn)
	u.queueMu.Unlock()
}

// runQueued runs the updates queued so far (deferUpdates) and reports
// whether there were any.
func (u *UI) runQueued() bool {
	u.queueMu.Lock()
	fns := u.queued
	u.queued = nil
	u.queueMu.Unlock()
	for _, fn := range fns {
		u.locked(fn)
	}
	return len(fns) > 0
}

func (u *UI) locked(fn func()) {
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	fn()
}

// Wait blocks until background work started so far has finished and, with
// deferUpdates, has run the UI updates it queued, and the work those
// started in turn (tests).
func (u *UI) Wait() {
	for {
		u.jobs.Wait()
		if !u.runQueued() {
			return
		}
	}
}

// setStatus shows a one-line message at the bottom of the window.
func (u *UI) setStatus(format string, args ...any) {
	u.status.SetText(fmt.Sprintf(format, args...))
}

// showError reports err in a dialog (call on the UI goroutine).
func (u *UI) showError(what string, err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	dialog.ShowError(fmt.Errorf("%s: %w", what, err), u.win)
}

func (u *UI) mainMenu() *fyne.MainMenu {
	item := func(label string, action func(), sc fyne.Shortcut) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, action)
		it.Shortcut = sc
		return it
	}
	ctrl := fyne.KeyModifierShortcutDefault
	file := fyne.NewMenu("File",
		item("Import…", u.ShowImport, &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: ctrl}),
		item("Export…", u.ShowExport, &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: ctrl}),
		u.highlightsMenuItem(),
		fyne.NewMenuItem("Merge a coder's library…", u.ShowMergeLibrary),
		fyne.NewMenuItem("Merge a coder's project (.qdpx)…", u.ShowMergeProject),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Open the demo library", u.OpenDemo),
		fyne.NewMenuItem("Preferences…", u.ShowPreferences),
		fyne.NewMenuItemSeparator(),
		quitItem(u.Quit),
	)
	edit := fyne.NewMenu("Edit",
		item("Undo", u.Undo, &fyne.ShortcutUndo{}),
		item("Redo", u.Redo, &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: ctrl | fyne.KeyModifierShift}),
		fyne.NewMenuItemSeparator(),
		item("Search the library", u.FocusSearch, &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl}),
		item("Find in document", u.reader.focusFind, &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl | fyne.KeyModifierShift}),
	)
	blind := fyne.NewMenuItem("Show only my annotations (blind coding)", func() { u.setBlind(!u.blind()) })
	blind.Checked = u.blind()
	view := fyne.NewMenu("View",
		fyne.NewMenuItem("Library", func() { u.ShowView(ViewLibrary) }),
		fyne.NewMenuItem("Search results", func() { u.ShowView(ViewSearch) }),
		fyne.NewMenuItem("Reader", func() { u.ShowView(ViewReader) }),
		fyne.NewMenuItem("Reader: text view", func() { u.ShowView(ViewReader); u.reader.setPageMode(false) }),
		fyne.NewMenuItem("Reader: page view", func() { u.ShowView(ViewReader); u.reader.setPageMode(true) }),
		fyne.NewMenuItem("Annotations", func() { u.ShowView(ViewAnnotations) }),
		fyne.NewMenuItem("Codebook", func() { u.ShowView(ViewCodebook) }),
		fyne.NewMenuItem("Reports", func() { u.ShowView(ViewReports) }),
		fyne.NewMenuItemSeparator(),
		blind,
		fyne.NewMenuItem("Code as…", u.ShowCoderSwitch),
	)
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard shortcuts", u.showShortcuts))
	return fyne.NewMainMenu(file, edit, view, help)
}

// addShortcuts registers the window's shortcuts for when no menu bar is
// shown (and for the reader's keys).
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	ctrl := fyne.KeyModifierShortcutDefault
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl}, func(fyne.Shortcut) { u.FocusSearch() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowImport() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowExport() })
	c.AddShortcut(quitShortcut, func(fyne.Shortcut) { u.Quit() })
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { u.Undo() })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { u.Redo() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: ctrl | fyne.KeyModifierShift}, func(fyne.Shortcut) { u.Redo() })
	// the page view's zoom: Ctrl+plus (with or without Shift, or the
	// keypad's), Ctrl+minus, Ctrl+0 fits the width again
	zoom := func(f func()) func(fyne.Shortcut) {
		return func(fyne.Shortcut) {
			if u.currentView() == ViewReader {
				f()
			}
		}
	}
	for _, k := range []fyne.KeyName{fyne.KeyEqual, fyne.KeyPlus} {
		for _, m := range []fyne.KeyModifier{ctrl, ctrl | fyne.KeyModifierShift} {
			c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: m}, zoom(func() { u.reader.zoomBy(zoomStep) }))
		}
	}
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: ctrl}, zoom(func() { u.reader.zoomBy(1 / zoomStep) }))
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: ctrl}, zoom(u.reader.zoomFit))
	c.SetOnTypedKey(u.typedKey)
	c.SetOnTypedRune(u.typedRune)
}

// quitShortcut is Ctrl+Q (Cmd+Q on macOS).
var quitShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}

// quitItem is the File menu's Quit, with its key shown.
func quitItem(quit func()) *fyne.MenuItem {
	it := fyne.NewMenuItem("Quit", quit)
	it.IsQuit = true
	it.Shortcut = quitShortcut
	return it
}

// Quit closes the app's windows, as Fyne's own Quit menu item does: each
// window's close handler runs (Run saves the window's size there) and the
// app's run loop ends, after which Run closes the library.
func (u *UI) Quit() {
	// a copy: closing a window takes it out of the driver's list
	for _, w := range append([]fyne.Window(nil), u.app.Driver().AllWindows()...) {
		w.Close()
	}
}

// typedKey handles keys no focused widget took: the reader's page keys.
func (u *UI) typedKey(ev *fyne.KeyEvent) {
	if u.currentView() == ViewReader {
		u.reader.typedKey(ev)
	}
}

// typedRune handles characters no focused widget took: 1–9 tag the
// reader's selection.
func (u *UI) typedRune(r rune) {
	if u.currentView() == ViewReader {
		u.reader.typedRune(r)
	}
}

// FocusSearch puts the cursor in the search bar.
func (u *UI) FocusSearch() {
	u.win.Canvas().Focus(u.searchEntry)
}

// shortcuts are the keys the shortcuts dialog lists: key, action; a row
// with no key is a heading.
var shortcuts = [][2]string{
	{"Ctrl+F", "search the library"},
	{"Ctrl+Shift+F", "find in the open document"},
	{"Ctrl+I", "import files or folders (or drop them on the window)"},
	{"Ctrl+E", "export excerpts"},
	{"Ctrl+Z / Ctrl+Shift+Z", "undo / redo tagging, notes and codebook edits"},
	{"Ctrl+Q", "quit"},
	{"", "In the reader"},
	{"← / →, PgUp / PgDn", "previous / next page"},
	{"click", "select a sentence; Shift+click extends the selection"},
	{"double-click", "select a paragraph"},
	{"drag", "select words exactly"},
	{"1–9", "tag the selection with the numbered theme"},
	{"Enter", "tag the selection with a note"},
	{"Esc", "clear the selection"},
	{"", "In the reader's page view"},
	{"drag, double-, triple-click", "select words, a word, a paragraph"},
	{"Shift+drag", "draw an area (a figure, a table) to code"},
	{"Ctrl+plus / Ctrl+minus", "zoom in / out"},
	{"Ctrl+0", "fit the page to the width"},
}

// showShortcuts lists the keyboard shortcuts in two columns, key and
// action.
func (u *UI) showShortcuts() {
	grid := container.New(layout.NewFormLayout())
	for _, s := range shortcuts {
		if s[0] == "" {
			grid.Add(widget.NewLabel(""))
			grid.Add(widget.NewLabelWithStyle(s[1], fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			continue
		}
		grid.Add(widget.NewLabelWithStyle(s[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(s[1]))
	}
	dialog.ShowCustom("Keyboard shortcuts", "Close", grid, u.win)
}

// StartView opens a view described as "library", "search:QUERY",
// "reader:DOC[:PAGE[:QUERY]]" (the text view), "page:DOC[:PAGE[:QUERY]]"
// (the page view), "annotations", "codebook", "reports",
// "reports:cooccurrence" or "reports:agreement", "import:PATH" (starts importing PATH),
// "details:DOC" (the metadata editor) or "remove:DOC" (the removal's
// confirmation) (RAPPORT_VIEW, for screenshots and demos).
func (u *UI) StartView(spec string) {
	parts := strings.SplitN(spec, ":", 4)
	switch parts[0] {
	case ViewSearch:
		if len(parts) > 1 {
			u.searchEntry.SetText(strings.Join(parts[1:], ":"))
			u.search.runNow()
		}
		u.ShowView(ViewSearch)
	case ViewReader, "page":
		if parts[0] == "page" {
			u.reader.setPageMode(true)
		} else if len(parts) > 1 {
			u.reader.setPageMode(false)
		}
		if len(parts) < 2 {
			u.ShowView(ViewReader)
			return
		}
		doc, _ := strconv.ParseInt(parts[1], 10, 64)
		page := 1
		if len(parts) > 2 {
			page, _ = strconv.Atoi(parts[2])
		}
		query := ""
		if len(parts) > 3 {
			query = parts[3]
		}
		u.OpenDocument(doc, page, query)
	case "details", "remove":
		doc, _ := strconv.ParseInt(parts[min(1, len(parts)-1)], 10, 64)
		u.ShowView(ViewLibrary)
		if parts[0] == "details" {
			u.ShowMetadataEditor(doc)
		} else {
			u.ConfirmRemove([]int64{doc})
		}
	case "import":
		if len(parts) > 1 {
			u.StartImport([]string{strings.Join(parts[1:], ":")})
		}
	case ViewReports:
		u.ShowView(ViewReports)
		if len(parts) > 1 && parts[1] == "cooccurrence" {
			u.reports.tabs.SelectIndex(1)
		}
		if len(parts) > 1 && parts[1] == "agreement" {
			u.reports.tabs.SelectIndex(2)
		}
	default:
		u.ShowView(parts[0])
	}
}
