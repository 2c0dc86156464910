package config

import "time"

// The machine-readable description of the variables Load reads: what a
// deployment may set and which values the service refuses at start. goship's
// components check env values against it before anything is deployed
// (components/web-service/service-variables.json, written from this table and kept
// in step with Load by spec_test.go).

// Kind is the rule a variable's value follows.
type Kind string

// The rules Load applies, one per parser method.
const (
	KindPort      Kind = "port"       // strconv.Atoi, Min to Max
	KindIPAddress Kind = "ip-address" // netip.ParseAddr
	KindLogLevel  Kind = "log-level"  // one of Values, any case
	KindProxies   Kind = "proxies"    // comma-separated IPs or CIDRs, no zones
	KindDuration  Kind = "duration"   // time.ParseDuration, at least Min nanoseconds
	KindByteCount Kind = "byte-count" // strconv.ParseInt, Min to Max
	KindInteger   Kind = "integer"    // strconv.Atoi, Min to Max
	KindEnum      Kind = "enum"       // one of Values, any case
	KindURL       Kind = "url"        // url.Parse: http or https scheme and a host
	KindRatio     Kind = "ratio"      // strconv.ParseFloat, 0 to 1
	// url.Parse: postgres or postgresql scheme, a host and a database name
	// (then pgconn.ParseConfig); refused values are echoed with the password masked
	KindPostgresURL Kind = "postgres-url"
	KindHostPorts   Kind = "host-ports" // comma-separated host:port, port 1 to 65535 (kafka.go)
	KindKafkaName   Kind = "kafka-name" // 1 to 249 of [A-Za-z0-9._-]
	KindText        Kind = "text"       // anything without control characters
)

// Variable is one environment variable of the service.
type Variable struct {
	Name        string   `json:"name"`
	Kind        Kind     `json:"kind"`
	Default     string   `json:"default"`
	Description string   `json:"description"`
	Min         *int64   `json:"min,omitempty"`
	Max         *int64   `json:"max,omitempty"`
	Values      []string `json:"values,omitempty"`
	// Expected is the text of Load's message for an invalid value:
	// "NAME: expected <Expected>, got <value>".
	Expected string `json:"expected"`
	// Secret: the value is never echoed; messages show redact.Mask instead.
	Secret bool `json:"secret,omitempty"`
}

func bound(n int64) *int64 { return &n }

