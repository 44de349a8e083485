package importer

import (
	"hash/fnv"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/rapport-qda/rapport/internal/stdfonts"
)

// pdfFont is what the text interpreter needs from a font dictionary: how to
// split a string into character codes, each code's Unicode text and its
// advance width. It is built once per font object and document.
type pdfFont struct {
	composite bool // Type0: multi-byte codes through a CMap
	// simple fonts
	enc       [256]string  // code -> text from the (base + Differences) encoding
	widths    [256]float64 // code -> width in text space units per unit font size
	hasWidth  [256]bool
	missing   float64 // width of codes not in /Widths
	stdWidths func(r rune) float64
	// composite fonts
	// cidText maps CIDs to text through the embedded TrueType font's own
	// cmap, for composite fonts with no ToUnicode map (nil otherwise).
	cidText  map[uint32]string
	space    cmapSpace       // code lengths
	cid      *cmapTable      // code -> CID (nil: identity)
	cidWidth map[int]float64 // CID -> width
	dw       float64         // default CID width
	// both
	toUni     *cmapTable // ToUnicode, if any
	sizeScale float64    // Type3 fonts: FontMatrix y scale relative to 1/1000
	scale     float64    // glyph space -> text space (0.001 except Type3)
	cache     map[uint32]string
	bold      bool   // a bold, black or heavy face (see boldFace)
	italic    bool   // an italic or oblique face
	face      uint32 // a hash of the face's name, the same for all subsets and re-encodings of it
	// simpleText caches textFor of a simple font's one-byte codes, which
	// is every glyph of most pages: an array index instead of a map lookup.
	simpleText [256]string
	simpleSet  [256]bool
}

// glyphCode is one character code of a shown string.
type glyphCode struct {
	code  uint32
	width float64 // in text space units for font size 1
	text  string
	space bool // single-byte code 32 (word spacing applies)
}

// decode splits raw into codes and calls fn for each one.
func (f *pdfFont) decode(raw string, fn func(g glyphCode)) {
	if !f.composite {
		for i := 0; i < len(raw); i++ {
			c := raw[i]
			w := f.missing
			if f.hasWidth[c] {
				w = f.widths[c]
			}
			t := f.textFor(uint32(c), 1)
			if w == 0 && f.stdWidths != nil {
				if r := []rune(t); len(r) == 1 {
					w = f.stdWidths(r[0])
				}
			}
			fn(glyphCode{code: uint32(c), width: w * f.scale, text: t, space: c == 32})
		}
		return
	}
	for len(raw) > 0 {
		n := f.space.length(raw)
		if n > len(raw) {
			n = len(raw)
		}
		var code uint32
		for i := 0; i < n; i++ {
			code = code<<8 | uint32(raw[i])
		}
		raw = raw[n:]
		cid := int(code)
		if f.cid != nil {
			if c, ok := f.cid.lookupCID(code, n); ok {
				cid = c
			}
		}
		w, ok := f.cidWidth[cid]
		if !ok {
			w = f.dw
		}
		fn(glyphCode{code: code, width: w * f.scale, text: f.textFor(code, n), space: n == 1 && code == 32})
	}
}

// textFor maps a code to Unicode: ToUnicode first, then the encoding.
// Compatibility ligatures are expanded here (U+FB00–FB06 → letters), and
// codes with no usable mapping give "" rather than U+FFFD.
func (f *pdfFont) textFor(code uint32, n int) string {
	simple := n == 1 && code < 256
	if simple && f.simpleSet[code] {
		return f.simpleText[code]
	}
	key := code | uint32(n)<<30
	if t, ok := f.cache[key]; ok {
		return t
	}
	t := ""
	if f.toUni != nil {
		t = cleanGlyphText(f.toUni.lookupText(code, n))
	}
	if t == "" && !f.composite && code < 256 {
		t = cleanGlyphText(f.enc[code])
	}
	if t == "" && f.cidText != nil {
		cid := code
		if f.cid != nil {
			if c, ok := f.cid.lookupCID(code, n); ok {
				cid = uint32(c)
			}
		}
		t = f.cidText[cid]
	}
	if t == "" && f.composite && f.toUni == nil && n == 1 && code >= 32 && code < 127 {
		t = string(rune(code))
	}
	switch {
	case simple:
		f.simpleText[code], f.simpleSet[code] = t, true
	case len(f.cache) < 1<<16:
		f.cache[key] = t
	}
	return t
}

// cleanGlyphText drops control characters and U+FFFD, expands
// compatibility ligatures and normalises to NFC.
func cleanGlyphText(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0xFFFD || r < 32 && r != '\t' || r >= 0x7F && r < 0xA0 || r == 0xFEFF:
			continue
		case r == '\t' || r == 0xA0:
			b.WriteByte(' ')
		case r >= 0xFB00 && r <= 0xFB06:
			b.WriteString(ligatures[r-0xFB00])
		case r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFE:
			// Hebrew and Arabic presentation forms (a letter's shape at the
			// start, middle or end of a word, lam-alef): the letters.
			b.WriteString(norm.NFKC.String(string(r)))
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

var ligatures = [...]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}

