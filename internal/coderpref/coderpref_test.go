package coderpref

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveOrder(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RAPPORT_CONFIG_DIR", dir)
	t.Setenv("RAPPORT_CODER", "")
	t.Setenv("RAPPORT_AUTHOR", "")
	t.Setenv("USER", "loginuser")

	check := func(given, wantName, wantSource string) {
		t.Helper()
		name, source, err := Resolve(given)
		if err != nil {
			t.Fatal(err)
		}
		if source != wantSource || (wantName != "" && name != wantName) {
			t.Errorf("Resolve(%q) = %q from %s, want %q from %s", given, name, source, wantName, wantSource)
		}
	}
	check("", "", SourceLogin)
	if LoginName() == "" {
		t.Error("no login name")
	}
	if err := Save("  Anna "); err != nil {
		t.Fatal(err)
	}
	if got, _ := Load(); got != "Anna" {
		t.Errorf("Load = %q", got)
	}
	check("", "Anna", SourcePreference)
	t.Setenv("RAPPORT_AUTHOR", "Old")
	check("", "Old", SourceEnv)
	t.Setenv("RAPPORT_CODER", "Bo")
	check("", "Bo", SourceEnv)
	check(" Cy ", "Cy", SourceFlag)
	if err := Save(""); err != nil {
		t.Fatal(err)
	}
	if got, _ := Load(); got != "" {
		t.Errorf("after saving none, Load = %q", got)
	}
}

func TestLoadDamagedFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RAPPORT_CONFIG_DIR", dir)
	t.Setenv("RAPPORT_CODER", "")
	t.Setenv("RAPPORT_AUTHOR", "")
	os.WriteFile(filepath.Join(dir, "coder.json"), []byte("{not json"), 0o644)
	if _, _, err := Resolve(""); err == nil || !strings.Contains(err.Error(), "coder.json") {
		t.Errorf("a damaged preference file: %v, want an error naming it", err)
	}
}
