package app

// Screens that wait for the codebook and annotation API (issue 5) and the
// export package (issue 6); they are filled in as those land.

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

type codebookPane struct{ content fyne.CanvasObject }

func newCodebookPane(u *UI) *codebookPane {
	return &codebookPane{content: widget.NewLabel("Codebook")}
}
func (p *codebookPane) reload() {}

type reportsPane struct{ content fyne.CanvasObject }

func newReportsPane(u *UI) *reportsPane {
	return &reportsPane{content: widget.NewLabel("Reports")}
}
func (p *reportsPane) refresh() {}

// ShowExport opens the export dialog.
func (u *UI) ShowExport() {}

func (u *UI) offerDemoIfEmpty() {}

// OpenDemo opens the demo library.
func (u *UI) OpenDemo() {}
