package index

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// bulkWriter runs an import's many small transactions on one connection
// with synchronous=NORMAL: in WAL mode a commit then appends to the WAL
// without waiting for the disk, and stays atomic and consistent (a crash
// can lose the last commits, never corrupt the database). Before the import
// reports, finish makes every commit durable by syncing the WAL, so what an
// import acknowledged survives a power loss as with synchronous=FULL. The
// connection is discarded afterwards, so the pool's connections keep FULL
// for interactive writes (annotations, corrections).
type bulkWriter struct {
	l    *Library
	conn *sql.Conn
}

func (l *Library) newBulkWriter(ctx context.Context) (*bulkWriter, error) {
	if l.readOnly {
		return nil, l.errReadOnly()
	}
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
		discardConn(conn)
		return nil, fmt.Errorf("import: %w", err)
	}
	return &bulkWriter{l: l, conn: conn}, nil
}

// withTx runs fn in one transaction on the bulk connection.
func (b *bulkWriter) withTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := b.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// finish makes the session's commits durable and gives the connection up.
func (b *bulkWriter) finish() error {
	discardConn(b.conn)
	// With synchronous=FULL SQLite would fsync the WAL at each commit; one
	// fsync of the WAL now covers them all. Frames a checkpoint already
	// copied into the database file were synced by that checkpoint; the
	// database file is synced too, in case.
	db := filepath.Join(b.l.dir, DBFile)
	var errs []error
	for _, path := range []string{db + "-wal", db} {
		if err := syncFile(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("import: make the library durable: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// txRunner returns how to run a transaction: in the bulk session when
// there is one, else as the library's ordinary (synchronous=FULL) writes.
func (l *Library) txRunner(bw *bulkWriter) func(context.Context, func(*sql.Tx) error) error {
	if bw == nil {
		return l.withTx
	}
	return bw.withTx
}

// discardConn closes conn and keeps it out of the pool.
func discardConn(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}
