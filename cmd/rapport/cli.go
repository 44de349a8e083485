package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/coderpref"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// command is one headless subcommand. Files named cmd_*.go register theirs
// in init, so that each feature keeps its command beside nothing else.
type command struct {
	name    string
	args    string // synopsis of the arguments, for help
	summary string
	// freeText marks commands whose arguments are text that may start
	// with "-" (a query's excluded word).
	freeText bool
	// plainInterrupt marks commands that touch no library and leave
	// nothing to finish (extract): Ctrl-C ends them at once, as it ends any
	// program, so they spare the signal handling the other commands set
	// up to stop cleanly (a goroutine and two OS threads: about 1% of a
	// one-off extraction's CPU).
	plainInterrupt bool
	// flags declares the command's flags on fs; it returns the function
	// that runs the command once flags and positional args are parsed.
	flags func(fs *flag.FlagSet) func(env *env, args []string) error
	// writes marks commands that change a library: they take --coder NAME
	// (and its older name --author), the coder recorded with what they
	// change (see coderpref.Resolve).
	writes bool
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// env is what every command runs with.
type env struct {
	ctx     context.Context
	stdout  io.Writer
	stderr  io.Writer
	json    bool
	libDir  string
	lib     *index.Library
	failed  bool // set by commands that report partial failure without an error
	noticed []string
	// refi collects the reports of the REFI-QDA files an import applied,
	// for import --json.
	refi []refiFileReport
	// coderFlag is --coder as given to a command that writes ("" when
	// not given); coder resolves it.
	coderFlag string
}

// progressLine writes a progress line to standard error: rewritten in
// place on a terminal, one plain line per step otherwise (a log, a pipe),
// where terminal escapes would be noise.
func (e *env) progressLine(text string, last bool) {
	if isTerminal(e.stderr) {
		fmt.Fprintf(e.stderr, "\r%s\x1b[K", text)
		if last {
			fmt.Fprintln(e.stderr)
		}
		return
	}
	fmt.Fprintln(e.stderr, text)
}

// isTerminal tells whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// coder is the coder a command that writes records: --coder, else
// RAPPORT_CODER (or RAPPORT_AUTHOR), else the coder preference, else the
// login name.
func (e *env) coder() (string, error) {
	name, _, err := coderpref.Resolve(e.coderFlag)
	if err != nil {
		return "", err
	}
	if name != "" {
		if err := index.CheckCoderName(name); err != nil {
			return "", usagef("--coder: %v", err)
		}
	}
	return name, nil
}

// library opens the library for a command that changes it, on first use.
// Only import creates a library (createLibrary); every other command is
// told there is none, so that a mistyped --library is not made into a new
// empty library.
func (e *env) library() (*index.Library, error) {
	return e.open(&index.Options{MustExist: true})
}

// createLibrary opens the library, creating it when there is none.
func (e *env) createLibrary() (*index.Library, error) {
	return e.open(&index.Options{})
}

// readLibrary opens the library for a command that only reads it. While
// another process holds it (the window), it is opened read-only: SQLite is
// read directly and searches are answered by that process. A reading
// command holds the library a moment only, so it answers no searches, and
// it leaves out the whole-file check of library.sqlite that protects
// writers (index.Options.ForReading).
func (e *env) readLibrary() (*index.Library, error) {
	lib, err := e.open(&index.Options{MustExist: true, NoSearchServer: true, ForReading: true})
	if errors.Is(err, index.ErrLibraryInUse) {
		lib, err = e.open(&index.Options{ReadOnly: true})
	}
	return lib, err
}

func (e *env) open(opts *index.Options) (*index.Library, error) {
	if e.lib != nil {
		return e.lib, nil
	}
	opts.Notice = func(msg string) { fmt.Fprintln(e.stderr, "rapport:", msg) }
	coder := ""
	if !opts.ReadOnly {
		var err error
		if coder, err = e.coder(); err != nil {
			return nil, err
		}
	}
	lib, err := index.Open(e.ctx, e.libDir, opts)
	if errors.Is(err, index.ErrNoLibrary) {
		return nil, fmt.Errorf("%v (`rapport import FILES` creates one there; check --library or RAPPORT_LIBRARY)", err)
	}
	if err != nil {
		return nil, err
	}
	lib.Author = coder
	e.lib = lib
	return lib, nil
}

// emit prints v as JSON when --json was given, else calls human.
func (e *env) emit(v any, human func(w io.Writer)) error {
	if e.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	human(e.stdout)
	return nil
}

// usageError marks errors in the command line itself (exit 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// defaultLibraryDir is RAPPORT_LIBRARY, else the OS user data folder.
func defaultLibraryDir() string {
	if d := os.Getenv("RAPPORT_LIBRARY"); d != "" {
		return d
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "Rapport")
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "rapport")
		}
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "rapport")
		}
	}
	return "rapport-library"
}

