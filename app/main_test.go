package app

import (
	"os"
	"testing"
)

// TestMain keeps the tests off the user's coder preference: they get a
// configuration folder of their own, and no coder from the environment.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rapport-config-")
	if err != nil {
		panic(err)
	}
	os.Setenv("RAPPORT_CONFIG_DIR", dir)
	os.Unsetenv("RAPPORT_CODER")
	os.Unsetenv("RAPPORT_AUTHOR")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
