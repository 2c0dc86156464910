package cgroup

import (
	"testing"
	"testing/fstest"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want Limits
	}{
		{"v1 with limits, cgroup namespace (own cgroup at the root)", fstest.MapFS{
			"proc/self/cgroup":                            file("4:memory:/\n3:cpu,cpuacct:/\n0::/\n"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  file("150000\n"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": file("100000\n"),
			"sys/fs/cgroup/memory/memory.limit_in_bytes":  file("268435456\n"),
		}, Limits{CPUCores: 1.5, MemoryBytes: 256 << 20}},
		{"v1 unlimited (this kind of host)", fstest.MapFS{
			"proc/self/cgroup":                           file("4:memory:/\n1:cpu:/\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_quota_us":         file("-1\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_period_us":        file("100000\n"),
			"sys/fs/cgroup/memory/memory.limit_in_bytes": file("9223372036854771712\n"),
		}, Limits{}},
		{"v1, own cgroup below the mount (no cgroup namespace, host view)", fstest.MapFS{
			"proc/self/cgroup": file("4:memory:/kubepods/pod1/c1\n2:cpu,cpuacct:/kubepods/pod1/c1\n"),
			"sys/fs/cgroup/cpu/kubepods/pod1/c1/cpu.cfs_quota_us":         file("50000"),
			"sys/fs/cgroup/cpu/kubepods/pod1/c1/cpu.cfs_period_us":        file("100000"),
			"sys/fs/cgroup/cpu/cpu.cfs_quota_us":                          file("-1"),
			"sys/fs/cgroup/cpu/cpu.cfs_period_us":                         file("100000"),
			"sys/fs/cgroup/memory/kubepods/pod1/c1/memory.limit_in_bytes": file("134217728"),
			"sys/fs/cgroup/memory/memory.limit_in_bytes":                  file("9223372036854771712"),
		}, Limits{CPUCores: 0.5, MemoryBytes: 128 << 20}},
		{"v1, host path in /proc/self/cgroup but only the own cgroup mounted", fstest.MapFS{
			"proc/self/cgroup":                            file("4:memory:/kubepods/pod1/c1\n2:cpu,cpuacct:/kubepods/pod1/c1\n"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  file("200000"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": file("100000"),
			"sys/fs/cgroup/memory/memory.limit_in_bytes":  file("1073741824"),
		}, Limits{CPUCores: 2, MemoryBytes: 1 << 30}},
		{"v2 with limits", fstest.MapFS{
			"proc/self/cgroup":                 file("0::/\n"),
			"sys/fs/cgroup/cgroup.controllers": file("cpu memory pids\n"),
			"sys/fs/cgroup/cpu.max":            file("25000 100000\n"),
			"sys/fs/cgroup/memory.max":         file("536870912\n"),
		}, Limits{CPUCores: 0.25, MemoryBytes: 512 << 20}},
		{"v2 unlimited", fstest.MapFS{
			"proc/self/cgroup":                 file("0::/\n"),
			"sys/fs/cgroup/cgroup.controllers": file("cpu memory\n"),
			"sys/fs/cgroup/cpu.max":            file("max 100000\n"),
			"sys/fs/cgroup/memory.max":         file("max\n"),
		}, Limits{}},
		{"v2, own cgroup below the root", fstest.MapFS{
			"proc/self/cgroup":                                file("0::/kubepods.slice/pod1/c1\n"),
			"sys/fs/cgroup/cgroup.controllers":                file("cpu memory\n"),
			"sys/fs/cgroup/kubepods.slice/pod1/c1/cpu.max":    file("100000 100000\n"),
			"sys/fs/cgroup/kubepods.slice/pod1/c1/memory.max": file("67108864\n"),
		}, Limits{CPUCores: 1, MemoryBytes: 64 << 20}},
		{"nothing readable", fstest.MapFS{}, Limits{}},
		{"malformed files", fstest.MapFS{
			"sys/fs/cgroup/cgroup.controllers": file(""),
			"sys/fs/cgroup/cpu.max":            file("lots"),
			"sys/fs/cgroup/memory.max":         file("-5"),
		}, Limits{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Read(tt.fsys); got != tt.want {
				t.Errorf("Read = %+v, want %+v", got, tt.want)
			}
		})
	}
}
