package config

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/goship/app/internal/redact"
)

// SASL mechanisms of KAFKA_SASL_MECHANISM (any case; stored in upper case, as Kafka names them).
const (
	SASLScramSHA512 = "SCRAM-SHA-512"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLPlain       = "PLAIN"
)

// Kafka is the broker connection the orders producer (POST /api/v1/orders)
// and `server worker` share. Brokers == nil: orders are not enabled.
type Kafka struct {
	Brokers       []string // host:port seeds
	Topic         string
	SASLMechanism string // "" = no SASL; else one of the SASL* constants
	Username      string
	Password      string // a secret: never logged, masked in messages
	TLS           bool   // TLS with the system roots
	ConsumerGroup string // `server worker` only
}

// Enabled reports whether a broker is configured.
func (k Kafka) Enabled() bool { return len(k.Brokers) > 0 }

// Expected texts of the Kafka variables, shared with spec.go.
const (
	expectedBrokers   = "comma-separated host:port addresses such as kafka-0:9092,kafka-1:9092"
	expectedKafkaName = "1 to 249 letters, digits, '.', '_' or '-' (a Kafka topic or group name)"
	expectedText      = "a value without control characters (such as a trailing newline)"
	expectedMechanism = "SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN"
	expectedBool      = "true or false"
)

// kafkaNamePattern is the rule Kafka applies to topic names; group ids are
// held to it too, so that both are safe in metric labels and KEDA triggers.
var kafkaNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,249}$`)

func (p *parser) kafka() (Kafka, time.Duration) {
	mechanism := p.enum("KAFKA_SASL_MECHANISM", "", []string{"scram-sha-512", "scram-sha-256", "plain"}, expectedMechanism)
	k := Kafka{
		Brokers:       p.brokers("KAFKA_BROKERS"),
		Topic:         p.kafkaName("KAFKA_TOPIC", "orders"),
		SASLMechanism: strings.ToUpper(mechanism),
		Username:      p.text("KAFKA_USERNAME", false),
		Password:      p.text("KAFKA_PASSWORD", true),
		TLS:           p.enum("KAFKA_TLS", "false", []string{"true", "false"}, expectedBool) == "true",
		ConsumerGroup: p.kafkaName("KAFKA_CONSUMER_GROUP", "goship-orders"),
	}
	drainTimeout := p.duration("WORKER_DRAIN_TIMEOUT", 25*time.Second, positive)
	// Whether each is set at all: a refused value is its own problem, not also a missing one.
	_, mechanismSet := p.value("KAFKA_SASL_MECHANISM")
	_, userSet := p.value("KAFKA_USERNAME")
	_, passwordSet := p.value("KAFKA_PASSWORD")
	switch {
	case mechanismSet && (!userSet || !passwordSet):
		p.problems = append(p.problems, "KAFKA_USERNAME and KAFKA_PASSWORD: both required when KAFKA_SASL_MECHANISM is set")
	case !mechanismSet && (userSet || passwordSet):
		// Credentials without a mechanism would silently connect without SASL.
		p.problems = append(p.problems, "KAFKA_SASL_MECHANISM: required when KAFKA_USERNAME or KAFKA_PASSWORD is set: "+expectedMechanism)
	}
	return k, drainTimeout
}

// brokers accepts host:port entries (spaces around commas allowed, empty
// entries ignored), each with a host and a port from 1 to 65535.
func (p *parser) brokers(key string) []string {
	raw, ok := p.value(key)
	if !ok {
		return nil
	}
	var brokers []string
	for entry := range strings.SplitSeq(raw, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if !isHostPort(entry) {
			p.problem(key, expectedBrokers, raw)
			return nil
		}
		brokers = append(brokers, entry)
	}
	if len(brokers) == 0 {
		p.problem(key, expectedBrokers, raw)
	}
	return brokers
}

var hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

func isHostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" {
		return false
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || strings.HasPrefix(port, "+") {
		return false
	}
	if strings.HasPrefix(s, "[") || strings.Contains(host, ":") { // [IPv6]:port, and only that in brackets
		return strings.Contains(host, ":") && isAddrOrPrefix(host) && !strings.Contains(host, "/")
	}
	return hostPattern.MatchString(host)
}

func (p *parser) kafkaName(key, def string) string {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	if !kafkaNamePattern.MatchString(raw) {
		p.problem(key, expectedKafkaName, raw)
		return def
	}
	return raw
}

// text accepts any value without control characters: a credential read from
// a file with its trailing newline would otherwise fail authentication with
// no hint why. A secret's value is never echoed.
func (p *parser) text(key string, secret bool) string {
	raw, ok := p.value(key)
	if !ok {
		return ""
	}
	if strings.IndexFunc(raw, unicode.IsControl) >= 0 {
		shown := raw
		if secret {
			shown = redact.Mask
		}
		p.problem(key, expectedText, shown)
		return ""
	}
	return raw
}
