package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// bibMonths are BibTeX's predefined month macros.
var bibMonths = map[string]string{
	"jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
	"jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}

// parseBibTeX reads BibTeX or BibLaTeX. The file is cut into entries at
// lines that begin with "@type{" (or "@type("), so that a broken entry
// costs only itself and the work stays linear however the file is broken;
// an "@" at the start of a line inside a field value would also cut there,
// which real exports do not do. @string macros are expanded (BibTeX's
// month macros are predefined), @comment and @preamble are skipped, and
// text between entries is a comment.
func parseBibTeX(text string) ([]Metadata, error) {
	starts := bibEntryStart.FindAllStringIndex(text, -1)
	if len(starts) == 0 {
		return nil, errors.New("bibtex: no @entry found")
	}
	type chunk struct {
		text string
		line int
	}
	chunks := make([]chunk, len(starts))
	line, last := 1, 0
	for i, loc := range starts {
		line += strings.Count(text[last:loc[0]], "\n")
		last = loc[0]
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		at := loc[0] + strings.IndexByte(text[loc[0]:loc[1]], '@')
		chunks[i] = chunk{text[at:end], line + strings.Count(text[loc[0]:at], "\n")}
	}

	macros := map[string]string{}
	for k, v := range bibMonths {
		macros[k] = v
	}
	var (
		out    []Metadata
		errs   = &ParseErrors{Format: FormatBibTeX}
		record = 0
	)
	for _, c := range chunks {
		// Usually one entry per chunk; entries written on one line after
		// another ("…}@article{…") are read in turn.
		for s, line := c.text, c.line; s != ""; {
			p := bibParser{s: s, macros: macros}
			kind, key, fields, err := p.entry()
			next := -1 // where the entry ended, if it ended well
			if err == nil && kind != "comment" && kind != "preamble" {
				next = p.i + 1
			}
			switch kind {
			case "comment", "preamble":
			case "string":
				if err != nil {
					errs.add(0, line, fmt.Errorf("@string: %w", err))
				}
				for _, f := range fields {
					macros[strings.ToLower(f.name)] = f.value
				}
			default:
				record++
				if err != nil {
					errs.add(record, line, fmt.Errorf("@%s{%s: %w", kind, key, err))
					break
				}
				m, err := bibRecord(kind, fields)
				if err != nil {
					errs.add(record, line, fmt.Errorf("@%s{%s: %w", kind, key, err))
					break
				}
				out = append(out, m)
			}
			if next < 0 || next >= len(s) {
				break
			}
			loc := bibInlineStart.FindStringIndex(s[next:])
			if loc == nil {
				break
			}
			line += strings.Count(s[:next+loc[0]], "\n")
			s = s[next+loc[0]:]
		}
	}
	return out, errs.orNil()
}

// bibInlineStart finds an entry that does not begin a line.
var bibInlineStart = lazyre.New(`@[A-Za-z]+[ \t]*[{(]`)

type bibField struct {
	name  string
	value string // raw: outer delimiters removed, macros expanded, LaTeX kept
}

type bibParser struct {
	s      string
	i      int
	macros map[string]string
}

func (p *bibParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\r' || p.s[p.i] == '\n') {
		p.i++
	}
}

