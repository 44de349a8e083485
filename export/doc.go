// Package export turns a library's coded excerpts into documents people
// take away: Markdown for a thesis draft, CSV for a spreadsheet, JSON for
// scripts, CSL-JSON for reference managers, a printable HTML page, and
// REFI-QDA codebooks (.qdc) and projects (.qdpx) for other QDA tools. It
// also reads REFI-QDA files back (ReadProject, ReadCodebook) and applies
// them to a library (ApplyProject).
//
// Every exporter is a function of plain data (Data), which Collect gathers
// from a library. Citations follow APA 7 (Reference, InText) and cite the
// page number printed on the article (PrintedPage), not the PDF's page
// index.
//
// An export never changes the library. WriteFile replaces its output
// atomically. The package never imports the GUI toolkit.
package export
