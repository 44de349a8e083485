package export

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseColor reads a colour as other QDA tools write it and returns it as
// #RRGGBB: #RRGGBB, #RGB, #AARRGGBB (alpha dropped), RRGGBB without the
// hash, rgb(r, g, b), a CSS colour name, or a decimal integer (as some
// tools store 0xRRGGBB). ok is false when it is none of these.
func ParseColor(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", false
	}
	if strings.HasPrefix(s, "rgb(") || strings.HasPrefix(s, "rgba(") {
		inner := s[strings.IndexByte(s, '(')+1:]
		inner = strings.TrimSuffix(inner, ")")
		parts := strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || r == ' ' || r == '/' })
		if len(parts) < 3 {
			return "", false
		}
		var rgb [3]int
		for i := range 3 {
			p := parts[i]
			if strings.HasSuffix(p, "%") {
				f, err := strconv.ParseFloat(strings.TrimSuffix(p, "%"), 64)
				if err != nil || f < 0 || f > 100 {
					return "", false
				}
				rgb[i] = int(f*255/100 + 0.5)
				continue
			}
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > 255 {
				return "", false
			}
			rgb[i] = n
		}
		return fmt.Sprintf("#%02X%02X%02X", rgb[0], rgb[1], rgb[2]), true
	}
	if hex, ok := colorNames[s]; ok {
		return hex, true
	}
	hash := strings.HasPrefix(s, "#") || strings.HasPrefix(s, "0x")
	h := strings.TrimPrefix(strings.TrimPrefix(s, "#"), "0x")
	if n, err := strconv.ParseUint(h, 10, 32); err == nil && !hash && len(h) != 3 && len(h) != 6 {
		// A decimal integer, as some tools store 0xRRGGBB.
		if n <= 0xFFFFFF {
			return fmt.Sprintf("#%06X", n), true
		}
		return fmt.Sprintf("#%06X", n&0xFFFFFF), true
	}
	if _, err := strconv.ParseUint(h, 16, 32); err == nil {
		switch len(h) {
		case 3:
			return strings.ToUpper("#" + string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})), true
		case 6:
			return strings.ToUpper("#" + h), true
		case 8:
			return strings.ToUpper("#" + h[2:]), true
		}
	}
	return "", false
}

// colorNames are the CSS colour names QDA tools are known to write.
var colorNames = map[string]string{
	"black": "#000000", "white": "#FFFFFF", "red": "#FF0000", "green": "#008000", "lime": "#00FF00",
	"blue": "#0000FF", "yellow": "#FFFF00", "cyan": "#00FFFF", "aqua": "#00FFFF", "magenta": "#FF00FF",
	"fuchsia": "#FF00FF", "gray": "#808080", "grey": "#808080", "silver": "#C0C0C0", "maroon": "#800000",
	"olive": "#808000", "purple": "#800080", "teal": "#008080", "navy": "#000080", "orange": "#FFA500",
	"pink": "#FFC0CB", "brown": "#A52A2A", "violet": "#EE82EE", "indigo": "#4B0082", "gold": "#FFD700",
	"turquoise": "#40E0D0", "coral": "#FF7F50", "salmon": "#FA8072", "khaki": "#F0E68C", "lightblue": "#ADD8E6",
	"lightgreen": "#90EE90", "lightgray": "#D3D3D3", "lightgrey": "#D3D3D3", "darkgray": "#A9A9A9",
	"darkgrey": "#A9A9A9", "darkred": "#8B0000", "darkgreen": "#006400", "darkblue": "#00008B",
	"darkorange": "#FF8C00", "skyblue": "#87CEEB", "tomato": "#FF6347", "plum": "#DDA0DD", "beige": "#F5F5DC",
}