// fontCache holds the fonts of one document, keyed by a description of the
// font dictionary (the library does not expose object identity), for one
// goroutine: a font fills its caches of decoded text as it is used
// (textFor). Pages laid out at once on several goroutines (layoutPages)
// each have a cache of their own over one sharedFonts, which loads each
// font once; each cache uses its own copy of it.
type fontCache struct {
	fonts  map[string]*pdfFont
	shared *sharedFonts // nil: this cache loads its fonts itself
	// fallbackCopy is this cache's copy of fallbackFont (see fallback).
	fallbackCopy *pdfFont
}

// newFontCache returns an empty font cache; shared, when not nil, is
// where it finds the fonts another goroutine loaded.
func newFontCache(shared *sharedFonts) *fontCache {
	return &fontCache{fonts: map[string]*pdfFont{}, shared: shared}
}

// fallback returns the font of text shown with no font or an unknown one:
// this cache's copy of fallbackFont, whose text caches are filled as it is
// used, so that no two goroutines write to one.
func (fc *fontCache) fallback() *pdfFont {
	if fc.fallbackCopy == nil {
		fc.fallbackCopy = fallbackFont.clone()
	}
	return fc.fallbackCopy
}

// sharedFonts are the fonts loaded for the font caches of one document's
// goroutines, by fontKey. A font here is never used to decode text (that
// would fill its caches): each fontCache takes a copy (clone).
type sharedFonts struct {
	mu    sync.Mutex
	fonts map[string]*pdfFont
}

// load returns the font of dictionary v, whose description is k, loading
// it the first time.
func (s *sharedFonts) load(k string, v pdf.Value) *pdfFont {
	s.mu.Lock()
	defer s.mu.Unlock() // loadFont may panic on a broken font
	f, ok := s.fonts[k]
	if !ok {
		f = loadFont(v)
		s.fonts[k] = f
	}
	return f
}

// clone returns a copy of f with its text caches as loaded: the tables
// read from the file (maps included) are shared, and never written once
// loaded.
func (f *pdfFont) clone() *pdfFont {
	c := *f
	if f.cache != nil {
		c.cache = make(map[uint32]string, len(f.cache))
		for k, t := range f.cache {
			c.cache[k] = t
		}
	}
	return &c
}

func fontKey(v pdf.Value) string {
	var b strings.Builder
	b.WriteString(v.Key("BaseFont").Name())
	b.WriteByte('|')
	b.WriteString(v.Key("Subtype").Name())
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(v.Key("FirstChar").Int64(), 10))
	b.WriteByte('|')
	enc := v.Key("Encoding")
	if enc.Kind() == pdf.Name {
		b.WriteString(enc.Name())
	} else if enc.Kind() == pdf.Dict {
		b.WriteString(enc.Key("BaseEncoding").Name())
		b.WriteString(strconv.Itoa(enc.Key("Differences").Len()))
		d := enc.Key("Differences")
		for i := 0; i < d.Len() && i < 64; i++ {
			x := d.Index(i)
			if x.Kind() == pdf.Name {
				b.WriteString(x.Name())
			} else {
				b.WriteString(strconv.FormatInt(x.Int64(), 10))
			}
		}
	} else if enc.Kind() == pdf.Stream {
		b.WriteString("stream" + strconv.FormatInt(enc.Key("Length").Int64(), 10))
	}
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(v.Key("ToUnicode").Key("Length").Int64(), 10))
	b.WriteByte('|')
	w := v.Key("Widths")
	b.WriteString(strconv.Itoa(w.Len()))
	for i := 0; i < w.Len() && i < 32; i++ {
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(w.Index(i).Float64(), 'g', -1, 64))
	}
	return b.String()
}

// get returns the font of dictionary v, found in a resource dictionary
// under name, loading it the first time. The font is looked up first by
// the PDF object it was read from and its resource name (cheap: no part of
// the dictionary is read), then by its description (fontKey: reading its
// encoding and widths again costs as much as the rest of the lookup, in
// files whose objects sit in compressed object streams far more), so that
// fonts repeated as separate objects on every page are still loaded once.
func (fc *fontCache) get(v pdf.Value, name string) *pdfFont {
	if v.Kind() != pdf.Dict {
		return nil
	}
	ref := ""
	if id, gen, ok := objectRef(v); ok {
		ref = "obj " + strconv.FormatUint(uint64(id), 10) + " " + strconv.FormatUint(uint64(gen), 10) + " /" + name
		if f, ok := fc.fonts[ref]; ok {
			return f
		}
	}
	k := fontKey(v)
	f, ok := fc.fonts[k]
	if !ok {
		if fc.shared != nil {
			f = fc.shared.load(k, v).clone()
		} else {
			f = loadFont(v)
		}
		fc.fonts[k] = f
	}
	if ref != "" {
		fc.fonts[ref] = f
	}
	return f
}

// valueRef is where pdf.Value keeps the number and generation of the PDF
// object a value was read from (for a value held directly in another
// object, that object's): ledongthuc/pdf does not export them, so they are
// read through reflection; when a version of the library keeps them
// otherwise, refIndex is -1 and fonts are found by description alone.
var valueRef = func() (refIndex int) {
	t := reflect.TypeOf(pdf.Value{})
	f, ok := t.FieldByName("ptr")
	if !ok || f.Type.Kind() != reflect.Struct || f.Type.NumField() != 2 ||
		f.Type.Field(0).Type.Kind() != reflect.Uint32 || f.Type.Field(1).Type.Kind() != reflect.Uint16 {
		return -1
	}
	return f.Index[0]
}()

