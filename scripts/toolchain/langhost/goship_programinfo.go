// Added by scripts/toolchain/pulumi.sh to the fallback pulumi-language-nodejs
// (the copy in github.com/pulumi/pulumi/sdk/v3@v3.68.0), next to its main.go.
//
// Engines since ~3.1xx no longer pass the Pulumi.yaml runtime options
// (typescript, tsconfig, nodeargs) as command-line flags of the language host:
// they send them in RunRequest.info (a ProgramInfo, field 14), which the old
// generated RunRequest does not know and keeps as unknown fields. This file
// decodes that field, so the old host honours the options and can pass
// --root-directory like current hosts do.

package main

import (
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Field numbers from pulumi/pulumi:proto/pulumi/language.proto (RunRequest.info,
// ProgramInfo.root_directory, ProgramInfo.options).
const (
	goshipRunRequestInfoField    = 14
	goshipProgramInfoRootField   = 1
	goshipProgramInfoOptionField = 4
)

type goshipProgramInfo struct {
	rootDirectory string
	options       *structpb.Struct
}

// goshipFields returns the last occurrence of each length-delimited field of b.
func goshipFields(b []byte) map[protowire.Number][]byte {
	out := map[protowire.Number][]byte{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return out
		}
		b = b[n:]
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return out
			}
			out[num] = v
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return out
		}
		b = b[m:]
	}
	return out
}

func goshipReadProgramInfo(req *pulumirpc.RunRequest) goshipProgramInfo {
	var info goshipProgramInfo
	raw, ok := goshipFields(req.ProtoReflect().GetUnknown())[goshipRunRequestInfoField]
	if !ok {
		return info
	}
	fields := goshipFields(raw)
	info.rootDirectory = string(fields[goshipProgramInfoRootField])
	if opts, ok := fields[goshipProgramInfoOptionField]; ok {
		s := &structpb.Struct{}
		if err := proto.Unmarshal(opts, s); err == nil {
			info.options = s
		}
	}
	return info
}

// goshipWithProgramInfo returns a copy of host with the runtime options of the
// request applied (flags given on the command line stay as defaults).
func goshipWithProgramInfo(host *nodeLanguageHost, req *pulumirpc.RunRequest) *nodeLanguageHost {
	opts := goshipReadProgramInfo(req).options
	if opts == nil {
		return host
	}
	h := *host
	m := opts.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		h.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		h.tsconfigpath = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		h.nodeargs = v
	}
	return &h
}

func goshipRootDirectory(req *pulumirpc.RunRequest) string {
	return goshipReadProgramInfo(req).rootDirectory
}
