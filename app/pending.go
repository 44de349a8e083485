package app

// Screens that wait for the codebook and annotation API (issue 5) and the
// export package (issue 6); they are filled in as those land.

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

func pageAnnotations(u *UI, lib *index.Library, docID int64, page int) ([]index.Annotation, error) {
	return nil, nil
}

type tagPanel struct {
	content fyne.CanvasObject
	r       *readerPane
}

func newTagPanel(u *UI, r *readerPane) *tagPanel {
	return &tagPanel{content: widget.NewLabel("Select a passage to tag it."), r: r}
}
func (p *tagPanel) selectionChanged()                 {}
func (p *tagPanel) setAnnotations([]index.Annotation) {}
func (p *tagPanel) colourSpans() []colourSpan         { return nil }
func (p *tagPanel) tagWithNote()                      {}
func (p *tagPanel) tagNumbered(int)                   {}

type themeSidebar struct{ content fyne.CanvasObject }

func newThemeSidebar(u *UI) *themeSidebar {
	return &themeSidebar{content: widget.NewLabel("Themes")}
}
func (s *themeSidebar) reload()         {}
func (s *themeSidebar) clearSelection() {}

type annotationPane struct{ content fyne.CanvasObject }

func newAnnotationPane(u *UI) *annotationPane {
	return &annotationPane{content: widget.NewLabel("Annotations")}
}
func (p *annotationPane) refresh() {}

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

// Undo reverts the last tagging, note or codebook change.
func (u *UI) Undo() {}

// Redo re-applies the last undone change.
func (u *UI) Redo() {}

func (u *UI) offerDemoIfEmpty() {}

// OpenDemo opens the demo library.
func (u *UI) OpenDemo() {}
