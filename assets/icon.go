package assets

import _ "embed"

// IconPNG is Rapport's application icon (512×512): a page with passages
// highlighted in theme colours. FyneApp.toml points the fyne tool at the
// same file.
//
//go:embed icon.png
var IconPNG []byte
