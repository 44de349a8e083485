package main

import (
	"os"
	"strings"
)

// quietCLocale keeps Fyne from logging "Error parsing user locale C" when
// the window starts under the C locale with an encoding (LANG=C.UTF-8, the
// default of containers and many CI machines): Fyne takes "C" for a
// language name and fails to parse it, in a package initialiser, so the
// headless program sets the environment before it hands over to the
// window program. Under such a locale, with no
// LANGUAGE of its own, the window's language is set to English — what the
// C locale means for messages — through LANGUAGE, which only message
// catalogues read. A real locale, a plain "C" (which Fyne understands) and
// a LANGUAGE already set are left alone.
func quietCLocale() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	loc := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(name); loc != "" {
			break
		}
	}
	lang, _, _ := strings.Cut(loc, ".")
	lang, _, _ = strings.Cut(lang, "@")
	if loc != lang && (lang == "C" || lang == "POSIX") {
		os.Setenv("LANGUAGE", "en")
	}
}
