import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type PathType = "Prefix" | "Exact" | "ImplementationSpecific";

export interface ResourceSettings {
    cpuRequest: string;
    cpuLimit: string;
    memoryRequest: string;
    memoryLimit: string;
}

/** The service's shutdown sequence; terminationGracePeriodSeconds is derived from it. */
export interface ShutdownSettings {
    /** Kubelet sleeps this long before SIGTERM (native sleep action; 0 disables). */
    preStopSleepSeconds: number;
    /** After SIGTERM the service is not-ready but still serves this long. */
    drainDelaySeconds: number;
    /** Deadline for in-flight requests after the drain. */
    shutdownTimeoutSeconds: number;
}

export interface RolloutSettings {
    revisionHistoryLimit: number;
    maxSurge: string;
    maxUnavailable: string;
    /** How long `pulumi up` waits for the rollout (Ready pods) before it reports failure. */
    timeoutSeconds: number;
}

export interface IngressTls {
    /** kubernetes.io/tls Secret holding (or, with cert-manager, receiving) the certificate. */
    secretName: string;
    /** cert-manager ClusterIssuer that issues the certificate. */
    certManagerIssuer?: string;
}

export interface IngressSettings {
    className?: string;
    host?: string;
    path: string;
    pathType: PathType;
    tls?: IngressTls;
    annotations: Record<string, string>;
    /** Do not wait for the controller to publish an address. */
    skipAwait: boolean;
}

export type KedaTrigger =
    | { type: "cpu" | "memory"; utilization: number }
    | { type: "prometheus"; serverAddress: string; query: string; threshold: number; activationThreshold?: number }
    | {
        type: "kafka";
        bootstrapServers: string;
        consumerGroup: string;
        topic: string;
        lagThreshold: number;
        activationLagThreshold?: number;
    }
    | { type: "cron"; timezone: string; start: string; end: string; desiredReplicas: number };

export interface ScalingBehavior {
    scaleUpStabilizationSeconds: number;
    scaleDownStabilizationSeconds: number;
}

/** One autoscaler or none: HPA and KEDA can never both own the Deployment. */
export type AutoscalingSettings =
    | { kind: "none"; replicas: number }
    | ({
        kind: "hpa";
        minReplicas: number;
        maxReplicas: number;
        targetCpuUtilization?: number;
        targetMemoryUtilization?: number;
    } & ScalingBehavior)
    | ({
        kind: "keda";
        minReplicas: number;
        maxReplicas: number;
        triggers: KedaTrigger[];
        pollingIntervalSeconds: number;
        cooldownSeconds: number;
        fallbackReplicas?: number;
        /** Wait for the ScaledObject's Ready condition (needs the KEDA operator running). */
        awaitReady: boolean;
    } & ScalingBehavior);

export interface NetworkPolicySettings {
    /** Namespace of the ingress controller, allowed to the HTTP port. */
    ingressControllerNamespace: string;
    /** Namespace of the metrics scraper, allowed to the admin port. */
    metricsNamespace: string;
}

/** Everything about the workload that is not the image or the cluster connection. */
export interface WebServiceSettings {
    /**
     * A production service: at least 2 guaranteed pods and TLS on the Ingress, checked at construction; the
     * Deployment is annotated so the policy pack applies its production rules (docs/policy.md).
     */
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
    /** Omitted: no Ingress. */
    ingress?: IngressSettings;
    /** Default-deny ingress with these exceptions; false: no NetworkPolicy. */
    networkPolicy: NetworkPolicySettings | false;
    serviceMonitor: boolean;
    /**
     * Server-side apply with force (pulumi.com/patchForce) on every object: take over fields another manager owns,
     * e.g. objects a lost stack state left in a local cluster. Off by default: a conflict is then an error.
     */
    forceApply: boolean;
    /** The URL to export; default derived from the Ingress. */
    publicUrl?: string;
}

export interface WebServiceArgs extends Partial<Omit<WebServiceSettings, "namespace">> {
    /**
     * Namespace of every object: a name, or another resource's output (e.g. a Namespace's `metadata.name`, so every
     * object waits for it) when `createNamespace` is false.
     */
    namespace?: pulumi.Input<string>;
    /** Kubernetes provider of the target cluster; passed to every object. */
    provider: k8s.Provider;
    /** Image reference, pinned by digest: `repo@sha256:…`. */
    image: pulumi.Input<string>;
    /** Secret environment variables. */
    secretEnv?: pulumi.Input<Record<string, string>>;
    /** `.dockerconfigjson` for an image pull secret (see registry/pull-secret.ts). */
    imagePullDockerConfigJson?: pulumi.Input<string>;
}
