package pdfgen

import (
	"fmt"
	"strings"
)

// Article describes a simple article: a title on the first page and the body
// paragraphs of each page, laid out in Columns columns (1 or 2).
type Article struct {
	Title   string
	Author  string
	Columns int
	// Pages holds each page's paragraphs. Every paragraph is wrapped to the
	// column width; text that does not fit on the page is cut (tests keep
	// pages short enough).
	Pages [][]string
	// InfoTitle overrides the /Title of the info dictionary (default Title).
	InfoTitle string
	// Header and Footer, if set, are drawn at the top and bottom of every
	// page in Helvetica 8pt; "%d" in them becomes the page number.
	Header, Footer string
	// BodyFont is the font of the paragraphs (default TimesRoman); use
	// TimesLigDiff or TimesLigCMap to draw fi/fl as ligature glyphs.
	BodyFont Font
	// Justify stretches every line but a paragraph's last to the column
	// width with the Tw operator.
	Justify bool
	// Kern and PositionedWords are copied to every body line (see Text).
	Kern            int
	PositionedWords bool
	// FormColumns draws each column after the first inside a form XObject
	// whose /Matrix moves it into place.
	FormColumns bool
	// PageLabels is copied to Doc.PageLabels.
	PageLabels string
}

// Layout constants for Article, in points.
const (
	pageW, pageH = 612.0, 792.0
	margin       = 72.0
	bodySize     = 10.0
	leading      = 13.0
	titleSize    = 16.0
	gutter       = 24.0
)

// Doc lays the article out. Paragraph text may contain soft hyphens
// (U+00AD): a word is broken there, with a visible "-", when it does not fit
// at the end of a line.
func (a Article) Doc() *Doc {
	cols := a.Columns
	if cols < 1 {
		cols = 1
	}
	body := a.BodyFont
	if body == "" {
		body = TimesRoman
	}
	colW := (pageW - 2*margin - float64(cols-1)*gutter) / float64(cols)
	d := &Doc{Title: a.InfoTitle, Author: a.Author, PageLabels: a.PageLabels}
	if d.Title == "" {
		d.Title = a.Title
	}
	for i, paras := range a.Pages {
		var p Page
		forms := map[int]*Form{}
		top := pageH - margin
		if a.Header != "" {
			p.Texts = append(p.Texts, Text{X: margin, Y: pageH - 40, Size: 8, Font: Helvetica, S: strings.ReplaceAll(a.Header, "%d", fmt.Sprint(i+1))})
		}
		if a.Footer != "" {
			p.Texts = append(p.Texts, Text{X: margin, Y: 36, Size: 8, Font: Helvetica, S: strings.ReplaceAll(a.Footer, "%d", fmt.Sprint(i+1))})
		}
		if i == 0 && a.Title != "" {
			for _, line := range Wrap(HelveticaBold, titleSize, a.Title, pageW-2*margin) {
				p.Texts = append(p.Texts, Text{X: margin, Y: top, Size: titleSize, Font: HelveticaBold, S: line})
				top -= titleSize * 1.3
			}
			top -= leading
		}
		col, y := 0, top
		for _, para := range paras {
			lines := Wrap(body, bodySize, para, colW)
			for li, line := range lines {
				if y < margin {
					col++
					y = top
				}
				if col >= cols {
					break
				}
				x := margin + float64(col)*(colW+gutter)
				t := Text{X: x, Y: y, Size: bodySize, Font: body, S: line, Kern: a.Kern, PositionedWords: a.PositionedWords}
				if a.Justify && li < len(lines)-1 && body != TimesCID { // Tw does not apply to CID spaces
					if n := strings.Count(line, " "); n > 0 {
						t.WordSpacing = (colW - RunWidth(t)) / float64(n)
					}
				}
				if a.FormColumns && col > 0 {
					f := forms[col]
					if f == nil {
						f = &Form{Matrix: [6]float64{1, 0, 0, 1, x, 0}}
						forms[col] = f
						p.Forms = append(p.Forms, Form{})
					}
					t.X = 0
					f.Texts = append(f.Texts, t)
				} else {
					p.Texts = append(p.Texts, t)
				}
				y -= leading
			}
			y -= leading / 2
		}
		for c := 1; c < cols; c++ {
			if f := forms[c]; f != nil {
				p.Forms[c-1] = *f
			}
		}
		d.Pages = append(d.Pages, p)
	}
	return d
}

// Wrap breaks s into lines no wider than width in font f at size. A word
// that does not fit is broken at a soft hyphen (U+00AD) if it has one, with
// "-" at the line end; other soft hyphens are dropped.
func Wrap(f Font, size float64, s string, width float64) []string {
	var lines []string
	var cur []string
	fits := func(ws []string) bool { return Width(f, size, strings.Join(ws, " ")) <= width }
	for _, w := range strings.Fields(s) {
		if fits(append(cur, unshy(w))) || len(cur) == 0 && !strings.Contains(w, shy) {
			cur = append(cur, unshy(w))
			continue
		}
		// Try the longest soft-hyphen break that fits.
		parts := strings.Split(w, shy)
		broke := false
		for k := len(parts) - 1; k >= 1; k-- {
			head := strings.Join(parts[:k], "")
			if !strings.HasSuffix(head, "-") {
				head += "-"
			}
			if fits(append(cur, head)) {
				lines = append(lines, strings.Join(append(cur, head), " "))
				cur = []string{strings.Join(parts[k:], "")}
				broke = true
				break
			}
		}
		if broke {
			continue
		}
		if len(cur) > 0 {
			lines = append(lines, strings.Join(cur, " "))
		}
		cur = []string{unshy(w)}
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, " "))
	}
	return lines
}

const shy = "\u00ad"

func unshy(s string) string { return strings.ReplaceAll(s, shy, "") }
