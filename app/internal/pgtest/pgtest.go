// Package pgtest runs throw-away PostgreSQL servers for tests: initdb once per
// test binary, then a copy of that cluster per server, run as the postgres OS
// user when the tests run as root (PostgreSQL refuses root). Trust on the unix
// socket (the admin connection), scram-sha-256 on TCP 127.0.0.1 (the URLs
// handed to the code under test, so passwords are exercised). Missing
// binaries fail the test with how to install them: never a skip.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Password is the superuser's password over TCP. Tests that check redaction
// look for it in logs and errors.
const Password = "pgtest-s3cret-pw"

// DefaultBin is Debian's postgresql-15 server bindir; PGTEST_BIN overrides it.
const DefaultBin = "/usr/lib/postgresql/15/bin"

const startTimeout = 60 * time.Second

// Server is one running (or stopped) PostgreSQL cluster.
type Server struct {
	Port int

	dir       string // owned by the server's OS user
	bin       string
	cred      *syscall.Credential // nil: run as ourselves
	mu        sync.Mutex
	cmd       *exec.Cmd
	exited    chan struct{}
	counter   atomic.Int64
	templates map[string]bool // made by CreateTemplate
}

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
	templateCred *syscall.Credential
)

// New starts a server of the test's own (stopped and removed at cleanup):
// for tests that stop and restart it.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Remove)
	return s
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared is the test binary's one server, started on first use; Main removes it.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = Start() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.srv
}

// Main runs the tests, then removes the shared server and the template:
// call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// Cleanup removes the shared server and the template, for a TestMain that
// does more than Main.
func Cleanup() {
	if shared.srv != nil {
		shared.srv.Remove()
	}
	if templateDir != "" {
		os.RemoveAll(filepath.Dir(templateDir))
	}
}

// Start makes a new cluster from the template and starts it.
func Start() (*Server, error) {
	templateOnce.Do(func() { templateDir, templateErr = initTemplate() })
	if templateErr != nil {
		return nil, templateErr
	}
	root, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: root, bin: binDir(), cred: templateCred}
	if out, err := exec.Command("cp", "-a", templateDir, s.dataDir()).CombinedOutput(); err != nil {
		os.RemoveAll(root)
		return nil, fmt.Errorf("pgtest: copying the template cluster: %v: %s", err, out)
	}
	if err := os.Mkdir(s.socketDir(), 0o700); err != nil {
		return nil, err
	}
	if err := s.chown(root); err != nil {
		return nil, err
	}
	if s.Port, err = freePort(); err != nil {
		return nil, err
	}
	if err := s.Restart(); err != nil {
		s.Remove()
		return nil, err
	}
	return s, nil
}

func binDir() string {
	if dir := os.Getenv("PGTEST_BIN"); dir != "" {
		return dir
	}
	return DefaultBin
}

// checkBinaries says how to install what is missing: the tests then fail, never skip.
func checkBinaries(bin string) error {
	for _, tool := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
			return fmt.Errorf("pgtest: PostgreSQL server binaries not found (%v): install them with "+
				"`apt-get install postgresql-15` (Debian), or set PGTEST_BIN to the bindir of another installation", err)
		}
	}
	return nil
}

func initTemplate() (string, error) {
	bin := binDir()
	if err := checkBinaries(bin); err != nil {
		return "", err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", fmt.Errorf("pgtest: running as root needs the postgres OS user (PostgreSQL refuses root): %v; `apt-get install postgresql-15` creates it", err)
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		templateCred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	root, err := os.MkdirTemp("", "pgtest-template-")
	if err != nil {
		return "", err
	}
	s := &Server{dir: root, cred: templateCred}
	pwfile := filepath.Join(root, "pwfile")
	if err := os.WriteFile(pwfile, []byte(Password+"\n"), 0o600); err != nil {
		return "", err
	}
	if err := s.chown(root); err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(bin, "initdb"), "-D", s.dataDir(), "-U", "postgres", "--pwfile", pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: templateCred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	return s.dataDir(), nil
}

func (s *Server) dataDir() string   { return filepath.Join(s.dir, "data") }
func (s *Server) socketDir() string { return filepath.Join(s.dir, "sock") }
func (s *Server) logFile() string   { return filepath.Join(s.dir, "postgres.log") }

func (s *Server) chown(root string) error {
	if s.cred == nil {
		return nil
	}
	return filepath.Walk(root, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(s.cred.Uid), int(s.cred.Gid))
	})
}

