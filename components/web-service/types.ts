// WebService's arguments. Every field is optional unless said otherwise, and its default is stated once, in its
// `@default` (components/defaults.ts holds the values; a unit test keeps the two the same), so a caller writes only
// what differs. The resolved shapes below are what the component builds its objects from.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConnection } from "../database/types";
import type { KafkaArgs } from "../kafka/types";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const PATH_TYPES = ["Prefix", "Exact", "ImplementationSpecific"] as const;
export type PathType = (typeof PATH_TYPES)[number];

export const AUTOSCALING_KINDS = ["none", "hpa", "keda"] as const;
export type AutoscalingKind = (typeof AUTOSCALING_KINDS)[number];

export const DELIVERY_KINDS = ["rolling", "canary"] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/** Where Flagger shifts the traffic: Gateway API (the local cluster's Traefik), Istio or ingress-nginx. */
export const CANARY_ROUTERS = ["gatewayapi", "istio", "nginx"] as const;
export type CanaryRouter = (typeof CANARY_ROUTERS)[number];

export const KEDA_TRIGGER_TYPES = ["cpu", "memory", "prometheus", "kafka", "cron"] as const;
export const KAFKA_OFFSET_RESET_POLICIES = ["earliest", "latest"] as const;

/** A number, or its decimal text (KEDA's metadata holds strings; stack files write either). */
export type Numeric = number | string;

export interface ResourceArgs {
    /** CPU request in cores or millicores. @default "100m" */
    cpuRequest?: string;
    /** CPU limit; GOMAXPROCS follows it (whole cores, rounded up). @default "500m" */
    cpuLimit?: string;
    /** @default "64Mi" */
    memoryRequest?: string;
    /** Memory limit; GOMEMLIMIT is 90% of it. @default "128Mi" */
    memoryLimit?: string;
    /** Local disk the pod may count on: /tmp, the container's logs and writable layer. @default "64Mi" */
    ephemeralStorageRequest?: string;
    /** Local disk beyond which the kubelet evicts the pod; at least /tmp's size limit. @default "256Mi" */
    ephemeralStorageLimit?: string;
}

/** The service's shutdown sequence; terminationGracePeriodSeconds is derived from it. */
export interface ShutdownArgs {
    /** The kubelet sleeps this long before SIGTERM, so endpoints are removed first (native sleep action; 0 disables). @default 5 */
    preStopSleepSeconds?: number;
    /** After SIGTERM the service is not-ready but still serves this long (SHUTDOWN_DRAIN_DELAY). @default 5 */
    drainDelaySeconds?: number;
    /** Deadline for in-flight requests after the drain (SHUTDOWN_TIMEOUT). @default 10 */
    shutdownTimeoutSeconds?: number;
}

export interface RolloutArgs {
    /** Old ReplicaSets kept for rollback. @default 5 */
    revisionHistoryLimit?: number;
    /** Pods above the desired count during a rollout: a count or a percentage. @default "25%" */
    maxSurge?: number | string;
    /** Pods below the desired count during a rollout: a count or a percentage up to 100%. @default "0" */
    maxUnavailable?: number | string;
    /** How long `pulumi up` waits for the rollout (Ready pods) before it fails. @default 600 */
    timeoutSeconds?: number;
}

export interface IngressTlsArgs {
    /** kubernetes.io/tls Secret holding (or, with cert-manager, receiving) the certificate. @default "<name>-tls" */
    secretName?: string;
    /** cert-manager ClusterIssuer that issues the certificate (needs `host`). */
    certManagerIssuer?: string;
}

export interface IngressArgs {
    /** IngressClass; unset: the cluster's default class. */
    className?: string;
    /** Host routed to the service; unset: any host. */
    host?: string;
    /** @default "/" */
    path?: string;
    /** @default "Prefix" */
    pathType?: PathType;
    /** Unset: plain HTTP. */
    tls?: IngressTlsArgs;
    /** Extra annotations for the ingress controller. @default {} */
    annotations?: Record<string, string>;
    /** Do not wait for the controller to publish an address (controllers that never do). @default false */
    skipAwait?: boolean;
}

