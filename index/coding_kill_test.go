package index

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The durability test: a child process (this test binary, re-run as
// TestCodingKillChild) tags passages in a loop and prints each
// annotation's id once Tag has returned; the parent kills it with SIGKILL
// at a random moment, many times. Afterwards every acknowledged annotation
// must be in the library, anchored, and the library must pass Check.

const killChildEnv = "RAPPORT_CODING_KILL_CHILD"

// killQuotes are passages of twoPageArticle the child tags in turn.
var killQuotes = []struct {
	quote string
	page  int
}{
	{"collaboration with professionals", 1},
	{"Trust grew over many years", 1},
	{"extraordinarily psychiatric services", 1},
	{"the first to offer this kind of flexible support", 1},
	{"spending time together", 2},
	{"something different, a human being", 2},
	{"Nobody mentioned the final flourish", 2},
}

var killThemes = []string{"Trust", "Collaboration", "Support", "Spending time together", "From role to person"}

func TestCodingKillChild(t *testing.T) {
	dir := os.Getenv(killChildEnv)
	if dir == "" {
		t.Skip("run by TestCodingSurvivesKill as its child process")
	}
	ctx := context.Background()
	lib, err := Open(ctx, dir, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	doc, _ := strconv.ParseInt(os.Getenv(killChildEnv+"_DOC"), 10, 64)
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	for i := 0; ; i++ {
		// A run of two or more words of a passage: a passage already
		// coded with a theme is refused (ErrAlreadyCoded), so the child
		// draws from many.
		q := killQuotes[r.Intn(len(killQuotes))]
		words := strings.Fields(q.quote)
		from := r.Intn(len(words) - 1)
		to := from + 2 + r.Intn(len(words)-from-1)
		quote := strings.Join(words[from:to], " ")
		themes := []string{killThemes[r.Intn(len(killThemes))]}
		if i%3 == 0 {
			themes = append(themes, killThemes[r.Intn(len(killThemes))])
		}
		a, err := lib.Tag(ctx, TagRequest{DocID: doc, Quote: quote, Page: q.page, Themes: themes, Note: fmt.Sprint("loop ", i)})
		var ambiguous *AmbiguousQuoteError
		if errors.Is(err, ErrAlreadyCoded) || errors.As(err, &ambiguous) {
			continue
		}
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		// Written straight to the pipe: once the parent reads it, Tag has returned.
		fmt.Fprintf(os.Stdout, "tagged %d %s\n", a.ID, a.GUID)
	}
}

func TestCodingSurvivesKill(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses SIGKILL")
	}
	if os.Getenv(killChildEnv) != "" {
		t.Skip("in the child")
	}
	iterations := 6
	if testing.Short() {
		iterations = 2
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lib")
	lib, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := importArticle(t, lib, "two-pages", twoPageArticle())
	lib.Close()

	acked := map[int64]string{} // id → guid
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	totalTags, totalTime := 0, time.Duration(0)
	for it := 0; it < iterations; it++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCodingKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dir, fmt.Sprintf("%s_DOC=%d", killChildEnv, doc))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var lines []string
		done := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				mu.Lock()
				lines = append(lines, sc.Text())
				mu.Unlock()
			}
			close(done)
		}()
		// Wait for the first acknowledged tag, then a random while more.
		for deadline := time.Now().Add(30 * time.Second); ; {
			mu.Lock()
			n := len(lines)
			mu.Unlock()
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(r.Intn(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		cmd.Wait()
		totalTime += time.Since(start)
		mu.Lock()
		for _, line := range lines {
			f := strings.Fields(line)
			if len(f) != 3 || f[0] != "tagged" {
				t.Fatalf("child said %q", line)
			}
			id, _ := strconv.ParseInt(f[1], 10, 64)
			acked[id] = f[2]
			totalTags++
		}
		mu.Unlock()

		lib, err := Open(ctx, dir, nil)
		if err != nil {
			t.Fatalf("iteration %d: open after kill: %v", it, err)
		}
		for id, guid := range acked {
			a, err := lib.Annotation(ctx, id)
			if err != nil || a.GUID != guid {
				t.Fatalf("iteration %d: acknowledged annotation %d lost: %+v %v", it, id, a, err)
			}
			if len(a.Themes) == 0 {
				t.Fatalf("iteration %d: annotation %d lost its themes", it, id)
			}
			checkAnchored(t, lib, a)
		}
		// Any use of the search index brings it up to date (a kill between
		// a commit and the index update leaves the document marked).
		var annotated int
		lib.db.QueryRow("SELECT COUNT(DISTINCT page) FROM annotations WHERE doc_id = ?", doc).Scan(&annotated)
		if n := searchTotal(t, lib, SearchRequest{AnnotatedOnly: true}); n != annotated {
			t.Fatalf("iteration %d: %d annotated pages in the index, %d in SQLite", it, n, annotated)
		}
		rep, err := lib.Check(ctx, CheckOptions{})
		if err != nil || !rep.OK {
			t.Fatalf("iteration %d: check after kill: %+v %v", it, rep, err)
		}
		if problems, err := lib.CheckCoding(ctx); err != nil || len(problems) > 0 {
			t.Fatalf("iteration %d: coding after kill: %v %v", it, problems, err)
		}
		lib.Close()
	}
	if len(acked) == 0 {
		t.Fatal("the child never acknowledged a tag")
	}
	t.Logf("%d kills, %d acknowledged tags kept (%.1f tags/s in the child)", iterations, len(acked), float64(totalTags)/totalTime.Seconds())
}
