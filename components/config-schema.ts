// The stack-config keys of this project: type, default and description of each.
// config.ts validates against it; scripts/gen-config-schema.ts writes it into Pulumi.yaml (a unit test keeps the two
// in sync), so `pulumi config` users and the engine see the same schema the program enforces.
import { DEFAULTS } from "./defaults";

/** Pulumi project-config types. Structured keys (maps, lists of objects) have no engine-level type. */
export type ConfigKeyType = "string" | "integer" | "boolean" | "array" | "map" | "list";

export interface ConfigKeyDef {
    type: ConfigKeyType;
    description: string;
    default?: string | number | boolean;
    secret?: boolean;
    /** Allowed values, for enumerations. */
    allowed?: readonly string[];
}

export const REGISTRY_TYPES = ["generic", "ecr", "acr-personal", "acr-enterprise"] as const;
export const AUTOSCALING_KINDS = ["none", "hpa", "keda"] as const;
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const PATH_TYPES = ["Prefix", "Exact", "ImplementationSpecific"] as const;
export const ACR_ENDPOINTS = ["public", "vpc"] as const;
export const ECR_ENCRYPTIONS = ["AES256", "KMS"] as const;
export const IMAGE_BUILDERS = ["docker-cli", "pulumi-docker"] as const;

const D = DEFAULTS;

