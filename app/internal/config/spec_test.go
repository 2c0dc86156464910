package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goship/app/internal/redact"
)

// The file goship's components read; `go test ./internal/config -run TestSpecFile -update` rewrites it.
const specFile = "../../../components/web-service/service-variables.json"

var update = flag.Bool("update", false, "rewrite "+specFile)

// Values each kind must accept and refuse. They are written into the spec file, so the
// components' checks are tested against the same values Load is tested against here.
var probes = map[Kind]struct{ Valid, Invalid []string }{
	KindPort:      {[]string{"0", "65535", "+443", "0443"}, []string{"http", "70000", "-1", "80.0", " 80"}},
	KindIPAddress: {[]string{"127.0.0.1", "0.0.0.0", "::", "::1", "::ffff:10.0.0.1", "fe80::1%eth0"}, []string{"localhost", "010.0.0.1", "1.2.3", "256.1.1.1", "10.0.0.0/8", "1::2::3"}},
	KindLogLevel:  {[]string{"debug", "WARN", "Error"}, []string{"verbose", "warning", "trace"}},
	KindProxies: {
		[]string{"10.0.0.0/8", "10.0.0.0/8, 192.168.1.1,fd00::/8", "10.0.0.1/8", ",10.0.0.1,", "::ffff:10.0.0.1"},
		[]string{"10.0.0.0/33", "10.0.0.1,ingress", "fe80::1%eth0", "10.0.0.0/08", "10.0.0.0/", "*"},
	},
	KindDuration:  {[]string{"1s", "1m30s", "1.5h", "500ms", "1h2m3.5s", "+5s", ".5s", "1us", "3µs"}, []string{"5", "soon", "1 minute", "s", ".s", "-1s", "1d", "5S"}},
	KindByteCount: {[]string{"1", "+1024", "1073741824", "007"}, []string{"0", "-5", "64KiB", "1073741825", "1e6", " 5"}},
	KindInteger:   {[]string{"+5", "007"}, []string{"x", "1.5", " 5", "5%", "-"}},
	KindEnum:      {nil, []string{"nope", "grpc", "http/json"}},
	KindURL: {
		[]string{"http://otel-collector:4318", "https://collector.example.com/v1/traces", "http://127.0.0.1:4318", "http://[::1]:4318"},
		[]string{"otel-collector:4318", "localhost", "ftp://collector", "grpc://collector:4317", "http://", "http://:4318", "/v1/traces"},
	},
	KindRatio: {[]string{"0", "1", "0.25", ".5", "1.0", "1e-1"}, []string{"-0.1", "1.01", "NaN", "Inf", "x", "50%", " 0.5"}},
	// No password in the invalid ones: Load's message masks it (TestDatabaseURLIsRedacted).
	KindHostPorts: {
		[]string{"kafka:9092", "10.244.0.1:9092", "a:1, b-2.example.com:65535", "[::1]:9092", "kafka:9092,"},
		[]string{"kafka", "kafka:0", "kafka:65536", ":9092", "kafka:port", "http://kafka:9092", "kafka:9092,broker", ",", "ka_fka:9092", "[10.0.0.0/8]:9092", "[kafka]:9092", "[10.0.0.1]:9092", "[fe80::1%eth0]:9092"},
	},
	KindKafkaName: {[]string{"orders", "goship.orders_v2-eu", strings.Repeat("a", 249)}, []string{"or ders", "orders/x", "ördérs", strings.Repeat("a", 250), "orders\n"}},
	KindText:      {[]string{"goship", "p@ss w0rd:é", "x"}, []string{"secret\n", "a\tb", "\x00"}},
	KindPostgresURL: {
		[]string{"postgres://goship@db:5432/goship", "postgresql://db/goship", "postgres://goship:s3cret@db.example.com/goship?sslmode=require", "postgres://[::1]:5432/goship", "postgres://db/goship?application_name=goship"},
		[]string{"db:5432/goship", "postgres://db", "postgres://db/", "postgres:///goship", "mysql://db/goship", "http://db/goship", "host=db dbname=goship", "postgres://db:99999/goship", "postgres://db/goship?sslmode=bogus"},
	},
}

// withDatabase adds what Load needs besides the variable under test: the
// default USERS_STORE=postgres requires a DATABASE_URL.
func withDatabase(name string, vars map[string]string) map[string]string {
	all := map[string]string{"DATABASE_URL": "postgres://goship@db:5432/goship"}
	if name == "DATABASE_URL" {
		all = map[string]string{"USERS_STORE": StoreMemory}
	}
	// The SASL settings come as a set (kafka.go): with one of them given, the others are added, so only its value is judged.
	if _, isSASL := saslSet[name]; isSASL && vars[name] != "" {
		for companion, value := range saslSet {
			if companion != name {
				all[companion] = value
			}
		}
	}
	for k, v := range vars {
		all[k] = v
	}
	return all
}

