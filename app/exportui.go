package app

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/export"
)

// exportFormats are the export dialog's choices, with file extensions.
var exportFormats = []struct {
	format      export.Format
	label, ext  string
	description string
}{
	{export.Markdown, "Markdown — excerpts by theme, with APA citations", ".md", "Block quotes grouped by theme, each with its citation and page: ready for a thesis draft."},
	{export.CSV, "CSV — one row per excerpt and theme", ".csv", "For LibreOffice Calc or Excel (tick the BOM for Excel)."},
	{export.HTML, "HTML — one printable page", ".html", "Excerpts highlighted in their theme colours, with references."},
	{export.JSON, "JSON — for scripts", ".json", "A stable schema of documents, themes and excerpts."},
	{export.CSLJSON, "CSL-JSON — the cited documents", ".json", "For reference managers (Zotero, Mendeley)."},
	{export.QDPX, "REFI-QDA project (.qdpx)", ".qdpx", "Continue in NVivo, ATLAS.ti, MAXQDA or QualCoder: sources, codebook and codings."},
	{export.QDC, "REFI-QDA codebook (.qdc)", ".qdc", "The codebook alone."},
	{export.PDF, "Coded PDF — the document with its coding as highlights", ".pdf", "A copy of the open document's PDF: every annotation a highlight in its theme's colour, its themes and note as the comment. The original stays as it is."},
}

// exportRequest is what the export dialog asks for.
type exportRequest struct {
	format  export.Format
	themes  []string
	docIDs  []int64
	bom     bool
	flatten bool
}

// ShowExport opens the export dialog: format, theme and document filters,
// then a file to write.
func (u *UI) ShowExport() {
	var labels []string
	for _, f := range exportFormats {
		labels = append(labels, f.label)
	}
	about := widget.NewLabel("")
	about.Wrapping = fyne.TextWrapWord
	bom := widget.NewCheck("Start the CSV with a byte-order mark (Excel)", nil)
	bom.Hide()
	flatten := widget.NewCheck("Draw the highlights into the pages (for printing)", nil)
	flatten.Hide()
	format := widget.NewSelect(labels, func(s string) {
		for _, f := range exportFormats {
			if f.label == s {
				about.SetText(f.description)
				if f.format == export.CSV {
					bom.Show()
				} else {
					bom.Hide()
				}
				if f.format == export.PDF {
					flatten.Show()
				} else {
					flatten.Hide()
				}
			}
		}
	})
	format.SetSelected(labels[0])

	var themeNames []string
	for _, t := range u.sidebar.themes {
		themeNames = append(themeNames, strings.Repeat("  ", t.Depth)+t.Name)
	}
	themes := widget.NewCheckGroup(themeNames, nil)
	if cur := u.sidebar.current; cur != "" {
		for _, n := range themeNames {
			if strings.TrimSpace(n) == cur {
				themes.SetSelected([]string{n})
			}
		}
	}
	docChoice := widget.NewRadioGroup([]string{"All documents"}, nil)
	if u.reader.hasDoc {
		docChoice.Options = append(docChoice.Options, "Only "+shorten(displayTitle(&u.reader.doc), 60))
	}
	docChoice.SetSelected("All documents")

	themeBox := container.NewVScroll(themes)
	themeBox.SetMinSize(fyne.NewSize(420, 220))
	content := container.NewVBox(
		widget.NewLabelWithStyle("Format", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), format, about, bom, flatten,
		widget.NewLabelWithStyle("Themes (none ticked: all; a theme brings its sub-themes)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), themeBox,
		widget.NewLabelWithStyle("Documents", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), docChoice,
	)
	d := dialog.NewCustomConfirm("Export", "Export…", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		req := exportRequest{bom: bom.Checked, flatten: flatten.Checked}
		ext := ".md"
		for _, f := range exportFormats {
			if f.label == format.Selected {
				req.format, ext = f.format, f.ext
			}
		}
		for _, n := range themes.Selected {
			req.themes = append(req.themes, strings.TrimSpace(n))
		}
		if docChoice.Selected != "All documents" && u.reader.hasDoc {
			req.docIDs = []int64{u.reader.doc.ID}
		}
		name := "rapport-export" + ext
		if req.format == export.PDF && u.reader.hasDoc {
			name = strings.TrimSuffix(u.reader.doc.FileName, filepath.Ext(u.reader.doc.FileName)) + "-coded.pdf"
		}
		u.askExportFile(req, name)
	}, u.win)
	d.Resize(fyne.NewSize(560, 620))
	d.Show()
}

func (u *UI) askExportFile(req exportRequest, name string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.runExport(req, path)
	}, u.win)
	d.SetFileName(name)
	d.Resize(u.dialogSize())
	d.Show()
}

// runExport writes the export off the UI goroutine and reports what it did.
func (u *UI) runExport(req exportRequest, path string) {
	if req.format == export.PDF {
		u.runExportPDF(req, path)
		return
	}
	lib := u.lib
	u.setStatus("Exporting to %s…", path)
	u.background(func() {
		var warnings []string
		data, err := export.Collect(u.ctx, lib, export.Filter{Themes: req.themes, DocIDs: req.docIDs, FullText: req.format == export.QDPX, AreaImages: req.format.ShowsAreas()})
		if err == nil {
			err = export.WriteFile(path, req.format, data, export.Options{BOM: req.bom, Warn: func(msg string) {
				warnings = append(warnings, msg)
			}})
		}
		u.do(func() {
			if err != nil {
				u.showError("export", err)
				u.setStatus("Export failed.")
				return
			}
			msg := fmt.Sprintf("Exported to %s.", path)
			u.setStatus("%s", msg)
			if len(warnings) > 0 {
				dialog.ShowInformation("Export", msg+"\n\n"+strings.Join(warnings, "\n"), u.win)
			}
		})
	})
}
