package index

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The query language: Bleve's query-string syntax (words, "phrases",
// +must, -not, field:value, year:>=2015, prefix*, fuzzy~), with
//
//   - AND, OR and NOT in upper case, as PubMed has them, and parentheses
//     to group: trust AND heparin, (trust OR faith) AND care, care NOT
//     heparin, NOT heparin. AND and NOT (AND NOT) may follow one another;
//     AND and OR in one group need parentheses to say which comes first,
//     and a plain term side by side with terms joined by operators is
//     ambiguous: each is an error that names the problem rather than a
//     guess at the meaning. +term and -term beside terms joined by
//     operators apply to the whole group: trust OR faith +year:2015.
//   - a word the analyzer splits (peer-group, COVID-19) is the phrase of
//     its parts ("peer group"), not a choice between them.
//
// A group with no operator keeps Bleve's meaning: plain terms are
// optional (a page needs one of them; more rank higher), +term is
// required, -term and NOT term are excluded.

// queryToken is one token of a query string.
type queryToken struct {
	kind tokenKind
	text string // a term as written (with its + or - and field:)
	pos  int    // byte offset in the query, for errors
}

type tokenKind int

const (
	tokTerm tokenKind = iota
	tokAnd
	tokOr
	tokNot
	tokOpen
	tokClose
	tokSign // + or - standing before a parenthesis
)

// QuerySyntaxError is a query string that cannot be read.
type QuerySyntaxError struct {
	Query string
	Pos   int // byte offset of the problem
	Msg   string
}

func (e *QuerySyntaxError) Error() string {
	return fmt.Sprintf("query syntax: %s (at character %d of %q)", e.Msg, len([]rune(e.Query[:e.Pos]))+1, e.Query)
}

// Is makes errors.Is(err, ErrInvalidInput) true.
func (e *QuerySyntaxError) Is(target error) bool { return target == ErrInvalidInput }

// tokenizeQuery splits a query string into terms, operators and
// parentheses. A term runs to white space or a parenthesis outside quotes;
// a backslash escapes the next character.
func tokenizeQuery(s string) ([]queryToken, error) {
	var out []queryToken
	rs := []rune(s)
	byteAt := func(i int) int { return len(string(rs[:i])) }
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r == '(':
			out = append(out, queryToken{tokOpen, "(", byteAt(i)})
			i++
			continue
		case r == ')':
			out = append(out, queryToken{tokClose, ")", byteAt(i)})
			i++
			continue
		}
		start := i
		quoted := false
		for i < len(rs) {
			c := rs[i]
			if c == '\\' && i+1 < len(rs) {
				i += 2
				continue
			}
			if c == '"' {
				quoted = !quoted
			} else if !quoted && (unicode.IsSpace(c) || c == '(' || c == ')') {
				break
			}
			i++
		}
		if quoted {
			return nil, &QuerySyntaxError{Query: s, Pos: byteAt(start), Msg: "a quotation mark is never closed"}
		}
		text := string(rs[start:i])
		kind := tokTerm
		switch text {
		case "AND":
			kind = tokAnd
		case "OR":
			kind = tokOr
		case "NOT":
			kind = tokNot
		case "+", "-":
			if i < len(rs) && rs[i] == '(' {
				kind = tokSign
			}
		}
		if kind == tokTerm && strings.HasSuffix(text, ":") && i < len(rs) && rs[i] == '(' {
			return nil, &QuerySyntaxError{Query: s, Pos: byteAt(start), Msg: fmt.Sprintf("a field name applies to one word or phrase, not to a group: write (%sa OR %sb)", text, text)}
		}
		out = append(out, queryToken{kind, text, byteAt(start)})
	}
	return out, nil
}

// hasOperators tells whether a query uses AND, OR, NOT or parentheses.
func hasOperators(tokens []queryToken) bool {
	for _, t := range tokens {
		if t.kind != tokTerm {
			return true
		}
	}
	return false
}

// queryParser reads tokens into a Bleve query.
type queryParser struct {
	src    string
	tokens []queryToken
	i      int
}

