//go:build cgo

package app

import (
	"context"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/rapport-qda/rapport/assets"
	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/gctune"
)

// Run opens the library in dir and shows the window until it is closed.
// The library folder chosen in the preferences wins over the default one
// (not over --library or RAPPORT_LIBRARY). RAPPORT_VIEW opens a view at
// start (see StartView), for screenshots and demos.
func Run(dir string) error {
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	if pref := a.Preferences().String(prefLibraryDir); pref != "" && !explicitLibrary() {
		dir = pref
	}
	var notices []string
	open := func(d string) (*index.Library, error) {
		return index.Open(context.Background(), d, &index.Options{Notice: func(msg string) {
			fyne.Do(func() { notices = append(notices, msg) })
		}})
	}
	lib, err := open(dir)
	if err != nil {
		return fmt.Errorf("open library: %w", err)
	}
	gctune.ForWindow()
	w := a.NewWindow("Rapport")
	width := a.Preferences().FloatWithFallback(prefWidth, 1200)
	height := a.Preferences().FloatWithFallback(prefHeight, 800)
	w.Resize(fyne.NewSize(float32(width), float32(height)))
	u := New(a, w, lib)
	u.OpenLibrary = open
	lib.Author = u.authorName()
	u.Start()
	if v := os.Getenv("RAPPORT_VIEW"); v != "" {
		u.StartView(v)
	}
	w.SetOnClosed(func() {
		s := w.Canvas().Size()
		a.Preferences().SetFloat(prefWidth, float64(s.Width))
		a.Preferences().SetFloat(prefHeight, float64(s.Height))
	})
	w.ShowAndRun()
	u.Close()
	if u.lib != nil {
		u.lib.Close()
	}
	return nil
}

// explicitLibrary reports whether the command line or the environment named
// the library folder.
func explicitLibrary() bool {
	if os.Getenv("RAPPORT_LIBRARY") != "" {
		return true
	}
	for _, a := range os.Args[1:] {
		if a == "--library" || a == "-library" || strings.HasPrefix(a, "--library=") || strings.HasPrefix(a, "-library=") {
			return true
		}
	}
	return false
}
