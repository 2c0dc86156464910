// Every stack-config key of this project, in one table: type, default, description, the rule its value follows, its
// group, and the component argument it maps to. config/ parses and maps by it, scripts/gen-config-schema.ts writes
// Pulumi.yaml's schema and the README's reference from it (a unit test keeps both in sync), and the rules are the
// components' own (the components check them; the table only quotes them).
import * as path from "path";
import { APP_CONTRACT, DEFAULTS } from "../defaults";
import { IMAGE_BUILDERS } from "../image/builder";
import { IMAGE_PLATFORMS } from "../image/build-plan";
import { IMAGE_RULES } from "../image/validate";
import { ACR_ENDPOINTS, ECR_ENCRYPTIONS, REGISTRY_RULES, REGISTRY_TYPES } from "../registry/validate";
import { Rule } from "../validation/rules";
import { DATABASE_RULES as DB } from "../database/rules";
import { SERVICE_RULES as S } from "../web-service/rules";
import { AUTOSCALING_KINDS, CANARY_ROUTERS, LOG_LEVELS, PATH_TYPES } from "../web-service/types";
import { KAFKA_MECHANISMS } from "../kafka/types";

/** Pulumi project-config types; structured keys (maps, lists of objects) have no engine-level type. */
export type ConfigKeyType = "string" | "integer" | "boolean" | "map" | "list";

export const GROUPS = {
    service: "The service",
    registry: "Registry",
    image: "Image build",
    kubernetes: "Kubernetes connection",
    workload: "Workload",
    ingress: "Ingress",
    autoscaling: "Autoscaling",
    network: "Network policy and monitoring",
    observability: "Observability (docs/observability.md)",
    database: "Database (docs/database.md)",
    kafka: "Kafka and the worker (docs/workers.md)",
    delivery: "Gray release (docs/gray-release.md)",
} as const;

export interface ConfigKeyDef {
    type: ConfigKeyType;
    group: keyof typeof GROUPS;
    description: string;
    default?: string | number | boolean;
    secret?: boolean;
    /** Allowed values of an enumeration (checked while parsing: other keys' relevance depends on them). */
    allowed?: readonly string[];
    /** The owning component's rule for the value, quoted in the docs. */
    rule?: Rule;
    /**
     * The argument the value becomes: `name` (the service's), `builder`, `pullSecret`, or a path under `registry.`,
     * `image.`, `kubernetes.` or `service.`. Two keys that reach one argument are an error, never a silent winner.
     */
    arg: string;
    /** Further argument paths whose problems are reported under this key. */
    reports?: readonly string[];
    /** The value as the argument takes it (default: as parsed); undefined leaves the argument unset. */
    toArg?: (value: unknown, context: { projectDir: string }) => unknown;
    /** Meaningful only when another key has one of these values: set otherwise, it is an error. */
    when?: { key: string; is: readonly (string | boolean)[]; why?: string };
}

const D = DEFAULTS;
const W = D.workload;
const A = D.autoscaling;
const C = D.delivery.canary;
const registryIs = (...is: string[]) => ({ key: "registryType", is });
const autoscalingIs = (...is: string[]) => ({ key: "autoscaling", is });
const ingressOn = { key: "ingressEnabled", is: [true] };
const networkPolicyOn = { key: "networkPolicyEnabled", is: [true] };

