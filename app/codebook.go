package app

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

const topLevel = "(top level)"

// codebookPane is the codebook editor: add, rename, recolour, describe,
// nest, merge and delete themes. Every change is undoable.
type codebookPane struct {
	u       *UI
	content fyne.CanvasObject
	list    *widget.List
	themes  []index.Theme
	sel     string // selected theme's name

	name        *widget.Entry
	description *widget.Entry
	memo        *widget.Entry
	parent      *widget.Select
	provisional *widget.Check
	colour      *canvas.Rectangle
	colourHex   string
	source      *widget.Label
	count       *widget.Label
	form        fyne.CanvasObject
	fields      *widget.Form
	save        *widget.Button
	mergeBtn    *widget.Button
	deleteBtn   *widget.Button
	addChild    *widget.Button
}

func newCodebookPane(u *UI) *codebookPane {
	p := &codebookPane{u: u}
	p.list = widget.NewList(
		func() int { return len(p.themes) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewHBox(canvas.NewRectangle(nil), swatch("#808080")), widget.NewLabel(""), name)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.themes) {
				return
			}
			t := p.themes[id]
			c := o.(*fyne.Container)
			name := c.Objects[0].(*widget.Label)
			left := c.Objects[1].(*fyne.Container)
			count := c.Objects[2].(*widget.Label)
			left.Objects[0].(*canvas.Rectangle).SetMinSize(fyne.NewSize(float32(t.Depth)*16, 0))
			sw := left.Objects[1].(*canvas.Rectangle)
			sw.FillColor = parseColour(t.Color, 0xff)
			sw.Refresh()
			label := t.Name
			if t.Provisional {
				label += "  (provisional)"
			}
			name.SetText(label)
			count.SetText(fmt.Sprint(t.Count))
			left.Refresh()
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.themes) {
			p.selectTheme(p.themes[id].Name)
		}
	}

	p.name = widget.NewEntry()
	p.description = widget.NewMultiLineEntry()
	p.description.Wrapping = fyne.TextWrapWord
	p.description.SetMinRowsVisible(4)
	p.memo = widget.NewMultiLineEntry()
	p.memo.Wrapping = fyne.TextWrapWord
	p.memo.SetMinRowsVisible(2)
	p.parent = widget.NewSelect(nil, nil)
	p.provisional = widget.NewCheck("Provisional name", nil)
	provisionalHint := widget.NewLabelWithStyle("Taken from an abstract: rename it when the article's own heading is known.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	provisionalHint.Wrapping = fyne.TextWrapWord
	p.colour = canvas.NewRectangle(color.Gray{Y: 0x80})
	p.colour.SetMinSize(fyne.NewSize(40, 24))
	p.colour.CornerRadius = 4
	pick := widget.NewButton("Change…", p.pickColour)
	p.source = widget.NewLabel("")
	p.source.Wrapping = fyne.TextWrapWord
	p.count = widget.NewLabel("")
	p.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), p.saveTheme)
	p.save.Importance = widget.HighImportance
	p.mergeBtn = widget.NewButtonWithIcon("Merge into…", theme.ContentPasteIcon(), p.askMerge)
	p.deleteBtn = widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), p.askDelete)
	p.addChild = widget.NewButtonWithIcon("Add sub-theme", theme.ContentAddIcon(), func() { p.askAdd(p.sel) })
	add := widget.NewButtonWithIcon("Add theme", theme.ContentAddIcon(), func() { p.askAdd("") })

	p.fields = widget.NewForm(
		widget.NewFormItem("Name", p.name),
		widget.NewFormItem("Description", p.description),
		widget.NewFormItem("Colour", container.NewHBox(p.colour, pick)),
		widget.NewFormItem("Parent", p.parent),
		widget.NewFormItem("", container.NewVBox(p.provisional, provisionalHint)),
		widget.NewFormItem("Memo", p.memo),
		widget.NewFormItem("Source", p.source),
		widget.NewFormItem("Coded passages", p.count),
	)
	// the buttons two by two (in a row they set the form's least width,
	// and the split gave the theme list what was left), kept in sight
	// under the fields, which scroll on a small screen
	p.form = container.NewBorder(nil,
		container.NewGridWithColumns(2, p.save, p.addChild, p.mergeBtn, p.deleteBtn),
		nil, nil, container.NewVScroll(p.fields))
	p.setEditing(false)
	left := container.NewBorder(container.NewHBox(add), nil, nil, nil, p.list)
	split := container.NewHSplit(left, p.form)
	split.SetOffset(0.4)
	p.content = split
	return p
}

