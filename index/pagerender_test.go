package index

import (
	"context"
	"testing"
	"time"
)

// TestPageRendererCache: a page drawn once comes from the cache the next
// time (the same image), pages at another resolution are drawn apart, the
// least recently used pages go once the images pass the bound, and the
// open document is closed when left unused.
func TestPageRendererCache(t *testing.T) {
	lib, _ := openCodingLibrary(t)
	ctx := context.Background()
	doc := importArticle(t, lib, "render", twoPageArticle())
	pageBytes := int64(612 * 792 * 4) // a letter page at 72 dpi
	r := lib.NewPageRenderer(2*pageBytes + pageBytes/2)
	r.IdleClose = 300 * time.Millisecond
	defer r.Close()

	p1, err := r.Render(ctx, doc, 1, 72)
	if err != nil {
		t.Fatal(err)
	}
	if b := p1.Image.Bounds(); b.Dx() != 612 || b.Dy() != 792 || p1.DPI != 72 {
		t.Fatalf("page 1 at 72 dpi: %v at %g", b, p1.DPI)
	}
	again, err := r.Render(ctx, doc, 1, 72.2)
	if err != nil || again.Image != p1.Image {
		t.Errorf("page 1 drawn again instead of taken from the cache (%v)", err)
	}
	if n, b := r.Stats(); n != 1 || b != pageBytes {
		t.Errorf("cache holds %d pages, %d bytes", n, b)
	}
	big, err := r.Render(ctx, doc, 1, 144)
	if err != nil || big.Image.Bounds().Dx() != 1224 {
		t.Fatalf("page 1 at 144 dpi: %v %v", err, big.Image.Bounds())
	}
	// 1 at 144 dpi (4 pages' worth) pushes 1 at 72 out; it stays alone
	// though it passes the bound itself.
	if _, ok := r.Cached(doc, 1, 72); ok {
		t.Errorf("page 1 at 72 dpi still cached past the bound")
	}
	r.Clear()
	r.Prefetch(ctx, doc, 2, 72)
	if _, ok := r.Cached(doc, 2, 72); !ok {
		t.Errorf("page 2 was not drawn ahead")
	}
	r.Render(ctx, doc, 1, 72)
	r.Render(ctx, doc, 2, 72) // used last: 1 is the least recently used
	if _, err := r.Render(ctx, doc, 1, 80); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Cached(doc, 2, 72); !ok {
		t.Errorf("the page used last was dropped")
	}
	if _, ok := r.Cached(doc, 1, 72); ok {
		t.Errorf("the least recently used page was kept past the bound")
	}
	if _, err := r.Render(ctx, doc, 3, 72); err == nil {
		t.Errorf("page 3 of a two-page document drawn")
	}
	if !r.DocumentOpen() {
		t.Fatalf("the document is not kept open between turns")
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.DocumentOpen() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if r.DocumentOpen() {
		t.Errorf("the document is still open after %v unused", r.IdleClose)
	}
	// and it opens again
	if _, err := r.Render(ctx, doc, 2, 96); err != nil {
		t.Fatal(err)
	}
}
