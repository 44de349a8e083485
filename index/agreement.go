package index

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/internal/reliability"
)

// Intercoder agreement. Coders code the same documents in parallel (see
// merge.go); Agreement measures, per theme and over all themes, how far
// they agree:
//
//   - With character units (the default) the text of the documents is one
//     continuum, every page after the other, and each coder's codings with
//     a theme are stretches of it. α is Krippendorff's unitizing α_U
//     (1995; 2004, sec. 12.5), which weighs how far the coders' stretches
//     lie apart; κ and percent agreement count characters.
//   - With sentence or paragraph units, the units are the page's sentences
//     (or paragraphs) as the reader selects them; a coder codes a unit
//     with a theme when their codings with it cover at least half of the
//     unit or one of them lies within it. α is Krippendorff's nominal α on
//     those units (a theme or not), which allows missing values.
//
// Percent agreement is pairwise: the share of pairs of coders' values of a
// unit that agree (with two coders, the share of units coded alike).
// Cohen's κ is given for two coders only. Over all themes, α is
// 1 − ΣD_o/ΣD_e over the themes (as α_U pools categories), κ is De Vries
// et al.'s (2008) pooled κ, and percent agreement counts a unit as agreed
// when the coders gave it the same themes. uncoded_share is the share of
// the units no coder coded (with the theme; over all themes: with any) —
// the agreement on text nobody coded, which a high κ or percent may owe
// most of itself to (QualCoder #667).
//
// A coder who made no annotation in a document counts as having coded
// nothing in it (every coder read every document in scope), unless
// AgreementRequest.OnlyCoded: then the coder did not code that document
// and their values there are missing. α allows missing values; α_U needs
// every coder on the continuum, so with OnlyCoded character units keep to
// the documents every coder coded.
//
// Area annotations (rectangles of a page, area.go) are not units of the
// text: agreement, disagreements and consensus leave them out.

// Agreement units.
const (
	UnitCharacter = "character"
)

// AgreementRequest selects what Agreement measures.
type AgreementRequest struct {
	// Coders to compare, two or more; none: every coder with annotations
	// in the documents, consensus coders left out.
	Coders []string
	// Themes to measure; none: every theme the coders used there.
	Themes []string
	// DocIDs to measure; none: every document one of the coders coded.
	DocIDs []int64
	// Unit is UnitCharacter (default), UnitSentence or UnitParagraph.
	Unit string
	// OnlyCoded treats a coder's documents without any annotation of
	// theirs as not coded by them (missing values) rather than as coded
	// with nothing.
	OnlyCoded bool
}

// AgreementRow is the agreement on one theme, or over all themes.
type AgreementRow struct {
	Theme  string   `json:"theme"`
	Coders []string `json:"coders"`
	// Units is the number of units measured: characters, or the sentences
	// or paragraphs at least two coders coded.
	Units int64 `json:"units"`
	// UncodedShare is the share of the units no coder coded.
	UncodedShare float64 `json:"uncoded_share"`
	// Percent is pairwise percent agreement (0–1); Kappa is Cohen's κ
	// (two coders only); Alpha is Krippendorff's α_U (character units) or
	// α (sentence, paragraph units). Nil when undefined: κ with other than
	// two coders, κ and α where no coder coded anything (nothing varies).
	Percent *float64 `json:"percent"`
	Kappa   *float64 `json:"kappa"`
	Alpha   *float64 `json:"alpha"`
	// CodedUnits is the number of units at least one coder coded;
	// PercentCoded the percent agreement on those units alone.
	CodedUnits   int64    `json:"coded_units"`
	PercentCoded *float64 `json:"percent_coded"`
	// KappaN is Brennan and Prediger's κ_n (two categories: the theme or
	// not), as MAXQDA reports it; two coders only.
	KappaN *float64 `json:"kappa_n"`
	// Coded counts, per coder, the units they coded.
	Coded map[string]int64 `json:"coded"`
}

