package app

import "testing"

// BenchmarkSwitchViews switches from the Library to the Search view and
// back, as a user clicking the tabs, on the headless driver.
func BenchmarkSwitchViews(b *testing.B) {
	lib, _ := newTestLibrary(b)
	u, _ := newTestUI(b, lib)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u.ShowView(ViewSearch)
		u.ShowView(ViewLibrary)
	}
}
