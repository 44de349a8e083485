// Package importer reads the files a researcher brings into Rapport: article
// PDFs (text per page), plain-text and Markdown sources, and bibliographic
// metadata (BibTeX, RIS, CSL-JSON, Semantic Scholar records).
//
// Every reader is a pure function of its input: nothing here touches the
// library store. Readers never panic across the package border; a file that
// cannot be read gives an error that names it.
package importer
