// Every argument of a WebService checked at once, before it registers anything: what the API server, the ingress
// controller, KEDA or the Go service itself would refuse later, after other objects had already changed.
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { parseBytes, parseCpu } from "../quantity";
import { DNS_LABEL } from "../validation/kubernetes-names";
import { isCidr } from "../validation/net";
import { Problem } from "../validation/problems";
import { BOOLEAN, Checks, fieldsOf, key } from "../validation/rules";
import { guaranteedReplicas } from "./resolve";
import { SERVICE_RULES as R } from "./rules";
import { EgressRule, NetworkPolicyArgs, ResourceArgs, RolloutArgs, ShutdownArgs, WebServiceArgs, WebServiceSettings } from "./types";
import { checkKafka } from "../kafka/rules";
import { checkAutoscaling } from "./validate-autoscaling";
import { checkDatabase } from "./validate-database";
import { checkDelivery } from "./validate-delivery";
import { checkEnv } from "./validate-env";
import { checkIngress } from "./validate-ingress";
import { checkObservability } from "./validate-observability";

export interface WebServiceContext {
    /** Where the provider writes manifests instead of applying them (renderYamlTo). */
    renderYamlTo?: string;
}

const FIELDS = fieldsOf<WebServiceArgs>({
    provider: true, image: true, production: true, namespace: true, createNamespace: true, autoscaling: true, resources: true,
    shutdown: true, rollout: true, logLevel: true, zoneSpread: true, servicePort: true, env: true, secretEnv: true,
    trustedProxies: true, ingress: true, networkPolicy: true, serviceMonitor: true, forceApply: true, publicUrl: true,
    imagePullDockerConfigJson: true, tracing: true, faultInjection: true, slo: true, alerting: true, dashboard: true, database: true,
    kafka: true, delivery: true,
});
const NETWORK_POLICY_FIELDS = fieldsOf<NetworkPolicyArgs>({ ingressControllerNamespace: true, metricsNamespace: true, egress: true });
const RESOURCE_FIELDS = fieldsOf<ResourceArgs>({
    cpuRequest: true, cpuLimit: true, memoryRequest: true, memoryLimit: true, ephemeralStorageRequest: true, ephemeralStorageLimit: true,
});
const SHUTDOWN_FIELDS = fieldsOf<ShutdownArgs>({ preStopSleepSeconds: true, drainDelaySeconds: true, shutdownTimeoutSeconds: true });
const ROLLOUT_FIELDS = fieldsOf<RolloutArgs>({ revisionHistoryLimit: true, maxSurge: true, maxUnavailable: true, timeoutSeconds: true });
const EGRESS_FIELDS = fieldsOf<EgressRule>({ cidrs: true, namespaces: true, ports: true });

/** What a production service lacks (empty when nothing): the rules the policy pack enforces too. */
export function productionProblems(settings: Pick<WebServiceSettings, "autoscaling" | "ingress" | "database" | "delivery">): Problem[] {
    const checks = new Checks();
    const guaranteed = guaranteedReplicas(settings);
    if (guaranteed < 2) {
        const field = settings.autoscaling.kind === "none" ? "autoscaling.replicas" : "autoscaling.minReplicas";
        checks.add(field, "at least 2 guaranteed pods on a production service", String(guaranteed));
    }
    // With a Gateway API or Istio canary there is no Ingress: TLS terminates at the Gateway's listener.
    if (settings.ingress && !settings.ingress.tls && !routedByGateway(settings)) {
        checks.add("ingress.tls", "TLS on the Ingress of a production service (a Secret or a cert-manager issuer)", "none");
    }
    if (!settings.database) {
        checks.add("database", "a database on a production service (without one its users live in each pod's memory and are lost on restart)", "nothing");
    }
    return checks.problems;
}

/** A canary whose route Flagger attaches to a Gateway (Gateway API or Istio) instead of an Ingress. */
export function routedByGateway(settings: Pick<WebServiceSettings, "delivery">): boolean {
    return settings.delivery.kind === "canary" && settings.delivery.router !== "nginx";
}

