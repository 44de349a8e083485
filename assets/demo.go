package assets

import "embed"

// Demo holds the demo library's sources, under demo/: the two seed texts
// Rapport starts from (a scraped abstract page of Ljungberg, Denhov & Topor
// 2015 with neighbouring abstracts, and the aggregator record of Topor &
// Ljungberg 2016), that record's abstract as a text source, so that both
// articles can be read and tagged, and a RIS record of the 2015 article
// (from the codebook's sources) for the scraped page. The window builds a demo library from
// them on first run.
//
//go:embed demo
var Demo embed.FS
