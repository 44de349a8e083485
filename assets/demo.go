package assets

import "embed"

// Demo holds the demo library's sources, under demo/: four abstracts from
// the seed texts Rapport starts from, each its own document — Ljungberg,
// Denhov & Topor (2015), Ljungberg, Topor & Denhov (2016) and Topor &
// Ljungberg (2016), each with its metadata record (RIS, and the
// aggregator's record of the 2016 IPS article), and a paragraph on being
// personal whose source is unknown. The window builds a demo library from
// them on first run; nothing outside the binary is read.
//
//go:embed demo
var Demo embed.FS