func (p *codebookPane) setEditing(on bool) {
	for _, w := range []fyne.Disableable{p.name, p.description, p.memo, p.parent, p.provisional, p.save, p.mergeBtn, p.deleteBtn, p.addChild} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if p.fields != nil {
		p.fields.Refresh()
	}
}

// reload fetches the codebook.
func (p *codebookPane) reload() {
	lib := p.u.lib
	p.u.background(func() {
		themes, err := lib.Themes(p.u.ctx)
		p.u.do(func() {
			if err != nil {
				p.u.setStatus("Codebook: %v", err)
				return
			}
			p.themes = themes
			p.list.Refresh()
			if p.sel == "" && len(themes) > 0 {
				p.list.Select(0)
			} else if p.sel != "" {
				// the list highlights the theme the form shows (after
				// an add, a rename or a merge, another one than before)
				p.selectTheme(p.sel)
				if i := p.index(p.sel); i >= 0 {
					p.list.Select(i)
					p.list.ScrollTo(i)
				} else {
					p.list.UnselectAll()
				}
			}
		})
	})
}

func (p *codebookPane) theme(name string) (index.Theme, bool) {
	for _, t := range p.themes {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return index.Theme{}, false
}

// index is the list row of a theme, -1 when it is not in the codebook.
func (p *codebookPane) index(name string) int {
	for i, t := range p.themes {
		if strings.EqualFold(t.Name, name) {
			return i
		}
	}
	return -1
}

// selectTheme shows a theme in the form.
func (p *codebookPane) selectTheme(name string) {
	t, ok := p.theme(name)
	if !ok {
		p.sel = ""
		p.setEditing(false)
		return
	}
	p.sel = t.Name
	p.name.SetText(t.Name)
	p.description.SetText(t.Description)
	p.memo.SetText(t.Memo)
	p.provisional.SetChecked(t.Provisional)
	p.colourHex = t.Color
	p.colour.FillColor = parseColour(t.Color, 0xff)
	p.colour.Refresh()
	opts := []string{topLevel}
	for _, o := range p.themes {
		if o.ID != t.ID && !p.isDescendant(o, t.ID) {
			opts = append(opts, o.Name)
		}
	}
	p.parent.Options = opts
	if t.Parent == "" {
		p.parent.SetSelected(topLevel)
	} else {
		p.parent.SetSelected(t.Parent)
	}
	src := t.Source
	if t.SourceCitation != "" {
		src = t.SourceCitation
	}
	if src == "" {
		src = "—"
	}
	p.source.SetText(src)
	p.count.SetText(fmt.Sprint(t.Count))
	p.setEditing(true)
}

// isDescendant reports whether o sits below the theme with id anc.
func (p *codebookPane) isDescendant(o index.Theme, anc int64) bool {
	byID := map[int64]index.Theme{}
	for _, t := range p.themes {
		byID[t.ID] = t
	}
	for i := 0; o.ParentID != 0 && i < len(p.themes); i++ {
		if o.ParentID == anc {
			return true
		}
		o = byID[o.ParentID]
	}
	return false
}

func (p *codebookPane) pickColour() {
	if p.sel == "" {
		return
	}
	d := dialog.NewColorPicker("Theme colour", "Pick a colour for "+p.sel, func(c color.Color) {
		r, g, b, _ := c.RGBA()
		p.colourHex = fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
		p.colour.FillColor = parseColour(p.colourHex, 0xff)
		p.colour.Refresh()
	}, p.u.win)
	d.Advanced = true
	d.Show()
}

// saveTheme writes the form's changes as one undoable step.
func (p *codebookPane) saveTheme() {
	t, ok := p.theme(p.sel)
	if !ok {
		return
	}
	var up index.ThemeUpdate
	if n := strings.TrimSpace(p.name.Text); n != t.Name {
		up.Name = &n
	}
	if d := p.description.Text; d != t.Description {
		up.Description = &d
	}
	if m := p.memo.Text; m != t.Memo {
		up.Memo = &m
	}
	if c := p.colourHex; !strings.EqualFold(c, t.Color) {
		up.Color = &c
	}
	parent := p.parent.Selected
	if parent == topLevel {
		parent = ""
	}
	if parent != t.Parent {
		up.Parent = &parent
	}
	if pv := p.provisional.Checked; pv != t.Provisional {
		up.Provisional = &pv
	}
	newName := t.Name
	if up.Name != nil {
		newName = *up.Name
	}
	lib := p.u.lib
	old := t.Name
	p.u.change("Saved theme "+newName, func() error {
		_, err := lib.UpdateTheme(p.u.ctx, old, up)
		return err
	}, func() { p.sel = newName })
}

// askAdd asks for a new theme's name (under parent, "" for the top level).
func (p *codebookPane) askAdd(parent string) {
	name := widget.NewEntry()
	desc := widget.NewMultiLineEntry()
	desc.Wrapping = fyne.TextWrapWord
	desc.SetMinRowsVisible(4)
	title := "New theme"
	if parent != "" {
		title = "New sub-theme of " + parent
	}
	d := dialog.NewForm(title, "Add", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Description", desc),
	}, func(ok bool) {
		if ok && strings.TrimSpace(name.Text) != "" {
			p.add(strings.TrimSpace(name.Text), parent, desc.Text)
		}
	}, p.u.win)
	name.OnSubmitted = func(string) { d.Submit() } // Enter adds
	d.Resize(fyne.NewSize(p.u.dialogWidth(560), d.MinSize().Height))
	d.Show()
	p.u.win.Canvas().Focus(name)
}

