package main

// Process-level tests that no request goes unanswered: not because the log
// output is slow, not because the process is shutting down.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// A log pipeline that drains stdout at 100 kB/s while clients drive the
// service, until it has fallen so far behind that lines are dropped (at least
// 4 s): every request is answered well within WRITE_TIMEOUT (the bound: 1 s,
// where a response that waited on other requests' log lines would be cut off
// at 2 s), no line is torn, and the lines that did not fit are counted in the
// metric and in WARN notices that add up to it.
func TestSlowLogOutputNeverCostsAResponse(t *testing.T) {
	const (
		drainRate    = 100_000 // bytes per second
		writeTimeout = 2 * time.Second
		bound        = time.Second
		clients      = 16
		loadAtLeast  = 4 * time.Second
		loadAtMost   = 60 * time.Second
	)
	p := startDrainingStdoutAt(t, drainRate, "LOG_LEVEL=info", "WRITE_TIMEOUT="+writeTimeout.String())

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
	)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			client := &http.Client{Timeout: 2 * writeTimeout}
			for i := 0; !stop.Load(); i++ {
				url := p.publicURL + "/ping"
				if i%4 == c%4 {
					url = p.publicURL + "/api/v1/users/1"
				}
				began := time.Now()
				resp, err := client.Get(url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				took := time.Since(began)
				mu.Lock()
				latencies = append(latencies, took)
				if err != nil {
					failures = append(failures, fmt.Sprintf("GET %s after %v: %v", url, took, err))
				}
				mu.Unlock()
			}
		})
	}
	began := time.Now()
	droppedSeen := 0.0
	for time.Since(began) < loadAtMost && (time.Since(began) < loadAtLeast || droppedSeen == 0) {
		time.Sleep(500 * time.Millisecond)
		_, metrics := get(t, p.adminURL+"/metrics")
		droppedSeen = metricValue(t, metrics, "goship_log_lines_dropped_total")
	}
	stop.Store(true)
	wg.Wait()
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(30 * time.Second); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	<-p.logsDone

	slices.Sort(latencies)
	worst := latencies[len(latencies)-1]
	t.Logf("%d requests from %d clients with stdout drained at %d B/s: p50 %v, p99 %v, max %v; %d failed; %.0f log lines dropped by then",
		len(latencies), clients, drainRate, latencies[len(latencies)/2], latencies[len(latencies)*99/100], worst, len(failures), droppedSeen)
	if len(failures) > 0 {
		t.Errorf("%d requests failed, first: %s", len(failures), failures[0])
	}
	if worst > bound {
		t.Errorf("slowest request took %v, beyond the %v bound", worst, bound)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.badLines) > 0 {
		t.Errorf("%d log lines are not JSON (torn?), first: %.200q", len(p.badLines), p.badLines[0])
	}
	var noticed, lastTotal float64
	for _, entry := range p.logs {
		if entry["msg"] == "log lines dropped: the log output was slower than the service" {
			if entry["level"] != "WARN" {
				t.Errorf("drop notice at level %v, want WARN", entry["level"])
			}
			noticed += entry["dropped"].(float64)
			lastTotal = entry["dropped_total"].(float64)
		}
	}
	if droppedSeen == 0 {
		t.Errorf("no log line was dropped in %v: the log output was not slower than the service, so this test proves nothing", loadAtMost)
	}
	if noticed != lastTotal || noticed < droppedSeen {
		t.Errorf("notices report %.0f dropped lines (last total %.0f); the metric said %.0f before exit", noticed, lastTotal, droppedSeen)
	}
}

// Keep-alive clients sending GET and POST continuously, straight to the
// process, across SIGTERM: every request written on a connection is answered.
// From SIGTERM on, responses say "Connection: close", so clients reconnect
// while the listener is still open; after the drain new connections are
// refused (the request was never sent, which the client knows).
func TestKeepAliveClientsLoseNothingAcrossSIGTERM(t *testing.T) {
	const drain, clients = 1500 * time.Millisecond, 8
	p := start(t, "SHUTDOWN_DRAIN_DELAY="+drain.String(), "SHUTDOWN_TIMEOUT=5s")
	addr := strings.TrimPrefix(p.publicURL, "http://")

	var sigterm time.Time
	var mu sync.Mutex
	var total keepAliveTally
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			tally := runKeepAliveClient(addr, c, p.exited)
			mu.Lock()
			total.add(tally)
			mu.Unlock()
		})
	}
	time.Sleep(700 * time.Millisecond)
	sigterm = time.Now()
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(10 * time.Second); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	wg.Wait()

	t.Logf("%d keep-alive clients across SIGTERM (drain %v, exit after %v): %d requests answered (%d GET, %d POST), %d on reused connections, %d answered with Connection: close, %d connections refused after the drain, %d unanswered",
		clients, drain, time.Since(sigterm).Round(time.Millisecond), total.answered, total.gets, total.posts, total.reused, total.closing, total.refused, len(total.lost))
	if len(total.lost) > 0 {
		t.Errorf("%d requests were written and never answered, first: %s", len(total.lost), total.lost[0])
	}
	if total.reused == 0 || total.closing == 0 || total.posts == 0 {
		t.Errorf("the clients did not exercise keep-alive (%d reused), the drain (%d Connection: close) or POST (%d)", total.reused, total.closing, total.posts)
	}
}