// Variables lists every variable Load reads, in its order.
var Variables = []Variable{
	port("PORT", "8080", "public API port; 0 = any free port"),
	port("ADMIN_PORT", "9090", "metrics and pprof port; must differ from PORT"),
	{Name: "LISTEN_HOST", Kind: KindIPAddress, Default: "", Description: "IP address both servers bind to; empty = all interfaces",
		Expected: "an IP address such as 127.0.0.1, or empty for all interfaces"},
	{Name: "LOG_LEVEL", Kind: KindLogLevel, Default: "info", Description: "log level, any case",
		Values: []string{"debug", "info", "warn", "error"}, Expected: "one of debug, info, warn, error"},
	{Name: "TRUSTED_PROXIES", Kind: KindProxies, Default: "", Description: "IPs or CIDRs whose X-Forwarded-For is believed; empty = none",
		Expected: "comma-separated IP addresses or CIDRs such as 10.0.0.0/8"},
	duration("SHUTDOWN_DRAIN_DELAY", "5s", 0, "after SIGTERM: /readyz is 503 while requests are still served"),
	duration("SHUTDOWN_TIMEOUT", "20s", 1, "deadline for in-flight requests after the drain"),
	duration("READ_HEADER_TIMEOUT", "5s", 1, "http.Server.ReadHeaderTimeout"),
	duration("READ_TIMEOUT", "10s", 1, "http.Server.ReadTimeout"),
	duration("WRITE_TIMEOUT", "15s", 1, "http.Server.WriteTimeout"),
	duration("IDLE_TIMEOUT", "2m0s", 1, "http.Server.IdleTimeout"),
	byteCount("MAX_HEADER_BYTES", "65536", "http.Server.MaxHeaderBytes"),
	byteCount("MAX_BODY_BYTES", "1048576", "request body limit; larger bodies get a 413"),
	// The OTEL_* variables the service interprets itself (otel.go); the SDK reads the others.
	enum("OTEL_SDK_DISABLED", "false", "true: no tracing whatever else is set", []string{"true", "false"}, "true or false"),
	enum("OTEL_TRACES_EXPORTER", "otlp", "none: no tracing", []string{"otlp", "none"}, "otlp or none"),
	{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Kind: KindURL, Default: "", Description: "OTLP/HTTP base URL (/v1/traces is appended); unset with no traces endpoint = no tracing",
		Expected: expectedEndpoint},
	{Name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Kind: KindURL, Default: "", Description: "OTLP/HTTP traces URL, used as is; overrides OTEL_EXPORTER_OTLP_ENDPOINT",
		Expected: expectedEndpoint},
	enum("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTLP protocol; only http/protobuf is built in", []string{"http/protobuf"}, expectedProtocol),
	enum("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf", "OTLP protocol of traces; only http/protobuf is built in", []string{"http/protobuf"}, expectedProtocol),
	enum("OTEL_TRACES_SAMPLER", "parentbased_always_on", "trace sampler, any case", Samplers, expectedSampler),
	{Name: "OTEL_TRACES_SAMPLER_ARG", Kind: KindRatio, Default: "1", Description: "share of root traces the traceidratio samplers keep",
		Min: bound(0), Max: bound(1), Expected: expectedRatio},
	{Name: "FAULT_DELAY", Kind: KindDuration, Default: "0s", Description: "tests only: latency added to every public request but the probes; 0s = off",
		Min: bound(0), Max: bound(int64(maxFaultDelay)), Expected: "a Go duration from 0s to 1m0s such as \"250ms\""},
	{Name: "FAULT_ERROR_PERCENT", Kind: KindInteger, Default: "0", Description: "tests only: percentage of public requests but the probes answered 500; 0 = off",
		Min: bound(0), Max: bound(100), Expected: "an integer from 0 to 100"},
	enum("VERSION_HEADER", "false", "true: every response carries X-Goship-Version: <the build's version>, to count responses by version in a canary release",
		[]string{"true", "false"}, "true or false"),
	// The users store (database.go).
	enum("USERS_STORE", StorePostgres, "postgres, or memory: a bounded map per process for development (lost on restart, not shared by replicas)",
		[]string{StorePostgres, StoreMemory}, expectedStore),
	{Name: "DATABASE_URL", Kind: KindPostgresURL, Default: "", Description: "PostgreSQL URL of the users store and of `server migrate`; required when USERS_STORE=postgres; a secret when it holds a password",
		Expected: expectedPostgresURL},
	{Name: "DB_MAX_CONNS", Kind: KindInteger, Default: "10", Description: "connections the pool opens at most",
		Min: bound(1), Max: bound(100), Expected: "an integer from 1 to 100"},
	positiveDurationAtMost("DB_QUERY_TIMEOUT", "2s", maxQueryTimeout, "deadline of each query, waiting for a pooled connection included; then 503"),
	positiveDurationAtMost("DB_CONNECT_TIMEOUT", "1m0s", maxConnectTimeout, "server migrate: how long it retries connecting before it fails"),
	// Kafka (kafka.go): the orders producer of the API and `server worker`.
	enum("KAFKA_SASL_MECHANISM", "", "SASL mechanism, any case; unset = no SASL; set: KAFKA_USERNAME and KAFKA_PASSWORD are required",
		[]string{"scram-sha-512", "scram-sha-256", "plain"}, expectedMechanism),
	{Name: "KAFKA_BROKERS", Kind: KindHostPorts, Default: "", Description: "Kafka seed brokers; unset = orders are off (POST /api/v1/orders is a 404, `server worker` refuses to start)",
		Expected: expectedBrokers},
	{Name: "KAFKA_TOPIC", Kind: KindKafkaName, Default: "orders", Description: "topic the API produces orders to and the worker consumes", Expected: expectedKafkaName},
	{Name: "KAFKA_USERNAME", Kind: KindText, Default: "", Description: "SASL user", Expected: expectedText},
	{Name: "KAFKA_PASSWORD", Kind: KindText, Default: "", Description: "SASL password; a secret: never logged or echoed", Expected: expectedText, Secret: true},
	enum("KAFKA_TLS", "false", "true: TLS to the brokers, verified against the system roots", []string{"true", "false"}, expectedBool),
	{Name: "KAFKA_CONSUMER_GROUP", Kind: KindKafkaName, Default: "goship-orders", Description: "`server worker`: consumer group", Expected: expectedKafkaName},
	duration("WORKER_DRAIN_TIMEOUT", "25s", 1, "`server worker`: from SIGTERM to exit (finish the message in hand, commit, leave the group); terminationGracePeriodSeconds must exceed it"),
}

func port(name, def, description string) Variable {
	return Variable{Name: name, Kind: KindPort, Default: def, Description: description,
		Min: bound(0), Max: bound(65535), Expected: "an integer from 0 to 65535"}
}

// duration: min is 0 (zero allowed) or 1 (positive), in nanoseconds.
func duration(name, def string, min int64, description string) Variable {
	expected := "a positive Go duration such as \"" + def + "\""
	if min == 0 {
		expected = "a Go duration of 0s or more such as \"" + def + "\""
	}
	return Variable{Name: name, Kind: KindDuration, Default: def, Description: description, Min: bound(min), Expected: expected}
}

func positiveDurationAtMost(name, def string, max time.Duration, description string) Variable {
	d, err := time.ParseDuration(def)
	if err != nil {
		panic(err)
	}
	return Variable{Name: name, Kind: KindDuration, Default: def, Description: description,
		Min: bound(1), Max: bound(int64(max)), Expected: positiveAtMost(d, max)}
}

func enum(name, def, description string, values []string, expected string) Variable {
	return Variable{Name: name, Kind: KindEnum, Default: def, Description: description, Values: values, Expected: expected}
}

func byteCount(name, def, description string) Variable {
	return Variable{Name: name, Kind: KindByteCount, Default: def, Description: description,
		Min: bound(1), Max: bound(1 << 30), Expected: "an integer number of bytes from 1 to 1073741824"}
}
