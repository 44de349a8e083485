package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/internal/reliability"
)

// Disagreements and consensus. A passage is a stretch of a page the
// compared coders coded: with character units, a run of overlapping
// annotations (of any of them, with the measured themes); with sentence or
// paragraph units, a unit someone coded. The coders disagree on it when
// they did not code it alike (with character units: not the same
// stretches with the same themes). A team settles each disagreement by
// accepting one coder's coding, several coders', or none into a consensus
// coder (default "Consensus"): the accepted codings are copied to that
// coder and the decision is recorded, one undoable step each; deciding
// again replaces the decision. Passages the coders agree on can be
// accepted all at once.

// DefaultConsensusCoder is the consensus coder's name unless another is
// given.
const DefaultConsensusCoder = "Consensus"

// PassageRequest selects passages: the scope and unit of an agreement,
// and the consensus coder whose decisions mark passages resolved.
type PassageRequest struct {
	AgreementRequest
	Consensus string // default DefaultConsensusCoder
	// Agreed lists the passages the coders agree on as well.
	Agreed bool
}

// Passage is one passage the coders coded, with what each coded there.
type Passage struct {
	// ID names the passage for Consensus: "DOC:PAGE:START-END".
	ID          string `json:"id"`
	DocID       int64  `json:"doc_id"`
	Title       string `json:"title"`
	Page        int    `json:"page"`
	PrintedPage string `json:"printed_page"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Quote       string `json:"quote"`
	Unit        string `json:"unit"`
	Agreed      bool   `json:"agreed"`
	// Differ lists the themes the coders did not code alike here.
	Differ  []string       `json:"differ"`
	Codings []PassageCoder `json:"codings"`
	// Decision is the consensus coder's decision on the passage, if any.
	Decision *ConsensusDecision `json:"decision,omitempty"`
}

// PassageCoder is what one coder coded in a passage.
type PassageCoder struct {
	Coder string `json:"coder"`
	// Themes the coder coded the passage (the unit) with; empty: none.
	Themes []string `json:"themes"`
	// Annotations are the coder's annotations in the passage.
	Annotations []PassageAnnotation `json:"annotations"`
	// Missing: the coder did not code the document (only with OnlyCoded).
	Missing bool `json:"missing,omitempty"`
}

// PassageAnnotation is one annotation in a passage.
type PassageAnnotation struct {
	ID     int64    `json:"id"`
	Start  int      `json:"start"`
	End    int      `json:"end"`
	Themes []string `json:"themes"`
	Quote  string   `json:"quote"`
}

// ConsensusDecision is a decision taken on a passage.
type ConsensusDecision struct {
	ID    int64  `json:"id"`
	Coder string `json:"coder"`
	// Accepted are the coders whose coding was accepted; empty: none.
	Accepted  []string  `json:"accepted"`
	CreatedAt time.Time `json:"created"`
	DocID     int64     `json:"doc_id"`
	Page      int       `json:"page"`
	Start     int       `json:"start"`
	End       int       `json:"end"`
}

// PassageReport lists passages.
type PassageReport struct {
	Unit      string    `json:"unit"`
	Coders    []string  `json:"coders"`
	Consensus string    `json:"consensus"`
	Passages  []Passage `json:"passages"`
	// Disagreements counts the passages the coders disagree on, Resolved
	// those of them the consensus coder decided.
	Disagreements int `json:"disagreements"`
	Resolved      int `json:"resolved"`
}

// Disagreements lists the passages the coders disagree on (and, with
// req.Agreed, those they agree on), in document and page order.
func (l *Library) Disagreements(ctx context.Context, req PassageRequest) (*PassageReport, error) {
	rep, _, err := l.passages(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("disagreements: %w", err)
	}
	return rep, nil
}

// passageData is a passage with what Consensus needs to copy codings.
type passageData struct {
	anns []agreeAnn // the passage's annotations, of every compared coder
}

func (l *Library) passages(ctx context.Context, req PassageRequest) (*PassageReport, []passageData, error) {
	unit, err := normaliseUnit(req.Unit)
	if err != nil {
		return nil, nil, err
	}
	req.Unit = unit
	if strings.TrimSpace(req.Consensus) == "" {
		req.Consensus = DefaultConsensusCoder
	}
	data, err := l.loadAgreementData(ctx, req.AgreementRequest, true)
	if err != nil {
		return nil, nil, err
	}
	decisions, err := l.decisions(ctx, req.Consensus)
	if err != nil {
		return nil, nil, err
	}
	rep := &PassageReport{Unit: unit, Coders: data.coders, Consensus: req.Consensus, Passages: []Passage{}}
	var extra []passageData
	m := len(data.coders)
	themeNames := func(set themeSet) []string {
		out := []string{}
		for t, th := range data.themes {
			if set.has(t) {
				out = append(out, th.Name)
			}
		}
		return out
	}
	for di := range data.docs {
		d := &data.docs[di]
		present := make([]bool, m)
		nPresent := 0
		for c := 0; c < m; c++ {
			present[c] = !req.OnlyCoded || d.coded[c]
			if present[c] {
				nPresent++
			}
		}
		if nPresent < 2 {
			continue
		}
		for pi := range d.pages {
			p := &d.pages[pi]
			if len(p.anns) == 0 {
				continue
			}
			var spans []ReadingSpan
			if unit == UnitCharacter {
				spans = clusters(p.anns)
			} else {
				spans = unitBounds(p, unit)
			}
			var codes [][]themeSet
			if unit != UnitCharacter {
				codes = unitCodes(p, spans, m, len(data.themes))
			}
			for u, sp := range spans {
				ps := Passage{ID: passageID(d.id, p.page, sp.Start, sp.End), DocID: d.id, Title: d.title, Page: p.page, Start: sp.Start, End: sp.End,
					Quote: string(p.text[sp.Start:sp.End]), Unit: unit, Differ: []string{}}
				ps.PrintedPage = p.printed
				var pd passageData
				sets := make([]themeSet, m)
				for c := 0; c < m; c++ {
					pc := PassageCoder{Coder: data.coders[c], Themes: []string{}, Annotations: []PassageAnnotation{}, Missing: !present[c]}
					for _, a := range p.anns {
						if a.coder != c || a.end <= sp.Start || a.start >= sp.End {
							continue
						}
						pd.anns = append(pd.anns, a)
						var names []string
						for _, t := range a.themes {
							names = append(names, data.themes[t].Name)
							if unit == UnitCharacter {
								sets[c].add(t)
							}
						}
						pc.Annotations = append(pc.Annotations, PassageAnnotation{ID: a.id, Start: a.start, End: a.end, Themes: names, Quote: string(p.text[a.start:a.end])})
					}
					if unit != UnitCharacter {
						sets[c] = codes[u][c]
					}
					pc.Themes = themeNames(sets[c])
					ps.Codings = append(ps.Codings, pc)
				}
				// the themes the present coders did not code alike
				var any themeSet
				for c := 0; c < m; c++ {
					if present[c] {
						for t := range data.themes {
							if sets[c].has(t) {
								any.add(t)
							}
						}
					}
				}
				if !any.any() {
					continue // a sentence only touched by codings that do not code it
				}
				for t, th := range data.themes {
					if !any.has(t) {
						continue
					}
					if unit == UnitCharacter {
						if !sameStretches(p, pd.anns, present, m, t) {
							ps.Differ = append(ps.Differ, th.Name)
						}
						continue
					}
					for c := 0; c < m; c++ {
						if present[c] && !sets[c].has(t) {
							ps.Differ = append(ps.Differ, th.Name)
							break
						}
					}
				}
				ps.Agreed = len(ps.Differ) == 0
				ps.Decision = decisionFor(decisions, d.id, p.page, sp.Start, sp.End)
				if !ps.Agreed {
					rep.Disagreements++
					if ps.Decision != nil {
						rep.Resolved++
					}
				}
				if ps.Agreed && !req.Agreed {
					continue
				}
				rep.Passages = append(rep.Passages, ps)
				extra = append(extra, pd)
			}
		}
	}
	return rep, extra, nil
}

// sameStretches reports whether the present coders coded the same
// stretches of the passage with theme t.
func sameStretches(p *agreePage, anns []agreeAnn, present []bool, m, t int) bool {
	segs := make([][]reliability.Segment, m)
	for _, a := range anns {
		for _, x := range a.themes {
			if x == t {
				segs[a.coder] = append(segs[a.coder], reliability.Segment{Start: int64(a.start), End: int64(a.end)})
			}
		}
	}
	var first []reliability.Segment
	seen := false
	for c := 0; c < m; c++ {
		if !present[c] {
			continue
		}
		s := reliability.Normalize(segs[c])
		if !seen {
			first, seen = s, true
			continue
		}
		if len(s) != len(first) {
			return false
		}
		for i := range s {
			if s[i] != first[i] {
				return false
			}
		}
	}
	return true
}

// clusters returns the runs of overlapping annotations of a page.
func clusters(anns []agreeAnn) []ReadingSpan {
	s := make([]ReadingSpan, 0, len(anns))
	for _, a := range anns {
		s = append(s, ReadingSpan{Start: a.start, End: a.end})
	}
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	var out []ReadingSpan
	for _, x := range s {
		if n := len(out); n > 0 && x.Start < out[n-1].End {
			out[n-1].End = max(out[n-1].End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}

func passageID(doc int64, page, start, end int) string {
	return fmt.Sprintf("%d:%d:%d-%d", doc, page, start, end)
}

// ParsePassageID reads a passage ID ("DOC:PAGE:START-END").
func ParsePassageID(id string) (doc int64, page, start, end int, err error) {
	bad := fmt.Errorf("%q is not a passage id (DOC:PAGE:START-END, as `rapport disagreements` lists them): %w", id, ErrInvalidInput)
	parts := strings.Split(strings.TrimSpace(id), ":")
	if len(parts) != 3 {
		return 0, 0, 0, 0, bad
	}
	se := strings.Split(parts[2], "-")
	if len(se) != 2 {
		return 0, 0, 0, 0, bad
	}
	var e1, e2, e3, e4 error
	doc, e1 = strconv.ParseInt(parts[0], 10, 64)
	page, e2 = strconv.Atoi(parts[1])
	start, e3 = strconv.Atoi(se[0])
	end, e4 = strconv.Atoi(se[1])
	if errors.Join(e1, e2, e3, e4) != nil || doc <= 0 || page <= 0 || start < 0 || end <= start {
		return 0, 0, 0, 0, bad
	}
	return doc, page, start, end, nil
}

// decisions reads a consensus coder's decisions.
func (l *Library) decisions(ctx context.Context, coder string) ([]ConsensusDecision, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT id, coder, accepted, created_at, doc_id, page, start, end FROM consensus_decisions WHERE coder = ? COLLATE NOCASE ORDER BY id", coder)
	if err != nil {
		return nil, fmt.Errorf("consensus decisions: %w", err)
	}
	defer rows.Close()
	var out []ConsensusDecision
	for rows.Next() {
		var d ConsensusDecision
		var accepted, created string
		if err := rows.Scan(&d.ID, &d.Coder, &accepted, &created, &d.DocID, &d.Page, &d.Start, &d.End); err != nil {
			return nil, err
		}
		d.Accepted = []string{}
		if accepted != "" {
			d.Accepted = strings.Split(accepted, "\n")
		}
		d.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, d)
	}
	return out, rows.Err()
}

// decisionFor is the latest decision that covers a passage.
func decisionFor(ds []ConsensusDecision, doc int64, page, start, end int) *ConsensusDecision {
	var found *ConsensusDecision
	for i := range ds {
		d := &ds[i]
		if d.DocID == doc && d.Page == page && d.Start <= start && d.End >= end {
			found = d
		}
	}
	return found
}

// ConsensusRequest is a decision on one passage.
type ConsensusRequest struct {
	PassageRequest
	// Passage is the passage's ID (Passage.ID).
	Passage string
	// Accept lists the coders whose coding is accepted; empty accepts
	// none (the passage stays uncoded in the consensus).
	Accept []string
}

// ConsensusResult says what a decision did.
type ConsensusResult struct {
	Passage  Passage           `json:"passage"`
	Decision ConsensusDecision `json:"decision"`
	// Added are the consensus coder's new annotations; Replaced counts
	// those of an earlier decision on the passage that went.
	Added    []Annotation `json:"added"`
	Replaced int          `json:"replaced"`
	// Remaining counts the disagreements of the scope still undecided.
	Remaining int    `json:"remaining"`
	Step      string `json:"step"`
}

// Consensus decides a passage: the accepted coders' codings of it are
// copied to the consensus coder (replacing what an earlier decision on it
// copied), and the decision is recorded, in one undoable step.
func (l *Library) Consensus(ctx context.Context, req ConsensusRequest) (*ConsensusResult, error) {
	if strings.TrimSpace(req.Consensus) == "" {
		req.Consensus = DefaultConsensusCoder
	}
	if err := CheckCoderName(req.Consensus); err != nil {
		return nil, fmt.Errorf("consensus: %w", err)
	}
	doc, page, start, end, err := ParsePassageID(req.Passage)
	if err != nil {
		return nil, fmt.Errorf("consensus: %w", err)
	}
	pr := req.PassageRequest
	pr.Agreed = true
	rep, extra, err := l.passages(ctx, pr)
	if err != nil {
		return nil, fmt.Errorf("consensus: %w", err)
	}
	idx := -1
	for i, p := range rep.Passages {
		if p.DocID == doc && p.Page == page && p.Start == start && p.End == end {
			idx = i
		}
	}
	if idx < 0 {
		return nil, fmt.Errorf("consensus: no passage %s among those of coders %s by %s units (list them with `rapport disagreements` and the same options): %w",
			req.Passage, strings.Join(rep.Coders, ", "), rep.Unit, ErrNotFound)
	}
	for _, c := range req.Accept {
		if strings.EqualFold(strings.TrimSpace(c), req.Consensus) {
			return nil, fmt.Errorf("consensus: the consensus coder %q cannot accept its own coding: %w", req.Consensus, ErrInvalidInput)
		}
	}
	res := &ConsensusResult{}
	var ids []int64
	err = l.change(ctx, "Consensus", func(r *changeRecorder) error {
		var err error
		ids, res.Replaced, res.Decision, err = l.decideTx(ctx, r, req.Consensus, rep, rep.Passages[idx], extra[idx], req.Accept)
		if err != nil {
			return err
		}
		who := "none"
		if len(res.Decision.Accepted) > 0 {
			who = strings.Join(res.Decision.Accepted, " and ")
		}
		r.label = fmt.Sprintf("Consensus on %q: accept %s", shortQuote(rep.Passages[idx].Quote), who)
		res.Step = r.label
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("consensus on %s: %w", req.Passage, err)
	}
	res.Added = []Annotation{}
	for _, id := range ids {
		a, err := l.Annotation(ctx, id)
		if err != nil {
			return nil, err
		}
		res.Added = append(res.Added, a)
	}
	after, err := l.Disagreements(ctx, pr)
	if err != nil {
		return nil, err
	}
	for _, p := range after.Passages {
		if p.DocID == doc && p.Page == page && p.Start == start && p.End == end {
			res.Passage = p
		}
	}
	res.Remaining = after.Disagreements - after.Resolved
	return res, nil
}

// AcceptAgreed copies every passage the coders agree on, not yet decided,
// to the consensus coder, in one undoable step; it returns how many
// passages it decided.
func (l *Library) AcceptAgreed(ctx context.Context, req PassageRequest) (int, error) {
	if strings.TrimSpace(req.Consensus) == "" {
		req.Consensus = DefaultConsensusCoder
	}
	if err := CheckCoderName(req.Consensus); err != nil {
		return 0, fmt.Errorf("accept agreed passages: %w", err)
	}
	req.Agreed = true
	rep, extra, err := l.passages(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("accept agreed passages: %w", err)
	}
	n := 0
	err = l.change(ctx, fmt.Sprintf("Consensus: accept the passages %s agree on", strings.Join(rep.Coders, ", ")), func(r *changeRecorder) error {
		for i, p := range rep.Passages {
			if !p.Agreed || p.Decision != nil {
				continue
			}
			if _, _, _, err := l.decideTx(ctx, r, req.Consensus, rep, p, extra[i], rep.Coders); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("accept agreed passages: %w", err)
	}
	return n, nil
}

// decideTx records a decision on a passage inside a change: the consensus
// coder's annotations within it and earlier decisions on it go, the
// accepted coders' codings are copied.
func (l *Library) decideTx(ctx context.Context, r *changeRecorder, consensus string, rep *PassageReport, p Passage, pd passageData, accept []string) ([]int64, int, ConsensusDecision, error) {
	tx := r.tx
	var accepted []int
	var acceptedNames []string
	for _, want := range accept {
		want = strings.TrimSpace(want)
		found := -1
		for c, name := range rep.Coders {
			if strings.EqualFold(name, want) {
				found = c
			}
		}
		if found < 0 {
			return nil, 0, ConsensusDecision{}, fmt.Errorf("coder %q is not one of the coders compared (%s): %w", want, strings.Join(rep.Coders, ", "), ErrInvalidInput)
		}
		if !containsInt(accepted, found) {
			accepted = append(accepted, found)
			acceptedNames = append(acceptedNames, rep.Coders[found])
		}
	}
	coder, err := ensureCoder(ctx, r, consensus, "", true)
	if err != nil {
		return nil, 0, ConsensusDecision{}, err
	}
	for _, c := range rep.Coders {
		if strings.EqualFold(c, coder) {
			return nil, 0, ConsensusDecision{}, fmt.Errorf("the consensus coder %q is one of the coders compared: %w", coder, ErrInvalidInput)
		}
	}
	// what an earlier decision put there goes (passages: the consensus
	// coder's areas of the page are no decision's)
	old, err := txIDs(ctx, tx, "SELECT id FROM annotations WHERE doc_id = ? AND page = ? AND start >= ? AND end <= ? AND author = ? COLLATE NOCASE AND kind = 'text'", p.DocID, p.Page, p.Start, p.End, coder)
	if err != nil {
		return nil, 0, ConsensusDecision{}, err
	}
	for _, id := range old {
		if err := r.touchWhere("annotation_themes", "annotation_id = ?", id); err != nil {
			return nil, 0, ConsensusDecision{}, err
		}
		if err := r.touch("annotations", id); err != nil {
			return nil, 0, ConsensusDecision{}, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM annotation_themes WHERE annotation_id = ?", id); err != nil {
			return nil, 0, ConsensusDecision{}, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM annotations WHERE id = ?", id); err != nil {
			return nil, 0, ConsensusDecision{}, err
		}
	}
	if err := r.touchWhere("consensus_decisions", "doc_id = ? AND page = ? AND start >= ? AND end <= ? AND coder = ? COLLATE NOCASE", p.DocID, p.Page, p.Start, p.End, coder); err != nil {
		return nil, 0, ConsensusDecision{}, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM consensus_decisions WHERE doc_id = ? AND page = ? AND start >= ? AND end <= ? AND coder = ? COLLATE NOCASE", p.DocID, p.Page, p.Start, p.End, coder); err != nil {
		return nil, 0, ConsensusDecision{}, err
	}
	// the accepted codings: with character units each annotation as it
	// is; with sentence or paragraph units the unit, with the themes the
	// accepted coders gave it
	themeIDs := map[string]int64{}
	idOf := func(name string) (int64, error) {
		if id, ok := themeIDs[name]; ok {
			return id, nil
		}
		t, err := themeByName(ctx, tx, name)
		if err != nil {
			return 0, err
		}
		themeIDs[name] = t.ID
		return t.ID, nil
	}
	texts, err := loadPageRunes(ctx, tx, p.DocID)
	if err != nil {
		return nil, 0, ConsensusDecision{}, err
	}
	var text []rune
	for _, pr := range texts {
		if pr.page == p.Page {
			text = pr.text
		}
	}
	type want struct {
		start, end int
		themes     []int64
	}
	var wants []want
	add := func(s, e int, names []string) error {
		for i := range wants {
			if wants[i].start == s && wants[i].end == e {
				for _, n := range names {
					id, err := idOf(n)
					if err != nil {
						return err
					}
					if !containsID(wants[i].themes, id) {
						wants[i].themes = append(wants[i].themes, id)
					}
				}
				return nil
			}
		}
		w := want{start: s, end: e}
		for _, n := range names {
			id, err := idOf(n)
			if err != nil {
				return err
			}
			if !containsID(w.themes, id) {
				w.themes = append(w.themes, id)
			}
		}
		if len(w.themes) > 0 {
			wants = append(wants, w)
		}
		return nil
	}
	for _, c := range accepted {
		pc := p.Codings[c]
		if p.Unit == UnitCharacter {
			for _, a := range pc.Annotations {
				if err := add(a.Start, a.End, a.Themes); err != nil {
					return nil, 0, ConsensusDecision{}, err
				}
			}
		} else if err := add(p.Start, p.End, pc.Themes); err != nil {
			return nil, 0, ConsensusDecision{}, err
		}
	}
	var ids []int64
	for _, w := range wants {
		if w.end > len(text) {
			return nil, 0, ConsensusDecision{}, fmt.Errorf("the passage lies outside page %d of document %d (re-extracted?): %w", p.Page, p.DocID, ErrInvalidInput)
		}
		id, err := insertAnnotation(ctx, r, p.DocID, span{page: p.Page, start: w.start, end: w.end}, text, w.themes, "", coder)
		if err != nil {
			return nil, 0, ConsensusDecision{}, err
		}
		ids = append(ids, id)
	}
	ts := now()
	res, err := tx.ExecContext(ctx, "INSERT INTO consensus_decisions (doc_id, page, start, end, coder, accepted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		p.DocID, p.Page, p.Start, p.End, coder, strings.Join(acceptedNames, "\n"), ts)
	if err != nil {
		return nil, 0, ConsensusDecision{}, err
	}
	did, _ := res.LastInsertId()
	r.created("consensus_decisions", did)
	if acceptedNames == nil {
		acceptedNames = []string{}
	}
	created, _ := time.Parse(time.RFC3339Nano, ts)
	dec := ConsensusDecision{ID: did, Coder: coder, Accepted: acceptedNames, CreatedAt: created, DocID: p.DocID, Page: p.Page, Start: p.Start, End: p.End}
	return ids, len(old), dec, nil
}

func containsInt(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}