type keepAliveTally struct {
	answered, gets, posts, reused, closing, refused int
	lost                                            []string
}

func (t *keepAliveTally) add(o keepAliveTally) {
	t.answered += o.answered
	t.gets += o.gets
	t.posts += o.posts
	t.reused += o.reused
	t.closing += o.closing
	t.refused += o.refused
	t.lost = append(t.lost, o.lost...)
}

// runKeepAliveClient is a minimal HTTP/1.1 client that, unlike net/http's,
// never retries: it sends on one connection until the server says
// "Connection: close", then dials again, until the process has exited.
func runKeepAliveClient(addr string, id int, exited <-chan struct{}) keepAliveTally {
	var tally keepAliveTally
	var conn net.Conn
	var reader *bufio.Reader
	uses := 0
	for i := 0; ; i++ {
		select {
		case <-exited:
			if conn != nil {
				conn.Close()
			}
			return tally
		default:
		}
		if conn == nil {
			var err error
			conn, err = net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				if errors.Is(err, syscall.ECONNREFUSED) {
					tally.refused++
				} else {
					tally.lost = append(tally.lost, "dial: "+err.Error())
				}
				time.Sleep(10 * time.Millisecond)
				continue
			}
			reader, uses = bufio.NewReader(conn), 0
		}
		request := "GET /ping HTTP/1.1\r\nHost: test\r\n\r\n"
		if i%2 == 1 {
			body := fmt.Sprintf(`{"name":"Client %d","email":"c%d-%d@example.com"}`, id, id, i)
			request = fmt.Sprintf("POST /api/v1/users HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		}
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		resp, err := writeAndRead(conn, reader, request)
		if err != nil {
			tally.lost = append(tally.lost, fmt.Sprintf("%s on a connection used %d times before: %v", strings.Fields(request)[0], uses, err))
			conn.Close()
			conn = nil
			continue
		}
		tally.answered++
		if uses > 0 {
			tally.reused++
		}
		if i%2 == 1 {
			tally.posts++
		} else {
			tally.gets++
		}
		uses++
		if resp.Close {
			tally.closing++
			conn.Close()
			conn = nil
		}
	}
}

func writeAndRead(conn net.Conn, reader *bufio.Reader, request string) (*http.Response, error) {
	if _, err := io.WriteString(conn, request); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(reader, nil)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, err
}

// metricValue reads an unlabelled sample from the Prometheus text format.
func metricValue(t *testing.T, metrics, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(metrics)
	if m == nil {
		t.Fatalf("metric %s not exported", name)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A body that stops arriving is answered 408 once READ_TIMEOUT passes, as
// JSON, without the socket addresses of the read error.
func TestBodyReadTimeoutIs408WithoutAddresses(t *testing.T) {
	p := start(t, "READ_TIMEOUT=1s")
	slow := startSlowRequest(t, p.publicURL) // headers and part of the body, then nothing
	slow.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(slow.conn), nil)
	if err != nil {
		t.Fatalf("no answer to a body that stopped: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), `"code":"request_timeout"`) {
		t.Errorf("answer %d %s, want 408 request_timeout", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "127.0.0.1") {
		t.Errorf("the answer leaks socket addresses: %s", body)
	}
}

// HEAD is answered on every GET route by the real server: headers, no body.
func TestHeadIsAnsweredWithoutABody(t *testing.T) {
	p := start(t)
	for _, path := range []string{"/ping", "/livez", "/readyz", "/api/v1/users", "/api/v1/users/1"} {
		resp, err := http.Head(p.publicURL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) != 0 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("HEAD %s = %d, %d body bytes, Content-Type %q; want 200, none, JSON", path, resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
		}
	}
}
