package pdfium

import (
	"fmt"
	"math"

	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// Affine maps a point (x, y) to (A*x + C*y + E, B*x + D*y + F).
type Affine struct{ A, B, C, D, E, F float64 }

// Apply maps one point.
func (m Affine) Apply(x, y float64) (float64, float64) {
	return m.A*x + m.C*y + m.E, m.B*x + m.D*y + m.F
}

// DeviceToPage returns the map from the pixels of page i rendered as a
// w×h image (as Render draws it: the page's /Rotate applied, the top left
// pixel at 0,0) to PDF user space: PDFium's own display transform, so the
// page's rotation and the origin of its boxes are what PDFium drew.
func (d *Document) DeviceToPage(i, w, h int) (m Affine, err error) {
	if i < 0 || i >= d.pages {
		return m, fmt.Errorf("pdfium: page %d out of range (1–%d)", i+1, d.pages)
	}
	if w < 1 || h < 1 {
		return m, fmt.Errorf("pdfium: page %d: no pixels (%dx%d)", i+1, w, h)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	pg := requests.Page{ByIndex: &requests.PageByIndex{Document: d.ref, Index: i}}
	at := func(x, y int) (float64, float64, error) {
		r, err := d.inst.FPDF_DeviceToPage(&requests.FPDF_DeviceToPage{Page: pg, SizeX: w, SizeY: h, Rotate: enums.FPDF_PAGE_ROTATION_NONE, DeviceX: x, DeviceY: y})
		if err != nil {
			return 0, 0, classify(err)
		}
		return r.PageX, r.PageY, nil
	}
	x0, y0, err := at(0, 0)
	if err != nil {
		return m, err
	}
	xw, yw, err := at(w, 0)
	if err != nil {
		return m, err
	}
	xh, yh, err := at(0, h)
	if err != nil {
		return m, err
	}
	m = Affine{A: (xw - x0) / float64(w), B: (yw - y0) / float64(w), C: (xh - x0) / float64(h), D: (yh - y0) / float64(h), E: x0, F: y0}
	for _, v := range []float64{m.A, m.B, m.C, m.D, m.E, m.F} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Affine{}, fmt.Errorf("pdfium: page %d: no usable display transform", i+1)
		}
	}
	return m, nil
}

// maxObjectsScanned bounds the page objects ImageCoverage looks at.
const maxObjectsScanned = 20_000

// ImageCoverage returns the share (0–1) of page i's media box that its
// images cover (their bounds added up, each clipped to the page; images
// inside form XObjects one level down count too): a scanned page is one
// large image.
func (d *Document) ImageCoverage(i int) (share float64, err error) {
	info, err := d.Page(i)
	if err != nil {
		return 0, err
	}
	mb := info.MediaBox
	pageArea := (mb.X1 - mb.X0) * (mb.Y1 - mb.Y0)
	if !(pageArea > 0) {
		return 0, nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: page %d: %v", ErrUnreadable, i+1, r)
		}
	}()
	inst := d.inst
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d.ref, Index: i})
	if err != nil {
		return 0, classify(err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	pg := requests.Page{ByReference: &page.Page}
	n, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: pg})
	if err != nil {
		return 0, classify(err)
	}
	area := 0.0
	seen := 0
	addImage := func(obj references.FPDF_PAGEOBJECT) {
		b, err := inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: obj})
		if err != nil {
			return
		}
		x0, x1 := math.Max(float64(b.Left), mb.X0), math.Min(float64(b.Right), mb.X1)
		y0, y1 := math.Max(float64(b.Bottom), mb.Y0), math.Min(float64(b.Top), mb.Y1)
		if x1 > x0 && y1 > y0 {
			area += (x1 - x0) * (y1 - y0)
		}
	}
	for k := 0; k < n.Count && seen < maxObjectsScanned; k++ {
		seen++
		obj, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: pg, Index: k})
		if err != nil {
			continue
		}
		t, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj.PageObject})
		if err != nil {
			continue
		}
		switch t.Type {
		case enums.FPDF_PAGEOBJ_IMAGE:
			addImage(obj.PageObject)
		case enums.FPDF_PAGEOBJ_FORM:
			fn, err := inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: obj.PageObject})
			if err != nil {
				continue
			}
			for j := 0; j < fn.Count && seen < maxObjectsScanned; j++ {
				seen++
				sub, err := inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: obj.PageObject, Index: uint64(j)})
				if err != nil {
					continue
				}
				if st, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: sub.PageObject}); err == nil && st.Type == enums.FPDF_PAGEOBJ_IMAGE {
					addImage(sub.PageObject)
				}
			}
		}
	}
	return math.Min(area/pageArea, 1), nil
}
