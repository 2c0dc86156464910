package main

// Process-level tests: they build the real binary, run it as a child process
// on 127.0.0.1 with ephemeral ports and drive it with signals and sockets.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goship/app/internal/pgtest"
)

var binaryPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "goship-server-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binaryPath = filepath.Join(dir, "server")
	args := []string{"build", "-o", binaryPath, "-ldflags", "-X main.version=process-test"}
	if raceEnabled { // the child gets the race detector when the test has it
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the server binary:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.Cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running server binary.
type process struct {
	t         *testing.T
	cmd       *exec.Cmd
	publicURL string
	adminURL  string
	exited    chan struct{}
	exitErr   error
	logsDone  chan struct{} // closed when stdout reached EOF

	output lockedBuffer // stdout and stderr as written, for failure reports

	mu       sync.Mutex
	logs     []map[string]any
	badLines []string // lines that are not JSON objects: torn or interleaved
}

// throttledReader reads at most bytesPerSecond on average.
type throttledReader struct {
	r              io.Reader
	bytesPerSecond int
	start          time.Time
	read           int
}

func (t *throttledReader) Read(p []byte) (int, error) {
	p = p[:min(len(p), 4096)]
	n, err := t.r.Read(p)
	t.read += n
	time.Sleep(time.Until(t.start.Add(time.Duration(t.read) * time.Second / time.Duration(t.bytesPerSecond))))
	return n, err
}

// lockedBuffer is written by the stdout reader and by exec's stderr copier.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(data []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(data)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the binary on ephemeral loopback ports and waits until it is ready.
func start(t *testing.T, env ...string) *process {
	t.Helper()
	return startDrainingStdoutAt(t, 0, env...)
}

// startDrainingStdoutAt is start with the process's stdout read at most
// bytesPerSecond (0: as fast as it comes), like a slow log pipeline.
func startDrainingStdoutAt(t *testing.T, bytesPerSecond int, env ...string) *process {
	t.Helper()
	return startCommand(t, nil, []string{"public", "admin"}, "ready", bytesPerSecond, env...)
}

// startCommand runs the binary with args and waits for the listening lines of
// servers and then the log line ready.
func startCommand(t *testing.T, args, servers []string, ready string, bytesPerSecond int, env ...string) *process {
	t.Helper()
	p := &process{t: t, exited: make(chan struct{})}
	p.cmd = exec.Command(binaryPath, args...)
	// The memory store unless env names a database (the last value of a key wins).
	p.cmd.Env = append([]string{"PORT=0", "ADMIN_PORT=0", "LISTEN_HOST=127.0.0.1", "LOG_LEVEL=debug", "USERS_STORE=memory"}, env...)
	// An os.Pipe, not StdoutPipe: Wait closes StdoutPipe's reader when the
	// process exits, losing what is still in the pipe; this one is read to EOF.
	stdout, stdoutWriter, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = stdoutWriter
	p.cmd.Stderr = &p.output // the race detector reports here
	err = p.cmd.Start()
	stdoutWriter.Close()
	if err != nil {
		stdout.Close()
		t.Fatal(err)
	}
	p.logsDone = make(chan struct{})
	listening := make(chan map[string]any, 2)
	var logs io.Reader = stdout
	if bytesPerSecond > 0 {
		logs = &throttledReader{r: stdout, bytesPerSecond: bytesPerSecond, start: time.Now()}
	}
	go p.readLogs(logs, listening)
	go func() {
		p.exitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		<-p.logsDone
		stdout.Close()
		if t.Failed() {
			t.Logf("server output:\n%s", p.output.String())
		}
	})

	for range servers {
		select {
		case entry := <-listening:
			url := "http://" + entry["addr"].(string)
			if entry["server"] == "public" {
				p.publicURL = url
			} else {
				p.adminURL = url
			}
		case <-p.exited:
			t.Fatalf("server exited during start-up: %v", p.exitErr)
		case <-time.After(30 * time.Second):
			t.Fatal("server did not report its listeners")
		}
	}
	p.waitFor(ready, 10*time.Second)
	return p
}

