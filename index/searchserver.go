package index

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// Reading a library another process holds.
//
// The process holding a library (the window, an import) has its lock, and
// Bleve keeps an exclusive lock on the search index, so no other process
// can open the index, even to read it. SQLite, in WAL mode, can be read by
// other processes at any time. A process that opens the library ReadOnly
// therefore reads SQLite itself and sends its searches to the holder: while
// a library is open, its process answers searches on a unix socket
// (searchSocketPath), one JSON request and one JSON answer per connection.
// Only searches travel this way; every other read is a query on SQLite.

// searchSocketName is the socket's name in the library folder.
const searchSocketName = ".rapport.sock"

// maxSocketPath is the longest socket path used as is (the system limit is
// 104 bytes on macOS, 108 on Linux, with the terminating NUL).
const maxSocketPath = 100

// searchSocketPath is where the process holding the library in dir answers
// searches: .rapport.sock in the folder, or, when that path is too long for
// a socket, a file in the temporary folder named by a hash of the library's
// real path. Both sides compute it alike.
func searchSocketPath(dir string) string {
	p := filepath.Join(dir, searchSocketName)
	if len(p) <= maxSocketPath {
		return p
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		real = dir
	}
	sum := sha256.Sum256([]byte(real))
	return filepath.Join(os.TempDir(), "rapport-"+hex.EncodeToString(sum[:8])+".sock")
}

// socketRequest and socketAnswer are what travels on the socket.
type socketRequest struct {
	Search *SearchRequest `json:"search"`
}

type socketAnswer struct {
	Result *SearchResult `json:"result,omitempty"`
	Error  string        `json:"error,omitempty"`
	// Invalid marks an error in the request itself (ErrInvalidInput).
	Invalid bool `json:"invalid,omitempty"`
}

// maxSocketRequest bounds a request's size.
const maxSocketRequest = 1 << 20

// socketTimeout bounds how long one connection may take.
const socketTimeout = 60 * time.Second

// searchServer answers the searches of other processes while the library
// is open here.
type searchServer struct {
	ln     net.Listener
	path   string
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startSearchServer listens on the library's socket. Should that fail (a
// folder that cannot hold a socket), the library works as before; other
// processes are then told the library is in use.
func startSearchServer(l *Library) *searchServer {
	path := searchSocketPath(l.dir)
	os.Remove(path) // a socket left by a process that died; the lock is ours now
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil
	}
	os.Chmod(path, 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	s := &searchServer{ln: ln, path: path, cancel: cancel}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // closed by stop
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.answer(ctx, l, conn)
			}()
		}
	}()
	return s
}

// stop closes the socket and waits for the searches under way.
func (s *searchServer) stop() {
	if s == nil {
		return
	}
	s.ln.Close()
	s.cancel()
	s.wg.Wait()
	os.Remove(s.path)
}

func (s *searchServer) answer(ctx context.Context, l *Library, conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(socketTimeout))
	var req socketRequest
	var ans socketAnswer
	if err := json.NewDecoder(io.LimitReader(conn, maxSocketRequest)).Decode(&req); err != nil || req.Search == nil {
		ans.Error, ans.Invalid = "bad request", true
	} else {
		res, err := l.Search(ctx, *req.Search)
		if err != nil {
			ans.Error, ans.Invalid = err.Error(), errors.Is(err, ErrInvalidInput)
		} else {
			ans.Result = res
		}
	}
	json.NewEncoder(conn).Encode(&ans)
}

// errNoSearchServer: no process answers on the library's socket.
var errNoSearchServer = errors.New("no process answers searches")

// remoteSearch sends a search to the process holding the library.
func (l *Library) remoteSearch(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	var d net.Dialer
	dialCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := d.DialContext(dialCtx, "unix", searchSocketPath(l.dir))
	if err != nil {
		return nil, errNoSearchServer
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	} else {
		conn.SetDeadline(time.Now().Add(socketTimeout))
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	if err := json.NewEncoder(conn).Encode(socketRequest{Search: &req}); err != nil {
		return nil, fmt.Errorf("search %q in the process holding %s: %w", req.Query, l.dir, err)
	}
	var ans socketAnswer
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&ans); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("search %q in the process holding %s: no answer (%v)", req.Query, l.dir, err)
	}
	if ans.Error != "" {
		if ans.Invalid {
			return nil, fmt.Errorf("%s: %w", strings.TrimSuffix(ans.Error, ": "+ErrInvalidInput.Error()), ErrInvalidInput)
		}
		return nil, errors.New(ans.Error)
	}
	if ans.Result == nil {
		return nil, fmt.Errorf("search %q in the process holding %s: empty answer", req.Query, l.dir)
	}
	return ans.Result, nil
}

// openIndexReadOnly opens the search index for reading, for a read-only
// library whose holder has gone: it waits at most a moment for Bleve's
// lock, and never rebuilds.
func openIndexReadOnly(path string) (bleve.Index, error) {
	// openShardedIndex guards each shard's open against Bleve's panics.
	idx, err := openShardedIndex(path, map[string]any{"read_only": true, "bolt_timeout": "200ms"})
	if err != nil {
		return nil, err
	}
	if err := checkIndexVersion(idx); err != nil {
		idx.Close()
		return nil, fmt.Errorf("the search index is %v and must be rebuilt by a process holding the library", err)
	}
	return idx, nil
}
