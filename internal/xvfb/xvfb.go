// Package xvfb starts a private virtual X display (Xvfb) for the programs
// that run the real window without a screen: the window's tests and the
// benchmark's first-frame step.
package xvfb

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a running Xvfb.
type Server struct {
	// Display is the value for DISPLAY (":N").
	Display string
	cmd     *exec.Cmd
	log     *tailBuffer
}

// Start starts Xvfb on a display it picks itself, with one screen of the
// given geometry ("1280x800x24"), and returns once the display takes
// connections. The server runs with -noreset: a probe or client leaving
// would otherwise reset it, and a client arriving meanwhile is refused.
// An Xvfb that is not installed gives an error wrapping exec.ErrNotFound.
func Start(ctx context.Context, screen string) (*Server, error) {
	// Xvfb writes the number of the display it took to fd 3.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	s := &Server{log: &tailBuffer{}}
	s.cmd = exec.CommandContext(ctx, "Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp", "-noreset")
	s.cmd.ExtraFiles = []*os.File{w}
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	w.Close()
	// Read up to the newline: Xvfb may write the number and the newline
	// apart, and a pipe closed after the first write kills it ("Cannot
	// write display number to fd 3").
	r.SetReadDeadline(time.Now().Add(20 * time.Second))
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	num := strings.TrimSpace(line)
	if err != nil || num == "" {
		s.Stop()
		return nil, fmt.Errorf("Xvfb did not report its display: %v (Xvfb: %s)", err, s.Log())
	}
	s.Display = ":" + num
	// The display can be reported before it takes connections.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
		if err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.Stop()
			return nil, fmt.Errorf("Xvfb display %s takes no connections: %v (Xvfb: %s)", s.Display, err, s.Log())
		}
	}
}

// Stop ends the server with SIGTERM, which lets it remove its lock and
// socket (a SIGKILLed one leaves them behind, and the next server on that
// display may take no clients), and waits for it.
func (s *Server) Stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

// Log returns the end of what the server wrote to stderr.
func (s *Server) Log() string { return strings.TrimSpace(s.log.String()) }

// tailBuffer keeps the last 4 KB written to it.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
