package tracing

import (
	"io"
	"log/slog"
	"testing"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/goship/app/internal/config"
)

// OTEL_TRACES_SAMPLER and _ARG, through config.Load as in production.
func TestSamplerFromEnvironment(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{nil, "ParentBased{root:AlwaysOnSampler,remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "always_on"}, "AlwaysOnSampler"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "ALWAYS_OFF"}, "AlwaysOffSampler"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio"}, "TraceIDRatioBased{1}"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}, "TraceIDRatioBased{0.25}"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"},
			"ParentBased{root:TraceIDRatioBased{0},remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_always_off"},
			"ParentBased{root:AlwaysOffSampler,remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"},
	}
	for _, tt := range tests {
		cfg, err := config.Load(func(k string) (string, bool) {
			if k == "USERS_STORE" { // the default, postgres, needs a DATABASE_URL
				return config.StoreMemory, true
			}
			v, ok := tt.env[k]
			return v, ok
		})
		if err != nil {
			t.Fatalf("Load(%v): %v", tt.env, err)
		}
		if got := Sampler(cfg.Tracing).Description(); got != tt.want {
			t.Errorf("%v: sampler %s\nwant %s", tt.env, got, tt.want)
		}
	}
}

func TestResourceHasBuildVersionAndEnvironment(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	attrs := func() map[string]string {
		m := map[string]string{}
		for _, kv := range Resource(t.Context(), "1.2.3", logger).Attributes() {
			m[string(kv.Key)] = kv.Value.String()
		}
		return m
	}
	if got := attrs(); got[string(semconv.ServiceVersionKey)] != "1.2.3" || got[string(semconv.ServiceNameKey)] != "unknown_service:server" || got["telemetry.sdk.name"] != "opentelemetry" {
		t.Errorf("resource without environment: %v", got)
	}
	t.Setenv("OTEL_SERVICE_NAME", "goship-api")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging,service.version=override")
	if got := attrs(); got["service.name"] != "goship-api" || got["deployment.environment.name"] != "staging" || got["service.version"] != "override" {
		t.Errorf("resource with environment: %v", got)
	}
}
