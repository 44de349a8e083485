package index

import (
	"fmt"
	"math"
	"strings"
)

// Highlight colours become themes named from the palette that made them.
// Zotero's eight annotation colours and Acrobat's default highlight and
// note colours are matched exactly (within the rounding of a 0–1 colour
// component to 0–255 that readers do differently: one step either way);
// any other colour takes the name of the nearest named colour (CIE L*a*b*
// distance), and its theme's description keeps the hex codes.

// paletteColor is a named colour of a reader's palette.
type paletteColor struct {
	name string
	hex  string
}

// zoteroColors are the Zotero reader's annotation colours
// (zotero/reader src/common/defines.js, ANNOTATION_COLORS).
var zoteroColors = []paletteColor{
	{"Zotero yellow", "#FFD400"},
	{"Zotero red", "#FF6666"},
	{"Zotero green", "#5FB236"},
	{"Zotero blue", "#2EA8E5"},
	{"Zotero purple", "#A28AE5"},
	{"Zotero magenta", "#E56EEE"},
	{"Zotero orange", "#F19837"},
	{"Zotero gray", "#AAAAAA"},
}

// acrobatColors are Acrobat's defaults: the Highlight tool's /C [1 1 0]
// and the sticky note's [1 0.819611 0].
var acrobatColors = []paletteColor{
	{"Acrobat yellow", "#FFFF00"},
	{"Acrobat note yellow", "#FFD100"},
}

// namedColors are the names a colour of no known palette takes: the nearest
// of these (CSS colour names that a reader would use for a highlighter).
var namedColors = []paletteColor{
	{"Yellow", "#FFFF00"}, {"Gold", "#FFD700"}, {"Khaki", "#F0E68C"}, {"Orange", "#FFA500"},
	{"Dark orange", "#FF8C00"}, {"Coral", "#FF7F50"}, {"Tomato", "#FF6347"}, {"Red", "#FF0000"},
	{"Crimson", "#DC143C"}, {"Salmon", "#FA8072"}, {"Pink", "#FFC0CB"}, {"Hot pink", "#FF69B4"},
	{"Deep pink", "#FF1493"}, {"Magenta", "#FF00FF"}, {"Violet", "#EE82EE"}, {"Orchid", "#DA70D6"},
	{"Plum", "#DDA0DD"}, {"Lavender", "#E6E6FA"}, {"Medium purple", "#9370DB"}, {"Purple", "#800080"},
	{"Indigo", "#4B0082"}, {"Blue", "#0000FF"}, {"Royal blue", "#4169E1"}, {"Dodger blue", "#1E90FF"},
	{"Sky blue", "#87CEEB"}, {"Light blue", "#ADD8E6"}, {"Cyan", "#00FFFF"}, {"Turquoise", "#40E0D0"},
	{"Teal", "#008080"}, {"Green", "#008000"}, {"Lime", "#00FF00"}, {"Light green", "#90EE90"},
	{"Yellow green", "#9ACD32"}, {"Olive", "#808000"}, {"Brown", "#A52A2A"}, {"Chocolate", "#D2691E"},
	{"Tan", "#D2B48C"}, {"Beige", "#F5F5DC"}, {"Maroon", "#800000"}, {"Navy", "#000080"},
	{"Black", "#000000"}, {"Gray", "#808080"}, {"Silver", "#C0C0C0"}, {"White", "#FFFFFF"},
}

// colorName is what a highlight colour is called: its palette name when a
// known palette made it (exact true), else the nearest named colour.
type colorName struct {
	name    string
	exact   bool   // one of a known palette's colours
	palette string // the palette's colour, #RRGGBB, when exact
}

// nameColor names a colour given as #RRGGBB.
func nameColor(hex string) colorName {
	r, g, b, ok := parseHex(hex)
	if !ok {
		return colorName{name: "Unknown colour"}
	}
	for _, pal := range [][]paletteColor{zoteroColors, acrobatColors} {
		for _, c := range pal {
			pr, pg, pb, _ := parseHex(c.hex)
			if near(r, pr) && near(g, pg) && near(b, pb) {
				return colorName{name: c.name, exact: true, palette: c.hex}
			}
		}
	}
	best, bestD := namedColors[0], math.Inf(1)
	l, a, bb := lab(r, g, b)
	for _, c := range namedColors {
		cr, cg, cb, _ := parseHex(c.hex)
		l2, a2, b2 := lab(cr, cg, cb)
		if d := math.Hypot(math.Hypot(l-l2, a-a2), bb-b2); d < bestD {
			best, bestD = c, d
		}
	}
	return colorName{name: best.name}
}

// near: two 0–255 components equal but for rounding.
func near(a, b int) bool { return a-b <= 1 && b-a <= 1 }

func parseHex(s string) (r, g, b int, ok bool) {
	if len(s) != 7 || s[0] != '#' {
		return 0, 0, 0, false
	}
	if _, err := fmt.Sscanf(strings.ToUpper(s[1:]), "%02X%02X%02X", &r, &g, &b); err != nil {
		return 0, 0, 0, false
	}
	return r, g, b, true
}

// lab converts an sRGB colour to CIE L*a*b* (D65).
func lab(r, g, b int) (float64, float64, float64) {
	lin := func(c int) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	R, G, B := lin(r), lin(g), lin(b)
	x := (0.4124*R + 0.3576*G + 0.1805*B) / 0.95047
	y := 0.2126*R + 0.7152*G + 0.0722*B
	z := (0.0193*R + 0.1192*G + 0.9505*B) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x), f(y), f(z)
	return 116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)
}

// markupKinds name the text markup annotations and how their themes are
// named: a highlight's theme is its colour's name, the others add the
// kind ("Zotero red underline").
var markupKinds = map[string]string{
	"Highlight": "",
	"Underline": "underline",
	"Squiggly":  "squiggly underline",
	"StrikeOut": "strike-out",
}

// highlightThemeName is the theme a markup annotation of kind subtype and
// colour cn goes to.
func highlightThemeName(subtype string, cn colorName) string {
	if suffix := markupKinds[subtype]; suffix != "" {
		return cn.name + " " + suffix
	}
	return cn.name
}
