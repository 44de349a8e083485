package importer

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
)

func TestDebugPage(t *testing.T) {
	file := os.Getenv("DBG_FILE")
	if file == "" {
		t.Skip()
	}
	pg, _ := strconv.Atoi(os.Getenv("DBG_PAGE"))
	data, _ := os.ReadFile(file)
	rd, err := openPDF(data)
	if err != nil {
		t.Fatal(err)
	}
	p := rd.Page(pg)
	lay, err := layoutPage(context.Background(), p, fontCache{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range readGrids(orderBands(buildBlocks(lay.frags))) {
		fmt.Printf("BLOCK x %.0f-%.0f y %.0f-%.0f size %.1f\n", b.x0, b.x1, b.y0, b.y1, b.size)
		for _, f := range b.lines {
			bold := ""
			for _, w := range f.words {
				if w.face%2 == 0 {
					bold += "B"
				} else {
					bold += "."
				}
			}
			fmt.Printf("  x %.0f-%.0f y %.1f s %.2f %s | %.70s\n", f.x0, f.x1, f.y, f.size, bold, f.text)
		}
	}
}

func TestDebugChart(t *testing.T) {
	file := os.Getenv("DBG_FILE")
	if file == "" {
		t.Skip()
	}
	pg, _ := strconv.Atoi(os.Getenv("DBG_PAGE"))
	data, _ := os.ReadFile(file)
	rd, _ := openPDF(data)
	lay, _ := layoutPage(context.Background(), rd.Page(pg), fontCache{})
	var body []*fragment
	for _, f := range lay.frags {
		if !f.header {
			body = append(body, f)
		}
	}
	blocks := buildBlocks(body)
	c := chartBoxes(blocks)
	fmt.Println("spans", c.spans)
	for i, b := range blocks {
		fmt.Printf("%d box=%v %.0f-%.0f %.0f-%.0f %.30q\n", i, c.box[i], b.x0, b.x1, b.y0, b.y1, b.lines[0].text)
	}
	for _, b := range orderBlocks(append([]*block(nil), blocks...)) {
		fmt.Printf("%.30q\n", b.lines[0].text)
	}
	fmt.Println("--- orderBands+readGrids")
	for _, b := range readGrids(orderBands(append([]*block(nil), blocks...))) {
		fmt.Printf("%.30q\n", b.lines[0].text)
	}
}

func TestDebugWords(t *testing.T) {
	file := os.Getenv("DBG_FILE")
	if file == "" {
		t.Skip()
	}
	pg, _ := strconv.Atoi(os.Getenv("DBG_PAGE"))
	data, _ := os.ReadFile(file)
	rd, _ := openPDF(data)
	in := &interpreter{ctx: context.Background(), fonts: fontCache{}}
	in.runPage(rd.Page(pg))
	for _, w := range buildWords(in.glyphs) {
		if w.y > 560 && w.y < 700 && w.x0 < 300 {
			fmt.Printf("%q x %.1f-%.1f y %.2f s %.2f sp %v\n", w.text, w.x0, w.x1, w.y, w.size, w.spaceBefore)
		}
	}
}
