package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// The metadata editor: every field an APA reference needs, checked as
// the user types (index.ParseMetadataField, the same checks as `rapport
// set`), saved as one undoable step through Library.SetMetadata.

// editorField is one row of the metadata editor.
type editorField struct {
	field, label, hint string
	lines              int // > 1: a multi-line entry
}

var editorFields = []editorField{
	{"title", "Title", "", 2},
	{"authors", "Authors", "one a line: Family, Given — or {Organisation}", 3},
	{"year", "Year", "", 1},
	{"date", "Date", "2016, 2016-10 or 2016-10-01", 1},
	{"journal", "Journal or book", "the journal; for a chapter, the book's title", 1},
	{"volume", "Volume", "", 1},
	{"issue", "Issue", "", 1},
	{"pages", "Pages", "275–293, or e0209", 1},
	{"number", "Article or report no.", "", 1},
	{"edition", "Edition", "2 for the 2nd edition", 1},
	{"editors", "Editors", "of the book a chapter is in; one a line", 2},
	{"publisher", "Publisher", "or the institution of a report or thesis", 1},
	{"doi", "DOI", "10.1080/… or a doi.org link", 1},
	{"url", "URL", "when there is no DOI", 1},
	{"language", "Language", "", 1},
	{"first_printed_page", "First printed page", "the number printed on the file's first page; citations count from it", 1},
	{"alt_titles", "Other titles", "one a line (translations); search finds them", 2},
	{"abstract", "Abstract", "", 4},
}

// itemTypeLabels name the item types in the editor's choice.
var itemTypeLabels = map[string]string{
	"article-journal": "Journal article", "book": "Book", "chapter": "Book chapter", "report": "Report",
	"thesis": "Thesis", "paper-conference": "Conference paper", "article-magazine": "Magazine article",
	"article-newspaper": "Newspaper article", "webpage": "Web page", "dataset": "Dataset",
	"manuscript": "Manuscript", "document": "Other document",
}

// metadataEditor is an open metadata editor.
type metadataEditor struct {
	u       *UI
	doc     index.Document
	kind    *widget.Select
	entries map[string]*widget.Entry
	problem *widget.Label
	save    *widget.Button
	dlg     dialog.Dialog
}

// ShowMetadataEditor opens the metadata editor of a document (the Library
// list's edit button, the reader's "Details…").
func (u *UI) ShowMetadataEditor(docID int64) {
	lib := u.lib
	u.background(func() {
		d, err := lib.Document(u.ctx, docID)
		u.do(func() {
			if err != nil {
				u.showError("edit details", err)
				return
			}
			u.openMetadataEditor(d)
		})
	})
}

