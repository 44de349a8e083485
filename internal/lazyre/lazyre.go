// Package lazyre holds regular expressions that are compiled on first use
// rather than when the program starts: a package-level regexp.MustCompile
// runs in every process that links the package, so the importer's and the
// exports' patterns cost every command (`rapport help` included) about a
// millisecond before main. A pattern that does not compile still panics,
// at its first use, which the package's tests reach.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on first use. It is safe for
// concurrent use, as regexp.Regexp is.
type Regexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// New returns a Regexp for expr (regexp syntax) that compiles it on first
// use.
func New(expr string) *Regexp { return &Regexp{expr: expr} }

// Regexp returns the compiled expression.
func (r *Regexp) Regexp() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.expr) })
	return r.re
}

// String returns the source text.
func (r *Regexp) String() string { return r.expr }

// The methods of regexp.Regexp that Rapport uses.

func (r *Regexp) Match(b []byte) bool                  { return r.Regexp().Match(b) }
func (r *Regexp) MatchString(s string) bool            { return r.Regexp().MatchString(s) }
func (r *Regexp) FindString(s string) string           { return r.Regexp().FindString(s) }
func (r *Regexp) FindIndex(b []byte) []int             { return r.Regexp().FindIndex(b) }
func (r *Regexp) FindStringIndex(s string) []int       { return r.Regexp().FindStringIndex(s) }
func (r *Regexp) FindStringSubmatch(s string) []string { return r.Regexp().FindStringSubmatch(s) }
func (r *Regexp) FindAllStringIndex(s string, n int) [][]int {
	return r.Regexp().FindAllStringIndex(s, n)
}
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.Regexp().FindAllStringSubmatch(s, n)
}
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.Regexp().ReplaceAllString(src, repl)
}
func (r *Regexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return r.Regexp().ReplaceAllStringFunc(src, repl)
}
func (r *Regexp) Split(s string, n int) []string       { return r.Regexp().Split(s, n) }
func (r *Regexp) FindAllIndex(b []byte, n int) [][]int { return r.Regexp().FindAllIndex(b, n) }
func (r *Regexp) FindSubmatch(b []byte) [][]byte       { return r.Regexp().FindSubmatch(b) }

// Group is a set of patterns one piece of work needs, which that work can
// have compiled on another core while it does the rest (Warm): a one-off
// `rapport extract` compiles about forty patterns to read a document's
// metadata, some 3 ms of its CPU, after laying out its pages. The zero
// Group is ready to use; a Group is safe for concurrent use.
type Group struct {
	mu   sync.Mutex
	res  []*Regexp
	once sync.Once
	done chan struct{}
}

// New returns a Regexp for expr, as the package's New, kept in g.
func (g *Group) New(expr string) *Regexp {
	r := New(expr)
	g.mu.Lock()
	g.res = append(g.res, r)
	g.mu.Unlock()
	return r
}

// Warm starts compiling g's patterns in a goroutine of its own, the first
// time it is called; it returns at once, with a channel closed when all
// are compiled. A pattern used meanwhile is compiled by whichever comes
// first, the other waiting for it, so the patterns behave exactly as
// without Warm.
func (g *Group) Warm() <-chan struct{} {
	g.once.Do(func() {
		g.mu.Lock()
		res := append([]*Regexp(nil), g.res...)
		g.mu.Unlock()
		g.done = make(chan struct{})
		go func() {
			defer close(g.done)
			for _, r := range res {
				r.Regexp()
			}
		}()
	})
	return g.done
}
