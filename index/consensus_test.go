package index

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func passageWith(t *testing.T, rep *PassageReport, quote string) Passage {
	t.Helper()
	for _, p := range rep.Passages {
		if strings.TrimSpace(p.Quote) == quote {
			return p
		}
	}
	var got []string
	for _, p := range rep.Passages {
		got = append(got, p.Quote)
	}
	t.Fatalf("no passage %q among %q", quote, got)
	return Passage{}
}

// The disagreements of two coders by sentences are the sentences one
// coded and the other did not; each is settled into the consensus coder
// (one coder's coding, or none), the agreed passages all at once, and the
// agreement with the consensus follows; every decision is one undoable
// step, and deciding again replaces the decision.
func TestDisagreementsAndConsensusSentences(t *testing.T) {
	ctx := context.Background()
	lib, d0, _ := agreementLibrary(t)
	req := PassageRequest{AgreementRequest: AgreementRequest{Coders: []string{"Anna", "Bo"}, Unit: UnitSentence}}
	rep, err := lib.Disagreements(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Disagreements != 2 || len(rep.Passages) != 2 || rep.Resolved != 0 || rep.Consensus != DefaultConsensusCoder {
		t.Fatalf("disagreements: %+v", rep)
	}
	s2 := passageWith(t, rep, teamSentence(0, 1, 1, 2))
	s3 := passageWith(t, rep, teamSentence(0, 1, 1, 3))
	if s2.DocID != d0 || s2.Page != 1 || s2.PrintedPage == "" || s2.Agreed || strings.Join(s2.Differ, ",") != "Collaboration" {
		t.Errorf("passage 2: %+v", s2)
	}
	if got := s2.Codings[0]; got.Coder != "Anna" || strings.Join(got.Themes, ",") != "Collaboration" || len(got.Annotations) != 1 {
		t.Errorf("Anna's coding of passage 2: %+v", got)
	}
	if got := s2.Codings[1]; got.Coder != "Bo" || len(got.Themes) != 0 || len(got.Annotations) != 0 {
		t.Errorf("Bo's coding of passage 2: %+v", got)
	}
	all, err := lib.Disagreements(ctx, PassageRequest{AgreementRequest: req.AgreementRequest, Agreed: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Passages) != 5 || all.Disagreements != 2 {
		t.Errorf("passages with the agreed ones: %d (%d disagreements)", len(all.Passages), all.Disagreements)
	}

	// Accept Anna's coding of passage 2.
	res, err := lib.Consensus(ctx, ConsensusRequest{PassageRequest: req, Passage: s2.ID, Accept: []string{"anna"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 1 || res.Added[0].Coder != DefaultConsensusCoder || res.Added[0].Quote != teamSentence(0, 1, 1, 2) ||
		strings.Join(res.Added[0].Themes, ",") != "Collaboration" || res.Remaining != 1 || res.Passage.Decision == nil ||
		strings.Join(res.Decision.Accepted, ",") != "Anna" {
		t.Errorf("accept Anna: %+v", res)
	}
	if c, err := lib.CoderByName(ctx, "consensus"); err != nil || !c.Consensus {
		t.Errorf("the consensus coder: %+v %v", c, err)
	}
	// Accept neither coding of passage 3.
	res, err = lib.Consensus(ctx, ConsensusRequest{PassageRequest: req, Passage: s3.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 0 || res.Remaining != 0 || len(res.Decision.Accepted) != 0 {
		t.Errorf("accept none: %+v", res)
	}
	rep, _ = lib.Disagreements(ctx, req)
	if rep.Disagreements != 2 || rep.Resolved != 2 {
		t.Errorf("after two decisions: %d disagreements, %d resolved", rep.Disagreements, rep.Resolved)
	}
	// The agreed passages, at once.
	n, err := lib.AcceptAgreed(ctx, req)
	if err != nil || n != 3 {
		t.Fatalf("accept agreed: %d %v", n, err)
	}
	// The consensus is Anna's coding but for nothing on passage 3: Anna
	// and the consensus agree fully, Bo and it do not.
	ag, err := lib.Agreement(ctx, AgreementRequest{Coders: []string{"Anna", "Consensus"}, Unit: UnitSentence})
	if err != nil {
		t.Fatal(err)
	}
	nearly(t, "Anna and the consensus, α", ag.Overall.Alpha, 1)
	ag, _ = lib.Agreement(ctx, AgreementRequest{Coders: []string{"Bo", "Consensus"}, Unit: UnitSentence})
	if ag.Overall.Alpha == nil || *ag.Overall.Alpha >= 1 {
		t.Errorf("Bo and the consensus: %+v", ag.Overall)
	}
	// The consensus coder is left out of the coders compared by default.
	ag, _ = lib.Agreement(ctx, AgreementRequest{Unit: UnitSentence})
	if strings.Join(ag.Coders, ",") != "Anna,Bo,Cy" {
		t.Errorf("default coders: %v", ag.Coders)
	}

	// Undo takes the agreed passages away in one step.
	if h, err := lib.Undo(ctx); err != nil || !strings.Contains(h.Label, "agree on") {
		t.Fatalf("undo: %+v %v", h, err)
	}
	if c, _ := lib.Annotations(ctx, AnnotationFilter{Coder: "Consensus"}); len(c) != 1 {
		t.Errorf("after undo, the consensus has %d annotations, want Anna's passage 2", len(c))
	}
	// Deciding passage 2 again, for Bo (who coded nothing there),
	// replaces the decision and the annotation it copied.
	res, err = lib.Consensus(ctx, ConsensusRequest{PassageRequest: req, Passage: s2.ID, Accept: []string{"Bo"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced != 1 || len(res.Added) != 0 || strings.Join(res.Decision.Accepted, ",") != "Bo" {
		t.Errorf("deciding again: %+v", res)
	}
	if c, _ := lib.Annotations(ctx, AnnotationFilter{Coder: "Consensus"}); len(c) != 0 {
		t.Errorf("after deciding for Bo, the consensus has %d annotations", len(c))
	}
	decisions, _ := lib.decisions(ctx, "Consensus")
	if len(decisions) != 2 {
		t.Errorf("%d decisions recorded, want 2 (one per passage)", len(decisions))
	}
}

// By characters, a passage is a run of overlapping annotations; the
// coders agree on it when they coded the same stretches with the same
// themes. Accepting both codings copies both.
func TestDisagreementsCharacters(t *testing.T) {
	ctx := context.Background()
	lib, d0, _ := agreementLibrary(t)
	// Bo codes a longer stretch overlapping Anna's Trust sentence.
	long := teamSentence(0, 1, 2, 2) + " " + teamSentence(0, 1, 2, 3)
	tagAs(t, lib, "Bo", d0, long, "Collaboration")
	req := PassageRequest{AgreementRequest: AgreementRequest{Coders: []string{"Anna", "Bo"}}}
	rep, err := lib.Disagreements(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unit != UnitCharacter || rep.Disagreements != 3 {
		t.Fatalf("disagreements by characters: %d %+v", rep.Disagreements, rep.Passages)
	}
	p := passageWith(t, rep, long)
	if strings.Join(p.Differ, ",") != "Collaboration" || len(p.Codings[0].Annotations) != 1 || len(p.Codings[1].Annotations) != 2 {
		t.Errorf("the long passage: %+v", p)
	}
	res, err := lib.Consensus(ctx, ConsensusRequest{PassageRequest: req, Passage: p.ID, Accept: []string{"Anna", "Bo"}})
	if err != nil {
		t.Fatal(err)
	}
	// Anna's and Bo's Trust annotations are one span: one annotation;
	// Bo's long Collaboration another.
	if len(res.Added) != 2 {
		t.Errorf("accept both: %+v", res.Added)
	}
	for _, a := range res.Added {
		checkAnchored(t, lib, a)
	}
	// errors
	for _, tc := range []struct {
		req  ConsensusRequest
		want error
	}{
		{ConsensusRequest{PassageRequest: req, Passage: "1:1:0-3"}, ErrNotFound},
		{ConsensusRequest{PassageRequest: req, Passage: "nonsense"}, ErrInvalidInput},
		{ConsensusRequest{PassageRequest: req, Passage: p.ID, Accept: []string{"Cy"}}, ErrInvalidInput},
		{ConsensusRequest{PassageRequest: PassageRequest{AgreementRequest: req.AgreementRequest, Consensus: "Anna"}, Passage: p.ID}, ErrInvalidInput},
	} {
		if _, err := lib.Consensus(ctx, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.req, err, tc.want)
		}
	}
}

func TestParsePassageID(t *testing.T) {
	doc, page, s, e, err := ParsePassageID("12:3:40-95")
	if err != nil || doc != 12 || page != 3 || s != 40 || e != 95 {
		t.Errorf("ParsePassageID: %d %d %d %d %v", doc, page, s, e, err)
	}
	for _, bad := range []string{"", "1:2", "1:2:3", "a:1:1-2", "1:1:5-5", "1:0:1-2"} {
		if _, _, _, _, err := ParsePassageID(bad); err == nil {
			t.Errorf("ParsePassageID(%q) accepted", bad)
		}
	}
}
