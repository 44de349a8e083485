package index

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations brings a library's SQLite schema from version i to i+1. Append
// only: a released migration never changes. PRAGMA user_version holds the
// number of migrations applied.
var migrations = []string{
	// 1: documents, pages, codebook, annotations, notes, history, settings.
	`
CREATE TABLE documents (
	id                 INTEGER PRIMARY KEY,
	sha256             TEXT UNIQUE,
	file_name          TEXT NOT NULL DEFAULT '',
	kind               TEXT NOT NULL,
	page_count         INTEGER NOT NULL DEFAULT 0,
	size_bytes         INTEGER NOT NULL DEFAULT 0,
	imported_at        TEXT NOT NULL,
	updated_at         TEXT NOT NULL,
	extractor_version  INTEGER NOT NULL DEFAULT 0,
	indexed            INTEGER NOT NULL DEFAULT 0,
	indexed_pages      INTEGER NOT NULL DEFAULT -1,
	title              TEXT NOT NULL DEFAULT '',
	title_norm         TEXT NOT NULL DEFAULT '',
	alt_titles         TEXT NOT NULL DEFAULT '[]',
	authors            TEXT NOT NULL DEFAULT '[]',
	year               INTEGER NOT NULL DEFAULT 0,
	pub_date           TEXT NOT NULL DEFAULT '',
	journal            TEXT NOT NULL DEFAULT '',
	volume             TEXT NOT NULL DEFAULT '',
	issue              TEXT NOT NULL DEFAULT '',
	pages              TEXT NOT NULL DEFAULT '',
	doi                TEXT NOT NULL DEFAULT '',
	url                TEXT NOT NULL DEFAULT '',
	abstract           TEXT NOT NULL DEFAULT '',
	language           TEXT NOT NULL DEFAULT '',
	citation_count     INTEGER NOT NULL DEFAULT 0,
	csl_type           TEXT NOT NULL DEFAULT '',
	first_printed_page INTEGER NOT NULL DEFAULT 0,
	user_fields        TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX documents_doi ON documents(doi) WHERE doi <> '';
CREATE INDEX documents_title_norm ON documents(title_norm) WHERE title_norm <> '';
CREATE INDEX documents_unindexed ON documents(indexed) WHERE indexed = 0;

CREATE TABLE pages (
	doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	page   INTEGER NOT NULL,
	label  TEXT NOT NULL DEFAULT '',
	text   TEXT NOT NULL,
	header TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (doc_id, page)
) WITHOUT ROWID;

CREATE TABLE themes (
	id          INTEGER PRIMARY KEY,
	guid        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	description TEXT NOT NULL DEFAULT '',
	color       TEXT NOT NULL DEFAULT '#808080',
	parent_id   INTEGER REFERENCES themes(id),
	source      TEXT NOT NULL DEFAULT '',
	provisional INTEGER NOT NULL DEFAULT 0,
	memo        TEXT NOT NULL DEFAULT '',
	position    INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE annotations (
	id         INTEGER PRIMARY KEY,
	guid       TEXT NOT NULL UNIQUE,
	doc_id     INTEGER NOT NULL REFERENCES documents(id),
	page       INTEGER NOT NULL,
	start      INTEGER NOT NULL,
	end        INTEGER NOT NULL,
	quote      TEXT NOT NULL,
	prefix     TEXT NOT NULL DEFAULT '',
	suffix     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	author     TEXT NOT NULL DEFAULT '',
	orphaned   INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX annotations_doc ON annotations(doc_id, page);

CREATE TABLE annotation_themes (
	annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
	theme_id      INTEGER NOT NULL REFERENCES themes(id),
	PRIMARY KEY (annotation_id, theme_id)
) WITHOUT ROWID;
CREATE INDEX annotation_themes_theme ON annotation_themes(theme_id);

CREATE TABLE doc_notes (
	id         INTEGER PRIMARY KEY,
	doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	text       TEXT NOT NULL,
	author     TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE history (
	id     INTEGER PRIMARY KEY,
	at     TEXT NOT NULL,
	label  TEXT NOT NULL,
	undo   TEXT NOT NULL,
	redo   TEXT NOT NULL,
	undone INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
`,
	// 2: a change counter per document, bumped whenever a writer marks the
	// document for re-indexing, so that an indexer that read the document
	// before a concurrent change does not mark the newer state indexed.
	`
ALTER TABLE documents ADD COLUMN index_seq INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER documents_index_seq AFTER UPDATE OF indexed ON documents WHEN NEW.indexed = 0
BEGIN
	UPDATE documents SET index_seq = index_seq + 1 WHERE id = NEW.id;
END;
`,
	// 3: page text compressed (see pagetext.go), in a rowid table so that a
	// page's row fits in its B-tree cell. migrationSteps[3] moves the rows.
	`
ALTER TABLE pages RENAME TO pages_plain;
CREATE TABLE pages (
	doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	page   INTEGER NOT NULL,
	label  TEXT NOT NULL DEFAULT '',
	text_z BLOB NOT NULL,
	header TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (doc_id, page)
);
`,
	// 4: the engine that read each document's text ("native" or "pdfium";
	// "" for text sources, metadata-only entries and older imports).
	`
ALTER TABLE documents ADD COLUMN engine TEXT NOT NULL DEFAULT '';
`,
	// 5: the boxes on the page of the characters of pages whose text cannot
	// be read back cheaply (OCR); see boxes.go. They go with their page.
	`
CREATE TABLE page_boxes (
	doc_id  INTEGER NOT NULL,
	page    INTEGER NOT NULL,
	boxes_z BLOB NOT NULL,
	PRIMARY KEY (doc_id, page),
	FOREIGN KEY (doc_id, page) REFERENCES pages(doc_id, page) ON DELETE CASCADE
);
`,
	// 6: what APA needs beyond a journal article (publisher, the editors of
	// a chapter's book, edition, report or article number); the originals
	// a history step holds aside (see remove.go); and the highest document
	// id ever deleted, so that a new document never takes the id of a
	// removed one that undo may bring back.
	`
ALTER TABLE documents ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN editors   TEXT NOT NULL DEFAULT '[]';
ALTER TABLE documents ADD COLUMN edition   TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN number    TEXT NOT NULL DEFAULT '';
ALTER TABLE history ADD COLUMN held_files TEXT NOT NULL DEFAULT '';
CREATE TRIGGER documents_deleted_id AFTER DELETE ON documents
BEGIN
	INSERT INTO settings (key, value) VALUES ('documents_max_deleted_id', OLD.id)
	ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), OLD.id);
END;
`,
	// 7: where each metadata field came from (field_sources, see
	// provenance.go), the page number each page prints (pages.printed) and
	// how many pages print one (documents.printed_pages, see
	// pagenumbers.go). migrationSteps[7] reads the printed numbers of the
	// documents already stored from their stored running headers.
	`
ALTER TABLE documents ADD COLUMN field_sources TEXT NOT NULL DEFAULT '{}';
ALTER TABLE documents ADD COLUMN printed_pages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN printed TEXT NOT NULL DEFAULT '';
`,
	// 8: highlights imported from PDF files (see highlights.go): where an
	// annotation or note came from ("pdf-highlight"), the highlight's
	// colour, a note's page, and the marks already imported, so that
	// importing a file again adds nothing.
	`
ALTER TABLE annotations ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE annotations ADD COLUMN color TEXT NOT NULL DEFAULT '';
ALTER TABLE doc_notes ADD COLUMN page INTEGER NOT NULL DEFAULT 0;
ALTER TABLE doc_notes ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE TABLE pdf_marks (
	id            INTEGER PRIMARY KEY,
	doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	mark          TEXT NOT NULL,
	annotation_id INTEGER NOT NULL DEFAULT 0,
	note_id       INTEGER NOT NULL DEFAULT 0,
	UNIQUE (doc_id, mark)
);
`,
	// 9: what an exchange file (REFI-QDA) says about a document: the GUID
	// of the source it came from, so that a project coming back is
	// recognised, and its attributes (variables, cases, sets) as a JSON
	// array of {"name","value"}.
	`
ALTER TABLE documents ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]';
CREATE INDEX documents_guid ON documents(guid) WHERE guid <> '';
`,
	// 10: OCR (see ocr.go). pages.scanned marks a page that is a picture of
	// text, pages.ocr one whose text OCR read, pages.uncertain the spans of
	// its words read with low confidence (JSON [[start,end],…], rune
	// offsets); documents.ocr_lang is a document's own OCR language;
	// ocr_pages keeps what Tesseract read on each page — words, boxes,
	// confidences, the language and Tesseract's version — so that a page
	// is read once, survives re-extraction, and a stopped run resumes.
	`
ALTER TABLE pages ADD COLUMN scanned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN uncertain TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN ocr_lang TEXT NOT NULL DEFAULT '';
CREATE TABLE ocr_pages (
	doc_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	page      INTEGER NOT NULL,
	lang      TEXT NOT NULL,
	tesseract TEXT NOT NULL,
	mean_conf REAL NOT NULL DEFAULT 0,
	words     INTEGER NOT NULL DEFAULT 0,
	words_z   BLOB,
	error     TEXT NOT NULL DEFAULT '',
	read_at   TEXT NOT NULL,
	PRIMARY KEY (doc_id, page)
);
CREATE INDEX pages_scanned ON pages(doc_id) WHERE scanned = 1;
`,
	// 11: the search index's expected size, checked on every open
	// (indexShortfall), summed from an index instead of a scan of the
	// documents table (a sixteenth of a one-off search on 1,000 articles,
	// growing with the library).
	`
CREATE INDEX documents_indexed_pages ON documents(indexed, page_count);
`,
	// 12: coders as records of their own (coders.go): a name (an
	// annotation's or note's author) with a GUID, for REFI-QDA's User
	// elements, and whether it is a consensus coder; notes get GUIDs, so
	// that merging another library twice adds its notes once (merge.go);
	// the decisions taken on disagreements (consensus.go); the coder who
	// made each step of the history. Triggers keep
	// every author a coder and give every new note a GUID, whoever
	// inserts them.
	`
CREATE TABLE coders (
	id         INTEGER PRIMARY KEY,
	guid       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	consensus  INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);
INSERT INTO coders (guid, name, created_at)
	SELECT ` + sqlGUID + `, author, MIN(created_at) FROM (
		SELECT author, created_at FROM annotations UNION ALL SELECT author, created_at FROM doc_notes)
	WHERE author <> '' GROUP BY author COLLATE NOCASE;
CREATE TRIGGER annotations_coder AFTER INSERT ON annotations WHEN NEW.author <> ''
BEGIN
	INSERT OR IGNORE INTO coders (guid, name, created_at) VALUES (` + sqlGUID + `, NEW.author, NEW.created_at);
END;
CREATE TRIGGER doc_notes_coder AFTER INSERT ON doc_notes WHEN NEW.author <> ''
BEGIN
	INSERT OR IGNORE INTO coders (guid, name, created_at) VALUES (` + sqlGUID + `, NEW.author, NEW.created_at);
END;
CREATE INDEX annotations_author ON annotations(author COLLATE NOCASE);

ALTER TABLE doc_notes ADD COLUMN guid TEXT NOT NULL DEFAULT '';
UPDATE doc_notes SET guid = ` + sqlGUID + `;
CREATE UNIQUE INDEX doc_notes_guid ON doc_notes(guid) WHERE guid <> '';
CREATE TRIGGER doc_notes_guid AFTER INSERT ON doc_notes WHEN NEW.guid = ''
BEGIN
	UPDATE doc_notes SET guid = ` + sqlGUID + ` WHERE id = NEW.id;
END;

CREATE TABLE consensus_decisions (
	id         INTEGER PRIMARY KEY,
	doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	page       INTEGER NOT NULL,
	start      INTEGER NOT NULL,
	end        INTEGER NOT NULL,
	coder      TEXT NOT NULL,
	accepted   TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX consensus_decisions_doc ON consensus_decisions(doc_id, page);
ALTER TABLE history ADD COLUMN coder TEXT NOT NULL DEFAULT '';
`,
	// 13: area annotations: a rectangle of a page (a figure, a table) coded
	// like a passage. kind is 'text' (a span of the page's text) or 'area'
	// (the rectangle rect_x1..rect_y2 in PDF user space, points, origin
	// bottom-left; start and end 0, quote the text found inside it).
	`
ALTER TABLE annotations ADD COLUMN kind    TEXT NOT NULL DEFAULT 'text';
ALTER TABLE annotations ADD COLUMN rect_x1 REAL NOT NULL DEFAULT 0;
ALTER TABLE annotations ADD COLUMN rect_y1 REAL NOT NULL DEFAULT 0;
ALTER TABLE annotations ADD COLUMN rect_x2 REAL NOT NULL DEFAULT 0;
ALTER TABLE annotations ADD COLUMN rect_y2 REAL NOT NULL DEFAULT 0;
`,
	// 14: page text, abstracts and OCR words written from now on are
	// compressed with a preset dictionary (pagetext.go). The tables are
	// unchanged and text written before stays readable; the version tells
	// an older Rapport that the library holds text it cannot read.
	`SELECT 1`,
}

// sqlGUID is an SQL expression for a random (version 4) GUID in the form
// newGUID writes, for migrations and triggers.
const sqlGUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
		substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`

// migrationSteps holds the Go half of migrations that SQL alone cannot do,
// by the version they bring the schema to; each runs in the migration's
// transaction after its SQL.
var migrationSteps = map[int]func(context.Context, *sql.Tx) error{
	3: migrateCompressPageText,
	7: migratePrintedPages,
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// migrate applies the migrations the database lacks, each in its own
// transaction. A database newer than this build is refused, never touched.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	var have int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("read schema version of %s: %w", path, err)
	}
	if have > len(migrations) {
		return fmt.Errorf("%s has schema version %d, newer than this Rapport understands (%d): %w", path, have, len(migrations), ErrNewerSchema)
	}
	for v := have; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", path, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s to version %d: %w", path, v+1, err)
		}
		if step := migrationSteps[v+1]; step != nil {
			if err := step(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migrate %s to version %d: %w", path, v+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s to version %d: %w", path, v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", path, v+1, err)
		}
	}
	return nil
}
