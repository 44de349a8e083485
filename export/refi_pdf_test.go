package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// writeProjectFile exports a library's whole project to a .qdpx file.
func writeProjectFile(t *testing.T, lib *index.Library) (string, []byte) {
	t.Helper()
	d, err := Collect(context.Background(), lib, Filter{FullText: true})
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	var buf bytes.Buffer
	if err := WriteProject(&buf, d, func(s string) { warned = append(warned, s) }); err != nil {
		t.Fatal(err)
	}
	if len(warned) > 0 {
		t.Errorf("the export left out: %q", warned)
	}
	path := filepath.Join(t.TempDir(), "project.qdpx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

func zipEntries(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = b
	}
	return out
}

func freshLibrary(t *testing.T) *index.Library {
	t.Helper()
	lib, err := index.Open(context.Background(), filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

// TestREFIPDFSourceRoundTrip: a PDF document is written as a PDFSource —
// the PDF in the project, its text as the representation with the text
// coding, its area as a PDFSelection with the page and corners in points
// from the page's top left — that validates against Project.xsd, and a
// fresh library reading it back has the PDF with the same annotations;
// reading it again adds nothing. A second coder's coding of the same area
// stays that coder's, under the coder's own GUID.
func TestREFIPDFSourceRoundTrip(t *testing.T) {
	lib, area := areaLibrary(t)
	ctx := context.Background()
	bos, err := lib.Tag(ctx, index.TagRequest{DocID: area.DocID, Page: area.Page, Rect: area.Rect, Themes: []string{"Support"}, Author: "Bo"})
	if err != nil {
		t.Fatal(err)
	}
	bo, err := lib.CoderByName(ctx, "Bo")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := lib.Annotations(ctx, index.AnnotationFilter{})
	if err != nil || len(orig) != 3 {
		t.Fatalf("library annotations: %v %+v", err, orig)
	}
	path, data := writeProjectFile(t, lib)
	files := zipEntries(t, data)
	xmlValidate(t, "Project.xsd", files["project.qde"])

	var q qdeProject
	if err := xml.Unmarshal(files["project.qde"], &q); err != nil {
		t.Fatal(err)
	}
	if q.Sources == nil || len(q.Sources.PDFSources) != 1 || len(q.Sources.TextSources) != 0 {
		t.Fatalf("sources: %+v", q.Sources)
	}
	pdf := q.Sources.PDFSources[0]
	docs, _ := lib.Documents(ctx)
	stored, err := os.ReadFile(lib.FilePath(docs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pdf.Path, "internal://") || !bytes.Equal(files["sources/"+strings.TrimPrefix(pdf.Path, "internal://")], stored) {
		t.Errorf("the PDF source's path %q does not hold the document's PDF", pdf.Path)
	}
	if pdf.Representation == nil || len(pdf.Representation.Selections) != 1 || pdf.Representation.GUID == pdf.GUID {
		t.Fatalf("representation %+v", pdf.Representation)
	}
	if len(pdf.Selections) != 2 {
		t.Fatalf("region selections %+v", pdf.Selections)
	}
	// The area (100, 300)–(300, 400) of a letter page (792 points high):
	// from the top left, (100, 392)–(300, 492).
	s := pdf.Selections[0]
	if s.Page != "2" || s.FirstX != "100" || s.FirstY != "392" || s.SecondX != "300" || s.SecondY != "492" || len(s.Codings) != 1 || s.Description != "the synthesis" {
		t.Errorf("region selection %+v", s)
	}
	if s2 := pdf.Selections[1]; s2.CreatingUser != bo.GUID || s2.Codings[0].CreatingUser != bo.GUID {
		t.Errorf("Bo's region selection is made by %q, want Bo's GUID %s", s2.CreatingUser, bo.GUID)
	}

	// into a fresh library
	fresh := freshLibrary(t)
	p, err := ReadProjectFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ApplyProject(ctx, fresh, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || len(rep.NotImported) > 0 {
		t.Errorf("problems %q, not imported %v", rep.Problems, rep.NotImported)
	}
	fdocs, _ := fresh.Documents(ctx)
	if len(fdocs) != 1 || fdocs[0].Kind != "pdf" || fdocs[0].SHA256 != docs[0].SHA256 || fdocs[0].Title != docs[0].Title {
		t.Fatalf("documents of the fresh library: %+v", fdocs)
	}
	back, err := fresh.Annotations(ctx, index.AnnotationFilter{})
	if err != nil || len(back) != 3 {
		t.Fatalf("annotations read back: %v %+v", err, back)
	}
	for i := range orig {
		a, b := orig[i], back[i]
		if a.Kind != b.Kind || a.Page != b.Page || a.Start != b.Start || a.End != b.End || a.Quote != b.Quote || a.Note != b.Note ||
			strings.Join(a.Themes, ";") != strings.Join(b.Themes, ";") || a.GUID != b.GUID || a.Coder != b.Coder {
			t.Errorf("annotation %d: wrote %+v, read back %+v", i, a, b)
		}
		if a.IsArea() && *a.Rect != *b.Rect {
			t.Errorf("area %v read back as %v", *a.Rect, *b.Rect)
		}
	}
	areaBack := false
	for _, b := range back {
		areaBack = areaBack || b.GUID == area.GUID && b.IsArea() && *b.Rect == *area.Rect
	}
	if !areaBack {
		t.Errorf("the area %s (GUID %s) is not read back: %+v", *area.Rect, area.GUID, back)
	}
	if c, err := fresh.CoderByName(ctx, "Bo"); err != nil || c.GUID != bo.GUID {
		t.Errorf("Bo read back as %+v (%v), want GUID %s", c, err, bo.GUID)
	}
	if got, _ := fresh.Annotations(ctx, index.AnnotationFilter{Coder: "Bo"}); len(got) != 1 || got[0].GUID != bos.GUID || !got[0].IsArea() {
		t.Errorf("Bo's annotations read back: %+v", got)
	}

	// again: found, nothing added
	rep, err = ApplyProject(ctx, fresh, p)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := fresh.Annotations(ctx, index.AnnotationFilter{}); len(again) != 3 || rep.Annotations != 0 {
		t.Errorf("reading the project again: %d annotations, %d added", len(again), rep.Annotations)
	}
	if d2, _ := fresh.Documents(ctx); len(d2) != 1 {
		t.Errorf("reading the project again: %d documents", len(d2))
	}
}

// otherToolPDFProject is a project as another tool writes a coded PDF
// (QualCoder, MAXQDA): the PDF, its text as the tool read it (other line
// breaks), a text coding by position in that text, and a region coded on
// the figure, pages counted from base.
func otherToolPDFProject(t *testing.T, pdf []byte, page string, withPDF bool, extra string) []byte {
	t.Helper()
	// (another reading than Rapport's: a header line, other breaks)
	text := "figures.pdf, page 1\n\nFigures  of helpful\nrelationships\n\n\nTrust grew when the professional\nwent beyond the rules of the service.\f" +
		"The figure below sums up the synthesis.\nAvailability Trust"
	start := strings.Index(text, "Trust grew")
	end := start + len("Trust grew when the professional")
	qde := `<?xml version="1.0" encoding="utf-8"?>
<Project name="Coded elsewhere" origin="QualCoder 3.6" xmlns="urn:QDA-XML:project:1.0">
 <Users><User guid="11111111-1111-1111-1111-111111111111" name="Ana"/></Users>
 <CodeBook><Codes>
  <Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Figures" isCodable="true" color="#336699"/>
  <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Going beyond" isCodable="true" color="#993366"/>
 </Codes></CodeBook>
 <Sources>
  <PDFSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="figures.pdf" path="internal://figures.pdf">
   <PDFSelection guid="cccccccc-0000-0000-0000-000000000001" name="the figure" page="` + page + `" firstX="100" firstY="392" secondX="300" secondY="492" creatingUser="11111111-1111-1111-1111-111111111111">
    <Description>the synthesis as a figure</Description>
    <Coding guid="dddddddd-0000-0000-0000-000000000001"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
   </PDFSelection>` + extra + `
   <Representation guid="bbbbbbbb-0000-0000-0000-000000000002" name="figures.pdf" plainTextPath="internal://figures.txt">
    <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000002" startPosition="` + itoa(start) + `" endPosition="` + itoa(end) + `">
     <Coding guid="dddddddd-0000-0000-0000-000000000002"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000002"/></Coding>
    </PlainTextSelection>
   </Representation>
  </PDFSource>
 </Sources>
</Project>`
	var buf bytes.Buffer
	zw := newTestZip(&buf)
	zw.add("project.qde", qde)
	zw.add("sources/figures.txt", text)
	if withPDF {
		zw.add("sources/figures.pdf", string(pdf))
	}
	zw.close(t)
	return buf.Bytes()
}

// TestREFIPDFSelectionFromOtherTools: another tool's PDF source comes in
// as the PDF itself, its region as an area annotation at the same place
// (pages counted from 1, or from 0 when the file does), its text coding
// placed by its quote in Rapport's reading of the page; without the PDF
// in the project the text comes in and the region is reported, not lost
// silently.
func TestREFIPDFSelectionFromOtherTools(t *testing.T) {
	src, _ := areaLibrary(t)
	ctx := context.Background()
	docs, _ := src.Documents(ctx)
	pdf, err := os.ReadFile(src.FilePath(docs[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, page string }{{"pages from 1", "2"}, {"pages from 0", "1"}} {
		t.Run(c.name, func(t *testing.T) {
			extra := ""
			if c.page == "1" {
				// counted from 0: a second region on page 0 says so
				extra = `
   <PDFSelection guid="cccccccc-0000-0000-0000-000000000003" page="0" firstX="72" firstY="60" secondX="500" secondY="120">
    <Coding guid="dddddddd-0000-0000-0000-000000000003"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
   </PDFSelection>`
			}
			data := otherToolPDFProject(t, pdf, c.page, true, extra)
			p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			lib := freshLibrary(t)
			rep, err := ApplyProject(ctx, lib, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) > 0 {
				t.Errorf("problems: %q", rep.Problems)
			}
			ldocs, _ := lib.Documents(ctx)
			if len(ldocs) != 1 || ldocs[0].Kind != "pdf" {
				t.Fatalf("documents %+v", ldocs)
			}
			list, err := lib.Annotations(ctx, index.AnnotationFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var area, passage *index.Annotation
			for i := range list {
				switch {
				case list[i].IsArea() && list[i].Page == 2:
					area = &list[i]
				case !list[i].IsArea():
					passage = &list[i]
				}
			}
			if area == nil || math.Abs(area.Rect.X1-100) > 0.01 || math.Abs(area.Rect.Y1-300) > 0.01 || math.Abs(area.Rect.X2-300) > 0.01 ||
				math.Abs(area.Rect.Y2-400) > 0.01 || area.Themes[0] != "Figures" || area.Note != "the synthesis as a figure" || area.Author != "Ana" {
				t.Errorf("the region came in as %+v", area)
			}
			if area != nil && area.Quote != "Availability Trust" {
				t.Errorf("the region's text %q", area.Quote)
			}
			if passage == nil || passage.Page != 1 || passage.Quote != "Trust grew when the professional" || passage.Themes[0] != "Going beyond" {
				t.Errorf("the text coding came in as %+v", passage)
			}
			wantAreas := 1
			if c.page == "1" {
				wantAreas = 2
			}
			if n := len(list) - 1; n != wantAreas {
				t.Errorf("%d areas, want %d: %+v", n, wantAreas, list)
			}
		})
	}
	t.Run("without the PDF", func(t *testing.T) {
		data := otherToolPDFProject(t, pdf, "2", false, "")
		p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if p.NotImported["PDFSelection"] != 1 {
			t.Errorf("not imported %v", p.NotImported)
		}
		found := false
		for _, pr := range p.Problems {
			found = found || strings.Contains(pr, "region selections were not imported") && strings.Contains(pr, "figures.pdf")
		}
		if !found {
			t.Errorf("problems %q do not report the region", p.Problems)
		}
		lib := freshLibrary(t)
		if _, err := ApplyProject(ctx, lib, p); err != nil {
			t.Fatal(err)
		}
		list, _ := lib.Annotations(ctx, index.AnnotationFilter{})
		if len(list) != 1 || list[0].IsArea() {
			t.Errorf("annotations %+v", list)
		}
	})
}

// TestREFIAreaCorners: corners in points from the top left of the page as
// displayed, for every rotation and a crop box away from the origin, and
// back.
func TestREFIAreaCorners(t *testing.T) {
	ctx := context.Background()
	lib := freshLibrary(t)
	dir := t.TempDir()
	var paths []string
	for _, rot := range []int{0, 90, 180, 270} {
		doc := pdfgen.Doc{Pages: []pdfgen.Page{{Rotate: rot, CropBox: [4]float64{20, 30, 560, 760}, Texts: []pdfgen.Text{{X: 100, Y: 500, Size: 12, Font: pdfgen.TimesRoman, S: "Rotated " + itoa(rot)}}}}}
		path := filepath.Join(dir, "rot"+itoa(rot)+".pdf")
		if err := os.WriteFile(path, doc.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	rep, err := lib.Import(ctx, paths, nil)
	if err != nil || len(rep.Imported) != 4 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	r := index.Rect{X1: 100.25, Y1: 300, X2: 250, Y2: 420.5}
	for _, it := range rep.Imported {
		info, err := lib.PageInfo(ctx, it.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		fx, fy, sx, sy := REFIFromRect(info, r)
		if fx >= sx || fy >= sy || fx < 0 || fy < 0 || float64(sx) > info.Width+1 || float64(sy) > info.Height+1 {
			t.Errorf("rotation %d: corners %d,%d–%d,%d on a page %gx%g", info.Rotate, fx, fy, sx, sy, info.Width, info.Height)
		}
		back := RectFromREFI(info, fx, fy, sx, sy)
		// whole points outward: the rectangle read back holds the first,
		// at most a point larger on each side
		if back.X1 > r.X1 || back.Y1 > r.Y1 || back.X2 < r.X2 || back.Y2 < r.Y2 || r.X1-back.X1 > 1 || r.Y1-back.Y1 > 1 || back.X2-r.X2 > 1 || back.Y2-r.Y2 > 1 {
			t.Errorf("rotation %d: %v → %d,%d–%d,%d → %v", info.Rotate, r, fx, fy, sx, sy, back)
		}
	}
}
