package importer

import "strconv"

// A small tokenizer for content streams and CMap programs. The library
// decodes the streams (filters, encryption); reading their tokens here lets
// the interpreter skip inline image data, bound its work and stop on ctx.

type operandKind uint8

const (
	opNumber operandKind = iota
	opString
	opName
	opArray
	opDict
	opKeyword
	opBool
	opNull
)

type operand struct {
	kind operandKind
	num  float64
	str  string
	arr  []operand
}

type lexer struct {
	data  []byte
	pos   int
	depth int
	// spare is storage for the next top-level array's elements, given
	// back by recycle: a page's text is mostly TJ arrays, one per shown
	// run, and storage for each afresh was half of what a one-off
	// extraction of such a page allocated.
	spare []operand
}

// recycle gives back the storage of the top-level arrays among ops, whose
// operator has run: nothing keeps an operand array (strings are copies).
func (l *lexer) recycle(ops []operand) {
	for i := range ops {
		if ops[i].kind == opArray && cap(ops[i].arr) > cap(l.spare) {
			l.spare = ops[i].arr[:0]
			ops[i].arr = nil
		}
	}
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelimiter(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isWhite(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// next returns the next token or object; ok is false at the end.
func (l *lexer) next() (operand, bool) {
	l.skipSpace()
	if l.pos >= len(l.data) {
		return operand{}, false
	}
	c := l.data[l.pos]
	switch {
	case c == '(':
		return operand{kind: opString, str: l.literalString()}, true
	case c == '<':
		if l.pos+1 < len(l.data) && l.data[l.pos+1] == '<' {
			l.pos += 2
			return l.dict(), true
		}
		return operand{kind: opString, str: l.hexString()}, true
	case c == '/':
		l.pos++
		start := l.pos
		for l.pos < len(l.data) && !isWhite(l.data[l.pos]) && !isDelimiter(l.data[l.pos]) {
			l.pos++
		}
		return operand{kind: opName, str: unescapeName(string(l.data[start:l.pos]))}, true
	case c == '[':
		l.pos++
		return l.array(), true
	case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
		l.pos++
		return operand{kind: opKeyword, str: string(c)}, true
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		start := l.pos
		l.pos++
		for l.pos < len(l.data) {
			d := l.data[l.pos]
			if (d >= '0' && d <= '9') || d == '.' || d == '-' || d == '+' {
				l.pos++
				continue
			}
			break
		}
		s := string(l.data[start:l.pos])
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			v = parseLooseNumber(s)
		}
		return operand{kind: opNumber, num: v}, true
	default:
		start := l.pos
		for l.pos < len(l.data) && !isWhite(l.data[l.pos]) && !isDelimiter(l.data[l.pos]) {
			l.pos++
		}
		if l.pos == start {
			l.pos++
		}
		kw := string(l.data[start:l.pos])
		switch kw {
		case "true", "false":
			return operand{kind: opBool, num: b2f(kw == "true")}, true
		case "null":
			return operand{kind: opNull}, true
		}
		return operand{kind: opKeyword, str: kw}, true
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// parseLooseNumber reads numbers such as "--5" or "1.2.3" the way viewers do:
// as much of a number as makes sense.
func parseLooseNumber(s string) float64 {
	neg := false
	i := 0
	for i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = neg != (s[i] == '-')
		i++
	}
	j := i
	dot := false
	for j < len(s) && ((s[j] >= '0' && s[j] <= '9') || (s[j] == '.' && !dot)) {
		if s[j] == '.' {
			dot = true
		}
		j++
	}
	v, _ := strconv.ParseFloat(s[i:j], 64)
	if neg {
		v = -v
	}
	return v
}

func unescapeName(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' {
			goto slow
		}
	}
	return s
slow:
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(v))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

func (l *lexer) literalString() string {
	l.pos++ // (
	var b []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
			b = append(b, c)
		case ')':
			depth--
			if depth == 0 {
				return string(b)
			}
			b = append(b, c)
		case '\\':
			if l.pos >= len(l.data) {
				return string(b)
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case '\r':
				if l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '7'; k++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					b = append(b, byte(v))
				} else {
					b = append(b, e)
				}
			}
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func unhexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (l *lexer) hexString() string {
	l.pos++ // <
	var b []byte
	hi := -1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v := unhexDigit(c)
		if v < 0 {
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			b = append(b, byte(hi<<4|v))
			hi = -1
		}
	}
	if hi >= 0 {
		b = append(b, byte(hi<<4))
	}
	return string(b)
}

const maxNesting = 32

func (l *lexer) array() operand {
	out := operand{kind: opArray}
	l.depth++
	defer func() { l.depth-- }()
	if l.depth == 1 && l.spare != nil {
		out.arr, l.spare = l.spare, nil
	}
	for {
		l.skipSpace()
		if l.pos >= len(l.data) {
			return out
		}
		if l.data[l.pos] == ']' {
			l.pos++
			return out
		}
		if l.depth > maxNesting {
			l.pos++
			continue
		}
		op, ok := l.next()
		if !ok {
			return out
		}
		if op.kind == opKeyword && (op.str == ">" || op.str == "}") {
			continue
		}
		if len(out.arr) < 1<<20 {
			out.arr = append(out.arr, op)
		}
	}
}

// dict reads an inline dictionary (after "<<"); its entries are kept as a
// flat key, value list.
func (l *lexer) dict() operand {
	out := operand{kind: opDict}
	l.depth++
	defer func() { l.depth-- }()
	for {
		l.skipSpace()
		if l.pos >= len(l.data) {
			return out
		}
		if l.data[l.pos] == '>' {
			l.pos++
			if l.pos < len(l.data) && l.data[l.pos] == '>' {
				l.pos++
			}
			return out
		}
		if l.depth > maxNesting {
			l.pos++
			continue
		}
		op, ok := l.next()
		if !ok {
			return out
		}
		if len(out.arr) < 1<<16 {
			out.arr = append(out.arr, op)
		}
	}
}

// skipInlineImage moves past inline image data: from after "ID" to after
// the "EI" that ends it.
func (l *lexer) skipInlineImage() {
	if l.pos < len(l.data) && isWhite(l.data[l.pos]) {
		l.pos++
	}
	for l.pos+1 < len(l.data) {
		if l.data[l.pos] == 'E' && l.data[l.pos+1] == 'I' &&
			(l.pos == 0 || isWhite(l.data[l.pos-1])) &&
			(l.pos+2 >= len(l.data) || isWhite(l.data[l.pos+2]) || isDelimiter(l.data[l.pos+2])) {
			l.pos += 2
			return
		}
		l.pos++
	}
	l.pos = len(l.data)
}
