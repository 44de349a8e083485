package export

import (
	"encoding/base64"
	"html"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// WriteHTML writes one self-contained printable page: the excerpts grouped
// by theme, each highlighted in its theme's colour, with citations and a
// reference list. Everything taken from the library is HTML-escaped.
func WriteHTML(w io.Writer, d *Data) error {
	type excerptView struct {
		Quote, Citation, Note string
		PDFPage               string // "PDF p. 2" when the printed page cited differs
		Others                []string
		Color                 template.CSS
		// an area annotation's image of the page (a data: URL of our
		// own PNG), with its label as alternative text
		Image     template.URL
		AreaLabel string
	}
	type sectionView struct {
		Level    int
		Name     string
		Color    template.CSS
		Excerpts []excerptView
	}
	view := struct {
		Title      string
		Exported   string
		Count      string
		Docs       string
		Sections   []sectionView
		References []template.HTML
	}{Title: "Coded excerpts", Count: plural(len(d.Excerpts), "excerpt"), Docs: plural(len(d.CitedDocuments()), "document")}
	if d.Library != "" {
		view.Title += " — " + d.Library
	}
	if !d.Exported.IsZero() {
		view.Exported = d.Exported.Format("2006-01-02")
	}
	excerpts := func(list []Excerpt, theme, color string) []excerptView {
		var out []excerptView
		for _, e := range list {
			v := excerptView{Quote: strings.TrimSpace(e.Quote), Citation: e.Citation, PDFPage: e.PDFPageNote(), Note: strings.TrimSpace(e.Note),
				Others: d.otherThemes(e, theme), Color: template.CSS(color)}
			if e.IsArea() {
				v.AreaLabel = e.AreaLabel()
				if len(e.Image) > 0 {
					v.Image = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.Image))
				} else if e.ImageError != "" {
					v.AreaLabel += " (no image: " + oneLine(e.ImageError) + ")"
				}
			}
			out = append(out, v)
		}
		return out
	}
	for i, t := range d.Themes {
		if !d.hasExcerpts(i) {
			continue
		}
		color := cssColor(t.Color)
		s := sectionView{Level: min(2+t.Depth, 6), Name: t.Name, Color: template.CSS(color)}
		if d.Selected[t.GUID] {
			s.Excerpts = excerpts(d.excerptsFor(t), t.Name, color)
		}
		view.Sections = append(view.Sections, s)
	}
	if un := d.uncoded(); len(un) > 0 {
		view.Sections = append(view.Sections, sectionView{Level: 2, Name: "Not coded with a theme", Color: "#808080",
			Excerpts: excerpts(un, "", "#808080")})
	}
	for _, doc := range d.CitedDocuments() {
		view.References = append(view.References, template.HTML(doc.Reference.HTML())) // escaped by Reference.HTML
	}
	return htmlPage.Execute(w, view)
}

var hexColor = lazyre.New(`^#[0-9A-Fa-f]{6}$`)

// cssColor returns a theme colour safe to put in a style: #RRGGBB, or grey.
func cssColor(c string) string {
	if rgb, ok := ParseColor(c); ok {
		return rgb
	}
	return "#808080"
}

// tint returns the colour with an alpha channel, for highlight backgrounds.
func tint(c template.CSS, alpha int) template.CSS {
	s := string(c)
	if !hexColor.MatchString(s) {
		s = "#808080"
	}
	a := strconv.FormatInt(int64(alpha), 16)
	if len(a) < 2 {
		a = "0" + a
	}
	return template.CSS(s + a)
}

var htmlPage = template.Must(template.New("page").Funcs(template.FuncMap{
	"tint": tint,
	"heading": func(level int, name string) template.HTML {
		h := "h" + strconv.Itoa(level)
		return template.HTML("<" + h + ">" + html.EscapeString(name) + "</" + h + ">")
	},
	"join": strings.Join,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Rapport">
<title>{{.Title}}</title>
<style>
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; } h3, h4, h5, h6 { font-size: 1.1em; }
h2, h3, h4, h5, h6 { border-bottom: 3px solid var(--theme); padding-bottom: .1em; break-after: avoid; }
.meta { color: #555; }
figure.excerpt { margin: 1em 0; break-inside: avoid; }
blockquote { margin: 0; padding: .4em .8em; border-left: 6px solid var(--theme); background: var(--tint); white-space: pre-line; }
figcaption { margin: .3em 0 0 1em; }
.area { border-left: 6px solid var(--theme); padding: .4em .8em; background: var(--tint); }
.area img { max-width: 100%; height: auto; display: block; border: 1px solid #ccc; }
.others, .note { color: #444; font-size: .95em; }
.references p { padding-left: 2em; text-indent: -2em; margin: .4em 0; }
@media print { body { margin: 0; max-width: none; } * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Exported}}<p class="meta">Exported {{.Exported}}: {{.Count}} from {{.Docs}}.</p>
{{end}}{{range .Sections}}<section style="--theme: {{.Color}}">
{{heading .Level .Name}}
{{range .Excerpts}}<figure class="excerpt" style="--theme: {{.Color}}; --tint: {{tint .Color 51}}">
{{if .AreaLabel}}<div class="area">{{if .Image}}<img src="{{.Image}}" alt="{{.AreaLabel}}">{{else}}<i>{{.AreaLabel}}</i>{{end}}</div>
{{end}}{{if or .Quote (not .AreaLabel)}}<blockquote>{{.Quote}}</blockquote>
{{end}}<figcaption>{{.Citation}}{{if .PDFPage}} <span class="others">· {{.PDFPage}}</span>{{end}}{{if .Others}} <span class="others">· also: {{join .Others ", "}}</span>{{end}}{{if .Note}}<br><span class="note"><b>Note:</b> {{.Note}}</span>{{end}}</figcaption>
</figure>
{{end}}</section>
{{end}}{{if .References}}<section class="references">
<h2>References</h2>
{{range .References}}<p>{{.}}</p>
{{end}}</section>
{{end}}</body>
</html>
`))
