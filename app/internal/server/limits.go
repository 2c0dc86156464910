package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/cgroup"
)

// registerLimits exports the container's CPU and memory limits, read once at
// start (Kubernetes changes them only by restarting the container; in-place
// resize aside, which the dashboard would show as a step at the restart).
// A limit that does not exist is not exported rather than exported as 0 or
// +Inf, so "usage / limit" panels show nothing instead of a wrong ratio.
func registerLimits(reg prometheus.Registerer, limits cgroup.Limits) {
	if limits.CPUCores > 0 {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "goship_container_cpu_limit_cores",
			Help: "CPU limit of the container (cgroup CFS quota / period), in cores; absent when unlimited.",
		}, func() float64 { return limits.CPUCores }))
	}
	if limits.MemoryBytes > 0 {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "goship_container_memory_limit_bytes",
			Help: "Memory limit of the container (cgroup), in bytes; absent when unlimited.",
		}, func() float64 { return float64(limits.MemoryBytes) }))
	}
}
