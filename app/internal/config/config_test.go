package config

import (
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testDatabaseURL is in every env unless the test sets DATABASE_URL or
// USERS_STORE: the default USERS_STORE=postgres requires a DATABASE_URL.
const testDatabaseURL = "postgres://goship@db:5432/goship"

func env(vars map[string]string) Lookup {
	_, setsURL := vars["DATABASE_URL"]
	_, setsStore := vars["USERS_STORE"]
	return func(key string) (string, bool) {
		if key == "DATABASE_URL" && !setsURL && !setsStore {
			return testDatabaseURL, true
		}
		v, ok := vars[key]
		return v, ok
	}
}

func TestLoadDefaults(t *testing.T) {
	got, err := Load(env(nil))
	if err != nil {
		t.Fatalf("Load with no variables: %v", err)
	}
	want := Config{
		ListenHost:         "",
		Port:               8080,
		AdminPort:          9090,
		LogLevel:           slog.LevelInfo,
		TrustedProxies:     nil,
		ShutdownDrainDelay: 5 * time.Second,
		ShutdownTimeout:    20 * time.Second,
		ReadHeaderTimeout:  5 * time.Second,
		ReadTimeout:        10 * time.Second,
		WriteTimeout:       15 * time.Second,
		IdleTimeout:        120 * time.Second,
		MaxHeaderBytes:     64 << 10,
		MaxBodyBytes:       1 << 20,
		Tracing:            Tracing{Enabled: false, Sampler: "parentbased_always_on", SamplerRatio: 1},
		UsersStore:         StorePostgres,
		Database:           Database{URL: testDatabaseURL, MaxConns: 10, QueryTimeout: 2 * time.Second, ConnectTimeout: time.Minute},
		Kafka:              Kafka{Topic: "orders", ConsumerGroup: "goship-orders"},
		WorkerDrainTimeout: 25 * time.Second,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadValidValues(t *testing.T) {
	tests := []struct {
		name  string
		vars  map[string]string
		check func(Config) bool
	}{
		{"port", map[string]string{"PORT": "3000"}, func(c Config) bool { return c.Port == 3000 }},
		{"port zero means any free port", map[string]string{"PORT": "0", "ADMIN_PORT": "0"}, func(c Config) bool { return c.Port == 0 && c.AdminPort == 0 }},
		{"admin port", map[string]string{"ADMIN_PORT": "9100"}, func(c Config) bool { return c.AdminPort == 9100 }},
		{"listen host", map[string]string{"LISTEN_HOST": "127.0.0.1"}, func(c Config) bool { return c.ListenHost == "127.0.0.1" }},
		{"listen host ipv6", map[string]string{"LISTEN_HOST": "::1"}, func(c Config) bool { return c.ListenHost == "::1" }},
		{"log level", map[string]string{"LOG_LEVEL": "debug"}, func(c Config) bool { return c.LogLevel == slog.LevelDebug }},
		{"log level is case-insensitive", map[string]string{"LOG_LEVEL": "WARN"}, func(c Config) bool { return c.LogLevel == slog.LevelWarn }},
		{"log level error", map[string]string{"LOG_LEVEL": "error"}, func(c Config) bool { return c.LogLevel == slog.LevelError }},
		{"empty value means default", map[string]string{"PORT": "", "LOG_LEVEL": ""}, func(c Config) bool { return c.Port == 8080 && c.LogLevel == slog.LevelInfo }},
		{"trusted proxies", map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1,fd00::/8"}, func(c Config) bool {
			return reflect.DeepEqual(c.TrustedProxies, []string{"10.0.0.0/8", "192.168.1.1", "fd00::/8"})
		}},
		{"zero drain delay", map[string]string{"SHUTDOWN_DRAIN_DELAY": "0s"}, func(c Config) bool { return c.ShutdownDrainDelay == 0 }},
		{"shutdown timeout", map[string]string{"SHUTDOWN_TIMEOUT": "1m30s"}, func(c Config) bool { return c.ShutdownTimeout == 90*time.Second }},
		{"http timeouts", map[string]string{"READ_HEADER_TIMEOUT": "1s", "READ_TIMEOUT": "2s", "WRITE_TIMEOUT": "3s", "IDLE_TIMEOUT": "4s"}, func(c Config) bool {
			return c.ReadHeaderTimeout == time.Second && c.ReadTimeout == 2*time.Second && c.WriteTimeout == 3*time.Second && c.IdleTimeout == 4*time.Second
		}},
		{"size limits", map[string]string{"MAX_HEADER_BYTES": "8192", "MAX_BODY_BYTES": "1024"}, func(c Config) bool { return c.MaxHeaderBytes == 8192 && c.MaxBodyBytes == 1024 }},
		{"fault injection", map[string]string{"FAULT_DELAY": "1m", "FAULT_ERROR_PERCENT": "100"}, func(c Config) bool { return c.FaultDelay == time.Minute && c.FaultErrorPercent == 100 }},
		{"version header", map[string]string{"VERSION_HEADER": "TRUE"}, func(c Config) bool { return c.VersionHeader }},
		{"sampler and ratio", map[string]string{"OTEL_TRACES_SAMPLER": "ParentBased_TraceIDRatio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}, func(c Config) bool {
			return c.Tracing.Sampler == "parentbased_traceidratio" && c.Tracing.SamplerRatio == 0.25
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(env(tt.vars))
			if err != nil {
				t.Fatalf("Load(%v): %v", tt.vars, err)
			}
			if !tt.check(cfg) {
				t.Errorf("Load(%v) = %+v", tt.vars, cfg)
			}
		})
	}
}

// invalidCases: each message is the one documented in app/README.md.
var invalidCases = []struct{ Key, Value, Message string }{
	{"PORT", "http", `PORT: expected an integer from 0 to 65535, got "http"`},
	{"PORT", "70000", `PORT: expected an integer from 0 to 65535, got "70000"`},
	{"ADMIN_PORT", "-1", `ADMIN_PORT: expected an integer from 0 to 65535, got "-1"`},
	{"LISTEN_HOST", "localhost", `LISTEN_HOST: expected an IP address such as 127.0.0.1, or empty for all interfaces, got "localhost"`},
	{"LOG_LEVEL", "verbose", `LOG_LEVEL: expected one of debug, info, warn, error, got "verbose"`},
	{"TRUSTED_PROXIES", "10.0.0.0/33", `TRUSTED_PROXIES: expected comma-separated IP addresses or CIDRs such as 10.0.0.0/8, got "10.0.0.0/33"`},
	{"TRUSTED_PROXIES", "10.0.0.1,ingress", `TRUSTED_PROXIES: expected comma-separated IP addresses or CIDRs such as 10.0.0.0/8, got "10.0.0.1,ingress"`},
	{"SHUTDOWN_DRAIN_DELAY", "-1s", `SHUTDOWN_DRAIN_DELAY: expected a Go duration of 0s or more such as "5s", got "-1s"`},
	{"SHUTDOWN_DRAIN_DELAY", "5", `SHUTDOWN_DRAIN_DELAY: expected a Go duration of 0s or more such as "5s", got "5"`},
	{"SHUTDOWN_TIMEOUT", "0s", `SHUTDOWN_TIMEOUT: expected a positive Go duration such as "20s", got "0s"`},
	{"READ_HEADER_TIMEOUT", "soon", `READ_HEADER_TIMEOUT: expected a positive Go duration such as "5s", got "soon"`},
	{"READ_TIMEOUT", "-3s", `READ_TIMEOUT: expected a positive Go duration such as "10s", got "-3s"`},
	{"WRITE_TIMEOUT", "1 minute", `WRITE_TIMEOUT: expected a positive Go duration such as "15s", got "1 minute"`},
	{"IDLE_TIMEOUT", "0", `IDLE_TIMEOUT: expected a positive Go duration such as "2m0s", got "0"`},
	{"MAX_HEADER_BYTES", "64KiB", `MAX_HEADER_BYTES: expected an integer number of bytes from 1 to 1073741824, got "64KiB"`},
	{"MAX_BODY_BYTES", "0", `MAX_BODY_BYTES: expected an integer number of bytes from 1 to 1073741824, got "0"`},
	{"MAX_BODY_BYTES", "2147483648", `MAX_BODY_BYTES: expected an integer number of bytes from 1 to 1073741824, got "2147483648"`},
	{"OTEL_SDK_DISABLED", "1", `OTEL_SDK_DISABLED: expected true or false, got "1"`},
	{"OTEL_TRACES_EXPORTER", "console", `OTEL_TRACES_EXPORTER: expected otlp or none, got "console"`},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "otel-collector:4318", `OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:// or https:// URL such as http://otel-collector:4318, got "otel-collector:4318"`},
	{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "grpc://c:4317", `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: expected an http:// or https:// URL such as http://otel-collector:4318, got "grpc://c:4317"`},
	{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", `OTEL_EXPORTER_OTLP_PROTOCOL: expected http/protobuf (the only OTLP protocol this service exports with; grpc is not built in), got "grpc"`},
	{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json", `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: expected http/protobuf (the only OTLP protocol this service exports with; grpc is not built in), got "http/json"`},
	{"OTEL_TRACES_SAMPLER", "jaeger_remote", `OTEL_TRACES_SAMPLER: expected one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio, got "jaeger_remote"`},
	{"OTEL_TRACES_SAMPLER_ARG", "1.5", `OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1 such as 0.25, got "1.5"`},
	{"OTEL_TRACES_SAMPLER_ARG", "NaN", `OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1 such as 0.25, got "NaN"`},
	{"FAULT_DELAY", "2m", `FAULT_DELAY: expected a Go duration from 0s to 1m0s such as "250ms", got "2m"`},
	{"FAULT_DELAY", "-1ms", `FAULT_DELAY: expected a Go duration from 0s to 1m0s such as "250ms", got "-1ms"`},
	{"FAULT_ERROR_PERCENT", "101", `FAULT_ERROR_PERCENT: expected an integer from 0 to 100, got "101"`},
	{"VERSION_HEADER", "yes", `VERSION_HEADER: expected true or false, got "yes"`},
	{"USERS_STORE", "sqlite", `USERS_STORE: expected postgres or memory, got "sqlite"`},
	{"DATABASE_URL", "postgres://db:5432", `DATABASE_URL: expected a postgres:// or postgresql:// URL with a host and a database name such as postgres://goship@db:5432/goship, got "postgres://db:5432"`},
	{"DB_MAX_CONNS", "0", `DB_MAX_CONNS: expected an integer from 1 to 100, got "0"`},
	{"DB_QUERY_TIMEOUT", "0s", `DB_QUERY_TIMEOUT: expected a positive Go duration up to 30s such as "2s", got "0s"`},
	{"DB_QUERY_TIMEOUT", "31s", `DB_QUERY_TIMEOUT: expected a positive Go duration up to 30s such as "2s", got "31s"`},
	{"DB_CONNECT_TIMEOUT", "1h", `DB_CONNECT_TIMEOUT: expected a positive Go duration up to 10m0s such as "1m0s", got "1h"`},
}

func TestLoadDatabase(t *testing.T) {
	cfg, err := Load(env(map[string]string{"USERS_STORE": "Memory"}))
	if err != nil || cfg.UsersStore != StoreMemory || cfg.Database.URL != "" {
		t.Errorf("USERS_STORE=Memory without DATABASE_URL: %+v, %v; want the memory store and no URL", cfg, err)
	}
	vars := map[string]string{"DATABASE_URL": "postgresql://goship:pw@db/goship", "DB_MAX_CONNS": "2", "DB_QUERY_TIMEOUT": "250ms", "DB_CONNECT_TIMEOUT": "5s"}
	cfg, err = Load(env(vars))
	want := Database{URL: vars["DATABASE_URL"], MaxConns: 2, QueryTimeout: 250 * time.Millisecond, ConnectTimeout: 5 * time.Second}
	if err != nil || cfg.UsersStore != StorePostgres || cfg.Database != want {
		t.Errorf("Load(%v) = %+v, %v; want postgres and %+v", vars, cfg.Database, err, want)
	}
}

func TestLoadRequiresDatabaseURLForPostgres(t *testing.T) {
	want := "invalid configuration: DATABASE_URL: required when USERS_STORE=postgres (the default): " +
		"a postgres:// URL such as postgres://goship@db:5432/goship; or USERS_STORE=memory for development"
	for _, vars := range []map[string]string{{"DATABASE_URL": ""}, {"USERS_STORE": "postgres"}, {"USERS_STORE": "postgres", "DATABASE_URL": ""}} {
		if _, err := Load(env(vars)); err == nil || err.Error() != want {
			t.Errorf("Load(%v) error = %v\nwant %s", vars, err, want)
		}
	}
}

// A refused DATABASE_URL is echoed, but never its password.
func TestDatabaseURLIsRedacted(t *testing.T) {
	for _, value := range []string{
		"postgres://goship:s3cret-pw@db:5432",                 // no database name
		"postgres://goship:s3cret-pw@db/goship?sslmode=bogus", // pgconn refuses it
		"postgres://goship:s3cret-pw@db:99999/goship",         // url.Parse refuses it
		"mysql://goship@db/goship?password=s3cret-pw",
	} {
		_, err := Load(env(map[string]string{"DATABASE_URL": value}))
		if err == nil || strings.Contains(err.Error(), "s3cret-pw") || !strings.Contains(err.Error(), "DATABASE_URL: expected") {
			t.Errorf("DATABASE_URL=%q: error %v, want a DATABASE_URL problem without the password", value, err)
		}
	}
}

// Tracing is on only with an endpoint, and then off again with either switch.
func TestLoadTracingEnabled(t *testing.T) {
	tests := []struct {
		vars map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"OTEL_TRACES_SAMPLER": "always_on", "OTEL_SERVICE_NAME": "goship"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "TRUE"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "false", "OTEL_TRACES_EXPORTER": "otlp"}, true},
	}
	for _, tt := range tests {
		cfg, err := Load(env(tt.vars))
		if err != nil {
			t.Fatalf("Load(%v): %v", tt.vars, err)
		}
		if cfg.Tracing.Enabled != tt.want {
			t.Errorf("Load(%v).Tracing.Enabled = %v, want %v", tt.vars, cfg.Tracing.Enabled, tt.want)
		}
	}
}

func TestLoadRejectsEachInvalidVariable(t *testing.T) {
	for _, tc := range invalidCases {
		t.Run(tc.Key+"="+tc.Value, func(t *testing.T) {
			_, err := Load(env(map[string]string{tc.Key: tc.Value}))
			var cfgErr *Error
			if !errors.As(err, &cfgErr) {
				t.Fatalf("Load(%s=%q) error = %v, want *config.Error", tc.Key, tc.Value, err)
			}
			if len(cfgErr.Problems) != 1 || cfgErr.Problems[0] != tc.Message {
				t.Errorf("problems = %q\nwant [%q]", cfgErr.Problems, tc.Message)
			}
		})
	}
}

func TestLoadRejectsSamePortForAPIAndAdmin(t *testing.T) {
	_, err := Load(env(map[string]string{"PORT": "9090"}))
	want := `invalid configuration: ADMIN_PORT: expected a port different from PORT (9090), got "9090"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

func TestLoadReportsEveryInvalidVariableInOneMessage(t *testing.T) {
	vars := map[string]string{}
	for _, tc := range invalidCases {
		vars[tc.Key] = tc.Value // later cases for the same key win; fine
	}
	_, err := Load(env(vars))
	if err == nil {
		t.Fatal("Load accepted all-invalid configuration")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "invalid configuration: ") {
		t.Errorf("message %q lacks the prefix", msg)
	}
	for key := range vars {
		if !strings.Contains(msg, key+": expected") {
			t.Errorf("message does not name %s: %s", key, msg)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("8080", "9090", "info", "10.0.0.0/8", "5s")
	f.Add("", "", "", "", "")
	f.Add("-0", "+9090", "DEBUG", "::1,fe80::1%eth0", "1h2m3.5s")
	f.Fuzz(func(t *testing.T, port, adminPort, level, proxies, drain string) {
		cfg, err := Load(env(map[string]string{
			"PORT": port, "ADMIN_PORT": adminPort, "LOG_LEVEL": level,
			"TRUSTED_PROXIES": proxies, "SHUTDOWN_DRAIN_DELAY": drain,
		}))
		if err != nil {
			var cfgErr *Error
			if !errors.As(err, &cfgErr) || len(cfgErr.Problems) == 0 {
				t.Fatalf("error %v is not a *config.Error with problems", err)
			}
			for _, problem := range cfgErr.Problems {
				if !strings.Contains(problem, ": expected ") {
					t.Fatalf("problem %q does not follow NAME: expected …, got …", problem)
				}
			}
			return
		}
		if cfg.Port < 0 || cfg.Port > 65535 || cfg.AdminPort < 0 || cfg.AdminPort > 65535 {
			t.Fatalf("accepted out-of-range ports %d/%d", cfg.Port, cfg.AdminPort)
		}
		if cfg.Port != 0 && cfg.Port == cfg.AdminPort {
			t.Fatalf("accepted PORT == ADMIN_PORT == %d", cfg.Port)
		}
		if cfg.ShutdownDrainDelay < 0 {
			t.Fatalf("accepted negative drain delay %v", cfg.ShutdownDrainDelay)
		}
		for _, proxy := range cfg.TrustedProxies {
			if !isAddrOrPrefix(proxy) {
				t.Fatalf("accepted trusted proxy %q", proxy)
			}
		}
	})
}