// entry reads "@type{key, name = value, ...}". For @string the fields are
// the macro definitions. The kind is returned lower-cased even on error.
func (p *bibParser) entry() (kind, key string, fields []bibField, err error) {
	p.i = 1 // past '@'
	start := p.i
	for p.i < len(p.s) && isASCIILetter(p.s[p.i]) {
		p.i++
	}
	kind = strings.ToLower(p.s[start:p.i])
	p.skipSpace()
	if p.i >= len(p.s) || (p.s[p.i] != '{' && p.s[p.i] != '(') {
		return kind, "", nil, errors.New("expected { after entry type")
	}
	closer := byte('}')
	if p.s[p.i] == '(' {
		closer = ')'
	}
	p.i++
	if kind == "comment" || kind == "preamble" {
		return kind, "", nil, nil
	}
	p.skipSpace()
	if kind != "string" {
		// The key runs to the first comma; BibLaTeX allows it to be empty.
		k := p.i
		for p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != closer && p.s[p.i] != '\n' && p.s[p.i] != '=' {
			p.i++
		}
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i = k // no key: the first field starts here
		} else {
			key = strings.TrimSpace(p.s[k:p.i])
		}
	}
	seen := map[string]bool{}
	for {
		p.skipSpace()
		for p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			p.skipSpace()
		}
		if p.i >= len(p.s) {
			return kind, key, fields, fmt.Errorf("missing closing %q at end of entry", closer)
		}
		if p.s[p.i] == closer {
			return kind, key, fields, nil
		}
		n := p.i
		for p.i < len(p.s) && !strings.ContainsRune(" \t\r\n=,{}()\"#", rune(p.s[p.i])) {
			p.i++
		}
		name := strings.ToLower(p.s[n:p.i])
		if name == "" {
			return kind, key, fields, fmt.Errorf("unexpected %q where a field name should be", p.s[p.i])
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			return kind, key, fields, fmt.Errorf("field %q: expected =", name)
		}
		p.i++
		value, err := p.value(closer)
		if err != nil {
			return kind, key, fields, fmt.Errorf("field %q: %w", name, err)
		}
		if !seen[name] {
			seen[name] = true
			fields = append(fields, bibField{name, value})
		}
	}
}

// value reads a field value: parts in braces, in quotes, numbers or macro
// names, joined by '#'.
func (p *bibParser) value(closer byte) (string, error) {
	var b strings.Builder
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return "", errors.New("missing value")
		}
		switch c := p.s[p.i]; {
		case c == '{':
			end, ok := matchBrace(p.s, p.i)
			if !ok {
				return "", errors.New("unbalanced braces in value")
			}
			b.WriteString(p.s[p.i+1 : end])
			p.i = end + 1
		case c == '"':
			depth := 0
			j := p.i + 1
			for ; j < len(p.s); j++ {
				if p.s[j] == '{' {
					depth++
				} else if p.s[j] == '}' {
					depth--
				} else if p.s[j] == '"' && depth == 0 && p.s[j-1] != '\\' {
					break
				}
			}
			if j >= len(p.s) {
				return "", errors.New("unterminated quoted value")
			}
			b.WriteString(p.s[p.i+1 : j])
			p.i = j + 1
		default:
			j := p.i
			for j < len(p.s) && !strings.ContainsRune(" \t\r\n,#{}\"", rune(p.s[j])) && p.s[j] != closer {
				j++
			}
			word := p.s[p.i:j]
			if word == "" {
				return "", fmt.Errorf("unexpected %q in value", c)
			}
			if v, ok := p.macros[strings.ToLower(word)]; ok {
				b.WriteString(v)
			} else {
				// A number, or a macro defined elsewhere: kept as written.
				b.WriteString(word)
			}
			p.i = j
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '#' {
			p.i++
			continue
		}
		return b.String(), nil
	}
}

// matchBrace returns the index of the brace closing the one at s[open].
func matchBrace(s string, open int) (int, bool) {
	depth := 0
	for j := open; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j, true
			}
		}
	}
	return 0, false
}

var citedBy = lazyre.New(`(?i)cited by:?\s*(\d+)`)

