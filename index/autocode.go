package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"golang.org/x/text/unicode/norm"
)

// Autocoding: "code all hits". A search's matches in page text are widened
// to their sentence (or paragraph), and every such passage not yet coded
// with the theme is tagged, all in one undoable step.

// Autocode units.
const (
	UnitSentence  = "sentence"
	UnitParagraph = "paragraph"
)

// AutocodeRequest asks for every hit of a search to be coded.
type AutocodeRequest struct {
	Query  string  // Bleve query-string syntax, as Search
	Theme  string  // the theme to code with
	Unit   string  // UnitSentence (default) or UnitParagraph
	DocIDs []int64 // optional: only these documents
	DryRun bool    // list the passages, change nothing
	Note   string
	Author string // "" uses Library.Author
	// IncludeReferences codes passages in reference lists and running
	// headers too; by default they are left out (referenceRegions).
	IncludeReferences bool
}

// AutocodeResult lists the annotations made (or, dry, that would be).
type AutocodeResult struct {
	Tagged int `json:"tagged"`
	// Skipped counts passages already coded with the theme: an annotation
	// with the theme overlaps them.
	Skipped int  `json:"skipped"`
	DryRun  bool `json:"dry_run"`
	// InReferences and InHeaders count passages left out because they lie
	// in a reference list or a running header (see IncludeReferences).
	InReferences int          `json:"in_references"`
	InHeaders    int          `json:"in_headers"`
	Annotations  []Annotation `json:"annotations"`
}

type unitSpan struct {
	doc   int64
	page  int
	start int // code points
	end   int
}

