package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"

	"github.com/rapport-qda/rapport/index"
)

// TestScanNote: quotes from pages read by OCR carry "(text recognised from
// a scan)" in the source_note of CSV and JSON exports; other quotes carry
// none.
func TestScanNote(t *testing.T) {
	pages := map[int64][]index.Page{}
	for id, ps := range fixturePages {
		pages[id] = append([]index.Page(nil), ps...)
	}
	// Page 2 of document 2 was a scan, read by OCR.
	pages[2][1].Scanned = true
	pages[2][1].OCR = &index.PageOCR{Lang: "eng", Tesseract: "5.3.0", MeanConf: 91, Words: 17, Used: true}
	// Page 1 of document 2 is a scan whose reading is not in use (failed).
	pages[2][0].Scanned = true
	pages[2][0].OCR = &index.PageOCR{Lang: "eng", Error: "too large"}
	d, err := Build("Test library", fixedTime, fixtureDocs, pages, fixtureThemes, fixtureAnnotations(t), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{}
	for _, e := range d.Excerpts {
		if e.DocID == 2 && e.Page == 2 {
			want[e.ID] = ScanNote
		} else {
			want[e.ID] = ""
		}
	}
	if len(want) < 3 {
		t.Fatalf("fixture has %d excerpts", len(want))
	}

	var buf bytes.Buffer
	if err := WriteCSV(&buf, d, false); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	scans := 0
	for _, r := range rows[1:] {
		var id int64
		json.Unmarshal([]byte(r[col["annotation_id"]]), &id)
		if got := r[col["source_note"]]; got != want[id] {
			t.Errorf("CSV annotation %d: source_note %q, want %q", id, got, want[id])
		}
		if r[col["source_note"]] != "" {
			scans++
		}
	}
	if scans == 0 {
		t.Error("no CSV row from the scanned page")
	}

	buf.Reset()
	if err := WriteJSON(&buf, d); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Excerpts []map[string]any `json:"excerpts"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Excerpts {
		id := int64(e["id"].(float64))
		if got, ok := e["source_note"]; !ok || got != want[id] {
			t.Errorf("JSON excerpt %d: source_note %v, want %q", id, got, want[id])
		}
	}
}
