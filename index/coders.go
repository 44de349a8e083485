package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Coders. Every annotation and note records the coder who made it (its
// author column); the coders table gives each coder name a GUID (REFI-QDA's
// User elements) and marks consensus coders, whose codings are the team's
// decisions rather than one person's reading. Coder names are compared
// without regard to case: "anna" codes as the coder "Anna" once Anna
// exists.

// Coder is one coder of the library.
type Coder struct {
	ID        int64     `json:"id"`
	GUID      string    `json:"guid"`
	Name      string    `json:"name"`
	Consensus bool      `json:"consensus,omitempty"`
	CreatedAt time.Time `json:"created"`
	// Annotations and Notes count what the coder made.
	Annotations int `json:"annotations"`
	Notes       int `json:"notes"`
}

// NoCoder names, in listings, the annotations and notes that record no
// coder (made before coders were recorded, or through the API with none).
const NoCoder = "(no coder)"

// Coders lists the library's coders by name, with what each has coded.
// Annotations and notes that record no coder are counted under NoCoder,
// listed last when there are any.
func (l *Library) Coders(ctx context.Context) ([]Coder, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT c.id, c.guid, c.name, c.consensus, c.created_at,
	(SELECT COUNT(*) FROM annotations a WHERE a.author = c.name COLLATE NOCASE),
	(SELECT COUNT(*) FROM doc_notes n WHERE n.author = c.name COLLATE NOCASE)
FROM coders c ORDER BY c.name COLLATE NOCASE`)
	if err != nil {
		return nil, fmt.Errorf("coders: %w", err)
	}
	defer rows.Close()
	out := []Coder{}
	for rows.Next() {
		var c Coder
		var created string
		if err := rows.Scan(&c.ID, &c.GUID, &c.Name, &c.Consensus, &created, &c.Annotations, &c.Notes); err != nil {
			return nil, fmt.Errorf("coders: %w", err)
		}
		c.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("coders: %w", err)
	}
	var none Coder
	none.Name = NoCoder
	l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM annotations WHERE author = ''").Scan(&none.Annotations)
	l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM doc_notes WHERE author = ''").Scan(&none.Notes)
	if none.Annotations+none.Notes > 0 {
		out = append(out, none)
	}
	return out, nil
}

// CoderByName returns a coder, found without regard to case.
func (l *Library) CoderByName(ctx context.Context, name string) (Coder, error) {
	list, err := l.Coders(ctx)
	if err != nil {
		return Coder{}, err
	}
	for _, c := range list {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return c, nil
		}
	}
	return Coder{}, fmt.Errorf("no coder %q (see `rapport coders`): %w", name, ErrNotFound)
}

// CheckCoderName refuses a name that cannot be a coder's.
func CheckCoderName(name string) error {
	n := strings.TrimSpace(name)
	switch {
	case n == "":
		return fmt.Errorf("empty coder name: %w", ErrInvalidInput)
	case n == NoCoder:
		return fmt.Errorf("%q is what Rapport calls codings with no coder; choose another name: %w", n, ErrInvalidInput)
	case strings.ContainsAny(n, "\n\r\t"):
		return fmt.Errorf("coder name %q holds a line break or tab: %w", n, ErrInvalidInput)
	case len([]rune(n)) > 100:
		return fmt.Errorf("coder name %q is longer than 100 characters: %w", shortQuote(n), ErrInvalidInput)
	}
	return nil
}

// ensureCoder returns the stored spelling of a coder name, adding the
// coder (recorded in the change, so that undo takes it away again) when
// the library does not know it. guid, when not empty, is the new coder's
// GUID (a coder merged from another library or a REFI-QDA project keeps
// its own). An empty name stays empty.
func ensureCoder(ctx context.Context, r *changeRecorder, name, guid string, consensus bool) (string, error) {
	name = cleanCoderName(name)
	if name == "" {
		return "", nil
	}
	var id int64
	var stored string
	var isConsensus bool
	err := r.tx.QueryRowContext(ctx, "SELECT id, name, consensus FROM coders WHERE name = ? COLLATE NOCASE", name).Scan(&id, &stored, &isConsensus)
	switch {
	case err == nil:
		if consensus && !isConsensus {
			if err := r.touch("coders", id); err != nil {
				return "", err
			}
			if _, err := r.tx.ExecContext(ctx, "UPDATE coders SET consensus = 1 WHERE id = ?", id); err != nil {
				return "", err
			}
		}
		return stored, nil
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("coder %q: %w", name, err)
	}
	guid = normaliseGUID(guid)
	if guid != "" {
		var n int
		r.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM coders WHERE guid = ?", guid).Scan(&n)
		if n > 0 {
			guid = "" // another coder has it here: this one gets its own
		}
	}
	if guid == "" {
		guid = newGUID()
	}
	res, err := r.tx.ExecContext(ctx, "INSERT INTO coders (guid, name, consensus, created_at) VALUES (?, ?, ?, ?)", guid, name, boolInt(consensus), now())
	if err != nil {
		return "", fmt.Errorf("add coder %q: %w", name, err)
	}
	id, _ = res.LastInsertId()
	r.created("coders", id)
	return name, nil
}

// cleanCoderName makes any author a PDF or another tool recorded fit to
// be a coder's name: white space folded to single spaces, at most 100
// characters; NoCoder, which names codings with none, becomes "".
func cleanCoderName(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if r := []rune(name); len(r) > 100 {
		name = strings.TrimSpace(string(r[:100]))
	}
	if name == NoCoder {
		return ""
	}
	return name
}

// normaliseGUID returns a GUID in lower case without braces, or "" when
// s is not one.
func normaliseGUID(s string) string {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "{}"))
	if len(s) != 36 {
		return ""
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return ""
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", r) {
				return ""
			}
		}
	}
	return s
}

// AddCoder adds a coder by name (a consensus coder when consensus is
// true), as one undoable step; a coder already there is returned as it
// is, made a consensus coder if asked.
func (l *Library) AddCoder(ctx context.Context, name string, consensus bool) (Coder, error) {
	if err := CheckCoderName(name); err != nil {
		return Coder{}, fmt.Errorf("add coder: %w", err)
	}
	var stored string
	err := l.change(ctx, fmt.Sprintf("Add coder %q", strings.TrimSpace(name)), func(r *changeRecorder) error {
		var err error
		stored, err = ensureCoder(ctx, r, name, "", consensus)
		return err
	})
	if err != nil {
		return Coder{}, fmt.Errorf("add coder %q: %w", name, err)
	}
	return l.CoderByName(ctx, stored)
}

// ThemeCounts counts one coder's annotations per theme (by theme id): the
// Count a window coding blind shows in place of Theme.Count.
func (l *Library) ThemeCounts(ctx context.Context, coder string) (map[int64]int, error) {
	if coder == NoCoder {
		coder = ""
	}
	rows, err := l.db.QueryContext(ctx, `SELECT at.theme_id, COUNT(*) FROM annotation_themes at JOIN annotations a ON a.id = at.annotation_id
WHERE a.author = ? COLLATE NOCASE GROUP BY at.theme_id`, strings.TrimSpace(coder))
	if err != nil {
		return nil, fmt.Errorf("theme counts of %s: %w", coder, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