// AgreementReport is Agreement's result.
type AgreementReport struct {
	Unit string `json:"unit"`
	// AlphaKind says which α: "alpha_u" (Krippendorff's unitizing α,
	// character units) or "alpha" (nominal α on sentences or paragraphs).
	AlphaKind string   `json:"alpha_kind"`
	Coders    []string `json:"coders"`
	Documents int      `json:"documents"`
	// DocumentsLeftOut counts documents of the request left out: with
	// OnlyCoded and character units, those not every coder coded.
	DocumentsLeftOut int `json:"documents_left_out"`
	// CodedDocuments counts, per coder, the documents they made an
	// annotation in.
	CodedDocuments map[string]int `json:"coded_documents"`
	Themes         []AgreementRow `json:"themes"`
	Overall        AgreementRow   `json:"overall"`
	// Notes say what the reader of the figures should know (a coder who
	// coded nothing in some documents, a theme nobody used).
	Notes []string `json:"notes"`
}

// OverallTheme is the theme name of the row over all themes.
const OverallTheme = "(all themes)"

// agreeAnn is one annotation of a compared coder, its themes reduced to
// the measured ones (indexes into agreementData.themes).
type agreeAnn struct {
	id         int64
	coder      int
	start, end int
	themes     []int
}

type agreePage struct {
	page    int
	printed string // the page number printed on it, as cited
	length  int    // code points of the page's NFC text
	text    []rune // the NFC text, when kept (units other than characters; disagreements)
	anns    []agreeAnn
}

type agreeDoc struct {
	id        int64
	title     string
	numbering PageNumbering
	coded     []bool // per coder: made an annotation (of any theme) in it
	pages     []agreePage
}

// agreementData is what Agreement and Disagreements read of the library.
type agreementData struct {
	coders []string
	themes []Theme
	docs   []agreeDoc
	notes  []string
}

// AgreementUnit returns the unit a name stands for (UnitCharacter for
// ""), or an error naming the units there are.
func AgreementUnit(u string) (string, error) { return normaliseUnit(u) }

func normaliseUnit(u string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(u)) {
	case "", UnitCharacter, "characters", "char":
		return UnitCharacter, nil
	case UnitSentence, "sentences":
		return UnitSentence, nil
	case UnitParagraph, "paragraphs":
		return UnitParagraph, nil
	}
	return "", fmt.Errorf("unit %q is none of %s, %s, %s: %w", u, UnitCharacter, UnitSentence, UnitParagraph, ErrInvalidInput)
}

