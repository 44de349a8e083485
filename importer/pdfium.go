package importer

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-qda/rapport/internal/pdfium"
)

// extractPDF reads a PDF with the engine that reads it best: the native
// reader first (fast), PDFium when the native reader fails to open or
// parse the file, or reads it only in part (see pageStats.suspect). Of two
// readings the one with more letters wins: PDFium's must add text, not
// merely differ.
func extractPDF(ctx context.Context, data []byte, opts ExtractOptions) (*Extraction, error) {
	pdfPatterns.Warm()
	if opts.Engine == EnginePDFium {
		return extractPDFium(ctx, data, opts)
	}
	nat, nerr := extractNative(ctx, data, opts)
	if opts.Engine == EngineNative {
		if nerr == nil && nat.ex == nil {
			nerr = ErrNoTextLayer
		}
		return nat.ex, nerr
	}
	if nerr == nil && nat.suspect == "" {
		return nat.ex, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pex, perr := extractPDFium(ctx, data, opts)
	if perr == nil && (nat.ex == nil || letterCount(pex) > letterCount(nat.ex)) {
		return pex, nil
	}
	if nat.ex != nil {
		return nat.ex, nil
	}
	if errors.Is(perr, context.Canceled) || errors.Is(perr, context.DeadlineExceeded) {
		return nil, perr
	}
	return nil, failure(data, nerr, perr, opts.Password != "")
}

// glyphLetters counts the letters and digits among glyphs.
func glyphLetters(gs []glyph) int {
	n := 0
	for _, g := range gs {
		for _, r := range g.text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
	}
	return n
}

// letterCount counts the letters and digits of an extraction's page text.
func letterCount(ex *Extraction) int {
	n := 0
	for _, p := range ex.Pages {
		for _, r := range p.Text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
	}
	return n
}

// extractPDFium reads a PDF with PDFium: its characters, with their boxes
// and fonts, go through the same layout engine as the native reader's
// glyphs (newPageLayout, assemble).
func extractPDFium(ctx context.Context, data []byte, opts ExtractOptions) (*Extraction, error) {
	eng, err := pdfium.Get(ctx)
	if err != nil {
		return nil, err
	}
	doc, err := eng.Open(ctx, data, opts.Password)
	if err != nil {
		return nil, err
	}
	defer doc.Close()
	n := min(doc.PageCount(), 100_000)
	if n <= 0 {
		return nil, fmt.Errorf("%w: no pages", ErrMalformed)
	}
	src := docSource{engine: EnginePDFium, infoTitle: doc.MetaText("Title"), markup: -1,
		info: map[string]string{"Title": doc.MetaText("Title"), "Author": doc.MetaText("Author"), "Subject": doc.MetaText("Subject")}}
	glyphsTotal := 0
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bot, top := 0.0, 792.0
		if info, err := doc.Page(i); err == nil && info.MediaBox.Y1-info.MediaBox.Y0 > 10 {
			bot, top = info.MediaBox.Y0, info.MediaBox.Y1
		}
		chars, err := doc.PageChars(i)
		warning := ""
		if err != nil {
			warning = fmt.Sprintf("content could not be read: %v", err)
		}
		glyphs := glyphsFromChars(chars)
		if glyphsTotal += len(glyphs); glyphsTotal > maxGlyphsPerPage*20 {
			warning = "stopped at the work limit"
			glyphs = nil
		}
		lay := newPageLayout(glyphs, bot, top, opts.Boxes)
		lay.warning = warning
		if op := opts.OCR[i+1]; op != nil {
			lay = ocrLayout(op, bot, top)
		} else if glyphLetters(glyphs) < 40 {
			// Next to no text: a scan if an image covers the page.
			lay.imageShare, _ = doc.ImageCoverage(i)
		}
		src.layouts = append(src.layouts, lay)
		label := doc.PageLabel(i)
		if label != "" || len(src.labels) > 0 {
			for len(src.labels) < i {
				src.labels = append(src.labels, "")
			}
			src.labels = append(src.labels, label)
		}
	}
	return assemble(src, opts)
}

