package app

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/gctune"
)

// importJob is an import running in the background, shown as a progress
// bar with the current file and a cancel button above the views.
type importJob struct {
	cancel   context.CancelFunc
	bar      *widget.ProgressBar
	file     *widget.Label
	panel    fyne.CanvasObject
	report   *index.ImportReport
	err      error
	finished bool
	summary  *widget.Label // the summary dialog's text
}

// ShowImport asks for files or a folder to import.
func (u *UI) ShowImport() {
	var d dialog.Dialog
	files := widget.NewButtonWithIcon("Choose a file…", theme.FileIcon(), func() {
		d.Hide()
		fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
			if err != nil || rc == nil {
				return
			}
			path := rc.URI().Path()
			rc.Close()
			u.StartImport([]string{path})
		}, u.win)
		fd.Resize(u.dialogSize())
		fd.Show()
	})
	folder := widget.NewButtonWithIcon("Choose a folder…", theme.FolderOpenIcon(), func() {
		d.Hide()
		fd := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err != nil || l == nil {
				return
			}
			u.StartImport([]string{l.Path()})
		}, u.win)
		fd.Resize(u.dialogSize())
		fd.Show()
	})
	hint := widget.NewLabel("PDFs, text and Markdown files, and BibTeX, RIS or CSL-JSON metadata.\nFolders are read with their subfolders. You can also drop files and folders on the window.")
	d = dialog.NewCustom("Import", "Cancel", container.NewVBox(hint, container.NewGridWithColumns(2, files, folder)), u.win)
	d.Show()
}

// dialogWidth is a dialog's width: want, or less on a small window.
func (u *UI) dialogWidth(want float32) float32 {
	return min(want, u.win.Canvas().Size().Width*0.9)
}

func (u *UI) dialogSize() fyne.Size {
	s := u.win.Canvas().Size()
	return fyne.NewSize(max(600, s.Width*0.8), max(420, s.Height*0.8))
}

// dropped imports the files and folders dropped on the window.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, uri := range uris {
		if uri.Scheme() == "file" {
			paths = append(paths, uri.Path())
		}
	}
	if len(paths) > 0 {
		u.StartImport(paths)
	}
}

// StartImport imports paths in the background, showing progress; the window
// stays usable meanwhile.
func (u *UI) StartImport(paths []string) { u.startImport(paths, "") }

// startImport is StartImport with the password that opens encrypted PDFs
// (used for this import only, never stored).
func (u *UI) startImport(paths []string, password string) {
	if u.importing != nil && !u.importing.finished {
		dialog.ShowInformation("Import", "An import is running; wait for it to finish or cancel it first.", u.win)
		return
	}
	ctx, cancel := context.WithCancel(u.ctx)
	job := &importJob{cancel: cancel, bar: widget.NewProgressBar(), file: widget.NewLabel("Looking for files…")}
	job.file.Truncation = fyne.TextTruncateEllipsis
	stop := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { cancel() })
	job.panel = container.NewBorder(nil, nil, widget.NewLabel("Importing"), stop, container.NewVBox(job.bar, job.file))
	u.importing = job
	u.banner.Add(job.panel)
	lib := u.lib
	u.background(func() {
		// one core fewer than the machine has: the window keeps one
		opts := &index.ImportOptions{Workers: max(1, runtime.NumCPU()-1), Password: password, Progress: func(p index.ImportProgress) {
			u.do(func() {
				if p.Total > 0 {
					job.bar.SetValue(float64(p.Done) / float64(p.Total))
				}
				job.file.SetText(fmt.Sprintf("%d of %d: %s", p.Done, p.Total, filepath.Base(p.File)))
			})
		}}
		restoreGC := gctune.ForBulk()
		rep, err := lib.Import(ctx, paths, opts)
		restoreGC()
		u.do(func() {
			job.report, job.err, job.finished = rep, err, true
			cancel()
			u.banner.Remove(job.panel)
			u.reloadAll()
			u.showImportSummary(job)
			u.readImportedScans(rep)
		})
	})
}

