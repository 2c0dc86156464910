// Every argument of a Worker checked at once, before it registers anything: what KEDA would refuse, what it would
// silently cap (maxReplicas above the partitions), and what the worker itself would refuse at start.
import * as pulumi from "@pulumi/pulumi";
import { KAFKA_RULES, checkKafka } from "../kafka/rules";
import { Problem } from "../validation/problems";
import { DNS_LABEL } from "../validation/kubernetes-names";
import { BOOLEAN, Checks, fieldsOf, integer } from "../validation/rules";
import { TRIGGER_FIELDS } from "../web-service/keda-triggers";
import { SERVICE_RULES as R } from "../web-service/rules";
import { checkDatabase } from "../web-service/validate-database";
import { checkResources } from "../web-service/validate";
import { checkEnv } from "../web-service/validate-env";
import { WorkerArgs, WorkerNetworkPolicyArgs, WorkerSettings } from "./types";

const FIELDS = fieldsOf<WorkerArgs>({
    provider: true, image: true, kafka: true, namespace: true, consumerGroup: true, minReplicas: true, maxReplicas: true,
    allowIdleConsumers: true, lagThreshold: true, activationLagThreshold: true, pollingIntervalSeconds: true, cooldownSeconds: true,
    scaleUpStabilizationSeconds: true, scaleDownStabilizationSeconds: true, drainTimeoutSeconds: true, awaitReady: true,
    readyTimeoutSeconds: true, rolloutTimeoutSeconds: true, resources: true, logLevel: true, env: true, database: true,
    networkPolicy: true, podMonitor: true, faultInjection: true, production: true, forceApply: true, imagePullDockerConfigJson: true,
});
/** The worker's own variables, each with the argument it comes from. */
const WORKER_ENV = { KAFKA_CONSUMER_GROUP: "consumerGroup", WORKER_DRAIN_TIMEOUT: "drainTimeoutSeconds" };
const NETWORK_POLICY_FIELDS = fieldsOf<WorkerNetworkPolicyArgs>({ metricsNamespace: true, egress: true });

export const WORKER_RULES = {
    // Kafka's own limit on a group id is its length in the protocol; a DNS-friendly shape keeps it readable in KEDA's logs.
    consumerGroup: TRIGGER_FIELDS.kafka.consumerGroup.rule,
    minReplicas: R.kedaMinReplicas,
    maxReplicas: R.maxReplicas,
    // The kafka trigger's own rules: KEDA's scaler parses them as integers.
    lagThreshold: integer(1, 1_000_000_000),
    activationLagThreshold: integer(0, 1_000_000_000),
    // Go's time.Duration of the worker, and a grace period the kubelet accepts.
    drainTimeoutSeconds: integer(1, 3600),
    readyTimeoutSeconds: integer(10, 3600),
    rolloutTimeoutSeconds: R.rolloutTimeoutSeconds,
} as const;

