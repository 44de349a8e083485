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

// TestGroupWarm: Warm compiles every pattern of the group once, in the
// background; patterns used while it runs match as usual; a second Warm
// starts nothing new.
func TestGroupWarm(t *testing.T) {
	var g Group
	exprs := []string{`(?i)^vol(?:ume|\.)?\s*(\d{1,5})\b`, `^(\d{1,5})\s*:\s*(e?\d{1,7})\b`, `\p{L}+`}
	var res []*Regexp
	for _, e := range exprs {
		res = append(res, g.New(e))
	}
	outside := New(`x+`)
	for _, r := range res {
		if r.re != nil {
			t.Fatalf("%s compiled before Warm", r)
		}
	}
	done := g.Warm()
	if got := res[0].FindStringSubmatch("Volume 12, 3"); len(got) != 2 || got[1] != "12" {
		t.Errorf("used while warming: %q", got)
	}
	<-done
	for _, r := range res {
		if r.re == nil {
			t.Errorf("%s not compiled after Warm's channel closed", r)
		}
	}
	if outside.re != nil {
		t.Error("a pattern outside the group was compiled")
	}
	if again := g.Warm(); again != done {
		t.Error("a second Warm started another warming")
	}
}
