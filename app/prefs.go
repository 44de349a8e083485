package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rapport-qda/rapport/index"
)

// Preference keys (fyne Preferences of the app id).
const (
	prefLibraryDir  = "libraryDir"
	prefAuthor      = "author"
	prefTheme       = "theme" // "system", "light" or "dark"
	prefWidth       = "windowWidth"
	prefHeight      = "windowHeight"
	prefLastView    = "lastView"
	prefLastDoc     = "lastDoc"
	prefLastPage    = "lastPage"
	prefLastLibrary = "lastLibrary" // the library of lastDoc and lastPage
	prefWelcomed    = "welcomed"
)

// rapportTheme is Fyne's default theme with the light/dark choice of the
// preferences.
type rapportTheme struct {
	variant string // "light", "dark" or "" for the system's choice
}

func (t rapportTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case "light":
		v = theme.VariantLight
	case "dark":
		v = theme.VariantDark
	}
	return theme.DefaultTheme().Color(n, v)
}
func (rapportTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (rapportTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (rapportTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }

// isDark reports whether the window shows the dark variant.
func (u *UI) isDark() bool {
	switch u.app.Preferences().String(prefTheme) {
	case "dark":
		return true
	case "light":
		return false
	}
	return u.app.Settings().ThemeVariant() == theme.VariantDark
}

func applyThemePreference(a fyne.App) {
	v := a.Preferences().String(prefTheme)
	if v == "system" {
		v = ""
	}
	a.Settings().SetTheme(rapportTheme{variant: v})
}

// authorName is the name recorded on new annotations.
func (u *UI) authorName() string {
	return strings.TrimSpace(u.app.Preferences().String(prefAuthor))
}

// ShowPreferences opens the preferences dialog: library folder, author
// name, light or dark look.
func (u *UI) ShowPreferences() {
	p := u.app.Preferences()
	dir := widget.NewEntry()
	dir.SetText(u.lib.Dir())
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				dir.SetText(l.Path())
			}
		}, u.win)
		d.Show()
	})
	author := widget.NewEntry()
	author.SetText(p.String(prefAuthor))
	author.SetPlaceHolder("Your name, recorded on annotations")
	look := widget.NewRadioGroup([]string{"System", "Light", "Dark"}, nil)
	look.Horizontal = true
	switch p.String(prefTheme) {
	case "light":
		look.SetSelected("Light")
	case "dark":
		look.SetSelected("Dark")
	default:
		look.SetSelected("System")
	}
	items := []*widget.FormItem{
		widget.NewFormItem("Library folder", container.NewBorder(nil, nil, nil, browse, dir)),
		widget.NewFormItem("Author name", author),
		widget.NewFormItem("Look", look),
	}
	d := dialog.NewForm("Preferences", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		p.SetString(prefAuthor, strings.TrimSpace(author.Text))
		u.lib.Author = u.authorName()
		p.SetString(prefTheme, strings.ToLower(look.Selected))
		applyThemePreference(u.app)
		u.reader.refreshColours()
		if d := strings.TrimSpace(dir.Text); d != "" && d != u.lib.Dir() {
			u.openLibraryDir(d, true)
		}
	}, u.win)
	// wide enough for the whole path (the label column, the browse button
	// and the dialog's margins come on top of it), as the window allows
	pathW := fyne.MeasureText(dir.Text, theme.TextSize(), fyne.TextStyle{}).Width
	d.Resize(fyne.NewSize(u.dialogWidth(max(560, pathW+320)), d.MinSize().Height))
	d.Show()
}

// openLibraryDir switches the window to the library in dir (created when
// missing); remember makes it the library opened next time.
func (u *UI) openLibraryDir(dir string, remember bool) {
	old := u.lib
	lib, err := u.openLibrary(dir)
	if err != nil {
		u.showError("open library "+dir, err)
		return
	}
	if remember {
		u.app.Preferences().SetString(prefLibraryDir, dir)
	}
	lib.Author = u.authorName()
	u.SwitchLibrary(lib)
	if old != nil && old != lib {
		old.Close()
	}
}

// openLibrary opens a library folder with Run's opener (which passes
// notices on), or plainly.
func (u *UI) openLibrary(dir string) (*index.Library, error) {
	if u.OpenLibrary != nil {
		return u.OpenLibrary(dir)
	}
	return index.Open(u.ctx, dir, nil)
}