export type KedaTrigger =
    | { type: "cpu" | "memory"; utilization: Numeric }
    | { type: "prometheus"; serverAddress: string; query: string; threshold: Numeric; activationThreshold?: Numeric }
    | {
        type: "kafka";
        bootstrapServers: string;
        consumerGroup: string;
        topic: string;
        lagThreshold: Numeric;
        activationLagThreshold?: Numeric;
        /**
         * Where the lag of a partition the group has never committed starts: "earliest" counts its whole backlog
         * (a consumer that starts at the oldest record), "latest" counts none. @default "latest" (KEDA's)
         */
        offsetResetPolicy?: (typeof KAFKA_OFFSET_RESET_POLICIES)[number];
        /** Let KEDA scale beyond the topic's partitions (the extra pods idle). @default false (KEDA's) */
        allowIdleConsumers?: boolean;
    }
    | { type: "cron"; timezone: string; start: string; end: string; desiredReplicas: Numeric };

export interface ScalingBehaviorArgs {
    /** @default 0 */
    scaleUpStabilizationSeconds?: number;
    /** @default 300 */
    scaleDownStabilizationSeconds?: number;
}

export interface FixedReplicasArgs {
    kind: "none";
    /** @default 2 */
    replicas?: number;
}

export interface HpaArgs extends ScalingBehaviorArgs {
    kind: "hpa";
    /** @default 2 */
    minReplicas?: number;
    /** @default 10 */
    maxReplicas?: number;
    /** Target average CPU utilisation, in percent of the request. @default 70 */
    targetCpuUtilization?: number;
    /** Target average memory utilisation, in percent of the request; unset: not a metric. */
    targetMemoryUtilization?: number;
}

export interface KedaArgs extends ScalingBehaviorArgs {
    kind: "keda";
    /** @default 2 */
    minReplicas?: number;
    /** @default 10 */
    maxReplicas?: number;
    /** Required: at least one. */
    triggers: KedaTrigger[];
    /** @default 30 */
    pollingIntervalSeconds?: number;
    /** @default 300 */
    cooldownSeconds?: number;
    /** Replicas to hold when a scaler fails 3 times in a row; unset: no fallback. */
    fallbackReplicas?: number;
    /** Wait for the ScaledObject's Ready condition (needs the KEDA operator running). @default true */
    awaitReady?: boolean;
}

/** One autoscaler or none: HPA and KEDA can never both own the Deployment. */
export type AutoscalingArgs = FixedReplicasArgs | HpaArgs | KedaArgs;

/** Destinations the pods may open connections to (DNS is always allowed). */
export interface EgressRule {
    /** CIDR blocks, e.g. 10.20.0.0/16. */
    cidrs?: string[];
    /** Namespaces (every pod in them). */
    namespaces?: string[];
    /** TCP ports; unset: every port. */
    ports?: number[];
}

export interface NetworkPolicyArgs {
    /** Namespace of the ingress controller, allowed to the HTTP port. @default "ingress-nginx" */
    ingressControllerNamespace?: string;
    /** Namespace of the metrics scraper, allowed to the admin port. @default "monitoring" */
    metricsNamespace?: string;
    /** Egress allow-list; unset: egress is not restricted. */
    egress?: EgressRule[];
}

/** OpenTelemetry tracing through the SDK's standard OTEL_* variables (the service exports nothing without it). */
export interface TracingArgs {
    /** Required. Base URL of an OTLP/HTTP collector, e.g. http://jaeger.monitoring.svc:4318 (the SDK appends /v1/traces). */
    endpoint: string;
    /** Share of new traces sampled, from 0 to 1 (parentbased_traceidratio: a sampled parent is always followed). @default 0.1 */
    samplingRatio?: number;
    /**
     * Extra resource attributes (OTEL_RESOURCE_ATTRIBUTES); goship sets service.name and the k8s.* attributes itself,
     * and deployment.environment to the stack's name unless given here. @default {}
     */
    resourceAttributes?: Record<string, string>;
}

