package importer

import "testing"

func TestNormalizeTitle(t *testing.T) {
	tests := []struct{ a, b string }{
		{"“Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support",
			"Everything is so relaxed and personal: the Construction of Helpful Relationships in Individual Placement and Support"},
		{"Participants’ success", "participants' SUCCESS"},
		{"Psykiatrisk vård för Bjørn och Ærlig", "psykiatrisk vard for bjorn och aerlig"},
		{"Eﬃcient ﬁndings", "efficient findings"},
		{"Straße", "strasse"},
		{"  many   spaces\tand\nnewlines ", "many spaces and newlines"},
	}
	for _, tt := range tests {
		ka, kb := NormalizeTitle(tt.a), NormalizeTitle(tt.b)
		if ka != kb {
			t.Errorf("NormalizeTitle(%q) = %q\nNormalizeTitle(%q) = %q\nwant equal", tt.a, ka, tt.b, kb)
		}
	}
	if got, want := NormalizeTitle("Helpful Relationships — A Meta-Ethnography!"), "helpful relationships a meta ethnography"; got != want {
		t.Errorf("NormalizeTitle = %q, want %q", got, want)
	}
	if got, want := NormalizeTitle("“一切都是那么轻松和个性化”"), "一切都是那么轻松和个性化"; got != want {
		t.Errorf("NormalizeTitle(Chinese) = %q, want %q", got, want)
	}
	if NormalizeTitle("Helpful relationships") == NormalizeTitle("Helpful relationship") {
		t.Error("different titles must not give the same key")
	}
}

func TestPlausibleTitle(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"Helpful Relationships with Professionals for Persons with Severe Mental Illness", true},
		{"“Everything is so relaxed and personal” – The construction of helpful relationships", true},
		{"Microsoft Word - manuscript_final_v3.docx", false},
		{"untitled", false},
		{"12345 678 90", false},
		{"Title", false},
		{"doi:10.1007/s11126-015-9347-5", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := PlausibleTitle(tt.s); got != tt.want {
			t.Errorf("PlausibleTitle(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