// objectRef returns the number and generation of the PDF object v was
// read from; ok is false when they are not known (see valueRef).
func objectRef(v pdf.Value) (id uint32, gen uint16, ok bool) {
	if valueRef < 0 {
		return 0, 0, false
	}
	p := reflect.ValueOf(&v).Elem().Field(valueRef)
	id, gen = uint32(p.Field(0).Uint()), uint16(p.Field(1).Uint())
	return id, gen, id != 0
}

const maxCMapBytes = 4 << 20

// faceName is a font's BaseFont without the subset prefix ("ABCDEF+") and
// without the suffix some producers add to re-encoded copies ("+20"): the
// name of the face the glyphs are drawn in.
func faceName(name string) string {
	if i := strings.IndexByte(name, '+'); i == 6 {
		name = name[i+1:]
	}
	if i := strings.LastIndexByte(name, '+'); i > 0 {
		name = name[:i]
	}
	return name
}

// fontDescriptor returns a font's descriptor, from its descendant for a
// composite font.
func fontDescriptor(v pdf.Value) pdf.Value {
	if v.Key("Subtype").Name() == "Type0" {
		return v.Key("DescendantFonts").Index(0).Key("FontDescriptor")
	}
	return v.Key("FontDescriptor")
}

// boldFace reports whether a font is a bold face, by its descriptor fd
// (the ForceBold flag, a FontWeight of 600 or more) or by its face name
// ("Helvetica-Bold", "Frutiger-Black", "FranklinGothic-Demi", and the ".B"
// suffix of the renamed fonts of some publishers' PDFs).
func boldFace(fd pdf.Value, name string) bool {
	const forceBold = 1 << 18
	if fd.Key("Flags").Int64()&forceBold != 0 || fd.Key("FontWeight").Float64() >= 600 {
		return true
	}
	if strings.HasSuffix(name, ".B") || strings.HasSuffix(name, ".BI") {
		return true
	}
	lower := strings.ToLower(name)
	for _, w := range [...]string{"bold", "black", "heavy", "demi", "semibd", "-bd", "extrab", "ultrab"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// italicFace reports whether a font is an italic or oblique face, by its
// descriptor fd (the Italic flag, a slanted ItalicAngle) or by its name.
func italicFace(fd pdf.Value, name string) bool {
	const italicFlag = 1 << 6
	if fd.Key("Flags").Int64()&italicFlag != 0 || fd.Key("ItalicAngle").Float64() != 0 {
		return true
	}
	if strings.HasSuffix(name, ".I") || strings.HasSuffix(name, ".BI") {
		return true
	}
	lower := strings.ToLower(name)
	return strings.Contains(lower, "ital") || strings.Contains(lower, "oblique") // "Italic", "BookItal"
}

func readStream(v pdf.Value, limit int64) []byte {
	data, _ := readStreamErr(v, limit)
	return data
}

// readStreamErr reads a stream's decoded data, up to limit bytes, and says
// whether decoding failed part way (damaged compressed data). An
// unsupported filter panics, as the library does.
func readStreamErr(v pdf.Value, limit int64) ([]byte, error) {
	if v.Kind() != pdf.Stream {
		return nil, nil
	}
	rc := v.Reader()
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

// appendStreamData appends a stream's decoded data, up to limit bytes, to
// dst, as readStreamErr reads it (what was read before an error is kept),
// without a slice of its own for the data.
func appendStreamData(dst []byte, v pdf.Value, limit int64) ([]byte, error) {
	if v.Kind() != pdf.Stream {
		return dst, nil
	}
	rc := v.Reader()
	defer rc.Close()
	r := io.LimitReader(rc, limit)
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return dst, err
		}
	}
}

func loadFont(v pdf.Value) *pdfFont {
	f := &pdfFont{scale: 0.001, sizeScale: 1, cache: map[uint32]string{}}
	subtype := v.Key("Subtype").Name()
	name := faceName(v.Key("BaseFont").Name())
	fd := fontDescriptor(v)
	f.bold = boldFace(fd, name)
	f.italic = italicFace(fd, name)
	h := fnv.New32a()
	h.Write([]byte(name))
	f.face = h.Sum32()
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if t := parseCMap(readStream(tu, maxCMapBytes)); len(t.chars) > 0 || len(t.ranges) > 0 {
			f.toUni = t
		}
	}
	if subtype == "Type0" {
		f.composite = true
		desc := v.Key("DescendantFonts").Index(0)
		f.dw = 1000
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		f.cidWidth = parseCIDWidths(desc.Key("W"))
		enc := v.Key("Encoding")
		switch enc.Kind() {
		case pdf.Stream:
			t := parseCMap(readStream(enc, maxCMapBytes))
			f.cid = t
			f.space = t.space
		default:
			// Identity-H/V and the predefined UCS-2 CMaps use two bytes.
			f.space = cmapSpace{}
		}
		if len(f.space) == 0 && f.toUni != nil && len(f.toUni.space) > 0 && enc.Kind() != pdf.Name {
			f.space = f.toUni.space
		}
		if f.toUni == nil {
			f.cidText = cidTextFromFont(desc)
		}
		return f
	}
	if subtype == "Type3" {
		fm := v.Key("FontMatrix")
		if fm.Len() == 6 {
			if a := fm.Index(0).Float64(); a != 0 {
				f.scale = a
			}
			if d := fm.Index(3).Float64(); d != 0 {
				f.sizeScale = d * 1000
				if f.sizeScale < 0 {
					f.sizeScale = -f.sizeScale
				}
			}
		}
	}
	// Widths.
	first := int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	for i := 0; i < ws.Len(); i++ {
		c := first + i
		if c >= 0 && c < 256 {
			f.widths[c] = ws.Index(i).Float64()
			f.hasWidth[c] = true
		}
	}
	f.missing = fd.Key("MissingWidth").Float64()
	base := v.Key("BaseFont").Name()
	if ws.Len() == 0 {
		f.stdWidths = standardWidths(base)
	}
	// Encoding: a base table, then /Differences.
	var table *[256]string
	enc := v.Key("Encoding")
	baseName := ""
	if enc.Kind() == pdf.Name {
		baseName = enc.Name()
	} else if enc.Kind() == pdf.Dict {
		baseName = enc.Key("BaseEncoding").Name()
	}
	switch baseName {
	case "WinAnsiEncoding":
		table = &winAnsiTable
	case "MacRomanEncoding":
		table = &macRomanTable
	case "StandardEncoding":
		table = &standardTable
	default:
		table = nil
	}
	if table == nil {
		// The font's own encoding: read it from an embedded Type 1 program
		// when there is one, else assume StandardEncoding (or WinAnsi for
		// TrueType, as most viewers do).
		if builtin := type1BuiltinEncoding(fd.Key("FontFile")); builtin != nil {
			table = builtin
		} else if subtype == "TrueType" {
			table = &winAnsiTable
		} else if isSymbolFont(base) {
			table = &symbolTable
		} else {
			table = &standardTable
		}
	}
	f.enc = *table
	if enc.Kind() == pdf.Dict {
		d := enc.Key("Differences")
		code := 0
		var agl pdf.TextEncoding // the library's full Adobe Glyph List, asked when needed
		for i := 0; i < d.Len() && i < 4096; i++ {
			x := d.Index(i)
			switch x.Kind() {
			case pdf.Integer, pdf.Real:
				code = int(x.Float64())
			case pdf.Name:
				if code >= 0 && code < 256 {
					t := glyphNameText(x.Name())
					if t == "" {
						if agl == nil {
							agl = (&pdf.Font{V: v}).Encoder()
						}
						t = aglText(agl, byte(code))
					}
					if t == "" && subtype == "Type3" {
						t = numberedGlyphText(x.Name(), code)
					}
					f.enc[code] = t
				}
				code++
			}
		}
	}
	return f
}