/** Faults the service injects into every API request, for tests only: refused on a production service. */
export interface FaultInjectionArgs {
    /** Delay added to each request, in milliseconds (FAULT_DELAY). @default 0 */
    delayMs?: number;
    /** Share of requests answered 500, in percent (FAULT_ERROR_PERCENT). @default 0 */
    errorPercent?: number;
}

/**
 * Service-level objectives as Prometheus rules (a PrometheusRule next to the ServiceMonitor): recording rules, a
 * latency and an error-rate alert, and multi-window multi-burn-rate alerts on availability (docs/observability.md).
 */
export interface SloArgs {
    /** Required. Alert when the P99 latency is above this many milliseconds (at most 10000: the largest bucket). */
    latencyP99Ms: number;
    /** …for this many minutes. @default 3 */
    latencyForMinutes?: number;
    /** Required. Alert when the share of 5xx responses is above this percentage… */
    errorRatePercent: number;
    /** …for this many minutes. @default 3 */
    errorRateForMinutes?: number;
    /** Required. Share of requests answered without a 5xx, e.g. 99.9; its error budget drives the burn-rate alerts. */
    availabilityPercent: number;
    /** The runbook every alert links to (annotation runbook_url). @default "docs/observability.md#runbook" */
    runbookUrl?: string;
}

/** Delivery of the service's alerts to a webhook, through an AlertmanagerConfig in the service's namespace. */
export interface AlertingArgs {
    /** Required. The webhook's URL: kept in a Secret the AlertmanagerConfig refers to, never in plaintext. */
    webhookUrl: pulumi.Input<string>;
    /** Wait before the first notification of a new group, to batch alerts that fire together. @default 10 */
    groupWaitSeconds?: number;
    /** Wait before notifying about changes (new or resolved alerts) in a group already notified. @default 60 */
    groupIntervalSeconds?: number;
    /** Repeat a notification of alerts still firing after this many minutes. @default 240 */
    repeatIntervalMinutes?: number;
}

/** The Deployment's own RollingUpdate: new pods take their full share once Ready. */
export interface RollingDeliveryArgs {
    kind: "rolling";
}

/** What the canary must stay within at each step (docs/gray-release.md#gates); each a Flagger MetricTemplate. */
export interface CanaryGateArgs {
    /** Highest P99 request latency of the canary over a step interval, in ms. @default 800 */
    maxP99LatencyMs?: number;
    /** Highest share of 5xx responses of the canary over a step interval, in %. @default 1 */
    maxErrorPercent?: number;
    /** Fewest requests the canary must serve in a step interval for the step to count. @default 20 */
    minRequests?: number;
}

/** The users sent to the canary first (Flagger's A/B testing, docs/gray-release.md#match). */
export interface CanaryMatchArgs {
    /** Requests with this header go to the canary for the whole analysis: exact value, or RE2 regex. */
    header?: { name: string; value?: string; regex?: string };
    /** Requests carrying this cookie (name=value) go to the canary, e.g. user-group=canary. */
    cookie?: { name: string; value: string };
}

/**
 * Gray release by Flagger (docs/gray-release.md): a new pod template is first served to a slice of the traffic,
 * which grows step by step while the gates hold, and is rolled back automatically when they do not.
 */
export interface CanaryDeliveryArgs {
    kind: "canary";
    /** @default "gatewayapi" */
    router?: CanaryRouter;
    /** Canary traffic weights in %, ascending; the last may be 100. @default [5, 20, 100] */
    stepWeights?: number[];
    /** How long each step runs (Flagger's analysis interval). @default 60 */
    stepIntervalSeconds?: number;
    gates?: CanaryGateArgs;
    /** Failed checks before Flagger rolls back (its threshold). @default 2 */
    failedChecks?: number;
    /** Unset: no A/B; the canary gets only its weight. */
    match?: CanaryMatchArgs;
    /** gatewayapi: the Gateway the route attaches to; istio: the Istio Gateway(s) ("ns/name"). Required for both. */
    gateway?: { name: string; namespace: string };
    /** Prometheus the gates query (MetricTemplate provider). @default "http://prometheus.monitoring:9090" */
    prometheusAddress?: string;
}