func (p *codebookPane) add(name, parent, description string) {
	lib := p.u.lib
	p.u.change("Added theme "+name, func() error {
		_, err := lib.AddTheme(p.u.ctx, index.Theme{Name: name, Parent: parent, Description: description})
		return err
	}, func() { p.sel = name })
}

// askMerge asks which theme the selected one merges into.
func (p *codebookPane) askMerge() {
	from := p.sel
	if from == "" {
		return
	}
	var names []string
	for _, t := range p.themes {
		if t.Name != from {
			names = append(names, t.Name)
		}
	}
	into := widget.NewSelect(names, nil)
	msg := widget.NewLabel(fmt.Sprintf("The annotations coded %q move to the theme you choose, and %q leaves the codebook. Undo brings it back.", from, from))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Merge "+from, "Merge", "Cancel", container.NewVBox(msg, into), func(ok bool) {
		if ok && into.Selected != "" {
			p.merge(from, into.Selected)
		}
	}, p.u.win)
	d.Resize(fyne.NewSize(480, 240))
	d.Show()
}

// merge moves from's annotations to into and removes from.
func (p *codebookPane) merge(from, into string) {
	lib := p.u.lib
	p.u.change(fmt.Sprintf("Merged %s into %s", from, into), func() error {
		_, err := lib.MergeThemes(p.u.ctx, from, into)
		return err
	}, func() { p.sel = into })
}

// askDelete deletes the selected theme; one in use asks whether its
// annotations move to another theme or are removed.
func (p *codebookPane) askDelete() {
	t, ok := p.theme(p.sel)
	if !ok {
		return
	}
	if t.Count == 0 {
		dialog.ShowConfirm("Delete "+t.Name, fmt.Sprintf("Delete the theme %q? Undo brings it back.", t.Name), func(ok bool) {
			if ok {
				p.delete(t.Name, index.DeleteThemeOptions{})
			}
		}, p.u.win)
		return
	}
	var names []string
	for _, o := range p.themes {
		if o.Name != t.Name {
			names = append(names, o.Name)
		}
	}
	moveTo := widget.NewSelect(names, nil)
	choice := widget.NewRadioGroup([]string{"Move them to another theme", "Remove them"}, func(s string) {
		if s == "Remove them" {
			moveTo.Disable()
		} else {
			moveTo.Enable()
		}
	})
	choice.SetSelected("Move them to another theme")
	msg := widget.NewLabel(fmt.Sprintf("%q codes %d passage(s). What happens to them?", t.Name, t.Count))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Delete "+t.Name, "Delete", "Cancel", container.NewVBox(msg, choice, moveTo), func(ok bool) {
		if !ok {
			return
		}
		opts := index.DeleteThemeOptions{RemoveAnnotations: choice.Selected == "Remove them"}
		if !opts.RemoveAnnotations {
			if moveTo.Selected == "" {
				dialog.ShowInformation("Delete "+t.Name, "Choose the theme the passages move to.", p.u.win)
				return
			}
			opts.MoveTo = moveTo.Selected
		}
		p.delete(t.Name, opts)
	}, p.u.win)
	d.Resize(fyne.NewSize(480, 300))
	d.Show()
}

func (p *codebookPane) delete(name string, opts index.DeleteThemeOptions) {
	lib := p.u.lib
	p.u.change("Deleted theme "+name, func() error {
		_, err := lib.DeleteTheme(p.u.ctx, name, opts)
		return err
	}, func() {
		p.sel = ""
		p.list.UnselectAll()
		p.setEditing(false)
	})
}
