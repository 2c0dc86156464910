package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/goship/app/internal/pgtest"
)

const kafkaPassword = "kafka-s3cret-pw"

// kafkaEnv starts an in-memory Kafka (franz-go's kfake: the real protocol,
// SCRAM-SHA-512 as the local broker has) with topic orders, and returns the
// variables that reach it.
func kafkaEnv(t *testing.T, partitions int32) []string {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "orders"),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "goship", kafkaPassword))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	return []string{"KAFKA_BROKERS=" + strings.Join(cluster.ListenAddrs(), ","), "KAFKA_TOPIC=orders",
		"KAFKA_SASL_MECHANISM=SCRAM-SHA-512", "KAFKA_USERNAME=goship", "KAFKA_PASSWORD=" + kafkaPassword}
}

func startWorker(t *testing.T, env ...string) *process {
	t.Helper()
	return startCommand(t, []string{"worker"}, []string{"admin"}, "worker: consuming", 0, env...)
}

func postOrder(t *testing.T, url, body, idempotencyKey string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/api/v1/orders", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(answer)
}

// The whole path in two processes: POST /api/v1/orders on the server, Kafka,
// `server worker`, table orders; a client's retry with the same key is one
// row with two deliveries; SIGTERM drains the worker to exit 0.
func TestOrdersFromTheAPIToTheDatabase(t *testing.T) {
	server := pgtest.Shared(t)
	url := server.NewDatabase(t)
	if code, _, out := runMigrate(t, "DATABASE_URL="+url); code != 0 {
		t.Fatalf("migrate: %s", out)
	}
	kafka := kafkaEnv(t, 3)
	api := start(t, append(kafka, "USERS_STORE=postgres", "DATABASE_URL="+url)...)
	worker := startWorker(t, append(kafka, "DATABASE_URL="+url, "WORKER_DRAIN_TIMEOUT=5s")...)

	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := get(t, worker.adminURL+"/readyz")
		if code == 200 && body == `{"status":"ready"}`+"\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker /readyz = %d %s 20 s after start", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, body := get(t, worker.adminURL+"/healthz"); code != 200 || body != `{"status":"alive"}`+"\n" {
		t.Errorf("worker /healthz = %d %s", code, body)
	}

	const n = 30
	for i := range n {
		if code, body := postOrder(t, api.publicURL, fmt.Sprintf(`{"sku":"book","quantity":%d}`, i+1), fmt.Sprintf("order-%d", i)); code != 202 || body != fmt.Sprintf(`{"id":"order-%d"}`, i) {
			t.Fatalf("POST order-%d = %d %s", i, code, body)
		}
	}
	if code, _ := postOrder(t, api.publicURL, `{"sku":"book","quantity":1}`, "order-0"); code != 202 { // the client's retry
		t.Fatalf("retried POST = %d", code)
	}
	database := pgtest.Database(url)
	deadline = time.Now().Add(30 * time.Second)
	for server.QueryInt(t, database, "SELECT coalesce(sum(deliveries), 0) FROM orders") < n+1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d orders recorded after 30 s", server.QueryInt(t, database, "SELECT count(*) FROM orders"), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if rows, again := server.QueryInt(t, database, "SELECT count(*) FROM orders"), server.QueryInt(t, database, "SELECT deliveries FROM orders WHERE id = 'order-0'"); rows != n || again != 2 {
		t.Errorf("%d rows, order-0 delivered %d times; want %d and 2", rows, again, n)
	}
	_, metrics := get(t, worker.adminURL+"/metrics")
	for _, want := range []string{
		fmt.Sprintf("goship_worker_messages_processed_total %d", n+1), "goship_worker_messages_duplicate_total 1",
		"goship_worker_messages_failed_total 0", `goship_worker_consumer_lag{partition="0",topic="orders"} 0`,
		"goship_db_query_duration_seconds_count{operation=\"record_order\"}", "goship_build_info{",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("worker /metrics lacks %q", want)
		}
	}

	if status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", worker.cmd.Process.Pid)); err == nil {
		for line := range strings.SplitSeq(string(status), "\n") {
			if strings.HasPrefix(line, "VmHWM:") { // peak RSS, for the record (inflated under -race)
				t.Logf("worker peak RSS after %d orders: %s", n+1, strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")))
			}
		}
	}
	worker.signal(syscall.SIGTERM)
	if code := worker.waitExit(10 * time.Second); code != 0 {
		t.Errorf("worker exit code %d after SIGTERM, want 0", code)
	}
	worker.waitFor("shutdown: complete", time.Second)
	for name, p := range map[string]*process{"server": api, "worker": worker} {
		if strings.Contains(p.output.String(), kafkaPassword) || strings.Contains(p.output.String(), pgtest.Password) {
			t.Errorf("the %s's output holds a password", name)
		}
	}
}

