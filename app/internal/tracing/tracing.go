// Package tracing builds the OpenTelemetry tracer provider: spans sampled as
// configured, batched and exported with OTLP/HTTP. Only called when
// config.Tracing.Enabled; otherwise the service has no tracing code on its
// request path at all.
package tracing

import (
	"context"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/goship/app/internal/config"
)

// New returns a provider exporting to the endpoint of the OTEL_EXPORTER_OTLP_*
// variables, which the exporter reads itself (with headers, timeout,
// compression and certificates). Nothing is sent until a span ends, so an
// unreachable collector does not delay start-up. Export errors are logged at
// warn level on logger, not on the SDK's default stderr logger.
func New(ctx context.Context, cfg config.Tracing, version string, logger *slog.Logger) (*sdktrace.TracerProvider, error) {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP exporter: %w", err)
	}
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		logger.Warn("tracing: " + err.Error())
	}))
	return sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter), // OTEL_BSP_* tune it
		sdktrace.WithResource(Resource(ctx, version, logger)),
		sdktrace.WithSampler(Sampler(cfg)),
	), nil
}

// Resource is the SDK's default resource (service.name from OTEL_SERVICE_NAME,
// else unknown_service:server; telemetry.sdk.*) with service.version from the
// build, then OTEL_RESOURCE_ATTRIBUTES, which wins: an operator's explicit
// value beats the build's. A malformed OTEL_RESOURCE_ATTRIBUTES costs the
// attributes, not the service: it is logged and the rest is used.
func Resource(ctx context.Context, version string, logger *slog.Logger) *resource.Resource {
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName("unknown_service:server"), semconv.ServiceVersion(version)),
		resource.WithFromEnv(),
		resource.WithSchemaURL(semconv.SchemaURL),
	)
	if err != nil {
		logger.Warn("tracing: resource attributes from the environment partly ignored", slog.String("error", err.Error()))
	}
	return res
}

// Sampler builds the sampler named by OTEL_TRACES_SAMPLER (validated by config).
func Sampler(cfg config.Tracing) sdktrace.Sampler {
	switch cfg.Sampler {
	case "always_on":
		return sdktrace.AlwaysSample()
	case "always_off":
		return sdktrace.NeverSample()
	case "traceidratio":
		return sdktrace.TraceIDRatioBased(cfg.SamplerRatio)
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample())
	case "parentbased_traceidratio":
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SamplerRatio))
	default: // parentbased_always_on, the spec's default
		return sdktrace.ParentBased(sdktrace.AlwaysSample())
	}
}
