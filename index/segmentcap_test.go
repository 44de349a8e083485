package index

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSearchIndexCapsItsSegments: the search index is created with its
// merged segments capped (maxSegmentEntries), so that no merge of a large
// library reads gigabytes of segments at once; the cap is in the index's
// own configuration, and the index opens with it.
func TestSearchIndexCapsItsSegments(t *testing.T) {
	ctx := context.Background()
	lib := newTestLibrary(t)
	if err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(lib.Dir(), IndexDir, "index_meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Config struct {
			Merge struct {
				MaxSegmentSize int `json:"MaxSegmentSize"`
			} `json:"scorchMergePlanOptions"`
		} `json:"config"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatalf("index_meta.json: %v\n%s", err, data)
	}
	if got := meta.Config.Merge.MaxSegmentSize; got != maxSegmentEntries {
		t.Errorf("segments capped at %d entries, want %d (%s)", got, maxSegmentEntries, data)
	}
	if _, err := lib.Search(ctx, SearchRequest{Query: "anything"}); err != nil {
		t.Fatalf("search after reopening: %v", err)
	}
}
