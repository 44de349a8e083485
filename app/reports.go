package app

import (
	"fmt"
	"image/color"
	"image/png"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// reportsPane draws the theme frequency per document as a stacked bar
// chart and the theme co-occurrence as a heatmap, each exportable as PNG.
type reportsPane struct {
	u         *UI
	content   fyne.CanvasObject
	bars      *fyne.Container
	heat      *fyne.Container
	info      *widget.Label
	tabs      *container.AppTabs
	agreement *agreementPane
	overview  *index.CodingOverview
	gen       int
}

func newReportsPane(u *UI) *reportsPane {
	p := &reportsPane{u: u}
	p.agreement = newAgreementPane(u)
	p.info = widget.NewLabel("")
	p.bars = container.NewStack()
	p.heat = container.NewStack()
	saveBars := widget.NewButtonWithIcon("Save as PNG…", theme.DocumentSaveIcon(), func() { p.savePNG("theme-frequency.png", p.barChart) })
	saveHeat := widget.NewButtonWithIcon("Save as PNG…", theme.DocumentSaveIcon(), func() { p.savePNG("theme-co-occurrence.png", p.heatmap) })
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.tabs = container.NewAppTabs(
		container.NewTabItem("Frequency per document", container.NewBorder(
			container.NewBorder(nil, nil, nil, saveBars, bold("Theme frequency per document")), nil, nil, nil,
			container.NewScroll(p.bars))),
		container.NewTabItem("Co-occurrence", container.NewBorder(
			container.NewBorder(nil, nil, nil, saveHeat, bold("Theme co-occurrence: passages where two themes meet")), nil, nil, nil,
			container.NewScroll(p.heat))),
		container.NewTabItem("Agreement", p.agreement.content),
	)
	p.content = container.NewBorder(p.info, nil, nil, nil, p.tabs)
	return p
}

// refresh recomputes the overview off the UI goroutine and redraws.
func (p *reportsPane) refresh() {
	p.gen++
	gen := p.gen
	lib := p.u.lib
	coder := p.u.blindCoder()
	p.agreement.refresh()
	p.u.background(func() {
		ov, err := lib.CodingOverviewOf(p.u.ctx, coder)
		p.u.do(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.info.SetText("Reports: " + err.Error())
				return
			}
			p.overview = ov
			total := 0
			for _, d := range ov.Documents {
				total += d.Total
			}
			mine := ""
			if coder != "" {
				mine = " Yours only: blind coding is on."
			}
			p.info.SetText(fmt.Sprintf("%d codings in %d documents.%s", total, len(ov.Documents), mine))
			p.bars.Objects = []fyne.CanvasObject{p.barChart()}
			p.bars.Refresh()
			p.heat.Objects = []fyne.CanvasObject{p.heatmap()}
			p.heat.Refresh()
		})
	})
}

// fixedLayout keeps its objects where they were placed and reports a
// fixed minimum size.
type fixedLayout struct{ size fyne.Size }

func (l fixedLayout) Layout([]fyne.CanvasObject, fyne.Size) {}
func (l fixedLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.size }
func place(o fyne.CanvasObject, x, y, w, h float32) fyne.CanvasObject {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(w, h))
	return o
}

func chartText(s string, size float32, c color.Color, align fyne.TextAlign) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.Alignment = align
	return t
}

