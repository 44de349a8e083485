// Package assets holds the files Rapport ships inside its binary: the
// built-in codebook of helpful-relationship themes (codebook.json), and,
// in files of their own, the demo library and the application icon.
//
// The package only embeds bytes; the index package decides what to do with
// them (it seeds every new library with the codebook).
package assets

import _ "embed"

// CodebookJSON is the built-in codebook: sources, and a two-level tree of
// themes with names, descriptions, colours, source keys and provisional
// flags. Its "version" rises whenever a release adds themes, so that
// existing libraries receive the new ones (and never those a user removed).
//
//go:embed codebook.json
var CodebookJSON []byte
