package export

import (
	"archive/zip"
	"bytes"
	"testing"
)

// FuzzReadCodebook: any bytes given as a REFI-QDA codebook (.qdc) give
// codes or an error, never a panic.
func FuzzReadCodebook(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes><Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="Trust" isCodable="true" color="#FF0000"><Description>d</Description><Code guid="a1b2c3d4-0000-4000-8000-000000000002" name="Child" isCodable="true"/></Code></Codes></CodeBook>`))
	f.Add([]byte(`<Project><CodeBook><Codes><Code name=""/></Codes></CodeBook></Project>`))
	f.Add([]byte(`<CodeBook><Codes>` + string(bytes.Repeat([]byte(`<Code name="n">`), 200)) + `</Codes></CodeBook>`))
	f.Add([]byte("\xff\xfe<\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		codes, _, err := ReadCodebook(data)
		if err != nil && len(codes) > 0 {
			t.Fatalf("codes and an error: %d codes, %v", len(codes), err)
		}
	})
}

// FuzzReadProject: any bytes given as a .qdpx project give a project or an
// error, never a panic. Seeds are zips holding a small .qde with a source.
func FuzzReadProject(f *testing.F) {
	qde := `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="o">
 <CodeBook><Codes><Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="Trust" isCodable="true"/></Codes></CodeBook>
 <Sources><TextSource guid="a1b2c3d4-0000-4000-8000-000000000010" name="s" plainTextPath="internal://s.txt">
  <PlainTextSelection guid="a1b2c3d4-0000-4000-8000-000000000020" startPosition="0" endPosition="5">
   <Coding guid="a1b2c3d4-0000-4000-8000-000000000030"><CodeRef targetGUID="a1b2c3d4-0000-4000-8000-000000000001"/></Coding>
  </PlainTextSelection></TextSource></Sources></Project>`
	f.Add(zipOf(map[string]string{"project.qde": qde, "sources/s.txt": "hello world"}))
	f.Add(zipOf(map[string]string{"project.qde": qde}))
	f.Add(zipOf(map[string]string{"other.qde": "<Project/>", "sources/../../x.txt": "x"}))
	f.Add([]byte("PK\x03\x04 not really"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
		if err == nil && p == nil {
			t.Fatal("nil project without error")
		}
	})
}

func zipOf(files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, s := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(s))
	}
	zw.Close()
	return b.Bytes()
}

// FuzzReadQDE: any project document, over sources holding emoji, NFD
// accents and CRLF lines, gives a project or an error, never a panic, and
// every selection it reads lies inside its page.
func FuzzReadQDE(f *testing.F) {
	g := casesProject(&testing.T{})
	f.Add([]byte(g.qde()))
	f.Add([]byte(astralProject(&testing.T{}, "NVivo 12", astralText, inUTF16, false).qde()))
	f.Add([]byte(astralProject(&testing.T{}, "QualCoder 3.8", astralText, inCodePoints, true).qde()))
	text := astralText + "Cafe\u0301 🥐\r\n"
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := readQDE(data, "", func(string) ([]byte, error) { return []byte(text), nil })
		if err != nil {
			return
		}
		for _, s := range p.Sources {
			for _, sel := range s.Selections {
				if sel.Page < 1 || sel.Page > len(s.Pages) || sel.Start < 0 || sel.End < sel.Start || sel.End > len([]rune(s.Pages[sel.Page-1])) {
					t.Fatalf("selection %+v outside its page", sel)
				}
			}
		}
	})
}