func (p *process) readLogs(r io.Reader, listening chan<- map[string]any) {
	defer close(p.logsDone)
	scanner := bufio.NewScanner(r)
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		p.output.Write(append(scanner.Bytes(), '\n'))
		var entry map[string]any
		p.mu.Lock()
		if json.Unmarshal(scanner.Bytes(), &entry) == nil {
			p.logs = append(p.logs, entry)
		} else {
			p.badLines = append(p.badLines, scanner.Text())
		}
		p.mu.Unlock()
		if entry["msg"] == "listening" {
			listening <- entry
		}
	}
}

// waitFor waits for a log line with the given message and returns it.
func (p *process) waitFor(msg string, timeout time.Duration) map[string]any {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		for _, entry := range p.logs {
			if entry["msg"] == msg {
				p.mu.Unlock()
				return entry
			}
		}
		p.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatalf("no log line %q within %v", msg, timeout)
	return nil
}

func (p *process) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
}

// waitExit returns the exit code, failing if the process outlives timeout.
func (p *process) waitExit(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(timeout):
		p.t.Fatalf("process still running after %v", timeout)
	}
	var exitErr *exec.ExitError
	if errors.As(p.exitErr, &exitErr) {
		return exitErr.ExitCode()
	}
	if p.exitErr != nil {
		p.t.Fatal(p.exitErr)
	}
	return 0
}

// get uses a fresh connection per request, as a new client would.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// slowRequest is a PUT whose body the client is still sending: the server has
// read the headers and its handler is reading the body, so the request is in
// flight for as long as the test wants.
type slowRequest struct {
	conn net.Conn
	rest string
}