// Autocode tags the sentence or paragraph around every match of the query
// in page text with the theme. Passages that overlap an annotation with the
// theme count as already coded and are skipped, so running it again tags
// nothing twice; passages in reference lists and running headers are left
// out unless req.IncludeReferences.
func (l *Library) Autocode(ctx context.Context, req AutocodeRequest) (*AutocodeResult, error) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, fmt.Errorf("autocode: empty query: %w", ErrInvalidInput)
	}
	switch req.Unit {
	case "":
		req.Unit = UnitSentence
	case UnitSentence, UnitParagraph:
	default:
		return nil, fmt.Errorf("autocode: unit %q is neither %s nor %s: %w", req.Unit, UnitSentence, UnitParagraph, ErrInvalidInput)
	}
	theme, err := l.ThemeByName(ctx, req.Theme)
	if err != nil {
		return nil, fmt.Errorf("autocode: %w", err)
	}
	units, err := l.hitUnits(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("autocode %q: %w", req.Query, err)
	}
	res := &AutocodeResult{DryRun: req.DryRun, Annotations: []Annotation{}}
	author := req.Author
	if author == "" {
		author = l.Author
	}
	var created []int64
	label := fmt.Sprintf("Autocode %q with %s", shortQuote(req.Query), theme.Name)
	err = l.change(ctx, label, func(r *changeRecorder) error {
		pages := map[int64][]pageRunes{}
		regions := map[int64]map[int][]leftOutRegion{}
		planned := map[[2]int64][]unitSpan{}
		for _, u := range units {
			if pages[u.doc] == nil {
				if pages[u.doc], err = loadPageRunes(ctx, r.tx, u.doc); err != nil {
					return err
				}
				if regions[u.doc], err = leftOutRegions(ctx, r.tx, u.doc, pages[u.doc]); err != nil {
					return err
				}
			}
			if !req.IncludeReferences {
				switch leftOut(regions[u.doc][u.page], u) {
				case inReferences:
					res.InReferences++
					continue
				case inHeader:
					res.InHeaders++
					continue
				}
			}
			var n int
			if err := r.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM annotations a JOIN annotation_themes at ON at.annotation_id = a.id
WHERE a.doc_id = ? AND a.page = ? AND a.start < ? AND a.end > ? AND a.orphaned = 0 AND at.theme_id = ? AND a.author = ? COLLATE NOCASE`, u.doc, u.page, u.end, u.start, theme.ID, author).Scan(&n); err != nil {
				return err
			}
			key := [2]int64{u.doc, int64(u.page)}
			for _, o := range planned[key] {
				if u.start < o.end && o.start < u.end {
					n++ // a passage of this run holds part of it (a dry run stores none)
				}
			}
			if n > 0 {
				res.Skipped++
				continue
			}
			var text []rune
			for _, p := range pages[u.doc] {
				if p.page == u.page {
					text = p.text
				}
			}
			if u.end > len(text) {
				continue // the page changed since it was indexed
			}
			res.Tagged++
			planned[key] = append(planned[key], u)
			if req.DryRun {
				pre, suf := spanContext(text, u.start, u.end)
				res.Annotations = append(res.Annotations, Annotation{DocID: u.doc, Page: u.page, Start: u.start, End: u.end,
					Quote: string(text[u.start:u.end]), Prefix: pre, Suffix: suf, Themes: []string{theme.Name}, Note: strings.TrimSpace(req.Note), Author: author})
				continue
			}
			id, err := insertAnnotation(ctx, r, u.doc, span{page: u.page, start: u.start, end: u.end}, text, []int64{theme.ID}, req.Note, author)
			if err != nil {
				return err
			}
			created = append(created, id)
		}
		if req.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("autocode %q: %w", req.Query, err)
	}
	if req.DryRun {
		titles := map[int64]string{}
		for i, a := range res.Annotations {
			if _, ok := titles[a.DocID]; !ok {
				d, _ := l.Document(ctx, a.DocID)
				titles[a.DocID] = d.Title
			}
			res.Annotations[i].DocTitle = titles[a.DocID]
		}
		return res, nil
	}
	for _, id := range created {
		a, err := l.Annotation(ctx, id)
		if err != nil {
			return nil, err
		}
		res.Annotations = append(res.Annotations, a)
	}
	return res, nil
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// hitUnits runs the query over the whole index and returns the distinct
// sentences or paragraphs around its matches in page text, in document
// and page order.
func (l *Library) hitUnits(ctx context.Context, req AutocodeRequest) ([]unitSpan, error) {
	idx, err := l.searchIndex(ctx)
	if err != nil {
		return nil, err
	}
	q, err := buildQuery(SearchRequest{Query: req.Query, DocIDs: req.DocIDs}, idx.Mapping())
	if err != nil {
		return nil, err
	}
	seen := map[unitSpan]bool{}
	var units []unitSpan
	const batch = 500
	for from := 0; ; from += batch {
		sr := bleve.NewSearchRequestOptions(q, batch, from, false)
		sr.IncludeLocations = true
		sr.SortBy([]string{"_id"})
		res, err := idx.SearchInContext(ctx, sr)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			docID, page, ok := parsePageEntryID(h.ID)
			if !ok || page == 0 {
				continue
			}
			locs, _ := splitTextLocations(h.Locations["text"])
			if len(locs) == 0 {
				continue
			}
			p, err := l.PageText(ctx, docID, page)
			if err != nil {
				continue
			}
			text := p.Text
			if !norm.NFC.IsNormalString(text) {
				continue // offsets of a non-NFC page would not be code points of its NFC text
			}
			var bounds []ReadingSpan
			if req.Unit == UnitParagraph {
				bounds = ParagraphBounds(text)
			} else {
				bounds = SentenceBounds(text)
			}
			for _, ls := range textOffsets(text, locs) {
				for _, loc := range ls {
					s, e := int(loc.Start), int(loc.End)
					if s < 0 || e > len(text) || s >= e {
						continue
					}
					us, ue := unitAround(bounds, utf8.RuneCountInString(text[:s]), utf8.RuneCountInString(text[:e]))
					if us < 0 || us >= ue {
						continue
					}
					u := unitSpan{doc: docID, page: page, start: us, end: ue}
					if !seen[u] {
						seen[u] = true
						units = append(units, u)
					}
				}
			}
		}
		if len(res.Hits) < batch {
			break
		}
	}
	sort.Slice(units, func(i, j int) bool {
		a, b := units[i], units[j]
		if a.doc != b.doc {
			return a.doc < b.doc
		}
		if a.page != b.page {
			return a.page < b.page
		}
		return a.start < b.start
	})
	return units, nil
}

// unitAround returns the code-point span of the unit (sentence or
// paragraph, as the reader selects them) holding [s, e); a match that
// straddles units gets all of them.
func unitAround(units []ReadingSpan, s, e int) (int, int) {
	start, end := -1, -1
	for _, u := range units {
		if u.End <= s || u.Start >= e {
			continue
		}
		if start < 0 {
			start = u.Start
		}
		end = u.End
	}
	return start, end
}
