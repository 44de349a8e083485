package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// File and folder names inside a library folder.
const (
	DBFile    = "library.sqlite"
	IndexDir  = "index.bleve"
	FilesDir  = "files"
	lockFile  = ".rapport.lock"
	tmpSuffix = ".tmp"
)

// Errors callers may want to tell apart with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrNoLibrary     = errors.New("no library")
	ErrLibraryInUse  = errors.New("library is in use by another Rapport process")
	ErrReadOnly      = errors.New("library is open for reading only")
	ErrNewerSchema   = errors.New("library was written by a newer Rapport")
	ErrNotALibrary   = errors.New("not a Rapport library")
	ErrIndexDamaged  = errors.New("search index is damaged or out of date")
	ErrInvalidInput  = errors.New("invalid input")
	errIndexNotReady = errors.New("search index not open")
)

// Library is an open library folder. Its methods are safe for concurrent use.
type Library struct {
	dir  string
	db   *sql.DB
	lock *os.File
	// readOnly: opened without the lock while another process holds the
	// library (Options.ReadOnly); searches go to that process.
	readOnly bool
	server   *searchServer // answers other processes' searches while the lock is held

	// Author is the name recorded on new annotations and notes.
	Author string

	idxMu  sync.Mutex
	idx    bleve.Index
	notice func(string)

	writeMu sync.Mutex // serialises multi-statement writers (imports, reindex, catch-up)

	fileMu    sync.Mutex      // guards unsettled
	unsettled map[string]bool // originals (by SHA-256) whose place settleFiles has yet to settle (remove.go)

	facetOrds facetOrdinals // facet values of the index's segments, for counting

	boxes boxCache // the last documents' character boxes (see PageBoxes)

	ocrMu sync.Mutex // one OCR run at a time (see OCR)

	// verified: library.sqlite passed the integrity check when this
	// process opened it, or was as a clean close left it (checkstamp.go).
	verified bool

	stmtMu      sync.Mutex
	stmts       map[string]*sql.Stmt // queryPrepared's statements, by their SQL
	stmtsClosed bool
}

// Options tune Open.
type Options struct {
	// Notice receives messages a user should see that are not errors, such
	// as "the search index was damaged and is being rebuilt". It may be
	// called from any goroutine. Nil discards them.
	Notice func(msg string)
	// MustExist refuses a folder that holds no library, with ErrNoLibrary,
	// instead of creating an empty library there: a mistyped path is then
	// reported rather than silently made into a new library. Only what
	// creates libraries (an import, the window) leaves it false.
	MustExist bool
	// ReadOnly opens an existing library for reading without taking its
	// lock, so that it can be read while another process holds it (the
	// window). Everything that reads SQLite works as usual; Search is
	// answered by the process holding the library (see searchServer), or,
	// when none holds it any more, from the index opened read-only. Every
	// change fails with ErrReadOnly. It implies MustExist.
	ReadOnly bool
	// NoSearchServer opens the library without answering other processes'
	// searches (searchServer): for a process that holds the library only
	// for a moment, such as a reading command.
	NoSearchServer bool

	// ForReading opens the library for a caller that only reads it (a
	// search, a listing, an export): Open leaves out the integrity check
	// of the whole of library.sqlite (PRAGMA quick_check reads every page:
	// a third of a one-off search on 1,000 articles, and it grows with the
	// library), which guards what a writer would add to a damaged file.
	// Damage in what a read touches is still reported, by that read. A
	// library that needs a migration is checked all the same; the lock and
	// the search index's repairs are as for any Open. (ReadOnly never runs
	// the check.)
	ForReading bool
}

// Open opens the library in dir, creating the folder and an empty library
// when there is none (unless opts.MustExist). Opening a folder whose
// library.sqlite is damaged, or was written by a newer Rapport, fails with
// a clear error and leaves the file untouched. A second process opening
// the same library gets ErrLibraryInUse, unless it opens it ReadOnly.
//
// While it is open, the library answers the searches of processes that
// opened it ReadOnly (searchServer), unless opts.NoSearchServer.
func Open(ctx context.Context, dir string, opts *Options) (*Library, error) {
	if opts == nil {
		opts = &Options{}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open library %s: %w", dir, err)
	}
	if opts.ReadOnly {
		return openReadOnly(ctx, abs, opts)
	}
	if opts.MustExist && !Exists(abs) {
		return nil, fmt.Errorf("%w at %s", ErrNoLibrary, abs)
	}
	if err := os.MkdirAll(filepath.Join(abs, FilesDir), 0o755); err != nil {
		return nil, fmt.Errorf("open library %s: %w", abs, err)
	}
	lock, lastClose, err := acquireLock(filepath.Join(abs, lockFile))
	if err != nil {
		return nil, fmt.Errorf("open library %s: %w", abs, err)
	}
	l := &Library{dir: abs, lock: lock, notice: opts.Notice}
	if err := l.openDB(ctx, !opts.ForReading, lastClose); err != nil {
		releaseLock(lock)
		return nil, err
	}
	if err := l.seed(ctx); err != nil {
		l.Close()
		return nil, err
	}
	if err := l.sweepFiles(ctx); err != nil {
		l.notify(fmt.Sprintf("The originals of removed documents could not be checked: %v", err))
	}
	if !opts.NoSearchServer {
		l.server = startSearchServer(l)
	}
	return l, nil
}

// Exists tells whether dir holds a library (a non-empty library.sqlite),
// without opening it.
func Exists(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, DBFile))
	return err == nil && info.Mode().IsRegular() && info.Size() > 0
}