export type DeliveryArgs = RollingDeliveryArgs | CanaryDeliveryArgs;

/**
 * The service's users in PostgreSQL: a Database's `connection`, or any Secret of your own holding a DATABASE_URL
 * (e.g. your platform's RDS). The service gets USERS_STORE=postgres and DATABASE_URL from the Secret.
 */
export interface WebServiceDatabaseArgs extends DatabaseConnection {
    /**
     * Run the image's migrations (`server migrate`) in a Job named after the image's digest before the Deployment
     * changes: a failed migration fails `pulumi up` and the running pods keep serving. @default true
     */
    migrate?: boolean;
    /** The migration Job is stopped and fails after this long (activeDeadlineSeconds). @default 300 */
    migrationTimeoutSeconds?: number;
}

export interface WebServiceArgs {
    /** Required. Kubernetes provider of the target cluster; passed to every object. */
    provider: k8s.Provider;
    /** Required. Image reference, pinned by digest: `repo@sha256:…`. */
    image: pulumi.Input<string>;
    /**
     * A production service: at least 2 guaranteed pods and TLS on the Ingress, checked at construction; the
     * Deployment is annotated so the policy pack applies its production rules (docs/policy.md). @default false
     */
    production?: boolean;
    /**
     * Namespace of every object: a name, or another resource's output (e.g. a Namespace's `metadata.name`, so every
     * object waits for it) when `createNamespace` is false. @default "goship"
     */
    namespace?: pulumi.Input<string>;
    /** @default true */
    createNamespace?: boolean;
    /** @default { kind: "none" } */
    autoscaling?: AutoscalingArgs;
    resources?: ResourceArgs;
    shutdown?: ShutdownArgs;
    rollout?: RolloutArgs;
    /** @default "info" */
    logLevel?: LogLevel;
    /** Spread pods across topology.kubernetes.io/zone (in addition to nodes). @default false */
    zoneSpread?: boolean;
    /** Port of the Service in front of the pods' HTTP port. @default 80 */
    servicePort?: number;
    /** Plain environment variables (a ConfigMap); checked against the service's own rules. @default {} */
    env?: Record<string, string>;
    /** Secret environment variables (a Secret); the names are plain, the values may be secret Outputs. */
    secretEnv?: Record<string, pulumi.Input<string>>;
    /** Comma-separated IPs or CIDRs whose X-Forwarded-For the service trusts (TRUSTED_PROXIES). */
    trustedProxies?: string;
    /** Unset: no Ingress. */
    ingress?: IngressArgs;
    /** Default-deny ingress with these exceptions; false: no NetworkPolicy. @default {} */
    networkPolicy?: NetworkPolicyArgs | false;
    /** Create a Prometheus-operator ServiceMonitor (needs its CRD). @default false */
    serviceMonitor?: boolean;
    /** Unset: no tracing. */
    tracing?: TracingArgs;
    /** Unset: no faults. Refused on a production service. */
    faultInjection?: FaultInjectionArgs;
    /** Unset: no PrometheusRule. Needs serviceMonitor. */
    slo?: SloArgs;
    /** Unset: the alerts go wherever the Alertmanager's own configuration sends them. Needs slo. */
    alerting?: AlertingArgs;
    /** A Grafana dashboard ConfigMap (label grafana_dashboard: "1"); needs serviceMonitor. Unset: on with serviceMonitor. */
    dashboard?: boolean;
    /**
     * Server-side apply with force (pulumi.com/patchForce) on every object: take over fields another manager owns,
     * e.g. objects a lost stack state left in a local cluster. A conflict is otherwise an error. @default false
     */
    forceApply?: boolean;
    /** The URL to export; unset: derived from the Ingress. */
    publicUrl?: string;
    /** `.dockerconfigjson` for an image pull secret (registry/pull-secret.ts). */
    imagePullDockerConfigJson?: pulumi.Input<string>;
    /**
     * Where the service keeps its users. Unset: USERS_STORE=memory, the service's development mode (each pod its
     * own users, lost on restart), refused on a production service.
     */
    database?: WebServiceDatabaseArgs;
    /**
     * The topic the API produces orders to (POST /api/v1/orders): KAFKA_* env, the SASL password from a Secret, and the
     * brokers added to the egress allow-list when there is one. Unset: the API answers that route 503.
     */
    kafka?: KafkaArgs;
    /**
     * How a new pod template reaches the users: rolling (the Deployment's RollingUpdate) or canary (Flagger; needs
     * autoscaling hpa or keda and serviceMonitor). @default { kind: "rolling" }
     */
    delivery?: DeliveryArgs;
}

