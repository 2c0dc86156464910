// Every default of the library, stated once. The components' optional arguments (whose `@default` doc comments a
// unit test holds to these values), the stack-config table (config/keys.ts) and the generated Pulumi.yaml schema
// all read from here.

/** The Go service's own contract (app/README.md): ports it listens on and paths it serves. */
export const APP_CONTRACT = {
    httpPort: 8080,
    adminPort: 9090,
    livenessPath: "/livez",
    readinessPath: "/readyz",
    metricsPath: "/metrics",
    /** The same binary's Kafka consumer (`server worker`): container args, and its probes on the admin port. */
    worker: {
        args: ["worker"],
        livenessPath: "/healthz",
        readinessPath: "/readyz",
    },
    /** The runtime image's numeric non-root user (Dockerfile USER). */
    uid: 65532,
    /** The Dockerfile's ARGs naming its base images. */
    builderImageArg: "BUILDER_IMAGE",
    runtimeImageArg: "RUNTIME_IMAGE",
} as const;

/**
 * Annotation WebService puts on its Deployment on a production stack (goship:production): the policy pack's
 * production rules apply to stacks that carry it (policy/lib/production.ts).
 */
export const PRODUCTION_ANNOTATION = "goship.io/production";

/** Tag prefix of the images this program pushes (tag = prefix + content hash); ECR's lifecycle policy counts them. */
export const IMAGE_TAG_PREFIX = "src-";

