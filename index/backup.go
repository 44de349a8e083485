package index

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-qda/rapport/internal/atomicfile"
	"github.com/rapport-qda/rapport/internal/lazyre"
)

// A backup is one zip archive: library.sqlite (a consistent snapshot made
// with VACUUM INTO), the originals under files/ that the snapshot refers to,
// and backupManifest as rapport-backup.json. The search index is not in it:
// it is rebuilt from library.sqlite when the restored library first opens.
const backupManifestName = "rapport-backup.json"

// backupFormat is the version of the archive layout.
const backupFormat = 1

// BackupReport says what a backup holds.
type BackupReport struct {
	Format        int       `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	SchemaVersion int       `json:"schema_version"`
	Documents     int       `json:"documents"`
	Annotations   int       `json:"annotations"`
	Files         int       `json:"files"`
	Bytes         int64     `json:"bytes"` // size of the archive
	Path          string    `json:"path"`
}

// BackupOptions tune Backup and BackupDir.
type BackupOptions struct {
	// Progress, when set, gets files done and total, from any goroutine.
	Progress func(done, total int)
}

// Backup writes a consistent snapshot of the open library to dest (a .zip
// archive), atomically: dest holds either its old content or the whole
// backup. Imports and tagging may go on meanwhile; the snapshot is the
// library as it was when the backup began.
func (l *Library) Backup(ctx context.Context, dest string, opts *BackupOptions) (*BackupReport, error) {
	return backup(ctx, l.db, l.dir, dest, opts)
}

// BackupDir backs up the library in dir without taking its lock, so that it
// works while another Rapport process (the desktop app) has the library
// open: it reads library.sqlite through a read-only connection, which
// SQLite keeps consistent against a concurrent writer.
func BackupDir(ctx context.Context, dir, dest string, opts *BackupOptions) (*BackupReport, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("back up %s: %w", dir, err)
	}
	dbPath := filepath.Join(abs, DBFile)
	if info, err := os.Stat(dbPath); err != nil || info.Size() == 0 {
		return nil, fmt.Errorf("back up %s: no library there (no %s): %w", abs, DBFile, ErrNotALibrary)
	}
	if err := checkSQLiteHeader(dbPath); err != nil {
		return nil, fmt.Errorf("back up %s: %w", abs, err)
	}
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("back up %s: %w", abs, err)
	}
	defer db.Close()
	return backup(ctx, db, abs, dest, opts)
}

func backup(ctx context.Context, db *sql.DB, dir, dest string, opts *BackupOptions) (*BackupReport, error) {
	if opts == nil {
		opts = &BackupOptions{}
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, fmt.Errorf("back up to %s: %w", dest, err)
	}
	if isInside(dest, dir) {
		return nil, fmt.Errorf("back up to %s: the backup must be written outside the library folder %s: %w", dest, dir, ErrInvalidInput)
	}
	work, err := os.MkdirTemp(filepath.Dir(dest), ".rapport-backup-*")
	if err != nil {
		return nil, fmt.Errorf("back up to %s: %w", dest, err)
	}
	defer os.RemoveAll(work)

	// A damaged library is not backed up: VACUUM INTO reads the tables
	// and builds the indexes anew, so damage in an index's pages would
	// pass unseen into a backup that looks whole.
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil || check != "ok" {
		if err == nil {
			err = errors.New(check)
		}
		return nil, fmt.Errorf("back up %s: %s is damaged (%v); nothing was written — restore an earlier backup or run `rapport check`: %w", dir, DBFile, err, ErrNotALibrary)
	}
	// The snapshot: one read transaction, so it is consistent whatever
	// other connections or processes write meanwhile.
	snap := filepath.Join(work, DBFile)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", snap); err != nil {
		return nil, fmt.Errorf("back up %s: snapshot of %s: %w", dir, DBFile, err)
	}
	rep := &BackupReport{Format: backupFormat, CreatedAt: time.Now().UTC().Truncate(time.Second), Path: dest}
	files, err := snapshotContents(ctx, snap, dir, rep)
	if err != nil {
		return nil, fmt.Errorf("back up %s: %w", dir, err)
	}
	// Originals of removed documents that undo can bring back travel with
	// the history, in their place under files/ (Open moves them aside).
	asideSources, err := heldOriginals(ctx, snap, dir, files)
	if err != nil {
		return nil, fmt.Errorf("back up %s: %w", dir, err)
	}
	for rel := range asideSources {
		files = append(files, rel)
	}
	sort.Strings(files[len(files)-len(asideSources):])
	rep.Files = len(files)

	err = atomicfile.Write(dest, 0o600, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		manifest, _ := json.MarshalIndent(rep, "", "  ")
		if err := addZipBytes(zw, backupManifestName, manifest, zip.Deflate); err != nil {
			return err
		}
		if err := addZipFile(ctx, zw, DBFile, snap, zip.Deflate); err != nil {
			return err
		}
		for i, rel := range files {
			// Originals are mostly compressed already (PDFs): store them.
			src := filepath.Join(dir, filepath.FromSlash(rel))
			if s, ok := asideSources[rel]; ok {
				src = s
			}
			if err := addZipFile(ctx, zw, rel, src, zip.Store); err != nil {
				return fmt.Errorf("original %s: %w", rel, err)
			}
			if opts.Progress != nil {
				opts.Progress(i+1, len(files))
			}
		}
		return zw.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("back up to %s: %w", dest, err)
	}
	atomicfile.SyncDir(filepath.Dir(dest))
	info, err := os.Stat(dest)
	if err != nil {
		return nil, fmt.Errorf("back up to %s: %w", dest, err)
	}
	rep.Bytes = info.Size()
	return rep, nil
}

// snapshotContents reads the counts and the originals a snapshot refers to
// (paths relative to the library, slash-separated).
func snapshotContents(ctx context.Context, snap, dir string, rep *BackupReport) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+snap+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&rep.SchemaVersion); err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents").Scan(&rep.Documents)
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM annotations").Scan(&rep.Annotations)
	rows, err := db.QueryContext(ctx, "SELECT sha256, file_name FROM documents WHERE sha256 IS NOT NULL ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	defer rows.Close()
	lib := &Library{dir: dir}
	var files []string
	for rows.Next() {
		var sha, name string
		if err := rows.Scan(&sha, &name); err != nil {
			return nil, fmt.Errorf("read snapshot: %w", err)
		}
		if !shaPattern.MatchString(sha) {
			return nil, fmt.Errorf("read snapshot: document with malformed SHA-256 %q", sha)
		}
		rel, err := filepath.Rel(dir, lib.blobPath(sha, name))
		if err != nil {
			return nil, err
		}
		files = append(files, filepath.ToSlash(rel))
	}
	rep.Files = len(files)
	return files, rows.Err()
}

var shaPattern = lazyre.New(`^[0-9a-f]{64}$`)

// heldOriginals finds the originals the snapshot's history holds for undo
// and no document uses (see remove.go), in removed/ or still in files/;
// it maps each one's archive name (files/xx/<sha>.ext) to where it is.
func heldOriginals(ctx context.Context, snap, dir string, have []string) (map[string]string, error) {
	db, err := sql.Open("sqlite", "file:"+snap+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT held_files FROM history WHERE held_files <> ''")
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var held string
		if err := rows.Scan(&held); err != nil {
			return nil, fmt.Errorf("read snapshot: %w", err)
		}
		for _, sha := range strings.Fields(held) {
			if !shaPattern.MatchString(sha) {
				continue
			}
			found, _ := filepath.Glob(filepath.Join(dir, RemovedDir, sha+"*"))
			live, _ := filepath.Glob(filepath.Join(dir, FilesDir, sha[:2], sha+"*"))
			for _, src := range append(live, found...) {
				rel := FilesDir + "/" + sha[:2] + "/" + filepath.Base(src)
				if !isBlobEntry(rel) || slices.Contains(have, rel) {
					break // a document uses it: it is in the backup already
				}
				out[rel] = src
				break
			}
		}
	}
	return out, rows.Err()
}

func addZipBytes(zw *zip.Writer, name string, data []byte, method uint16) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: time.Now()})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func addZipFile(ctx context.Context, zw *zip.Writer, name, src string, method uint16) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &zip.FileHeader{Name: name, Method: method, Modified: info.ModTime()}
	hdr.SetMode(0o644)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// Force allows restoring over an existing library. The library that was
	// there is kept, renamed to DIR.before-restore-TIMESTAMP, never deleted.
	Force bool
}

// RestoreReport says what Restore did.
type RestoreReport struct {
	Dir       string `json:"dir"`
	Documents int    `json:"documents"`
	Files     int    `json:"files"`
	// Previous is where the library that was in Dir went (with Force).
	Previous string `json:"previous,omitempty"`
}

// Restore unpacks a backup made by Backup into dir, which must be missing
// or empty unless opts.Force is set. It checks every original against its
// SHA-256 and the database's integrity before anything is moved into dir,
// so a damaged archive leaves dir as it was. The search index is rebuilt
// when the restored library first opens.
func Restore(ctx context.Context, archive, dir string, opts *RestoreOptions) (*RestoreReport, error) {
	if opts == nil {
		opts = &RestoreOptions{}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("restore into %s: %w", dir, err)
	}
	fail := func(err error) (*RestoreReport, error) {
		return nil, fmt.Errorf("restore %s into %s: %w", archive, dir, err)
	}
	existing, err := dirState(dir)
	if err != nil {
		return fail(err)
	}
	if existing == dirNotEmpty && !opts.Force {
		return fail(fmt.Errorf("the folder is not empty; restore into a new folder, or use --force to replace the library there (it is kept beside, renamed): %w", ErrInvalidInput))
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fail(err)
	}
	work, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restore-*")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(work)

	rep, err := unpackBackup(ctx, archive, work)
	if err != nil {
		return fail(err)
	}
	// Opening the unpacked library proves it is one this build can use
	// (integrity, schema version) before it replaces anything.
	lib, err := Open(ctx, work, nil)
	if err != nil {
		return fail(fmt.Errorf("the archive's library does not open: %w", err))
	}
	rep.Documents, _ = lib.DocumentCount(ctx)
	// Build the search index now, so the restored library is complete.
	if err := lib.Reindex(ctx, nil); err != nil {
		lib.Close()
		return fail(err)
	}
	if err := lib.Close(); err != nil {
		return fail(err)
	}
	os.Remove(filepath.Join(work, lockFile))

	switch existing {
	case dirMissing:
	case dirEmpty:
		if err := os.Remove(dir); err != nil {
			return fail(err)
		}
	case dirNotEmpty:
		// The library there must not be in use while it is moved aside.
		lock, _, err := acquireLock(filepath.Join(dir, lockFile))
		if err != nil {
			return fail(err)
		}
		prev := fmt.Sprintf("%s.before-restore-%s", dir, time.Now().UTC().Format("20060102-150405"))
		err = os.Rename(dir, prev)
		releaseLock(lock)
		if err != nil {
			return fail(err)
		}
		rep.Previous = prev
	}
	if err := os.Rename(work, dir); err != nil {
		return fail(err)
	}
	atomicfile.SyncDir(parent)
	rep.Dir = dir
	return rep, nil
}

// unpackBackup extracts an archive into dir, accepting only the entries a
// backup holds, and verifying each original against its SHA-256 name.
func unpackBackup(ctx context.Context, archive, dir string) (*RestoreReport, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return nil, fmt.Errorf("not a Rapport backup (%v): %w", err, ErrInvalidInput)
	}
	defer zr.Close()
	rep := &RestoreReport{}
	var manifest *BackupReport
	haveDB := false
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := f.Name
		switch {
		case name == backupManifestName:
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			manifest = &BackupReport{}
			if err := json.Unmarshal(data, manifest); err != nil {
				return nil, fmt.Errorf("read %s: %v: %w", name, err, ErrInvalidInput)
			}
			if manifest.Format > backupFormat {
				return nil, fmt.Errorf("the backup has format %d, newer than this Rapport understands (%d): %w", manifest.Format, backupFormat, ErrNewerSchema)
			}
		case name == DBFile:
			if err := extractZipEntry(f, filepath.Join(dir, DBFile), "", 1<<40); err != nil {
				return nil, err
			}
			haveDB = true
		case isBlobEntry(name):
			base := path.Base(name)
			sha := base[:64]
			if err := extractZipEntry(f, filepath.Join(dir, filepath.FromSlash(name)), sha, MaxFileSize); err != nil {
				return nil, err
			}
			rep.Files++
		case strings.HasSuffix(name, "/"):
			// folder entries
		default:
			return nil, fmt.Errorf("unexpected entry %q in the archive: %w", name, ErrInvalidInput)
		}
	}
	if manifest == nil || !haveDB {
		return nil, fmt.Errorf("not a Rapport backup (no %s or %s): %w", backupManifestName, DBFile, ErrInvalidInput)
	}
	if manifest.Files != rep.Files {
		return nil, fmt.Errorf("the archive holds %d originals, its manifest says %d: %w", rep.Files, manifest.Files, ErrInvalidInput)
	}
	return rep, nil
}

// isBlobEntry accepts exactly files/xx/<sha256>[.ext] — nothing that could
// climb out of the folder.
var blobEntryPattern = lazyre.New(`^files/([0-9a-f]{2})/([0-9a-f]{64})(\.[A-Za-z0-9_-]{1,9})?$`)

func isBlobEntry(name string) bool {
	m := blobEntryPattern.FindStringSubmatch(name)
	return m != nil && strings.HasPrefix(m[2], m[1])
}

// extractZipEntry writes one entry to dest, at most limit bytes, and checks
// its SHA-256 when wantSHA is set.
func extractZipEntry(f *zip.File, dest, wantSHA string, limit int64) error {
	if f.UncompressedSize64 > uint64(limit) {
		return fmt.Errorf("entry %s is too large (%d bytes): %w", f.Name, f.UncompressedSize64, ErrInvalidInput)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name, err)
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(rc, limit+1))
	if err == nil && n > limit {
		err = fmt.Errorf("entry %s is larger than it says: %w", f.Name, ErrInvalidInput)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name, err)
	}
	if wantSHA != "" && hex.EncodeToString(h.Sum(nil)) != wantSHA {
		return fmt.Errorf("original %s is damaged (its SHA-256 does not match its name): %w", f.Name, ErrInvalidInput)
	}
	return nil
}

type dirStatus int

const (
	dirMissing dirStatus = iota
	dirEmpty
	dirNotEmpty
)

func dirState(dir string) (dirStatus, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return dirMissing, nil
	}
	if err != nil {
		return 0, err
	}
	if len(entries) == 0 {
		return dirEmpty, nil
	}
	return dirNotEmpty, nil
}

// isInside tells whether path is dir or lies under it.
func isInside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
