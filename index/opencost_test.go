package index

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenQueriesReadNoWholeTable: what every open of a library (and of its
// search index) asks SQLite is answered from indexes, not by reading a
// whole table: a one-off command pays it on every call, and a table scan
// grows with the library.
func TestOpenQueriesReadNoWholeTable(t *testing.T) {
	tmp := t.TempDir()
	ctx := context.Background()
	l, err := Open(ctx, filepath.Join(tmp, "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	mustImport(t, l, writeArticles(t, filepath.Join(tmp, "in"), 1, 3)...)
	for _, q := range []struct{ name, sql string }{
		{"the index's expected entries (indexShortfall)", expectedEntriesQuery},
	} {
		rows, err := l.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "COVERING INDEX") {
				t.Errorf("%s reads a whole table: %q", q.name, plan)
			}
		}
		t.Logf("%s: %q", q.name, plan)
		var want int
		if err := l.db.QueryRowContext(ctx, q.sql).Scan(&want); err != nil || want == 0 {
			t.Errorf("%s = %d, %v; want the pages of the imported articles", q.name, want, err)
		}
	}
}
