package index

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// benchTeamLibrary fills a library, straight through SQL, with docs
// documents of pages pages of generated prose and annotations codings by
// three coders who code mostly the same passages with mostly the same
// themes, their stretches a few characters apart.
func benchTeamLibrary(b *testing.B, docs, pages, annotations int) *Library {
	b.Helper()
	ctx := context.Background()
	lib, err := Open(ctx, b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lib.Close() })
	themes, err := lib.Themes(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(22))
	tx, err := lib.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	ts := now()
	type passage struct{ page, start, end int }
	perDoc := (annotations + docs - 1) / docs
	made := 0
	for d := 1; d <= docs; d++ {
		if _, err := tx.Exec(`INSERT INTO documents (id, sha256, kind, page_count, imported_at, updated_at, title, indexed) VALUES (?, ?, 'pdf', ?, ?, ?, ?, 1)`,
			d, fmt.Sprintf("sha-%d", d), pages, ts, ts, fmt.Sprintf("Generated article %d", d)); err != nil {
			b.Fatal(err)
		}
		var cands []passage
		for p := 1; p <= pages; p++ {
			var paras []string
			for i := 0; i < 5; i++ {
				var sents []string
				for s := 0; s < 4; s++ {
					sents = append(sents, fmt.Sprintf("Participant %d-%d-%d-%d spoke about %s with the staff member who helped.", d, p, i, s, teamWords[rng.Intn(len(teamWords))]))
				}
				paras = append(paras, strings.Join(sents, " "))
			}
			text := strings.Join(paras, "\n\n")
			if _, err := tx.Exec("INSERT INTO pages (doc_id, page, text_z) VALUES (?, ?, ?)", d, p, compressPageText(text)); err != nil {
				b.Fatal(err)
			}
			for _, s := range SentenceBounds(text) {
				cands = append(cands, passage{p, s.Start, s.End})
			}
		}
		// each passage coded by the three coders in turn
		for k := 0; k < perDoc && made < annotations; k++ {
			c := k % 3
			ps := cands[(k/3*7+d)%len(cands)]
			theme := themes[(d+k/3)%len(themes)].ID
			if rng.Intn(5) == 0 {
				theme = themes[rng.Intn(len(themes))].ID
			}
			start, end := max(0, ps.start+rng.Intn(7)-3), ps.end+rng.Intn(7)-3
			if end <= start {
				end = ps.end
			}
			res, err := tx.Exec(`INSERT INTO annotations (guid, doc_id, page, start, end, quote, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?)`,
				newGUID(), d, ps.page, start, end, []string{"Anna", "Bo", "Cy"}[c], ts, ts)
			if err != nil {
				b.Fatal(err)
			}
			id, _ := res.LastInsertId()
			if _, err := tx.Exec("INSERT INTO annotation_themes (annotation_id, theme_id) VALUES (?, ?)", id, theme); err != nil {
				b.Fatal(err)
			}
			made++
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return lib
}

// BenchmarkAgreement measures agreement over 1,000 documents (8 pages of
// about 2,000 characters each) and 20,000 annotations by three coders,
// every theme and overall, by unit. Its target: under 2 s an operation.
func BenchmarkAgreement(b *testing.B) {
	lib := benchTeamLibrary(b, 1000, 8, 20000)
	ctx := context.Background()
	var n int
	lib.db.QueryRow("SELECT COUNT(*) FROM annotations").Scan(&n)
	for _, unit := range []string{UnitCharacter, UnitSentence, UnitParagraph} {
		b.Run(unit, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rep, err := lib.Agreement(ctx, AgreementRequest{Unit: unit})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Documents != 1000 || len(rep.Coders) != 3 || rep.Overall.Alpha == nil || n != 20000 {
					b.Fatalf("%d documents, %d annotations, coders %v, α %v", rep.Documents, n, rep.Coders, rep.Overall.Alpha)
				}
				if i == 0 {
					b.Logf("%s units: %d units, %d themes, overall α %.3f, percent %.3f, uncoded %.3f", unit, rep.Overall.Units, len(rep.Themes), *rep.Overall.Alpha, *rep.Overall.Percent, rep.Overall.UncodedShare)
				}
			}
		})
	}
}

// BenchmarkDisagreements lists the passages three coders coded
// differently in the same library as BenchmarkAgreement, by characters
// and by sentences (what Reports › Agreement computes beside the table).
func BenchmarkDisagreements(b *testing.B) {
	lib := benchTeamLibrary(b, 1000, 8, 20000)
	ctx := context.Background()
	for _, unit := range []string{UnitCharacter, UnitSentence} {
		b.Run(unit, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rep, err := lib.Disagreements(ctx, PassageRequest{AgreementRequest: AgreementRequest{Unit: unit}})
				if err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					b.Logf("%s units: %d disagreements", unit, rep.Disagreements)
				}
			}
		})
	}
}
