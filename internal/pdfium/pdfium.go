// Package pdfium is Rapport's second PDF engine: PDFium (the engine inside
// Chrome) compiled to WebAssembly and run in-process by wazero, through
// github.com/klippa-app/go-pdfium — pure Go, no cgo.
//
// It reads the files the native reader cannot (broken cross-reference
// tables, AES-256 and other encryption, filters the native reader lacks,
// fonts with no Unicode mapping), and it renders pages. It hands its text
// to the importer's layout engine as characters with their boxes, fonts and
// rotation (see Char), the same records the native reader produces.
//
// One engine serves the whole process. It starts lazily, the first time a
// caller needs it, never at program start: compiling the 5 MB module takes
// seconds, so the compiled code is cached on disk under the user's cache
// directory (os.UserCacheDir()/rapport); a damaged cache is discarded and
// rebuilt. PDFium is not thread-safe: each Document holds one PDFium
// instance (a WebAssembly module instance of its own) until it is closed,
// and at most MaxInstances documents are open at once.
package pdfium

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	gopdfium "github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Errors a caller may want to tell apart with errors.Is.
var (
	// ErrPassword: the document needs a password (or the one given is wrong).
	ErrPassword = errors.New("the PDF needs a password")
	// ErrUnreadable: PDFium could not make sense of the file.
	ErrUnreadable = errors.New("PDFium cannot read the file")
	// ErrSecurity: the file uses an encryption scheme PDFium does not support.
	ErrSecurity = errors.New("the PDF uses an unsupported encryption scheme")
	// ErrUnavailable: the engine could not be started on this machine.
	ErrUnavailable = errors.New("the PDFium engine could not be started")
)

// cacheVersion names the compilation cache folder; raise it with the
// go-pdfium or wazero version so that an old cache is not even looked at.
const cacheVersion = "pdfium-wasm-1.21.5-wazero-1.12.0"

// memoryLimitPages bounds each PDFium instance's memory (64 KiB pages): a
// hostile file makes PDFium fail an allocation, not the machine swap.
const memoryLimitPages = 12288 // 768 MiB

// MaxInstances bounds the PDFium instances (and so the documents open at
// once): each has its own WebAssembly memory.
var MaxInstances = min(runtime.NumCPU(), 4)

// Engine is the process's PDFium. Get returns it.
type Engine struct {
	pool gopdfium.Pool
	// StartTime is how long the engine took to start (compile or load
	// from the cache, and instantiate).
	StartTime time.Duration
	// Cached tells whether the compiled module came from the disk cache.
	Cached bool
}

var (
	startMu sync.Mutex
	engine  *Engine
	// startErr remembers a failed start, so that a machine where PDFium
	// cannot run does not try again for every file.
	startErr error
)

// Started reports whether the engine is already running (so that a caller
// can say "preparing…" before a call that would start it).
func Started() bool {
	startMu.Lock()
	defer startMu.Unlock()
	return engine != nil
}

// Get returns the process's engine, starting it on first use. It is safe
// for concurrent use; concurrent first callers wait for one start.
func Get(ctx context.Context) (*Engine, error) {
	startMu.Lock()
	defer startMu.Unlock()
	if engine != nil {
		return engine, nil
	}
	if startErr != nil {
		return nil, startErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e, err := Start(CacheDir())
	if err != nil {
		startErr = fmt.Errorf("%w: %v", ErrUnavailable, err)
		return nil, startErr
	}
	engine = e
	return e, nil
}

// CacheDir is where the compiled module is kept.
func CacheDir() string {
	base, err := os.UserCacheDir()
	if err != nil || base == "" {
		base = os.TempDir()
	}
	return filepath.Join(base, "rapport", cacheVersion)
}

// Start starts an engine of its own (Get shares one per process), with its
// compiled module cached in dir ("": no cache). A cache that cannot be
// used (damaged, unwritable) is discarded and rebuilt, or done without.
// Close it when done.
func Start(dir string) (*Engine, error) {
	t0 := time.Now()
	cached := dir != "" && cacheFilled(dir)
	pool, err := initPool(dir)
	if err != nil && dir != "" {
		// A damaged or unwritable cache: discard it and compile afresh,
		// then without a cache at all.
		_ = os.RemoveAll(dir)
		cached = false
		pool, err = initPool(dir)
		if err != nil {
			pool, err = initPool("")
		}
	}
	if err != nil {
		return nil, err
	}
	// Instantiate once now, so that a broken module fails here and the
	// first document does not pay for it.
	inst, err := pool.GetInstance(time.Minute)
	if err != nil {
		pool.Close()
		return nil, err
	}
	inst.Close()
	return &Engine{pool: pool, StartTime: time.Since(t0), Cached: cached}, nil
}

// Close stops an engine from Start. (The shared engine of Get lives as long
// as the process.)
func (e *Engine) Close() error {
	return e.pool.Close()
}

func cacheFilled(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

func initPool(cacheDir string) (pool gopdfium.Pool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("start PDFium: %v", r)
		}
	}()
	rc := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(memoryLimitPages)
	if cacheDir != "" {
		if err := os.MkdirAll(cacheDir, 0o755); err == nil {
			cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
			if err == nil {
				rc = rc.WithCompilationCache(cache)
			}
		}
	}
	return webassembly.Init(webassembly.Config{
		MinIdle:       0,
		MaxIdle:       1,
		MaxTotal:      MaxInstances,
		RuntimeConfig: rc,
		// PDFium needs no files: documents are handed over in memory.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   discard{},
		Stderr:   discard{},
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Document is one open PDF. It holds a PDFium instance until Close; its
// methods are not safe for concurrent use.
type Document struct {
	inst  gopdfium.Pdfium
	doc   *requests.OpenDocument
	ref   docRef
	pages int
	data  []byte // kept alive while PDFium reads it
}

// Open opens a PDF held in memory. password may be empty; a document that
// needs one gives ErrPassword. ctx bounds the wait for a free instance.
func (e *Engine) Open(ctx context.Context, data []byte, password string) (d *Document, err error) {
	inst, err := e.pool.GetInstanceWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("pdfium: no free instance: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrUnreadable, r)
		}
		if err != nil {
			inst.Close()
			d = nil
		}
	}()
	req := &requests.OpenDocument{File: &data}
	if password != "" {
		req.Password = &password
	}
	resp, err := inst.OpenDocument(req)
	if err != nil {
		return nil, classify(err)
	}
	d = &Document{inst: inst, doc: req, ref: resp.Document, data: data}
	n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: resp.Document})
	if err != nil {
		return nil, classify(err)
	}
	d.pages = n.PageCount
	return d, nil
}

// classify maps go-pdfium's errors to this package's.
func classify(err error) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword):
		return ErrPassword
	case errors.Is(err, pdfiumerrors.ErrSecurity):
		return ErrSecurity
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile), errors.Is(err, pdfiumerrors.ErrUnknown):
		return fmt.Errorf("%w (%v)", ErrUnreadable, err)
	}
	return fmt.Errorf("pdfium: %w", err)
}

// PageCount is the number of pages.
func (d *Document) PageCount() int { return d.pages }

// Close releases the document and its PDFium instance.
func (d *Document) Close() error {
	if d == nil || d.inst == nil {
		return nil
	}
	defer func() { _ = recover() }()
	_, err := d.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: d.ref})
	d.inst.Close()
	d.inst = nil
	return err
}
