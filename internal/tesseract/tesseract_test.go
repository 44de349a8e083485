package tesseract

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"
)

// A real TSV from tesseract 5.3 (trimmed): page, block, paragraph and
// line rows, words, an empty word, a word with a space inside its cell.
const sampleTSV = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
	"1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t\n" +
	"2\t1\t1\t0\t0\t0\t300\t250\t1900\t80\t-1\t\n" +
	"3\t1\t1\t1\t0\t0\t300\t250\t1900\t80\t-1\t\n" +
	"4\t1\t1\t1\t1\t0\t300\t250\t1900\t80\t-1\t\n" +
	"5\t1\t1\t1\t1\t1\t300\t250\t210\t62\t96.459\tWarm\n" +
	"5\t1\t1\t1\t1\t2\t530\t252\t340\t80\t91.2\trelationships,\n" +
	"5\t1\t1\t1\t1\t3\t900\t250\t20\t60\t12.0\t \n" +
	"5\t1\t2\t1\t1\t1\t1300\t250\t100\t60\t45.5\tcafé\n"

func TestParseTSV(t *testing.T) {
	words, err := ParseTSV(strings.NewReader(sampleTSV))
	if err != nil {
		t.Fatal(err)
	}
	want := []Word{
		{Text: "Warm", Left: 300, Top: 250, Width: 210, Height: 62, Conf: 96.459, Block: 1, Par: 1, Line: 1, WordNum: 1},
		{Text: "relationships,", Left: 530, Top: 252, Width: 340, Height: 80, Conf: 91.2, Block: 1, Par: 1, Line: 1, WordNum: 2},
		{Text: "café", Left: 1300, Top: 250, Width: 100, Height: 60, Conf: 45.5, Block: 2, Par: 1, Line: 1, WordNum: 1},
	}
	if len(words) != len(want) {
		t.Fatalf("%d words: %+v", len(words), words)
	}
	for i := range want {
		if words[i] != want[i] {
			t.Errorf("word %d: %+v, want %+v", i, words[i], want[i])
		}
	}
	for _, bad := range []string{"5\t1\t1\t1\t1\t1\tx\t250\t210\t62\t96\tWarm\n", "5\t1\t1\t1\t1\t1\t1\t250\t210\t62\tnan?\tWarm\n"} {
		if _, err := ParseTSV(strings.NewReader("level\n" + bad)); err == nil {
			t.Errorf("bad row %q accepted", bad)
		}
	}
}

func TestLanguages(t *testing.T) {
	e := &Engine{Langs: parseLangs([]byte("List of available languages in \"/usr/share/tesseract-ocr/5/tessdata/\" (3):\neng\nosd\nswe\n"))}
	if strings.Join(e.Langs, ",") != "eng,swe" {
		t.Fatalf("languages %v", e.Langs)
	}
	for _, c := range []struct {
		lang string
		ok   bool
		msg  string
	}{
		{"eng", true, ""}, {"eng+swe", true, ""},
		{"deu", false, "apt-get install tesseract-ocr-deu"},
		{"chi_sim", false, "tesseract-ocr-chi-sim"},
		{"eng swe", false, "joined by +"}, {"", false, "joined by +"}, {"../../etc", false, "joined by +"}, {"-l", false, "joined by +"},
	} {
		err := e.CheckLang(c.lang)
		if (err == nil) != c.ok || (err != nil && !strings.Contains(err.Error(), c.msg)) {
			t.Errorf("CheckLang(%q) = %v", c.lang, err)
		}
	}
	if v := parseVersion([]byte("tesseract 5.3.0\n leptonica-1.82.0\n")); v != "5.3.0" {
		t.Errorf("version %q", v)
	}
}

// TestNotInstalled: with no tesseract on PATH, Find says how to install it.
func TestNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Find(context.Background())
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "apt-get install tesseract-ocr") {
		t.Errorf("Find without tesseract: %v", err)
	}
}

// TestRecognizeBlankAndCancel runs the real program: a blank page has no
// words; a cancelled context stops it.
func TestRecognizeBlankAndCancel(t *testing.T) {
	e, err := Find(context.Background())
	if err != nil {
		t.Skipf("Tesseract is not installed: %v", err)
	}
	img := image.NewGray(image.Rect(0, 0, 600, 400))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	res, err := e.Recognize(context.Background(), img, 300, "eng")
	if err != nil || len(res.Words) != 0 {
		t.Errorf("blank page: %+v %v", res, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Recognize(ctx, img, 300, "eng"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := e.Recognize(context.Background(), img, 300, "eng;rm"); err == nil {
		t.Error("a malformed language was passed on")
	}
}