export const CONFIG_KEYS = {
    // --- the service
    appName: { type: "string", default: D.appName, description: "Name of the service: Kubernetes object names and labels (DNS label, at most 40 characters)." },
    production: { type: "boolean", default: D.production, description: "Marks a production stack: requires at least 2 guaranteed pods and TLS on the Ingress, and applies the policy pack's production rules." },
    namespace: { type: "string", default: D.namespace, description: "Kubernetes namespace of every object." },
    createNamespace: { type: "boolean", default: D.createNamespace, description: "Create the namespace (false: it must exist)." },

    // --- registry
    registryType: { type: "string", default: D.registryType, allowed: REGISTRY_TYPES, description: "Where the image is pushed: generic (Docker Hub, Harbor, a local registry), ecr, acr-personal or acr-enterprise." },
    registryServer: { type: "string", description: "generic: registry host[:port], e.g. 127.0.0.1:5000, docker.io, harbor.example.com." },
    registryUsername: { type: "string", description: "generic and acr-personal: login user." },
    registryPassword: { type: "string", secret: true, description: "generic and acr-personal: login password or token (set with --secret)." },
    registryInsecure: { type: "boolean", default: D.registryInsecure, description: "generic: the registry speaks plain HTTP (a local registry); digest checks use --insecure." },
    imageRepository: { type: "string", description: "Repository path inside the registry, e.g. team/goship (default: appName)." },
    imagePullSecret: { type: "boolean", default: D.imagePullSecret, description: "Create a kubernetes.io/dockerconfigjson Secret from the registry credentials and use it to pull (for clusters that cannot pull by node identity)." },
    ecrScanOnPush: { type: "boolean", default: D.ecr.scanOnPush, description: "ecr: scan images on push." },
    ecrImmutableTags: { type: "boolean", default: D.ecr.immutableTags, description: "ecr: make tags immutable." },
    ecrEncryption: { type: "string", default: D.ecr.encryption, allowed: ECR_ENCRYPTIONS, description: "ecr: AES256 or KMS encryption at rest." },
    ecrKmsKeyArn: { type: "string", description: "ecr: KMS key ARN (required when ecrEncryption is KMS)." },
    ecrKeepImages: { type: "integer", default: D.ecr.keepImages, description: "ecr lifecycle policy: keep this many images built by this program." },
    ecrExpireUntaggedDays: { type: "integer", default: D.ecr.expireUntaggedDays, description: "ecr lifecycle policy: expire untagged images after this many days." },
    ecrForceDelete: { type: "boolean", default: D.ecr.forceDelete, description: "ecr: delete the repository even if it holds images." },
    acrNamespace: { type: "string", description: "acr-*: registry namespace." },
    acrInstanceId: { type: "string", description: "acr-enterprise: the Enterprise Edition instance id, e.g. cri-xxxx." },
    acrEndpoint: { type: "string", default: D.acr.endpoint, allowed: ACR_ENDPOINTS, description: "acr-*: pull/push through the public or the VPC endpoint." },
    acrPersonalDomain: { type: "string", description: "acr-personal: registry domain for instances with their own domain (crpi-…personal.cr.aliyuncs.com)." },
    acrCreateNamespace: { type: "boolean", default: D.acr.createNamespace, description: "acr-*: create the namespace (false: it must exist)." },

    // --- image build
    imageContext: { type: "string", default: D.image.context, description: "Docker build context, relative to the project directory (a Go module)." },
    imageDockerfile: { type: "string", default: D.image.dockerfile, description: "Dockerfile path relative to the build context." },
    imageMainPackage: { type: "string", default: D.image.mainPackage, description: "Go main package the image's binary is built from (its import closure is hashed)." },
    imagePlatform: { type: "string", default: D.image.platform, description: "Target platform os/arch, e.g. linux/amd64 (match your nodes)." },
    imageBuilderImage: { type: "string", description: "Build-stage base image (Dockerfile BUILDER_IMAGE); default: the Dockerfile's." },
    imageRuntimeImage: { type: "string", description: "Runtime-stage base image (Dockerfile RUNTIME_IMAGE); default: the Dockerfile's." },
    imageBuildArgs: { type: "map", description: "Extra Docker build args (string to string)." },
    imageBuilder: { type: "string", default: D.image.builder, allowed: IMAGE_BUILDERS, description: "docker-cli (this project's resource, needs only the docker CLI) or pulumi-docker (@pulumi/docker's Image, needs its plugin)." },
    imagePassGoProxy: { type: "boolean", default: D.image.passGoProxy, description: "Pass this machine's `go env` GOPROXY/GOSUMDB/GONOSUMDB/GOPRIVATE into the build (not part of the content hash)." },
    imageBuildNetwork: { type: "string", description: "docker build --network, e.g. host when the Go module proxy is only reachable from the host." },

    // --- Kubernetes connection
    kubeconfig: { type: "string", secret: true, description: "Kubeconfig contents or a path to it (default: KUBECONFIG / ~/.kube/config)." },
    kubeContext: { type: "string", description: "Kubeconfig context to use (default: the current context)." },
    renderYamlTo: { type: "string", description: "Render manifests to this directory instead of applying them (no cluster needed)." },

    // --- workload
    replicas: { type: "integer", default: D.workload.replicas, description: "Pods when autoscaling is none (an autoscaler owns the count otherwise: use minReplicas)." },
    cpuRequest: { type: "string", default: D.workload.cpuRequest, description: "Container CPU request (Kubernetes quantity)." },
    cpuLimit: { type: "string", default: D.workload.cpuLimit, description: "Container CPU limit; GOMAXPROCS follows it." },
    memoryRequest: { type: "string", default: D.workload.memoryRequest, description: "Container memory request." },
    memoryLimit: { type: "string", default: D.workload.memoryLimit, description: "Container memory limit; GOMEMLIMIT is 90% of it." },
    logLevel: { type: "string", default: D.workload.logLevel, allowed: LOG_LEVELS, description: "Service log level." },
    drainDelaySeconds: { type: "integer", default: D.workload.drainDelaySeconds, description: "After SIGTERM the service reports not-ready but keeps serving this long (SHUTDOWN_DRAIN_DELAY)." },
    shutdownTimeoutSeconds: { type: "integer", default: D.workload.shutdownTimeoutSeconds, description: "Deadline for in-flight requests after the drain (SHUTDOWN_TIMEOUT)." },
    preStopSleepSeconds: { type: "integer", default: D.workload.preStopSleepSeconds, description: "preStop sleep before SIGTERM, so endpoints are removed first (0 disables; needs Kubernetes >= 1.30)." },
    revisionHistoryLimit: { type: "integer", default: D.workload.revisionHistoryLimit, description: "Old ReplicaSets kept for rollback." },
    maxSurge: { type: "string", default: D.workload.maxSurge, description: "RollingUpdate maxSurge (count or percent)." },
    maxUnavailable: { type: "string", default: D.workload.maxUnavailable, description: "RollingUpdate maxUnavailable (count or percent)." },
    rolloutTimeoutSeconds: { type: "integer", default: D.workload.rolloutTimeoutSeconds, description: "How long `pulumi up` waits for the Deployment's pods to be Ready before failing (pulumi.com/timeoutSeconds)." },
    zoneSpread: { type: "boolean", default: D.workload.zoneSpread, description: "Spread pods across topology.kubernetes.io/zone (in addition to nodes)." },
    servicePort: { type: "integer", default: D.workload.servicePort, description: "Port of the Service in front of the pods' HTTP port." },
    env: { type: "map", description: "Plain environment variables (a ConfigMap; a change rolls the pods)." },
    secretEnv: { type: "map", secret: true, description: "Secret environment variables (a Secret; a change rolls the pods). Set with --secret." },
    trustedProxies: { type: "string", description: "Comma-separated CIDRs whose X-Forwarded-For the service trusts (TRUSTED_PROXIES)." },

    // --- ingress
    ingressEnabled: { type: "boolean", default: D.ingress.enabled, description: "Create an Ingress." },
    ingressClassName: { type: "string", description: "IngressClass (default: the cluster's default class)." },
    ingressHost: { type: "string", description: "Host name routed to the service (default: any host)." },
    ingressPath: { type: "string", default: D.ingress.path, description: "Path routed to the service." },
    ingressPathType: { type: "string", default: D.ingress.pathType, allowed: PATH_TYPES, description: "Ingress pathType." },
    ingressTlsSecret: { type: "string", description: "TLS from an existing kubernetes.io/tls Secret." },
    ingressCertManagerIssuer: { type: "string", description: "TLS from cert-manager: the ClusterIssuer's name." },
    ingressAnnotations: { type: "map", description: "Extra Ingress annotations, e.g. nginx.ingress.kubernetes.io/rewrite-target." },
    ingressSkipAwait: { type: "boolean", default: D.ingress.skipAwait, description: "Do not wait for the controller to publish an address (controllers that never do)." },
    publicUrl: { type: "string", description: "The URL exported as `url` (default: derived from ingressHost, ingressPath and TLS)." },

    // --- autoscaling
    autoscaling: { type: "string", default: D.autoscaling.kind, allowed: AUTOSCALING_KINDS, description: "none, hpa (autoscaling/v2) or keda (ScaledObject). Never both." },
    minReplicas: { type: "integer", default: D.autoscaling.minReplicas, description: "hpa/keda: minimum pods." },
    maxReplicas: { type: "integer", default: D.autoscaling.maxReplicas, description: "hpa/keda: maximum pods." },
    targetCpuUtilization: { type: "integer", default: D.autoscaling.targetCpuUtilization, description: "hpa: target average CPU utilisation in percent of the request." },
    targetMemoryUtilization: { type: "integer", description: "hpa: target average memory utilisation in percent of the request (unset: not a metric)." },
    scaleUpStabilizationSeconds: { type: "integer", default: D.autoscaling.scaleUpStabilizationSeconds, description: "hpa/keda: scale-up stabilisation window." },
    scaleDownStabilizationSeconds: { type: "integer", default: D.autoscaling.scaleDownStabilizationSeconds, description: "hpa/keda: scale-down stabilisation window." },
    kedaTriggers: { type: "list", description: "keda: triggers, each {type: cpu|memory|prometheus|kafka|cron, …} (see README)." },
    kedaPollingIntervalSeconds: { type: "integer", default: D.autoscaling.kedaPollingIntervalSeconds, description: "keda: pollingInterval." },
    kedaCooldownSeconds: { type: "integer", default: D.autoscaling.kedaCooldownSeconds, description: "keda: cooldownPeriod." },
    kedaFallbackReplicas: { type: "integer", description: "keda: replicas to hold when a scaler fails 3 times in a row (unset: no fallback)." },
    kedaAwaitReady: { type: "boolean", default: D.autoscaling.kedaAwaitReady, description: "keda: wait for the ScaledObject's Ready condition (needs the KEDA operator)." },

    // --- network policy and monitoring
    networkPolicyEnabled: { type: "boolean", default: D.networkPolicy.enabled, description: "Deny ingress to the pods except from the ingress controller (HTTP) and the metrics scraper (admin port)." },
    ingressControllerNamespace: { type: "string", default: D.networkPolicy.ingressControllerNamespace, description: "Namespace of the ingress controller allowed to reach the HTTP port." },
    metricsNamespace: { type: "string", default: D.networkPolicy.metricsNamespace, description: "Namespace of the scraper allowed to reach the admin port." },
    serviceMonitor: { type: "boolean", default: D.serviceMonitor, description: "Create a Prometheus-operator ServiceMonitor (needs its CRD)." },
    forceApply: { type: "boolean", default: D.forceApply, description: "Take over objects another stack or tool applied (server-side apply force, pulumi.com/patchForce): for a local cluster that may hold objects of a lost stack state." },
} as const satisfies Record<string, ConfigKeyDef>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
