// Command server runs the goship HTTP service. All logic lives in internal/server;
// this file only wires the process (environment, stdout, exit code) to it.
package main

import (
	"os"

	"github.com/goship/app/internal/server"
)

// version is set at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	os.Exit(server.Main(version, os.Args[1:], os.LookupEnv, os.Stdout))
}