// aglText asks the library's Differences decoder, which knows the whole
// Adobe Glyph List, for the text of code: "" when it does not know the
// glyph's name (it then gives the code back unchanged).
func aglText(dec pdf.TextEncoding, code byte) (t string) {
	defer func() {
		if recover() != nil {
			t = ""
		}
	}()
	out := dec.Decode(string([]byte{code}))
	if r, _ := utf8.DecodeRuneInString(out); out == "" || r == rune(code) || r == utf8.RuneError {
		return ""
	}
	return cleanGlyphText(out)
}

// numberedGlyphText reads a Type 3 glyph named by its own character code,
// as dvips names the glyphs of TeX's bitmap fonts: "a65" at code 65. The
// code is read as TeX's text encoding (OT1) does below 32 (ligatures,
// dotless i) and as ASCII above. A number that is not the glyph's code
// (other producers number glyphs in their own order) says nothing.
func numberedGlyphText(name string, code int) string {
	i := 0
	for i < len(name) && i < 2 && (name[i] >= 'a' && name[i] <= 'z' || name[i] >= 'A' && name[i] <= 'Z') {
		i++
	}
	digits := name[i:]
	if len(digits) == 0 || len(digits) > 3 {
		return ""
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n != code || n > 255 {
		return ""
	}
	switch {
	case n < 32:
		return ot1Low[n]
	case n < 127:
		return string(rune(n))
	}
	return ""
}

// ot1Low is TeX's OT1 text encoding below 32.
var ot1Low = [32]string{"Γ", "Δ", "Θ", "Λ", "Ξ", "Π", "Σ", "Υ", "Φ", "Ψ", "Ω", "ff", "fi", "fl", "ffi", "ffl",
	"ı", "ȷ", "", "", "", "", "", "", "", "ß", "æ", "œ", "ø", "Æ", "Œ", "Ø"}

func isSymbolFont(base string) bool {
	if i := strings.IndexByte(base, '+'); i >= 0 {
		base = base[i+1:]
	}
	return base == "Symbol"
}

// parseCIDWidths reads a CIDFont /W array: c [w1 w2 ...] or c1 c2 w.
func parseCIDWidths(w pdf.Value) map[int]float64 {
	out := map[int]float64{}
	n := w.Len()
	for i := 0; i < n; {
		first := w.Index(i)
		if i+1 >= n {
			break
		}
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			c := int(first.Float64())
			for j := 0; j < next.Len() && j < 1<<16; j++ {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		lo, hi, width := int(first.Float64()), int(next.Float64()), w.Index(i+2).Float64()
		if hi-lo > 1<<16 {
			hi = lo + 1<<16
		}
		for c := lo; c <= hi; c++ {
			out[c] = width
		}
		i += 3
	}
	return out
}

// type1BuiltinEncoding reads "dup <code> /<name> put" entries from the clear
// text part of an embedded Type 1 font program.
func type1BuiltinEncoding(ff pdf.Value) *[256]string {
	if ff.Kind() != pdf.Stream {
		return nil
	}
	n := ff.Key("Length1").Int64()
	if n <= 0 || n > 1<<20 {
		n = 1 << 16
	}
	data := readStream(ff, n)
	s := string(data)
	if i := strings.Index(s, "eexec"); i >= 0 {
		s = s[:i]
	}
	i := strings.Index(s, "/Encoding")
	if i < 0 {
		return nil
	}
	s = s[i:]
	if strings.HasPrefix(s, "/Encoding StandardEncoding") {
		return nil
	}
	t := standardTable
	found := false
	fields := strings.Fields(s)
	for k := 0; k+3 < len(fields); k++ {
		if fields[k] != "dup" || fields[k+3] != "put" || !strings.HasPrefix(fields[k+2], "/") {
			continue
		}
		code, err := strconv.Atoi(fields[k+1])
		if err != nil || code < 0 || code > 255 {
			continue
		}
		t[code] = glyphNameText(fields[k+2][1:])
		found = true
	}
	if !found {
		return nil
	}
	return &t
}

// ---- CMaps ----

// cmapSpace gives code lengths from codespace ranges; empty means 2 bytes.
type cmapSpace []spaceRange

type spaceRange struct {
	n      int
	lo, hi []byte
}

func (s cmapSpace) length(raw string) int {
	if len(s) == 0 {
		return 2
	}
	for n := 1; n <= 4 && n <= len(raw); n++ {
	Ranges:
		for _, r := range s {
			if r.n != n {
				continue
			}
			for i := 0; i < n; i++ {
				if raw[i] < r.lo[i] || raw[i] > r.hi[i] {
					continue Ranges
				}
			}
			return n
		}
	}
	// No range matched: use the shortest declared length.
	short := 4
	for _, r := range s {
		short = min(short, r.n)
	}
	return short
}

type cmapRange struct {
	lo, hi uint32
	n      int
	dst    []uint16 // UTF-16 of lo's text (bfrange), or nil
	arr    []string // per-code texts (bfrange with array)
	cid    int      // cidrange start
}

type cmapTable struct {
	space  cmapSpace
	chars  map[uint64]string // (n<<32|code) -> text
	cids   map[uint64]int
	ranges []cmapRange
	cidr   []cmapRange
}

func (t *cmapTable) lookupText(code uint32, n int) string {
	if s, ok := t.chars[uint64(n)<<32|uint64(code)]; ok {
		return s
	}
	for _, r := range t.ranges {
		if code < r.lo || code > r.hi || (r.n != n && n != 0) {
			continue
		}
		off := code - r.lo
		if r.arr != nil {
			if int(off) < len(r.arr) {
				return r.arr[off]
			}
			return ""
		}
		if len(r.dst) == 0 {
			return ""
		}
		u := append([]uint16(nil), r.dst...)
		u[len(u)-1] += uint16(off)
		return string(utf16.Decode(u))
	}
	// Some producers write one-byte codes as two-byte entries or the reverse.
	return ""
}

func (t *cmapTable) lookupCID(code uint32, n int) (int, bool) {
	if c, ok := t.cids[uint64(n)<<32|uint64(code)]; ok {
		return c, true
	}
	for _, r := range t.cidr {
		if code >= r.lo && code <= r.hi {
			return r.cid + int(code-r.lo), true
		}
	}
	return 0, false
}

// parseCMap reads the parts of a CMap program Rapport needs: codespace
// ranges, bfchar/bfrange (ToUnicode) and cidchar/cidrange entries.
func parseCMap(data []byte) *cmapTable {
	t := &cmapTable{chars: map[uint64]string{}, cids: map[uint64]int{}}
	lx := &lexer{data: data}
	var stack []operand
	mode := ""
	for {
		op, ok := lx.next()
		if !ok {
			break
		}
		if op.kind != opKeyword {
			if len(stack) < 1<<16 {
				stack = append(stack, op)
			}
			continue
		}
		switch op.str {
		case "begincodespacerange", "beginbfchar", "beginbfrange", "begincidchar", "begincidrange":
			mode = op.str
			stack = stack[:0]
		case "endcodespacerange":
			for i := 0; i+1 < len(stack); i += 2 {
				lo, hi := []byte(stack[i].str), []byte(stack[i+1].str)
				if len(lo) == 0 || len(lo) != len(hi) || len(lo) > 4 {
					continue
				}
				t.space = append(t.space, spaceRange{len(lo), lo, hi})
			}
		case "endbfchar":
			for i := 0; i+1 < len(stack); i += 2 {
				src := stack[i].str
				if len(src) == 0 || len(src) > 4 {
					continue
				}
				dst := stack[i+1]
				text := ""
				if dst.kind == opName {
					text = glyphNameText(dst.str)
				} else {
					text = utf16BE(dst.str)
				}
				t.chars[uint64(len(src))<<32|uint64(codeValue(src))] = text
			}
		case "endbfrange":
			for i := 0; i+2 < len(stack); i += 3 {
				lo, hi, dst := stack[i].str, stack[i+1].str, stack[i+2]
				if len(lo) == 0 || len(lo) > 4 || len(hi) != len(lo) {
					continue
				}
				r := cmapRange{lo: codeValue(lo), hi: codeValue(hi), n: len(lo)}
				if r.hi < r.lo {
					continue
				}
				if dst.kind == opArray {
					for _, a := range dst.arr {
						r.arr = append(r.arr, utf16BE(a.str))
					}
				} else {
					s := dst.str
					for j := 0; j+1 < len(s); j += 2 {
						r.dst = append(r.dst, uint16(s[j])<<8|uint16(s[j+1]))
					}
					if len(s) == 1 {
						r.dst = []uint16{uint16(s[0])}
					}
				}
				if len(t.ranges) < 1<<16 {
					t.ranges = append(t.ranges, r)
				}
			}
		case "endcidchar":
			for i := 0; i+1 < len(stack); i += 2 {
				src := stack[i].str
				if len(src) == 0 || len(src) > 4 {
					continue
				}
				t.cids[uint64(len(src))<<32|uint64(codeValue(src))] = int(stack[i+1].num)
			}
		case "endcidrange":
			for i := 0; i+2 < len(stack); i += 3 {
				lo, hi := stack[i].str, stack[i+1].str
				if len(lo) == 0 || len(lo) > 4 {
					continue
				}
				t.cidr = append(t.cidr, cmapRange{lo: codeValue(lo), hi: codeValue(hi), n: len(lo), cid: int(stack[i+2].num)})
			}
		default:
			if mode == "" {
				stack = stack[:0]
			}
			continue
		}
		if strings.HasPrefix(op.str, "end") {
			mode = ""
			stack = stack[:0]
		}
	}
	// Expand small bfranges into the map for speed.
	return t
}

func codeValue(s string) uint32 {
	var v uint32
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint32(s[i])
	}
	return v
}

func utf16BE(s string) string {
	if len(s) == 1 {
		return string(rune(s[0]))
	}
	u := make([]uint16, 0, len(s)/2)
	for j := 0; j+1 < len(s); j += 2 {
		u = append(u, uint16(s[j])<<8|uint16(s[j+1]))
	}
	return string(utf16.Decode(u))
}

// ---- encodings ----

var winAnsiTable, macRomanTable, standardTable, symbolTable [256]string

func init() {
	for c := 0; c < 256; c++ {
		if r := charmap.Windows1252.DecodeByte(byte(c)); r != 0xFFFD && c >= 32 {
			winAnsiTable[c] = string(r)
		}
		if r := charmap.Macintosh.DecodeByte(byte(c)); r != 0xFFFD && c >= 32 {
			macRomanTable[c] = string(r)
		}
		if c >= 32 && c < 127 {
			standardTable[c] = string(rune(c))
			symbolTable[c] = string(rune(c))
		}
	}
	winAnsiTable[0xAD] = "-" // soft hyphen as drawn
	winAnsiTable[0xA0] = " "
	standardTable['\''] = "’"
	standardTable['`'] = "‘"
	for c, s := range map[int]string{0xA1: "¡", 0xA2: "¢", 0xA3: "£", 0xA4: "⁄", 0xA5: "¥", 0xA6: "ƒ", 0xA7: "§", 0xA8: "¤",
		0xA9: "'", 0xAA: "“", 0xAB: "«", 0xAC: "‹", 0xAD: "›", 0xAE: "ﬁ", 0xAF: "ﬂ", 0xB1: "–", 0xB2: "†", 0xB3: "‡",
		0xB4: "·", 0xB6: "¶", 0xB7: "•", 0xB8: "‚", 0xB9: "„", 0xBA: "”", 0xBB: "»", 0xBC: "…", 0xBD: "‰", 0xBF: "¿",
		0xC1: "`", 0xC2: "´", 0xC3: "ˆ", 0xC4: "˜", 0xC5: "¯", 0xC6: "˘", 0xC7: "˙", 0xC8: "¨", 0xCA: "˚", 0xCB: "¸",
		0xCD: "˝", 0xCE: "˛", 0xCF: "ˇ", 0xD0: "—", 0xE1: "Æ", 0xE3: "ª", 0xE8: "Ł", 0xE9: "Ø", 0xEA: "Œ", 0xEB: "º",
		0xF1: "æ", 0xF5: "ı", 0xF8: "ł", 0xF9: "ø", 0xFA: "œ", 0xFB: "ß"} {
		standardTable[c] = s
	}
	greek := "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"
	lower := "αβχδεφγηιϕκλμνοπθρστυϖωξψζ"
	gu, gl := []rune(greek), []rune(lower)
	for i := 0; i < 26; i++ {
		symbolTable['A'+i] = string(gu[i])
		symbolTable['a'+i] = string(gl[i])
	}
	for c, s := range map[int]string{0x22: "∀", 0x24: "∃", 0x27: "∋", 0x2D: "−", 0x40: "≅", 0x5E: "⊥", 0x60: "‾",
		0xA3: "≤", 0xA5: "∞", 0xB0: "°", 0xB1: "±", 0xB3: "≥", 0xB4: "×", 0xB5: "∝", 0xB6: "∂", 0xB7: "•", 0xB8: "÷",
		0xB9: "≠", 0xBA: "≡", 0xBB: "≈", 0xBC: "…", 0xAE: "→", 0xAC: "←", 0xAD: "↑", 0xAF: "↓", 0xD6: "√", 0xE5: "∑",
		0xF2: "∫", 0xCE: "∈", 0xC7: "∩", 0xC8: "∪", 0xD7: "⋅", 0xA2: "′", 0xB2: "″"} {
		symbolTable[c] = s
	}
	for name, r := range map[string]string{"grave": "\u0300", "acute": "\u0301", "circumflex": "\u0302", "tilde": "\u0303",
		"macron": "\u0304", "breve": "\u0306", "dotaccent": "\u0307", "dieresis": "\u0308", "ring": "\u030A",
		"hungarumlaut": "\u030B", "caron": "\u030C", "cedilla": "\u0327", "ogonek": "\u0328", "commaaccent": "\u0326"} {
		accents[name] = r
	}
}

var accents = map[string]string{}

// glyphNames maps the Adobe glyph names found in article PDFs that are not
// single letters, accented letters (Aacute…) or uniXXXX forms.
var glyphNames = map[string]string{
	"space": " ", "exclam": "!", "quotedbl": "\"", "numbersign": "#", "dollar": "$", "percent": "%", "ampersand": "&",
	"quotesingle": "'", "quoteright": "’", "quoteleft": "‘", "parenleft": "(", "parenright": ")", "asterisk": "*",
	"plus": "+", "comma": ",", "hyphen": "-", "period": ".", "slash": "/", "zero": "0", "one": "1", "two": "2",
	"three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "colon": ":",
	"semicolon": ";", "less": "<", "equal": "=", "greater": ">", "question": "?", "at": "@", "bracketleft": "[",
	"backslash": "\\", "bracketright": "]", "asciicircum": "^", "underscore": "_", "grave": "`", "braceleft": "{",
	"bar": "|", "braceright": "}", "asciitilde": "~", "exclamdown": "¡", "cent": "¢", "sterling": "£", "currency": "¤",
	"yen": "¥", "brokenbar": "¦", "section": "§", "dieresis": "¨", "copyright": "©", "ordfeminine": "ª",
	"guillemotleft": "«", "guillemetleft": "«", "logicalnot": "¬", "registered": "®", "macron": "¯", "degree": "°",
	"plusminus": "±", "twosuperior": "²", "threesuperior": "³", "acute": "´", "mu": "μ", "mu1": "µ", "paragraph": "¶",
	"periodcentered": "·", "cedilla": "¸", "onesuperior": "¹", "ordmasculine": "º", "guillemotright": "»",
	"guillemetright": "»", "onequarter": "¼", "onehalf": "½", "threequarters": "¾", "questiondown": "¿", "AE": "Æ",
	"Eth": "Ð", "multiply": "×", "Oslash": "Ø", "Thorn": "Þ", "germandbls": "ß", "ae": "æ", "eth": "ð", "divide": "÷",
	"oslash": "ø", "thorn": "þ", "OE": "Œ", "oe": "œ", "dotlessi": "ı", "dotlessj": "ȷ", "Lslash": "Ł", "lslash": "ł",
	"florin": "ƒ", "circumflex": "ˆ", "tilde": "˜", "caron": "ˇ", "breve": "˘", "dotaccent": "˙", "ring": "˚",
	"ogonek": "˛", "hungarumlaut": "˝", "endash": "–", "emdash": "—", "quotesinglbase": "‚", "quotedblleft": "“",
	"quotedblright": "”", "quotedblbase": "„", "dagger": "†", "daggerdbl": "‡", "bullet": "•", "ellipsis": "…",
	"perthousand": "‰", "guilsinglleft": "‹", "guilsinglright": "›", "fraction": "⁄", "Euro": "€", "trademark": "™",
	"minus": "−", "fi": "fi", "fl": "fl", "ff": "ff", "ffi": "ffi", "ffl": "ffl", "dotlessi.sc": "ı", "nbspace": " ",
	"sfthyphen": "-", "softhyphen": "-", "minute": "′", "second": "″", "prime": "′", "lessequal": "≤",
	"greaterequal": "≥", "notequal": "≠", "approxequal": "≈", "infinity": "∞", "partialdiff": "∂", "summation": "∑",
	"product": "∏", "radical": "√", "integral": "∫", "arrowright": "→", "arrowleft": "←", "arrowup": "↑",
	"arrowdown": "↓", "arrowboth": "↔", "element": "∈", "proportional": "∝", "similar": "∼", "equivalence": "≡",
	"dotmath": "⋅", "periodcentered.0": "·", "asteriskmath": "∗", "openbullet": "◦", "circlecopyrt": "©",
	"lozenge": "◊", "club": "♣", "diamond": "♦", "heart": "♥", "spade": "♠", "angleleft": "⟨", "angleright": "⟩",
	"emptyset": "∅", "nabla": "∇", "intersection": "∩", "union": "∪", "logicaland": "∧", "logicalor": "∨",
	"universal": "∀", "existential": "∃", "Omega": "Ω", "Delta": "Δ", "alpha": "α", "beta": "β", "gamma": "γ",
	"delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
	"nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "rho": "ρ", "sigma": "σ", "sigma1": "ς", "tau": "τ",
	"upsilon": "υ", "phi": "φ", "phi1": "ϕ", "chi": "χ", "psi": "ψ", "omega": "ω", "theta1": "ϑ", "Gamma": "Γ",
	"Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
	"Alpha": "Α", "Beta": "Β", "Epsilon": "Ε", "Zeta": "Ζ", "Eta": "Η", "Iota": "Ι", "Kappa": "Κ", "Mu": "Μ",
	"Nu": "Ν", "Omicron": "Ο", "Rho": "Ρ", "Tau": "Τ", "Chi": "Χ", "quotereversed": "‛", "afii00208": "―",
	"afii61352": "№", "estimated": "℮", "onethird": "⅓", "twothirds": "⅔", "degreesign": "°", "checkmark": "✓",
	"mu.greek": "μ", "micro": "µ", "Ohm": "Ω", "ampersand.sc": "&", "visiblespace": "␣", "compwordmark": "",
	"perpendicular": "⊥", "therefore": "∴", "angle": "∠", "congruent": "≅", "propersubset": "⊂",
	"propersuperset": "⊃", "reflexsubset": "⊆", "reflexsuperset": "⊇", "circleplus": "⊕", "circlemultiply": "⊗",
	"arrowdblright": "⇒", "arrowdblleft": "⇐", "arrowdblboth": "⇔", "aleph": "ℵ", "weierstrass": "℘",
	"Ifraktur": "ℑ", "Rfraktur": "ℜ", "suchthat": "∋", "notelement": "∉", "ceilingleft": "⌈", "ceilingright": "⌉",
	"floorleft": "⌊", "floorright": "⌋", "bardbl": "‖", "dotlessj.sc": "ȷ",
}

// glyphNameText maps an Adobe glyph name to text: the named-glyph table,
// single characters, accented letters, uniXXXX and uXXXX[XX] forms,
// ligature names (f_f_i) and suffixed variants (a.sc, one.oldstyle).
func glyphNameText(name string) string {
	if s, ok := glyphNames[name]; ok {
		return s
	}
	if len(name) == 1 {
		return name
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		return glyphNameText(name[:i])
	}
	if strings.Contains(name, "_") {
		var b strings.Builder
		for _, part := range strings.Split(name, "_") {
			b.WriteString(glyphNameText(part))
		}
		return b.String()
	}
	if strings.HasPrefix(name, "uni") && len(name) >= 7 && (len(name)-3)%4 == 0 {
		var u []uint16
		for i := 3; i+4 <= len(name); i += 4 {
			v, err := strconv.ParseUint(name[i:i+4], 16, 16)
			if err != nil {
				return ""
			}
			u = append(u, uint16(v))
		}
		return string(utf16.Decode(u))
	}
	if strings.HasPrefix(name, "u") && len(name) >= 5 && len(name) <= 7 {
		if v, err := strconv.ParseUint(name[1:], 16, 32); err == nil && v < 0x110000 {
			return string(rune(v))
		}
	}
	// Accented letters: base letter + accent name (Aacute, scaron, Ccedilla).
	for acc, comb := range accents {
		if strings.HasSuffix(name, acc) && len(name) > len(acc) {
			b := name[:len(name)-len(acc)]
			if len(b) == 1 || b == "dotlessi" {
				if b == "dotlessi" {
					b = "i"
				}
				return norm.NFC.String(b + comb)
			}
		}
	}
	// Small-cap and old-style suffixes without a dot (Asmall, oneoldstyle).
	for _, suf := range []string{"small", "oldstyle", "superior", "inferior"} {
		if strings.HasSuffix(name, suf) && len(name) > len(suf) {
			s := glyphNameText(name[:len(name)-len(suf)])
			if suf == "small" {
				s = strings.ToLower(s)
			}
			return s
		}
	}
	return ""
}

// standardWidths approximates the widths of the standard 14 fonts used
// without /Widths (per unit font size ×1000).
func standardWidths(base string) func(r rune) float64 {
	table := &stdfonts.Helvetica
	switch {
	case strings.Contains(base, "Courier"):
		return func(rune) float64 { return 600 }
	case strings.Contains(base, "Times"):
		table = &stdfonts.TimesRoman
	case strings.Contains(base, "Bold"):
		table = &stdfonts.HelveticaBold
	}
	return func(r rune) float64 {
		if r >= 32 && r < 127 {
			return float64(table[r-32])
		}
		return 500
	}
}