// bibRecord turns an entry's fields into a record.
func bibRecord(kind string, fields []bibField) (Metadata, error) {
	f := map[string]string{}
	for _, fl := range fields {
		f[fl.name] = fl.value
	}
	get := func(names ...string) string {
		for _, n := range names {
			if v, ok := f[n]; ok {
				if s := collapseSpace(latexToUnicode(v)); s != "" {
					return s
				}
			}
		}
		return ""
	}
	m := Metadata{
		Title:    get("title"),
		Volume:   get("volume"),
		Issue:    get("number", "issue"),
		Pages:    get("pages"),
		DOI:      get("doi"),
		URL:      get("url"),
		Abstract: get("abstract"),
		Language: get("language", "langid"),
		Type:     cslTypeFor[kind],
	}
	if m.Type == "" {
		m.Type = "article-journal"
	}
	switch kind {
	case "inproceedings", "conference", "incollection", "inbook":
		m.Journal = get("booktitle", "journal", "journaltitle")
	default:
		m.Journal = get("journal", "journaltitle", "booktitle")
	}
	if alt := get("origtitle", "translatedtitle"); alt != "" {
		m.AltTitles = append(m.AltTitles, alt)
	}
	if m.DOI == "" {
		for _, n := range []string{"url", "eprint", "note", "howpublished"} {
			if d := NormalizeDOI(get(n)); d != "" {
				m.DOI = d
				break
			}
		}
	}
	if d := get("date"); d != "" {
		m.setDate(parseDate(d))
	}
	if y := get("year"); y != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(y)); err == nil {
			day, _ := strconv.Atoi(get("day"))
			m.setDate(isoFromParts(n, parseMonth(get("month")), day), n)
		} else {
			m.setDate(parseDate(y))
		}
	}
	if c := citedBy.FindStringSubmatch(get("note", "annote")); c != nil {
		m.CitationCount, _ = strconv.Atoi(c[1])
	}
	if raw, ok := f["author"]; ok {
		m.Authors = bibNames(raw)
	}
	if raw, ok := f["editor"]; ok {
		m.Editors = bibNames(raw)
	}
	m.Publisher = get("publisher", "institution", "school", "organization")
	m.Edition = get("edition")
	if kind == "techreport" || kind == "report" {
		m.Number, m.Issue = m.Issue, "" // a report's number is its report number
	}
	m.clean()
	if m.Title == "" && m.DOI == "" {
		return m, errors.New("no title or DOI")
	}
	return m, nil
}

// bibNames splits a BibTeX name list at " and " outside braces and reads
// each name: "{World Health Organization}" is a literal, "Family, Given",
// "von Family, Jr, Given" and "Given von Family" are split. "others" (et
// al.) is dropped.
func bibNames(raw string) []Author {
	var names []string
	depth, start := 0, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{':
			depth++
		case '}':
			depth--
		case 'a', 'A':
			if depth == 0 && i > 0 && isSpaceByte(raw[i-1]) && i+4 <= len(raw) &&
				strings.EqualFold(raw[i:i+3], "and") && isSpaceByte(raw[i+3]) {
				names = append(names, raw[start:i])
				start = i + 4
				i += 3
			}
		}
	}
	names = append(names, raw[start:])
	var out []Author
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || strings.EqualFold(n, "others") {
			continue
		}
		if a := bibName(n); a != (Author{}) {
			out = append(out, a)
		}
	}
	return out
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func bibName(n string) Author {
	if n[0] == '{' {
		if end, ok := matchBrace(n, 0); ok && end == len(n)-1 {
			return Author{Literal: collapseSpace(latexToUnicode(n[1:end]))}
		}
	}
	// Commas and spaces outside braces separate the parts.
	var parts []string
	var words []string
	depth, start, wstart := 0, 0, 0
	flushWord := func(i int) {
		if w := strings.TrimSpace(n[wstart:i]); w != "" {
			words = append(words, w)
		}
		wstart = i + 1
	}
	for i := 0; i < len(n); i++ {
		switch c := n[i]; {
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, n[start:i])
			start = i + 1
		case isSpaceByte(c) && depth == 0:
			flushWord(i)
		}
	}
	flushWord(len(n))
	conv := func(s string) string { return collapseSpace(latexToUnicode(s)) }
	if len(parts) > 0 {
		parts = append(parts, n[start:])
		family := conv(parts[0])
		given := conv(parts[len(parts)-1])
		if len(parts) >= 3 {
			family += ", " + conv(parts[1])
		}
		return Author{Family: family, Given: given}
	}
	if len(words) == 1 {
		return Author{Family: conv(words[0])}
	}
	// "Given von Family": the family name starts at the first word after
	// the first that begins with a lower-case letter, else it is the last.
	cut := len(words) - 1
	for i := 1; i < len(words)-1; i++ {
		r, _ := utf8.DecodeRuneInString(conv(words[i]))
		if words[i][0] != '{' && unicode.IsLower(r) {
			cut = i
			break
		}
	}
	return Author{Given: conv(strings.Join(words[:cut], " ")), Family: conv(strings.Join(words[cut:], " "))}
}

