package app

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/index"
)

// Merging another coder's work from the window: File › Merge a coder's
// library… (a library folder, index.Library.MergeLibrary) and Merge a
// coder's project… (a .qdpx, index.Library.MergeFrom); the report says
// what was matched, added and could not be placed.

// ShowMergeLibrary asks for another coder's library folder and merges it.
func (u *UI) ShowMergeLibrary() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		u.runMerge(l.Path(), false)
	}, u.win)
	d.Resize(u.dialogSize())
	d.Show()
}

// ShowMergeProject asks for another coder's REFI-QDA project and merges it.
func (u *UI) ShowMergeProject() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		u.runMerge(path, true)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".qdpx", ".qde"}))
	d.Resize(u.dialogSize())
	d.Show()
}

// runMerge merges off the UI goroutine, then shows the report.
func (u *UI) runMerge(path string, project bool) {
	lib := u.lib
	u.setStatus("Merging %s…", filepath.Base(path))
	u.background(func() {
		var rep *index.MergeReport
		var err error
		if project {
			var p *export.Project
			if p, err = export.ReadProjectFile(path); err == nil {
				rep, err = lib.MergeFrom(u.ctx, export.MergeSourceOf(p, path), index.MergeOptions{})
			}
		} else {
			rep, err = lib.MergeLibrary(u.ctx, path, index.MergeOptions{})
		}
		u.do(func() {
			if err != nil {
				u.setStatus("Merging %s failed.", filepath.Base(path))
				u.showError("merge "+filepath.Base(path), err)
				return
			}
			u.afterChange()
			u.setStatus("%s", rep.Summary())
			u.showMergeReport(rep)
		})
	})
}

// showMergeReport lists what a merge did.
func (u *UI) showMergeReport(rep *index.MergeReport) {
	var lines []string
	for _, d := range rep.Documents {
		if d.DocID == 0 {
			lines = append(lines, fmt.Sprintf("• %s — not in this library: %d annotations not placed", d.Title, d.NotPlaced))
			continue
		}
		lines = append(lines, fmt.Sprintf("• %s — matched by %s: %d annotations added, %d here already, %d not placed; %d notes added",
			d.Title, d.MatchedBy, d.Annotations, d.Present, d.NotPlaced, d.Notes))
	}
	for _, np := range rep.NotPlaced {
		lines = append(lines, fmt.Sprintf("• not placed: %s's %s on p. %d “%s” — %s", np.Coder, np.Kind, np.Page, np.Quote, np.Reason))
	}
	if len(rep.ThemesAdded) > 0 {
		lines = append(lines, "Themes added: "+strings.Join(rep.ThemesAdded, "; "))
	}
	if len(rep.CodersAdded) > 0 {
		lines = append(lines, "Coders added: "+strings.Join(rep.CodersAdded, ", "))
	}
	head := widget.NewLabel(rep.Summary() + ".")
	head.Wrapping = fyne.TextWrapWord
	undo := "Edit › Undo (Ctrl+Z) takes the whole merge away."
	if rep.Step == "" {
		undo = "Nothing new: the library is as it was."
	}
	tail := widget.NewLabel(undo)
	body := widget.NewLabel(strings.Join(lines, "\n"))
	body.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(head, tail, nil, nil, container.NewVScroll(body))
	d := dialog.NewCustom("Merged "+filepath.Base(rep.Source), "Close", content, u.win)
	d.Resize(fyne.NewSize(u.dialogWidth(720), 460))
	d.Show()
}
