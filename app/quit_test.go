package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Ctrl+Q closes the window as the menu's Quit does: its close handler
// runs (Run saves the window size there, then closes the library).
func TestCtrlQQuits(t *testing.T) {
	lib, _ := newTestLibrary(t)
	// not newTestUI: its clean-up would close the window a second time
	a := test.NewTempApp(t)
	a.Preferences().SetBool(prefWelcomed, true)
	w := a.NewWindow("")
	w.Resize(fyne.NewSize(1200, 800))
	u := buildHeadless(a, w, lib)
	u.Wait()
	closed := false
	w.SetOnClosed(func() { closed = true })
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
	if !closed {
		t.Error("Ctrl+Q did not close the window")
	}
	for _, o := range u.app.Driver().AllWindows() {
		if o == w {
			t.Error("the window is still open after Ctrl+Q")
		}
	}
	// the File menu's Quit item shows the key
	var quit *fyne.MenuItem
	for _, it := range w.MainMenu().Items[0].Items {
		if it.IsQuit {
			quit = it
		}
	}
	if quit == nil || quit.Shortcut == nil || quit.Shortcut.ShortcutName() != (&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}).ShortcutName() {
		t.Errorf("File menu quit item %+v", quit)
	}
}

// When no PDF viewer opens the file, "Open PDF" says so and
// gives the stored file's path.
func TestOpenPDFSaysWhenNoViewerOpens(t *testing.T) {
	for _, tc := range []struct {
		name, xdgOpen string // xdg-open's script, "" for none on PATH
	}{
		{"no viewer and no xdg-open", ""},
		{"xdg-open finds no program", "#!/bin/sh\necho 'xdg-open: no method available for opening' >&2\nexit 3\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			if tc.xdgOpen != "" {
				if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(tc.xdgOpen), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("PATH", bin)
			lib, _ := newTestLibrary(t)
			u, w := newTestUI(t, lib)
			doc := openFirstArticle(t, u, lib)
			if u.reader.openPDF.Disabled() {
				t.Fatal("Open PDF is disabled on a PDF")
			}
			u.reader.openOriginal()
			u.Wait()
			path := lib.FilePath(doc)
			var said []string
			for _, o := range visibleObjects(topDialog(t, w)) {
				if l, ok := o.(*widget.Label); ok {
					said = append(said, l.Text)
				}
			}
			all := strings.Join(said, "\n")
			if !strings.Contains(all, path) || !strings.Contains(all, "No PDF viewer") {
				t.Errorf("the dialog says %q; want no viewer and the path %s", all, path)
			}
		})
	}
}
