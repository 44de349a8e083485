// Package coderpref keeps, for one person on one computer, the name they
// code under (their coder name): the window's preferences set it and every
// command that writes uses it, so that the window and the command line
// record the same coder. It is a small JSON file in Rapport's folder of the
// user's configuration (RAPPORT_CONFIG_DIR, else the system's: on Linux
// $XDG_CONFIG_HOME/rapport or ~/.config/rapport).
package coderpref

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/rapport-qda/rapport/internal/atomicfile"
)

// fileName is the preference file inside Dir.
const fileName = "coder.json"

// prefs is the file's content.
type prefs struct {
	Coder string `json:"coder"`
}

// Dir is the folder of Rapport's per-user settings.
func Dir() (string, error) {
	if d := os.Getenv("RAPPORT_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration folder: %w", err)
	}
	return filepath.Join(d, "rapport"), nil
}

// Path is the preference file.
func Path() (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, fileName), nil
}

// Load returns the coder name saved as the preference, "" when none is.
// A file that cannot be read is an error naming it.
func Load() (string, error) {
	p, err := Path()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read coder preference %s: %w", p, err)
	}
	var v prefs
	if err := json.Unmarshal(b, &v); err != nil {
		return "", fmt.Errorf("read coder preference %s: %w", p, err)
	}
	return strings.TrimSpace(v.Coder), nil
}

// Save makes name the coder preference ("" removes it).
func Save(name string) error {
	p, err := Path()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("save coder preference %s: %w", p, err)
	}
	b, _ := json.MarshalIndent(prefs{Coder: strings.TrimSpace(name)}, "", "  ")
	if err := atomicfile.Write(p, 0o644, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("save coder preference %s: %w", p, err)
	}
	return nil
}

// LoginName is the user's login name ("" when the system gives none).
func LoginName() string {
	if u, err := user.Current(); err == nil && strings.TrimSpace(u.Username) != "" {
		name := u.Username
		if i := strings.LastIndex(name, `\`); i >= 0 { // DOMAIN\user on Windows
			name = name[i+1:]
		}
		return name
	}
	for _, v := range []string{"USER", "LOGNAME", "USERNAME"} {
		if s := strings.TrimSpace(os.Getenv(v)); s != "" {
			return s
		}
	}
	return ""
}

// Where a coder name came from, as Resolve reports it.
const (
	SourceFlag       = "flag"        // --coder
	SourceEnv        = "environment" // RAPPORT_CODER (or the older RAPPORT_AUTHOR)
	SourcePreference = "preference"  // the saved preference
	SourceLogin      = "login"       // the user's login name
)

// Resolve returns the coder to record: the name given (a --coder flag),
// else RAPPORT_CODER, else RAPPORT_AUTHOR, else the preference, else the
// login name; and where it came from. An unreadable preference file is
// an error.
func Resolve(given string) (name, source string, err error) {
	if s := strings.TrimSpace(given); s != "" {
		return s, SourceFlag, nil
	}
	for _, v := range []string{"RAPPORT_CODER", "RAPPORT_AUTHOR"} {
		if s := strings.TrimSpace(os.Getenv(v)); s != "" {
			return s, SourceEnv, nil
		}
	}
	pref, err := Load()
	if err != nil {
		return "", "", err
	}
	if pref != "" {
		return pref, SourcePreference, nil
	}
	return LoginName(), SourceLogin, nil
}
