package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/rapport-qda/rapport/index"
)

// childImport imports folders into a new library in-process, optionally
// under the CPU profiler: `rapport-bench import -lib DIR -cpuprofile FILE PATH...`
// (for pprof-guided work on the pipeline; the table uses bin/rapport).
func childImport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	libDir := fs.String("lib", "", "library folder (removed first)")
	cpu := fs.String("cpuprofile", "", "write a CPU profile here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	os.RemoveAll(*libDir)
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	lib, err := index.Open(ctx, *libDir, nil)
	if err != nil {
		return err
	}
	rep, err := lib.Import(ctx, fs.Args(), nil)
	if err != nil {
		return err
	}
	imported := time.Since(start)
	if err := lib.Close(); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"imported": len(rep.Imported), "updated": len(rep.Updated), "failed": len(rep.Failed),
		"import_s": imported.Seconds(), "total_s": time.Since(start).Seconds(),
		"note": fmt.Sprintf("close took %.2fs", time.Since(start).Seconds()-imported.Seconds()),
	})
}
