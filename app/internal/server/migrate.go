package server

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/logging"
	"github.com/goship/app/internal/users"
)

// DefaultTerminationLog is where Kubernetes reads a container's termination
// message (terminationMessagePath's default); the Job's failure then says why.
const DefaultTerminationLog = "/dev/termination-log"

// MigrateOptions are what tests replace in `server migrate`.
type MigrateOptions struct {
	Migrations     fs.FS  // users.Migrations() in the binary
	TerminationLog string // written on failure when the file exists
}

// Migrate is `server migrate`: it applies the pending migrations and returns
// the exit code: ExitOK when the schema is current (applied now or before),
// ExitFailure when a migration failed or the database stayed unreachable
// (one ERROR line, also written to the termination log), ExitInvalidConf
// for a configuration it cannot use.
func Migrate(version string, lookup config.Lookup, stdout io.Writer, opts MigrateOptions) int {
	// Synchronous: a short-lived command, and its last line must be out before exit.
	logger := slog.New(logging.NewHandler(stdout, slog.LevelInfo)).With(slog.String("version", version))
	cfg, err := config.Load(lookup)
	if err != nil {
		logger.Error(err.Error())
		return ExitInvalidConf
	}
	if cfg.Database.URL == "" {
		logger.Error("invalid configuration: DATABASE_URL: required by server migrate")
		return ExitInvalidConf
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	schema, err := database.Migrate(ctx, cfg.Database.URL, opts.Migrations, cfg.Database.ConnectTimeout, logger)
	if err != nil {
		logger.Error(err.Error())
		writeTerminationLog(opts.TerminationLog, err.Error(), logger)
		return ExitFailure
	}
	logger.Info("migrations complete", slog.Int64("schema_version", schema))
	return ExitOK
}

// writeTerminationLog writes message to path if the file exists (Kubernetes
// creates it); elsewhere there is nothing to write to.
func writeTerminationLog(path, message string, logger *slog.Logger) {
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err == nil {
		_, err = io.WriteString(f, message)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		logger.Warn("termination log not written", slog.String("path", path), slog.String("error", err.Error()))
	}
}

// migrateCommand is the binary's `migrate` with its embedded migrations.
func migrateCommand(version string, lookup config.Lookup, stdout io.Writer) int {
	return Migrate(version, lookup, stdout, MigrateOptions{Migrations: users.Migrations(), TerminationLog: DefaultTerminationLog})
}
