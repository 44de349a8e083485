package startheap

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestHeapArenaAdvised reads the process's memory map: the mapping that
// holds the probe object (the heap where it started) carries the huge
// page advice ("hg" among its VmFlags).
func TestHeapArenaAdvised(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skipf("no advice on %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage"); err != nil {
		t.Skipf("kernel without transparent huge pages: %v", err)
	}
	if Errno != 0 {
		t.Fatalf("madvise(MADV_HUGEPAGE) on the heap arena: errno %d", Errno)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	addr := uint64(uintptr(unsafe.Pointer(probe)))
	inside := false
	found := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := mappingRange(line); ok {
			inside = lo <= addr && addr < hi
			continue
		}
		if inside && strings.HasPrefix(line, "VmFlags:") {
			found = true
			if !strings.Contains(" "+strings.TrimPrefix(line, "VmFlags:")+" ", " hg ") {
				t.Errorf("the heap mapping holding %#x has no huge page advice: %s", addr, line)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("no mapping holds the probe at %#x", addr)
	}
}

// mappingRange parses the first line of a mapping in smaps ("lo-hi perms
// ...").
func mappingRange(line string) (lo, hi uint64, ok bool) {
	span, _, _ := strings.Cut(line, " ")
	a, b, cut := strings.Cut(span, "-")
	if !cut {
		return 0, 0, false
	}
	var err1, err2 error
	lo, err1 = strconv.ParseUint(a, 16, 64)
	hi, err2 = strconv.ParseUint(b, 16, 64)
	return lo, hi, err1 == nil && err2 == nil
}
