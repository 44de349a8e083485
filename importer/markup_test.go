package importer

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// A file's markup annotations are counted the same whether its
// dictionaries are written plainly or packed in object streams (qpdf
// packs them), and whether the streams are read in one pass or, for an
// encrypted file, through the PDF reader.
func TestMarkupCountObjectStreams(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf not installed (scripts/install-deps installs it)")
	}
	words := pdfgen.Text{X: 72, Y: 700, Size: 12, S: "Trust grows slowly between persons and staff."}
	page := func(markup ...pdfgen.Annot) pdfgen.Page {
		return pdfgen.Page{Texts: []pdfgen.Text{words}, Markup: markup,
			Annots: []string{"<< /Type /Annot /Subtype /Link /Rect [72 690 200 712] /A << /S /URI /URI (https://example.org) >> >>"}}
	}
	hl := func(sub string) pdfgen.Annot {
		return pdfgen.Annot{Subtype: sub, Rect: [4]float64{72, 695, 200, 712}, Color: []float64{1, 1, 0}, Contents: "a note"}
	}
	doc := pdfgen.Doc{Pages: []pdfgen.Page{
		page(hl("Highlight"), hl("Underline")),
		page(),
		page(hl("Ink"), hl("Square"), hl("StrikeOut")),
	}}
	const want = 4 // Highlight, Underline, Ink, StrikeOut; not the links nor the Square

	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.pdf")
	if err := os.WriteFile(plain, doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	qpdf := func(name string, args ...string) string {
		out := filepath.Join(dir, name+".pdf")
		args = append(args, "--", plain, out)
		if msg, err := exec.Command("qpdf", args...).CombinedOutput(); err != nil {
			t.Fatalf("qpdf %v: %v\n%s", args, err, msg)
		}
		return out
	}
	for _, tc := range []struct {
		name, file string
		packed     bool // its dictionaries are in object streams
		oneScan    bool // inflateObjectStreams reads them
	}{
		{"plain", plain, false, false},
		{"object streams", qpdf("packed", "--object-streams=generate"), true, true},
		{"object streams, encrypted", qpdf("packed-rc4", "--allow-weak-crypto", "--object-streams=generate", "--encrypt", "", "owner", "128", "--use-aes=n", "--"), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(data, []byte("/ObjStm")); got != tc.packed {
				t.Fatalf("file has object streams: %v, want %v", got, tc.packed)
			}
			if tc.packed {
				if _, ok := inflateObjectStreams(data); ok != tc.oneScan {
					t.Fatalf("inflateObjectStreams ok = %v, want %v", ok, tc.oneScan)
				}
			}
			ex, err := ExtractPDFWith(context.Background(), data, ExtractOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Markup != want {
				t.Errorf("Markup = %d, want %d", ex.Markup, want)
			}
		})
	}
}
