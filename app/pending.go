package app

// Screens that wait for the codebook and annotation API (issue 5) and the
// export package (issue 6); they are filled in as those land.

// ShowExport opens the export dialog.
func (u *UI) ShowExport() {}
