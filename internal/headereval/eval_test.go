package main

import (
	"context"
	"testing"

	"github.com/rapport-qda/rapport/internal/testenv"
)

// The targets of header extraction on generated articles (issue 16):
// title and year always right, all authors in order, the journal and the
// first printed page in at least 95 of 100 articles.
func TestGeneratedHeaderTargets(t *testing.T) {
	rs := evalGenerated(context.Background(), 150, 7)
	for _, r := range rs {
		if r.err != nil {
			t.Fatalf("%s: %v", r.name, r.err)
		}
	}
	got := rates(rs)
	for field, target := range map[string]float64{
		"title": 1, "authors": 0.95, "year": 1, "journal": 0.95, "first_page": 0.95, "printed_pages": 0.95,
	} {
		if got[field] < target {
			for _, r := range rs {
				if !r.right[field] {
					t.Logf("%s: %s: got %q, want %q", r.name, field, r.got[field], r.want[field])
				}
			}
			t.Errorf("%s: %.1f%% exact, target %.0f%%", field, 100*got[field], 100*target)
		}
	}
}

// Each corpus article's header, field by field, against what the PDF
// prints.
func TestCorpusHeaders(t *testing.T) {
	dir := testenv.Shared(t, "corpus")
	rs, err := evalCorpus(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		t.Run(r.name, func(t *testing.T) {
			if r.err != nil {
				t.Fatal(r.err)
			}
			for _, f := range fields {
				if !r.right[f] {
					t.Errorf("%s: got %q, want %q", f, r.got[f], r.want[f])
				}
			}
		})
	}
}