// openMetadataEditor shows the editor for d (on the UI goroutine).
func (u *UI) openMetadataEditor(d index.Document) *metadataEditor {
	e := &metadataEditor{u: u, doc: d, entries: map[string]*widget.Entry{}}
	var typeLabels []string
	for _, t := range importer.ItemTypes {
		typeLabels = append(typeLabels, itemTypeLabels[t])
	}
	e.kind = widget.NewSelect(typeLabels, nil)
	if l, ok := itemTypeLabels[d.Type]; ok {
		e.kind.SetSelected(l)
	} else if d.Type != "" {
		e.kind.PlaceHolder = d.Type
	}
	form := widget.NewForm(widget.NewFormItem("Type", e.kind))
	for _, f := range editorFields {
		var en *widget.Entry
		if f.lines > 1 {
			en = widget.NewMultiLineEntry()
			en.Wrapping = fyne.TextWrapWord
			en.SetMinRowsVisible(f.lines)
		} else {
			en = widget.NewEntry()
		}
		en.SetText(index.MetadataFieldText(d, f.field))
		field := f.field
		en.Validator = func(s string) error { return fieldProblem(field, s) }
		e.entries[f.field] = en
		item := widget.NewFormItem(f.label, en)
		item.HintText = f.hint
		if col, _ := index.MetadataFieldColumn(f.field); contains(d.UserFields, col) {
			item.HintText = strings.TrimPrefix(item.HintText+" · set by hand", " · ")
		}
		if err := fieldProblem(f.field, en.Text); err != nil {
			item.HintText = err.Error() // a stored value that is suspect says why
		}
		form.AppendItem(item)
	}
	e.problem = widget.NewLabel("")
	e.problem.Wrapping = fyne.TextWrapWord
	e.problem.Importance = widget.DangerImportance
	e.problem.Hide()

	heading := widget.NewLabel(fmt.Sprintf("Document %d · %s", d.ID, d.FileName))
	heading.Truncation = fyne.TextTruncateEllipsis
	scroll := container.NewVScroll(form)
	cancel := widget.NewButton("Cancel", func() { e.dlg.Hide() })
	e.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), e.submit)
	e.save.Importance = widget.HighImportance
	buttons := container.NewHBox(layout.NewSpacer(), cancel, e.save)
	content := container.NewBorder(heading, container.NewVBox(e.problem, buttons), nil, nil, scroll)
	e.dlg = dialog.NewCustomWithoutButtons("Details of "+shorten(displayTitle(&d), 60), content, u.win)
	e.dlg.Resize(u.editorSize())
	e.dlg.Show()
	return e
}

// editorSize fits the editor in the window, at most 760 by 900.
func (u *UI) editorSize() fyne.Size {
	s := u.win.Canvas().Size()
	return fyne.NewSize(min(760, s.Width-40), min(900, s.Height-40))
}

// fieldProblem is an entry's validation message, without the library's
// error wrapping.
func fieldProblem(field, value string) error {
	_, _, err := index.ParseMetadataField(field, value)
	if err == nil {
		return nil
	}
	return errors.New(strings.TrimSuffix(err.Error(), ": "+index.ErrInvalidInput.Error()))
}

// changes lists the fields whose text differs from the document's.
func (e *metadataEditor) changes() []index.FieldValue {
	var out []index.FieldValue
	for t, l := range itemTypeLabels {
		if l == e.kind.Selected && t != e.doc.Type {
			out = append(out, index.FieldValue{Field: "type", Value: t})
		}
	}
	for _, f := range editorFields {
		text := e.entries[f.field].Text
		if strings.TrimSpace(text) != strings.TrimSpace(index.MetadataFieldText(e.doc, f.field)) {
			out = append(out, index.FieldValue{Field: f.field, Value: text})
		}
	}
	return out
}

// submit saves the changed fields as one step; a bad value keeps the
// editor open with the message.
func (e *metadataEditor) submit() {
	values := e.changes()
	if len(values) == 0 {
		e.dlg.Hide()
		return
	}
	var problems []string
	for _, v := range values {
		if err := fieldProblem(v.Field, v.Value); err != nil {
			problems = append(problems, labelOf(v.Field)+": "+err.Error())
		}
	}
	if len(problems) > 0 {
		e.showProblem(strings.Join(problems, "\n"))
		return
	}
	e.save.Disable()
	lib, id := e.u.lib, e.doc.ID
	e.u.background(func() {
		err := lib.SetMetadata(context.Background(), id, values)
		e.u.do(func() {
			e.save.Enable()
			if err != nil {
				e.showProblem(err.Error())
				return
			}
			e.dlg.Hide()
			e.u.setStatus("Saved the details of %s (Ctrl+Z undoes it).", shorten(displayTitle(&e.doc), 60))
			e.u.afterChange()
			e.u.search.rerun()
		})
	})
}

func (e *metadataEditor) showProblem(msg string) {
	e.problem.SetText(msg)
	e.problem.Show()
}

func labelOf(field string) string {
	if field == "type" {
		return "Type"
	}
	for _, f := range editorFields {
		if f.field == field {
			return f.label
		}
	}
	return field
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
