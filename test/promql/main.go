// Reads a JSON list of PromQL queries on stdin, parses each with Prometheus's own parser and prints, as JSON, the
// metric names every query selects. Any query that does not parse fails the run, naming it: the dashboard's and the
// rules' queries are held to the parser Prometheus and Grafana's backend run (test/e2e/promql-metric-names.test.ts).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

type result struct {
	Query   string   `json:"query"`
	Metrics []string `json:"metrics"`
	Error   string   `json:"error,omitempty"`
}

func main() {
	var queries []string
	if err := json.NewDecoder(os.Stdin).Decode(&queries); err != nil {
		fmt.Fprintln(os.Stderr, "promql: expected a JSON list of queries on stdin:", err)
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	results := make([]result, 0, len(queries))
	failed := false
	for _, query := range queries {
		r := result{Query: query, Metrics: []string{}}
		expr, err := p.ParseExpr(query)
		if err != nil {
			r.Error = err.Error()
			failed = true
		} else {
			r.Metrics = metricNames(expr)
		}
		results = append(results, r)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "promql:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// metricNames are the names the expression's selectors match by equality: `foo{…}` or `{__name__="foo"}`. A
// selector matching names by a regex is reported as its pattern, so the caller can refuse it.
func metricNames(expr parser.Expr) []string {
	seen := map[string]bool{}
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		selector, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		for _, matcher := range selector.LabelMatchers {
			if matcher.Name != labels.MetricName {
				continue
			}
			if matcher.Type == labels.MatchEqual {
				seen[matcher.Value] = true
			} else {
				seen[matcher.String()] = true
			}
		}
		return nil
	})
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
