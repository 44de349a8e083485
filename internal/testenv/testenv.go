// Package testenv finds what Rapport's tests share: the repository root and
// the ../shared folder (article corpus, seeds) that sits beside a checkout
// in development and CI but not in a user's fresh clone.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the module root (the folder holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testenv: go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// workShared is where the development machine keeps the shared folder for
// git worktrees, which do not sit beside it.
const workShared = "/work/shared"

// Shared returns ../shared/SUB beside the repository (or $RAPPORT_SHARED/SUB,
// or /work/shared/SUB for a worktree elsewhere), skipping the test with a
// clear message when it is absent.
func Shared(t testing.TB, sub string) string {
	t.Helper()
	base := os.Getenv("RAPPORT_SHARED")
	if base == "" {
		base = filepath.Join(filepath.Dir(RepoRoot(t)), "shared")
		if _, err := os.Stat(base); err != nil {
			if _, err := os.Stat(workShared); err == nil {
				base = workShared
			}
		}
	}
	dir := filepath.Join(base, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("skipping: %s is absent (it sits beside a development checkout; a fresh clone has none)", dir)
	}
	return dir
}