// fitText shortens s with an ellipsis until it is at most width wide.
func fitText(s string, size, width float32) string {
	if fyne.MeasureText(s, size, fyne.TextStyle{}).Width <= width {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 1; n-- {
		t := strings.TrimSpace(string(r[:n])) + "…"
		if fyne.MeasureText(t, size, fyne.TextStyle{}).Width <= width {
			return t
		}
	}
	return "…"
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// usedThemes are the indexes of themes that code anything.
func usedThemes(ov *index.CodingOverview) []int {
	var out []int
	for i := range ov.Themes {
		if ov.CoOccurrence[i][i] > 0 {
			out = append(out, i)
		}
	}
	return out
}

// barChart draws one stacked bar per document, a segment per theme.
func (p *reportsPane) barChart() fyne.CanvasObject {
	ov := p.overview
	fg := theme.Color(theme.ColorNameForeground)
	bg := theme.Color(theme.ColorNameBackground)
	ts := theme.TextSize()
	if ov == nil || len(ov.Documents) == 0 {
		return widget.NewLabel("No passages are tagged yet: select text in the reader and press 1–9.")
	}
	const labelW, barMax, rowH = float32(300), float32(520), float32(26)
	maxTotal := 1
	for _, d := range ov.Documents {
		maxTotal = max(maxTotal, d.Total)
	}
	unit := barMax / float32(maxTotal)
	var objs []fyne.CanvasObject
	y := float32(8)
	for _, d := range ov.Documents {
		objs = append(objs, place(chartText(fitText(d.Title, ts, labelW-14), ts, fg, fyne.TextAlignTrailing), 0, y, labelW-10, rowH))
		x := labelW
		for i, c := range d.Counts {
			if c == 0 {
				continue
			}
			w := unit * float32(c)
			r := canvas.NewRectangle(parseColour(ov.Themes[i].Color, 0xff))
			r.StrokeColor = bg
			r.StrokeWidth = 1
			objs = append(objs, place(r, x, y+3, w, rowH-6))
			x += w
		}
		objs = append(objs, place(chartText(fmt.Sprint(d.Total), ts, fg, fyne.TextAlignLeading), x+6, y, 60, rowH))
		y += rowH
	}
	// legend
	y += 10
	x := float32(0)
	width := labelW + barMax + 60
	for _, i := range usedThemes(ov) {
		name := shorten(ov.Themes[i].Name, 36)
		w := fyne.MeasureText(name, ts*0.9, fyne.TextStyle{}).Width + 28
		if x+w > width {
			x = 0
			y += rowH
		}
		sw := canvas.NewRectangle(parseColour(ov.Themes[i].Color, 0xff))
		objs = append(objs, place(sw, x, y+7, 12, 12))
		objs = append(objs, place(chartText(name, ts*0.9, fg, fyne.TextAlignLeading), x+16, y, w, rowH))
		x += w + 8
	}
	y += rowH + 8
	back := canvas.NewRectangle(bg)
	objs = append([]fyne.CanvasObject{place(back, 0, 0, width, y)}, objs...)
	return container.New(fixedLayout{fyne.NewSize(width, y)}, objs...)
}

// heatmap draws the co-occurrence of the themes that code anything.
func (p *reportsPane) heatmap() fyne.CanvasObject {
	ov := p.overview
	fg := theme.Color(theme.ColorNameForeground)
	bg := theme.Color(theme.ColorNameBackground)
	ts := theme.TextSize()
	used := []int(nil)
	if ov != nil {
		used = usedThemes(ov)
	}
	if len(used) == 0 {
		return widget.NewLabel("No passages are tagged yet.")
	}
	const labelW, cell = float32(320), float32(36)
	maxV := 1
	for _, i := range used {
		for _, j := range used {
			if i != j {
				maxV = max(maxV, ov.CoOccurrence[i][j])
			}
		}
	}
	hot := parseColour("#D1495B", 0xff)
	var objs []fyne.CanvasObject
	top := float32(28)
	for c := range used {
		objs = append(objs, place(chartText(fmt.Sprint(c+1), ts*0.9, fg, fyne.TextAlignCenter), labelW+float32(c)*cell, 4, cell, 20))
	}
	for r, i := range used {
		y := top + float32(r)*cell
		objs = append(objs, place(chartText(fitText(ov.Themes[i].Name, ts*0.9, labelW-40)+fmt.Sprintf("  %d", r+1), ts*0.9, fg, fyne.TextAlignTrailing), 0, y, labelW-8, cell))
		for c, j := range used {
			v := ov.CoOccurrence[i][j]
			x := labelW + float32(c)*cell
			var fill color.Color = theme.Color(theme.ColorNameInputBackground)
			txt := fg
			if i == j {
				fill = theme.Color(theme.ColorNameDisabledButton)
			} else if v > 0 {
				a := 0.25 + 0.75*float32(v)/float32(maxV)
				fill = color.NRGBA{R: hot.R, G: hot.G, B: hot.B, A: uint8(a * 255)}
				if a > 0.6 {
					txt = color.White
				}
			}
			rect := canvas.NewRectangle(fill)
			rect.StrokeColor = bg
			rect.StrokeWidth = 2
			objs = append(objs, place(rect, x, y, cell, cell))
			if v > 0 {
				objs = append(objs, place(chartText(fmt.Sprint(v), ts*0.9, txt, fyne.TextAlignCenter), x, y+(cell-20)/2, cell, 20))
			}
		}
	}
	width := labelW + float32(len(used))*cell + 10
	height := top + float32(len(used))*cell + 10
	back := canvas.NewRectangle(bg)
	objs = append([]fyne.CanvasObject{place(back, 0, 0, width, height)}, objs...)
	return container.New(fixedLayout{fyne.NewSize(width, height)}, objs...)
}

// savePNG renders a fresh copy of a chart to a PNG file the user names.
func (p *reportsPane) savePNG(name string, chart func() fyne.CanvasObject) {
	if p.overview == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := p.writePNG(path, chart); err != nil {
			p.u.showError("save "+path, err)
			return
		}
		p.u.setStatus("Saved %s", path)
	}, p.u.win)
	d.SetFileName(name)
	d.Resize(p.u.dialogSize())
	d.Show()
}

// writePNG renders chart to path.
func (p *reportsPane) writePNG(path string, chart func() fyne.CanvasObject) error {
	img := software.Render(chart(), p.u.app.Settings().Theme())
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