// Restart starts the server again after Stop (or for the first time), on the
// same port and data, and waits until it accepts connections.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("pgtest: server already running")
	}
	logFile, err := os.OpenFile(s.logFile(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), "-D", s.dataDir(),
		"-c", "listen_addresses=127.0.0.1", "-c", "port="+strconv.Itoa(s.Port),
		"-c", "unix_socket_directories="+s.socketDir(), "-c", "max_connections=60",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "shared_buffers=16MB", "-c", "log_min_messages=warning")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Pdeathsig: a test binary that dies (a timeout panic, a kill) takes its servers along.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: starting postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited

	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.adminDSN("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-exited:
			s.cmd = nil
			return fmt.Errorf("pgtest: postgres exited at start: %s", s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within %s: %v\n%s", startTimeout, err, s.logTail())
		}
	}
}

// Stop shuts the server down (fast: clients are disconnected at once), as a
// database outage looks to the code under test.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
	return nil
}

// Remove stops the server and deletes its files.
func (s *Server) Remove() {
	s.Stop()
	os.RemoveAll(s.dir)
}

func (s *Server) logTail() string {
	data, _ := os.ReadFile(s.logFile())
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

func (s *Server) adminDSN(database string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s connect_timeout=5", s.socketDir(), s.Port, database)
}

// URL is database's URL over TCP with the password, as DATABASE_URL.
func (s *Server) URL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", Password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)), Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// NewDatabase creates an empty database for the test, dropped at cleanup,
// and returns its URL.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	return s.NewDatabaseFrom(t, "template1")
}

// NewDatabaseFrom is NewDatabase with a copy of template (CREATE DATABASE …
// TEMPLATE: a file copy, much cheaper than replaying its migrations); nothing
// may be connected to template.
func (s *Server) NewDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%s", s.counter.Add(1), sanitize(t.Name()))
	s.Exec(t, "postgres", "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{template}.Sanitize())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, s.adminDSN("postgres"))
		if err != nil {
			return // the server is stopped or gone: so is the database
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: dropping %s: %v", name, err)
		}
	})
	return s.URL(name)
}

// CreateTemplate creates database name once per server, with setup given its
// URL, for NewDatabaseFrom; later calls return at once.
func (s *Server) CreateTemplate(t testing.TB, name string, setup func(url string) error) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.templates[name] {
		return
	}
	s.Exec(t, "postgres", "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	if err := setup(s.URL(name)); err != nil {
		t.Fatalf("pgtest: template %s: %v", name, err)
	}
	if s.templates == nil {
		s.templates = map[string]bool{}
	}
	s.templates[name] = true
}

// Database is the name of the database a URL from NewDatabase points at.
func Database(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}

// Exec runs sql as the superuser in database, over the unix socket.
func (s *Server) Exec(t testing.TB, database, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.adminDSN(database))
	if err != nil {
		t.Fatalf("pgtest: connecting to %s: %v", database, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}

// QueryInt runs a query with one integer result as the superuser.
func (s *Server) QueryInt(t testing.TB, database, sql string, args ...any) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.adminDSN(database))
	if err != nil {
		t.Fatalf("pgtest: connecting to %s: %v", database, err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
	return n
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Blackhole returns a DATABASE_URL whose server accepts connections and never
// answers: the hang that only deadlines end.
func Blackhole(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read from
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return fmt.Sprintf("postgres://goship:%s@%s/goship?sslmode=disable", Password, ln.Addr())
}
