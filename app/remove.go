package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// Removing documents from the window: the confirmation says what goes with
// them (annotations, notes), the removal is one undoable step
// (Library.RemoveDocuments).

// removalConfirm is an open confirmation.
type removalConfirm struct {
	message *widget.Label
	dlg     dialog.Dialog
	confirm func() // what the Remove button does
}

// ConfirmRemove asks before removing documents, saying what goes with them.
func (u *UI) ConfirmRemove(ids []int64) {
	lib := u.lib
	u.background(func() {
		rep, err := lib.PreviewRemoval(u.ctx, ids)
		u.do(func() {
			if err != nil {
				u.showError("remove", err)
				return
			}
			u.confirmRemoval(rep)
		})
	})
}

// removalMessage says what a removal takes with it.
func removalMessage(rep *index.RemoveReport) string {
	var what string
	if len(rep.Removed) == 1 {
		r := rep.Removed[0]
		title := r.Title
		if title == "" {
			title = r.File
		}
		what = fmt.Sprintf("Remove “%s” from the library?", shorten(strings.Join(strings.Fields(title), " "), 90))
	} else {
		what = fmt.Sprintf("Remove these %d documents from the library?", len(rep.Removed))
	}
	var goes []string
	if rep.Annotations > 0 {
		goes = append(goes, countNoun(rep.Annotations, "annotation"))
	}
	if rep.Notes > 0 {
		goes = append(goes, countNoun(rep.Notes, "note"))
	}
	with := "It has no annotations or notes."
	if len(rep.Removed) > 1 {
		with = "They have no annotations or notes."
	}
	if len(goes) > 0 {
		with = "Its " + strings.Join(goes, " and ") + " will be removed with it."
		if len(rep.Removed) > 1 {
			with = "Their " + strings.Join(goes, " and ") + " will be removed with them."
		}
	}
	return what + "\n\n" + with + "\nEdit › Undo (Ctrl+Z) brings everything back, the stored file included."
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// confirmRemoval shows the confirmation for rep (on the UI goroutine).
func (u *UI) confirmRemoval(rep *index.RemoveReport) *removalConfirm {
	c := &removalConfirm{message: widget.NewLabel(removalMessage(rep))}
	c.message.Wrapping = fyne.TextWrapWord
	var ids []int64
	for _, r := range rep.Removed {
		ids = append(ids, r.ID)
	}
	c.confirm = func() { u.removeDocuments(ids) }
	title := "Remove document"
	if len(ids) > 1 {
		title = "Remove documents"
	}
	d := dialog.NewCustomConfirm(title, "Remove", "Cancel", container.NewPadded(c.message), func(ok bool) {
		if ok {
			c.confirm()
		}
	}, u.win)
	d.Resize(fyne.NewSize(min(520, u.win.Canvas().Size().Width-40), 0))
	c.dlg = d
	d.Show()
	return c
}

// removeDocuments removes off the UI goroutine, then reloads every view.
func (u *UI) removeDocuments(ids []int64) {
	lib := u.lib
	u.background(func() {
		rep, err := lib.RemoveDocuments(context.Background(), ids)
		u.do(func() {
			if err != nil {
				u.showError("remove", err)
				return
			}
			for _, r := range rep.Removed {
				if u.reader.hasDoc && u.reader.doc.ID == r.ID {
					u.reader.close()
				}
			}
			n := countNoun(len(rep.Removed), "document")
			u.setStatus("Removed %s with %s and %s (Ctrl+Z brings them back).", n, countNoun(rep.Annotations, "annotation"), countNoun(rep.Notes, "note"))
			u.reloadAll()
		})
	})
}
