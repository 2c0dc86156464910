// Copyright (c) 2024 The Jaeger Authors. SPDX-License-Identifier: Apache-2.0
//
// goship: replaces cmd/jaeger/main.go of github.com/jaegertracing/jaeger (see scripts/cluster/build-addons.sh)
// without the docs and Elasticsearch-mappings subcommands.

package main

import (
	"log"

	"github.com/jaegertracing/jaeger/cmd/jaeger/internal"
	"github.com/jaegertracing/jaeger/internal/version"
)

func main() {
	command := internal.Command()
	command.AddCommand(version.Command())
	if err := command.Execute(); err != nil {
		log.Fatal(err)
	}
}
