package main

import "github.com/rapport-qda/rapport/importer"

// corpusTruth is the header of each article of ../shared/corpus, read from
// the PDFs by eye: what page 1 prints (title block, author line, citation
// line, abstract), and the number each page prints in its running head or
// foot ("" for pages that print none and are not part of the article's
// numbering: Douglas's four supplementary pages).
var corpusTruth = []struct {
	file string
	truth
}{
	{"agyemanduah2014-bmchsr.pdf", truth{
		Title: "Understanding the barriers to setting up a healthcare quality improvement process in resource-limited settings: a situational analysis at the Medical Department of Kamuzu Central Hospital in Lilongwe, Malawi",
		Authors: []importer.Author{
			{Given: "Josephine Nana Afrakoma", Family: "Agyeman-Duah"}, {Given: "Antje", Family: "Theurer"},
			{Given: "Charles", Family: "Munthali"}, {Given: "Noor", Family: "Alide"}, {Given: "Florian", Family: "Neuhann"}},
		Year: 2014, Journal: "BMC Health Services Research", Volume: "14", DOI: "10.1186/1472-6963-14-1",
		AbstractStart: "Background: Knowledge regarding the best approaches",
		AbstractEnd:   "determined commitment and contributions from clients, staff and management.",
		Printed:       []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"},
	}},
	{"datta2010-jtmo.pdf", truth{
		Title: "Complications related to deep venous thrombosis prophylaxis in trauma: a systematic review of the literature",
		Authors: []importer.Author{
			{Given: "Indraneel", Family: "Datta"}, {Given: "Chad G", Family: "Ball"}, {Given: "Lucas", Family: "Rudmik"},
			{Given: "S Morad", Family: "Hameed"}, {Given: "John B", Family: "Kortbeek"}},
		Year: 2010, Journal: "Journal of Trauma Management & Outcomes", Volume: "4", DOI: "10.1186/1752-2897-4-1",
		AbstractStart: "Deep venous thrombosis prophylaxis is essential",
		AbstractEnd:   "they must be appropriately utilized.",
		// The file holds the article's first page and its pages 9–11.
		Printed: []string{"1", "9", "10", "11"},
	}},
	{"douglas2014-clinsci.pdf", truth{
		Title: "Fragment-based design for the development of N-domain-selective angiotensin-1-converting enzyme inhibitors",
		Authors: []importer.Author{
			{Given: "Ross G.", Family: "Douglas"}, {Given: "Rajni K.", Family: "Sharma"}, {Given: "Geoffrey", Family: "Masuyer"},
			{Given: "Lizelle", Family: "Lubbe"}, {Given: "Ismael", Family: "Zamora"}, {Given: "K. Ravi", Family: "Acharya"},
			{Given: "Kelly", Family: "Chibale"}, {Given: "Edward D.", Family: "Sturrock"}},
		Year: 2014, Journal: "Clinical Science", Volume: "126", FirstPage: "305", DOI: "10.1042/CS20130403",
		AbstractStart: "ACE (angiotensin-1-converting enzyme) is a zinc metallopeptidase",
		AbstractEnd:   "that could be employed in treatment of fibrosis disorders.",
		Printed:       []string{"305", "306", "307", "308", "309", "310", "311", "312", "313", "", "", "", ""},
	}},
	{"sundstrom2014-ipg.pdf", truth{
		Title: "Stressful life events are not associated with the development of dementia",
		Authors: []importer.Author{
			{Given: "Anna", Family: "Sundström"}, {Given: "Michael", Family: "Rönnlund"},
			{Given: "Rolf", Family: "Adolfsson"}, {Given: "Lars-Göran", Family: "Nilsson"}},
		Year: 2014, Journal: "International Psychogeriatrics", Volume: "26", Issue: "1", FirstPage: "147", DOI: "10.1017/S1041610213001804",
		AbstractStart: "Background: The impact of stressful life events as a risk factor of dementia diseases is inconclusive.",
		AbstractEnd:   "reject the hypothesis that stressful life events trigger the onset of dementia diseases.",
		Printed:       []string{"147", "148", "149", "150", "151", "152", "153", "154"},
	}},
	{"tully2010-rrp.pdf", truth{
		Title: "Patient Experiences of Structured Heart Failure Programmes",
		Authors: []importer.Author{
			{Given: "Nuala E.", Family: "Tully"}, {Given: "Karen M.", Family: "Morgan"},
			{Given: "Helen M.", Family: "Burke"}, {Given: "Hannah M.", Family: "McGee"}},
		// Hindawi's volumes are years: "Volume 2010, Article ID 157939".
		Year: 2010, Journal: "Rehabilitation Research and Practice", Volume: "2010", DOI: "10.1155/2010/157939",
		AbstractStart: "Objectives. Patient experiences of structured heart failure rehabilitation",
		AbstractEnd:   "necessary to sustain patients’ confidence in disease self-management.",
		Printed:       []string{"1", "2", "3", "4", "5", "6"},
	}},
	{"webb2017-peerjcs.pdf", truth{
		Title: "VESPA: Very large-scale Evolutionary and Selective Pressure Analyses",
		Authors: []importer.Author{
			{Given: "Andrew E.", Family: "Webb"}, {Given: "Thomas A.", Family: "Walsh"}, {Given: "Mary J.", Family: "O’Connell"}},
		// The page prints the journal's abbreviation only ("PeerJ Comput.
		// Sci. 3:e118"); its full name is in the logo, an image.
		Year: 2017, Journal: "PeerJ Comput. Sci.", JournalAlternatives: []string{"PeerJ Computer Science"}, Volume: "3",
		DOI:           "10.7717/peerj-cs.118",
		AbstractStart: "Background. Large-scale molecular evolutionary analyses of protein coding sequences",
		AbstractEnd:   "VESPA may be found at the following website: http://www.mol-evol.org/VESPA.",
		Printed:       []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"},
	}},
}
