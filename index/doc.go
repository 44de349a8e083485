// Package index is Rapport's library: the durable store of documents,
// bibliographic metadata, page text, themes and annotations (SQLite, the
// source of truth), and the full-text index derived from it (Bleve, always
// rebuildable from SQLite), split into shards searched at once
// (shards.go).
//
// A library is one folder holding library.sqlite, index.bleve and files/
// (the imported originals, named by SHA-256). The desktop app and the
// command line both work through the *Library API; neither touches SQL or
// Bleve directly.
//
// Long operations take a context.Context and report progress through a
// callback that may be called from any goroutine.
package index
