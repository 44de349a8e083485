package app

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/export"
	"github.com/rapport-qda/rapport/index"
)

// Highlights in and out of PDFs: the window's action importing the marks
// made in other readers (index.ImportHighlights), and the export dialog's
// coded copy of a PDF (export.WriteCodedPDF).

// ShowImportHighlights asks which documents' highlights to import: the one
// open in the reader, or every PDF of the library.
func (u *UI) ShowImportHighlights() {
	all := "Every PDF in the library"
	choice := widget.NewRadioGroup([]string{all}, nil)
	if u.reader.hasDoc {
		choice.Options = append([]string{"Only " + shorten(displayTitle(&u.reader.doc), 60)}, choice.Options...)
	}
	choice.SetSelected(choice.Options[0])
	hint := widget.NewLabel("Highlights, underlines and strike-outs made in Zotero, Acrobat, Okular, Preview… become annotations coded with a theme per colour under \"Highlights\"; their comments become notes. Sticky notes, text boxes and ink become document notes. Highlights imported before are not imported twice.")
	hint.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Import highlights", "Import", "Cancel", container.NewVBox(hint, choice), func(ok bool) {
		if !ok {
			return
		}
		var ids []int64
		if choice.Selected != all && u.reader.hasDoc {
			ids = []int64{u.reader.doc.ID}
		}
		u.runImportHighlights(ids)
	}, u.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// runImportHighlights imports highlights off the UI goroutine, then shows
// the report.
func (u *UI) runImportHighlights(ids []int64) {
	lib := u.lib
	u.setStatus("Importing highlights…")
	u.background(func() {
		reps, err := lib.ImportHighlights(u.ctx, ids, index.HighlightOptions{})
		u.do(func() {
			u.reloadAll()
			if err != nil {
				u.showError("import highlights", err)
				u.setStatus("Importing highlights failed.")
				return
			}
			u.setStatus("Highlights: %s", highlightsSummary(reps))
			u.showHighlightReport(reps)
		})
	})
}

// highlightsSummary counts what importing highlights did.
func highlightsSummary(reps []index.HighlightReport) string {
	var imported, merged, unchanged, unmatched, failed int
	for _, r := range reps {
		imported += r.Imported
		merged += r.Merged
		unchanged += r.Unchanged
		unmatched += r.NotMatched
		if r.Error != "" {
			failed++
		}
	}
	s := fmt.Sprintf("%d imported, %d merged with your coding, %d imported before, %d not matched", imported, merged, unchanged, unmatched)
	if failed > 0 {
		s += fmt.Sprintf(", %d documents could not be read", failed)
	}
	return s + "."
}

// highlightLines is the report, one line per mark (or failed document).
func highlightLines(reps []index.HighlightReport) []string {
	var lines []string
	for _, r := range reps {
		title := shorten(strings.Join(strings.Fields(r.Title), " "), 50)
		if r.Error != "" {
			lines = append(lines, fmt.Sprintf("%s — could not be read: %s", title, r.Error))
			continue
		}
		for _, it := range r.Items {
			what := it.Quote
			if what == "" {
				what = it.Comment
			}
			status := map[string]string{index.HighlightUnchanged: "imported before", index.HighlightNotMatched: "not matched"}[it.Status]
			if status == "" {
				status = it.Status
			}
			line := fmt.Sprintf("%s, p. %d — %s %s", title, it.Page, it.Kind, status)
			if what != "" {
				line += fmt.Sprintf(": “%s”", shorten(strings.Join(strings.Fields(what), " "), 60))
			}
			if len(it.Themes) > 0 {
				line += " → " + strings.Join(it.Themes, ", ")
			}
			if it.Reason != "" {
				line += " (" + it.Reason + ")"
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// showHighlightReport lists every mark imported, merged or not matched.
func (u *UI) showHighlightReport(reps []index.HighlightReport) {
	lines := highlightLines(reps)
	if len(lines) == 0 {
		lines = []string{"The PDFs hold no highlights or notes."}
	}
	// One label in a scroll: rows of a list would not grow with lines
	// that wrap.
	body := widget.NewLabel("• " + strings.Join(lines, "\n• "))
	body.Wrapping = fyne.TextWrapWord
	head := widget.NewLabelWithStyle(highlightsSummary(reps), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Imported highlights", "Close", container.NewBorder(head, nil, nil, nil, container.NewVScroll(body)), u.win)
	d.Resize(fyne.NewSize(min(760, u.win.Canvas().Size().Width-40), min(480, u.win.Canvas().Size().Height-40)))
	d.Show()
}

// errNoDocument: a coded PDF needs a document.
var errNoDocument = errors.New("a coded PDF is a copy of one document: open it in the reader (or choose it), then export")

// runExportPDF writes a coded copy of the chosen document (or the one
// open in the reader) off the UI goroutine.
func (u *UI) runExportPDF(req exportRequest, path string) {
	ids := req.docIDs
	if len(ids) == 0 && u.reader.hasDoc {
		ids = []int64{u.reader.doc.ID}
	}
	if len(ids) != 1 {
		u.showError("export", errNoDocument)
		return
	}
	if filepath.Ext(path) == "" {
		path += ".pdf"
	}
	lib := u.lib
	u.setStatus("Writing a coded copy to %s…", path)
	u.background(func() {
		var warnings []string
		res, err := export.WriteCodedPDF(u.ctx, lib, ids[0], path, export.PDFOptions{Flatten: req.flatten, Themes: req.themes,
			Warn: func(msg string) { warnings = append(warnings, msg) }})
		u.do(func() {
			if err != nil {
				u.showError("export", err)
				u.setStatus("Export failed.")
				return
			}
			msg := fmt.Sprintf("Wrote %s: %d highlights.", path, res.Highlights)
			u.setStatus("%s", msg)
			if len(warnings) > 0 {
				dialog.ShowInformation("Export", msg+"\n\n"+strings.Join(warnings, "\n"), u.win)
			}
		})
	})
}

// highlightsMenuItem is the File menu's entry.
func (u *UI) highlightsMenuItem() *fyne.MenuItem {
	return fyne.NewMenuItem("Import highlights from PDFs…", u.ShowImportHighlights)
}