// loadAgreementData reads the coders' annotations in the documents of the
// request and the pages they are on (keepText: with their text).
func (l *Library) loadAgreementData(ctx context.Context, req AgreementRequest, keepText bool) (*agreementData, error) {
	data := &agreementData{}
	known, err := l.Coders(ctx)
	if err != nil {
		return nil, err
	}
	// documents in scope
	docFilter := ""
	var docArgs []any
	if len(req.DocIDs) > 0 {
		for _, id := range req.DocIDs {
			if _, err := l.Document(ctx, id); err != nil {
				return nil, err
			}
		}
		docFilter = " AND a.doc_id IN (" + placeholders(len(req.DocIDs)) + ")"
		docArgs = int64sToAny(req.DocIDs)
	}
	// coders
	if len(req.Coders) == 0 {
		used := map[string]bool{}
		rows, err := l.db.QueryContext(ctx, "SELECT DISTINCT author FROM annotations a WHERE orphaned = 0 AND kind = 'text'"+docFilter, docArgs...)
		if err != nil {
			return nil, fmt.Errorf("agreement: %w", err)
		}
		for rows.Next() {
			var a string
			rows.Scan(&a)
			used[strings.ToLower(a)] = true
		}
		rows.Close()
		for _, c := range known {
			key := strings.ToLower(c.Name)
			if c.Name == NoCoder {
				key = ""
			}
			if used[key] && !c.Consensus {
				data.coders = append(data.coders, c.Name)
			}
		}
	} else {
		seen := map[string]bool{}
		for _, want := range req.Coders {
			want = strings.TrimSpace(want)
			found := ""
			for _, c := range known {
				if strings.EqualFold(c.Name, want) {
					found = c.Name
				}
			}
			if found == "" {
				var names []string
				for _, c := range known {
					names = append(names, c.Name)
				}
				return nil, fmt.Errorf("no coder %q in this library (coders: %s): %w", want, strings.Join(names, ", "), ErrNotFound)
			}
			if !seen[strings.ToLower(found)] {
				seen[strings.ToLower(found)] = true
				data.coders = append(data.coders, found)
			}
		}
	}
	if len(data.coders) < 2 {
		return nil, fmt.Errorf("agreement needs two coders or more; the documents have %d (%s): merge another coder's library first (`rapport merge`): %w",
			len(data.coders), strings.Join(data.coders, ", "), ErrInvalidInput)
	}
	coderIndex := map[string]int{}
	var authorArgs []any
	for i, c := range data.coders {
		key := strings.ToLower(c)
		if c == NoCoder {
			key = ""
		}
		coderIndex[key] = i
		authorArgs = append(authorArgs, key)
	}
	// themes
	all, err := l.Themes(ctx)
	if err != nil {
		return nil, err
	}
	themeIndex := map[int64]int{}
	if len(req.Themes) > 0 {
		for _, name := range req.Themes {
			t, err := l.ThemeByName(ctx, name)
			if err != nil {
				return nil, err
			}
			if _, ok := themeIndex[t.ID]; !ok {
				themeIndex[t.ID] = len(data.themes)
				data.themes = append(data.themes, t)
			}
		}
	}
	// the coders' annotations
	type row struct {
		id, doc          int64
		page, start, end int
		coder            int
		theme            int64
	}
	var rows []row
	q := `SELECT a.id, a.doc_id, a.page, a.start, a.end, lower(a.author), at.theme_id FROM annotations a
JOIN annotation_themes at ON at.annotation_id = a.id
WHERE a.orphaned = 0 AND a.kind = 'text' AND lower(a.author) IN (` + placeholders(len(authorArgs)) + `)` + docFilter + `
ORDER BY a.doc_id, a.page, a.start, a.id`
	rs, err := l.db.QueryContext(ctx, q, append(authorArgs, docArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	usedThemes := map[int64]bool{}
	for rs.Next() {
		var r row
		var author string
		if err := rs.Scan(&r.id, &r.doc, &r.page, &r.start, &r.end, &author, &r.theme); err != nil {
			rs.Close()
			return nil, fmt.Errorf("agreement: %w", err)
		}
		r.coder = coderIndex[author]
		usedThemes[r.theme] = true
		rows = append(rows, r)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	if len(req.Themes) == 0 {
		for _, t := range all {
			if usedThemes[t.ID] {
				themeIndex[t.ID] = len(data.themes)
				data.themes = append(data.themes, t)
			}
		}
	}
	// documents: those asked for, else those the coders coded
	docIDs := append([]int64(nil), req.DocIDs...)
	if len(docIDs) == 0 {
		seen := map[int64]bool{}
		for _, r := range rows {
			if !seen[r.doc] {
				seen[r.doc] = true
				docIDs = append(docIDs, r.doc)
			}
		}
	}
	sort.Slice(docIDs, func(i, j int) bool { return docIDs[i] < docIDs[j] })
	byDoc := map[int64]*agreeDoc{}
	for _, id := range docIDs {
		if byDoc[id] != nil {
			continue
		}
		d := &agreeDoc{id: id, coded: make([]bool, len(data.coders))}
		l.db.QueryRowContext(ctx, "SELECT title, first_printed_page, pages, page_count, printed_pages FROM documents WHERE id = ?", id).Scan(
			&d.title, &d.numbering.FirstPrintedPage, &d.numbering.Pages, &d.numbering.PageCount, &d.numbering.PrintedPages)
		byDoc[id] = d
	}
	// annotations by document and page, their themes gathered
	annPages := map[int64]map[int][]agreeAnn{}
	for i := 0; i < len(rows); {
		j := i
		var themes []int
		for ; j < len(rows) && rows[j].id == rows[i].id; j++ {
			if ti, ok := themeIndex[rows[j].theme]; ok {
				themes = append(themes, ti)
			}
		}
		r := rows[i]
		i = j
		d := byDoc[r.doc]
		if d == nil {
			continue
		}
		d.coded[r.coder] = true
		if len(themes) == 0 || r.end <= r.start {
			continue
		}
		if annPages[r.doc] == nil {
			annPages[r.doc] = map[int][]agreeAnn{}
		}
		annPages[r.doc][r.page] = append(annPages[r.doc][r.page], agreeAnn{id: r.id, coder: r.coder, start: r.start, end: r.end, themes: themes})
	}
	// pages: lengths, and texts where kept
	for _, id := range docIDs {
		d := byDoc[id]
		if d == nil || len(d.pages) > 0 {
			continue
		}
		prs, err := l.db.QueryContext(ctx, "SELECT page, text_z, label, printed FROM pages WHERE doc_id = ? ORDER BY page", id)
		if err != nil {
			return nil, fmt.Errorf("agreement: pages of document %d: %w", id, err)
		}
		for prs.Next() {
			var p agreePage
			var text storedText
			var label, printed string
			if err := prs.Scan(&p.page, &text, &label, &printed); err != nil {
				prs.Close()
				return nil, fmt.Errorf("agreement: pages of document %d: %w", id, err)
			}
			s := text.String
			if !norm.NFC.IsNormalString(s) {
				s = norm.NFC.String(s)
			}
			p.length = utf8.RuneCountInString(s)
			p.printed, _ = d.numbering.PrintedPage(p.page, label, printed)
			if keepText {
				p.text = []rune(s)
			}
			p.anns = annPages[id][p.page]
			// an annotation past the page's end (the text changed under
			// it) keeps to the page
			for k := range p.anns {
				p.anns[k].end = min(p.anns[k].end, p.length)
				p.anns[k].start = min(p.anns[k].start, p.anns[k].end)
			}
			d.pages = append(d.pages, p)
		}
		prs.Close()
		if err := prs.Err(); err != nil {
			return nil, err
		}
		if len(d.pages) > 0 {
			data.docs = append(data.docs, *d)
		}
	}
	for i, c := range data.coders {
		none := 0
		for _, d := range data.docs {
			if !d.coded[i] {
				none++
			}
		}
		if none > 0 && len(data.docs) > 0 {
			if req.OnlyCoded {
				data.notes = append(data.notes, fmt.Sprintf("%s made no annotation in %d of the %d documents: their values there are missing.", c, none, len(data.docs)))
			} else {
				data.notes = append(data.notes, fmt.Sprintf("%s made no annotation in %d of the %d documents: they count as coded with nothing there (--only-coded leaves them out instead).", c, none, len(data.docs)))
			}
		}
	}
	return data, nil
}

// themeSegments returns, for one page, each coder's segments of a theme
// (page offsets, disjoint, sorted).
func themeSegments(p *agreePage, coders, theme int) [][]reliability.Segment {
	out := make([][]reliability.Segment, coders)
	for _, a := range p.anns {
		for _, t := range a.themes {
			if t == theme {
				out[a.coder] = append(out[a.coder], reliability.Segment{Start: int64(a.start), End: int64(a.end)})
			}
		}
	}
	for i := range out {
		out[i] = reliability.Normalize(out[i])
	}
	return out
}

// Agreement measures how far coders agree (see the notes at the top of
// agreement.go).
func (l *Library) Agreement(ctx context.Context, req AgreementRequest) (*AgreementReport, error) {
	unit, err := normaliseUnit(req.Unit)
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	req.Unit = unit
	data, err := l.loadAgreementData(ctx, req, unit != UnitCharacter)
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	rep := &AgreementReport{Unit: unit, Coders: data.coders, Themes: []AgreementRow{}, Notes: data.notes, CodedDocuments: map[string]int{}}
	for i, c := range data.coders {
		for _, d := range data.docs {
			if d.coded[i] {
				rep.CodedDocuments[c]++
			}
		}
	}
	if unit == UnitCharacter {
		rep.AlphaKind = "alpha_u"
		characterAgreement(data, req.OnlyCoded, rep)
	} else {
		rep.AlphaKind = "alpha"
		unitAgreement(data, unit, req.OnlyCoded, rep)
	}
	for _, row := range rep.Themes {
		if row.CodedUnits == 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("Nobody coded %q in these documents: κ and α are undefined for it.", row.Theme))
		}
	}
	return rep, nil
}

func ptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	r := math.Round(x*10000) / 10000
	return &r
}