func TestWorkerRefusesAConfigurationItCannotUse(t *testing.T) {
	for _, tt := range []struct {
		env  []string
		want string
	}{
		{[]string{"DATABASE_URL=postgres://goship@db/goship"}, "invalid configuration: KAFKA_BROKERS: required by server worker"},
		{[]string{"KAFKA_BROKERS=kafka:9092", "USERS_STORE=memory"}, "invalid configuration: DATABASE_URL: required by server worker"},
		{[]string{"USERS_STORE=memory", "LOG_LEVEL=loud"}, `invalid configuration: LOG_LEVEL: expected one of debug, info, warn, error, got "loud"; KAFKA_BROKERS: required by server worker; DATABASE_URL: required by server worker`},
		{
			[]string{"DATABASE_URL=postgres://goship@db/goship", "KAFKA_BROKERS=kafka", "KAFKA_PASSWORD=" + kafkaPassword + "\n"},
			`invalid configuration: KAFKA_BROKERS: expected comma-separated host:port addresses such as kafka-0:9092,kafka-1:9092, got "kafka"; ` +
				`KAFKA_PASSWORD: expected a value without control characters (such as a trailing newline), got "xxxxx"; ` +
				"KAFKA_SASL_MECHANISM: required when KAFKA_USERNAME or KAFKA_PASSWORD is set: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN",
		},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, binaryPath, "worker")
		cmd.Env = tt.env
		out, err := cmd.Output()
		cancel()
		var exitErr *exec.ExitError
		var entry map[string]any
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &entry) != nil {
			t.Errorf("server worker with %v: %v, output %s; want exit 2 and one JSON line", tt.env, err, out)
			continue
		}
		if entry["level"] != "ERROR" || entry["msg"] != tt.want || strings.Contains(string(out), kafkaPassword) {
			t.Errorf("server worker with %v: %v\nwant an ERROR %q, without the password", tt.env, entry, tt.want)
		}
	}
}

// A broker that is down neither delays the server's start nor its
// readiness; orders answer a JSON 503 with Retry-After within the produce
// timeout, and the users API serves on.
func TestServerServesWithTheBrokerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().String()
	ln.Close()
	api := start(t, "KAFKA_BROKERS="+closedPort)
	if code, body := get(t, api.publicURL+"/readyz"); code != 200 {
		t.Errorf("/readyz with the broker down = %d %s, want 200", code, body)
	}
	begin := time.Now()
	code, body := postOrder(t, api.publicURL, `{"sku":"book","quantity":1}`, "")
	if took := time.Since(begin); code != 503 || !strings.Contains(body, `"code":"unavailable"`) || took > 8*time.Second {
		t.Errorf("POST /api/v1/orders with the broker down = %d %s after %s, want a JSON 503 within the 5 s produce timeout", code, body, took)
	}
	if code, _ := get(t, api.publicURL+"/api/v1/users/1"); code != 200 {
		t.Errorf("GET /api/v1/users/1 = %d with the broker down, want 200", code)
	}
}
