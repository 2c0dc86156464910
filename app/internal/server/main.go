// Package server runs the service process: configuration, logging, the public
// and admin HTTP servers, and the graceful shutdown sequence.
package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/logging"
)

// Exit codes of the process.
const (
	ExitOK          = 0
	ExitFailure     = 1 // a server failed, or shutdown missed its deadline
	ExitInvalidConf = 2 // configuration rejected; nothing was started
)

// Main is the whole process behind cmd/server; it returns the exit code.
// Logs are JSON lines on stdout, including the configuration error. With no
// argument it serves; `migrate` applies the schema migrations (migrate.go);
// `worker` consumes the orders topic (worker.go).
func Main(version string, args []string, lookup config.Lookup, stdout io.Writer) int {
	switch {
	case len(args) == 1 && args[0] == "migrate":
		return migrateCommand(version, lookup, stdout)
	case len(args) == 1 && args[0] == "worker":
		return Worker(version, lookup, stdout)
	case len(args) > 0:
		slog.New(slog.NewJSONHandler(stdout, nil)).Error("unknown arguments: expected none (serve), migrate or worker",
			slog.Any("args", args), slog.String("version", version))
		return ExitInvalidConf
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		slog.New(slog.NewJSONHandler(stdout, nil)).Error(err.Error(), slog.String("version", version))
		return ExitInvalidConf
	}
	// Lines are written by the Writer's goroutine (see logging.Writer): no
	// request waits on stdout, and under load many lines share one write(2).
	// The deferred Close flushes before Main returns, also when a panic
	// unwinds Main.
	out := logging.NewWriter(stdout, logging.DefaultBufferLimit)
	defer out.Close()
	logger := slog.New(logging.NewHandler(out, cfg.LogLevel))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	// After the first signal, restore the default disposition so a second
	// Ctrl-C or SIGTERM ends the process at once instead of waiting the drain.
	context.AfterFunc(ctx, stop)

	if err := Run(ctx, cfg, logger, out.Dropped, version); err != nil {
		if !errors.Is(err, errShutdownDeadline) {
			logger.Error("server failed", slog.String("error", err.Error()))
		}
		return ExitFailure
	}
	return ExitOK
}
