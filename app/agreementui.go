package app

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/atomicfile"
)

// agreementPane is the Reports tab's agreement: the coders compared and
// the unit, the table per theme and over all themes (exported as CSV), and
// the passages the coders disagree on, each opened in the reader and
// settled into the consensus coder. Every figure comes from
// index.Library.Agreement and Disagreements.
type agreementPane struct {
	u       *UI
	content fyne.CanvasObject

	unit      *widget.Select
	coders    *widget.CheckGroup
	onlyCoded *widget.Check
	summary   *widget.Label
	table     *widget.Table
	notes     *widget.Label
	listHead  *widget.Label
	list      *widget.List
	detail    *fyne.Container
	blindNote *widget.Label
	body      fyne.CanvasObject

	report   *index.AgreementReport
	passages *index.PassageReport
	selected int
	gen      int
	// known are the coders offered (not consensus coders); unticked
	// those the user left out (new coders come ticked).
	known     []string
	unticked  map[string]bool
	detailTop *fyne.Container // the selected passage's buttons
}

// agreementUnits are the unit choices, as shown and as asked for.
var agreementUnits = []struct{ label, unit string }{
	{"Characters (α_U)", index.UnitCharacter},
	{"Sentences (α)", index.UnitSentence},
	{"Paragraphs (α)", index.UnitParagraph},
}

// agreementColumns are the table's columns: heading and width.
var agreementColumns = []struct {
	head  string
	width float32
}{{"Theme", 300}, {"Units", 86}, {"Uncoded", 80}, {"Percent", 76}, {"κ", 66}, {"α", 66}}

func newAgreementPane(u *UI) *agreementPane {
	p := &agreementPane{u: u, selected: -1, unticked: map[string]bool{}}
	var labels []string
	for _, x := range agreementUnits {
		labels = append(labels, x.label)
	}
	p.unit = widget.NewSelect(labels, func(string) { p.refresh() })
	p.unit.SetSelectedIndex(0)
	p.coders = widget.NewCheckGroup(nil, nil)
	p.coders.OnChanged = p.codersTicked
	p.coders.Horizontal = true
	p.onlyCoded = widget.NewCheck("Documents a coder made no annotation in: missing values", func(bool) { p.refresh() })
	p.summary = widget.NewLabel("")
	p.summary.Truncation = fyne.TextTruncateEllipsis
	p.notes = widget.NewLabel("")
	p.notes.Wrapping = fyne.TextWrapWord
	p.table = widget.NewTableWithHeaders(
		func() (int, int) {
			if p.report == nil {
				return 0, len(agreementColumns)
			}
			return len(p.report.Themes) + 1, len(agreementColumns)
		},
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			row, ok := p.row(id.Row)
			if !ok {
				l.SetText("")
				return
			}
			l.TextStyle = fyne.TextStyle{Bold: row.Theme == index.OverallTheme}
			l.Alignment = fyne.TextAlignTrailing
			switch id.Col {
			case 0:
				l.Alignment = fyne.TextAlignLeading
				l.SetText(row.Theme)
			case 1:
				l.SetText(fmt.Sprint(row.Units))
			case 2:
				l.SetText(fmt.Sprintf("%.1f%%", 100*row.UncodedShare))
			case 3:
				l.SetText(ratio(row.Percent))
			case 4:
				l.SetText(ratio(row.Kappa))
			case 5:
				l.SetText(ratio(row.Alpha))
			}
		})
	p.table.ShowHeaderColumn = false
	p.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Row < 0 && id.Col >= 0 && id.Col < len(agreementColumns) {
			head := agreementColumns[id.Col].head
			if id.Col == 5 && p.report != nil && p.report.AlphaKind == "alpha_u" {
				head = "α_U"
			}
			l.SetText(head)
		}
	}
	for i, c := range agreementColumns {
		p.table.SetColumnWidth(i, c.width)
	}

	p.listHead = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.listHead.Truncation = fyne.TextTruncateEllipsis
	p.list = widget.NewList(
		func() int {
			if p.passages == nil {
				return 0
			}
			return len(p.passages.Passages)
		},
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			head.Truncation = fyne.TextTruncateEllipsis
			quote := widget.NewLabel("")
			quote.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(head, quote)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if p.passages == nil || id >= len(p.passages.Passages) {
				return
			}
			ps := p.passages.Passages[id]
			box := o.(*fyne.Container)
			state := "differ on " + strings.Join(ps.Differ, ", ")
			if ps.Decision != nil {
				state = "decided: " + decisionText(ps.Decision)
			}
			box.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s", index.PageLabel(ps.PrintedPage, ps.Page), state, ps.Title))
			box.Objects[1].(*widget.Label).SetText("“" + oneLineText(ps.Quote) + "”")
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		p.selected = id
		p.showDetail()
	}
	p.detail = container.NewVBox()
	p.detailTop = container.NewVBox()

	exportCSV := widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), p.exportCSV)
	acceptAgreed := widget.NewButtonWithIcon("Accept agreed passages", theme.ConfirmIcon(), p.acceptAgreed)
	units := container.NewGridWrap(fyne.NewSize(190, p.unit.MinSize().Height), p.unit)
	controls := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Coders"), container.NewHBox(widget.NewLabel("Units"), units, exportCSV), container.NewHScroll(p.coders)),
		container.NewBorder(nil, nil, nil, acceptAgreed, p.onlyCoded),
	)
	p.notes.Hide()
	tableBox := container.NewBorder(p.summary, p.notes, nil, nil, p.table)
	lower := container.NewHSplit(
		container.NewBorder(p.listHead, nil, nil, nil, p.list),
		container.NewBorder(p.detailTop, nil, nil, nil, container.NewVScroll(p.detail)),
	)
	lower.SetOffset(0.55)
	split := container.NewVSplit(tableBox, lower)
	split.SetOffset(0.5)
	p.body = container.NewBorder(controls, nil, nil, nil, split)
	p.blindNote = widget.NewLabel("Blind coding is on: the agreement and the other coders' codings are hidden until you turn it off (View › Show only my annotations).")
	p.blindNote.Wrapping = fyne.TextWrapWord
	p.content = container.NewStack(p.body, container.NewVBox(p.blindNote))
	return p
}

