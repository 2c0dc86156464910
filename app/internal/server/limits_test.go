package server

import (
	"testing"

	"github.com/goship/app/internal/cgroup"
)

func exportedNames(t *testing.T, limits cgroup.Limits) map[string]float64 {
	t.Helper()
	registry := newRegistry("test", func() uint64 { return 0 })
	registerLimits(registry, limits)
	families, err := registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]float64{}
	for _, family := range families {
		names[family.GetName()] = family.GetMetric()[0].GetGauge().GetValue()
	}
	return names
}

func TestLimitGaugesOnlyForExistingLimits(t *testing.T) {
	names := exportedNames(t, cgroup.Limits{CPUCores: 1.5, MemoryBytes: 256 << 20})
	if names["goship_container_cpu_limit_cores"] != 1.5 || names["goship_container_memory_limit_bytes"] != 256<<20 {
		t.Errorf("limit gauges: %v", names)
	}
	names = exportedNames(t, cgroup.Limits{})
	for _, name := range []string{"goship_container_cpu_limit_cores", "goship_container_memory_limit_bytes"} {
		if _, ok := names[name]; ok {
			t.Errorf("%s exported without a limit", name)
		}
	}
}

// The dashboard sets the limits against what the Go runtime uses of them.
func TestGoCollectorExportsGOMAXPROCSAndGOMEMLIMIT(t *testing.T) {
	names := exportedNames(t, cgroup.Limits{})
	for _, name := range []string{"go_sched_gomaxprocs_threads", "go_gc_gomemlimit_bytes"} {
		if _, ok := names[name]; !ok {
			t.Errorf("%s not exported", name)
		}
	}
}
