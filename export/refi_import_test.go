package export

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/index"
)

func applyGenerated(t *testing.T, lib *index.Library, g genProject) *ApplyReport {
	t.Helper()
	rep, err := ApplyProject(context.Background(), lib, readGenerated(t, g))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// annotationsByQuote lists each annotation as "quote → themes | note".
func annotationsByQuote(t *testing.T, lib *index.Library) map[string]string {
	t.Helper()
	anns, err := lib.Annotations(context.Background(), index.AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range anns {
		th := append([]string(nil), a.Themes...)
		sort.Strings(th)
		if _, dup := out[a.Quote]; dup {
			t.Errorf("quote %q annotated twice", a.Quote)
		}
		out[a.Quote] = strings.Join(th, ",") + " | " + a.Note
	}
	return out
}

// sameNamesProject has codes named alike under different parents, and a
// top-level "Trust", which the built-in codebook has under a group.
func sameNamesProject(t *testing.T) genProject {
	text := "Trust in the coach. Trust in the team. Trust grew. Being listened to."
	g := genProject{Name: "Same names", Origin: "NVivo 12 (Windows)", Codes: []genCode{
		{GUID: guidN('c', 1), Name: "Coach", Color: "#112233", Children: []genCode{{GUID: guidN('c', 2), Name: "Trust", Color: "#445566"}}},
		{GUID: guidN('c', 3), Name: "Team", Color: "#778899", Children: []genCode{{GUID: guidN('c', 4), Name: "Trust", Color: "#AABBCC"}}},
		{GUID: guidN('c', 5), Name: "Trust", Color: "#DDEEFF"},
	}}
	src := genSource{GUID: guidN('s', 1), Name: "Interview", Text: text}
	for i, c := range []struct{ quote, code string }{
		{"Trust in the coach.", guidN('c', 2)}, {"Trust in the team.", guidN('c', 4)}, {"Trust grew.", guidN('c', 5)},
	} {
		s, e := at(t, text, c.quote, 1, inUTF16)
		src.Sels = append(src.Sels, genSel{GUID: guidN('p', i+1), Start: s, End: e, Codes: []string{c.code}})
	}
	g.Sources = []genSource{src}
	return g
}

// TestSameNamedCodes: codes named alike under different parents stay
// apart; a foreign top-level "Trust" does not land on the built-in theme
// under its group; each is added under a name of its own, with its parent
// and colour, and the report says so. A second import adds nothing.
func TestSameNamedCodes(t *testing.T) {
	ctx := context.Background()
	lib := openLibrary(t)
	builtin, err := lib.ThemeByName(ctx, "Trust")
	if err != nil || builtin.Parent == "" {
		t.Fatalf("the built-in codebook has no Trust under a group: %+v %v", builtin, err)
	}
	rep := applyGenerated(t, lib, sameNamesProject(t))
	got := annotationsByQuote(t, lib)
	themes := map[string]bool{}
	for _, q := range []string{"Trust in the coach.", "Trust in the team.", "Trust grew."} {
		th, _, _ := strings.Cut(got[q], " | ")
		if th == "" || th == builtin.Name || themes[th] {
			t.Errorf("%q coded %q; want a theme of its own (all: %q)", q, th, got)
		}
		themes[th] = true
	}
	wantParent := map[string]string{"Trust in the coach.": "Coach", "Trust in the team.": "Team", "Trust grew.": ""}
	wantColor := map[string]string{"Trust in the coach.": "#445566", "Trust in the team.": "#AABBCC", "Trust grew.": "#DDEEFF"}
	for q, parent := range wantParent {
		name, _, _ := strings.Cut(got[q], " | ")
		th, err := lib.ThemeByName(ctx, name)
		if err != nil || th.Parent != parent || th.Color != wantColor[q] {
			t.Errorf("%q: theme %+v, want parent %q colour %s (%v)", q, th, parent, wantColor[q], err)
		}
	}
	if after, _ := lib.ThemeByName(ctx, "Trust"); after.Count != 0 || after.GUID != builtin.GUID {
		t.Errorf("the built-in Trust was used: %+v", after)
	}
	if len(rep.ThemesRenamed) != 3 {
		t.Errorf("renamed: %+v, want the 3 Trust codes", rep.ThemesRenamed)
	}
	again := applyGenerated(t, lib, sameNamesProject(t))
	if len(again.ThemesAdded) != 0 || again.Annotations != 0 || again.AnnotationsHad != 3 {
		t.Errorf("second import: %s", again.Summary())
	}
}

// TestCodeMatchedByNameUnderSameParent: a code whose name and parent the
// library has maps to that theme, and the report lists it.
func TestCodeMatchedByNameUnderSameParent(t *testing.T) {
	ctx := context.Background()
	lib := openLibrary(t)
	if _, err := lib.AddTheme(ctx, index.Theme{Name: "Coach", Color: "#010203"}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddTheme(ctx, index.Theme{Name: "Trust (mine)", Parent: "Coach", Color: "#040506"}); err != nil {
		t.Fatal(err)
	}
	g := sameNamesProject(t)
	g.Codes[0].Children[0].Name = "Trust (mine)"
	rep := applyGenerated(t, lib, g)
	if got := annotationsByQuote(t, lib)["Trust in the coach."]; !strings.HasPrefix(got, "Trust (mine) |") {
		t.Errorf("Trust in the coach. coded %q, want the library's Trust (mine)", got)
	}
	found := false
	for _, m := range rep.ThemesMatchedByName {
		found = found || m.Code == "Trust (mine)" && m.Parent == "Coach" && m.Theme == "Trust (mine)"
	}
	if !found {
		t.Errorf("matched by name: %+v", rep.ThemesMatchedByName)
	}
}

// casesProject has variables, cases, sets, graphs, links, notes of every
// kind and a project description.
func casesProject(t *testing.T) genProject {
	t.Helper()
	text1 := "I trust my coach. We met every week."
	text2 := "The team listened. Nobody hurried."
	v := func(n int) string { return guidN('v', n) }
	note := func(n int) string { return guidN('n', n) }
	g := genProject{Name: "Cases", Origin: "QualCoder 3.8", Codes: []genCode{{GUID: guidN('c', 1), Name: "Listening"}, {GUID: guidN('c', 2), Name: "Time"}}}
	s1 := genSource{GUID: guidN('s', 1), Name: "P1 interview", Text: text1, Description: "First interview, at home.",
		Extra: `   <NoteRef targetGUID="` + note(2) + `"/>
   <VariableValue><VariableRef targetGUID="` + v(2) + `"/><TextValue>female</TextValue></VariableValue>
`}
	a, b := at(t, text1, "I trust my coach.", 1, inUTF16)
	s1.Sels = append(s1.Sels, genSel{GUID: guidN('p', 1), Name: "I trust my coach.", Start: a, End: b, Codes: []string{guidN('c', 1)}, Desc: "Coding memo."})
	a, b = at(t, text1, "We met every week.", 1, inUTF16)
	s1.Sels = append(s1.Sels, genSel{GUID: guidN('p', 2), Start: a, End: b, Codes: []string{guidN('c', 2)}})
	a, b = at(t, text1, "every week", 1, inUTF16)
	s1.Sels = append(s1.Sels, genSel{GUID: guidN('p', 3), Start: a, End: b, Desc: "A comment without a code."})
	s2 := genSource{GUID: guidN('s', 2), Name: "P2 interview", Text: text2}
	a, b = at(t, text2, "The team listened.", 1, inUTF16)
	s2.Sels = append(s2.Sels, genSel{GUID: guidN('p', 4), Start: a, End: b, Codes: []string{guidN('c', 1)}})
	g.Sources = []genSource{s1, s2}
	g.Before = `<Variables>
  <Variable guid="` + v(1) + `" name="Age" typeOfVariable="Integer"/>
  <Variable guid="` + v(2) + `" name="Gender" typeOfVariable="Text"/>
 </Variables>
 <Cases>
  <Case guid="` + guidN('k', 1) + `" name="P1"><Description>Participant one.</Description>
   <CodeRef targetGUID="` + guidN('c', 1) + `"/>
   <VariableValue><VariableRef targetGUID="` + v(1) + `"/><IntegerValue>34</IntegerValue></VariableValue>
   <SourceRef targetGUID="` + guidN('s', 1) + `"/>
  </Case>
  <Case guid="` + guidN('k', 2) + `" name="P2"><SourceRef targetGUID="` + guidN('s', 2) + `"/></Case>
 </Cases>
`
	g.After = ` <Notes>
  <Note guid="` + note(1) + `" name="Linked memo"><PlainTextContent>Said with a smile.</PlainTextContent></Note>
  <Note guid="` + note(2) + `" name="Source memo"><PlainTextContent>Recorded in May.</PlainTextContent></Note>
  <Note guid="` + note(3) + `" name="Journal"><PlainTextContent>Day one of coding.</PlainTextContent></Note>
  <Note guid="` + note(4) + `" name="Project memo"><PlainTextContent>About the whole project.</PlainTextContent></Note>
 </Notes>
 <Links>
  <Link guid="` + guidN('l', 1) + `" originGUID="` + note(1) + `" targetGUID="` + guidN('p', 2) + `"/>
  <Link guid="` + guidN('l', 2) + `" originGUID="` + guidN('c', 1) + `" targetGUID="` + guidN('c', 2) + `"/>
 </Links>
 <Sets>
  <Set guid="` + guidN('t', 1) + `" name="Interviews 2019"><MemberSource targetGUID="` + guidN('s', 1) + `"/><MemberSource targetGUID="` + guidN('s', 2) + `"/><MemberCode targetGUID="` + guidN('c', 1) + `"/></Set>
  <Set guid="` + guidN('t', 2) + `" name="Code set"><MemberCode targetGUID="` + guidN('c', 2) + `"/></Set>
 </Sets>
 <Graphs><Graph guid="` + guidN('r', 1) + `" name="Map"/></Graphs>
 <Description>A project about helpful relationships.</Description>
 <NoteRef targetGUID="` + note(4) + `"/>
`
	return g
}

// TestCasesVariablesSets: variables, cases and sets become document
// attributes that search and export use; selection descriptions and
// linked notes become annotation notes, source notes and descriptions
// document notes; what has no place (graphs, links between codes, the
// project's description and notes, case codes, code sets) is reported by
// kind and count — nothing is dropped silently.
func TestCasesVariablesSets(t *testing.T) {
	ctx := context.Background()
	lib := openLibrary(t)
	rep := applyGenerated(t, lib, casesProject(t))

	docs, err := lib.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string][]string{}
	ids := map[string]int64{}
	for _, d := range docs {
		ids[d.Title] = d.ID
		for _, a := range d.Attributes {
			attrs[d.Title] = append(attrs[d.Title], a.Name+"="+a.Value)
		}
		sort.Strings(attrs[d.Title])
	}
	want := map[string][]string{
		"P1 interview": {"Age=34", "Case=P1", "Gender=female", "Set=Interviews 2019"},
		"P2 interview": {"Case=P2", "Set=Interviews 2019"},
	}
	for title, w := range want {
		if strings.Join(attrs[title], "|") != strings.Join(w, "|") {
			t.Errorf("%s: attributes %q, want %q", title, attrs[title], w)
		}
	}

	got := annotationsByQuote(t, lib)
	if got["I trust my coach."] != "Listening | Coding memo." || got["We met every week."] != "Time | Said with a smile." || got["The team listened."] != "Listening | " {
		t.Errorf("annotations: %q", got)
	}
	notes, err := lib.DocNotes(ctx, ids["P1 interview"])
	if err != nil {
		t.Fatal(err)
	}
	var noteTexts []string
	for _, n := range notes {
		noteTexts = append(noteTexts, n.Text)
	}
	sort.Strings(noteTexts)
	wantNotes := []string{"First interview, at home.", "Recorded in May.", "“every week”: A comment without a code."}
	if strings.Join(noteTexts, "|") != strings.Join(wantNotes, "|") {
		t.Errorf("document notes %q, want %q", noteTexts, wantNotes)
	}

	wantDropped := map[string]int{"Graph": 1, "Link": 1, "Description": 2, "Note": 2, "CodeRef": 1, "MemberCode": 2, "Set": 1}
	for kind, n := range wantDropped {
		if rep.NotImported[kind] != n {
			t.Errorf("not imported %s: %d, want %d (%v)", kind, rep.NotImported[kind], n, rep.NotImported)
		}
	}
	for kind := range rep.NotImported {
		if _, ok := wantDropped[kind]; !ok {
			t.Errorf("unexpected not imported %s: %d (%q)", kind, rep.NotImported[kind], rep.Problems)
		}
	}
	if strings.Contains(rep.Summary(), "nothing left out") {
		t.Errorf("summary: %s", rep.Summary())
	}

	// Search: attribute:value, attribute:"name value".
	for q, wantDocs := range map[string][]int64{
		"attribute:female":            {ids["P1 interview"]},
		`attribute:"case p2"`:         {ids["P2 interview"]},
		`attribute:"interviews 2019"`: {ids["P1 interview"], ids["P2 interview"]},
		"+attribute:female +listened": nil,
		"+attribute:p2 +listened":     {ids["P2 interview"]},
	} {
		res, err := lib.Search(ctx, index.SearchRequest{Query: q, Limit: 10})
		if err != nil {
			t.Fatalf("search %s: %v", q, err)
		}
		var gotDocs []int64
		for _, h := range res.Hits {
			gotDocs = append(gotDocs, h.DocID)
		}
		sort.Slice(gotDocs, func(i, j int) bool { return gotDocs[i] < gotDocs[j] })
		if len(gotDocs) != len(wantDocs) || len(wantDocs) > 0 && gotDocs[0] != wantDocs[0] {
			t.Errorf("search %s: documents %v, want %v", q, gotDocs, wantDocs)
		}
	}

	// Export: JSON documents carry their attributes; the project writes
	// them back as variables, cases and sets, and reads back the same.
	d, err := Collect(ctx, lib, Filter{FullText: true})
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := Write(&js, JSON, d, Options{}); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Documents []struct {
			Title      string            `json:"title"`
			Attributes []index.Attribute `json:"attributes"`
		} `json:"documents"`
	}
	if err := json.Unmarshal(js.Bytes(), &parsed); err != nil {
		t.Fatal(err)
	}
	for _, doc := range parsed.Documents {
		if len(doc.Attributes) != len(want[doc.Title]) {
			t.Errorf("JSON export: %s has attributes %+v", doc.Title, doc.Attributes)
		}
	}
	files, err := BuildProject(d)
	if err != nil {
		t.Fatal(err)
	}
	xmlValidate(t, "Project.xsd", files.QDE)
	var qdpx bytes.Buffer
	if err := WriteProject(&qdpx, d, nil); err != nil {
		t.Fatal(err)
	}
	back, err := ReadProject(bytes.NewReader(qdpx.Bytes()), int64(qdpx.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Problems) > 0 {
		t.Errorf("reading our own project: %q", back.Problems)
	}
	for _, s := range back.Sources {
		var got []string
		for _, a := range s.Attributes {
			got = append(got, a.Name+"="+a.Value)
		}
		sort.Strings(got)
		if strings.Join(got, "|") != strings.Join(want[s.Name], "|") {
			t.Errorf("read back %s: attributes %q, want %q", s.Name, got, want[s.Name])
		}
		if s.Name == "P1 interview" && len(s.Notes) != 3 {
			t.Errorf("read back %s: notes %+v, want the document's 3", s.Name, s.Notes)
		}
	}
	// Into a fresh library: the same attributes, notes once.
	fresh := openLibrary(t)
	if _, err := ApplyProject(ctx, fresh, back); err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyProject(ctx, fresh, back); err != nil {
		t.Fatal(err)
	}
	freshDocs, _ := fresh.Documents(ctx)
	for _, doc := range freshDocs {
		if len(doc.Attributes) != len(want[doc.Title]) {
			t.Errorf("fresh library: %s has attributes %+v", doc.Title, doc.Attributes)
		}
		notes, _ := fresh.DocNotes(ctx, doc.ID)
		if doc.Title == "P1 interview" && len(notes) != 3 {
			t.Errorf("fresh library: %s has notes %+v", doc.Title, notes)
		}
	}
}

// TestIdenticalTextsKeptApart: two sources with the same text are two
// documents, each with its own coding, and stay so on a second import.
func TestIdenticalTextsKeptApart(t *testing.T) {
	ctx := context.Background()
	lib := openLibrary(t)
	text := "Consent form read aloud. The participant agreed."
	g := genProject{Origin: "ATLAS.ti 23", Codes: []genCode{{GUID: guidN('c', 1), Name: "Consent"}, {GUID: guidN('c', 2), Name: "Agreement"}}}
	for i, c := range []struct{ quote, code string }{{"Consent form read aloud.", guidN('c', 1)}, {"The participant agreed.", guidN('c', 2)}} {
		s, e := at(t, text, c.quote, 1, inUTF16)
		g.Sources = append(g.Sources, genSource{GUID: guidN('s', i+1), Name: "Form " + string(rune('A'+i)), Text: text,
			Sels: []genSel{{GUID: guidN('p', i+1), Start: s, End: e, Codes: []string{c.code}}}})
	}
	for round := 1; round <= 2; round++ {
		rep := applyGenerated(t, lib, g)
		docs, err := lib.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 2 {
			t.Fatalf("round %d: %d documents, want 2 (%s)", round, len(docs), rep.Summary())
		}
		for _, d := range docs {
			anns, _ := lib.Annotations(ctx, index.AnnotationFilter{DocID: d.ID})
			if len(anns) != 1 {
				t.Errorf("round %d: %s has %d annotations, want 1", round, d.Title, len(anns))
			}
		}
	}
}

// TestUntitledSourceNamedFromPath: a source without a name is named after
// its text file.
func TestUntitledSourceNamedFromPath(t *testing.T) {
	g := genProject{Origin: "MAXQDA 2022", Sources: []genSource{
		{GUID: guidN('s', 1), File: "Interview Anna.txt", Text: "Anna speaks."},
		{GUID: guidN('s', 2), Text: "Named by GUID only."},
	}}
	p := readGenerated(t, g)
	if len(p.Sources) != 2 || p.Sources[0].Name != "Interview Anna" || p.Sources[1].Name != "Source "+guidN('s', 2) {
		t.Errorf("sources: %+v", p.Sources)
	}
}

// TestRoundTripThroughAnotherLibrary: A → B → A duplicates nothing. B
// keeps A's source and annotation GUIDs; A recognises its documents by
// them, and by their text when another tool made new GUIDs.
func TestRoundTripThroughAnotherLibrary(t *testing.T) {
	ctx := context.Background()
	a, _ := testLibrary(t)
	export := func(lib *index.Library) *Project {
		t.Helper()
		d, err := Collect(ctx, lib, Filter{FullText: true})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteProject(&buf, d, func(s string) { t.Error(s) }); err != nil {
			t.Fatal(err)
		}
		p, err := ReadProject(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	count := func(lib *index.Library) (int, int) {
		docs, _ := lib.Documents(ctx)
		anns, _ := lib.Annotations(ctx, index.AnnotationFilter{})
		return len(docs), len(anns)
	}
	docsA, annsA := count(a)
	b := openLibrary(t)
	if _, err := ApplyProject(ctx, b, export(a)); err != nil {
		t.Fatal(err)
	}
	rep, err := ApplyProject(ctx, a, export(b))
	if err != nil {
		t.Fatal(err)
	}
	if d, n := count(a); d != docsA || n != annsA {
		t.Errorf("A → B → A: %d documents, %d annotations, want %d, %d (%s)", d, n, docsA, annsA, rep.Summary())
	}
	if rep.Annotations != 0 || len(rep.Documents) != 0 {
		t.Errorf("A → B → A: %s", rep.Summary())
	}

	// Another tool makes new GUIDs for everything: text recognises the
	// documents, spans the annotations.
	p := export(b)
	for i := range p.Sources {
		p.Sources[i].GUID = StableGUID("other tool", p.Sources[i].GUID)
		p.Sources[i].OriginalSHA256 = ""
		for j := range p.Sources[i].Selections {
			p.Sources[i].Selections[j].GUID = StableGUID("other tool", p.Sources[i].Selections[j].GUID)
		}
	}
	if _, err := ApplyProject(ctx, a, p); err != nil {
		t.Fatal(err)
	}
	if d, n := count(a); d != docsA || n != annsA {
		t.Errorf("A → other tool → A: %d documents, %d annotations, want %d, %d", d, n, docsA, annsA)
	}
	// B's annotations keep A's GUIDs.
	annA, _ := a.Annotations(ctx, index.AnnotationFilter{})
	annB, _ := b.Annotations(ctx, index.AnnotationFilter{})
	guids := map[string]bool{}
	for _, x := range annA {
		guids[x.GUID] = true
	}
	for _, x := range annB {
		if !guids[x.GUID] {
			t.Errorf("B's annotation %q has GUID %s, not A's", x.Quote, x.GUID)
		}
	}
}
