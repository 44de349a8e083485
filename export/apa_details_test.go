package export

import (
	"testing"

	"github.com/rapport-qda/rapport/importer"
)

func TestJournalTitleCase(t *testing.T) {
	cases := []struct{ in, want string }{
		{"American journal of psychiatric rehabilitation", "American Journal of Psychiatric Rehabilitation"},
		{"journal of mental health", "Journal of Mental Health"},
		{"Journal Of Psychiatric And Mental Health Nursing", "Journal of Psychiatric and Mental Health Nursing"},
		{"Psychiatric quarterly", "Psychiatric Quarterly"},
		{"the lancet psychiatry", "The Lancet Psychiatry"},
		{"Health & social care in the community", "Health & Social Care in the Community"},
		{"Advances in mental health: promotion, prevention and early intervention", "Advances in Mental Health: Promotion, Prevention and Early Intervention"},
		{"Psychiatry: an international journal", "Psychiatry: An International Journal"},
		{"Journal of self-report research", "Journal of Self-Report Research"},
		{"Journal of out-of-hospital care", "Journal of Out-of-Hospital Care"},
		// acronyms and names with inner capitals are kept
		{"BMC psychiatry", "BMC Psychiatry"},
		{"JAMA psychiatry", "JAMA Psychiatry"},
		{"JMIR mental health", "JMIR Mental Health"},
		{"PLoS ONE", "PLoS ONE"},
		{"Journal of eHealth and e-Health policy", "Journal of eHealth and e-Health Policy"},
		{"McGill journal of education", "McGill Journal of Education"},
		// punctuation and numbers
		{"Clinical science (London, England : 1979)", "Clinical Science (London, England : 1979)"},
		{"International journal of social psychiatry", "International Journal of Social Psychiatry"},
		{"Women's health issues", "Women's Health Issues"},
		// shouting: long words recased, short ones kept as acronyms
		{"JOURNAL OF MENTAL HEALTH", "Journal of Mental Health"},
		{"BMC PSYCHIATRY", "BMC Psychiatry"},
		{"PLOS ONE", "PLOS ONE"},
		// other languages' small words as written
		{"Revista de saúde pública", "Revista de Saúde Pública"},
		{"Nordisk tidsskrift for helseforskning", "Nordisk Tidsskrift for Helseforskning"},
		{"Zeitschrift für klinische Psychologie und Psychotherapie", "Zeitschrift für Klinische Psychologie und Psychotherapie"},
		{"Socialmedicinsk tidskrift", "Socialmedicinsk Tidskrift"},
		// already right, spacing tidied
		{"  International   Psychogeriatrics ", "International Psychogeriatrics"},
		{"", ""},
	}
	for _, c := range cases {
		if got := JournalTitleCase(c.in); got != c.want {
			t.Errorf("JournalTitleCase(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestReferenceDetails(t *testing.T) {
	seedRecord := seedArticle
	seedRecord.Journal = "American journal of psychiatric rehabilitation" // as the seed's record gives it
	seedRecord.Volume = "8 1"
	cases := []struct {
		name string
		m    importer.Metadata
		md   string
	}{
		{"the seed's record: journal in title case, its volume \"8 1\" not printed", seedRecord,
			"Topor, A., & Ljungberg, A. (2016). “Everything is so relaxed and personal” – The construction of helpful relationships in individual placement and support. *American Journal of Psychiatric Rehabilitation*, 275–293. https://doi.org/10.1080/15487768.2016.1255276"},
		{"a suspect issue is not printed either",
			importer.Metadata{Title: "T", Authors: []importer.Author{{Family: "Doe", Given: "Jane"}}, Year: 2020, Journal: "journal of mental health", Volume: "25", Issue: "3 and more", Pages: "1-9"},
			"Doe, J. (2020). T. *Journal of Mental Health, 25*, 1–9."},
		{"year from a date written out",
			importer.Metadata{Title: "T", Authors: []importer.Author{{Family: "Doe", Given: "Jane"}}, Date: "Oct. 2016", Journal: "J"},
			"Doe, J. (2016). T. *J*."},
		{"article number",
			importer.Metadata{Title: "Recovery colleges", Authors: []importer.Author{{Family: "Doe", Given: "Jane"}}, Year: 2016, Journal: "PLOS ONE", Volume: "11", Issue: "3", Number: "e0150013", DOI: "10.1371/journal.pone.0150013"},
			"Doe, J. (2016). Recovery colleges. *PLOS ONE, 11*(3), Article e0150013. https://doi.org/10.1371/journal.pone.0150013"},
		{"book",
			importer.Metadata{Type: "book", Title: "Personal recovery and mental illness: A guide for mental health professionals", Authors: []importer.Author{{Family: "Slade", Given: "Mike"}}, Year: 2009, Publisher: "Cambridge University Press", DOI: "10.1017/CBO9780511581649"},
			"Slade, M. (2009). *Personal recovery and mental illness: A guide for mental health professionals.* Cambridge University Press. https://doi.org/10.1017/cbo9780511581649"},
		{"book, second edition",
			importer.Metadata{Type: "book", Title: "Recovery", Authors: []importer.Author{{Family: "Topor", Given: "Alain"}}, Year: 2011, Edition: "2", Publisher: "Studentlitteratur"},
			"Topor, A. (2011). *Recovery* (2nd ed.). Studentlitteratur."},
		{"edited book",
			importer.Metadata{Type: "book", Title: "Recovery in mental health", Editors: []importer.Author{{Family: "Davidson", Given: "Larry"}, {Family: "Rakfeldt", Given: "Jaak"}}, Year: 2010, Publisher: "Wiley"},
			"Davidson, L., & Rakfeldt, J. (Eds.). (2010). *Recovery in mental health.* Wiley."},
		{"chapter",
			importer.Metadata{Type: "chapter", Title: "Helpful relationships", Authors: []importer.Author{{Family: "Topor", Given: "Alain"}, {Family: "Denhov", Given: "Anne"}},
				Year: 2013, Journal: "Handbook of recovery", Editors: []importer.Author{{Family: "Davidson", Given: "Larry"}, {Family: "Rakfeldt", Given: "Jaak"}, {Family: "Strauss", Given: "John S."}},
				Edition: "2", Pages: "12-34", Publisher: "Routledge", DOI: "10.4324/9780203000000"},
			"Topor, A., & Denhov, A. (2013). Helpful relationships. In L. Davidson, J. Rakfeldt, & J. S. Strauss (Eds.), *Handbook of recovery* (2nd ed., pp. 12–34). Routledge. https://doi.org/10.4324/9780203000000"},
		{"report by its publisher",
			importer.Metadata{Type: "report", Title: "World mental health report", Authors: []importer.Author{{Literal: "World Health Organization"}}, Year: 2022, Number: "7", Publisher: "World Health Organization", URL: "https://www.who.int/publications/i/item/9789240049338"},
			"World Health Organization. (2022). *World mental health report* (Report No. 7). https://www.who.int/publications/i/item/9789240049338"},
		{"thesis",
			importer.Metadata{Type: "thesis", Title: "Helpful relationships with professionals", Authors: []importer.Author{{Family: "Ljungberg", Given: "Amanda"}}, Year: 2017, Publisher: "Stockholm University"},
			`Ljungberg, A. (2017). *Helpful relationships with professionals* \[Thesis, Stockholm University\].`},
		{"no year from any source",
			importer.Metadata{Type: "report", Title: "Untitled note", Authors: []importer.Author{{Family: "Doe", Given: "J."}}},
			"Doe, J. (n.d.). *Untitled note.*"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ReferenceOf(c.m).Markdown(); got != c.md {
				t.Errorf("reference\n got %s\nwant %s", got, c.md)
			}
		})
	}
}