// unit is one operand: a term, a group or a negated operand, with the
// sign it carries in a group without operators.
type unit struct {
	q    query.Query
	sign byte // 0, '+' or '-'
	pos  int
}

func (p *queryParser) errorf(pos int, format string, args ...any) error {
	return &QuerySyntaxError{Query: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *queryParser) peek() *queryToken {
	if p.i < len(p.tokens) {
		return &p.tokens[p.i]
	}
	return nil
}

// parseUserQuery reads a query string with operators or parentheses.
func parseUserQuery(s string) (query.Query, error) {
	tokens, err := tokenizeQuery(s)
	if err != nil {
		return nil, err
	}
	p := &queryParser{src: s, tokens: tokens}
	q, err := p.group(-1)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t != nil { // a ) with no (
		return nil, p.errorf(t.pos, "this ) closes no (")
	}
	return q, nil
}

// group reads operands and operators up to a ) or the end. open is the
// offset of the ( that opened the group, -1 at the top.
func (p *queryParser) group(open int) (query.Query, error) {
	var units []unit
	var ops []queryToken // ops[i] joins units[i] and units[i+1]; kind tokTerm: side by side
	pending := (*queryToken)(nil)
	for {
		t := p.peek()
		if t == nil || t.kind == tokClose {
			break
		}
		switch t.kind {
		case tokAnd, tokOr:
			if len(units) == 0 || pending != nil {
				what := "the start of the query"
				if open >= 0 {
					what = "the ( before it"
				}
				if pending != nil {
					what = pending.text
				}
				return nil, p.errorf(t.pos, "%s has no term between it and %s", t.text, what)
			}
			pending = t
			p.i++
			continue
		case tokNot:
			if len(units) > 0 && pending == nil { // a NOT b: a AND NOT b
				pending = t
				p.i++
				continue
			}
		}
		u, err := p.operand()
		if err != nil {
			return nil, err
		}
		if len(units) > 0 {
			if pending != nil {
				ops = append(ops, *pending)
			} else {
				ops = append(ops, queryToken{kind: tokTerm, pos: u.pos})
			}
		}
		pending = nil
		units = append(units, u)
	}
	if pending != nil {
		return nil, p.errorf(pending.pos, "%s at the end has no term after it", pending.text)
	}
	if t := p.peek(); t == nil && open >= 0 {
		return nil, p.errorf(open, "this ( is never closed")
	} else if t != nil && open >= 0 {
		p.i++ // the )
	}
	if len(units) == 0 {
		if open >= 0 {
			return nil, p.errorf(open, "empty parentheses")
		}
		return bleve.NewMatchNoneQuery(), nil
	}
	return p.combine(units, ops)
}

// operand reads one term, group or NOT operand.
func (p *queryParser) operand() (unit, error) {
	t := p.peek()
	p.i++
	switch t.kind {
	case tokNot:
		next := p.peek()
		if next == nil || next.kind == tokClose || next.kind == tokAnd || next.kind == tokOr {
			return unit{}, p.errorf(t.pos, "NOT has no term after it")
		}
		u, err := p.operand()
		if err != nil {
			return unit{}, err
		}
		if u.sign != 0 {
			return unit{}, p.errorf(t.pos, "NOT before a term that has + or - already")
		}
		u.sign, u.pos = '-', t.pos
		return u, nil
	case tokSign:
		open := p.peek()
		p.i++
		q, err := p.group(open.pos)
		if err != nil {
			return unit{}, err
		}
		return unit{q: q, sign: t.text[0], pos: t.pos}, nil
	case tokOpen:
		q, err := p.group(t.pos)
		if err != nil {
			return unit{}, err
		}
		return unit{q: q, pos: t.pos}, nil
	case tokClose:
		return unit{}, p.errorf(t.pos, "this ) closes no (")
	}
	return p.term(t)
}

// term reads one term with Bleve's query-string parser.
func (p *queryParser) term(t *queryToken) (unit, error) {
	parsed, err := bleve.NewQueryStringQuery(t.text).Parse()
	if err != nil {
		return unit{}, p.errorf(t.pos, "%q: %v", t.text, err)
	}
	b, ok := parsed.(*query.BooleanQuery)
	if !ok {
		return unit{q: parsed, pos: t.pos}, nil
	}
	one := func(q query.Query) query.Query {
		switch c := q.(type) {
		case *query.ConjunctionQuery:
			if len(c.Conjuncts) == 1 {
				return c.Conjuncts[0]
			}
		case *query.DisjunctionQuery:
			if len(c.Disjuncts) == 1 {
				return c.Disjuncts[0]
			}
		}
		return q
	}
	switch {
	case b.Must != nil:
		return unit{q: one(b.Must), sign: '+', pos: t.pos}, nil
	case b.MustNot != nil:
		return unit{q: one(b.MustNot), sign: '-', pos: t.pos}, nil
	case b.Should != nil:
		return unit{q: one(b.Should), pos: t.pos}, nil
	}
	return unit{}, p.errorf(t.pos, "%q is not a term", t.text)
}

// combine joins a group's operands. Operands that operators join form a
// run: all joined with AND (and NOT), or all with OR. Side by side with no
// operator, operands keep Bleve's meaning (plain terms optional, +term
// required, -term excluded); beside a run, only +term and -term may stand,
// and they apply to the whole group: (a OR b) +year:2015.
func (p *queryParser) combine(units []unit, ops []queryToken) (query.Query, error) {
	type run struct{ from, to int } // units[from:to]
	var runs []run
	for i := range units {
		if i == 0 || ops[i-1].kind == tokTerm {
			runs = append(runs, run{i, i + 1})
		} else {
			runs[len(runs)-1].to = i + 1
		}
	}
	if len(runs) == 1 && runs[0].to-runs[0].from > 1 {
		return p.joinRun(units, ops)
	}
	var joined *run
	for i, r := range runs {
		if r.to-r.from > 1 {
			if joined != nil {
				return nil, p.errorf(units[r.from].pos, "two groups of terms joined by operators stand side by side: join them with AND or OR, or put each in parentheses")
			}
			joined = &runs[i]
		}
	}
	var must, should, mustNot []query.Query
	if joined != nil {
		q, err := p.joinRun(units[joined.from:joined.to], ops[joined.from:joined.to-1])
		if err != nil {
			return nil, err
		}
		must = append(must, q)
	}
	for _, r := range runs {
		if r.to-r.from > 1 {
			continue
		}
		u := units[r.from]
		switch {
		case u.sign == '+':
			must = append(must, u.q)
		case u.sign == '-':
			mustNot = append(mustNot, u.q)
		case joined != nil:
			op := ops[joined.from]
			return nil, p.errorf(u.pos, "a term with no operator beside terms joined by %s: join it with %s or OR, or use +term to require it or -term to exclude it", op.text, op.text)
		default:
			should = append(should, u.q)
		}
	}
	if len(units) == 1 && units[0].sign == 0 {
		return units[0].q, nil
	}
	return query.NewBooleanQueryForQueryString(must, should, mustNot), nil
}

// joinRun joins operands that operators join: all with AND (and NOT), or
// all with OR; AND and OR together need parentheses.
func (p *queryParser) joinRun(units []unit, ops []queryToken) (query.Query, error) {
	var and, or *queryToken
	for i := range ops {
		switch ops[i].kind {
		case tokAnd, tokNot:
			if and == nil {
				and = &ops[i]
			}
		case tokOr:
			if or == nil {
				or = &ops[i]
			}
		}
	}
	if and != nil && or != nil {
		return nil, p.errorf(max(and.pos, or.pos), "AND and OR in one group: add parentheses to say which comes first, as (a OR b) AND c or a OR (b AND c)")
	}
	var must, should, mustNot []query.Query
	for i, u := range units {
		sign := u.sign
		if i > 0 && ops[i-1].kind == tokNot {
			if sign != 0 {
				return nil, p.errorf(ops[i-1].pos, "NOT before a term that has + or - already")
			}
			sign = '-'
		}
		switch {
		case and != nil && sign == '-':
			mustNot = append(mustNot, u.q)
		case and != nil:
			must = append(must, u.q)
		case sign == '+':
			return nil, p.errorf(u.pos, "a +term among OR alternatives: it cannot be both required and one choice of several")
		case sign == '-':
			// a OR NOT b: pages with a, or without b.
			should = append(should, query.NewBooleanQueryForQueryString(nil, nil, []query.Query{u.q}))
		default:
			should = append(should, u.q)
		}
	}
	return query.NewBooleanQueryForQueryString(must, should, mustNot), nil
}

// phraseFields are the fields that keep term positions: a word split in
// several terms is a phrase there, and a conjunction of its parts in the
// other fields (author, journal).
var phraseFields = map[string]bool{"text": true, "title": true, "abstract": true, "annotation": true}

// termGroups analyses text with the field's analyzer and returns its terms
// by position (a word with diacritics has two terms at its position).
func termGroups(m mapping.IndexMapping, field, analyzer, text string) [][]string {
	if analyzer == "" {
		analyzer = m.AnalyzerNameForPath(field)
	}
	a := m.AnalyzerNamed(analyzer)
	if a == nil {
		return nil
	}
	return groupByPosition(a.Analyze([]byte(text)))
}

func groupByPosition(tokens analysis.TokenStream) [][]string {
	var out [][]string
	last := -1
	for _, t := range tokens {
		if t.Position == last && len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], string(t.Term))
			continue
		}
		last = t.Position
		out = append(out, []string{string(t.Term)})
	}
	return out
}