export const CONFIG_KEYS = {
    // --- the service
    appName: { type: "string", group: "service", default: D.appName, rule: S.name, arg: "name", reports: ["service.name"], description: "Name of the service: Kubernetes object names and labels." },
    production: { type: "boolean", group: "service", default: D.production, arg: "service.production", description: "Marks a production stack: requires at least 2 guaranteed pods and TLS on the Ingress, and applies the policy pack's production rules." },
    namespace: { type: "string", group: "service", default: D.namespace, rule: S.namespace, arg: "service.namespace", description: "Kubernetes namespace of every object." },
    createNamespace: { type: "boolean", group: "service", default: D.createNamespace, arg: "service.createNamespace", description: "Create the namespace (false: it must exist)." },

    // --- registry
    registryType: { type: "string", group: "registry", default: D.registryType, allowed: REGISTRY_TYPES, arg: "registry.type", description: "Where the image is pushed: generic (Docker Hub, Harbor, a local registry), ecr, acr-personal or acr-enterprise." },
    registryServer: { type: "string", group: "registry", rule: REGISTRY_RULES.server, arg: "registry.server", when: registryIs("generic"), description: "generic: registry host[:port], e.g. 127.0.0.1:5000, docker.io, harbor.example.com." },
    registryUsername: { type: "string", group: "registry", arg: "registry.username", when: { ...registryIs("generic", "acr-personal"), why: "ecr and acr-enterprise issue tokens" }, description: "generic and acr-personal: login user." },
    registryPassword: { type: "string", group: "registry", secret: true, arg: "registry.password", when: { ...registryIs("generic", "acr-personal"), why: "ecr and acr-enterprise issue tokens" }, description: "generic and acr-personal: login password or token (set with --secret)." },
    registryInsecure: { type: "boolean", group: "registry", default: D.registryInsecure, arg: "registry.insecure", when: registryIs("generic"), description: "generic: the registry speaks plain HTTP (a local registry); digest checks use --insecure." },
    imageRepository: { type: "string", group: "registry", rule: REGISTRY_RULES.repository, arg: "registry.repository", description: "Repository path inside the registry, e.g. team/goship (default: appName; acr-*: one path component)." },
    imagePullSecret: { type: "boolean", group: "registry", default: D.imagePullSecret, arg: "pullSecret", reports: ["service.imagePullDockerConfigJson"], description: "Create a kubernetes.io/dockerconfigjson Secret from the registry's login and pull with it (for clusters that cannot pull by node identity; refused for ecr and acr-enterprise, whose tokens expire)." },
    ecrScanOnPush: { type: "boolean", group: "registry", default: D.ecr.scanOnPush, arg: "registry.scanOnPush", when: registryIs("ecr"), description: "ecr: scan images on push." },
    ecrImmutableTags: { type: "boolean", group: "registry", default: D.ecr.immutableTags, arg: "registry.immutableTags", when: registryIs("ecr"), description: "ecr: make tags immutable." },
    ecrEncryption: { type: "string", group: "registry", default: D.ecr.encryption, allowed: ECR_ENCRYPTIONS, arg: "registry.encryption", when: registryIs("ecr"), description: "ecr: AES256 or KMS encryption at rest." },
    ecrKmsKeyArn: { type: "string", group: "registry", rule: REGISTRY_RULES.kmsKeyArn, arg: "registry.kmsKeyArn", when: registryIs("ecr"), description: "ecr: KMS key ARN (required when ecrEncryption is KMS)." },
    ecrKeepImages: { type: "integer", group: "registry", default: D.ecr.keepImages, rule: REGISTRY_RULES.keepImages, arg: "registry.keepImages", when: registryIs("ecr"), description: "ecr lifecycle policy: keep this many images built by this program." },
    ecrExpireUntaggedDays: { type: "integer", group: "registry", default: D.ecr.expireUntaggedDays, rule: REGISTRY_RULES.expireUntaggedDays, arg: "registry.expireUntaggedDays", when: registryIs("ecr"), description: "ecr lifecycle policy: expire untagged images after this many days." },
    ecrForceDelete: { type: "boolean", group: "registry", default: D.ecr.forceDelete, arg: "registry.forceDelete", when: registryIs("ecr"), description: "ecr: delete the repository even if it holds images." },
    acrNamespace: { type: "string", group: "registry", rule: REGISTRY_RULES.acrNamespace, arg: "registry.namespace", when: registryIs("acr-personal", "acr-enterprise"), description: "acr-*: registry namespace." },
    acrInstanceId: { type: "string", group: "registry", rule: REGISTRY_RULES.acrInstanceId, arg: "registry.instanceId", when: registryIs("acr-enterprise"), description: "acr-enterprise: the Enterprise Edition instance id, e.g. cri-xxxx." },
    acrEndpoint: { type: "string", group: "registry", default: D.acr.endpoint, allowed: ACR_ENDPOINTS, arg: "registry.endpoint", when: registryIs("acr-personal", "acr-enterprise"), description: "acr-*: pull/push through the public or the VPC endpoint." },
    acrPersonalDomain: { type: "string", group: "registry", rule: REGISTRY_RULES.domain, arg: "registry.domain", when: registryIs("acr-personal"), description: "acr-personal: registry domain for instances with their own domain (crpi-…personal.cr.aliyuncs.com)." },
    acrCreateNamespace: { type: "boolean", group: "registry", default: D.acr.createNamespace, arg: "registry.createNamespace", when: registryIs("acr-personal", "acr-enterprise"), description: "acr-*: create the namespace (false: it must exist)." },

    // --- image build
    imageContext: { type: "string", group: "image", default: D.image.context, arg: "image.context", toArg: (value, { projectDir }) => path.resolve(projectDir, value as string), description: "Docker build context, relative to the project directory (a Go module)." },
    imageDockerfile: { type: "string", group: "image", default: D.image.dockerfile, arg: "image.dockerfile", description: "Dockerfile path relative to the build context." },
    imageMainPackage: { type: "string", group: "image", default: D.image.mainPackage, rule: IMAGE_RULES.mainPackage, arg: "image.mainPackage", description: "Go main package the image's binary is built from (its import closure is hashed)." },
    imagePlatform: { type: "string", group: "image", default: D.image.platform, allowed: IMAGE_PLATFORMS, arg: "image.platform", description: "Target platform os/arch of your nodes." },
    imageBuilderImage: { type: "string", group: "image", arg: `image.buildArgs.${APP_CONTRACT.builderImageArg}`, description: `Build-stage base image (the Dockerfile's ${APP_CONTRACT.builderImageArg}); default: the Dockerfile's.` },
    imageRuntimeImage: { type: "string", group: "image", arg: `image.buildArgs.${APP_CONTRACT.runtimeImageArg}`, description: `Runtime-stage base image (the Dockerfile's ${APP_CONTRACT.runtimeImageArg}); default: the Dockerfile's.` },
    imageBuildArgs: { type: "map", group: "image", arg: "image.buildArgs", description: "Further Docker build args (string to string), each one the Dockerfile declares." },
    imageBuilder: { type: "string", group: "image", default: D.image.builder, allowed: IMAGE_BUILDERS, arg: "builder", description: "docker-cli (this project's resource, needs only the docker CLI) or pulumi-docker (@pulumi/docker's Image, needs its plugin)." },
    imagePassGoProxy: { type: "boolean", group: "image", default: D.image.passGoProxy, arg: "image.passGoProxy", description: "Pass this machine's `go env` GOPROXY/GOSUMDB/GONOSUMDB/GOPRIVATE into the build (not part of the content hash)." },
    imageBuildNetwork: { type: "string", group: "image", rule: IMAGE_RULES.network, arg: "image.network", description: "docker build --network, e.g. host when the Go module proxy is only reachable from the host." },

    // --- Kubernetes connection
    kubeconfig: { type: "string", group: "kubernetes", secret: true, arg: "kubernetes.kubeconfig", description: "Kubeconfig contents or a path to it (default: KUBECONFIG / ~/.kube/config)." },
    kubeContext: { type: "string", group: "kubernetes", arg: "kubernetes.context", description: "Kubeconfig context to use (default: the current context)." },
    renderYamlTo: { type: "string", group: "kubernetes", arg: "kubernetes.renderYamlTo", reports: ["service.provider", "database.kubernetesProvider"], description: "Render manifests to this directory instead of applying them (no cluster needed; refused with secretEnv, imagePullSecret, kafkaPassword or database, whose Secrets would be written in plaintext)." },

    // --- workload
    replicas: { type: "integer", group: "workload", default: A.replicas, rule: S.replicas, arg: "service.autoscaling.replicas", when: { ...autoscalingIs("none"), why: "the autoscaler owns the replica count: use minReplicas" }, description: "Pods when autoscaling is none." },
    cpuRequest: { type: "string", group: "workload", default: D.resources.cpuRequest, rule: S.cpu, arg: "service.resources.cpuRequest", description: "Container CPU request." },
    cpuLimit: { type: "string", group: "workload", default: D.resources.cpuLimit, rule: S.cpu, arg: "service.resources.cpuLimit", description: "Container CPU limit; GOMAXPROCS follows it." },
    memoryRequest: { type: "string", group: "workload", default: D.resources.memoryRequest, rule: S.bytes, arg: "service.resources.memoryRequest", description: "Container memory request." },
    memoryLimit: { type: "string", group: "workload", default: D.resources.memoryLimit, rule: S.bytes, arg: "service.resources.memoryLimit", description: "Container memory limit; GOMEMLIMIT is 90% of it." },
    ephemeralStorageRequest: { type: "string", group: "workload", default: D.resources.ephemeralStorageRequest, rule: S.bytes, arg: "service.resources.ephemeralStorageRequest", description: "Container ephemeral-storage request (/tmp, logs, writable layer)." },
    ephemeralStorageLimit: { type: "string", group: "workload", default: D.resources.ephemeralStorageLimit, rule: S.bytes, arg: "service.resources.ephemeralStorageLimit", description: `Container ephemeral-storage limit, at least /tmp's ${W.tmpSizeLimit} (the kubelet evicts the pod above it).` },
    logLevel: { type: "string", group: "workload", default: W.logLevel, allowed: LOG_LEVELS, arg: "service.logLevel", description: "Service log level." },
    drainDelaySeconds: { type: "integer", group: "workload", default: D.shutdown.drainDelaySeconds, rule: S.drainDelaySeconds, arg: "service.shutdown.drainDelaySeconds", description: "After SIGTERM the service reports not-ready but keeps serving this long (SHUTDOWN_DRAIN_DELAY)." },
    shutdownTimeoutSeconds: { type: "integer", group: "workload", default: D.shutdown.shutdownTimeoutSeconds, rule: S.shutdownTimeoutSeconds, arg: "service.shutdown.shutdownTimeoutSeconds", description: "Deadline for in-flight requests after the drain (SHUTDOWN_TIMEOUT)." },
    preStopSleepSeconds: { type: "integer", group: "workload", default: D.shutdown.preStopSleepSeconds, rule: S.preStopSleepSeconds, arg: "service.shutdown.preStopSleepSeconds", description: "preStop sleep before SIGTERM, so endpoints are removed first (0 disables; needs Kubernetes >= 1.30)." },
    revisionHistoryLimit: { type: "integer", group: "workload", default: D.rollout.revisionHistoryLimit, rule: S.revisionHistoryLimit, arg: "service.rollout.revisionHistoryLimit", description: "Old ReplicaSets kept for rollback." },
    maxSurge: { type: "string", group: "workload", default: D.rollout.maxSurge, rule: S.maxSurge, arg: "service.rollout.maxSurge", description: "RollingUpdate maxSurge." },
    maxUnavailable: { type: "string", group: "workload", default: D.rollout.maxUnavailable, rule: S.maxUnavailable, arg: "service.rollout.maxUnavailable", description: "RollingUpdate maxUnavailable (not 0 when maxSurge is 0)." },
    rolloutTimeoutSeconds: { type: "integer", group: "workload", default: D.rollout.timeoutSeconds, rule: S.rolloutTimeoutSeconds, arg: "service.rollout.timeoutSeconds", description: "How long `pulumi up` waits for the Deployment's pods to be Ready before failing (pulumi.com/timeoutSeconds)." },
    zoneSpread: { type: "boolean", group: "workload", default: W.zoneSpread, arg: "service.zoneSpread", description: "Spread pods across topology.kubernetes.io/zone (in addition to nodes)." },
    servicePort: { type: "integer", group: "workload", default: W.servicePort, rule: S.port, arg: "service.servicePort", description: "Port of the Service in front of the pods' HTTP port." },
    env: { type: "map", group: "workload", arg: "service.env", description: "Plain environment variables (a ConfigMap; a change rolls the pods); the service's own variables must hold values it accepts." },
    secretEnv: { type: "map", group: "workload", secret: true, arg: "service.secretEnv", description: "Secret environment variables (a Secret; a change rolls the pods). Set with --secret." },
    trustedProxies: { type: "string", group: "workload", arg: "service.trustedProxies", description: "Comma-separated IPs or CIDRs whose X-Forwarded-For the service trusts (TRUSTED_PROXIES)." },

    // --- ingress
    ingressEnabled: { type: "boolean", group: "ingress", default: D.ingress.enabled, arg: "service.ingress", toArg: (value) => (value ? {} : undefined), description: "Create an Ingress." },
    ingressClassName: { type: "string", group: "ingress", rule: S.ingressClassName, arg: "service.ingress.className", when: ingressOn, description: "IngressClass (default: the cluster's default class)." },
    ingressHost: { type: "string", group: "ingress", rule: S.ingressHost, arg: "service.ingress.host", when: ingressOn, description: "Host name routed to the service (default: any host)." },
    ingressPath: { type: "string", group: "ingress", default: D.ingress.path, rule: S.ingressPath, arg: "service.ingress.path", when: ingressOn, description: "Path routed to the service (a regex only with pathType ImplementationSpecific)." },
    ingressPathType: { type: "string", group: "ingress", default: D.ingress.pathType, allowed: PATH_TYPES, arg: "service.ingress.pathType", when: ingressOn, description: "Ingress pathType." },
    ingressTlsSecret: { type: "string", group: "ingress", rule: S.secretName, arg: "service.ingress.tls.secretName", when: ingressOn, description: "TLS from an existing kubernetes.io/tls Secret." },
    ingressCertManagerIssuer: { type: "string", group: "ingress", rule: S.secretName, arg: "service.ingress.tls.certManagerIssuer", when: ingressOn, description: "TLS from cert-manager: the ClusterIssuer's name (needs ingressHost)." },
    ingressAnnotations: { type: "map", group: "ingress", arg: "service.ingress.annotations", when: ingressOn, description: "Extra Ingress annotations; an nginx rewrite-target must use a capture group of a regex ingressPath." },
    ingressSkipAwait: { type: "boolean", group: "ingress", default: D.ingress.skipAwait, arg: "service.ingress.skipAwait", when: ingressOn, description: "Do not wait for the controller to publish an address (controllers that never do)." },
    publicUrl: { type: "string", group: "ingress", rule: S.publicUrl, arg: "service.publicUrl", description: "The URL exported as `url` (default: derived from ingressHost, ingressPath and TLS)." },

    // --- autoscaling
    autoscaling: { type: "string", group: "autoscaling", default: A.kind, allowed: AUTOSCALING_KINDS, arg: "service.autoscaling.kind", description: "none, hpa (autoscaling/v2) or keda (ScaledObject). Never both." },
    minReplicas: { type: "integer", group: "autoscaling", default: A.minReplicas, rule: S.kedaMinReplicas, arg: "service.autoscaling.minReplicas", when: autoscalingIs("hpa", "keda"), description: "hpa/keda: minimum pods (0 only for keda with an event trigger)." },
    maxReplicas: { type: "integer", group: "autoscaling", default: A.maxReplicas, rule: S.maxReplicas, arg: "service.autoscaling.maxReplicas", when: autoscalingIs("hpa", "keda"), description: "hpa/keda: maximum pods." },
    targetCpuUtilization: { type: "integer", group: "autoscaling", default: A.targetCpuUtilization, rule: S.utilization, arg: "service.autoscaling.targetCpuUtilization", when: autoscalingIs("hpa"), description: "hpa: target average CPU utilisation in percent of the request." },
    targetMemoryUtilization: { type: "integer", group: "autoscaling", rule: S.utilization, arg: "service.autoscaling.targetMemoryUtilization", when: autoscalingIs("hpa"), description: "hpa: target average memory utilisation in percent of the request (unset: not a metric)." },
    scaleUpStabilizationSeconds: { type: "integer", group: "autoscaling", default: A.scaleUpStabilizationSeconds, rule: S.stabilizationSeconds, arg: "service.autoscaling.scaleUpStabilizationSeconds", when: autoscalingIs("hpa", "keda"), description: "hpa/keda: scale-up stabilisation window." },
    scaleDownStabilizationSeconds: { type: "integer", group: "autoscaling", default: A.scaleDownStabilizationSeconds, rule: S.stabilizationSeconds, arg: "service.autoscaling.scaleDownStabilizationSeconds", when: autoscalingIs("hpa", "keda"), description: "hpa/keda: scale-down stabilisation window." },
    kedaTriggers: { type: "list", group: "autoscaling", arg: "service.autoscaling.triggers", when: autoscalingIs("keda"), description: "keda: triggers, each {type: cpu|memory|prometheus|kafka|cron, …} (see below)." },
    kedaPollingIntervalSeconds: { type: "integer", group: "autoscaling", default: A.pollingIntervalSeconds, rule: S.pollingIntervalSeconds, arg: "service.autoscaling.pollingIntervalSeconds", when: autoscalingIs("keda"), description: "keda: pollingInterval." },
    kedaCooldownSeconds: { type: "integer", group: "autoscaling", default: A.cooldownSeconds, rule: S.cooldownSeconds, arg: "service.autoscaling.cooldownSeconds", when: autoscalingIs("keda"), description: "keda: cooldownPeriod." },
    kedaFallbackReplicas: { type: "integer", group: "autoscaling", rule: S.fallbackReplicas, arg: "service.autoscaling.fallbackReplicas", when: autoscalingIs("keda"), description: "keda: replicas to hold when a scaler fails 3 times in a row (unset: no fallback; needs an event trigger)." },
    kedaAwaitReady: { type: "boolean", group: "autoscaling", default: A.awaitReady, arg: "service.autoscaling.awaitReady", when: autoscalingIs("keda"), description: "keda: wait for the ScaledObject's Ready condition (needs the KEDA operator)." },

    // --- network policy and monitoring
    networkPolicyEnabled: { type: "boolean", group: "network", default: D.networkPolicy.enabled, arg: "service.networkPolicy", toArg: (value) => (value ? {} : false), description: "Deny ingress to the pods except from the ingress controller (HTTP) and the metrics scraper (admin port)." },
    ingressControllerNamespace: { type: "string", group: "network", default: D.networkPolicy.ingressControllerNamespace, rule: S.namespace, arg: "service.networkPolicy.ingressControllerNamespace", when: networkPolicyOn, description: "Namespace of the ingress controller allowed to reach the HTTP port." },
    metricsNamespace: { type: "string", group: "network", default: D.networkPolicy.metricsNamespace, rule: S.namespace, arg: "service.networkPolicy.metricsNamespace", when: networkPolicyOn, description: "Namespace of the scraper allowed to reach the admin port." },
    networkPolicyEgress: { type: "list", group: "network", arg: "service.networkPolicy.egress", when: networkPolicyOn, description: "Egress allow-list, each {cidrs: […], namespaces: […], ports: […]}; DNS stays allowed (unset: egress unrestricted)." },
    serviceMonitor: { type: "boolean", group: "network", default: D.serviceMonitor, arg: "service.serviceMonitor", description: "Create a Prometheus-operator ServiceMonitor (needs its CRD)." },
    tracing: { type: "map", group: "observability", arg: "service.tracing", description: `OpenTelemetry tracing: {endpoint: an OTLP/HTTP base URL, samplingRatio: 0–1 (default ${D.tracing.samplingRatio}), resourceAttributes: {…}} (unset: no tracing).` },
    faultInjection: { type: "map", group: "observability", arg: "service.faultInjection", description: "Test faults on every API request: {delayMs, errorPercent} (FAULT_DELAY, FAULT_ERROR_PERCENT); refused on a production stack." },
    slo: { type: "map", group: "observability", arg: "service.slo", description: `SLOs as a PrometheusRule (needs serviceMonitor): {latencyP99Ms, latencyForMinutes (default ${D.slo.latencyForMinutes}), errorRatePercent, errorRateForMinutes (default ${D.slo.errorRateForMinutes}), availabilityPercent, runbookUrl}.` },
    alertWebhookUrl: { type: "string", group: "observability", secret: true, arg: "service.alerting.webhookUrl", description: "Deliver the SLO alerts to this webhook (an AlertmanagerConfig; the URL kept in a Secret). Set with --secret." },
    alertRouting: { type: "map", group: "observability", arg: "service.alerting", description: `Alert grouping for the webhook: {groupWaitSeconds (default ${D.alerting.groupWaitSeconds}), groupIntervalSeconds (default ${D.alerting.groupIntervalSeconds}), repeatIntervalMinutes (default ${D.alerting.repeatIntervalMinutes})}.` },
    dashboard: { type: "boolean", group: "observability", arg: "service.dashboard", description: "A Grafana dashboard ConfigMap (label grafana_dashboard: \"1\"); needs serviceMonitor (unset: on with serviceMonitor)." },
    database: {
        type: "map", group: "database", arg: "database", reports: ["service.database"],
        description: `The users' PostgreSQL database: {provider: kubernetes|aws|alicloud, …}. kubernetes: {image (registry:tag, pinned by digest at deploy), storageSize (default ${D.database.kubernetes.storageSize}), storageClassName, resources}; ` +
            `aws: {vpcId, subnetIds, allowedCidrs or allowedSecurityGroupIds, engineVersion (default ${D.database.aws.engineVersion}), instanceClass (default ${D.database.aws.instanceClass}), allocatedStorageGb, backupRetentionDays (default ${D.database.aws.backupRetentionDays}), deletionProtection (default ${D.database.aws.deletionProtection}), multiAz, kmsKeyArn}; ` +
            `alicloud: {zoneId, zoneIdSlaveA, vswitchIds, securityIps, encryptionKeyId, category (default ${D.database.alicloud.category}), instanceType, instanceStorageGb, backupRetentionDays, logBackupRetentionDays, preferredBackupPeriods, preferredBackupTime, deletionProtection (default ${D.database.alicloud.deletionProtection})}; ` +
            "both: databaseName, username (default goship). Unset: the service keeps its users in memory (refused on a production stack).",
    },
    databasePassword: { type: "string", group: "database", secret: true, rule: DB.password, arg: "databasePassword", description: `The database user's password: at least ${D.database.minPasswordLength} printable characters (plus the provider's rules); required with database. Set with --secret.` },
    kafka: {
        type: "map", group: "kafka", arg: "kafka", reports: ["service.kafka", "worker.kafka"],
        description: "The orders topic: {bootstrapServers (host:port,…), topic, partitions (as created; the worker's maxReplicas is checked against it), " +
            `mechanism (${KAFKA_MECHANISMS.join("|")}; unset: no SASL), username, tls (default ${D.kafka.tls})}. The API produces to it (POST /api/v1/orders); unset: that route answers 503.`,
    },
    kafkaPassword: { type: "string", group: "kafka", secret: true, arg: "kafkaPassword", reports: ["service.kafka.password", "worker.kafka.password"], description: "The SASL password of kafka.username; required with kafka.mechanism. Kept in a Secret the pods and KEDA's TriggerAuthentication read. Set with --secret." },
    worker: {
        type: "map", group: "kafka", arg: "worker",
        description: `Deploy the Kafka consumer (\`server worker\`, same image and namespace) scaled by KEDA on its lag; needs kafka: {name (default <appName>${D.worker.nameSuffix}), consumerGroup (default: name), ` +
            `minReplicas (default ${D.worker.minReplicas}), maxReplicas (default ${D.worker.maxReplicas}; at most kafka.partitions unless allowIdleConsumers, default ${D.worker.allowIdleConsumers}), ` +
            `lagThreshold (default ${D.worker.lagThreshold}), activationLagThreshold (default ${D.worker.activationLagThreshold}), pollingIntervalSeconds (default ${D.worker.pollingIntervalSeconds}), ` +
            `cooldownSeconds (default ${D.worker.cooldownSeconds}), scaleUpStabilizationSeconds (default ${D.worker.scaleUpStabilizationSeconds}), scaleDownStabilizationSeconds (default ${D.worker.scaleDownStabilizationSeconds}), ` +
            `drainTimeoutSeconds (default ${D.worker.drainTimeoutSeconds}), awaitReady (default ${D.worker.awaitReady}), readyTimeoutSeconds (default ${D.worker.readyTimeoutSeconds}), ` +
            `rolloutTimeoutSeconds (default ${D.worker.rolloutTimeoutSeconds}), resources: {cpuRequest, …}, env, networkPolicy: {metricsNamespace, egress} or false, logLevel, faultInjection: {delayMs}}. ` +
            "Unset: no worker.",
    },
    delivery: {
        type: "map", group: "delivery", arg: "service.delivery",
        description: `How a new version reaches the users: {kind: rolling} (default) or {kind: canary, …} by Flagger (needs autoscaling hpa or keda and serviceMonitor): ` +
            `{router: ${CANARY_ROUTERS.join("|")} (default ${C.router}), gateway: {name, namespace} (gatewayapi, istio), stepWeights (default [${C.stepWeights.join(", ")}]), ` +
            `stepIntervalSeconds (default ${C.stepIntervalSeconds}), failedChecks (default ${C.failedChecks}), gates: {maxP99LatencyMs (default ${C.gates.maxP99LatencyMs}), ` +
            `maxErrorPercent (default ${C.gates.maxErrorPercent}), minRequests (default ${C.gates.minRequests})}, match: {header: {name, value or regex}, cookie: {name, value}} (A/B instead of stepWeights), ` +
            `prometheusAddress (default ${C.prometheusAddress})}. With gatewayapi or istio ingressHost is the route's host and no Ingress is created.`,
    },
    forceApply: { type: "boolean", group: "network", default: D.forceApply, arg: "service.forceApply", description: "Take over objects another stack or tool applied (server-side apply force, pulumi.com/patchForce): for a local cluster that may hold objects of a lost stack state." },
} as const satisfies Record<string, ConfigKeyDef>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** A key's definition with every optional field visible to the type checker. */
export function keyDef(key: ConfigKey): ConfigKeyDef {
    return CONFIG_KEYS[key];
}
