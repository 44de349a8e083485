package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/index"
	"github.com/rapport-qda/rapport/internal/gctune"
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
	defer gctune.ForBulk()() // as rapport import does
	rep, err := lib.Import(ctx, fs.Args(), nil)
	if err != nil {
		return err
	}
	imported := time.Since(start)
	if err := lib.Close(); err != nil {
		return err
	}
	run, wait := schedStat()
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"imported": len(rep.Imported), "updated": len(rep.Updated), "failed": len(rep.Failed),
		"import_s": imported.Seconds(), "total_s": time.Since(start).Seconds(),
		"note": fmt.Sprintf("close took %.2fs; threads ran %.2fs and waited %.2fs for a CPU (run queue)", time.Since(start).Seconds()-imported.Seconds(), run, wait),
	})
}

// schedStat sums, over the process's threads, the time they ran on a CPU
// and the time they were runnable but waiting for one (/proc schedstat):
// on a shared machine the second tells contention from I/O waits.
func schedStat() (run, wait float64) {
	tasks, _ := filepath.Glob("/proc/self/task/*/schedstat")
	for _, t := range tasks {
		data, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		f := strings.Fields(string(data))
		if len(f) < 2 {
			continue
		}
		r, _ := strconv.ParseFloat(f[0], 64)
		w, _ := strconv.ParseFloat(f[1], 64)
		run += r / 1e9
		wait += w / 1e9
	}
	return run, wait
}
