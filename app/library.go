package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// docColumn is one column of the library list: of a fixed width, or
// (share > 0) taking that share of what the fixed columns leave.
type docColumn struct {
	title, sortKey string
	width          float32 // fixed width, or the least width of a shared column
	share          float32
	value          func(d *index.Document) string
}

var docColumns = []docColumn{
	// The row's actions (docActions) come first, where a narrow window
	// still shows them.
	{"", "", 76, 0, nil},
	{"Title", "title", 200, 0.6, func(d *index.Document) string { return displayTitle(d) }},
	{"Authors", "authors", 80, 0.2, func(d *index.Document) string { return authorList(d) }},
	{"Year", "year", 60, 0, func(d *index.Document) string { return yearText(d.Year) }},
	{"Journal", "journal", 80, 0.2, func(d *index.Document) string { return d.Journal }},
	{"Pages", "pages", 64, 0, func(d *index.Document) string { return strconv.Itoa(d.PageCount) }},
	{"Annotations", "annotations", 120, 0, func(d *index.Document) string { return strconv.Itoa(d.AnnotationCount) }},
}

// docActions is the cell of a row's actions in the library list.
type docActions struct {
	edit, remove *widget.Button
}

func newDocCell() fyne.CanvasObject {
	lab := widget.NewLabel("")
	lab.Truncation = fyne.TextTruncateEllipsis
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil)
	edit.Importance = widget.LowImportance
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	remove.Importance = widget.LowImportance
	return container.NewStack(lab, container.NewHBox(edit, remove))
}

// cellParts returns a cell's label and action buttons.
func cellParts(o fyne.CanvasObject) (*widget.Label, docActions, *fyne.Container) {
	stack := o.(*fyne.Container)
	buttons := stack.Objects[1].(*fyne.Container)
	return stack.Objects[0].(*widget.Label), docActions{buttons.Objects[0].(*widget.Button), buttons.Objects[1].(*widget.Button)}, buttons
}

func displayTitle(d *index.Document) string {
	if d.Title != "" {
		return d.Title
	}
	if d.FileName != "" {
		return d.FileName
	}
	return fmt.Sprintf("Document %d", d.ID)
}

func authorList(d *index.Document) string {
	var names []string
	for _, a := range d.Authors {
		if a.Family != "" {
			names = append(names, a.Family)
		} else {
			names = append(names, a.Literal)
		}
	}
	switch {
	case len(names) > 3:
		return strings.Join(names[:3], ", ") + " et al."
	default:
		return strings.Join(names, ", ")
	}
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// docList is the library list: a virtualised table (only the visible rows
// are drawn), sortable by clicking a column header, with a filter box.
type docList struct {
	u       *UI
	content fyne.CanvasObject
	table   *widget.Table
	filter  *widget.Entry
	count   *widget.Label
	// hint replaces the table while it has no rows: how to start on an
	// empty library, or that nothing matches the filter
	hint        fyne.CanvasObject
	hintText    *widget.Label
	hintButtons fyne.CanvasObject

	widths     []float32        // the columns' widths, the title's fitted to the list
	docs       []index.Document // the rows, as BrowseDocuments returned them
	sortKey    string
	descending bool
	generation int // drops results of superseded loads
	debounce   *time.Timer
}

func newDocList(u *UI) *docList {
	l := &docList{u: u, sortKey: "title"}
	l.filter = widget.NewEntry()
	l.filter.SetPlaceHolder("Filter by title, author, journal, year or DOI")
	l.filter.OnChanged = func(string) {
		u.debounce(&l.debounce, 150*time.Millisecond, l.reload)
	}
	l.count = widget.NewLabel("")
	l.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(l.docs), len(docColumns) },
		newDocCell,
		func(id widget.TableCellID, o fyne.CanvasObject) {
			lab, act, buttons := cellParts(o)
			if id.Row < 0 || id.Row >= len(l.docs) {
				lab.SetText("")
				buttons.Hide()
				return
			}
			d := &l.docs[id.Row]
			if docColumns[id.Col].value == nil {
				lab.Hide()
				buttons.Show()
				docID := d.ID
				act.edit.OnTapped = func() { u.ShowMetadataEditor(docID) }
				act.remove.OnTapped = func() { u.ConfirmRemove([]int64{docID}) }
				return
			}
			buttons.Hide()
			lab.Show()
			lab.SetText(docColumns[id.Col].value(d))
		})
	l.table.ShowHeaderColumn = false
	l.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	l.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 {
			return
		}
		col := docColumns[id.Col]
		b.SetText(col.title)
		b.SetIcon(nil)
		if col.sortKey == "" {
			b.OnTapped = nil
			return
		}
		if col.sortKey == l.sortKey {
			if l.descending {
				b.SetIcon(theme.MenuDropDownIcon())
			} else {
				b.SetIcon(theme.MenuDropUpIcon())
			}
		}
		b.OnTapped = func() { l.sortBy(col.sortKey) }
	}
	for i, c := range docColumns {
		l.widths = append(l.widths, c.width)
		l.table.SetColumnWidth(i, c.width)
	}
	l.table.OnSelected = func(id widget.TableCellID) {
		l.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(l.docs) && docColumns[id.Col].value != nil {
			u.OpenDocument(l.docs[id.Row].ID, 1, "")
		}
	}
	top := container.NewBorder(nil, nil, nil, l.count, l.filter)
	l.hintText = widget.NewLabel("")
	l.hintText.Wrapping = fyne.TextWrapWord
	l.hintButtons = container.NewHBox(
		widget.NewButtonWithIcon("Import files…", theme.ContentAddIcon(), u.ShowImport),
		widget.NewButtonWithIcon("Open the demo library", theme.HelpIcon(), u.OpenDemo))
	l.hint = container.NewPadded(container.NewVBox(l.hintText, l.hintButtons))
	l.hint.Hide()
	l.content = container.NewBorder(top, nil, nil, nil, container.New(fitColumnsLayout{l}, l.table, l.hint))
	return l
}

