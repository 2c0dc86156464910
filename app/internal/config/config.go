// Package config reads the service configuration from environment variables,
// applies defaults and validates every value before anything starts.
// Every variable is documented in app/README.md; keep the two in step.
package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Config is the validated service configuration.
type Config struct {
	ListenHost string // IP address both servers bind to; "" = all interfaces
	Port       int    // public API port; 0 = any free port
	AdminPort  int    // metrics and pprof port; 0 = any free port

	LogLevel       slog.Level
	TrustedProxies []string // CIDRs or IPs whose X-Forwarded-For is believed; nil = none

	ShutdownDrainDelay time.Duration // readiness is 503 but requests are still served
	ShutdownTimeout    time.Duration // deadline for in-flight requests after the drain

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	MaxBodyBytes      int64

	Tracing Tracing // the OTEL_* variables (otel.go)

	UsersStore string   // StorePostgres or StoreMemory (database.go)
	Database   Database // DATABASE_URL and the DB_* variables

	Kafka              Kafka         // the KAFKA_* variables (kafka.go); orders are off without brokers
	WorkerDrainTimeout time.Duration // `server worker`: SIGTERM to exit, the message in hand included

	// Fault injection for tests: off (zero) unless set. Probes are exempt.
	FaultDelay        time.Duration // added to every other public-port request
	FaultErrorPercent int           // share of those requests answered 500

	// VersionHeader adds X-Goship-Version to every response, so that a load
	// generator can count responses by version during a canary release.
	VersionHeader bool
}

// Lookup returns the value of an environment variable and whether it is set;
// os.LookupEnv in production, a map in tests.
type Lookup func(key string) (string, bool)

// Error lists every invalid variable, so an operator fixes them all in one go.
type Error struct {
	Problems []string // each "NAME: expected …, got …"
}

func (e *Error) Error() string {
	return "invalid configuration: " + strings.Join(e.Problems, "; ")
}

// Load reads the configuration. An empty variable counts as unset, so a
// Kubernetes manifest can blank a value to get the default.
func Load(lookup Lookup) (Config, error) {
	p := parser{lookup: lookup}
	cfg := Config{
		ListenHost:         p.ipAddress("LISTEN_HOST"),
		Port:               p.port("PORT", 8080),
		AdminPort:          p.port("ADMIN_PORT", 9090),
		LogLevel:           p.logLevel("LOG_LEVEL", slog.LevelInfo),
		TrustedProxies:     p.proxies("TRUSTED_PROXIES"),
		ShutdownDrainDelay: p.duration("SHUTDOWN_DRAIN_DELAY", 5*time.Second, allowZero),
		ShutdownTimeout:    p.duration("SHUTDOWN_TIMEOUT", 20*time.Second, positive),
		ReadHeaderTimeout:  p.duration("READ_HEADER_TIMEOUT", 5*time.Second, positive),
		ReadTimeout:        p.duration("READ_TIMEOUT", 10*time.Second, positive),
		WriteTimeout:       p.duration("WRITE_TIMEOUT", 15*time.Second, positive),
		IdleTimeout:        p.duration("IDLE_TIMEOUT", 120*time.Second, positive),
		MaxHeaderBytes:     int(p.byteCount("MAX_HEADER_BYTES", 64<<10)),
		MaxBodyBytes:       p.byteCount("MAX_BODY_BYTES", 1<<20),
		Tracing:            p.tracing(),
		FaultDelay:         p.durationAtMost("FAULT_DELAY", 0, maxFaultDelay, "250ms"),
		FaultErrorPercent:  p.integer("FAULT_ERROR_PERCENT", 0, 0, 100),
		VersionHeader:      p.enum("VERSION_HEADER", "false", []string{"true", "false"}, "true or false") == "true",
	}
	cfg.UsersStore, cfg.Database = p.database()
	cfg.Kafka, cfg.WorkerDrainTimeout = p.kafka()
	if cfg.Port != 0 && cfg.Port == cfg.AdminPort {
		p.problem("ADMIN_PORT", fmt.Sprintf("a port different from PORT (%d)", cfg.Port), strconv.Itoa(cfg.AdminPort))
	}
	if len(p.problems) > 0 {
		return Config{}, &Error{Problems: p.problems}
	}
	return cfg, nil
}

