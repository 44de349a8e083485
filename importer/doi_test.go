package importer

import (
	"strings"
	"testing"
)

func TestDetectDOI(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"mid-sentence label", "the helpful components of this DOI 10.1007/s11126-015-9347-5 relationship are", "10.1007/s11126-015-9347-5"},
		{"glued Abstract", "Journal of Trauma Management 2010, 4:1 doi:10.1186/1752-2897-4-1Abstract Background", "10.1186/1752-2897-4-1"},
		{"glued Background", "doi:10.1186/1752-2897-4-1Background", "10.1186/1752-2897-4-1"},
		{"glued Introduction", "DOI: 10.1080/15487768.2016.1255276Introduction", "10.1080/15487768.2016.1255276"},
		{"glued Keywords", "10.1016/j.jpsychires.2015.01.001Keywords: recovery", "10.1016/j.jpsychires.2015.01.001"},
		{"glued Received", "https://doi.org/10.1080/15487768.2016.1255276Received 12 May", "10.1080/15487768.2016.1255276"},
		{"glued upper-case", "doi 10.1186/1752-2897-4-1ABSTRACT", "10.1186/1752-2897-4-1"},
		{"glued e-mail with digits after", "doi:10.1186/1752-2897-4-1E-mail: a1@b.org", "10.1186/1752-2897-4-1"},
		{"glued Vol with digits after", "DOI 10.1007/s11126-015-9347-5Vol. 86", "10.1007/s11126-015-9347-5"},
		{"glued after period", "10.1080/15487768.2016.1255276.Received 2 May", "10.1080/15487768.2016.1255276"},
		{"glued lower-case keyword", "doi:10.1186/1752-2897-4-1abstract", "10.1186/1752-2897-4-1"},
		{"trailing period", "See doi:10.1007/s11126-015-9347-5.", "10.1007/s11126-015-9347-5"},
		{"trailing comma and paren", "(doi: 10.1007/s11126-015-9347-5),", "10.1007/s11126-015-9347-5"},
		{"trailing quote", "“https://doi.org/10.1007/s11126-015-9347-5”", "10.1007/s11126-015-9347-5"},
		{"balanced parentheses kept", "Lancet. doi:10.1016/S0140-6736(20)30183-5.", "10.1016/s0140-6736(20)30183-5"},
		{"balanced parentheses in parenthesis", "(see 10.1016/S0140-6736(20)30183-5)", "10.1016/s0140-6736(20)30183-5"},
		{"resolver URL", "Available at https://doi.org/10.1080/15487768.2016.1255276", "10.1080/15487768.2016.1255276"},
		{"dx resolver", "http://dx.doi.org/10.1007/s11126-015-9347-5", "10.1007/s11126-015-9347-5"},
		{"percent-encoded", "https://doi.org/10.1002%2F14651858.CD012345.pub2", "10.1002/14651858.cd012345.pub2"},
		{"upper case lowered", "DOI 10.1002/14651858.CD012345.PUB2", "10.1002/14651858.cd012345.pub2"},
		{"wiley .x suffix", "doi: 10.1111/j.1600-0447.2009.01512.x", "10.1111/j.1600-0447.2009.01512.x"},
		{"ISBN-like suffix with X", "doi:10.1186/1471-244X-12-34", "10.1186/1471-244x-12-34"},
		{"broken over lines", "DOI 10.1007/s11126-015-\n9347-5\nReceived", "10.1007/s11126-015-9347-5"},
		{"none", "no identifier here, only 10.5 percent", ""},
		{"registrant too short", "10.12/abc", ""},
		{"empty", "", ""},
		{"label preferred over earlier bare DOI", "cf. 10.1000/xyz123 and then\nDOI 10.1007/s11126-015-9347-5", "10.1007/s11126-015-9347-5"},
		{"reference list ignored", "Body text.\nReferences\nSmith (2010). doi:10.1000/cited.1", ""},
		{"body DOI before references", "This article: 10.1007/s11126-015-9347-5\nReferences\ndoi:10.1000/cited.1", "10.1007/s11126-015-9347-5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectDOI(tt.text); got != tt.want {
				t.Errorf("DetectDOI(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestDetectDOIInPages(t *testing.T) {
	tests := []struct {
		name  string
		pages []string
		want  string
	}{
		{"page one label wins",
			[]string{"Psychiatr Q (2015) 86:471–495\nDOI 10.1007/s11126-015-9347-5", "text citing 10.1000/other.2"},
			"10.1007/s11126-015-9347-5"},
		{"page one bare beats later labeled",
			[]string{"Psychiatr Q 10.1007/s11126-015-9347-5", "doi:10.1000/other.2"},
			"10.1007/s11126-015-9347-5"},
		{"later page labeled beats later page bare",
			[]string{"Title page", "as 10.1000/bare.1 shows", "doi:10.1007/s11126-015-9347-5"},
			"10.1007/s11126-015-9347-5"},
		{"reference pages ignored",
			[]string{"Title page", "Body\nReferences\nA. (2001) https://doi.org/10.1000/ref.1", "B. (2002) https://doi.org/10.1000/ref.2"},
			""},
		{"own DOI after the references (BMC)",
			[]string{"Title page without DOI", "Body\nReferences\n1. Kudsk KA: Trial. doi:10.1000/ref.1", "2. Other. Surg 2006, 2:200-12.\n\ndoi:10.1186/1752-2897-4-1 Cite this article as: Datta et al.: Complications"},
			"10.1186/1752-2897-4-1"},
		{"cite-this line beats a bare page-one DOI",
			[]string{"see 10.1000/cited.1 for the data", "To cite this article: A. Topor (2016) DOI: 10.1080/15487768.2016.1255276"},
			"10.1080/15487768.2016.1255276"},
		{"none", []string{"a", "b"}, ""},
		{"no pages", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectDOIInPages(tt.pages); got != tt.want {
				t.Errorf("DetectDOIInPages = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormalizeDOI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"10.1080/15487768.2016.1255276", "10.1080/15487768.2016.1255276"},
		{"https://doi.org/10.1080/15487768.2016.1255276", "10.1080/15487768.2016.1255276"},
		{"http://dx.doi.org/10.1007/S11126-015-9347-5", "10.1007/s11126-015-9347-5"},
		{"doi:10.1007/s11126-015-9347-5", "10.1007/s11126-015-9347-5"},
		{"info:doi/10.1007/s11126-015-9347-5", "10.1007/s11126-015-9347-5"},
		{" DOI: 10.1007/s11126-015-9347-5. ", "10.1007/s11126-015-9347-5"},
		{"10.1234/5678Review", "10.1234/5678review"}, // a field is trusted: nothing is cut
		{"not a doi", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeDOI(tt.in); got != tt.want {
			t.Errorf("NormalizeDOI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindDOIs(t *testing.T) {
	got := FindDOIs("a 10.1000/one.1, b doi:10.1000/TWO.2; again 10.1000/one.1.")
	want := []string{"10.1000/one.1", "10.1000/two.2"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("FindDOIs = %q, want %q", got, want)
	}
}

func FuzzDetectDOI(f *testing.F) {
	for _, s := range []string{
		"DOI 10.1007/s11126-015-9347-5 relationship",
		"10.1186/1752-2897-4-1Abstract",
		"doi:10.1016/S0140-6736(20)30183-5.",
		"https://doi.org/10.1002%2F14651858.CD012345.pub2",
		"DOI 10.1007/s11126-015-\n9347-5",
		"References\n10.1000/x",
		"10.1000/%ff%fe",
		"10.1000/((((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d := DetectDOI(text)
		if d == "" {
			return
		}
		if !strings.HasPrefix(d, "10.") || !strings.Contains(d, "/") {
			t.Fatalf("DetectDOI(%q) = %q: not a DOI", text, d)
		}
		if strings.ContainsAny(d, " \t\r\n") {
			t.Fatalf("DetectDOI(%q) = %q: contains space", text, d)
		}
		if d != strings.ToLower(d) {
			t.Fatalf("DetectDOI(%q) = %q: not lower-case", text, d)
		}
		if again := NormalizeDOI(d); again != d {
			t.Fatalf("NormalizeDOI(DetectDOI(%q)) = %q, want %q (not idempotent)", text, again, d)
		}
	})
}
