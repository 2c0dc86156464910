// Command goship-cri is a minimal CRI client (crictl is not available from the
// module proxy or Debian here). down.sh uses it to stop and remove every pod
// sandbox through containerd's CRI plugin, so the CNI plugins run their DEL
// (veths, host-local IPs, iptables rules) before containerd is stopped.
//
//	goship-cri -endpoint unix:///run/goship/containerd/containerd.sock pods|ps|images|rm-all-pods
//
// It is compiled by scripts/cluster/build.sh inside the Kubernetes wrapper
// module, which already requires k8s.io/cri-api and google.golang.org/grpc.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func main() {
	endpoint := flag.String("endpoint", "unix:///run/goship/containerd/containerd.sock", "CRI endpoint")
	timeout := flag.Duration("timeout", 2*time.Minute, "overall timeout")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s [flags] pods|ps|images|rm-all-pods\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, *endpoint, flag.Arg(0)); err != nil {
		fmt.Fprintf(os.Stderr, "goship-cri: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, endpoint, cmd string) error {
	path := strings.TrimPrefix(endpoint, "unix://")
	conn, err := grpc.DialContext(ctx, "passthrough:///"+path,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}),
		grpc.WithBlock())
	if err != nil {
		return fmt.Errorf("connect %s: %w", endpoint, err)
	}
	defer conn.Close()
	rt := runtime.NewRuntimeServiceClient(conn)

	switch cmd {
	case "pods":
		resp, err := rt.ListPodSandbox(ctx, &runtime.ListPodSandboxRequest{})
		if err != nil {
			return err
		}
		for _, p := range resp.Items {
			fmt.Printf("%s\t%s\t%s/%s\n", p.Id[:13], p.State, p.Metadata.Namespace, p.Metadata.Name)
		}
	case "ps":
		resp, err := rt.ListContainers(ctx, &runtime.ListContainersRequest{})
		if err != nil {
			return err
		}
		for _, c := range resp.Containers {
			fmt.Printf("%s\t%s\t%s\t%s\n", c.Id[:13], c.State, c.Metadata.Name, c.Image.GetImage())
		}
	case "images":
		img := runtime.NewImageServiceClient(conn)
		resp, err := img.ListImages(ctx, &runtime.ListImagesRequest{})
		if err != nil {
			return err
		}
		for _, i := range resp.Images {
			fmt.Printf("%s\t%s\n", i.Id, strings.Join(i.RepoTags, ","))
		}
	case "rm-all-pods":
		resp, err := rt.ListPodSandbox(ctx, &runtime.ListPodSandboxRequest{})
		if err != nil {
			return err
		}
		var failed []string
		for _, p := range resp.Items {
			name := p.Metadata.Namespace + "/" + p.Metadata.Name
			if _, err := rt.StopPodSandbox(ctx, &runtime.StopPodSandboxRequest{PodSandboxId: p.Id}); err != nil {
				failed = append(failed, fmt.Sprintf("stop %s: %v", name, err))
				continue
			}
			if _, err := rt.RemovePodSandbox(ctx, &runtime.RemovePodSandboxRequest{PodSandboxId: p.Id}); err != nil {
				failed = append(failed, fmt.Sprintf("remove %s: %v", name, err))
				continue
			}
			fmt.Printf("removed pod sandbox %s (%s)\n", p.Id[:13], name)
		}
		if len(failed) > 0 {
			return fmt.Errorf("%s", strings.Join(failed, "; "))
		}
	default:
		return fmt.Errorf("unknown command %q", cmd)
	}
	return nil
}
