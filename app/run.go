//go:build cgo

package app

import (
	"context"
	"fmt"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/rapport-qda/rapport/index"
)

// Run opens the library in dir and shows the window until it is closed.
func Run(dir string) error {
	lib, err := index.Open(context.Background(), dir, nil)
	if err != nil {
		return fmt.Errorf("open library: %w", err)
	}
	defer lib.Close()
	a := fyneapp.NewWithID(AppID)
	w := a.NewWindow("Rapport")
	Build(a, w, lib)
	w.ShowAndRun()
	return nil
}