/** Every problem of a Worker's arguments; `settings` are the same arguments with their defaults applied. */
export function workerProblems(name: string, args: Omit<WorkerArgs, "provider" | "image">, settings: WorkerSettings, context: { renderYamlTo?: string } = {}): Problem[] {
    const checks = new Checks();
    checks.check("name", name, R.name, { required: true });
    checks.fields("", args, FIELDS, "a Worker argument");
    const kafka = checkKafka(checks, "kafka", args.kafka, { partitionsRequired: true }) ? args.kafka : undefined;
    if (typeof args.namespace === "string" || !pulumi.Output.isInstance(args.namespace)) {
        checks.check("namespace", args.namespace, R.namespace);
    }
    checks.check("consumerGroup", args.consumerGroup, WORKER_RULES.consumerGroup);
    for (const field of ["allowIdleConsumers", "awaitReady", "podMonitor", "production", "forceApply"] as const) {
        checks.check(field, args[field], BOOLEAN);
    }
    const min = checks.check("minReplicas", args.minReplicas, WORKER_RULES.minReplicas);
    const max = checks.check("maxReplicas", args.maxReplicas, WORKER_RULES.maxReplicas);
    if (min && max && settings.minReplicas > settings.maxReplicas) {
        checks.add("minReplicas", (n) => `at most ${n("maxReplicas")} (${settings.maxReplicas})`, String(settings.minReplicas));
    }
    const partitions = kafka?.partitions;
    if (max && typeof partitions === "number" && KAFKA_RULES.partitions.accepts(partitions) && settings.maxReplicas > partitions && !settings.allowIdleConsumers) {
        checks.add("maxReplicas", (n) => `at most the topic's ${n("kafka.partitions")} (${partitions}): a consumer group has no more busy members ` +
            `than partitions, and KEDA caps the count at ${partitions} without a word (or set ${n("allowIdleConsumers")} true for idle spares)`,
        args.maxReplicas === undefined ? `${settings.maxReplicas} (the default)` : String(settings.maxReplicas));
    }
    checks.check("lagThreshold", args.lagThreshold, WORKER_RULES.lagThreshold);
    checks.check("activationLagThreshold", args.activationLagThreshold, WORKER_RULES.activationLagThreshold);
    checks.check("pollingIntervalSeconds", args.pollingIntervalSeconds, R.pollingIntervalSeconds);
    checks.check("cooldownSeconds", args.cooldownSeconds, R.cooldownSeconds);
    checks.check("scaleUpStabilizationSeconds", args.scaleUpStabilizationSeconds, R.stabilizationSeconds);
    checks.check("scaleDownStabilizationSeconds", args.scaleDownStabilizationSeconds, R.stabilizationSeconds);
    checks.check("drainTimeoutSeconds", args.drainTimeoutSeconds, WORKER_RULES.drainTimeoutSeconds);
    checks.check("readyTimeoutSeconds", args.readyTimeoutSeconds, WORKER_RULES.readyTimeoutSeconds);
    checks.check("rolloutTimeoutSeconds", args.rolloutTimeoutSeconds, WORKER_RULES.rolloutTimeoutSeconds);
    checkResources(checks, settings, args.resources);
    checks.check("logLevel", args.logLevel, R.logLevel);
    checkEnv(checks, { env: args.env });
    for (const [variable, from] of Object.entries(WORKER_ENV)) {
        if (args.env !== null && typeof args.env === "object" && variable in args.env) {
            checks.add(`env.${variable}`, (n) => `a name goship does not set itself (${variable} comes from ${n(from)})`, JSON.stringify(variable));
        }
    }
    checkDatabase(checks, args.database);
    if (args.database !== undefined && args.database.egress === undefined && settings.networkPolicy !== false) {
        checks.add("database.egress", (n) => `where the database connections go (the worker's NetworkPolicy denies any other egress; or ${n("networkPolicy")} false)`, "nothing");
    }
    checkNetworkPolicy(checks, args.networkPolicy);
    if (args.faultInjection !== undefined && checks.fields("faultInjection", args.faultInjection, ["delayMs"], "fault settings {delayMs}")) {
        checks.check("faultInjection.delayMs", args.faultInjection.delayMs, R.faultDelayMs);
        if (settings.production) {
            checks.add("faultInjection", (n) => `unset on a production worker (${n("production")} is true)`, "fault settings");
        }
    }
    if (context.renderYamlTo !== undefined && (kafka?.password !== undefined || args.imagePullDockerConfigJson !== undefined)) {
        checks.add("provider", "a provider that applies manifests while the Kafka password or the pull secret are secret values " +
            "(rendering writes their Secrets to files in plaintext)", `one that renders to ${JSON.stringify(context.renderYamlTo)}`);
    }
    if (settings.awaitReady && context.renderYamlTo !== undefined) {
        checks.add("awaitReady", "false when rendering manifests (there is no ScaledObject to wait for)", "true");
    }
    return checks.problems;
}

function checkNetworkPolicy(checks: Checks, policy: WorkerArgs["networkPolicy"]): void {
    if (policy === undefined || policy === false) {
        return;
    }
    if (!checks.fields("networkPolicy", policy, NETWORK_POLICY_FIELDS, "network policy settings (or false)")) {
        return;
    }
    checks.check("networkPolicy.metricsNamespace", policy.metricsNamespace, DNS_LABEL);
    checks.list("networkPolicy.egress", policy.egress, (at, entry) => {
        checks.fields(at, entry, ["cidrs", "namespaces", "ports"], "an egress rule");
    });
}
