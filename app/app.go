// Package app is Rapport's desktop window (Fyne). It holds no logic of its
// own: everything it shows and changes goes through the index package's
// Library API, the same one the command line uses.
package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// AppID is Rapport's application id (as in FyneApp.toml).
const AppID = "org.rapport.app"

// Build lays out the main window's content for lib in w.
func Build(a fyne.App, w fyne.Window, lib *index.Library) {
	w.SetTitle("Rapport — " + lib.Name())
	n, _ := lib.DocumentCount(context.Background())
	w.SetContent(container.NewVBox(
		widget.NewLabel("Rapport"),
		widget.NewLabel(fmt.Sprintf("%d documents in %s", n, lib.Dir())),
	))
}
