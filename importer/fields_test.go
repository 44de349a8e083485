package importer

import (
	"reflect"
	"testing"
)

func TestCheckVolumeAndIssue(t *testing.T) {
	for _, v := range []string{"", "19", "86", "19A", "S2", "XII", "12–13", "12/13"} {
		if err := CheckVolume(v); err != nil {
			t.Errorf("volume %q: %v", v, err)
		}
	}
	for _, v := range []string{"8 1", "19 (4)", "volume 8", "eight", "19, 4"} {
		if CheckVolume(v) == nil {
			t.Errorf("volume %q passes", v)
		}
	}
	for _, v := range []string{"", "4", "3–4", "3-4", "Suppl. 2", "Suppl 1", "S1", "Spring", "II", "Special issue"} {
		if err := CheckIssue(v); err != nil {
			t.Errorf("issue %q: %v", v, err)
		}
	}
	for _, v := range []string{"4 5", "issue four", "4 (Suppl)"} {
		if CheckIssue(v) == nil {
			t.Errorf("issue %q passes", v)
		}
	}
}

func TestParseNamesFormatNamesRoundTrip(t *testing.T) {
	in := []Author{{Family: "Ljungberg", Given: "Alexandra"}, {Family: "Sundström", Given: "Åsa"}, {Literal: "World Health Organization"}, {Family: "van Gogh", Given: "Vincent"}}
	got, err := ParseNames(FormatNames(in))
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Errorf("round trip: %+v %v", got, err)
	}
}

func TestRecordsCarryBookFields(t *testing.T) {
	bib := `@incollection{c, title={Helpful relationships}, author={Topor, Alain}, editor={Davidson, Larry and Rakfeldt, Jaak},
	booktitle={Handbook of recovery}, publisher={Routledge}, edition={2}, pages={12--34}, year={2013}}
@techreport{r, title={World mental health report}, institution={World Health Organization}, number={7}, year={2022}}`
	ris := "TY  - CHAP\nTI  - Helpful relationships\nAU  - Topor, Alain\nA2  - Davidson, Larry\nT2  - Handbook of recovery\nPB  - Routledge\nET  - 2\nPY  - 2013\nER  - \n"
	csl := `[{"type":"report","title":"World mental health report","publisher":"World Health Organization","number":"7","editor":[{"family":"Doe","given":"Jane"}],"issued":{"date-parts":[[2022]]}}]`
	for _, c := range []struct {
		name, data string
		want       []Metadata
	}{
		{"x.bib", bib, []Metadata{
			{Title: "Helpful relationships", Type: "chapter", Journal: "Handbook of recovery", Publisher: "Routledge", Edition: "2", Pages: "12–34",
				Editors: []Author{{Family: "Davidson", Given: "Larry"}, {Family: "Rakfeldt", Given: "Jaak"}}},
			{Title: "World mental health report", Type: "report", Publisher: "World Health Organization", Number: "7"}}},
		{"x.ris", ris, []Metadata{{Title: "Helpful relationships", Type: "chapter", Journal: "Handbook of recovery", Publisher: "Routledge", Edition: "2",
			Editors: []Author{{Family: "Davidson", Given: "Larry"}}}}},
		{"x.json", csl, []Metadata{{Title: "World mental health report", Type: "report", Publisher: "World Health Organization", Number: "7",
			Editors: []Author{{Family: "Doe", Given: "Jane"}}}}},
	} {
		recs, err := ParseMetadata(c.name, []byte(c.data))
		if err != nil || len(recs) != len(c.want) {
			t.Fatalf("%s: %v %+v", c.name, err, recs)
		}
		for i, w := range c.want {
			r := recs[i]
			got := Metadata{Title: r.Title, Type: r.Type, Journal: r.Journal, Publisher: r.Publisher, Edition: r.Edition, Number: r.Number, Pages: r.Pages, Editors: r.Editors, Issue: r.Issue}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s record %d:\n got %+v\nwant %+v", c.name, i, got, w)
			}
		}
	}
}
