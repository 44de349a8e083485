package export

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// WriteMarkdown writes the excerpts grouped by theme, in codebook order
// with nested themes as nested headings; each excerpt is a block quote
// followed by its citation, its other themes and its note. A reference
// list of the cited documents ends the file.
func WriteMarkdown(w io.Writer, d *Data) error {
	bw := bufio.NewWriter(w)
	title := "Coded excerpts"
	if d.Library != "" {
		title += " — " + d.Library
	}
	fmt.Fprintf(bw, "# %s\n", escapeMarkdown(title))
	if !d.Exported.IsZero() {
		fmt.Fprintf(bw, "\nExported %s: %s from %s.\n", d.Exported.Format("2006-01-02"), plural(len(d.Excerpts), "excerpt"), plural(len(d.CitedDocuments()), "document"))
	}
	for i, t := range d.Themes {
		if !d.hasExcerpts(i) {
			continue
		}
		level := min(2+t.Depth, 6)
		fmt.Fprintf(bw, "\n%s %s\n", strings.Repeat("#", level), escapeMarkdown(t.Name))
		if !d.Selected[t.GUID] {
			continue
		}
		for _, e := range d.excerptsFor(t) {
			writeMarkdownExcerpt(bw, d, e, t.Name)
		}
	}
	if un := d.uncoded(); len(un) > 0 {
		fmt.Fprintf(bw, "\n## Not coded with a theme\n")
		for _, e := range un {
			writeMarkdownExcerpt(bw, d, e, "")
		}
	}
	if cited := d.CitedDocuments(); len(cited) > 0 {
		fmt.Fprintf(bw, "\n## References\n\n")
		for _, doc := range cited {
			fmt.Fprintf(bw, "%s\n\n", doc.Reference.Markdown())
		}
	}
	return bw.Flush()
}

func writeMarkdownExcerpt(w io.Writer, d *Data, e Excerpt, theme string) {
	fmt.Fprintln(w)
	if e.IsArea() {
		// The area as an image of the page (embedded, so that the file
		// travels alone), then the text found inside it, if any.
		switch {
		case len(e.Image) > 0:
			fmt.Fprintf(w, "![%s](data:image/png;base64,%s)\n", escapeMarkdown(e.AreaLabel()), base64.StdEncoding.EncodeToString(e.Image))
		case e.ImageError != "":
			fmt.Fprintf(w, "*%s (no image: %s)*\n", escapeMarkdown(e.AreaLabel()), escapeMarkdown(oneLine(e.ImageError)))
		default:
			fmt.Fprintf(w, "*%s*\n", escapeMarkdown(e.AreaLabel()))
		}
		if strings.TrimSpace(e.Quote) != "" {
			fmt.Fprintln(w)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(e.Quote), "\n") {
		if e.IsArea() && strings.TrimSpace(e.Quote) == "" {
			break
		}
		line = strings.TrimSpace(line)
		if line == "" {
			fmt.Fprintln(w, ">")
			continue
		}
		fmt.Fprintf(w, "> %s\n", escapeLineStart(escapeMarkdown(line)))
	}
	fmt.Fprintf(w, "\n%s", escapeMarkdown(e.Citation))
	if n := e.PDFPageNote(); n != "" {
		fmt.Fprintf(w, " · %s", n)
	}
	if others := d.otherThemes(e, theme); len(others) > 0 {
		fmt.Fprintf(w, " · also: %s", escapeMarkdown(strings.Join(others, ", ")))
	}
	fmt.Fprintln(w)
	if note := strings.TrimSpace(e.Note); note != "" {
		fmt.Fprintf(w, "\n**Note:** %s\n", escapeMarkdown(oneLine(note)))
	}
}

var listMarker = lazyre.New(`^(\d{1,9})([.)])(\s|$)`)

// escapeLineStart keeps a quoted line from starting a list, a heading or a
// rule: "- x", "+ x", "1. x", "===".
func escapeLineStart(line string) string {
	if m := listMarker.FindStringSubmatch(line); m != nil {
		return m[1] + `\` + line[len(m[1]):]
	}
	if line != "" && strings.ContainsRune("-+=~", rune(line[0])) {
		return `\` + line
	}
	return line
}
