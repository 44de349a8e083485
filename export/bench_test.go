package export

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

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

// benchProject is a project of 10 sources of 1,000 sentences each (about
// 70,000 characters, an emoji every tenth sentence) with codings
// selections spread over them, each with one of 20 codes and its quote as
// name, positions in UTF-16 units.
func benchProject(b *testing.B, codings int) *Project {
	b.Helper()
	g := genProject{Name: "Bench", Origin: "QualCoder 3.8"}
	for c := 1; c <= 20; c++ {
		g.Codes = append(g.Codes, genCode{GUID: guidN('c', c), Name: fmt.Sprintf("Code %d", c)})
	}
	perSource := codings / 10
	for s := 1; s <= 10; s++ {
		var text strings.Builder
		var sentences []string
		for i := range 1000 {
			sent := fmt.Sprintf("Participant %d said that sentence %d of source %d was about trust and time together.", s, i, s)
			if i%10 == 0 {
				sent += " 😀"
			}
			sentences = append(sentences, sent)
			text.WriteString(sent + "\r\n")
		}
		src := genSource{GUID: guidN('s', s), Name: fmt.Sprintf("Interview %d", s), Text: text.String()}
		offset := 0
		step := max(1, 1000/max(1, perSource))
		for i := 0; i < 1000 && len(src.Sels) < perSource; i++ {
			sent := sentences[i]
			n := len(utf16.Encode([]rune(sent)))
			if i%step == 0 {
				src.Sels = append(src.Sels, genSel{GUID: guidN('p', s*100000+i), Name: sent, Start: offset, End: offset + n,
					Codes: []string{guidN('c', i%20+1)}})
			}
			offset += n + 2
		}
		g.Sources = append(g.Sources, src)
	}
	data := g.qdpx(b)
	p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	if p.Codings() != codings || len(p.Problems) > 0 {
		b.Fatalf("%d codings, problems %q", p.Codings(), p.Problems)
	}
	return p
}

// BenchmarkApplyProject imports a project of 10 sources with 100, 1,000
// and 10,000 codings into a fresh library (target: 10,000 in under 10 s,
// growing linearly).
func BenchmarkApplyProject(b *testing.B) {
	for _, codings := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("codings=%d", codings), func(b *testing.B) {
			p := benchProject(b, codings)
			ctx := context.Background()
			var cpu time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				lib, err := index.Open(ctx, filepath.Join(b.TempDir(), "lib"), nil)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				before := processCPU()
				rep, err := ApplyProject(ctx, lib, p)
				if err != nil {
					b.Fatal(err)
				}
				cpu += processCPU() - before
				b.StopTimer()
				if rep.Annotations != codings || len(rep.Problems) > 0 {
					b.Fatalf("%s; %q", rep.Summary(), rep.Problems)
				}
				lib.Close()
				b.StartTimer()
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