func ratio(x *float64) string {
	if x == nil {
		return "—"
	}
	return fmt.Sprintf("%.3f", *x)
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

func decisionText(d *index.ConsensusDecision) string {
	if len(d.Accepted) == 0 {
		return "none accepted"
	}
	return strings.Join(d.Accepted, " and ") + " accepted"
}

// row is the table's row r: the row over all themes first (in bold),
// then one per theme.
func (p *agreementPane) row(r int) (index.AgreementRow, bool) {
	if p.report == nil || r < 0 || r > len(p.report.Themes) {
		return index.AgreementRow{}, false
	}
	if r == 0 {
		return p.report.Overall, true
	}
	return p.report.Themes[r-1], true
}

// request is what the controls ask for.
func (p *agreementPane) request() index.PassageRequest {
	unit := index.UnitCharacter
	if i := p.unit.SelectedIndex(); i >= 0 {
		unit = agreementUnits[i].unit
	}
	req := index.PassageRequest{AgreementRequest: index.AgreementRequest{Unit: unit, OnlyCoded: p.onlyCoded.Checked}}
	if len(p.unticked) > 0 {
		req.Coders = []string{}
		for _, c := range p.known {
			if !p.unticked[c] {
				req.Coders = append(req.Coders, c)
			}
		}
	}
	return req
}

// refresh recomputes the agreement and the disagreements off the UI
// goroutine.
func (p *agreementPane) refresh() {
	if p.u == nil || p.coders == nil || p.table == nil {
		return // still being built
	}
	p.gen++
	gen := p.gen
	if p.u.blind() {
		p.body.Hide()
		p.blindNote.Show()
		return
	}
	p.body.Show()
	p.blindNote.Hide()
	lib := p.u.lib
	req := p.request()
	p.u.background(func() {
		coders, cerr := lib.Coders(p.u.ctx)
		var names []string
		for _, c := range coders {
			if !c.Consensus && c.Annotations > 0 {
				names = append(names, c.Name)
			}
		}
		rep, err := lib.Agreement(p.u.ctx, req.AgreementRequest)
		var pass *index.PassageReport
		if err == nil {
			pass, err = lib.Disagreements(p.u.ctx, req)
		}
		if err == nil {
			err = cerr
		}
		p.u.do(func() {
			if gen != p.gen {
				return
			}
			p.setCoders(names)
			if err != nil {
				p.report, p.passages = nil, nil
				p.summary.SetText("Agreement: " + err.Error())
				p.notes.SetText("")
				p.listHead.SetText("")
				p.table.Refresh()
				p.list.Refresh()
				p.showDetail()
				return
			}
			p.report, p.passages = rep, pass
			kind := "Krippendorff's unitizing α (α_U) on the characters of the text"
			if rep.AlphaKind == "alpha" {
				kind = "Krippendorff's nominal α on the " + rep.Unit + "s"
			}
			kappa := "Cohen's κ"
			if len(rep.Coders) != 2 {
				kappa = "κ (two coders only: —)"
			}
			p.summary.SetText(fmt.Sprintf("%s on %d documents: percent agreement, %s, %s. Uncoded: the share of the units no coder coded.",
				strings.Join(rep.Coders, ", "), rep.Documents, kappa, kind))
			p.notes.SetText(strings.Join(rep.Notes, " "))
			if len(rep.Notes) > 0 {
				p.notes.Show()
			} else {
				p.notes.Hide()
			}
			p.table.Refresh()
			p.listHead.SetText(fmt.Sprintf("%d passages coded differently, %d decided by %s", pass.Disagreements, pass.Resolved, pass.Consensus))
			p.list.Refresh()
			if p.selected >= len(pass.Passages) {
				p.selected = len(pass.Passages) - 1
			}
			if p.selected >= 0 {
				p.list.Select(p.selected)
			}
			p.showDetail()
		})
	})
}

// setCoders offers the coders to compare, ticked but for those the user
// left out.
func (p *agreementPane) setCoders(names []string) {
	if strings.Join(names, "\x00") == strings.Join(p.known, "\x00") {
		return
	}
	p.known = names
	p.coders.OnChanged = nil
	p.coders.Options = names
	var sel []string
	for _, n := range names {
		if !p.unticked[n] {
			sel = append(sel, n)
		}
	}
	p.coders.SetSelected(sel)
	p.coders.Refresh()
	p.coders.OnChanged = p.codersTicked
}

// codersTicked follows the ticks: the coders left out, and the agreement.
func (p *agreementPane) codersTicked(selected []string) {
	p.unticked = map[string]bool{}
	for _, n := range p.known {
		ticked := false
		for _, s := range selected {
			ticked = ticked || s == n
		}
		if !ticked {
			p.unticked[n] = true
		}
	}
	p.refresh()
}

// showDetail shows the selected passage: what each coder coded, the
// decision taken, and the buttons that open it and settle it.
func (p *agreementPane) showDetail() {
	p.detail.RemoveAll()
	p.detailTop.RemoveAll()
	if p.passages == nil || p.selected < 0 || p.selected >= len(p.passages.Passages) {
		hint := widget.NewLabel("Select a passage to see what each coder coded there, open it in the reader and decide what the consensus keeps.")
		hint.Wrapping = fyne.TextWrapWord
		p.detail.Add(hint)
		return
	}
	ps := p.passages.Passages[p.selected]
	head := widget.NewLabelWithStyle(fmt.Sprintf("%s, %s", index.PageLabel(ps.PrintedPage, ps.Page), ps.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	quote := widget.NewLabel("“" + oneLineText(ps.Quote) + "”")
	quote.Wrapping = fyne.TextWrapWord
	p.detail.Add(head)
	p.detail.Add(quote)
	for _, c := range ps.Codings {
		what := strings.Join(c.Themes, ", ")
		switch {
		case c.Missing:
			what = "did not code this document"
		case what == "":
			what = "nothing"
		}
		l := widget.NewLabel(c.Coder + ": " + what)
		l.Wrapping = fyne.TextWrapWord
		p.detail.Add(l)
	}
	if ps.Decision != nil {
		d := widget.NewLabelWithStyle("Decided by "+ps.Decision.Coder+": "+decisionText(ps.Decision), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		d.Wrapping = fyne.TextWrapWord
		p.detail.Add(d)
	}
	open := widget.NewButtonWithIcon("Open in reader", theme.DocumentIcon(), func() {
		p.u.OpenPassage(ps.DocID, ps.Page, ps.Start, ps.End)
	})
	buttons := container.NewGridWithColumns(2, open)
	for _, c := range ps.Codings {
		if c.Missing {
			continue
		}
		coder := c.Coder
		buttons.Add(widget.NewButton("Accept "+shortLabel(coder, 14), func() { p.decide(ps, []string{coder}) }))
	}
	var all []string
	for _, c := range ps.Codings {
		if !c.Missing && len(c.Themes) > 0 {
			all = append(all, c.Coder)
		}
	}
	if len(all) > 1 {
		buttons.Add(widget.NewButton("Accept all", func() { p.decide(ps, all) }))
	}
	buttons.Add(widget.NewButton("Accept none", func() { p.decide(ps, nil) }))
	p.detailTop.Add(buttons)
	p.detailTop.Add(widget.NewSeparator())
}

func shortLabel(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// decide settles the passage: the accepted coders' codings go to the
// consensus coder; the agreement is computed again.
func (p *agreementPane) decide(ps index.Passage, accept []string) {
	lib := p.u.lib
	req := index.ConsensusRequest{PassageRequest: p.request(), Passage: ps.ID, Accept: accept}
	who := "none"
	if len(accept) > 0 {
		who = strings.Join(accept, " and ")
	}
	p.u.change(fmt.Sprintf("Consensus: accepted %s (Ctrl+Z takes it back)", who), func() error {
		_, err := lib.Consensus(p.u.ctx, req)
		return err
	}, func() { p.refresh() })
}

// acceptAgreed copies every passage the coders agree on to the consensus.
func (p *agreementPane) acceptAgreed() {
	lib := p.u.lib
	req := p.request()
	var n int
	p.u.change("Consensus: agreed passages accepted (Ctrl+Z takes them back)", func() error {
		var err error
		n, err = lib.AcceptAgreed(p.u.ctx, req)
		return err
	}, func() {
		p.u.setStatus("Consensus: %d agreed passages accepted (Ctrl+Z takes them back)", n)
		p.refresh()
	})
}

// exportCSV saves the table as CSV where the user says.
func (p *agreementPane) exportCSV() {
	if p.report == nil {
		return
	}
	rep := p.report
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		var buf bytes.Buffer
		if err := rep.WriteCSV(&buf); err == nil {
			err = atomicfile.Write(path, 0o644, func(out io.Writer) error { _, err := out.Write(buf.Bytes()); return err })
		}
		if err != nil {
			p.u.showError("save "+path, err)
			return
		}
		p.u.setStatus("Saved %s", path)
	}, p.u.win)
	d.SetFileName("agreement.csv")
	d.Resize(p.u.dialogSize())
	d.Show()
}
