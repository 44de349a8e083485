package importer

import (
	"context"
	"math"

	"github.com/ledongthuc/pdf"
)

// glyph is one shown character code, placed on the page. Coordinates are in
// the frame of its writing direction (rot): x grows along the baseline in
// reading direction, y grows upwards, so that rotated text can be laid out
// like horizontal text.
type glyph struct {
	text   string
	x0, x1 float64 // start and end along the baseline
	y      float64 // baseline
	size   float64 // font size in page units
	rot    uint8   // 0: left to right; 1: bottom to top; 2: upside down; 3: top to bottom
	space  bool    // a space character (text " ")
	bold   bool    // set in a bold face
	italic bool    // set in an italic face
	face   uint32  // the face it is set in (pdfFont.face)
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: first m, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

type graphicsState struct {
	ctm                    matrix
	font                   *pdfFont
	fs, tc, tw, th, tl, ts float64
}

// Limits on the work done for one page.
const (
	maxOpsPerPage     = 3_000_000
	maxGlyphsPerPage  = 300_000
	maxFormDepth      = 12
	maxFormsPerPage   = 2_000
	maxContentBytes   = 64 << 20 // decoded content per page, forms included
	ctxCheckEveryNOps = 4096
)

// interpreter runs the text operators of one page's content (and the form
// XObjects it draws) and collects glyphs.
type interpreter struct {
	ctx     context.Context
	fonts   *fontCache
	glyphs  []glyph
	ops     int
	forms   int
	stopped bool // a limit was reached or ctx ended
	err     error
	bytes   int64 // content bytes read for the page, forms included
	// showOps counts the text-showing operators run; badStreams the
	// content streams that could not be decoded (an unsupported filter,
	// damaged data): signs that another engine may read the page better.
	showOps    int
	badStreams int
	// imageArea adds up the areas (in user space) of the images drawn:
	// a page that is one large image and no text is a scan.
	imageArea float64
	// content is storage for the page's decoded content streams (see
	// pageBuffers).
	content []byte
}

// fallbackFont is the font of text shown with no font or an unknown one
// (Helvetica in the standard encoding). It is never used to decode text
// itself: each fontCache uses a copy of it (fontCache.fallback).
var fallbackFont = func() *pdfFont {
	f := &pdfFont{scale: 0.001, sizeScale: 1, enc: standardTable, stdWidths: standardWidths("Helvetica")}
	return f
}()

func (in *interpreter) runPage(p pdf.Page) {
	contents := p.V.Key("Contents")
	data := in.content[:0]
	defer func() { in.content = data }()
	appendStream := func(v pdf.Value) {
		if len(data) > maxContentBytes {
			return
		}
		func() {
			start := len(data)
			defer func() {
				// An undecodable stream is skipped, and counted.
				if r := recover(); r != nil {
					data = data[:start]
					in.badStreams++
				}
			}()
			var err error
			data, err = appendStreamData(data, v, maxContentBytes-int64(len(data)))
			if err != nil {
				in.badStreams++
			}
			data = append(data, '\n')
		}()
	}
	if contents.Kind() == pdf.Array {
		for i := 0; i < contents.Len(); i++ {
			appendStream(contents.Index(i))
		}
	} else {
		appendStream(contents)
	}
	in.bytes = int64(len(data))
	// A page shows at most about one glyph per byte of content, usually one
	// per two or three: room for that up front spares the repeated growing
	// and copying of the glyph slice (a sixth of import CPU in profiles).
	// The slice of the document's previous page is reused when it is large
	// enough (see layoutPage).
	if need := min(len(data)/3+16, maxGlyphsPerPage); cap(in.glyphs) < need {
		in.glyphs = make([]glyph, 0, need)
	}
	in.glyphs = in.glyphs[:0]
	gs := graphicsState{ctm: identity, th: 1}
	in.run(data, p.Resources(), gs, 0)
}

func (in *interpreter) run(data []byte, res pdf.Value, gs graphicsState, depth int) {
	lx := &lexer{data: data}
	var stack []operand
	var gstack []graphicsState
	tm, tlm := identity, identity
	localFonts := map[string]*pdfFont{}
	if gs.font == nil {
		gs.font = in.fonts.fallback()
	}

	num := func(i int) float64 {
		if i < len(stack) {
			return stack[i].num
		}
		return 0
	}
	show := func(s string) {
		if in.stopped {
			return
		}
		in.showOps++
		f := gs.font
		m := tm.mul(gs.ctm)
		size := gs.fs * math.Hypot(m[2], m[3]) * f.sizeScale
		rot := rotationOf(m)
		// Each glyph is drawn at trm = sm × m, where m = tm × ctm. Only tm's
		// translation moves from glyph to glyph, so m's other four entries,
		// and trm's first two, stay as they are for the whole string: each
		// glyph works out only the entries that move, as mul would.
		sm := matrix{gs.fs * gs.th, 0, 0, gs.fs, 0, gs.ts}
		trmA, trmB := sm[0]*m[0]+sm[1]*m[2], sm[0]*m[1]+sm[1]*m[3]
		ctm := gs.ctm
		f.decode(s, func(g glyphCode) {
			ox := sm[4]*m[0] + sm[5]*m[2] + m[4]
			oy := sm[4]*m[1] + sm[5]*m[3] + m[5]
			ex, ey := ox+g.width*trmA, oy+g.width*trmB
			if len(in.glyphs) < maxGlyphsPerPage {
				x0, y := toFrame(rot, ox, oy)
				x1, _ := toFrame(rot, ex, ey)
				if x1 < x0 {
					x0, x1 = x1, x0
				}
				in.glyphs = append(in.glyphs, glyph{text: g.text, x0: x0, x1: x1, y: y, size: size, rot: rot, space: g.text == " ", bold: f.bold, italic: f.italic, face: f.face})
			} else {
				in.stopped = true
			}
			tx := g.width*gs.fs + gs.tc
			if g.space {
				tx += gs.tw
			}
			tx *= gs.th
			tm[4] += tx * tm[0]
			tm[5] += tx * tm[1]
			m[4] = tm[4]*ctm[0] + tm[5]*ctm[2] + ctm[4]
			m[5] = tm[4]*ctm[1] + tm[5]*ctm[3] + ctm[5]
		})
	}
	nextLine := func() {
		tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
		tm = tlm
	}

	for !in.stopped {
		tok, ok := lx.next()
		if !ok {
			break
		}
		if tok.kind != opKeyword {
			if len(stack) < 64 {
				stack = append(stack, tok)
			}
			continue
		}
		in.ops++
		if in.ops%ctxCheckEveryNOps == 0 {
			if err := in.ctx.Err(); err != nil {
				in.err = err
				in.stopped = true
				return
			}
		}
		if in.ops > maxOpsPerPage {
			in.stopped = true
			return
		}
		switch tok.str {
		case "q":
			if len(gstack) < 256 {
				gstack = append(gstack, gs)
			}
		case "Q":
			if n := len(gstack); n > 0 {
				gs = gstack[n-1]
				gstack = gstack[:n-1]
			}
		case "cm":
			if len(stack) >= 6 {
				var mm matrix
				for i := range 6 {
					mm[i] = num(len(stack) - 6 + i)
				}
				gs.ctm = mm.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tc":
			gs.tc = num(len(stack) - 1)
		case "Tw":
			gs.tw = num(len(stack) - 1)
		case "Tz":
			gs.th = num(len(stack)-1) / 100
		case "TL":
			gs.tl = num(len(stack) - 1)
		case "Ts":
			gs.ts = num(len(stack) - 1)
		case "Tf":
			if len(stack) >= 2 {
				name := stack[len(stack)-2].str
				gs.fs = stack[len(stack)-1].num
				f, ok := localFonts[name]
				if !ok {
					f = in.fonts.get(res.Key("Font").Key(name), name)
					if f == nil {
						f = in.fonts.fallback()
					}
					localFonts[name] = f
				}
				gs.font = f
			}
		case "Td", "TD":
			if len(stack) >= 2 {
				tx, ty := num(len(stack)-2), num(len(stack)-1)
				if tok.str == "TD" {
					gs.tl = -ty
				}
				tlm = matrix{1, 0, 0, 1, tx, ty}.mul(tlm)
				tm = tlm
			}
		case "Tm":
			if len(stack) >= 6 {
				for i := range 6 {
					tm[i] = num(len(stack) - 6 + i)
				}
				tlm = tm
			}
		case "T*":
			nextLine()
		case "Tj":
			if len(stack) >= 1 {
				show(stack[len(stack)-1].str)
			}
		case "'":
			nextLine()
			if len(stack) >= 1 {
				show(stack[len(stack)-1].str)
			}
		case "\"":
			if len(stack) >= 3 {
				gs.tw = num(len(stack) - 3)
				gs.tc = num(len(stack) - 2)
				nextLine()
				show(stack[len(stack)-1].str)
			}
		case "TJ":
			if len(stack) >= 1 && stack[len(stack)-1].kind == opArray {
				for _, el := range stack[len(stack)-1].arr {
					switch el.kind {
					case opString:
						show(el.str)
					case opNumber:
						tx := -el.num / 1000 * gs.fs * gs.th
						tm[4] += tx * tm[0]
						tm[5] += tx * tm[1]
					}
				}
			}
		case "Do":
			if len(stack) >= 1 && stack[len(stack)-1].kind == opName {
				in.doForm(res, stack[len(stack)-1].str, gs, depth)
			}
		case "BI":
			// Inline image: skip its dictionary and binary data.
			in.imageArea += math.Abs(gs.ctm[0]*gs.ctm[3] - gs.ctm[1]*gs.ctm[2])
			for {
				t, ok := lx.next()
				if !ok || (t.kind == opKeyword && t.str == "ID") {
					break
				}
			}
			lx.skipInlineImage()
		}
		lx.recycle(stack)
		stack = stack[:0]
	}
}

// doForm draws a form XObject: its content with its own resources under
// its /Matrix, with cycle and depth guards.
func (in *interpreter) doForm(res pdf.Value, name string, gs graphicsState, depth int) {
	if depth >= maxFormDepth || in.forms >= maxFormsPerPage {
		return
	}
	x := res.Key("XObject").Key(name)
	if x.Kind() == pdf.Stream && x.Key("Subtype").Name() == "Image" {
		// An image fills the unit square under the CTM.
		in.imageArea += math.Abs(gs.ctm[0]*gs.ctm[3] - gs.ctm[1]*gs.ctm[2])
		return
	}
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	in.forms++
	m := identity
	if mv := x.Key("Matrix"); mv.Len() == 6 {
		for i := range 6 {
			m[i] = mv.Index(i).Float64()
		}
	}
	gs.ctm = m.mul(gs.ctm)
	formRes := x.Key("Resources")
	if formRes.Kind() != pdf.Dict {
		formRes = res
	}
	budget := int64(maxContentBytes) - in.bytes
	if budget <= 0 {
		in.stopped = true
		return
	}
	var data []byte
	func() {
		defer func() {
			if r := recover(); r != nil {
				in.badStreams++
			}
		}()
		var err error
		if data, err = readStreamErr(x, budget); err != nil {
			in.badStreams++
		}
	}()
	in.bytes += int64(len(data))
	in.run(data, formRes, gs, depth+1)
}

// rotationOf classifies the writing direction of a text matrix.
func rotationOf(m matrix) uint8 {
	a, b := m[0], m[1]
	if a == 0 && b == 0 {
		return 0
	}
	switch {
	case math.Abs(a) >= math.Abs(b):
		if a > 0 {
			return 0
		}
		return 2
	case b > 0:
		return 1
	default:
		return 3
	}
}

// toFrame maps page coordinates into the frame of a writing direction.
func toFrame(rot uint8, x, y float64) (float64, float64) {
	switch rot {
	case 1:
		return y, -x
	case 2:
		return -x, -y
	case 3:
		return -y, x
	}
	return x, y
}