// glyphsFromChars turns PDFium's characters into the layout engine's glyph
// records (the glyph seam): text, the advance along the baseline and the
// baseline in the frame of the writing direction, size, rotation, face.
func glyphsFromChars(chars []pdfium.Char) []glyph {
	out := make([]glyph, 0, len(chars))
	faces := map[string]uint32{}
	for _, c := range chars {
		if c.Space {
			out = append(out, glyph{text: " ", space: true})
			continue
		}
		rot := rotationOf(matrix{c.A, c.B, c.C, c.D, 0, 0})
		ox, y := toFrame(rot, c.OriginX, c.OriginY)
		// The advance: the loose box's extent along the baseline.
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range [4][2]float64{{c.Box.X0, c.Box.Y0}, {c.Box.X1, c.Box.Y0}, {c.Box.X0, c.Box.Y1}, {c.Box.X1, c.Box.Y1}} {
			fx, _ := toFrame(rot, p[0], p[1])
			lo, hi = math.Min(lo, fx), math.Max(hi, fx)
		}
		x0, x1 := lo, hi
		if math.IsInf(lo, 0) || hi-lo <= 0 || math.Abs(lo-ox) > c.Size {
			// No usable box (a zero-size glyph of a Type 3 font): from the
			// origin, half an em.
			x0, x1 = ox, ox+0.5*c.Size
		}
		face, ok := faces[c.Font]
		if !ok {
			h := fnv.New32a()
			h.Write([]byte(faceName(c.Font)))
			face = h.Sum32()
			faces[c.Font] = face
		}
		text := c.Text
		if text == "\x02" {
			// PDFium's mark for a hyphen at the end of a line.
			text = "-"
		}
		out = append(out, glyph{
			text:   cleanGlyphText(text),
			x0:     x0,
			x1:     x1,
			y:      y,
			size:   c.Size,
			rot:    rot,
			bold:   c.Weight >= 600 || boldName(c.Font),
			italic: c.Flags&(1<<6) != 0 || italicName(c.Font),
			face:   face,
		})
	}
	toVisualOrder(out)
	return out
}

// toVisualOrder puts runs of right-to-left glyphs that PDFium gives in
// reading order (each left of the one before) back into the order they
// are drawn in, left to right, as the native reader finds them: the
// layout engine reads lines by position and reorders them itself (see
// logicalOrder).
func toVisualOrder(gs []glyph) {
	rtlGlyph := func(g *glyph) bool {
		r, _ := utf8.DecodeRuneInString(g.text)
		return isRTL(r)
	}
	for i := 0; i < len(gs); {
		if !rtlGlyph(&gs[i]) {
			i++
			continue
		}
		// The run: right-to-left glyphs (and spaces between them), each
		// at or left of the one before on the same baseline.
		j, last := i+1, i
		for j < len(gs) {
			g := &gs[j]
			if g.space {
				j++
				continue
			}
			p := &gs[last]
			if !rtlGlyph(g) || g.rot != p.rot || math.Abs(g.y-p.y) > 0.2*math.Max(p.size, 1) || g.x0 > p.x0+0.01 {
				break
			}
			last = j
			j++
		}
		// Trailing spaces stay where they are.
		end := last + 1
		for a, b := i, end-1; a < b; a, b = a+1, b-1 {
			gs[a], gs[b] = gs[b], gs[a]
		}
		i = end
	}
}

// boldName and italicName tell a bold or italic face by its name, for
// fonts PDFium gives no weight or flags for.
func boldName(font string) bool {
	return boldFace(nullValue, faceName(font))
}

func italicName(font string) bool {
	return italicFace(nullValue, faceName(font))
}

// failure says in plain words why neither engine could read a file, from
// the native reader's error and PDFium's.
func failure(data []byte, nativeErr, pdfiumErr error, passwordGiven bool) error {
	switch {
	case errors.Is(pdfiumErr, pdfium.ErrPassword):
		kind := encryptionKind(data)
		if passwordGiven {
			return &passwordError{kind + "; the password given does not open it"}
		}
		return &passwordError{kind + "; give its password to open it"}
	case errors.Is(pdfiumErr, pdfium.ErrSecurity):
		return fmt.Errorf("%w: %s, a method Rapport cannot open", ErrEncrypted, encryptionKind(data))
	case errors.Is(nativeErr, ErrNoTextLayer):
		return nativeErr
	case errors.Is(pdfiumErr, ErrNoTextLayer) && nativeErr != nil && !errors.Is(nativeErr, ErrMalformed) && !errors.Is(nativeErr, ErrEncrypted):
		return pdfiumErr
	case errors.Is(pdfiumErr, ErrNoTextLayer):
		return pdfiumErr
	}
	if nativeErr == nil {
		return pdfiumErr
	}
	msg := plainMalformed(nativeErr)
	if errors.Is(pdfiumErr, pdfium.ErrUnavailable) {
		msg += " (the second PDF engine could not be started: " + strings.TrimPrefix(pdfiumErr.Error(), pdfium.ErrUnavailable.Error()+": ") + ")"
	}
	if errors.Is(nativeErr, ErrEncrypted) {
		return fmt.Errorf("%w: %s", ErrEncrypted, encryptionKind(data))
	}
	return fmt.Errorf("%w: %s", ErrMalformed, msg)
}