// saslSet is a valid KAFKA_SASL_MECHANISM with its credentials.
var saslSet = map[string]string{"KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "KAFKA_USERNAME": "goship", "KAFKA_PASSWORD": "s3cret"}

// Durations whose validity depends on whether zero is allowed.
var zeroDurations = []string{"0", "0s", "-0s"}

type variableProbes struct {
	Valid   []string `json:"valid"`
	Invalid []string `json:"invalid"`
}

func probesOf(v Variable) variableProbes {
	p := variableProbes{Valid: append([]string{}, probes[v.Kind].Valid...), Invalid: append([]string{}, probes[v.Kind].Invalid...)}
	switch v.Kind {
	case KindDuration:
		if *v.Min == 0 {
			p.Valid = append(p.Valid, zeroDurations...)
		} else {
			p.Invalid = append(p.Invalid, zeroDurations...)
		}
		if v.Max != nil { // the kind's valid values above Max are invalid here, and so is Max + 1ns
			p = splitAtMax(p, time.Duration(*v.Max))
			p.Valid = append(p.Valid, time.Duration(*v.Max).String())
			p.Invalid = append(p.Invalid, (time.Duration(*v.Max) + time.Nanosecond).String())
		}
	case KindInteger:
		p.Valid = append(p.Valid, strconv.FormatInt(*v.Min, 10), strconv.FormatInt(*v.Max, 10))
		p.Invalid = append(p.Invalid, strconv.FormatInt(*v.Min-1, 10), strconv.FormatInt(*v.Max+1, 10))
	case KindEnum: // every value, one in upper case; a value with a space around it is another value
		p.Valid = append(append(p.Valid, v.Values...), strings.ToUpper(v.Values[0]))
		p.Invalid = append(p.Invalid, " "+v.Values[0], v.Values[0]+" ")
	}
	return p
}

func splitAtMax(p variableProbes, max time.Duration) variableProbes {
	var valid []string
	for _, value := range p.Valid {
		if d, err := time.ParseDuration(value); err == nil && d > max {
			p.Invalid = append(p.Invalid, value)
		} else {
			valid = append(valid, value)
		}
	}
	p.Valid = valid
	return p
}

func TestSpecDefaultsAreLoadDefaults(t *testing.T) {
	for _, v := range Variables {
		want, err := Load(env(withDatabase(v.Name, nil)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Load(env(withDatabase(v.Name, map[string]string{v.Name: v.Default})))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s=%q (the spec's default) gives %+v, %v; Load's default gives %+v", v.Name, v.Default, got, err, want)
		}
	}
}

func TestSpecProbesAreWhatLoadAccepts(t *testing.T) {
	for _, v := range Variables {
		p := probesOf(v)
		for _, value := range p.Valid {
			// Another port than the other server's default, so only the value itself is judged.
			vars := map[string]string{"PORT": "1", "ADMIN_PORT": "2"}
			vars[v.Name] = value
			if _, err := Load(env(withDatabase(v.Name, vars))); err != nil {
				t.Errorf("%s=%q: the spec calls it valid, Load says %v", v.Name, value, err)
			}
		}
		for _, value := range p.Invalid {
			_, err := Load(env(withDatabase(v.Name, map[string]string{v.Name: value})))
			shown := value
			if v.Secret {
				shown = redact.Mask
			}
			want := fmt.Sprintf("%s: expected %s, got %q", v.Name, v.Expected, shown)
			var cfgErr *Error
			if !errors.As(err, &cfgErr) || len(cfgErr.Problems) != 1 || cfgErr.Problems[0] != want {
				t.Errorf("%s=%q: want the one problem %q, got %v", v.Name, value, want, err)
			}
		}
	}
}

// parserKinds maps the parser's methods to the kinds of the spec.
var parserKinds = map[string]Kind{
	"port": KindPort, "ipAddress": KindIPAddress, "logLevel": KindLogLevel,
	"proxies": KindProxies, "duration": KindDuration, "byteCount": KindByteCount,
	"durationAtMost": KindDuration, "integer": KindInteger, "enum": KindEnum, "url": KindURL, "ratio": KindRatio,
	"postgresURL": KindPostgresURL, "positiveDurationAtMost": KindDuration,
	"brokers": KindHostPorts, "kafkaName": KindKafkaName, "text": KindText,
}

// Every variable Load reads (config.go, otel.go, database.go, kafka.go) is in the spec, with its parser's kind, and nothing else is.
func TestSpecCoversEveryVariableLoadReads(t *testing.T) {
	read := map[string]Kind{}
	for _, name := range []string{"config.go", "otel.go", "database.go", "kafka.go"} {
		file, err := goparser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		inspectReads(file, read)
	}
	declared := map[string]Kind{}
	for _, v := range Variables {
		declared[v.Name] = v.Kind
	}
	if !reflect.DeepEqual(read, declared) {
		t.Errorf("config.go, otel.go, database.go and kafka.go read %v\nspec.go declares %v\n(add the variable to Variables, then go test ./internal/config -run TestSpecFile -update)", read, declared)
	}
}

// inspectReads adds to read the variables file passes to parser methods.
func inspectReads(file *ast.File, read map[string]Kind) {
	ast.Inspect(file, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		selector, isMethod := call.Fun.(*ast.SelectorExpr)
		if !isMethod {
			return true
		}
		kind, known := parserKinds[selector.Sel.Name]
		literal, isLiteral := call.Args[0].(*ast.BasicLit)
		if known && isLiteral && literal.Kind == token.STRING {
			name, _ := strconv.Unquote(literal.Value)
			read[name] = kind
		}
		return true
	})
}

func specJSON() []byte {
	p := map[string]variableProbes{}
	for _, v := range Variables {
		p[v.Name] = probesOf(v)
	}
	document := struct {
		Comment   string                    `json:"//"`
		Variables []Variable                `json:"variables"`
		Probes    map[string]variableProbes `json:"probes"`
	}{
		"Generated from app/internal/config/spec.go by `go test ./internal/config -run TestSpecFile -update` (in app/); do not edit.",
		Variables, p,
	}
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(document); err != nil {
		panic(err)
	}
	return out.Bytes()
}

func TestSpecFileIsCurrent(t *testing.T) {
	want := specJSON()
	if *update {
		if err := os.WriteFile(specFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(specFile)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s is not what spec.go describes (%v): run go test ./internal/config -run TestSpecFile -update", specFile, err)
	}
}