// run is the whole program: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("rapport", flag.ContinueOnError)
	global.SetOutput(stderr)
	libDir := global.String("library", defaultLibraryDir(), "library folder (or set RAPPORT_LIBRARY)")
	jsonOut := global.Bool("json", false, "machine-readable output (one JSON value on stdout)")
	global.Usage = func() { printHelp(stderr) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 {
		return runGUI(args, *libDir, stderr)
	}
	name := rest[0]
	if name == "help" || name == "--help" || name == "-h" {
		printHelp(stdout)
		return exitOK
	}
	c := commands[name]
	if c == nil {
		fmt.Fprintf(stderr, "rapport: unknown command %q (see `rapport help`)\n", name)
		return exitUsage
	}
	fs := flag.NewFlagSet("rapport "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(libDir, "library", *libDir, "library folder")
	fs.BoolVar(jsonOut, "json", *jsonOut, "machine-readable output")
	runCmd := c.flags(fs)
	var coderFlag string
	if c.writes {
		fs.StringVar(&coderFlag, "coder", "", "the coder recorded with what the command changes (default: $RAPPORT_CODER, else the coder preference of `rapport coder`, else your login name)")
		fs.StringVar(&coderFlag, "author", "", "the same as --coder (its older name)")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: rapport %s %s\n  %s\n", c.name, c.args, c.summary)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, rest[1:], c.freeText)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}

	ctx := context.Background()
	if !c.plainInterrupt {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, json: *jsonOut, libDir: *libDir, coderFlag: coderFlag}
	err = runCmd(e, positional)
	if e.lib != nil {
		if cerr := e.lib.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "rapport %s: %s\nusage: rapport %s %s\n", name, ue.msg, name, c.args)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "rapport %s: %v\n", name, err)
		return exitFail
	case e.failed:
		return exitFail
	}
	return exitOK
}

// parseInterspersed parses flags that may stand before, between or after
// positional arguments ("search QUERY --limit 5"); "--" ends flags. For a
// command that takes free text (a query), an argument that looks like a
// flag but names none of the command's flags is text: "search -dementia
// +stress" excludes a word rather than failing.
func parseInterspersed(fs *flag.FlagSet, args []string, freeText bool) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil && freeText && name != "h" && name != "help" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		if f != nil && !hasValue && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return positional, nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func printHelp(out io.Writer) {
	// One write: the help is some 60 lines, each its own system call when
	// written to an unbuffered os.Stdout.
	w := bufio.NewWriterSize(out, 16<<10)
	defer w.Flush()
	fmt.Fprintf(w, `Rapport — an offline research assistant for qualitative literature work.

usage:
  rapport [--library DIR]                 open the window
  rapport [--library DIR] COMMAND [--json] [ARGS]

The library folder defaults to %s
(set --library or RAPPORT_LIBRARY to use another).

commands:
`, defaultLibraryDir())
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %s %s\n      %s\n", n, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --json for machine-readable output; `rapport COMMAND -h` lists its flags.")
}

// oneLine folds white space, for human-readable listings.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