// latexAccents maps accent commands to combining marks.
var latexAccents = map[string]rune{
	"'": '\u0301', "`": '\u0300', "^": '\u0302', "\"": '\u0308', "~": '\u0303', "=": '\u0304',
	".": '\u0307', "u": '\u0306', "v": '\u030C', "H": '\u030B', "c": '\u0327', "k": '\u0328',
	"r": '\u030A', "d": '\u0323', "b": '\u0331',
}

// latexSymbols maps control words to the text they stand for.
var latexSymbols = map[string]string{
	"aa": "å", "AA": "Å", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
	"ss": "ß", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ",
	"ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
	"textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
	"textquotedblleft": "“", "textquotedblright": "”", "ldots": "…", "dots": "…", "textellipsis": "…",
	"S": "§", "P": "¶", "copyright": "©", "textcopyright": "©", "textregistered": "®",
	"texttrademark": "™", "textasciitilde": "~", "textbackslash": "\\", "textunderscore": "_",
	"euro": "€", "texteuro": "€", "pounds": "£", "textsterling": "£", "textdegree": "°", "degree": "°",
	"guillemotleft": "«", "guillemotright": "»", "textless": "<", "textgreater": ">", "textbar": "|",
	"textbullet": "•", "textperiodcentered": "·", "textasciicircum": "^", "textdollar": "$",
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
	"chi": "χ", "psi": "ψ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "Omega": "Ω",
	"times": "×", "pm": "±", "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "neq": "≠",
	"approx": "≈", "cdot": "·", "infty": "∞",
	"LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
	"quad": " ", "qquad": " ", "newline": " ", "par": " ", "enspace": " ", "thinspace": " ",
}

// latexToUnicode turns the LaTeX of a BibTeX value into plain text:
// accents ({\"o}, \'{e}, \v c) become precomposed letters, symbols (\ss,
// \o, \&) their characters, -- and --- dashes, “ and ” quotes; braces
// and formatting commands (\emph, \textit) are dropped, keeping their
// text; unknown commands are dropped, keeping their arguments. One pass,
// linear in the length of s.
func latexToUnicode(s string) string {
	if !strings.ContainsAny(s, "\\{}~-`'$") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var pending []rune // accents waiting for the letter they go on
	emit := func(str string) {
		b.WriteString(str)
		if len(pending) > 0 && str != "" {
			for i := len(pending) - 1; i >= 0; i-- {
				b.WriteRune(pending[i])
			}
			pending = pending[:0]
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			j := i + 1
			if isASCIILetter(s[j]) {
				for j < len(s) && isASCIILetter(s[j]) {
					j++
				}
				name := s[i+1 : j]
				// A control word swallows the spaces after it.
				for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
					j++
				}
				i = j
				if mark, ok := latexAccents[name]; ok && len(name) == 1 {
					if len(pending) < 4 {
						pending = append(pending, mark)
					}
					continue
				}
				if sym, ok := latexSymbols[name]; ok {
					if len(pending) > 0 && (name == "i" || name == "j") {
						sym = name // the dotless i under an accent is just i
					}
					emit(sym)
					continue
				}
				continue // unknown or formatting command: keep its argument
			}
			// A control symbol.
			sym := s[j]
			i = j + 1
			if mark, ok := latexAccents[string(sym)]; ok {
				if len(pending) < 4 {
					pending = append(pending, mark)
				}
				continue
			}
			switch sym {
			case '\\', ' ', ',', ';', ':', '!':
				emit(" ")
			case '-', '/', '@':
			default:
				emit(string(sym)) // \& \% \$ \# \_ \{ \}
			}
		case c == '{' || c == '}' || c == '$':
			i++
		case c == '~':
			emit(" ")
			i++
		case c == '-' && strings.HasPrefix(s[i:], "---"):
			emit("—")
			i += 3
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			emit("–")
			i += 2
		case c == '`' && strings.HasPrefix(s[i:], "``"):
			emit("“")
			i += 2
		case c == '\'' && strings.HasPrefix(s[i:], "''"):
			emit("”")
			i += 2
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			b.WriteByte(' ') // spaces do not take pending accents
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			emit(string(r))
			i += size
		}
	}
	return b.String()
}