func startSlowRequest(t *testing.T, baseURL string) *slowRequest {
	t.Helper()
	body := `{"name":"Ada King","email":"ada@example.org"}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("PUT /api/v1/users/1 HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	if _, err := io.WriteString(conn, head+body[:10]); err != nil {
		t.Fatal(err)
	}
	return &slowRequest{conn: conn, rest: body[10:]}
}

// finish sends the rest of the body and returns the response status and body.
func (s *slowRequest) finish(t *testing.T) (int, string, error) {
	t.Helper()
	if _, err := io.WriteString(s.conn, s.rest); err != nil {
		return 0, "", err
	}
	s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(s.conn), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), nil
}

func TestServesPublicAndAdminPorts(t *testing.T) {
	p := start(t)
	if status, body := get(t, p.publicURL+"/ping"); status != 200 || body != `{"message":"pong"}` {
		t.Errorf("/ping = %d %s", status, body)
	}
	if status, _ := get(t, p.publicURL+"/readyz"); status != 200 {
		t.Errorf("/readyz = %d, want 200", status)
	}
	status, metrics := get(t, p.adminURL+"/metrics")
	if status != 200 || !strings.Contains(metrics, `http_requests_total{code="200",method="GET",route="/ping"} 1`) ||
		!strings.Contains(metrics, `goship_build_info{goversion=`) || !strings.Contains(metrics, `version="process-test"`) {
		t.Errorf("/metrics = %d:\n%s", status, metrics)
	}
	if status, _ := get(t, p.adminURL+"/debug/pprof/"); status != 200 {
		t.Errorf("admin /debug/pprof/ = %d", status)
	}
	if status, _ := get(t, p.publicURL+"/metrics"); status != 404 {
		t.Errorf("public /metrics = %d, want 404: metrics belong on the admin port only", status)
	}
	if status, _ := get(t, p.publicURL+"/debug/pprof/"); status != 404 {
		t.Errorf("public /debug/pprof/ = %d, want 404", status)
	}
}

func TestGracefulShutdown(t *testing.T) {
	const drain, timeout = 1500 * time.Millisecond, 5 * time.Second
	p := start(t, "SHUTDOWN_DRAIN_DELAY="+drain.String(), "SHUTDOWN_TIMEOUT="+timeout.String())
	inFlight := startSlowRequest(t, p.publicURL)
	time.Sleep(100 * time.Millisecond) // let the server read the headers

	sigterm := time.Now()
	p.signal(syscall.SIGTERM)

	// Readiness flips at once...
	p.waitFor("shutdown: draining; readiness is now 503", time.Second)
	if status, body := get(t, p.publicURL+"/readyz"); status != 503 || !strings.Contains(body, "draining") {
		t.Errorf("/readyz after SIGTERM = %d %s, want 503 draining", status, body)
	}
	if elapsed := time.Since(sigterm); elapsed > drain/2 {
		t.Errorf("readiness took %v to flip", elapsed)
	}
	// ...while new connections are still served during the drain.
	if status, _ := get(t, p.publicURL+"/ping"); status != 200 {
		t.Errorf("/ping during drain = %d, want 200", status)
	}
	if status, _ := get(t, p.publicURL+"/livez"); status != 200 {
		t.Errorf("/livez during drain = %d, want 200", status)
	}

	// After the drain the listener is closed although a request is in flight.
	time.Sleep(time.Until(sigterm.Add(drain + 300*time.Millisecond)))
	p.waitFor("shutdown: closing listeners; waiting for in-flight requests", time.Second)
	select {
	case <-p.exited:
		t.Fatal("process exited before the in-flight request completed")
	default:
	}
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.publicURL, "http://"), time.Second)
	if err == nil {
		conn.Close()
		t.Error("new connection accepted after the drain")
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after drain: %v, want connection refused", err)
	}

	// The in-flight request completes normally.
	status, body, err := inFlight.finish(t)
	if err != nil || status != 200 || !strings.Contains(body, `"name":"Ada King"`) {
		t.Errorf("in-flight request = %d %q %v, want 200 with the updated user", status, body, err)
	}

	if code := p.waitExit(timeout); code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	if elapsed := time.Since(sigterm); elapsed > drain+timeout {
		t.Errorf("exit took %v, beyond drain+timeout %v", elapsed, drain+timeout)
	}
	p.waitFor("shutdown: complete", time.Second)
}

func TestShutdownDeadlineCutsOffStuckRequests(t *testing.T) {
	const timeout = 500 * time.Millisecond
	p := start(t, "SHUTDOWN_DRAIN_DELAY=0s", "SHUTDOWN_TIMEOUT="+timeout.String())
	startSlowRequest(t, p.publicURL) // never finished
	time.Sleep(100 * time.Millisecond)

	p.signal(syscall.SIGTERM)
	if code := p.waitExit(timeout + 3*time.Second); code != 1 {
		t.Errorf("exit code = %d, want 1 when in-flight requests miss the deadline", code)
	}
	p.waitFor("shutdown: deadline exceeded; in-flight requests were cut off", time.Second)
}

func TestInterruptAlsoShutsDownCleanly(t *testing.T) {
	p := start(t, "SHUTDOWN_DRAIN_DELAY=0s")
	p.signal(os.Interrupt)
	if code := p.waitExit(5 * time.Second); code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
}

func TestBusyPortFailsStartup(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	cmd := exec.Command(binaryPath)
	cmd.Env = []string{"LISTEN_HOST=127.0.0.1", fmt.Sprintf("PORT=%d", port), "ADMIN_PORT=0", "USERS_STORE=memory"}
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("exit = %v, want code 1; output %s", err, out)
	}
	if !strings.Contains(string(out), "public listener") || !strings.Contains(string(out), "address already in use") {
		t.Errorf("output does not explain the failure: %s", out)
	}
}

// Each invalid variable exits 2 before listening, with the message documented
// in app/README.md, as one JSON log line.
func TestInvalidConfiguration(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"PORT=http"}, `PORT: expected an integer from 0 to 65535, got "http"`},
		{[]string{"ADMIN_PORT=99999"}, `ADMIN_PORT: expected an integer from 0 to 65535, got "99999"`},
		{[]string{"PORT=9090", "ADMIN_PORT=9090"}, `ADMIN_PORT: expected a port different from PORT (9090), got "9090"`},
		{[]string{"LISTEN_HOST=localhost"}, `LISTEN_HOST: expected an IP address such as 127.0.0.1, or empty for all interfaces, got "localhost"`},
		{[]string{"LOG_LEVEL=verbose"}, `LOG_LEVEL: expected one of debug, info, warn, error, got "verbose"`},
		{[]string{"TRUSTED_PROXIES=10.0.0.0/33"}, `TRUSTED_PROXIES: expected comma-separated IP addresses or CIDRs such as 10.0.0.0/8, got "10.0.0.0/33"`},
		{[]string{"SHUTDOWN_DRAIN_DELAY=5"}, `SHUTDOWN_DRAIN_DELAY: expected a Go duration of 0s or more such as "5s", got "5"`},
		{[]string{"SHUTDOWN_TIMEOUT=0s"}, `SHUTDOWN_TIMEOUT: expected a positive Go duration such as "20s", got "0s"`},
		{[]string{"READ_HEADER_TIMEOUT=soon"}, `READ_HEADER_TIMEOUT: expected a positive Go duration such as "5s", got "soon"`},
		{[]string{"READ_TIMEOUT=-1s"}, `READ_TIMEOUT: expected a positive Go duration such as "10s", got "-1s"`},
		{[]string{"WRITE_TIMEOUT=1m "}, `WRITE_TIMEOUT: expected a positive Go duration such as "15s", got "1m "`},
		{[]string{"IDLE_TIMEOUT=0"}, `IDLE_TIMEOUT: expected a positive Go duration such as "2m0s", got "0"`},
		{[]string{"MAX_HEADER_BYTES=64KiB"}, `MAX_HEADER_BYTES: expected an integer number of bytes from 1 to 1073741824, got "64KiB"`},
		{[]string{"MAX_BODY_BYTES=0"}, `MAX_BODY_BYTES: expected an integer number of bytes from 1 to 1073741824, got "0"`},
		{[]string{"USERS_STORE=postgres"}, `DATABASE_URL: required when USERS_STORE=postgres (the default): a postgres:// URL such as postgres://goship@db:5432/goship; or USERS_STORE=memory for development`},
		{[]string{"USERS_STORE=postgres", "DATABASE_URL=postgres://goship:s3cret-pw@db/goship?sslmode=bogus"}, `DATABASE_URL: expected a postgres:// or postgresql:// URL with a host and a database name such as postgres://goship@db:5432/goship, got "postgres://goship:xxxxx@db/goship?sslmode=bogus"`},
		{[]string{"DB_MAX_CONNS=1000"}, `DB_MAX_CONNS: expected an integer from 1 to 100, got "1000"`},
		{
			[]string{"PORT=x", "LOG_LEVEL=loud", "SHUTDOWN_TIMEOUT=never"},
			`invalid configuration: PORT: expected an integer from 0 to 65535, got "x"; LOG_LEVEL: expected one of debug, info, warn, error, got "loud"; SHUTDOWN_TIMEOUT: expected a positive Go duration such as "20s", got "never"`,
		},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.env, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binaryPath) // killed if it starts serving
			cmd.Env = append([]string{"LISTEN_HOST=127.0.0.1", "ADMIN_PORT=0", "USERS_STORE=memory"}, tt.env...)
			out, err := cmd.Output()
			if ctx.Err() != nil {
				t.Fatal("server with invalid configuration did not exit; it must not start")
			}
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
				t.Fatalf("exit = %v, want code 2; output %s", err, out)
			}
			if strings.Contains(string(out), "s3cret-pw") {
				t.Errorf("the output holds the password: %s", out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			var entry map[string]any
			if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &entry) != nil {
				t.Fatalf("want exactly one JSON line, got %q", out)
			}
			msg, _ := entry["msg"].(string)
			if entry["level"] != "ERROR" || !strings.HasPrefix(msg, "invalid configuration: ") || !strings.Contains(msg, tt.want) {
				t.Errorf("log line %v\nwant an ERROR whose msg contains %s", entry, tt.want)
			}
		})
	}
}