/** Every problem of a WebService's arguments; `settings` are the same arguments with their defaults applied. */
export function webServiceProblems(name: string, args: Omit<WebServiceArgs, "provider" | "image">, settings: WebServiceSettings, context: WebServiceContext = {}): Problem[] {
    const checks = new Checks();
    checks.check("name", name, R.name, { required: true });
    checks.fields("", args, FIELDS, "a WebService argument");
    for (const field of ["production", "createNamespace", "zoneSpread", "serviceMonitor", "forceApply"] as const) {
        checks.check(field, args[field], BOOLEAN);
    }
    if (typeof args.namespace === "string" || !pulumi.Output.isInstance(args.namespace)) {
        checks.check("namespace", args.namespace, R.namespace);
    } else if (settings.createNamespace) {
        checks.add("namespace", (n) => `a name to create (or ${n("createNamespace")} false to use another resource's namespace)`, "an Output");
    }
    checkAutoscaling(checks, args.autoscaling);
    checkResources(checks, settings, args.resources);
    checkShutdownAndRollout(checks, settings, args);
    checks.check("logLevel", args.logLevel, R.logLevel);
    checks.check("servicePort", args.servicePort, R.port);
    checkEnv(checks, args);
    checkIngress(checks, args.ingress);
    checkNetworkPolicy(checks, args.networkPolicy);
    checkObservability(checks, args);
    checkDatabase(checks, args.database);
    checkDelivery(checks, args, context);
    if (args.kafka !== undefined) {
        checkKafka(checks, "kafka", args.kafka, { partitionsRequired: false });
    }
    checks.check("publicUrl", args.publicUrl, R.publicUrl);

    const secrets = [
        ...(Object.keys(args.secretEnv ?? {}).length > 0 ? ["secretEnv"] : []),
        ...(args.imagePullDockerConfigJson !== undefined ? ["imagePullDockerConfigJson"] : []),
        ...(args.alerting !== undefined ? ["alerting.webhookUrl"] : []),
        ...(args.kafka?.password !== undefined ? ["kafka.password"] : []),
    ];
    if (context.renderYamlTo !== undefined && secrets.length > 0) {
        checks.add("provider", (n) => `a provider that applies manifests while ${secrets.map(n).join(" and ")} hold secret values ` +
            "(rendering writes their Secrets to files in plaintext)", `one that renders to ${JSON.stringify(context.renderYamlTo)}`);
    }
    if (settings.production) {
        checks.problems.push(...productionProblems(settings));
    }
    return checks.problems;
}

/**
 * Each quantity valid, each request at most its limit, the limits above what the Go runtime and /tmp need. `given` is
 * the resources argument as passed: its unknown fields would otherwise fall back to the defaults unseen.
 */
export function checkResources(checks: Checks, settings: Pick<WebServiceSettings, "resources">, given: unknown): void {
    if (given !== undefined) {
        checks.fields("resources", given, RESOURCE_FIELDS, "resources");
    }
    const r = settings.resources;
    const pairs = [
        { request: "cpuRequest", limit: "cpuLimit", rule: R.cpu, parse: parseCpu },
        { request: "memoryRequest", limit: "memoryLimit", rule: R.bytes, parse: parseBytes },
        { request: "ephemeralStorageRequest", limit: "ephemeralStorageLimit", rule: R.bytes, parse: parseBytes },
    ] as const;
    for (const pair of pairs) {
        const request = checks.check(`resources.${pair.request}`, r[pair.request], pair.rule) ? pair.parse(r[pair.request]) : undefined;
        const limit = checks.check(`resources.${pair.limit}`, r[pair.limit], pair.rule) ? pair.parse(r[pair.limit]) : undefined;
        if (request !== undefined && limit !== undefined && request > limit) {
            checks.add(`resources.${pair.request}`, (n) => `at most ${n(`resources.${pair.limit}`)} (${r[pair.limit]})`, JSON.stringify(r[pair.request]));
        }
    }
    const floor = (field: "memoryLimit" | "ephemeralStorageLimit", minimum: string, because: string) => {
        const value = parseBytes(r[field]);
        if (value !== undefined && value < parseBytes(minimum)!) {
            checks.add(`resources.${field}`, `at least ${minimum} (${because})`, JSON.stringify(r[field]));
        }
    };
    floor("memoryLimit", "16Mi", "the Go runtime alone needs several MiB");
    floor("ephemeralStorageLimit", DEFAULTS.workload.tmpSizeLimit, "/tmp alone may hold that much; the kubelet evicts a pod above its limit");
}

