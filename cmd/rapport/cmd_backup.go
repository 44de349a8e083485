package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/rapport-qda/rapport/index"
)

func init() {
	register(&command{name: "backup", args: "FILE.zip", summary: "write a consistent snapshot of the library (works while the app has it open)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error { return runBackup }})
	register(&command{name: "restore", args: "FILE.zip DIR [--force]", summary: "restore a backup into a new or empty folder",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var opts index.RestoreOptions
			fs.BoolVar(&opts.Force, "force", false, "replace the library in DIR (it is kept beside, renamed, never deleted)")
			return func(e *env, args []string) error { return runRestore(e, args, opts) }
		}})
}

// runBackup reads the library without taking its lock, so that a backup
// can run while the desktop app works on the library.
func runBackup(e *env, args []string) error {
	if len(args) != 1 {
		return usagef("backup takes one file to write")
	}
	rep, err := index.BackupDir(e.ctx, e.libDir, args[0], nil)
	if err != nil {
		return err
	}
	return e.emit(rep, func(w io.Writer) {
		fmt.Fprintf(w, "backed up %d documents, %d annotations and %d originals to %s (%d bytes)\n",
			rep.Documents, rep.Annotations, rep.Files, rep.Path, rep.Bytes)
	})
}

func runRestore(e *env, args []string, opts index.RestoreOptions) error {
	if len(args) != 2 {
		return usagef("restore takes a backup file and a folder to restore into")
	}
	rep, err := index.Restore(e.ctx, args[0], args[1], &opts)
	if err != nil {
		return err
	}
	return e.emit(rep, func(w io.Writer) {
		if rep.Previous != "" {
			fmt.Fprintf(w, "the library that was in %s is kept as %s\n", rep.Dir, rep.Previous)
		}
		fmt.Fprintf(w, "restored %d documents and %d originals into %s\n", rep.Documents, rep.Files, rep.Dir)
	})
}