export const DEFAULTS = {
    appName: "goship",
    namespace: "goship",
    createNamespace: true,
    production: false,

    registryType: "generic",
    registryInsecure: false,
    imagePullSecret: false,
    ecr: {
        scanOnPush: true,
        immutableTags: true,
        encryption: "AES256",
        keepImages: 30,
        expireUntaggedDays: 7,
        forceDelete: false,
    },
    acr: {
        endpoint: "public",
        createNamespace: true,
    },

    image: {
        context: "app",
        dockerfile: "Dockerfile",
        mainPackage: "./cmd/server",
        platform: "linux/amd64",
        builder: "docker-cli",
        passGoProxy: true,
        /** Relative to the working directory of the program. */
        logFile: ".goship/logs/image-build.log",
    },

    workload: {
        logLevel: "info",
        zoneSpread: false,
        servicePort: 80,
        /** Size limit of the /tmp emptyDir (counted against the ephemeral-storage limit). */
        tmpSizeLimit: "64Mi",
        /** Share of the memory limit handed to the Go runtime as GOMEMLIMIT (headroom for non-heap memory). */
        goMemLimitRatio: 0.9,
        /** Seconds added to preStop + drain + shutdown so the kubelet never SIGKILLs a clean shutdown. */
        terminationGraceMarginSeconds: 5,
    },
    // The groups below have the shapes of WebService's nested arguments.
    resources: {
        cpuRequest: "100m",
        cpuLimit: "500m",
        memoryRequest: "64Mi",
        memoryLimit: "128Mi",
        ephemeralStorageRequest: "64Mi",
        ephemeralStorageLimit: "256Mi",
    },
    shutdown: {
        preStopSleepSeconds: 5,
        drainDelaySeconds: 5,
        shutdownTimeoutSeconds: 10,
    },
    rollout: {
        revisionHistoryLimit: 5,
        maxSurge: "25%",
        maxUnavailable: "0",
        /** The Kubernetes provider's own default await is 10 minutes. */
        timeoutSeconds: 600,
    },

    ingress: {
        enabled: true,
        path: "/",
        pathType: "Prefix",
        skipAwait: false,
        /** Suffix of the TLS Secret's name after the service's name, when TLS names no Secret. */
        tlsSecretSuffix: "-tls",
    },

    autoscaling: {
        kind: "none",
        /** kind none */
        replicas: 2,
        minReplicas: 2,
        maxReplicas: 10,
        /** hpa */
        targetCpuUtilization: 70,
        scaleUpStabilizationSeconds: 0,
        scaleDownStabilizationSeconds: 300,
        /** keda */
        pollingIntervalSeconds: 30,
        cooldownSeconds: 300,
        awaitReady: true,
    },

    networkPolicy: {
        enabled: true,
        ingressControllerNamespace: "ingress-nginx",
        metricsNamespace: "monitoring",
    },

    serviceMonitor: false,
    forceApply: false,

    tracing: {
        /** One new trace in ten: enough to see every route's shape without storing every request. */
        samplingRatio: 0.1,
    },
    faultInjection: {
        delayMs: 0,
        errorPercent: 0,
    },
    slo: {
        latencyForMinutes: 3,
        errorRateForMinutes: 3,
        /** Relative to this repository: a team with its own runbook gives its URL. */
        runbookUrl: "docs/observability.md#runbook",
    },
    database: {
        databaseName: "goship",
        username: "goship",
        /** PostgreSQL's port, on every provider. */
        port: 5432,
        /** A shorter password is refused: the connection Secret is the only thing between a pod and the data. */
        minPasswordLength: 16,
        kubernetes: {
            storageSize: "1Gi",
            cpuRequest: "100m",
            cpuLimit: "500m",
            memoryRequest: "256Mi",
            memoryLimit: "512Mi",
            ephemeralStorageRequest: "64Mi",
            ephemeralStorageLimit: "256Mi",
            /** postgres's fast shutdown (the image's SIGINT) takes seconds; the margin covers a checkpoint of a busy database. */
            terminationGracePeriodSeconds: 30,
            /** The image's numeric postgres user and group (images/postgres/Dockerfile). */
            uid: 999,
            /** How long `pulumi up` waits for the StatefulSet's pod to be Ready. */
            timeoutSeconds: 300,
        },
        aws: {
            engineVersion: "15",
            instanceClass: "db.t4g.micro",
            allocatedStorageGb: 20,
            backupRetentionDays: 7,
            deletionProtection: false,
            multiAz: false,
        },
        alicloud: {
            engineVersion: "15.0",
            category: "HighAvailability",
            instanceType: "pg.n2.2c.2m",
            instanceStorageGb: 50,
            storageType: "cloud_essd",
            backupRetentionDays: 7,
            logBackupRetentionDays: 7,
            /** At least two days a week (the API's rule). */
            preferredBackupPeriods: ["Monday", "Wednesday", "Friday", "Sunday"],
            /** UTC: 02:00-03:00 in China Standard Time. */
            preferredBackupTime: "18:00Z-19:00Z",
            deletionProtection: true,
        },
    },
    migration: {
        /** WebService's `database` arguments. */
        settings: {
            migrate: true,
            /** The Job fails (DeadlineExceeded) after this long, and `pulumi up` with it. */
            migrationTimeoutSeconds: 300,
        },
        /** A failed migration is not retried: it would fail the same way, and its message is what matters. */
        backoffLimit: 0,
        /** `pulumi up` waits this much longer than the Job's deadline, so the Job's own failure is what it reports. */
        awaitMarginSeconds: 60,
    },
    kafka: {
        tls: false,
    },
    delivery: {
        kind: "rolling",
        /** WebService's canary delivery (Flagger). */
        canary: {
            router: "gatewayapi",
            stepWeights: [5, 20, 100],
            stepIntervalSeconds: 60,
            failedChecks: 2,
            prometheusAddress: "http://prometheus.monitoring:9090",
            gates: {
                maxP99LatencyMs: 800,
                maxErrorPercent: 1,
                minRequests: 20,
            },
        },
    },
    worker: {
        /** Suffix of the worker's name after the service's, in the stack config. */
        nameSuffix: "-worker",
        minReplicas: 1,
        maxReplicas: 6,
        /** Messages behind per partition before KEDA adds a pod (its kafka scaler's lagThreshold). */
        lagThreshold: 100,
        /** Lag at or below which KEDA keeps the worker at minReplicas (activationLagThreshold). */
        activationLagThreshold: 0,
        pollingIntervalSeconds: 30,
        cooldownSeconds: 300,
        scaleUpStabilizationSeconds: 0,
        scaleDownStabilizationSeconds: 300,
        allowIdleConsumers: false,
        /** The worker's WORKER_DRAIN_TIMEOUT: the message in hand is finished and committed within it after SIGTERM. */
        drainTimeoutSeconds: 25,
        awaitReady: true,
        /** How long `pulumi up` waits for KEDA to report the ScaledObject Ready before it fails with KEDA's reason. */
        readyTimeoutSeconds: 120,
        /** How long `pulumi up` waits for the worker's Deployment rollout. */
        rolloutTimeoutSeconds: 600,
    },
    alerting: {
        // Short enough that a test sees an alert fire and resolve within minutes; Alertmanager's own defaults are
        // 30 s, 5 min and 4 h.
        groupWaitSeconds: 10,
        groupIntervalSeconds: 60,
        repeatIntervalMinutes: 240,
    },
} as const;

/** `defaults` with every field `given` sets; a field given as undefined keeps its default. */
export function withDefaults<T extends object, D extends Partial<T>>(defaults: D, given: T | undefined): D & T {
    const set = Object.entries(given ?? {}).filter(([, value]) => value !== undefined);
    return { ...defaults, ...Object.fromEntries(set) } as D & T;
}
