package orders

import (
	"context"
	"crypto/tls"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/goship/app/internal/config"
)

// dialTimeout bounds one connection attempt: a broker that does not answer
// costs a produce or a poll this much before the client retries.
const dialTimeout = 5 * time.Second

// ClientOptions are the connection settings of both the producer and the
// consumer: seeds, SASL, TLS (with the system roots) and the log. The
// password goes only into the SASL mechanism, never into a log line.
func ClientOptions(cfg config.Kafka, clientID string, logger *slog.Logger) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ClientID(clientID),
		kgo.DialTimeout(dialTimeout),
		kgo.WithLogger(clientLogger{logger}),
	}
	switch cfg.SASLMechanism {
	case config.SASLScramSHA512:
		opts = append(opts, kgo.SASL(scram.Auth{User: cfg.Username, Pass: cfg.Password}.AsSha512Mechanism()))
	case config.SASLScramSHA256:
		opts = append(opts, kgo.SASL(scram.Auth{User: cfg.Username, Pass: cfg.Password}.AsSha256Mechanism()))
	case config.SASLPlain:
		opts = append(opts, kgo.SASL(plain.Auth{User: cfg.Username, Pass: cfg.Password}.AsMechanism()))
	}
	if cfg.TLS {
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12})) // nil RootCAs: the system's
	}
	return opts
}

// clientLogger passes franz-go's warnings and errors (lost connections,
// failed commits, rebalances gone wrong) to the service's log; its info and
// debug chatter stays out.
type clientLogger struct{ logger *slog.Logger }

func (l clientLogger) Level() kgo.LogLevel { return kgo.LogLevelWarn }

func (l clientLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	slogLevel := slog.LevelWarn
	if level == kgo.LogLevelError {
		slogLevel = slog.LevelError
	}
	l.logger.Log(context.Background(), slogLevel, "kafka: "+msg, keyvals...)
}
