//go:build !(linux && (amd64 || arm64))

package startheap

// adviseHugePages gives no advice here (not Linux, or an architecture
// without the assembly stub).
func adviseHugePages(addr, n uintptr) uintptr { return 0 }
