// Added by scripts/toolchain/pulumi.sh to the fallback pulumi-language-nodejs
// (the copy in github.com/pulumi/pulumi/sdk/v3@v3.68.0), next to its main.go.
//
// Current engines start a Node.js policy pack (`pulumi preview --policy-pack
// dir`) through the language host's RunPlugin RPC whenever a nodejs language
// plugin is installed (sdk/go/common/resource/plugin/analyzer_plugin.go,
// NewPolicyAnalyzer); the old "pulumi-analyzer-policy" script is only their
// fallback when no language plugin exists. The v3.68.0 host answers RunPlugin
// with "not supported", so this file implements it for analyzers: run
// @pulumi/pulumi/cmd/run-policy-pack (resolved from the policy pack's
// directory) with node, in that directory, streaming its output back.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/google/shlex"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Field numbers from pulumi/pulumi:proto/pulumi/language.proto (RunPluginRequest.info
// and .kind; ProgramInfo.program_directory), unknown to the old generated
// RunPluginRequest; ProgramInfo.options is goshipProgramInfoOptionField.
const (
	goshipRunPluginInfoField  = 5
	goshipRunPluginKindField  = 6
	goshipProgramInfoDirField = 2
	goshipRunPolicyPackModule = "@pulumi/pulumi/cmd/run-policy-pack"
)

// goshipRunPluginSupported is grep-able in the built binary: pulumi.sh rebuilds
// a fallback host that lacks it.
const goshipRunPluginSupported = "goship-langhost-patch: runplugin-analyzer-v2"

type goshipPluginRequest struct {
	kind             string
	programDirectory string
	nodeargs         string
}

func goshipReadPluginRequest(req *pulumirpc.RunPluginRequest) goshipPluginRequest {
	fields := goshipFields(req.ProtoReflect().GetUnknown())
	out := goshipPluginRequest{kind: string(fields[goshipRunPluginKindField]), programDirectory: req.GetProgram()}
	if raw, ok := fields[goshipRunPluginInfoField]; ok {
		info := goshipFields(raw)
		if dir := string(info[goshipProgramInfoDirField]); dir != "" {
			out.programDirectory = dir
		}
		if opts, ok := info[goshipProgramInfoOptionField]; ok {
			s := &structpb.Struct{}
			if err := proto.Unmarshal(opts, s); err == nil {
				if v, ok := s.AsMap()["nodeargs"].(string); ok {
					out.nodeargs = v
				}
			}
		}
	}
	return out
}

// goshipStreamWriter forwards a child's stdout or stderr as RunPluginResponses.
type goshipStreamWriter struct {
	mu     *sync.Mutex
	server pulumirpc.LanguageRuntime_RunPluginServer
	stderr bool
}

func (w goshipStreamWriter) Write(p []byte) (int, error) {
	data := append([]byte(nil), p...)
	resp := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: data}}
	if w.stderr {
		resp = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: data}}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.server.Send(resp); err != nil {
		return 0, err
	}
	return len(p), nil
}

func goshipRunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	plugin := goshipReadPluginRequest(req)
	if plugin.kind != "analyzer" {
		return fmt.Errorf("this pulumi-language-nodejs (%s) runs only policy packs through RunPlugin, not %q plugins",
			goshipRunPluginSupported, plugin.kind)
	}
	if plugin.programDirectory == "" {
		return fmt.Errorf("RunPlugin: no policy pack directory in the request")
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	// Resolve the SDK the policy pack itself sees (its node_modules, or a parent's).
	resolve := exec.Command(nodeBin, "-e",
		fmt.Sprintf("process.stdout.write(require.resolve(%q, { paths: [process.cwd()] }))", goshipRunPolicyPackModule))
	resolve.Dir = plugin.programDirectory
	runPath, err := resolve.Output()
	if err != nil {
		return fmt.Errorf("it looks like the policy pack's dependencies are not installed: cannot resolve %s from %s "+
			"(run npm ci in the project): %w", goshipRunPolicyPackModule, plugin.programDirectory, err)
	}

	args, err := shlex.Split(plugin.nodeargs)
	if err != nil {
		return fmt.Errorf("nodeargs: %w", err)
	}
	// run-policy-pack <engine address> <policy pack directory>; the engine's arguments end with its address.
	args = append(args, string(runPath))
	args = append(args, req.GetArgs()...)
	args = append(args, plugin.programDirectory)

	var mu sync.Mutex
	// Ends with the RunPlugin call: when the engine is done with the analyzer it cancels the stream, and the policy
	// pack's server (which would otherwise serve forever) goes with it.
	cmd := exec.CommandContext(server.Context(), nodeBin, args...)
	// As the engine does for the legacy analyzer shim: the pack's own directory, so PolicyPack reads the pack's
	// package.json (its version) and ts-node the pack's tsconfig.json.
	cmd.Dir = plugin.programDirectory
	cmd.Env = req.GetEnv()
	if len(cmd.Env) == 0 {
		cmd.Env = os.Environ()
	}
	cmd.Stdout = goshipStreamWriter{mu: &mu, server: server}
	cmd.Stderr = goshipStreamWriter{mu: &mu, server: server, stderr: true}

	code := int32(0)
	if err := cmd.Run(); err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			return fmt.Errorf("running %s %s: %w", nodeBin, strings.Join(args, " "), err)
		}
		code = int32(exitErr.ExitCode())
	}
	mu.Lock()
	defer mu.Unlock()
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}
