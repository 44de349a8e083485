// Package tesseract runs the Tesseract OCR engine through its command-line
// program (no cgo): a page image goes in on standard input as a PGM, and
// the words come back as TSV with their boxes (in pixels) and confidences.
//
// Each Recognize call runs one tesseract process, limited to one thread
// (OMP_THREAD_LIMIT=1): callers run one process per core instead, which
// uses the cores better than Tesseract's own threads on page-sized images.
package tesseract

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// ErrNotInstalled: the tesseract program is not on PATH.
var ErrNotInstalled = errors.New("Tesseract is not installed")

// ErrNoLanguage: Tesseract has no data for a language asked for.
var ErrNoLanguage = errors.New("Tesseract has no data for the language")

// InstallHint says in one line how to install Tesseract on Debian and
// Ubuntu, the systems Rapport is built on.
const InstallHint = "install Tesseract to read it: sudo apt-get install tesseract-ocr tesseract-ocr-eng"

// Program is the name of the program looked up on PATH.
const Program = "tesseract"

// Engine is an installed Tesseract: where it is, its version and the
// languages it has data for.
type Engine struct {
	Path    string
	Version string   // "5.3.0"
	Langs   []string // "eng", "swe", … (osd left out)
}

// Find looks for tesseract on PATH and asks it for its version and
// languages. It fails with ErrNotInstalled (whose message says how to
// install it) when there is none.
func Find(ctx context.Context) (*Engine, error) {
	path, err := exec.LookPath(Program)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", ErrNotInstalled, InstallHint)
	}
	e := &Engine{Path: path}
	out, err := exec.CommandContext(ctx, path, "--version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("run %s --version: %v: %s", path, err, firstLine(out))
	}
	e.Version = parseVersion(out)
	out, err = exec.CommandContext(ctx, path, "--list-langs").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("run %s --list-langs: %v: %s", path, err, firstLine(out))
	}
	e.Langs = parseLangs(out)
	return e, nil
}

var versionRE = lazyre.New(`(?m)^tesseract v?([0-9][0-9A-Za-z.\-]*)`)

func parseVersion(out []byte) string {
	if m := versionRE.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return strings.TrimSpace(firstLine(out))
}

func parseLangs(out []byte) []string {
	var langs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.Contains(l, " ") || l == "osd" {
			continue // the "List of available languages…" line
		}
		langs = append(langs, l)
	}
	return langs
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

var langRE = lazyre.New(`^[A-Za-z_]{3,16}(\+[A-Za-z_]{3,16}){0,7}$`)

// ValidLang reports whether lang is well formed: Tesseract language codes
// joined by "+" ("eng", "eng+swe").
func ValidLang(lang string) bool { return langRE.MatchString(lang) }

// CheckLang fails when lang is malformed or names a language Tesseract
// has no data for, saying which Debian package brings it.
func (e *Engine) CheckLang(lang string) error {
	if !ValidLang(lang) {
		return fmt.Errorf("OCR language %q: use Tesseract's codes joined by +, such as eng or eng+swe", lang)
	}
	have := map[string]bool{}
	for _, l := range e.Langs {
		have[l] = true
	}
	for _, l := range strings.Split(lang, "+") {
		if !have[l] {
			return fmt.Errorf("%w %q (it has %s); install it with: sudo apt-get install tesseract-ocr-%s",
				ErrNoLanguage, l, strings.Join(e.Langs, ", "), strings.ReplaceAll(strings.ToLower(l), "_", "-"))
		}
	}
	return nil
}

// Word is one word Tesseract read: its text, its box in pixels (origin at
// the top left), its confidence (0–100) and where it stands in Tesseract's
// page structure (block, paragraph, line and word numbers).
type Word struct {
	Text                      string
	Left, Top, Width, Height  int
	Conf                      float64
	Block, Par, Line, WordNum int
}

// maxStderr bounds what is kept of tesseract's messages.
const maxStderr = 4096

// pgmBuffers recycles the PGM encodings of page images (8 MB at 300 dpi).
var pgmBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Result is what one Tesseract run read, and the processor time it took.
type Result struct {
	Words []Word
	CPU   time.Duration // user and system time of the tesseract process
}

// Recognize reads the words of a page image. dpi tells Tesseract the
// image's resolution; lang is one or more languages joined by "+". The
// process ends with ctx.
func (e *Engine) Recognize(ctx context.Context, img *image.Gray, dpi int, lang string) (*Result, error) {
	if !ValidLang(lang) {
		return nil, fmt.Errorf("OCR language %q: use Tesseract's codes joined by +, such as eng or eng+swe", lang)
	}
	b := img.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 {
		return nil, fmt.Errorf("tesseract: empty image (%dx%d)", b.Dx(), b.Dy())
	}
	buf := pgmBuffers.Get().(*bytes.Buffer)
	defer pgmBuffers.Put(buf)
	buf.Reset()
	writePGM(buf, img)
	cmd := exec.CommandContext(ctx, e.Path, "stdin", "stdout", "-l", lang, "--dpi", strconv.Itoa(dpi), "tsv")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(buf.Bytes())
	var stdout bytes.Buffer
	stderr := &limitedBuffer{max: maxStderr}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	err := cmd.Start()
	if err == nil {
		backgroundPriority(cmd.Process.Pid)
		err = cmd.Wait()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("tesseract -l %s: %v: %s", lang, err, firstLine(stderr.Bytes()))
	}
	words, err := ParseTSV(&stdout)
	if err != nil {
		return nil, err
	}
	return &Result{Words: words, CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}, nil
}

// writePGM writes img as a binary PGM (P5), which Tesseract reads without
// decoding work.
func writePGM(w *bytes.Buffer, img *image.Gray) {
	b := img.Bounds()
	fmt.Fprintf(w, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	w.Grow(b.Dx() * b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		off := img.PixOffset(b.Min.X, y)
		w.Write(img.Pix[off : off+b.Dx()])
	}
}

// ParseTSV reads Tesseract's TSV output and returns its words (level 5
// rows with text), in Tesseract's reading order.
func ParseTSV(r io.Reader) ([]Word, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var words []Word
	header := true
	for sc.Scan() {
		line := sc.Text()
		if header {
			header = false
			if strings.HasPrefix(line, "level") {
				continue
			}
		}
		f := strings.SplitN(line, "\t", 12)
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		text := strings.TrimSpace(f[11])
		if text == "" {
			continue
		}
		var n [10]int
		for i := 1; i <= 9; i++ {
			v, err := strconv.Atoi(f[i])
			if err != nil {
				return nil, fmt.Errorf("tesseract output: bad number %q in %q", f[i], line)
			}
			n[i] = v
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if err != nil {
			return nil, fmt.Errorf("tesseract output: bad confidence %q", f[10])
		}
		words = append(words, Word{
			Text: text, Block: n[2], Par: n[3], Line: n[4], WordNum: n[5],
			Left: n[6], Top: n[7], Width: n[8], Height: n[9], Conf: conf,
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tesseract output: %w", err)
	}
	return words, nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
