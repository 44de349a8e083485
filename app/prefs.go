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
	"github.com/rapport-qda/rapport/internal/coderpref"
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
	prefBlind       = "blindCoding" // show only the coder's own annotations
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

// authorName is the name recorded on new annotations: the coder.
func (u *UI) authorName() string { return u.coderName() }

// coderName is the coder the window codes as: RAPPORT_CODER, else the
// coder preference (shared with the command line, see coderpref), else the
// author name older versions kept in the window's preferences, else the
// login name.
func (u *UI) coderName() string {
	name, source, err := coderpref.Resolve("")
	if err != nil || source == coderpref.SourceLogin {
		if old := strings.TrimSpace(u.app.Preferences().String(prefAuthor)); old != "" {
			return old
		}
		if err != nil {
			return coderpref.LoginName()
		}
	}
	return name
}

// blind reports whether the window shows only the coder's own
// annotations (blind coding).
func (u *UI) blind() bool { return u.app.Preferences().Bool(prefBlind) }

// setBlind turns blind coding on or off and shows the library again.
func (u *UI) setBlind(on bool) {
	u.app.Preferences().SetBool(prefBlind, on)
	u.coderChanged()
}

// setCoder makes name the coder (saved as the preference the command line
// shares) and shows the library again.
func (u *UI) setCoder(name string) error {
	name = strings.TrimSpace(name)
	if name != "" {
		if err := index.CheckCoderName(name); err != nil {
			return err
		}
	}
	if err := coderpref.Save(name); err != nil {
		return err
	}
	u.app.Preferences().SetString(prefAuthor, name)
	u.coderChanged()
	return nil
}

// coderChanged follows a change of coder or of blind coding: the title,
// the status bar, the menu and every view.
func (u *UI) coderChanged() {
	u.lib.Author = u.coderName()
	u.setTitle()
	u.showCoder()
	u.win.SetMainMenu(u.mainMenu())
	u.reloadAll()
	u.reports.refresh()
}

// ShowCoderSwitch asks for the coder to code as, with blind coding.
func (u *UI) ShowCoderSwitch() {
	entry := widget.NewSelectEntry(nil)
	entry.SetText(u.coderName())
	entry.SetPlaceHolder("Your name, recorded on your annotations")
	lib := u.lib
	u.background(func() {
		coders, err := lib.Coders(u.ctx)
		if err != nil {
			return
		}
		var names []string
		for _, c := range coders {
			if c.Name != index.NoCoder && !c.Consensus {
				names = append(names, c.Name)
			}
		}
		u.do(func() { entry.SetOptions(names) })
	})
	blind := widget.NewCheck("Show only my annotations (blind coding)", nil)
	blind.SetChecked(u.blind())
	items := []*widget.FormItem{
		widget.NewFormItem("Coder", entry),
		widget.NewFormItem("", blind),
	}
	d := dialog.NewForm("Code as", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		u.app.Preferences().SetBool(prefBlind, blind.Checked)
		if err := u.setCoder(entry.Text); err != nil {
			u.showError("coder", err)
		}
	}, u.win)
	d.Resize(fyne.NewSize(u.dialogWidth(520), d.MinSize().Height))
	d.Show()
}

// ShowPreferences opens the preferences dialog: library folder, coder
// (with blind coding), light or dark look.
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
	author.SetText(u.coderName())
	author.SetPlaceHolder("Your name, recorded on your annotations")
	blind := widget.NewCheck("Show only my annotations (blind coding)", nil)
	blind.SetChecked(u.blind())
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
		widget.NewFormItem("Coder", author),
		widget.NewFormItem("", blind),
		widget.NewFormItem("Look", look),
	}
	d := dialog.NewForm("Preferences", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		p.SetBool(prefBlind, blind.Checked)
		if err := u.setCoder(author.Text); err != nil {
			u.showError("coder", err)
		}
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
