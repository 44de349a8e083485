package index

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var (
	fuzzLibOnce sync.Once
	fuzzLib     *Library
	fuzzLibErr  error
)

// fuzzLibrary is one small library shared by every input of a fuzz run:
// three generated articles, one of them tagged, so that searches hit
// text, metadata, themes and annotations.
func fuzzLibrary(f *testing.F) *Library {
	fuzzLibOnce.Do(func() {
		dir := f.TempDir()
		ctx := context.Background()
		l, err := Open(ctx, filepath.Join(dir, "lib"), nil)
		if err != nil {
			fuzzLibErr = err
			return
		}
		rep, err := l.Import(ctx, writeArticles(f, filepath.Join(dir, "in"), 1, 3), nil)
		if err != nil || len(rep.Imported) != 3 {
			fuzzLibErr = errors.Join(err, errors.New("fuzz library: import failed"))
			return
		}
		themes, err := l.Themes(ctx)
		if err != nil || len(themes) == 0 {
			fuzzLibErr = errors.Join(err, errors.New("fuzz library: no codebook"))
			return
		}
		pages, err := l.Pages(ctx, rep.Imported[0].ID)
		if err != nil {
			fuzzLibErr = err
			return
		}
		words := strings.Fields(pages[0].Text)
		if _, err := l.Tag(ctx, TagRequest{DocID: rep.Imported[0].ID, Page: 1, Quote: strings.Join(words[len(words)-3:], " "), Themes: []string{themes[0].Name}}); err != nil {
			fuzzLibErr = err
			return
		}
		fuzzLib = l
	})
	if fuzzLibErr != nil {
		f.Fatal(fuzzLibErr)
	}
	return fuzzLib
}

// FuzzSearchQuery: Library.Search with any query string, paging and theme
// filter never panics, and fails only with ErrInvalidInput.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{
		"", "trust", `"nurse patient"`, "+care -stigma", "title:article", "year:>=2010", "year:>abc",
		"theme:trust", "author:\"A. Tester\"", "trus~2", "car*", "/c.re/", "field:", "+", "-", "\"", "((",
		"annotation:care", "page:>1", `doi:10.1/x`, "a:b:c", `\`, "^3", "trust^", "*:*", "\x00", "title:\"unclosed",
		"trust AND (care OR", "NOT", "a OR b AND c", "(trust OR care) +year:2015", "-(a b) NOT c", "peer-group", "Rönnl* AND ÆTHER",
		"author:(a OR b)", ")(", "trust AND NOT NOT care", `"a AND b" OR \(x\)`,
	} {
		f.Add(q, 0, 20, "")
	}
	f.Add("care", -1, -5, "Trust")
	f.Add("care", 1<<30, 1<<30, "")
	l := fuzzLibrary(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, q string, offset, limit int, theme string) {
		limit = limit % 1000 // Bleve allocates limit+offset slots: keep a fuzz run's memory sane
		offset = offset % 100000
		req := SearchRequest{Query: q, Offset: offset, Limit: limit, Facets: true}
		if theme != "" {
			req.Themes = []string{theme}
		}
		res, err := l.Search(ctx, req)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("search %q: error that is not ErrInvalidInput: %v", q, err)
			}
			return
		}
		if res == nil {
			t.Fatal("nil result without error")
		}
		for _, h := range res.Hits {
			if h.DocID <= 0 || h.Page < 0 || !utf8.ValidString(h.Snippet) {
				t.Fatalf("bad hit %+v", h)
			}
		}
	})
}

// FuzzMatchQuote: quote matching and re-anchoring on any page text and
// quote never panic and return spans inside the page.
func FuzzMatchQuote(f *testing.F) {
	f.Add("The psy-\nchiatric service was “helpful” and ﬁne.", "psychiatric service was \"helpful\"", "The ", " and")
	f.Add("aaaa aaaa", "aa", "", "")
	f.Add("Ünïcödé e\u0301 text", "e\u0301 te", "Ü", "xt")
	f.Add("", "x", "", "")
	f.Add("x", "", "a", "b")
	f.Add("\xff\xfe broken utf8", "broken", "", "")
	f.Fuzz(func(t *testing.T, text, quote, prefix, suffix string) {
		pages := []pageRunes{{page: 1, text: nfcRunes(text)}, {page: 2, text: nfcRunes(quote + " " + text)}}
		for _, s := range matchQuote(pages, quote) {
			n := len(pages[s.page-1].text)
			if s.start < 0 || s.end > n || s.start > s.end {
				t.Fatalf("span %+v outside page %d of %d code points", s, s.page, n)
			}
			spanContext(pages[s.page-1].text, s.start, s.end)
		}
		if s, ok := reanchor(pages, anchorTarget{quote: quote, prefix: prefix, suffix: suffix, page: 1, start: len(prefix)}); ok {
			if s.page < 1 || s.page > 2 || s.start < 0 || s.end > len(pages[s.page-1].text) || s.start > s.end {
				t.Fatalf("re-anchored span %+v outside its page", s)
			}
		}
	})
}
