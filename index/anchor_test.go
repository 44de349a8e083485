package index

import (
	"testing"
)

func TestMatchQuote(t *testing.T) {
	pages := []pageRunes{
		{page: 1, text: nfcRunes("The psy-\nchiatric team met on Monday.\n\nCollaboration  with\nprofessionals was central. The ﬁrst meeting was “relaxed”. Café owners cafe\u0301 visitors.")},
		{page: 2, text: nfcRunes("Self-\nesteem grew. Something different – as a human being. Collaboration with professionals again.")},
	}
	tests := []struct {
		name    string
		quote   string
		want    []span
		wantTxt []string // the page text of each span
	}{
		{"exact", "team met on Monday", []span{{1, 18, 36}}, []string{"team met on Monday"}},
		{"line-end hyphen in page", "psychiatric team", []span{{1, 4, 22}}, []string{"psy-\nchiatric team"}},
		{"hyphen and space in quote", "psy- chiatric team", []span{{1, 4, 22}}, []string{"psy-\nchiatric team"}},
		{"white space runs and line breaks", "Collaboration with professionals was", []span{{1, 39, 76}}, []string{"Collaboration  with\nprofessionals was"}},
		{"ligature in page", "The first meeting", nil, []string{"The ﬁrst meeting"}},
		{"ligature in quote", "Self-esteem grew", nil, []string{"Self-\nesteem grew"}},
		{"curly and straight quotes", `was "relaxed"`, nil, []string{"was “relaxed”"}},
		{"dash variants", "something different-as a human being", nil, []string{"Something different – as a human being"}},
		{"several pages", "Collaboration with professionals", nil, []string{"Collaboration  with\nprofessionals", "Collaboration with professionals"}},
		{"NFC", "Cafe\u0301 owners", nil, []string{"Café owners"}},
		{"combining sequence matches precomposed", "café visitors", nil, []string{"café visitors"}},
		{"not found", "no such passage", nil, nil},
		{"only spaces and dashes", " - \n ", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := matchQuote(pages, tc.quote)
			if len(got) != len(tc.wantTxt) {
				t.Fatalf("matchQuote(%q) = %v, want %d matches", tc.quote, got, len(tc.wantTxt))
			}
			if tc.want != nil {
				for i := range tc.want {
					if got[i] != tc.want[i] {
						t.Errorf("match %d = %+v, want %+v", i, got[i], tc.want[i])
					}
				}
			}
			for i, sp := range got {
				var text []rune
				for _, p := range pages {
					if p.page == sp.page {
						text = p.text
					}
				}
				if s := string(text[sp.start:sp.end]); s != tc.wantTxt[i] {
					t.Errorf("match %d holds %q, want %q", i, s, tc.wantTxt[i])
				}
			}
		})
	}
}

func TestReanchorChoosesByContextThenDistance(t *testing.T) {
	old := nfcRunes("Trust matters. Alpha says trust matters here. Beta says trust matters there.")
	// The annotation sits on the second "trust matters" (after "Alpha says ").
	start := 26
	end := start + len("trust matters")
	if string(old[start:end]) != "trust matters" {
		t.Fatalf("bad fixture: %q", string(old[start:end]))
	}
	pre, suf := spanContext(old, start, end)
	target := anchorTarget{quote: "trust matters", prefix: pre, suffix: suf, page: 1, start: start}

	tests := []struct {
		name     string
		pages    []pageRunes
		wantPage int
		wantText string // text just before the found span
		found    bool
	}{
		{"text inserted before", []pageRunes{{1, nfcRunes("New opening sentence. Trust matters. Alpha says trust matters here. Beta says trust matters there.")}}, 1, "Alpha says ", true},
		{"occurrences reordered", []pageRunes{{1, nfcRunes("Beta says trust matters there. Alpha says trust matters here.")}}, 1, "Alpha says ", true},
		{"moved to the next page", []pageRunes{{1, nfcRunes("Trust matters.")}, {2, nfcRunes("Alpha says trust matters here. Beta says trust matters there.")}}, 2, "Alpha says ", true},
		{"white space changed", []pageRunes{{1, nfcRunes("Trust matters. Alpha says trust\nmatters here. Beta says trust matters there.")}}, 1, "Alpha says ", true},
		{"gone", []pageRunes{{1, nfcRunes("Nothing of the kind is said here.")}}, 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := reanchor(tc.pages, target)
			if ok != tc.found {
				t.Fatalf("found = %v, want %v", ok, tc.found)
			}
			if !ok {
				return
			}
			if got.page != tc.wantPage {
				t.Fatalf("page %d, want %d", got.page, tc.wantPage)
			}
			var text []rune
			for _, p := range tc.pages {
				if p.page == got.page {
					text = p.text
				}
			}
			before := string(text[max(0, got.start-len([]rune(tc.wantText))):got.start])
			if before != tc.wantText {
				t.Fatalf("found after %q, want after %q", before, tc.wantText)
			}
		})
	}
}
