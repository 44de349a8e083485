package export

import (
	"archive/zip"
	"io"
	"testing"
)

type testZip struct {
	zw  *zip.Writer
	err error
}

func newTestZip(w io.Writer) *testZip { return &testZip{zw: zip.NewWriter(w)} }

func (z *testZip) add(name, content string) {
	if z.err != nil {
		return
	}
	w, err := z.zw.Create(name)
	if err != nil {
		z.err = err
		return
	}
	_, z.err = io.WriteString(w, content)
}

func (z *testZip) close(t testing.TB) {
	t.Helper()
	if z.err == nil {
		z.err = z.zw.Close()
	}
	if z.err != nil {
		t.Fatal(z.err)
	}
}
