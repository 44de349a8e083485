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
	shards, _ := filepath.Glob(filepath.Join(lib.Dir(), IndexDir, shardDirPrefix+"*", "index_meta.json"))
	if len(shards) < 2 {
		t.Fatalf("shards %v, want at least 2", shards)
	}
	for _, p := range shards {
		checkSegmentCap(t, p)
	}
	if _, err := lib.Search(ctx, SearchRequest{Query: "anything"}); err != nil {
		t.Fatalf("search after reopening: %v", err)
	}
}

func checkSegmentCap(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
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
		t.Errorf("%s: segments capped at %d entries, want %d (%s)", path, got, maxSegmentEntries, data)
	}
}