// characterAgreement measures on the characters of the documents every
// compared coder coded (all documents unless onlyCoded).
func characterAgreement(data *agreementData, onlyCoded bool, rep *AgreementReport) {
	m := len(data.coders)
	nThemes := len(data.themes)
	// the continuum: the pages of the documents, one after the other
	var L int64
	type placed struct {
		offset int64
		page   *agreePage
	}
	var pages []placed
	for di := range data.docs {
		d := &data.docs[di]
		all := true
		for _, c := range d.coded {
			all = all && c
		}
		if onlyCoded && !all {
			rep.DocumentsLeftOut++
			continue
		}
		rep.Documents++
		for pi := range d.pages {
			pages = append(pages, placed{L, &d.pages[pi]})
			L += int64(d.pages[pi].length)
		}
	}
	if onlyCoded && rep.DocumentsLeftOut > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d documents not every coder coded are left out: α_U needs every coder on the text.", rep.DocumentsLeftOut))
	}
	// per theme: every coder's segments on the continuum
	segs := make([][][]reliability.Segment, nThemes)
	for t := range segs {
		segs[t] = make([][]reliability.Segment, m)
	}
	for _, pl := range pages {
		if len(pl.page.anns) == 0 {
			continue
		}
		for t := 0; t < nThemes; t++ {
			for c, ss := range themeSegments(pl.page, m, t) {
				for _, s := range ss {
					segs[t][c] = append(segs[t][c], reliability.Segment{Start: s.Start + pl.offset, End: s.End + pl.offset})
				}
			}
		}
	}
	pairs := float64(m * (m - 1) / 2)
	var sumDo, sumDe float64
	var kappas []reliability.Kappa
	var allCoded []reliability.Segment // every coder's segments of every theme
	diffs := make([][]reliability.Segment, m*m)
	for t, th := range data.themes {
		row := AgreementRow{Theme: th.Name, Coders: data.coders, Units: L, Coded: map[string]int64{}}
		lens := make([]int64, m)
		var union []reliability.Segment
		for c := 0; c < m; c++ {
			for _, s := range segs[t][c] {
				lens[c] += s.Len()
			}
			row.Coded[data.coders[c]] = lens[c]
			union = append(union, segs[t][c]...)
		}
		allCoded = append(allCoded, union...)
		coded := unionLength(union)
		row.CodedUnits = coded
		if L > 0 {
			row.UncodedShare = round4(float64(L-coded) / float64(L))
			agree, agreeCoded := 0.0, 0.0
			for i := 0; i < m; i++ {
				for j := i + 1; j < m; j++ {
					inter := intersectionLength(segs[t][i], segs[t][j])
					diff := lens[i] + lens[j] - 2*inter
					agree += float64(L - diff)
					agreeCoded += float64(coded - diff)
					diffs[i*m+j] = append(diffs[i*m+j], symmetricDifference(segs[t][i], segs[t][j])...)
					if m == 2 {
						k := reliability.BinaryKappa(float64(inter), float64(lens[0]-inter), float64(lens[1]-inter), float64(L-lens[0]-lens[1]+inter))
						kappas = append(kappas, k)
						if k.OK {
							row.Kappa = ptr(k.Kappa)
						}
						row.KappaN = ptr(reliability.BrennanPrediger(k.Observed, 2))
					}
				}
			}
			row.Percent = ptr(agree / (pairs * float64(L)))
			if coded > 0 {
				row.PercentCoded = ptr(agreeCoded / (pairs * float64(coded)))
			}
		}
		do, de := reliability.UnitizedDisagreement(L, segs[t])
		sumDo += do
		sumDe += de
		if de > 0 {
			row.Alpha = ptr(1 - do/de)
		}
		rep.Themes = append(rep.Themes, row)
	}
	// over all themes
	ov := AgreementRow{Theme: OverallTheme, Coders: data.coders, Units: L, Coded: map[string]int64{}}
	for c := 0; c < m; c++ {
		var mine []reliability.Segment
		for t := range segs {
			mine = append(mine, segs[t][c]...)
		}
		ov.Coded[data.coders[c]] = unionLength(mine)
	}
	coded := unionLength(allCoded)
	ov.CodedUnits = coded
	if L > 0 {
		ov.UncodedShare = round4(float64(L-coded) / float64(L))
		agree, agreeCoded := 0.0, 0.0
		for i := 0; i < m; i++ {
			for j := i + 1; j < m; j++ {
				differ := unionLength(diffs[i*m+j])
				agree += float64(L - differ)
				agreeCoded += float64(coded - differ)
			}
		}
		ov.Percent = ptr(agree / (pairs * float64(L)))
		if coded > 0 {
			ov.PercentCoded = ptr(agreeCoded / (pairs * float64(coded)))
		}
	}
	if m == 2 {
		if k := reliability.PooledKappa(kappas); k.OK {
			ov.Kappa = ptr(k.Kappa)
		}
	}
	if sumDe > 0 {
		ov.Alpha = ptr(1 - sumDo/sumDe)
	}
	rep.Overall = ov
}

