package index

import (
	"fmt"
	"os"
	"syscall"
)

// stampOf describes the file at path by size, modification and change
// times (nanoseconds), inode and device; "" when it cannot.
func stampOf(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return ""
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("size=%d mtime=%d ctime=%d ino=%d dev=%d", info.Size(),
		st.Mtim.Nano(), st.Ctim.Nano(), st.Ino, st.Dev)
}
