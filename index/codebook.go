package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/rapport-qda/rapport/assets"
)

// Seeding the built-in codebook (assets/codebook.json) into libraries.
//
// A new library receives every theme of the built-in codebook. The
// settings table records the codebook version seeded and the GUIDs of the
// themes it added, so that seeding never comes back: a theme the user
// deleted stays deleted, one they renamed keeps their name, and a later
// codebook version adds only the themes that are new in it.

const (
	settingCodebookVersion = "codebook.version"
	settingCodebookSeeded  = "codebook.seeded_guids"
	settingCodebookSources = "codebook.sources"
)

// Codebook is the shape of the built-in codebook file.
type Codebook struct {
	Version int              `json:"version"`
	Name    string           `json:"name"`
	Sources []CodebookSource `json:"sources"`
	Themes  []CodebookTheme  `json:"themes"`
}

// CodebookSource is a work themes come from.
type CodebookSource struct {
	Key      string `json:"key"`
	Citation string `json:"citation"`
	DOI      string `json:"doi"`
}

// CodebookTheme is one theme of the built-in codebook, with its children.
type CodebookTheme struct {
	GUID        string          `json:"guid"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Color       string          `json:"color"`
	Source      string          `json:"source"`
	Provisional bool            `json:"provisional"`
	Memo        string          `json:"memo"`
	Children    []CodebookTheme `json:"children"`
}

// BuiltinCodebook returns the codebook every new library starts with.
func BuiltinCodebook() (*Codebook, error) {
	var cb Codebook
	if err := json.Unmarshal(assets.CodebookJSON, &cb); err != nil {
		return nil, fmt.Errorf("built-in codebook: %w", err)
	}
	return &cb, nil
}

func init() { seeders = append(seeders, seedCodebook) }

// seedCodebook adds the built-in codebook's themes the library has not
// received yet, in one transaction, outside the undo history.
func seedCodebook(ctx context.Context, l *Library) error {
	cb, err := BuiltinCodebook()
	if err != nil {
		return err
	}
	var have string
	if l.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingCodebookVersion).Scan(&have) == nil {
		if v, _ := strconv.Atoi(have); v >= cb.Version {
			return nil
		}
	}
	return l.withTx(ctx, func(tx *sql.Tx) error {
		seeded := map[string]bool{}
		var s string
		if tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingCodebookSeeded).Scan(&s) == nil {
			var list []string
			json.Unmarshal([]byte(s), &list)
			for _, g := range list {
				seeded[g] = true
			}
		}
		var add func(ts []CodebookTheme, parent string) error
		add = func(ts []CodebookTheme, parent string) error {
			for _, ct := range ts {
				var exists int
				tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM themes WHERE guid = ?", ct.GUID).Scan(&exists)
				name, err := cleanThemeName(ct.Name)
				if err != nil {
					return err
				}
				if exists == 0 && !seeded[ct.GUID] {
					taken, err := nameTaken(ctx, tx, name, 0)
					if err != nil {
						return err
					}
					p := parent
					if p != "" {
						if _, err := themeByName(ctx, tx, p); err != nil {
							p = "" // the user removed the group: keep the theme at the top level
						}
					}
					if !taken {
						if _, err := insertTheme(ctx, tx, Theme{GUID: ct.GUID, Description: ct.Description, Color: ct.Color, Parent: p,
							Source: ct.Source, Provisional: ct.Provisional, Memo: ct.Memo}, name); err != nil {
							return fmt.Errorf("seed theme %q: %w", name, err)
						}
					}
				}
				seeded[ct.GUID] = true
				// Children hang under the theme as the library now names it.
				var current string
				if tx.QueryRowContext(ctx, "SELECT name FROM themes WHERE guid = ?", ct.GUID).Scan(&current) != nil {
					current = ""
				}
				if err := add(ct.Children, current); err != nil {
					return err
				}
			}
			return nil
		}
		if err := add(cb.Themes, ""); err != nil {
			return err
		}
		sources := map[string]string{}
		if tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingCodebookSources).Scan(&s) == nil {
			json.Unmarshal([]byte(s), &sources)
		}
		for _, src := range cb.Sources {
			c := src.Citation
			if src.DOI != "" {
				c += " https://doi.org/" + src.DOI
			}
			sources[src.Key] = c
		}
		guids := make([]string, 0, len(seeded))
		for g := range seeded {
			guids = append(guids, g)
		}
		seededJSON, _ := json.Marshal(sortedStrings(guids))
		sourcesJSON, _ := json.Marshal(sources)
		for k, v := range map[string]string{
			settingCodebookVersion: strconv.Itoa(cb.Version),
			settingCodebookSeeded:  string(seededJSON),
			settingCodebookSources: string(sourcesJSON),
		} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", k, v); err != nil {
				return fmt.Errorf("seed codebook: %w", err)
			}
		}
		return nil
	})
}

func sortedStrings(s []string) []string {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return sortedKeys(m)
}
