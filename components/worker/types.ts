// Worker's arguments: the service image's Kafka consumer (`server worker`), scaled by KEDA on its consumer group's lag.
// Every field is optional unless said otherwise, and its default is stated once, in its `@default`
// (components/defaults.ts holds the values; a unit test keeps the two the same).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConnection } from "../database/types";
import type { KafkaArgs } from "../kafka/types";
import type { EgressRule, FaultInjectionArgs, LogLevel, ResourceArgs } from "../web-service/types";

export interface WorkerNetworkPolicyArgs {
    /** Namespace of the metrics scraper, allowed to the admin port. @default "monitoring" */
    metricsNamespace?: string;
    /** Destinations besides DNS, the brokers and the database (whose egress is always allowed). @default [] */
    egress?: EgressRule[];
}

export interface WorkerArgs {
    /** Required. Kubernetes provider of the target cluster; passed to every object. */
    provider: k8s.Provider;
    /** Required. The service's image, pinned by digest (`repo@sha256:…`): the worker is the same binary. */
    image: pulumi.Input<string>;
    /**
     * Required. The topic consumed: brokers, topic, its partition count, SASL. The password is kept in a Secret that
     * the pods and KEDA's TriggerAuthentication both read.
     */
    kafka: KafkaArgs;
    /**
     * Namespace of every object (it must exist: the WebService's, or a Namespace's `metadata.name` so every object
     * waits for it). @default "goship"
     */
    namespace?: pulumi.Input<string>;
    /** Consumer group of the pods (KAFKA_CONSUMER_GROUP), whose lag KEDA reads. @default "<name>" */
    consumerGroup?: string;
    /** Pods when there is no lag; 0 scales to zero (KEDA wakes the worker on the first message). @default 1 */
    minReplicas?: number;
    /**
     * Pods at most; at most the topic's partitions unless allowIdleConsumers (a pod beyond them gets no partition,
     * and KEDA caps the count at the partitions without a word). @default 6
     */
    maxReplicas?: number;
    /** Allow maxReplicas above the topic's partitions (pods that get no partition, e.g. warm spares). @default false */
    allowIdleConsumers?: boolean;
    /** Messages behind per pod before KEDA adds one (the kafka scaler's lagThreshold). @default 100 */
    lagThreshold?: number;
    /** Lag at or below which the worker stays at minReplicas (activationLagThreshold). @default 0 */
    activationLagThreshold?: number;
    /** Seconds between KEDA's lag checks. @default 30 */
    pollingIntervalSeconds?: number;
    /** Seconds without lag before KEDA scales to minReplicas 0 (only then). @default 300 */
    cooldownSeconds?: number;
    /** @default 0 */
    scaleUpStabilizationSeconds?: number;
    /** The HPA's scale-down window: pods leave this long after the lag went. @default 300 */
    scaleDownStabilizationSeconds?: number;
    /**
     * After SIGTERM the worker finishes the message in hand, commits and leaves the group within this long
     * (WORKER_DRAIN_TIMEOUT); the pod's grace period is longer by the library's margin. @default 25
     */
    drainTimeoutSeconds?: number;
    /** `pulumi up` fails, with KEDA's reason, when the ScaledObject is not Ready within readyTimeoutSeconds. @default true */
    awaitReady?: boolean;
    /** @default 120 */
    readyTimeoutSeconds?: number;
    /** How long `pulumi up` waits for the Deployment's rollout. @default 600 */
    rolloutTimeoutSeconds?: number;
    resources?: ResourceArgs;
    /** @default "info" */
    logLevel?: LogLevel;
    /** Plain environment variables (a ConfigMap). @default {} */
    env?: Record<string, string>;
    /**
     * Where orders are written (and its egress, which the NetworkPolicy allows): the WebService's `migratedDatabase`,
     * so that the worker's pods change only after the service's migration Job brought the schema to their image.
     */
    database?: DatabaseConnection;
    /** Default-deny ingress (but the metrics scrape) and egress (but DNS, the brokers, the database); false: none. @default {} */
    networkPolicy?: WorkerNetworkPolicyArgs | false;
    /** A Prometheus-operator PodMonitor for the admin port (the worker has no Service). @default false */
    podMonitor?: boolean;
    /** Test faults: delayMs delays each message (FAULT_DELAY), so a backlog builds up. Refused on a production worker. */
    faultInjection?: Pick<FaultInjectionArgs, "delayMs">;
    /** Marks the Deployment for the policy pack's production rules (as WebService's production). @default false */
    production?: boolean;
    /** Server-side apply with force on every object, as WebService's forceApply. @default false */
    forceApply?: boolean;
    /** `.dockerconfigjson` for an image pull secret (registry/pull-secret.ts). */
    imagePullDockerConfigJson?: pulumi.Input<string>;
}

/** Every default applied; the connection, the image and the secrets stay in the arguments. */
export interface WorkerSettings {
    namespace: string;
    consumerGroup: string;
    minReplicas: number;
    maxReplicas: number;
    allowIdleConsumers: boolean;
    lagThreshold: number;
    activationLagThreshold: number;
    pollingIntervalSeconds: number;
    cooldownSeconds: number;
    scaleUpStabilizationSeconds: number;
    scaleDownStabilizationSeconds: number;
    drainTimeoutSeconds: number;
    awaitReady: boolean;
    readyTimeoutSeconds: number;
    rolloutTimeoutSeconds: number;
    resources: Required<ResourceArgs>;
    logLevel: LogLevel;
    env: Record<string, string>;
    networkPolicy: Required<Omit<WorkerNetworkPolicyArgs, "egress">> & { egress: EgressRule[] } | false;
    podMonitor: boolean;
    faultInjection?: { delayMs: number };
    production: boolean;
    forceApply: boolean;
}
