//go:build ignore

// testsummary reads `go test -json` on standard input and prints what plain
// `go test` prints (package lines, the output of failures), then the
// packages that took longest and the tests that were skipped and why
// (package internal/testsummary). With -skips FILE it also writes the skip
// line to FILE, for scripts/test to repeat at the very end. It exits 1 when
// a test, package or build failed.
//
//	go test -json ./... | go run scripts/testsummary.go
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/internal/testsummary"
)

func main() {
	skips := flag.String("skips", "", "also write the skip line to this file")
	label := flag.String("label", "", "name of the run, for the skip line")
	flag.Parse()
	res, err := testsummary.Summarise(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	var slow []string
	for i, p := range res.Slowest {
		if i == 5 {
			break
		}
		slow = append(slow, fmt.Sprintf("%s %s", strings.TrimPrefix(p.Package, "github.com/rapport-qda/rapport/"), p.Elapsed.Round(time.Second)))
	}
	fmt.Printf("%d packages, %d tests; slowest packages: %s\n", res.Packages, res.Tests, strings.Join(slow, ", "))
	slow = nil
	for i, p := range res.SlowestTests {
		if i == 8 {
			break
		}
		slow = append(slow, fmt.Sprintf("%s %s", strings.TrimPrefix(p.Package, "github.com/rapport-qda/rapport/"), p.Elapsed.Round(100*time.Millisecond)))
	}
	fmt.Printf("slowest tests: %s\n", strings.Join(slow, ", "))
	line := res.SkipLine()
	if *label != "" {
		line = *label + ": " + line
	}
	fmt.Println(line)
	if *skips != "" {
		os.WriteFile(*skips, []byte(line+"\n"), 0o644)
	}
	if res.Failed {
		os.Exit(1)
	}
}
