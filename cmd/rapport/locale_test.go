package main

import (
	"os"
	"testing"
)

// TestQuietCLocale: the C locale with an encoding gets English messages;
// other locales, a plain C and a LANGUAGE already set are left alone.
func TestQuietCLocale(t *testing.T) {
	tests := []struct {
		lcAll, lang, language string
		want                  string
	}{
		{"", "C.UTF-8", "", "en"},
		{"", "C.utf8", "", "en"},
		{"POSIX.UTF-8", "sv_SE.UTF-8", "", "en"},
		{"", "C", "", ""},
		{"", "sv_SE.UTF-8", "", ""},
		{"", "", "", ""},
		{"", "C.UTF-8", "de", "de"},
		{"de_DE.UTF-8", "C.UTF-8", "", ""},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tt.lang)
		t.Setenv("LANGUAGE", tt.language)
		quietCLocale()
		if got := os.Getenv("LANGUAGE"); got != tt.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE %q, want %q", tt.lcAll, tt.lang, tt.language, got, tt.want)
		}
	}
}
