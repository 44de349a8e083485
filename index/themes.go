package index

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// The codebook: themes in a tree (parent/child), each with a colour, a
// description, a source and a provisional flag. Every change goes through
// Library.change, so it is one transaction and one undoable step.

// ThemeInUseError is returned by DeleteTheme for a theme that still codes
// annotations when the caller said neither where to move them nor to
// remove them: nothing is deleted.
type ThemeInUseError struct {
	Theme       string
	Annotations int
}

func (e *ThemeInUseError) Error() string {
	return fmt.Sprintf("theme %q codes %d annotation(s): say which theme they move to, or that they are removed; nothing was deleted", e.Theme, e.Annotations)
}

// Is makes errors.Is(err, ErrInvalidInput) true.
func (e *ThemeInUseError) Is(target error) bool { return target == ErrInvalidInput }

// ThemeUpdate changes some of a theme's fields; nil fields stay.
type ThemeUpdate struct {
	Name        *string
	Description *string
	Color       *string // #RRGGBB
	Parent      *string // the new parent's name; "" moves the theme to the top level
	Memo        *string
	Provisional *bool
}

// DeleteThemeOptions say what happens to the annotations a deleted theme
// codes. A theme in use needs one of them.
type DeleteThemeOptions struct {
	// MoveTo names the theme the annotations are coded with instead.
	MoveTo string
	// RemoveAnnotations deletes the annotations coded only with this theme
	// and takes the theme off those that carry others too.
	RemoveAnnotations bool
}

// DeleteThemeResult says what a deletion did.
type DeleteThemeResult struct {
	Theme   string `json:"theme"`
	Moved   int    `json:"moved"`   // annotations now coded with MoveTo
	Removed int    `json:"removed"` // annotations deleted
	Uncoded int    `json:"uncoded"` // annotations that only lost this theme
}

// palette holds distinct, readable colours for new themes.
var palette = []string{
	"#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
	"#BCBD22", "#17BECF", "#AEC7E8", "#FFBB78", "#98DF8A", "#FF9896", "#C5B0D5", "#C49C94",
}

var colorPattern = lazyre.New(`^#[0-9A-Fa-f]{6}$`)

func normalizeColor(c string) (string, error) {
	c = strings.TrimSpace(c)
	if !colorPattern.MatchString(c) {
		return "", fmt.Errorf("colour %q is not #RRGGBB: %w", c, ErrInvalidInput)
	}
	return strings.ToUpper(c), nil
}

func cleanThemeName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", fmt.Errorf("a theme needs a name: %w", ErrInvalidInput)
	}
	if len([]rune(name)) > 200 {
		return "", fmt.Errorf("theme name %q is longer than 200 characters: %w", name, ErrInvalidInput)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("theme name %q holds a control character: %w", name, ErrInvalidInput)
		}
	}
	return name, nil
}

func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

const themeColumns = `t.id, t.guid, t.name, t.description, t.color, COALESCE(t.parent_id, 0), COALESCE(p.name, ''),
	t.source, t.provisional, t.memo, t.position, t.created_at, t.updated_at,
	(SELECT COUNT(*) FROM annotation_themes at WHERE at.theme_id = t.id)`

func scanTheme(r rowScanner) (Theme, error) {
	var t Theme
	var created, updated string
	err := r.Scan(&t.ID, &t.GUID, &t.Name, &t.Description, &t.Color, &t.ParentID, &t.Parent,
		&t.Source, &t.Provisional, &t.Memo, &t.Position, &created, &updated, &t.Count)
	t.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	t.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return t, err
}