type durationRule bool

const (
	allowZero durationRule = true
	positive  durationRule = false
)

// parser collects problems instead of stopping at the first one.
type parser struct {
	lookup   Lookup
	problems []string
}

func (p *parser) value(key string) (string, bool) {
	v, ok := p.lookup(key)
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

func (p *parser) problem(key, expected, got string) {
	p.problems = append(p.problems, fmt.Sprintf("%s: expected %s, got %q", key, expected, got))
}

func (p *parser) port(key string, def int) int {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > 65535 {
		p.problem(key, "an integer from 0 to 65535", raw)
		return def
	}
	return n
}

func (p *parser) duration(key string, def time.Duration, rule durationRule) time.Duration {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(raw)
	switch {
	case rule == allowZero && (err != nil || d < 0):
		p.problem(key, fmt.Sprintf("a Go duration of 0s or more such as %q", def.String()), raw)
	case rule == positive && (err != nil || d <= 0):
		p.problem(key, fmt.Sprintf("a positive Go duration such as %q", def.String()), raw)
	default:
		return d
	}
	return def
}

// maxFaultDelay bounds FAULT_DELAY: a longer delay is a typo (5m for 5ms),
// and would outlast every timeout of the servers and of Kubernetes' probes.
const maxFaultDelay = time.Minute

// durationAtMost accepts a Go duration from 0 to max; example is the value
// the message suggests.
func (p *parser) durationAtMost(key string, def, max time.Duration, example string) time.Duration {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 || d > max {
		p.problem(key, fmt.Sprintf("a Go duration from 0s to %s such as %q", max, example), raw)
		return def
	}
	return d
}

// integer accepts a decimal integer from min to max.
func (p *parser) integer(key string, def, min, max int) int {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		p.problem(key, fmt.Sprintf("an integer from %d to %d", min, max), raw)
		return def
	}
	return n
}

// byteCount accepts a plain positive integer number of bytes up to 1 GiB:
// anything larger is a mistake for a header or body limit.
func (p *parser) byteCount(key string, def int64) int64 {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 || n > 1<<30 {
		p.problem(key, "an integer number of bytes from 1 to 1073741824", raw)
		return def
	}
	return n
}

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

func (p *parser) logLevel(key string, def slog.Level) slog.Level {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	level, known := logLevels[strings.ToLower(raw)]
	if !known {
		p.problem(key, "one of debug, info, warn, error", raw)
		return def
	}
	return level
}

func (p *parser) ipAddress(key string) string {
	raw, ok := p.value(key)
	if !ok {
		return ""
	}
	if _, err := netip.ParseAddr(raw); err != nil {
		p.problem(key, "an IP address such as 127.0.0.1, or empty for all interfaces", raw)
		return ""
	}
	return raw
}

func (p *parser) proxies(key string) []string {
	raw, ok := p.value(key)
	if !ok {
		return nil
	}
	var proxies []string
	for entry := range strings.SplitSeq(raw, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if !isAddrOrPrefix(entry) {
			p.problem(key, "comma-separated IP addresses or CIDRs such as 10.0.0.0/8", raw)
			return nil
		}
		proxies = append(proxies, entry)
	}
	return proxies
}

func isAddrOrPrefix(s string) bool {
	if strings.Contains(s, "/") {
		_, err := netip.ParsePrefix(s)
		return err == nil
	}
	// Gin parses trusted proxies with net.ParseIP, which rejects IPv6 zones.
	addr, err := netip.ParseAddr(s)
	return err == nil && addr.Zone() == ""
}
