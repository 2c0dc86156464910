package config

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Tracing is what the service itself decides from the standard OTEL_*
// variables. The rest (headers, timeout, compression, certificates, batch
// sizes, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) is read by the SDK and
// its OTLP/HTTP exporter, which take the same environment.
type Tracing struct {
	// Enabled: an OTLP endpoint is set, OTEL_TRACES_EXPORTER is not "none" and
	// OTEL_SDK_DISABLED is not "true". Unlike the SDK's own default
	// (localhost:4318), no endpoint means no tracing at all: no middleware,
	// no exporter, no cost.
	Enabled bool
	Sampler string // one of Samplers
	// SamplerRatio is OTEL_TRACES_SAMPLER_ARG, the share of root traces the
	// *traceidratio samplers keep; validated whichever sampler is chosen.
	SamplerRatio float64
}

// Samplers are the OTEL_TRACES_SAMPLER values the service builds (the OTel
// spec's, without the jaeger_remote and xray ones, which need a backend).
var Samplers = []string{"always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"}

// Expected texts of the OTEL_* variables, shared with spec.go.
const (
	expectedSampler  = "one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio"
	expectedRatio    = "a number from 0 to 1 such as 0.25"
	expectedEndpoint = "an http:// or https:// URL such as http://otel-collector:4318"
	// grpc would add the gRPC exporter and its transport to the binary for a
	// protocol every collector also accepts over HTTP.
	expectedProtocol = "http/protobuf (the only OTLP protocol this service exports with; grpc is not built in)"
)

func (p *parser) tracing() Tracing {
	disabled := p.enum("OTEL_SDK_DISABLED", "false", []string{"true", "false"}, "true or false") == "true"
	exporter := p.enum("OTEL_TRACES_EXPORTER", "otlp", []string{"otlp", "none"}, "otlp or none")
	endpoint := p.url("OTEL_EXPORTER_OTLP_ENDPOINT")
	tracesEndpoint := p.url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	p.enum("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", []string{"http/protobuf"}, expectedProtocol)
	p.enum("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf", []string{"http/protobuf"}, expectedProtocol)
	return Tracing{
		Enabled:      !disabled && exporter == "otlp" && (endpoint != "" || tracesEndpoint != ""),
		Sampler:      p.enum("OTEL_TRACES_SAMPLER", "parentbased_always_on", Samplers, expectedSampler),
		SamplerRatio: p.ratio("OTEL_TRACES_SAMPLER_ARG", 1),
	}
}

// enum accepts one of values, any case (as the OTel SDKs do), and returns it
// in lower case.
func (p *parser) enum(key, def string, values []string, expected string) string {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	v := strings.ToLower(raw)
	if !slices.Contains(values, v) {
		p.problem(key, expected, raw)
		return def
	}
	return v
}

// url accepts an absolute http or https URL with a host: anything else would
// make the exporter fall back to localhost, or fail every export.
func (p *parser) url(key string) string {
	raw, ok := p.value(key)
	if !ok {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		p.problem(key, expectedEndpoint, raw)
		return ""
	}
	return raw
}

func (p *parser) ratio(key string, def float64) float64 {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	r, err := strconv.ParseFloat(raw, 64)
	if err != nil || !(r >= 0 && r <= 1) { // the negation also refuses NaN
		p.problem(key, expectedRatio, raw)
		return def
	}
	return r
}