// showImportSummary says what the import did and lists failed files with
// their reasons.
func (u *UI) showImportSummary(job *importJob) {
	rep := job.report
	if rep == nil {
		rep = &index.ImportReport{}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d imported, %d updated, %d already in the library", len(rep.Imported), len(rep.Updated), len(rep.Unchanged))
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(&b, ", %d skipped (%s)", len(rep.Skipped), skipReasons(rep))
	}
	fmt.Fprintf(&b, ", %d failed.", len(rep.Failed))
	if len(rep.Highlights) > 0 {
		b.WriteString(" Highlights in the PDFs: " + highlightsSummary(rep.Highlights))
	}
	if job.err != nil {
		if job.err == context.Canceled {
			b.WriteString("\nThe import was cancelled; the files finished before stay in the library.")
		} else {
			fmt.Fprintf(&b, "\nThe import stopped: %v", job.err)
		}
	}
	job.summary = widget.NewLabel(b.String())
	job.summary.Wrapping = fyne.TextWrapWord
	u.setStatus("Import: %s", strings.SplitN(b.String(), "\n", 2)[0])
	// The summary goes above the views, not in a dialog: a dialog popping
	// up would take the keys of someone typing while the import ends.
	var buttons []fyne.CanvasObject
	if len(rep.Failed) > 0 {
		buttons = append(buttons, widget.NewButtonWithIcon(fmt.Sprintf("Failed files (%d)…", len(rep.Failed)), theme.WarningIcon(), func() {
			u.showImportFailures(rep.Failed)
		}))
	}
	if locked := needingPassword(rep.Failed); len(locked) > 0 {
		buttons = append(buttons, widget.NewButtonWithIcon(fmt.Sprintf("Password (%d)…", len(locked)), theme.AccountIcon(), func() {
			u.askImportPassword(locked)
		}))
	}
	if len(rep.Highlights) > 0 {
		buttons = append(buttons, widget.NewButtonWithIcon("Highlights…", theme.ColorPaletteIcon(), func() { u.showHighlightReport(rep.Highlights) }))
	}
	u.showBannerWith(job.summary, buttons...)
}

// needingPassword are the failed files that need a password to open.
func needingPassword(failed []index.ImportFailure) []string {
	var paths []string
	for _, f := range failed {
		if f.NeedsPassword {
			paths = append(paths, f.File)
		}
	}
	return paths
}

// askImportPassword asks for the password of encrypted PDFs and imports
// them again with it. The password is used for that import only.
func (u *UI) askImportPassword(paths []string) {
	entry := widget.NewPasswordEntry()
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	msg := widget.NewLabel(fmt.Sprintf("%s %s encrypted with a password. Enter it to import (it is not stored):",
		strings.Join(names, ", "), map[bool]string{true: "is", false: "are"}[len(paths) == 1]))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm("Password", "Import", "Cancel", []*widget.FormItem{
		widget.NewFormItem("", msg), widget.NewFormItem("Password", entry)}, func(ok bool) {
		if ok && entry.Text != "" {
			u.startImport(paths, entry.Text)
		}
	}, u.win)
	entry.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(u.dialogWidth(520), 0))
	d.Show()
	u.win.Canvas().Focus(entry)
	u.passwordDialog = d
	u.passwordEntry = entry
}

// showImportFailures lists the files an import could not read, and why.
// Each message wraps and takes the height it needs (a list's rows all
// have one height, and two-line messages overlapped the next row).
func (u *UI) showImportFailures(failed []index.ImportFailure) {
	rows := container.NewVBox()
	for i, f := range failed {
		if i > 0 {
			rows.Add(widget.NewSeparator())
		}
		l := widget.NewLabel(filepath.Base(f.File) + " — " + f.Error)
		l.Wrapping = fyne.TextWrapWord
		rows.Add(l)
	}
	head := widget.NewLabelWithStyle("Files that could not be imported:", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d := dialog.NewCustom("Import", "Close", container.NewBorder(head, nil, nil, nil, container.NewVScroll(rows)), u.win)
	d.Resize(fyne.NewSize(u.dialogWidth(700), min(450, u.win.Canvas().Size().Height*0.9)))
	d.Show()
}

// skipReasons says why files were left out, most common reason first
// ("a README or licence file, not an article: 2; hidden: 1").
func skipReasons(rep *index.ImportReport) string {
	counts := map[string]int{}
	var order []string
	for _, s := range rep.SkippedFiles {
		if counts[s.Reason] == 0 {
			order = append(order, s.Reason)
		}
		counts[s.Reason]++
	}
	if len(order) == 0 {
		return "not a kind Rapport reads"
	}
	sort.SliceStable(order, func(i, j int) bool { return counts[order[i]] > counts[order[j]] })
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = fmt.Sprintf("%s: %d", r, counts[r])
	}
	return strings.Join(parts, "; ")
}