// unitAgreement measures on sentences or paragraphs.
func unitAgreement(data *agreementData, unit string, onlyCoded bool, rep *AgreementReport) {
	m := len(data.coders)
	nThemes := len(data.themes)
	coinc := make([]reliability.Coincidences, nThemes)
	type table struct{ a, b, c, d float64 }
	tables := make([]table, nThemes)
	codedUnits := make([]int64, nThemes)
	codedBy := make([][]int64, nThemes)
	for t := range codedBy {
		codedBy[t] = make([]int64, m)
	}
	agreeCoded := make([]float64, nThemes) // pairwise agreements on units someone coded
	pairsCoded := make([]float64, nThemes)
	var units, unitsCodedAny int64
	var ovAgree, ovPairs, ovAgreeCoded, ovPairsCoded float64
	ovCodedBy := make([]int64, m)
	for di := range data.docs {
		d := &data.docs[di]
		present := make([]bool, m)
		nPresent := 0
		for c := 0; c < m; c++ {
			present[c] = !onlyCoded || d.coded[c]
			if present[c] {
				nPresent++
			}
		}
		if nPresent < 2 {
			rep.DocumentsLeftOut++
			continue
		}
		rep.Documents++
		pairsHere := float64(nPresent * (nPresent - 1) / 2)
		for pi := range d.pages {
			p := &d.pages[pi]
			bounds := unitBounds(p, unit)
			if len(bounds) == 0 {
				continue
			}
			units += int64(len(bounds))
			// which units each coder coded with each theme
			codes := unitCodes(p, bounds, m, nThemes) // [unit][coder] bitset of themes
			for u := range bounds {
				any := false
				for c := 0; c < m; c++ {
					if present[c] && codes[u][c].any() {
						any = true
						ovCodedBy[c]++
					}
				}
				// over all themes: coder pairs giving the unit the same themes
				for i := 0; i < m; i++ {
					for j := i + 1; j < m; j++ {
						if !present[i] || !present[j] {
							continue
						}
						same := codes[u][i].equal(codes[u][j])
						if same {
							ovAgree++
						}
						ovPairs++
						if any {
							ovPairsCoded++
							if same {
								ovAgreeCoded++
							}
						}
					}
				}
				if any {
					unitsCodedAny++
				}
				for t := 0; t < nThemes; t++ {
					k := 0
					for c := 0; c < m; c++ {
						if present[c] && codes[u][c].has(t) {
							k++
							codedBy[t][c]++
						}
					}
					coinc[t].AddCounts([]int{nPresent - k, k}, 1)
					if k > 0 {
						codedUnits[t]++
						agreeCoded[t] += float64(k*(k-1)/2 + (nPresent-k)*(nPresent-k-1)/2)
						pairsCoded[t] += pairsHere
					}
					if m == 2 {
						x, y := codes[u][0].has(t), codes[u][1].has(t)
						switch {
						case x && y:
							tables[t].a++
						case x:
							tables[t].b++
						case y:
							tables[t].c++
						default:
							tables[t].d++
						}
					}
				}
			}
		}
	}
	var pairable int64
	if nThemes > 0 {
		pairable = units
	}
	var sumDo, sumDe float64
	var kappas []reliability.Kappa
	for t, th := range data.themes {
		row := AgreementRow{Theme: th.Name, Coders: data.coders, Units: pairable, CodedUnits: codedUnits[t], Coded: map[string]int64{}}
		for c := 0; c < m; c++ {
			row.Coded[data.coders[c]] = codedBy[t][c]
		}
		if pairable > 0 {
			row.UncodedShare = round4(float64(pairable-codedUnits[t]) / float64(pairable))
		}
		if p, ok := coinc[t].Percent(); ok {
			row.Percent = ptr(p)
		}
		if pairsCoded[t] > 0 {
			row.PercentCoded = ptr(agreeCoded[t] / pairsCoded[t])
		}
		if a, ok := coinc[t].Alpha(); ok {
			row.Alpha = ptr(a)
		}
		sumDo += coinc[t].Observed()
		sumDe += coinc[t].Expected()
		if m == 2 {
			k := reliability.BinaryKappa(tables[t].a, tables[t].b, tables[t].c, tables[t].d)
			kappas = append(kappas, k)
			if k.OK {
				row.Kappa = ptr(k.Kappa)
			}
			if k.Observed+k.Expected > 0 {
				row.KappaN = ptr(reliability.BrennanPrediger(k.Observed, 2))
			}
		}
		rep.Themes = append(rep.Themes, row)
	}
	ov := AgreementRow{Theme: OverallTheme, Coders: data.coders, Units: pairable, CodedUnits: unitsCodedAny, Coded: map[string]int64{}}
	for c := 0; c < m; c++ {
		ov.Coded[data.coders[c]] = ovCodedBy[c]
	}
	if pairable > 0 {
		ov.UncodedShare = round4(float64(pairable-unitsCodedAny) / float64(pairable))
	}
	if ovPairs > 0 {
		ov.Percent = ptr(ovAgree / ovPairs)
	}
	if ovPairsCoded > 0 {
		ov.PercentCoded = ptr(ovAgreeCoded / ovPairsCoded)
	}
	if m == 2 {
		if k := reliability.PooledKappa(kappas); k.OK {
			ov.Kappa = ptr(k.Kappa)
		}
	}
	if sumDe > 0 {
		ov.Alpha = ptr(1 - sumDo/sumDe)
	}
	rep.Overall = ov
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// unitBounds returns a page's sentences or paragraphs.
func unitBounds(p *agreePage, unit string) []ReadingSpan {
	text := string(p.text)
	if unit == UnitParagraph {
		return ParagraphBounds(text)
	}
	return SentenceBounds(text)
}

// themeSet is a set of theme indexes.
type themeSet []uint64

func (s themeSet) has(t int) bool { return t/64 < len(s) && s[t/64]&(1<<(t%64)) != 0 }
func (s *themeSet) add(t int) {
	for len(*s) <= t/64 {
		*s = append(*s, 0)
	}
	(*s)[t/64] |= 1 << (t % 64)
}
func (s themeSet) any() bool {
	for _, w := range s {
		if w != 0 {
			return true
		}
	}
	return false
}
func (s themeSet) equal(o themeSet) bool {
	for i := 0; i < max(len(s), len(o)); i++ {
		var a, b uint64
		if i < len(s) {
			a = s[i]
		}
		if i < len(o) {
			b = o[i]
		}
		if a != b {
			return false
		}
	}
	return true
}

// unitCodes returns, for each unit of a page, each coder's themes: a
// coder codes a unit with a theme when their codings with it cover at
// least half of the unit or one of them lies within it.
func unitCodes(p *agreePage, bounds []ReadingSpan, coders, themes int) [][]themeSet {
	out := make([][]themeSet, len(bounds))
	for u := range out {
		out[u] = make([]themeSet, coders)
	}
	if len(p.anns) == 0 {
		return out
	}
	for t := 0; t < themes; t++ {
		for c, segs := range themeSegments(p, coders, t) {
			if len(segs) == 0 {
				continue
			}
			k := 0
			for u, b := range bounds {
				us, ue := int64(b.Start), int64(b.End)
				for k < len(segs) && segs[k].End <= us {
					k++
				}
				covered := int64(0)
				inside := false
				for j := k; j < len(segs) && segs[j].Start < ue; j++ {
					s, e := max(segs[j].Start, us), min(segs[j].End, ue)
					if e > s {
						covered += e - s
					}
					if segs[j].Start >= us && segs[j].End <= ue {
						inside = true
					}
				}
				if inside || 2*covered >= ue-us {
					out[u][c].add(t)
				}
			}
		}
	}
	return out
}

// unionLength is the length of the union of segments.
func unionLength(segs []reliability.Segment) int64 {
	if len(segs) == 0 {
		return 0
	}
	s := append([]reliability.Segment(nil), segs...)
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	var total int64
	cur := s[0]
	for _, x := range s[1:] {
		if x.Start <= cur.End {
			cur.End = max(cur.End, x.End)
			continue
		}
		total += cur.Len()
		cur = x
	}
	return total + cur.Len()
}

// intersectionLength is the length both of two disjoint, sorted segment
// lists cover.
func intersectionLength(a, b []reliability.Segment) int64 {
	var n int64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		s, e := max(a[i].Start, b[j].Start), min(a[i].End, b[j].End)
		if e > s {
			n += e - s
		}
		if a[i].End <= b[j].End {
			i++
		} else {
			j++
		}
	}
	return n
}