// refineTerms rewrites the terms of a parsed query that Bleve's parser
// reads too loosely: a word the analyzer splits becomes the phrase of its
// parts (peer-group), and a prefix* or wildcard term, which Bleve does not
// analyse, is lower-cased and also tried without diacritics.
func refineTerms(q query.Query, m mapping.IndexMapping) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		q.Must = refineTerms(q.Must, m)
		q.Should = refineTerms(q.Should, m)
		q.MustNot = refineTerms(q.MustNot, m)
		return q
	case *query.ConjunctionQuery:
		for i, c := range q.Conjuncts {
			q.Conjuncts[i] = refineTerms(c, m)
		}
		return q
	case *query.DisjunctionQuery:
		for i, d := range q.Disjuncts {
			q.Disjuncts[i] = refineTerms(d, m)
		}
		return q
	case *query.MatchQuery:
		if q.Fuzziness != 0 || q.Prefix != 0 {
			return q
		}
		groups := termGroups(m, q.FieldVal, q.Analyzer, q.Match)
		if len(groups) < 2 {
			return q
		}
		if phraseFields[q.FieldVal] {
			pq := query.NewMatchPhraseQuery(q.Match)
			pq.SetField(q.FieldVal)
			pq.Analyzer = q.Analyzer
			if q.BoostVal != nil {
				pq.SetBoost(q.BoostVal.Value())
			}
			return pq
		}
		parts := make([]query.Query, len(groups))
		for i, g := range groups {
			parts[i] = anyTerm(q.FieldVal, g)
		}
		c := query.NewConjunctionQuery(parts)
		if q.BoostVal != nil {
			c.SetBoost(q.BoostVal.Value())
		}
		return c
	case *query.WildcardQuery:
		lower, folded := strings.ToLower(q.Wildcard), foldString(q.Wildcard)
		if lower == q.Wildcard && folded == lower {
			return q
		}
		exact := *q
		exact.Wildcard = lower
		if folded == lower {
			return &exact
		}
		plain := *q
		plain.Wildcard = folded
		return query.NewDisjunctionQuery([]query.Query{&exact, &plain})
	}
	return q
}

// anyTerm matches any of the terms in the field: one term query, or a
// disjunction when a word has a folded form too.
func anyTerm(field string, terms []string) query.Query {
	if len(terms) == 1 {
		tq := query.NewTermQuery(terms[0])
		tq.SetField(field)
		return tq
	}
	var qs []query.Query
	for _, t := range terms {
		tq := query.NewTermQuery(t)
		tq.SetField(field)
		qs = append(qs, tq)
	}
	return query.NewDisjunctionQuery(qs)
}
