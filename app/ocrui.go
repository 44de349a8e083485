package app

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/tesseract"
)

// ocrRun is the OCR of scans running in the background (Library.OCR): a
// progress bar with the page being read and a cancel button above the
// views. The window stays usable meanwhile; pages read stay read when it
// is cancelled, and the next run (at the next start, or the next import
// of a scan) reads the rest.
type ocrRun struct {
	cancel  context.CancelFunc
	bar     *widget.ProgressBar
	label   *widget.Label
	panel   fyne.CanvasObject
	running bool
	again   bool // a scan was imported meanwhile: run once more at the end
	lib     *index.Library
	// Progress is the last progress reported (tests read it).
	progress index.OCRProgress
	err      error
	rep      *index.OCRReport
}

// ocrWorkers is how many Tesseract processes the window runs: one per
// core but one, which the window keeps.
func ocrWorkers() int { return max(1, runtime.NumCPU()-1) }

// readImportedScans reads the scans an import brought.
func (u *UI) readImportedScans(rep *index.ImportReport) {
	if rep == nil {
		return
	}
	for _, it := range rep.Imported {
		if it.Scanned > 0 {
			u.StartOCR()
			return
		}
	}
}

// resumeOCR reads, at start, the scans a stopped run (or a window closed
// meanwhile) left unread.
func (u *UI) resumeOCR() {
	lib := u.lib
	u.background(func() {
		ids, err := lib.PendingOCR(u.ctx)
		if err != nil || len(ids) == 0 {
			return
		}
		u.do(func() {
			if lib == u.lib {
				u.StartOCR()
			}
		})
	})
}

// StartOCR reads every scanned page not read yet, in the background, with
// progress and cancel above the views. Without Tesseract it says in one
// line how to install it.
func (u *UI) StartOCR() {
	if u.ocr != nil && u.ocr.running {
		u.ocr.again = true
		return
	}
	ctx, cancel := context.WithCancel(u.ctx)
	run := &ocrRun{cancel: cancel, bar: widget.NewProgressBar(), label: widget.NewLabel("Looking for Tesseract…"), running: true, lib: u.lib}
	run.label.Truncation = fyne.TextTruncateEllipsis
	stop := widget.NewButtonWithIcon("Stop", theme.CancelIcon(), func() { cancel() })
	run.panel = container.NewBorder(nil, nil, widget.NewLabel("Reading scans"), stop, container.NewVBox(run.bar, run.label))
	u.ocr = run
	u.banner.Add(run.panel)
	lib := u.lib
	u.background(func() {
		eng, err := index.FindOCR(ctx)
		if err != nil {
			u.do(func() { u.endOCR(run, nil, err) })
			return
		}
		rep, err := lib.OCR(ctx, nil, index.OCROptions{Engine: eng, Workers: ocrWorkers(), Progress: func(p index.OCRProgress) {
			u.do(func() { u.ocrProgress(run, p) })
		}})
		u.do(func() { u.endOCR(run, rep, err) })
	})
}

// ocrProgress shows how far a run is; the page being read shows up in the
// reader as soon as it is stored.
func (u *UI) ocrProgress(run *ocrRun, p index.OCRProgress) {
	run.progress = p
	if p.Total > 0 {
		run.bar.SetValue(float64(p.Done) / float64(p.Total))
	}
	if p.DocID == 0 {
		run.label.SetText(fmt.Sprintf("%d scanned pages to read with Tesseract…", p.Total))
		return
	}
	run.label.SetText(fmt.Sprintf("%d of %d pages: page %d of “%s”", p.Done, p.Total, p.Page, oneLineTitle(p.Title)))
	if u.reader.hasDoc && u.reader.doc.ID == p.DocID {
		u.reader.reload()
	}
}

// endOCR takes the run's panel away and says what it did.
func (u *UI) endOCR(run *ocrRun, rep *index.OCRReport, err error) {
	run.running, run.rep, run.err = false, rep, err
	run.cancel()
	u.banner.Remove(run.panel)
	switch {
	case errors.Is(err, index.ErrOCRUnavailable):
		u.showOCRHint(run.lib)
		return
	case errors.Is(err, context.Canceled):
		u.setStatus("Reading scans stopped; the pages read are kept, the rest are read at the next start.")
	case err != nil:
		u.setStatus("Reading scans: %v", err)
	case rep != nil:
		pages, failed := 0, 0
		for _, d := range rep.Documents {
			pages += d.Pages
			failed += len(d.PageErrors)
		}
		msg := fmt.Sprintf("Read %d scanned pages in %d documents with Tesseract %s", pages, len(rep.Documents), rep.Tesseract)
		if failed > 0 {
			msg += fmt.Sprintf("; %d pages could not be read", failed)
		}
		u.setStatus("%s.", msg)
	}
	if run.lib == u.lib {
		u.reloadAll()
	}
	if run.again && err == nil {
		u.StartOCR()
	}
}

// showOCRHint says, in one line above the views, that scans are not read
// and how to install Tesseract.
func (u *UI) showOCRHint(lib *index.Library) {
	line := widget.NewLabel(ocrHintLine())
	line.Wrapping = fyne.TextWrapWord
	var box *fyne.Container
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { u.banner.Remove(box) })
	box = container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), closeBtn, line)
	u.banner.Add(box)
	u.setStatus("%s", ocrHintLine())
}

// ocrHintLine is the one line that says scans are not read, and how to
// read them.
func ocrHintLine() string {
	return "Scanned, not read — " + tesseract.InstallHint + ", then restart Rapport."
}

// stopOCR cancels a running OCR (a library switch).
func (u *UI) stopOCR() {
	if u.ocr != nil && u.ocr.running {
		u.ocr.cancel()
	}
}

// ocrPageInfo tells, beside the title, how a scanned page was read (short:
// the title gives way to it).
func ocrPageInfo(p index.Page) string {
	switch {
	case p.FromScan():
		return fmt.Sprintf("Page from a scan (%s, %.0f%%)", p.OCR.Lang, p.OCR.MeanConf)
	case p.Scanned && p.OCR != nil && p.OCR.Error != "":
		return "Scan not readable"
	case p.Scanned && p.OCR != nil:
		return "Page from a scan"
	case p.Scanned:
		return "Scan, not read"
	}
	return ""
}

// scanNotice says why a scanned page shows no text yet, and what to do.
func (r *readerPane) scanNotice(p index.Page) string {
	u := r.u
	switch {
	case p.OCR != nil && p.OCR.Error != "":
		return "This page is a scan that could not be read: " + p.OCR.Error + ". Open PDF shows it as printed."
	case p.OCR != nil:
		return "This page is a scan; Tesseract found no words on it. Open PDF shows it as printed."
	case u.ocr != nil && u.ocr.running:
		return "This page is a scan, not read yet: Rapport is reading the library's scans with Tesseract (see above); its text appears here when it is read."
	case u.ocr != nil && errors.Is(u.ocr.err, index.ErrOCRUnavailable):
		return ocrHintLine()
	}
	return "This page is a scan, not read yet: Rapport reads scans with Tesseract when it starts and after each import."
}

func oneLineTitle(s string) string { return strings.Join(strings.Fields(s), " ") }