// symmetricDifference returns the stretches one of two disjoint, sorted
// segment lists covers and the other does not.
func symmetricDifference(a, b []reliability.Segment) []reliability.Segment {
	type ev struct {
		at    int64
		delta int
	}
	var evs []ev
	for _, s := range a {
		evs = append(evs, ev{s.Start, 1}, ev{s.End, -1})
	}
	for _, s := range b {
		evs = append(evs, ev{s.Start, 1}, ev{s.End, -1})
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].at < evs[j].at })
	var out []reliability.Segment
	depth := 0
	for i := 0; i < len(evs); {
		at := evs[i].at
		before := depth
		for ; i < len(evs) && evs[i].at == at; i++ {
			depth += evs[i].delta
		}
		if before != 1 && depth == 1 {
			out = append(out, reliability.Segment{Start: at})
		} else if before == 1 && depth != 1 && len(out) > 0 {
			out[len(out)-1].End = at
		}
	}
	return out
}

// WriteCSV writes the report as a table: one row per theme and one over
// all themes, with the unit, the kind of α and the coders.
func (r *AgreementReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"theme", "unit", "coders", "units", "coded_units", "uncoded_share", "percent", "percent_coded", "kappa", "kappa_n", r.AlphaKind})
	num := func(x *float64) string {
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', 4, 64)
	}
	for _, row := range append(append([]AgreementRow(nil), r.Themes...), r.Overall) {
		cw.Write([]string{row.Theme, r.Unit, strings.Join(row.Coders, "; "), strconv.FormatInt(row.Units, 10), strconv.FormatInt(row.CodedUnits, 10),
			strconv.FormatFloat(row.UncodedShare, 'f', 4, 64), num(row.Percent), num(row.PercentCoded), num(row.Kappa), num(row.KappaN), num(row.Alpha)})
	}
	cw.Flush()
	return cw.Error()
}