// --- resolved: every default applied

export type ResourceSettings = Required<ResourceArgs>;
export type ShutdownSettings = Required<ShutdownArgs>;
export type RolloutSettings = Required<RolloutArgs>;
export type ScalingBehavior = Required<ScalingBehaviorArgs>;
export type IngressSettings = Required<Omit<IngressArgs, "className" | "host" | "tls">> & Pick<IngressArgs, "className" | "host"> & {
    tls?: Required<Pick<IngressTlsArgs, "secretName">> & Pick<IngressTlsArgs, "certManagerIssuer">;
};
export type AutoscalingSettings =
    | Required<FixedReplicasArgs>
    | (Required<Omit<HpaArgs, "targetMemoryUtilization">> & Pick<HpaArgs, "targetMemoryUtilization">)
    | (Required<Omit<KedaArgs, "fallbackReplicas">> & Pick<KedaArgs, "fallbackReplicas">);
export type TracingSettings = Required<TracingArgs>;
export type FaultInjectionSettings = Required<FaultInjectionArgs>;
export type SloSettings = Required<SloArgs>;
/** The webhook's URL stays in the arguments: settings hold no secret. */
export type AlertingSettings = Required<Omit<AlertingArgs, "webhookUrl">>;
/** The connection (Secret name, egress) stays in the arguments: it may hold Outputs. */
export type DatabaseSettings = Required<Pick<WebServiceDatabaseArgs, "migrate" | "migrationTimeoutSeconds">>;
export type CanaryGateSettings = Required<CanaryGateArgs>;
export type CanaryDeliverySettings = Required<Omit<CanaryDeliveryArgs, "gates" | "match" | "gateway">> & Pick<CanaryDeliveryArgs, "match" | "gateway"> & {
    gates: CanaryGateSettings;
};
export type DeliverySettings = RollingDeliveryArgs | CanaryDeliverySettings;
export type NetworkPolicySettings = Required<Omit<NetworkPolicyArgs, "egress">> & Pick<NetworkPolicyArgs, "egress">;

/** Everything about the workload that is not the image, the cluster connection or a secret. */
export interface WebServiceSettings {
    production: boolean;
    namespace: string;
    createNamespace: boolean;
    autoscaling: AutoscalingSettings;
    resources: ResourceSettings;
    shutdown: ShutdownSettings;
    rollout: RolloutSettings;
    logLevel: LogLevel;
    zoneSpread: boolean;
    servicePort: number;
    env: Record<string, string>;
    trustedProxies?: string;
    ingress?: IngressSettings;
    networkPolicy: NetworkPolicySettings | false;
    serviceMonitor: boolean;
    tracing?: TracingSettings;
    faultInjection?: FaultInjectionSettings;
    slo?: SloSettings;
    alerting?: AlertingSettings;
    dashboard: boolean;
    forceApply: boolean;
    publicUrl?: string;
    database?: DatabaseSettings;
    delivery: DeliverySettings;
}
