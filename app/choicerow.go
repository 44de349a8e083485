package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// choiceRow is a flat clickable row of a side panel: an optional leading
// object (a colour swatch), a label that ends in an ellipsis when the panel
// is narrow, and an optional count at the right. A button would widen its
// panel to its whole text (and draw it bold); this row takes the width it
// is given. It highlights under the pointer.
type choiceRow struct {
	widget.BaseWidget
	leading  fyne.CanvasObject
	label    *widget.Label
	count    *widget.Label
	OnTapped func()
	hovered  bool
}

func newChoiceRow(text string, style fyne.TextStyle, leading fyne.CanvasObject, count string, tapped func()) *choiceRow {
	c := &choiceRow{leading: leading, OnTapped: tapped}
	c.label = widget.NewLabelWithStyle(text, fyne.TextAlignLeading, style)
	c.label.Truncation = fyne.TextTruncateEllipsis
	if count != "" {
		c.count = widget.NewLabel(count)
	}
	c.ExtendBaseWidget(c)
	return c
}

// Text is the row's label.
func (c *choiceRow) Text() string { return c.label.Text }

// Tapped runs the row's action.
func (c *choiceRow) Tapped(*fyne.PointEvent) {
	if c.OnTapped != nil {
		c.OnTapped()
	}
}

// MouseIn highlights the row.
func (c *choiceRow) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.Refresh() }

// MouseMoved is part of desktop.Hoverable.
func (c *choiceRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut ends the highlight.
func (c *choiceRow) MouseOut() { c.hovered = false; c.Refresh() }

// Cursor shows the pointer of a clickable item.
func (c *choiceRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (c *choiceRow) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = theme.InputRadiusSize()
	var trailing fyne.CanvasObject
	if c.count != nil {
		trailing = c.count
	}
	row := container.NewBorder(nil, nil, c.leading, trailing, c.label)
	return &choiceRowRenderer{c: c, bg: bg, objects: []fyne.CanvasObject{bg, row}}
}

type choiceRowRenderer struct {
	c       *choiceRow
	bg      *canvas.Rectangle
	objects []fyne.CanvasObject
}

func (r *choiceRowRenderer) Layout(size fyne.Size) {
	for _, o := range r.objects {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (r *choiceRowRenderer) MinSize() fyne.Size { return r.objects[1].MinSize() }

func (r *choiceRowRenderer) Refresh() {
	if r.c.hovered {
		r.bg.FillColor = theme.Color(theme.ColorNameHover)
	} else {
		r.bg.FillColor = color.Transparent
	}
	r.bg.Refresh()
	r.objects[1].Refresh()
}

func (r *choiceRowRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *choiceRowRenderer) Destroy()                     {}