// fitColumnsLayout gives the table its whole space and fits the title
// column to what the other columns leave of its width.
type fitColumnsLayout struct{ l *docList }

func (f fitColumnsLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	f.l.fitColumns(size.Width)
	for _, o := range objects {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (f fitColumnsLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[0].MinSize()
}

// fitColumns shares a list width among the columns: the fixed ones take
// their width, the others share the rest (each at least its least width;
// the list scrolls sideways below that). Each column also takes a
// separator's width (the theme's padding), and the vertical scroll bar
// keeps its width free at the right.
func (l *docList) fitColumns(width float32) {
	rest := width - float32(len(docColumns))*theme.Padding() - theme.ScrollBarSize()
	for _, c := range docColumns {
		if c.share == 0 {
			rest -= c.width
		}
	}
	for i, c := range docColumns {
		w := c.width
		if c.share > 0 {
			w = max(c.width, rest*c.share)
		}
		if w != l.widths[i] {
			l.widths[i] = w
			l.table.SetColumnWidth(i, w)
		}
	}
}

// sortBy sorts by a column; the same column again reverses the order.
func (l *docList) sortBy(key string) {
	if l.sortKey == key {
		l.descending = !l.descending
	} else {
		l.sortKey, l.descending = key, false
	}
	l.reload()
}

// reload fetches the rows off the UI goroutine.
func (l *docList) reload() {
	l.generation++
	gen := l.generation
	req := index.BrowseRequest{Filter: l.filter.Text, Sort: l.sortKey, Descending: l.descending, Coder: l.u.blindCoder()}
	lib := l.u.lib
	l.u.background(func() {
		docs, err := lib.BrowseDocuments(l.u.ctx, req)
		l.u.do(func() {
			if gen != l.generation {
				return
			}
			if err != nil {
				l.u.setStatus("Library list: %v", err)
				return
			}
			l.docs = docs
			l.count.SetText(fmt.Sprintf("%d documents", len(docs)))
			l.table.Refresh()
			l.showHint(req.Filter)
		})
	})
}

// emptyLibraryHint is what the Library tab says on an empty library.
const emptyLibraryHint = "Your library is empty. Import article PDFs, with their BibTeX, RIS or CSL-JSON metadata if you have it, " +
	"or text and Markdown files: Import files… (Ctrl+I), or drop files and folders on this window. " +
	"Or open the demo library to look around first: two articles on helpful relationships, with example annotations."

// showHint puts a hint in place of the table while it has no rows: how to
// start, or that nothing matches the filter.
func (l *docList) showHint(filter string) {
	switch {
	case len(l.docs) > 0:
		l.hint.Hide()
		l.table.Show()
		return
	case strings.TrimSpace(filter) != "":
		l.hintText.SetText(fmt.Sprintf("No document matches %q.", strings.TrimSpace(filter)))
		l.hintButtons.Hide()
	default:
		l.hintText.SetText(emptyLibraryHint)
		l.hintButtons.Show()
	}
	l.table.Hide()
	l.hint.Show()
}

// rowCount is how many rows the list shows.
func (l *docList) rowCount() int { return len(l.docs) }
