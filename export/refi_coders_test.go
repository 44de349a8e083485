package export

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-qda/rapport/index"
)

// codedBy lists a library's annotations as "coder|quote|themes", sorted.
func codedBy(t *testing.T, lib *index.Library) []string {
	t.Helper()
	anns, err := lib.Annotations(context.Background(), index.AnnotationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range anns {
		out = append(out, a.Coder+"|"+a.Quote+"|"+strings.Join(a.Themes, ";"))
	}
	sort.Strings(out)
	return out
}

// teamLibrary is testLibrary with two coders' codings on top, one
// passage coded by both.
func teamLibrary(t *testing.T) (*index.Library, map[string]int64) {
	t.Helper()
	lib, ids := testLibrary(t)
	ctx := context.Background()
	for _, tag := range []index.TagRequest{
		{DocID: ids["topor2016.pdf"], Quote: "the coach acted at once", Themes: []string{"Export parent"}, Author: "Anna"},
		{DocID: ids["topor2016.pdf"], Quote: "the coach acted at once", Themes: []string{"Export other"}, Author: "Bo", Note: "Bo's reading."},
		{DocID: ids["ljungberg2015.pdf"], Quote: "went beyond the rules", Themes: []string{"Export child"}, Author: "Bo"},
	} {
		if _, err := lib.Tag(ctx, tag); err != nil {
			t.Fatalf("tag %q: %v", tag.Quote, err)
		}
	}
	if _, err := lib.AddDocNote(ctx, ids["boundaries.txt"], "Anna's memo", "Anna"); err != nil {
		t.Fatal(err)
	}
	return lib, ids
}

func writeQDPX(t *testing.T, lib *index.Library, f Filter) string {
	t.Helper()
	f.FullText = true
	d, err := Collect(context.Background(), lib, f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "project.qdpx")
	if err := WriteFile(path, QDPX, d, Options{Warn: func(s string) { t.Error(s) }}); err != nil {
		t.Fatal(err)
	}
	return path
}

// A REFI-QDA round trip keeps the coders: each is a User element with the
// coder's own GUID, every selection names its coder, and the library the
// project is imported into has the same coders, with the same GUIDs, on
// the same codings — a passage two coders coded stays two codings.
func TestRoundTripKeepsCoders(t *testing.T) {
	ctx := context.Background()
	lib, _ := teamLibrary(t)
	path := writeQDPX(t, lib, Filter{})
	p, err := ReadProjectFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Anna", "Bo"} {
		c, err := lib.CoderByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if p.Users[name] != c.GUID {
			t.Errorf("User %s in the project: GUID %q, the coder's is %q", name, p.Users[name], c.GUID)
		}
	}
	data, _ := os.ReadFile(path)
	files, err := BuildProject(mustCollect(t, lib))
	if err != nil {
		t.Fatal(err)
	}
	xmlValidate(t, "Project.xsd", files.QDE)
	_ = data

	fresh, err := index.Open(ctx, filepath.Join(t.TempDir(), "fresh"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	rep, err := ApplyProject(ctx, fresh, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Errorf("problems: %q", rep.Problems)
	}
	if got, want := codedBy(t, fresh), codedBy(t, lib); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("codings after the round trip:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, name := range []string{"Anna", "Bo"} {
		orig, _ := lib.CoderByName(ctx, name)
		c, err := fresh.CoderByName(ctx, name)
		if err != nil || c.GUID != orig.GUID || c.Annotations != orig.Annotations {
			t.Errorf("coder %s after the round trip: %+v %v, was %+v", name, c, err, orig)
		}
	}
	notes, _ := fresh.DocNotes(ctx, 0)
	found := false
	for _, n := range notes {
		found = found || (n.Text == "Anna's memo" && n.Coder == "Anna")
	}
	if !found {
		t.Errorf("Anna's note after the round trip: %+v", notes)
	}
	// importing it again adds nothing
	before := codedBy(t, fresh)
	if _, err := ApplyProject(ctx, fresh, p); err != nil {
		t.Fatal(err)
	}
	if got := codedBy(t, fresh); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("importing the project again changed the codings:\n%s", strings.Join(got, "\n"))
	}
}

func mustCollect(t *testing.T, lib *index.Library) *Data {
	t.Helper()
	d, err := Collect(context.Background(), lib, Filter{FullText: true})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// severalUsersProject is a project as another tool writes it, coded by
// two users: both coded "The coach listened." (with different codes),
// Ben also "Then she called.", and Ben wrote a note on the source.
func severalUsersProject(t *testing.T) []byte {
	t.Helper()
	qde := `<?xml version="1.0" encoding="utf-8"?>
<Project name="Team project" origin="QualCoder 3.6" xmlns="urn:QDA-XML:project:1.0">
 <Users>
  <User guid="11111111-1111-1111-1111-111111111111" name="Ana"/>
  <User guid="22222222-2222-2222-2222-222222222222" name="Ben"/>
 </Users>
 <CodeBook><Codes>
  <Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Listening" isCodable="true"/>
  <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Calling" isCodable="true"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="interview" plainTextPath="internal://interview.txt" creatingUser="22222222-2222-2222-2222-222222222222">
   <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000001" startPosition="7" endPosition="26" creatingUser="11111111-1111-1111-1111-111111111111">
    <Coding guid="dddddddd-0000-0000-0000-000000000001" creatingUser="11111111-1111-1111-1111-111111111111"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000002" startPosition="7" endPosition="26" creatingUser="22222222-2222-2222-2222-222222222222">
    <Coding guid="dddddddd-0000-0000-0000-000000000002" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000002"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000003" startPosition="27" endPosition="43" creatingUser="22222222-2222-2222-2222-222222222222">
    <Coding guid="dddddddd-0000-0000-0000-000000000003" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000002"/></Coding>
   </PlainTextSelection>
   <NoteRef targetGUID="ffffffff-0000-0000-0000-000000000001"/>
  </TextSource>
 </Sources>
 <Notes><Note guid="ffffffff-0000-0000-0000-000000000001" creatingUser="22222222-2222-2222-2222-222222222222"><PlainTextContent>Ben's memo</PlainTextContent></Note></Notes>
</Project>`
	var buf bytes.Buffer
	zw := newTestZip(&buf)
	zw.add("project.qde", qde)
	zw.add("sources/interview.txt", "Ça va? The coach listened. Then she called.")
	zw.close(t)
	return buf.Bytes()
}

// A project from another tool with several users imports with them: each
// user a coder with the project's GUID, each selection its user's coding
// (a passage two users coded is two codings), the note its writer's.
func TestOtherToolSeveralUsers(t *testing.T) {
	ctx := context.Background()
	data := severalUsersProject(t)
	p, err := ReadProject(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := index.Open(ctx, filepath.Join(t.TempDir(), "lib"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	lib.Author = "Someone else"
	rep, err := ApplyProject(ctx, lib, p)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Annotations != 3 || len(rep.Problems) > 0 {
		t.Errorf("import: %s %q", rep.Summary(), rep.Problems)
	}
	want := []string{
		"Ana|The coach listened.|Listening",
		"Ben|The coach listened.|Calling",
		"Ben|Then she called.|Calling",
	}
	if got := codedBy(t, lib); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("codings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for name, guid := range map[string]string{"Ana": "11111111-1111-1111-1111-111111111111", "Ben": "22222222-2222-2222-2222-222222222222"} {
		if c, err := lib.CoderByName(ctx, name); err != nil || c.GUID != guid {
			t.Errorf("coder %s: %+v %v, want GUID %s", name, c, err, guid)
		}
	}
	notes, _ := lib.DocNotes(ctx, 0)
	if len(notes) != 1 || notes[0].Coder != "Ben" {
		t.Errorf("notes: %+v", notes)
	}
	// agreement of the two users is measured on what they coded
	ag, err := lib.Agreement(ctx, index.AgreementRequest{Coders: []string{"Ana", "Ben"}, Unit: index.UnitSentence})
	if err != nil || len(ag.Themes) != 2 {
		t.Errorf("agreement of the project's users: %+v %v", ag, err)
	}
}

// rapport merge FILE.qdpx: a second coder's project, exported from their
// copy of the library, merges into the first's library with its coders:
// their codings, their new theme; a second merge adds nothing; undo takes
// the merge away. A project from another tool merges onto the documents
// imported from it (matched by the source's GUID).
func TestMergeProject(t *testing.T) {
	ctx := context.Background()
	lib, ids := testLibrary(t)
	lib.Author = "Anna"
	if _, err := lib.Tag(ctx, index.TagRequest{DocID: ids["topor2016.pdf"], Quote: "the coach acted at once", Themes: []string{"Export parent"}}); err != nil {
		t.Fatal(err)
	}
	// Bo's copy, coded by Bo, exported as a project
	zip := filepath.Join(t.TempDir(), "copy.zip")
	if _, err := lib.Backup(ctx, zip, nil); err != nil {
		t.Fatal(err)
	}
	boDir := filepath.Join(t.TempDir(), "bo")
	if _, err := index.Restore(ctx, zip, boDir, nil); err != nil {
		t.Fatal(err)
	}
	bo, err := index.Open(ctx, boDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bo.Author = "Bo"
	if _, err := bo.AddTheme(ctx, index.Theme{Name: "Bo's theme", Color: "#123456"}); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []index.TagRequest{
		{DocID: ids["topor2016.pdf"], Quote: "the coach acted at once", Themes: []string{"Bo's theme"}},
		{DocID: ids["ljungberg2015.pdf"], Quote: "went beyond the rules", Themes: []string{"Export child"}},
	} {
		if _, err := bo.Tag(ctx, tag); err != nil {
			t.Fatal(err)
		}
	}
	project := writeQDPX(t, bo, Filter{Coder: "Bo"})
	bo.Close()

	p, err := ReadProjectFile(project)
	if err != nil {
		t.Fatal(err)
	}
	before := codedBy(t, lib)
	rep, err := lib.MergeFrom(ctx, MergeSourceOf(p, project), index.MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Annotations.Added != 2 || rep.ByCoder["Bo"] != 2 || len(rep.ThemesAdded) != 1 || rep.ThemesAdded[0] != "Bo's theme" || rep.Step == "" {
		t.Errorf("merge the project: %s %+v", rep.Summary(), rep)
	}
	for _, d := range rep.Documents {
		if d.MatchedBy != "file" {
			t.Errorf("document %q matched by %q, want its file", d.Title, d.MatchedBy)
		}
	}
	bos, _ := lib.Annotations(ctx, index.AnnotationFilter{Coder: "Bo"})
	if len(bos) != 2 {
		t.Errorf("Bo's codings after the merge: %+v", bos)
	}
	again, err := lib.MergeFrom(ctx, MergeSourceOf(p, project), index.MergeOptions{})
	if err != nil || again.Annotations.Added != 0 || again.Step != "" {
		t.Errorf("merging the project again: %+v %v", again, err)
	}
	if _, err := lib.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := codedBy(t, lib); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("after undo:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
	}

	// another tool: the project's source imported first (as Ana's
	// coding), then the same project merged: its codings are found there
	data := severalUsersProject(t)
	other, _ := ReadProject(bytes.NewReader(data), int64(len(data)))
	fresh, err := index.Open(ctx, filepath.Join(t.TempDir(), "fresh"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if _, err := ApplyProject(ctx, fresh, other); err != nil {
		t.Fatal(err)
	}
	m, err := fresh.MergeFrom(ctx, MergeSourceOf(other, "team.qdpx"), index.MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Documents) != 1 || m.Documents[0].MatchedBy != "guid" || m.Annotations.Added != 0 || m.Annotations.Present != 3 {
		t.Errorf("merging the project its documents came from: %+v %s", m.Documents, m.Summary())
	}
}
