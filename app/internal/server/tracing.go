package server

import (
	"context"
	"log/slog"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// shutdownTracing exports the spans still batched, within ctx: a collector
// that is slow or gone costs at most the rest of SHUTDOWN_TIMEOUT, and the
// spans then lost are logged, not an exit failure (the requests were served).
func shutdownTracing(ctx context.Context, provider *sdktrace.TracerProvider, logger *slog.Logger) {
	if err := provider.Shutdown(ctx); err != nil {
		logger.Warn("shutdown: spans not exported", slog.String("error", err.Error()))
	}
}
