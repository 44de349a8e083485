package export

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/rapport-qda/rapport/importer"
	"github.com/rapport-qda/rapport/index"
)

// bigData is a library of 200 documents, 60 nested themes and 10,000
// excerpts, each coded with two themes.
func bigData(b *testing.B) *Data {
	b.Helper()
	var docs []index.Document
	pages := map[int64][]index.Page{}
	for i := int64(1); i <= 200; i++ {
		docs = append(docs, index.Document{ID: i, PageCount: 10, SHA256: fmt.Sprintf("%064d", i), Metadata: importer.Metadata{
			Title: fmt.Sprintf("Article %d", i), Year: 2000 + int(i%20), Journal: "Journal", Pages: "100–109",
			Authors: []importer.Author{{Family: "Author", Given: "A"}, {Family: "Other", Given: "B"}}}})
		for p := 1; p <= 10; p++ {
			pages[i] = append(pages[i], index.Page{DocID: i, Number: p, Text: fmt.Sprintf("Page %d of article %d: helpful relationships with professionals, trust and time spent together.", p, i)})
		}
	}
	var themes []index.Theme
	for i := int64(1); i <= 60; i++ {
		t := index.Theme{ID: i, GUID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), Name: fmt.Sprintf("Theme %d", i), Color: "#336699", Position: int(i)}
		if i > 10 {
			t.ParentID = (i-1)%10 + 1
		}
		themes = append(themes, t)
	}
	var anns []index.Annotation
	for i := int64(1); i <= 10000; i++ {
		doc := i%200 + 1
		anns = append(anns, index.Annotation{ID: i, GUID: fmt.Sprint(i), DocID: doc, Page: int(i%10) + 1, Start: 0, End: 4, Quote: "Page",
			Themes: []string{fmt.Sprintf("Theme %d", i%60+1), fmt.Sprintf("Theme %d", (i+7)%60+1)}, CreatedAt: fixedTime})
	}
	d, err := Build("bench", time.Now(), docs, pages, themes, anns, Filter{})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func BenchmarkExport(b *testing.B) {
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			d := bigData(b)
			b.ResetTimer()
			for range b.N {
				if err := Write(io.Discard, f, d, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