// Themes lists the codebook in tree order: each top-level theme (by
// position) followed by its descendants. Count is the number of
// annotations coded with the theme itself.
func (l *Library) Themes(ctx context.Context) ([]Theme, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT "+themeColumns+" FROM themes t LEFT JOIN themes p ON p.id = t.parent_id ORDER BY t.position, t.id")
	if err != nil {
		return nil, fmt.Errorf("list themes: %w", err)
	}
	defer rows.Close()
	var all []Theme
	for rows.Next() {
		t, err := scanTheme(rows)
		if err != nil {
			return nil, fmt.Errorf("list themes: %w", err)
		}
		all = append(all, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list themes: %w", err)
	}
	sources := l.codebookSources(ctx)
	children := map[int64][]int{}
	for i, t := range all {
		all[i].SourceCitation = sources[t.Source]
		children[t.ParentID] = append(children[t.ParentID], i)
	}
	if err := l.fillTotalCounts(ctx, all); err != nil {
		return nil, err
	}
	out := make([]Theme, 0, len(all))
	seen := map[int64]bool{}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, i := range children[parent] {
			if seen[all[i].ID] {
				continue
			}
			seen[all[i].ID] = true
			all[i].Depth = depth
			out = append(out, all[i])
			walk(all[i].ID, depth+1)
		}
	}
	walk(0, 0)
	for _, t := range all { // a damaged tree (a cycle) still lists every theme
		if !seen[t.ID] {
			out = append(out, t)
		}
	}
	return out, nil
}

