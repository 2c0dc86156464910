// Package cgroup reads the CPU and memory limits the container runs under,
// from cgroup v1 or v2, for the dashboard's "usage against limit" panels.
package cgroup

import (
	"bufio"
	"bytes"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
)

// Limits of the process's cgroup; zero means no limit.
type Limits struct {
	CPUCores    float64 // CFS quota ÷ period
	MemoryBytes int64
}

// v1Unlimited: cgroup v1 reports "no memory limit" as the largest page-aligned
// int64 (9223372036854771712); anything this large is no limit in practice.
const v1Unlimited = int64(1) << 62

// Read returns the limits seen through fsys, the root file system in
// production (os.DirFS("/")) and fixture trees in tests. Files that are
// missing or malformed count as no limit: the gauges are a help for
// dashboards, never a reason to refuse to start.
func Read(fsys fs.FS) Limits {
	paths := ownCgroups(fsys)
	if _, err := fs.Stat(fsys, "sys/fs/cgroup/cgroup.controllers"); err == nil {
		return readV2(fsys, paths[""])
	}
	return readV1(fsys, paths)
}

func readV2(fsys fs.FS, own string) Limits {
	var limits Limits
	if fields := strings.Fields(readFile(fsys, "sys/fs/cgroup", own, "cpu.max")); len(fields) == 2 {
		limits.CPUCores = cores(fields[0], fields[1])
	}
	if raw := readFile(fsys, "sys/fs/cgroup", own, "memory.max"); raw != "max" {
		limits.MemoryBytes = bytesLimit(raw, math.MaxInt64)
	}
	return limits
}

func readV1(fsys fs.FS, own map[string]string) Limits {
	var limits Limits
	// The cpu controller is mounted as cpu, cpu,cpuacct or cpuacct,cpu.
	for _, mount := range []string{"cpu", "cpu,cpuacct", "cpuacct,cpu"} {
		dir := "sys/fs/cgroup/" + mount
		quota := readFile(fsys, dir, own["cpu"], "cpu.cfs_quota_us")
		if quota == "" {
			continue
		}
		limits.CPUCores = cores(quota, readFile(fsys, dir, own["cpu"], "cpu.cfs_period_us"))
		break
	}
	limits.MemoryBytes = bytesLimit(readFile(fsys, "sys/fs/cgroup/memory", own["memory"], "memory.limit_in_bytes"), v1Unlimited)
	return limits
}

// ownCgroups maps each v1 controller ("cpu", "memory", …) and, under "", the
// v2 hierarchy to the process's cgroup path, from /proc/self/cgroup.
func ownCgroups(fsys fs.FS) map[string]string {
	paths := map[string]string{}
	data, err := fs.ReadFile(fsys, "proc/self/cgroup")
	if err != nil {
		return paths
	}
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() { // "4:memory:/kubepods/…", "3:cpu,cpuacct:/…", "0::/…"
		parts := strings.SplitN(scanner.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			paths[""] = parts[2]
		}
		for controller := range strings.SplitSeq(parts[1], ",") {
			paths[controller] = parts[2]
		}
	}
	return paths
}

// readFile reads name in the process's own cgroup directory under mount, or
// in the mount's root: a container with its own cgroup namespace sees its
// cgroup at the root, one without sees the host's path in /proc/self/cgroup
// but has only its own cgroup mounted at the root.
func readFile(fsys fs.FS, mount, own, name string) string {
	candidates := []string{mount + "/" + name}
	if own != "" && own != "/" {
		candidates = append([]string{path.Join(mount, own, name)}, candidates...)
	}
	for _, candidate := range candidates {
		if data, err := fs.ReadFile(fsys, candidate); err == nil {
			return strings.TrimSpace(string(data))
		}
	}
	return ""
}

// cores is quota ÷ period; a quota of "max" (v2) or -1 (v1) is no limit.
func cores(quota, period string) float64 {
	q, errQ := strconv.ParseInt(quota, 10, 64)
	p, errP := strconv.ParseInt(period, 10, 64)
	if errQ != nil || errP != nil || q <= 0 || p <= 0 {
		return 0
	}
	return float64(q) / float64(p)
}

// bytesLimit parses a byte count; values at or above unlimited are no limit.
func bytesLimit(raw string, unlimited int64) int64 {
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 || n >= unlimited {
		return 0
	}
	return n
}