function checkShutdownAndRollout(checks: Checks, settings: WebServiceSettings, args: Pick<WebServiceArgs, "shutdown" | "rollout">): void {
    // As given: an unknown field would otherwise fall back to its default unseen.
    if (args.shutdown !== undefined) {
        checks.fields("shutdown", args.shutdown, SHUTDOWN_FIELDS, "shutdown settings");
    }
    if (args.rollout !== undefined) {
        checks.fields("rollout", args.rollout, ROLLOUT_FIELDS, "rollout settings");
    }
    const { shutdown, rollout } = settings;
    checks.check("shutdown.preStopSleepSeconds", shutdown.preStopSleepSeconds, R.preStopSleepSeconds);
    checks.check("shutdown.drainDelaySeconds", shutdown.drainDelaySeconds, R.drainDelaySeconds);
    checks.check("shutdown.shutdownTimeoutSeconds", shutdown.shutdownTimeoutSeconds, R.shutdownTimeoutSeconds);
    checks.check("rollout.revisionHistoryLimit", rollout.revisionHistoryLimit, R.revisionHistoryLimit);
    checks.check("rollout.timeoutSeconds", rollout.timeoutSeconds, R.rolloutTimeoutSeconds);
    const surge = checks.check("rollout.maxSurge", rollout.maxSurge, R.maxSurge);
    const unavailable = checks.check("rollout.maxUnavailable", rollout.maxUnavailable, R.maxUnavailable);
    const zero = (value: number | string) => /^0+%?$/.test(String(value));
    if (surge && unavailable && zero(rollout.maxSurge) && zero(rollout.maxUnavailable)) {
        checks.add("rollout.maxUnavailable", (n) => `a non-zero value when ${n("rollout.maxSurge")} is 0 (a rollout could never progress)`, JSON.stringify(rollout.maxUnavailable));
    }
}

function checkNetworkPolicy(checks: Checks, policy: WebServiceArgs["networkPolicy"]): void {
    if (policy === undefined || policy === false) {
        return;
    }
    if (!checks.fields("networkPolicy", policy, NETWORK_POLICY_FIELDS, "network policy settings (or false)")) {
        return;
    }
    checks.check("networkPolicy.ingressControllerNamespace", policy.ingressControllerNamespace, DNS_LABEL);
    checks.check("networkPolicy.metricsNamespace", policy.metricsNamespace, DNS_LABEL);
    checks.list("networkPolicy.egress", policy.egress, (at, entry) => {
        const egress = checks.fields(at, entry, EGRESS_FIELDS, "an egress rule");
        if (!egress) {
            return;
        }
        const listed = (field: string) => (Array.isArray(egress[field]) ? (egress[field] as unknown[]).length : 0);
        if (listed("cidrs") + listed("namespaces") === 0) {
            checks.add(at, "cidrs or namespaces to allow", "neither");
        }
        checks.list(key(at, "cidrs"), egress.cidrs, (item, cidr) => {
            checks.check(item, cidr, { expected: "a CIDR such as 10.0.0.0/16", accepts: (value) => typeof value === "string" && isCidr(value) });
        });
        checks.list(key(at, "namespaces"), egress.namespaces, (item, namespace) => checks.check(item, namespace, DNS_LABEL));
        checks.list(key(at, "ports"), egress.ports, (item, port) => checks.check(item, port, R.port));
    });
}
