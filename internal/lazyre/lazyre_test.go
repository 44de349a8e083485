package lazyre

import (
	"regexp"
	"sync"
	"testing"
)

func TestLazyRegexpMatchesAsRegexp(t *testing.T) {
	tests := []struct {
		expr, text string
	}{
		{`(\d+)-(\d+)`, "pages 12-19 and 3-4"},
		{`(?i)^abstract\s*[:.]?\s+`, "ABSTRACT: text"},
		{`x*`, ""},
	}
	for _, tc := range tests {
		lazy, eager := New(tc.expr), regexp.MustCompile(tc.expr)
		if lazy.re != nil {
			t.Fatalf("%s compiled before its first use", tc.expr)
		}
		if got, want := lazy.MatchString(tc.text), eager.MatchString(tc.text); got != want {
			t.Errorf("%s MatchString(%q) = %v, want %v", tc.expr, tc.text, got, want)
		}
		if got, want := lazy.FindAllStringSubmatch(tc.text, -1), eager.FindAllStringSubmatch(tc.text, -1); len(got) != len(want) {
			t.Errorf("%s FindAllStringSubmatch(%q) = %q, want %q", tc.expr, tc.text, got, want)
		}
		if got, want := lazy.ReplaceAllString(tc.text, "<$0>"), eager.ReplaceAllString(tc.text, "<$0>"); got != want {
			t.Errorf("%s ReplaceAllString(%q) = %q, want %q", tc.expr, tc.text, got, want)
		}
		if lazy.String() != tc.expr {
			t.Errorf("String() = %q, want %q", lazy.String(), tc.expr)
		}
	}
}

func TestLazyRegexpConcurrentFirstUse(t *testing.T) {
	re := New(`b+`)
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = re.FindString("aabbbcc")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r != "bbb" {
			t.Errorf("goroutine %d found %q, want bbb", i, r)
		}
	}
}

func TestBadPatternPanicsAtFirstUse(t *testing.T) {
	re := New(`(unclosed`)
	defer func() {
		if recover() == nil {
			t.Error("a pattern that does not compile did not panic at its first use")
		}
	}()
	re.MatchString("x")
}
