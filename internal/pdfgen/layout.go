package pdfgen

import "strings"

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

// Doc lays the article out.
func (a Article) Doc() *Doc {
	cols := a.Columns
	if cols < 1 {
		cols = 1
	}
	colW := (pageW - 2*margin - float64(cols-1)*gutter) / float64(cols)
	d := &Doc{Title: a.InfoTitle, Author: a.Author}
	if d.Title == "" {
		d.Title = a.Title
	}
	for i, paras := range a.Pages {
		var p Page
		top := pageH - margin
		if i == 0 && a.Title != "" {
			for _, line := range Wrap(HelveticaBold, titleSize, a.Title, pageW-2*margin) {
				p.Texts = append(p.Texts, Text{X: margin, Y: top, Size: titleSize, Font: HelveticaBold, S: line})
				top -= titleSize * 1.3
			}
			top -= leading
		}
		col, y := 0, top
		for _, para := range paras {
			for _, line := range Wrap(TimesRoman, bodySize, para, colW) {
				if y < margin {
					col++
					y = top
				}
				if col >= cols {
					break
				}
				x := margin + float64(col)*(colW+gutter)
				p.Texts = append(p.Texts, Text{X: x, Y: y, Size: bodySize, Font: TimesRoman, S: line})
				y -= leading
			}
			y -= leading / 2
		}
		d.Pages = append(d.Pages, p)
	}
	return d
}

// Wrap breaks s into lines no wider than width in font f at size.
func Wrap(f Font, size float64, s string, width float64) []string {
	var lines []string
	var cur []string
	for _, w := range strings.Fields(s) {
		try := strings.Join(append(cur, w), " ")
		if len(cur) > 0 && Width(f, size, try) > width {
			lines = append(lines, strings.Join(cur, " "))
			cur = []string{w}
			continue
		}
		cur = append(cur, w)
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, " "))
	}
	return lines
}
