package importer

import "testing"

func TestDetectKind(t *testing.T) {
	tests := []struct {
		name, head string
		want       Kind
	}{
		{"a.pdf", "", KindPDF},
		{"a.PDF", "not really", KindPDF},
		{"noext", "%PDF-1.7\n", KindPDF},
		{"a.bib", "", KindMetadata},
		{"a.ris", "", KindMetadata},
		{"a.json", "", KindMetadata},
		{"a.qdpx", "", KindQDPX},
		{"Project.QDE", "<?xml", KindQDPX},
		{"a.qdc", "", KindQDC},
		{"seed.txt", `{"title":"“一切都是那么轻松和个性化”`, KindMetadata},
		{"seed.txt", "\ufeff[\n  {\"type\": \"book\"", KindMetadata},
		{"export.txt", "TY  - JOUR\nTI  - x\n", KindMetadata},
		{"export.txt", "% Encoding: UTF-8\n\n@Article{k,\n", KindMetadata},
		{"notes.md", "# Notes\n\n@article{k, is quoted here}", KindText},
		{"notes.txt", "[Interview 3] The coach said", KindText},
		{"notes.txt", "{brace} at the start of prose", KindText},
		{"notes.txt", "Relationships with professionals have been shown", KindText},
		{"notes.txt", "", KindText},
		{"a.docx", "PK", KindUnknown},
	}
	for _, tt := range tests {
		if got := DetectKind(tt.name, []byte(tt.head)); got != tt.want {
			t.Errorf("DetectKind(%q, %.20q) = %q, want %q", tt.name, tt.head, got, tt.want)
		}
	}
}