// fillTotalCounts sets each theme's TotalCount: the distinct annotations
// coded with it or with a theme below it.
func (l *Library) fillTotalCounts(ctx context.Context, themes []Theme) error {
	parent := map[int64]int64{}
	for _, t := range themes {
		parent[t.ID] = t.ParentID
	}
	rows, err := l.db.QueryContext(ctx, "SELECT theme_id, annotation_id FROM annotation_themes ORDER BY annotation_id")
	if err != nil {
		return fmt.Errorf("count themes: %w", err)
	}
	defer rows.Close()
	total := map[int64]int{}
	var last int64 = -1
	counted := map[int64]bool{} // themes already counting the current annotation
	for rows.Next() {
		var theme, ann int64
		if err := rows.Scan(&theme, &ann); err != nil {
			return fmt.Errorf("count themes: %w", err)
		}
		if ann != last {
			last = ann
			clear(counted)
		}
		for id, steps := theme, 0; id != 0 && steps < len(themes)+1; id, steps = parent[id], steps+1 {
			if !counted[id] {
				counted[id] = true
				total[id]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count themes: %w", err)
	}
	for i := range themes {
		themes[i].TotalCount = total[themes[i].ID]
	}
	return nil
}

// ThemeByName returns the theme of that name (case-insensitive).
func (l *Library) ThemeByName(ctx context.Context, name string) (Theme, error) {
	return themeByName(ctx, l.db, name)
}

func themeByName(ctx context.Context, q queryer, name string) (Theme, error) {
	clean := strings.Join(strings.Fields(name), " ")
	t, err := scanTheme(q.QueryRowContext(ctx, "SELECT "+themeColumns+" FROM themes t LEFT JOIN themes p ON p.id = t.parent_id WHERE t.name = ? COLLATE NOCASE", clean))
	if errors.Is(err, sql.ErrNoRows) {
		// SQLite's NOCASE folds ASCII only.
		var id int64
		rows, qerr := q.QueryContext(ctx, "SELECT id, name FROM themes")
		if qerr == nil {
			for rows.Next() {
				var n string
				var tid int64
				if rows.Scan(&tid, &n) == nil && strings.EqualFold(n, clean) {
					id = tid
				}
			}
			rows.Close()
		}
		if id != 0 {
			return scanTheme(q.QueryRowContext(ctx, "SELECT "+themeColumns+" FROM themes t LEFT JOIN themes p ON p.id = t.parent_id WHERE t.id = ?", id))
		}
		return t, fmt.Errorf("no theme named %q (see `rapport themes`): %w", name, ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("theme %q: %w", name, err)
	}
	return t, nil
}

func themeByID(ctx context.Context, q queryer, id int64) (Theme, error) {
	t, err := scanTheme(q.QueryRowContext(ctx, "SELECT "+themeColumns+" FROM themes t LEFT JOIN themes p ON p.id = t.parent_id WHERE t.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("theme %d: %w", id, ErrNotFound)
	}
	return t, err
}

// nameTaken reports whether another theme (not except) has the name.
func nameTaken(ctx context.Context, tx *sql.Tx, name string, except int64) (bool, error) {
	t, err := themeByName(ctx, tx, name)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return t.ID != except, nil
}

// AddTheme adds a theme to the codebook. t.Name is required; t.Parent
// names an existing parent ("" for the top level); an empty t.Color picks
// an unused colour of a readable palette. Source, Provisional and Memo are
// kept as given.
func (l *Library) AddTheme(ctx context.Context, t Theme) (Theme, error) {
	name, err := cleanThemeName(t.Name)
	if err != nil {
		return Theme{}, fmt.Errorf("add theme: %w", err)
	}
	var id int64
	err = l.change(ctx, fmt.Sprintf("Add theme %q", name), func(r *changeRecorder) error {
		id, err = insertTheme(ctx, r.tx, t, name)
		if err != nil {
			return err
		}
		r.created("themes", id)
		return nil
	})
	if err != nil {
		return Theme{}, fmt.Errorf("add theme %q: %w", name, err)
	}
	return themeByID(ctx, l.db, id)
}

// AddThemes adds several themes in one transaction and one undoable step
// labelled label (an imported codebook): each as AddTheme would, in order,
// so a theme may name one added before it as its parent. A theme that
// cannot be added gets its error in errs (at its index) and the others
// are added all the same; err is for the step as a whole.
func (l *Library) AddThemes(ctx context.Context, label string, themes []Theme) (added []Theme, errs []error, err error) {
	errs = make([]error, len(themes))
	ids := make([]int64, len(themes))
	err = l.change(ctx, label, func(r *changeRecorder) error {
		for i, t := range themes {
			name, err := cleanThemeName(t.Name)
			if err != nil {
				errs[i] = fmt.Errorf("add theme: %w", err)
				continue
			}
			if _, err := r.tx.ExecContext(ctx, "SAVEPOINT add_theme"); err != nil {
				return err
			}
			id, err := insertTheme(ctx, r.tx, t, name)
			if err != nil {
				if _, rerr := r.tx.ExecContext(ctx, "ROLLBACK TO add_theme"); rerr != nil {
					return rerr
				}
				errs[i] = fmt.Errorf("add theme %q: %w", name, err)
			} else {
				ids[i] = id
				r.created("themes", id)
			}
			if _, err := r.tx.ExecContext(ctx, "RELEASE add_theme"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", label, err)
	}
	added = make([]Theme, len(themes))
	for i, id := range ids {
		if id == 0 {
			continue
		}
		if added[i], err = themeByID(ctx, l.db, id); err != nil {
			return nil, nil, err
		}
	}
	return added, errs, nil
}

func insertTheme(ctx context.Context, tx *sql.Tx, t Theme, name string) (int64, error) {
	if taken, err := nameTaken(ctx, tx, name, 0); err != nil {
		return 0, err
	} else if taken {
		return 0, fmt.Errorf("a theme named %q exists already: %w", name, ErrInvalidInput)
	}
	var parent any
	if strings.TrimSpace(t.Parent) != "" {
		p, err := themeByName(ctx, tx, t.Parent)
		if err != nil {
			return 0, fmt.Errorf("parent: %w", err)
		}
		parent = p.ID
	}
	color := t.Color
	if color == "" {
		color = unusedColor(ctx, tx)
	} else {
		var err error
		if color, err = normalizeColor(color); err != nil {
			return 0, err
		}
	}
	guid := t.GUID
	if guid == "" {
		guid = newGUID()
	}
	var pos int
	tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), -1) + 1 FROM themes WHERE parent_id IS ?", parent).Scan(&pos)
	ts := now()
	res, err := tx.ExecContext(ctx, `INSERT INTO themes (guid, name, description, color, parent_id, source, provisional, memo, position, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, guid, name, strings.TrimSpace(t.Description), color, parent, t.Source, boolInt(t.Provisional), t.Memo, pos, ts, ts)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func unusedColor(ctx context.Context, tx *sql.Tx) string {
	used := map[string]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT upper(color) FROM themes")
	if err == nil {
		for rows.Next() {
			var c string
			rows.Scan(&c)
			used[c] = true
		}
		rows.Close()
	}
	for _, c := range palette {
		if !used[c] {
			return c
		}
	}
	var n int
	tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM themes").Scan(&n)
	return palette[n%len(palette)]
}

// UpdateTheme changes a theme's name, description, colour, parent, memo or
// provisional flag. Renaming keeps every annotation and re-indexes the
// documents coded with the theme, so search finds the new name at once.
func (l *Library) UpdateTheme(ctx context.Context, name string, u ThemeUpdate) (Theme, error) {
	var id int64
	label := themeUpdateLabel(name, u)
	err := l.change(ctx, label, func(r *changeRecorder) error {
		t, err := themeByName(ctx, r.tx, name)
		if err != nil {
			return err
		}
		id = t.ID
		if err := r.touch("themes", t.ID); err != nil {
			return err
		}
		var sets []string
		var args []any
		if u.Name != nil {
			newName, err := cleanThemeName(*u.Name)
			if err != nil {
				return err
			}
			if taken, err := nameTaken(ctx, r.tx, newName, t.ID); err != nil {
				return err
			} else if taken {
				return fmt.Errorf("a theme named %q exists already (merge the two themes instead?): %w", newName, ErrInvalidInput)
			}
			sets = append(sets, "name = ?")
			args = append(args, newName)
		}
		if u.Description != nil {
			sets = append(sets, "description = ?")
			args = append(args, strings.TrimSpace(*u.Description))
		}
		if u.Color != nil {
			c, err := normalizeColor(*u.Color)
			if err != nil {
				return err
			}
			sets = append(sets, "color = ?")
			args = append(args, c)
		}
		if u.Memo != nil {
			sets = append(sets, "memo = ?")
			args = append(args, *u.Memo)
		}
		if u.Provisional != nil {
			sets = append(sets, "provisional = ?")
			args = append(args, boolInt(*u.Provisional))
		}
		if u.Parent != nil {
			var parent any
			if strings.TrimSpace(*u.Parent) != "" {
				p, err := themeByName(ctx, r.tx, *u.Parent)
				if err != nil {
					return fmt.Errorf("parent: %w", err)
				}
				if err := checkNotDescendant(ctx, r.tx, p.ID, t.ID); err != nil {
					return err
				}
				parent = p.ID
			}
			if fmt.Sprint(parent) != fmt.Sprint(nullableID(t.ParentID)) {
				var pos int
				r.tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), -1) + 1 FROM themes WHERE parent_id IS ?", parent).Scan(&pos)
				sets = append(sets, "parent_id = ?", "position = ?")
				args = append(args, parent, pos)
			}
		}
		if len(sets) == 0 {
			return nil
		}
		sets = append(sets, "updated_at = ?")
		args = append(args, now(), t.ID)
		_, err = r.tx.ExecContext(ctx, "UPDATE themes SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...)
		return err
	})
	if err != nil {
		return Theme{}, fmt.Errorf("change theme %q: %w", name, err)
	}
	return themeByID(ctx, l.db, id)
}

func nullableID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func themeUpdateLabel(name string, u ThemeUpdate) string {
	switch {
	case u.Name != nil:
		return fmt.Sprintf("Rename theme %q to %q", name, *u.Name)
	case u.Parent != nil && *u.Parent == "":
		return fmt.Sprintf("Move theme %q to the top level", name)
	case u.Parent != nil:
		return fmt.Sprintf("Move theme %q under %q", name, *u.Parent)
	case u.Color != nil:
		return fmt.Sprintf("Recolour theme %q", name)
	case u.Description != nil:
		return fmt.Sprintf("Describe theme %q", name)
	}
	return fmt.Sprintf("Change theme %q", name)
}

// checkNotDescendant refuses to make theme a child of candidate when
// candidate is theme itself or lies below it.
func checkNotDescendant(ctx context.Context, tx *sql.Tx, candidate, theme int64) error {
	for id, steps := candidate, 0; id != 0 && steps < 10000; steps++ {
		if id == theme {
			return fmt.Errorf("a theme cannot be nested under itself or its own sub-theme: %w", ErrInvalidInput)
		}
		var parent sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT parent_id FROM themes WHERE id = ?", id).Scan(&parent); err != nil {
			return err
		}
		id = parent.Int64
	}
	return nil
}

// RenameTheme renames a theme, keeping its annotations. A provisional
// theme renamed by the user is no longer provisional.
func (l *Library) RenameTheme(ctx context.Context, oldName, newName string) (Theme, error) {
	no := false
	return l.UpdateTheme(ctx, oldName, ThemeUpdate{Name: &newName, Provisional: &no})
}

// MergeThemes merges theme from into theme into: every annotation coded
// with from is coded with into instead, from's sub-themes move under into,
// from's memo is appended to into's, and from is removed.
func (l *Library) MergeThemes(ctx context.Context, from, into string) (Theme, error) {
	var intoID int64
	err := l.change(ctx, fmt.Sprintf("Merge theme %q into %q", from, into), func(r *changeRecorder) error {
		a, err := themeByName(ctx, r.tx, from)
		if err != nil {
			return err
		}
		b, err := themeByName(ctx, r.tx, into)
		if err != nil {
			return err
		}
		if a.ID == b.ID {
			return fmt.Errorf("cannot merge theme %q into itself: %w", a.Name, ErrInvalidInput)
		}
		intoID = b.ID
		if err := moveCoding(ctx, r, a.ID, b.ID); err != nil {
			return err
		}
		// into below from: lift it to from's place first, so that moving
		// from's children under into makes no cycle.
		if checkNotDescendant(ctx, r.tx, b.ID, a.ID) != nil {
			if err := r.touch("themes", b.ID); err != nil {
				return err
			}
			if _, err := r.tx.ExecContext(ctx, "UPDATE themes SET parent_id = ? WHERE id = ?", nullableID(a.ParentID), b.ID); err != nil {
				return err
			}
		}
		if err := r.touchWhere("themes", "parent_id = ?", a.ID); err != nil {
			return err
		}
		if _, err := r.tx.ExecContext(ctx, "UPDATE themes SET parent_id = ?, updated_at = ? WHERE parent_id = ?", b.ID, now(), a.ID); err != nil {
			return err
		}
		if strings.TrimSpace(a.Memo) != "" {
			if err := r.touch("themes", b.ID); err != nil {
				return err
			}
			memo := strings.TrimSpace(b.Memo + "\n\n" + a.Name + ": " + a.Memo)
			if _, err := r.tx.ExecContext(ctx, "UPDATE themes SET memo = ? WHERE id = ?", memo, b.ID); err != nil {
				return err
			}
		}
		if err := r.touch("themes", a.ID); err != nil {
			return err
		}
		_, err = r.tx.ExecContext(ctx, "DELETE FROM themes WHERE id = ?", a.ID)
		return err
	})
	if err != nil {
		return Theme{}, fmt.Errorf("merge theme %q into %q: %w", from, into, err)
	}
	return themeByID(ctx, l.db, intoID)
}

// moveCoding codes every annotation coded with theme from with theme to
// instead, and returns how many annotations were moved.
func moveCoding(ctx context.Context, r *changeRecorder, from, to int64) error {
	ids, err := txIDs(ctx, r.tx, "SELECT annotation_id FROM annotation_themes WHERE theme_id = ?", from)
	if err != nil {
		return err
	}
	for _, a := range ids {
		if err := r.touch("annotation_themes", a, from); err != nil {
			return err
		}
		if err := r.touch("annotation_themes", a, to); err != nil {
			return err
		}
		if _, err := r.tx.ExecContext(ctx, "DELETE FROM annotation_themes WHERE annotation_id = ? AND theme_id = ?", a, from); err != nil {
			return err
		}
		if _, err := r.tx.ExecContext(ctx, "INSERT OR IGNORE INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", a, to); err != nil {
			return err
		}
		if err := r.touch("annotations", a); err != nil {
			return err
		}
		if _, err := r.tx.ExecContext(ctx, "UPDATE annotations SET updated_at = ? WHERE id = ?", now(), a); err != nil {
			return err
		}
	}
	return nil
}

// DeleteTheme removes a theme. Its sub-themes move up to its parent. A
// theme that codes annotations needs opts: move them to another theme, or
// remove them; without either it returns a *ThemeInUseError and changes
// nothing.
func (l *Library) DeleteTheme(ctx context.Context, name string, opts DeleteThemeOptions) (DeleteThemeResult, error) {
	var res DeleteThemeResult
	if opts.MoveTo != "" && opts.RemoveAnnotations {
		return res, fmt.Errorf("delete theme %q: move the annotations or remove them, not both: %w", name, ErrInvalidInput)
	}
	err := l.change(ctx, fmt.Sprintf("Delete theme %q", name), func(r *changeRecorder) error {
		t, err := themeByName(ctx, r.tx, name)
		if err != nil {
			return err
		}
		res.Theme = t.Name
		switch {
		case opts.MoveTo != "":
			to, err := themeByName(ctx, r.tx, opts.MoveTo)
			if err != nil {
				return fmt.Errorf("move annotations to: %w", err)
			}
			if to.ID == t.ID {
				return fmt.Errorf("cannot move the annotations of theme %q to itself: %w", t.Name, ErrInvalidInput)
			}
			res.Moved = t.Count
			if err := moveCoding(ctx, r, t.ID, to.ID); err != nil {
				return err
			}
		case opts.RemoveAnnotations:
			ids, err := txIDs(ctx, r.tx, "SELECT annotation_id FROM annotation_themes WHERE theme_id = ?", t.ID)
			if err != nil {
				return err
			}
			for _, a := range ids {
				var others int
				r.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM annotation_themes WHERE annotation_id = ? AND theme_id <> ?", a, t.ID).Scan(&others)
				if err := r.touch("annotation_themes", a, t.ID); err != nil {
					return err
				}
				if _, err := r.tx.ExecContext(ctx, "DELETE FROM annotation_themes WHERE annotation_id = ? AND theme_id = ?", a, t.ID); err != nil {
					return err
				}
				if others > 0 {
					res.Uncoded++
					continue
				}
				if err := r.touch("annotations", a); err != nil {
					return err
				}
				if _, err := r.tx.ExecContext(ctx, "DELETE FROM annotations WHERE id = ?", a); err != nil {
					return err
				}
				res.Removed++
			}
		case t.Count > 0:
			return &ThemeInUseError{Theme: t.Name, Annotations: t.Count}
		}
		if err := r.touchWhere("themes", "parent_id = ?", t.ID); err != nil {
			return err
		}
		if _, err := r.tx.ExecContext(ctx, "UPDATE themes SET parent_id = ?, updated_at = ? WHERE parent_id = ?", nullableID(t.ParentID), now(), t.ID); err != nil {
			return err
		}
		if err := r.touch("themes", t.ID); err != nil {
			return err
		}
		_, err = r.tx.ExecContext(ctx, "DELETE FROM themes WHERE id = ?", t.ID)
		return err
	})
	if err != nil {
		return DeleteThemeResult{}, fmt.Errorf("delete theme %q: %w", name, err)
	}
	return res, nil
}

// codebookSources maps source keys to their citations, as the built-in
// codebook recorded them.
func (l *Library) codebookSources(ctx context.Context) map[string]string {
	out := map[string]string{}
	var s string
	if l.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingCodebookSources).Scan(&s) != nil {
		return out
	}
	json.Unmarshal([]byte(s), &out)
	return out
}
