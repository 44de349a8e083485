package importer

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

var (
	bigMetaOnce sync.Once
	bigMeta     map[string][]byte
)

// bigMetadataFiles builds ~50 MB exports of one realistic record repeated,
// in each format.
func bigMetadataFiles() map[string][]byte {
	bigMetaOnce.Do(func() {
		const size = 50 << 20
		abstract := strings.Repeat("The relationship with professionals is an important factor in relation to the outcome of interventions. ", 8)
		var bib, ris strings.Builder
		var items []map[string]any
		jsonSize := 0
		for i := 0; bib.Len() < size; i++ {
			fmt.Fprintf(&bib, "@article{k%d,\n  title = {The {Art} of {Helpful} {Relationships} with {Professionals} {\\\"o} %d},\n  author = {Ljungberg, Amanda and Denhov, Anne and Topor, Alain},\n  journal = {Psychiatric Quarterly},\n  year = {2015}, month = dec, volume = {86}, number = {4}, pages = {471--495},\n  doi = {10.1007/s11126-015-%d},\n  abstract = {%s},\n}\n\n", i, i, i, abstract)
		}
		for i := 0; ris.Len() < size; i++ {
			fmt.Fprintf(&ris, "TY  - JOUR\nTI  - The Art of Helpful Relationships %d\nAU  - Ljungberg, Amanda\nAU  - Denhov, Anne\nAU  - Topor, Alain\nT2  - Psychiatric Quarterly\nAB  - %s\nDA  - 2015/12/01/\nPY  - 2015\nDO  - 10.1007/s11126-015-%d\nVL  - 86\nIS  - 4\nSP  - 471\nEP  - 495\nER  - \n\n", i, abstract, i)
		}
		for i := 0; jsonSize < size; i++ {
			item := map[string]any{
				"type": "article-journal", "title": fmt.Sprintf("The Art of Helpful Relationships %d", i),
				"container-title": "Psychiatric Quarterly", "page": "471-495", "volume": "86", "issue": "4",
				"abstract": abstract, "DOI": fmt.Sprintf("10.1007/s11126-015-%d", i),
				"author": []map[string]string{{"family": "Ljungberg", "given": "Amanda"}, {"family": "Topor", "given": "Alain"}},
				"issued": map[string]any{"date-parts": [][]any{{"2015", 12, 1}}},
			}
			items = append(items, item)
			jsonSize += 1100
		}
		js, _ := json.Marshal(items)
		bigMeta = map[string][]byte{"big.bib": []byte(bib.String()), "big.ris": []byte(ris.String()), "big.json": js}
	})
	return bigMeta
}

// BenchmarkParseMetadata50MB parses ~50 MB exports; -benchmem shows that
// allocation stays a small multiple of the input size.
func BenchmarkParseMetadata50MB(b *testing.B) {
	files := bigMetadataFiles()
	for _, name := range []string{"big.bib", "big.ris", "big.json"} {
		data := files[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				recs, err := ParseMetadata(name, data)
				if err != nil || len(recs) == 0 {
					b.Fatalf("%d records, %v", len(recs), err)
				}
			}
		})
	}
}