// openReadOnly opens the database of the library in abs read-only, without
// the lock, migrations or seeding.
func openReadOnly(ctx context.Context, abs string, opts *Options) (*Library, error) {
	if !Exists(abs) {
		return nil, fmt.Errorf("%w at %s", ErrNoLibrary, abs)
	}
	path := filepath.Join(abs, DBFile)
	if err := checkSQLiteHeader(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var have int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	switch {
	case have > SchemaVersion:
		db.Close()
		return nil, fmt.Errorf("%s has schema version %d, newer than this Rapport understands (%d): %w", path, have, SchemaVersion, ErrNewerSchema)
	case have < SchemaVersion:
		db.Close()
		return nil, fmt.Errorf("open %s for reading: it has schema version %d and must be upgraded to %d first, which only a process holding the library can do: %w", path, have, SchemaVersion, ErrLibraryInUse)
	}
	return &Library{dir: abs, db: db, readOnly: true, notice: opts.Notice}, nil
}

// ReadOnly tells whether the library was opened for reading only.
func (l *Library) ReadOnly() bool { return l.readOnly }

// errReadOnly is the error of a change asked of a read-only library.
func (l *Library) errReadOnly() error {
	return fmt.Errorf("%s is in use by another Rapport process and was opened for reading only: %w", l.dir, ErrReadOnly)
}

// openDB opens library.sqlite, checking the whole file first when
// checkAll is set (unless the stamp of its last clean close, lastClose,
// still holds: see checkstamp.go), and brings its schema up to date.
func (l *Library) openDB(ctx context.Context, checkAll bool, lastClose []byte) error {
	path := filepath.Join(l.dir, DBFile)
	if err := checkSQLiteHeader(path); err != nil {
		return err
	}
	unchanged := stampStillHolds(lastClose, path)
	if err := createWithPageSize(ctx, path); err != nil {
		return err
	}
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if msg := err.Error(); strings.Contains(msg, "malformed") || strings.Contains(msg, "not a database") {
			return fmt.Errorf("open %s: database is damaged (%v); it was left as it is — restore a backup (`rapport restore`): %w", path, err, ErrNotALibrary)
		}
		return fmt.Errorf("open %s: %w", path, err)
	}
	if !checkAll {
		// A migration writes: check the file first.
		var have int
		if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil || have < len(migrations) {
			checkAll = true
		}
	}
	if unchanged {
		checkAll = false
		l.verified = true
	}
	if checkAll {
		quickChecks.Add(1)
		var ok string
		if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&ok); err != nil || ok != "ok" {
			db.Close()
			if err == nil {
				err = errors.New(ok)
			}
			return fmt.Errorf("open %s: database is damaged (%v); it was left as it is — restore a backup or run `rapport check`: %w", path, err, ErrNotALibrary)
		}
		l.verified = true
	}
	if err := migrate(ctx, db, path); err != nil {
		db.Close()
		return err
	}
	l.db = db
	return nil
}

// checkSQLiteHeader refuses a file that exists but is not SQLite, before the
// driver could treat it as anything else.
// newLibraryPageSize is the SQLite page size of new libraries: compressed
// page text (rows of about 1 KB) wastes a sixth of 4 KB pages and under 4%
// of 16 KB ones. It can only be set before the database's first page
// exists, so existing libraries keep theirs.
const newLibraryPageSize = 16384

// createWithPageSize gives a database that does not exist yet (or is an
// empty file) its page size, and WAL mode, before anything else touches it.
func createWithPageSize(ctx context.Context, path string) error {
	if info, err := os.Stat(path); err == nil && info.Size() > 0 {
		return nil
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer conn.Close()
	for _, pragma := range []string{fmt.Sprintf("PRAGMA page_size = %d", newLibraryPageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			return fmt.Errorf("create %s: %s: %w", path, pragma, err)
		}
	}
	return nil
}

func checkSQLiteHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := f.Read(head)
	if n == 0 {
		return nil // an empty file is what SQLite itself creates first
	}
	if n < 16 || string(head) != "SQLite format 3\x00" {
		return fmt.Errorf("open %s: not an SQLite database; it was left as it is: %w", path, ErrNotALibrary)
	}
	return nil
}

// Dir returns the library folder.
func (l *Library) Dir() string { return l.dir }

// Name returns the library's display name: its folder's name.
func (l *Library) Name() string { return filepath.Base(l.dir) }

// Close closes the index and the database and releases the lock.
func (l *Library) Close() error {
	if l.db != nil && !l.readOnly && l.writeMu.TryLock() {
		l.settleLocked(context.Background()) // moves that waited for an import
		l.writeMu.Unlock()
	}
	var errs []error
	l.server.stop() // before the index closes: it may be answering a search
	l.idxMu.Lock()
	if l.idx != nil {
		errs = append(errs, l.idx.Close())
		l.idx = nil
	}
	l.idxMu.Unlock()
	if l.db != nil {
		errs = append(errs, l.closePrepared(), l.db.Close())
	}
	if l.verified && errors.Join(errs...) == nil {
		l.writeCleanCloseStamp()
	}
	releaseLock(l.lock)
	return errors.Join(errs...)
}

func (l *Library) notify(msg string) {
	if l.notice != nil {
		l.notice(msg)
	}
}

// seed fills a new library with what every library starts with. The
// codebook is seeded by seedCodebook when one is registered.
func (l *Library) seed(ctx context.Context) error {
	for _, s := range seeders {
		if err := s(ctx, l); err != nil {
			return fmt.Errorf("seed library %s: %w", l.dir, err)
		}
	}
	return nil
}

// seeders run on every Open; each must be idempotent.
var seeders []func(context.Context, *Library) error

// lockHolder names the process holding the library in dir, as
// " (pid N)", or "" when the lock file names none.
func lockHolder(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, lockFile))
	if err != nil {
		return ""
	}
	pid, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if pid == "" {
		return ""
	}
	return " (pid " + pid + ")"
}
