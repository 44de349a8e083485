package importer

import (
	"github.com/ledongthuc/pdf"
	"golang.org/x/image/font/sfnt"
)

// maxFontFileBytes bounds an embedded font program read for its cmap.
const maxFontFileBytes = 16 << 20

// cmapRanges are the Unicode ranges looked up in an embedded font's cmap to
// name its glyphs: Latin, Greek, Cyrillic, Hebrew, Arabic, punctuation and
// symbols, kana, CJK ideographs and Hangul.
var cmapRanges = [][2]rune{
	{0x20, 0x24F}, {0x370, 0x52F}, {0x590, 0x6FF}, {0x2000, 0x22FF},
	{0x3000, 0x30FF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7AF}, {0xFB00, 0xFB06},
}

// cidTextFromFont names the glyphs of a composite font that has no
// ToUnicode map from its embedded TrueType program's own cmap: each glyph
// reads as the first character the cmap draws with it, each CID as its
// glyph (through /CIDToGIDMap). It returns nil when the font embeds no
// TrueType program with a usable cmap. (poppler and PDFium read such codes
// as if they were Unicode, which gives letters only when the producer
// numbered its glyphs so.)
func cidTextFromFont(desc pdf.Value) (out map[uint32]string) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	if desc.Key("Subtype").Name() != "CIDFontType2" {
		return nil
	}
	ff := desc.Key("FontDescriptor").Key("FontFile2")
	if ff.Kind() != pdf.Stream {
		return nil
	}
	data, err := readStreamErr(ff, maxFontFileBytes)
	if err != nil || len(data) == 0 {
		return nil
	}
	font, err := sfnt.Parse(data)
	if err != nil {
		return nil
	}
	var buf sfnt.Buffer
	byGlyph := map[sfnt.GlyphIndex]string{}
	for _, rg := range cmapRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			g, err := font.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				continue
			}
			if _, ok := byGlyph[g]; !ok {
				byGlyph[g] = string(r)
			}
		}
	}
	if len(byGlyph) == 0 {
		return nil
	}
	out = make(map[uint32]string, len(byGlyph))
	cidToGID := desc.Key("CIDToGIDMap")
	if cidToGID.Kind() == pdf.Stream {
		m, _ := readStreamErr(cidToGID, 2<<17)
		for cid := 0; 2*cid+1 < len(m); cid++ {
			if t, ok := byGlyph[sfnt.GlyphIndex(uint16(m[2*cid])<<8|uint16(m[2*cid+1]))]; ok {
				out[uint32(cid)] = t
			}
		}
		return out
	}
	for g, t := range byGlyph {
		out[uint32(g)] = t
	}
	return out
}
