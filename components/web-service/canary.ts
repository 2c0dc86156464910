// The Flagger Canary that releases the service's Deployment (docs/gray-release.md). Flagger owns what it creates
// from it: the `-primary` Deployment and its autoscaler, the Services `<name>`, `-primary` and `-canary`, the route
// (HTTPRoute, VirtualService or canary Ingress) and the replicas of the Deployment this component declares.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PRODUCTION_ANNOTATION } from "../defaults";
import type { KubernetesConnection } from "../kubernetes-provider";
import { CanaryVerdict } from "./canary-verdict";
import { ChildOptions, ObjectMeta } from "./child-options";
import { CANARY_GATES, CanaryGate, createMetricTemplates, metricTemplateName } from "./metric-templates";
import { CANARY_SCRAPE_INTERVAL_SECONDS } from "./service-monitor";
import { CanaryDeliverySettings, CanaryRouter, WebServiceSettings } from "./types";

/** Flagger's -mesh-provider / spec.provider for each router. */
export const FLAGGER_PROVIDERS: Record<CanaryRouter, string> = { gatewayapi: "gatewayapi:v1", istio: "istio", nginx: "nginx" };

/** The route's request timeout with a match (Gateway API): above the service's own WRITE_TIMEOUT (15 s by default). */
export const AB_ROUTE_TIMEOUT = "60s";

/** A rate needs two scrapes inside its window: a shorter step still queries this much. */
export const MIN_METRIC_WINDOW_SECONDS = 2 * CANARY_SCRAPE_INTERVAL_SECONDS;

export interface CanaryTargets {
    deployment: k8s.apps.v1.Deployment;
    /** The HPA or the ScaledObject that scales the Deployment; Flagger copies it for the primary. */
    autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler | k8s.apiextensions.CustomResource;
    /** nginx: the service's Ingress, which Flagger copies into a canary Ingress. */
    ingress?: k8s.networking.v1.Ingress;
    templates: Record<CanaryGate, k8s.apiextensions.CustomResource>;
}

/** What a release is: the pod template Flagger analyses a change of, and the image it brings. */
export interface CanaryRelease {
    image: pulumi.Input<string>;
    podTemplate: k8s.types.input.core.v1.PodTemplateSpec;
    /** How the verdict reaches the cluster (createKubernetesProvider's); unset: kubectl's defaults. */
    connection?: KubernetesConnection;
}

/**
 * The gates, the Canary, and the verdict `pulumi up` waits for. Only a new pod template is a release Flagger
 * analyses: anything else leaves the revision as it was, so the verdict has no update and waits for nothing.
 */
export function createCanaryRelease(
    meta: ObjectMeta,
    settings: CanarySettings,
    targets: Omit<CanaryTargets, "templates">,
    release: CanaryRelease,
    opts: ChildOptions,
): CanaryVerdict {
    const templates = createMetricTemplates(meta, settings.delivery, opts);
    const canary = createCanary(meta, settings, { ...targets, templates }, opts);
    if (release.connection === undefined) {
        pulumi.log.warn(`WebService ${meta.name}: the provider was not made by createKubernetesProvider, so Flagger's verdict is read ` +
            "with kubectl's default kubeconfig and context", opts.parent);
    }
    return new CanaryVerdict(`${meta.name}-canary-verdict`, {
        namespace: meta.namespace,
        name: meta.name,
        revision: pulumi.output(release.podTemplate).apply((template) => createHash("sha256").update(JSON.stringify(template)).digest("hex")),
        image: release.image,
        timeoutSeconds: verdictTimeoutSeconds(settings),
        kubeconfig: release.connection?.kubeconfig,
        context: release.connection?.context,
    }, { parent: opts.parent, dependsOn: [targets.deployment, canary] });
}

type CanarySettings = Pick<WebServiceSettings, "production" | "servicePort" | "ingress" | "autoscaling" | "rollout"> & { delivery: CanaryDeliverySettings };

export function createCanary(meta: ObjectMeta, settings: CanarySettings, targets: CanaryTargets, opts: ChildOptions): k8s.apiextensions.CustomResource {
    const delivery = settings.delivery;
    return new k8s.apiextensions.CustomResource(`${meta.name}-canary`, {
        apiVersion: "flagger.app/v1beta1",
        kind: "Canary",
        metadata: {
            ...meta,
            annotations: { ...meta.annotations, ...(settings.production ? { [PRODUCTION_ANNOTATION]: "true" } : {}) },
        },
        spec: {
            provider: FLAGGER_PROVIDERS[delivery.router],
            targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: targets.deployment.metadata.name },
            autoscalerRef: settings.autoscaling.kind === "keda"
                ? { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", name: targets.autoscaler.metadata.name }
                : { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: targets.autoscaler.metadata.name },
            ingressRef: targets.ingress && { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: targets.ingress.metadata.name },
            // A canary whose pods never become Ready is rolled back after this long, like a rollout that times out.
            progressDeadlineSeconds: settings.rollout.timeoutSeconds,
            service: canaryService(settings),
            analysis: canaryAnalysis(meta, delivery),
        },
    }, { ...opts, dependsOn: [targets.deployment, targets.autoscaler, ...Object.values(targets.templates), ...(targets.ingress ? [targets.ingress] : [])] });
}

/** The Services Flagger creates, and where its route attaches: the Gateway, with the Ingress's host as the route's. */
function canaryService(settings: CanarySettings): Record<string, unknown> {
    const { router, gateway } = settings.delivery;
    const host = settings.ingress?.host;
    const service: Record<string, unknown> = { port: settings.servicePort, targetPort: "http", portName: "http" };
    if (router === "gatewayapi" && gateway) {
        return {
            ...service,
            gatewayRefs: [{ name: gateway.name, namespace: gateway.namespace }],
            hosts: host ? [host] : undefined,
            // Flagger 1.41's Gateway API router writes an empty request timeout into the A/B rule unless this is set,
            // and Gateway API refuses the HTTPRoute: the analysis would never start.
            timeout: settings.delivery.match ? AB_ROUTE_TIMEOUT : undefined,
        };
    }
    if (router === "istio" && gateway) {
        // Bound to the named gateway only, so "*" (any host) is allowed; Flagger adds the Service's own host.
        return { ...service, gateways: [`${gateway.namespace}/${gateway.name}`], hosts: [host ?? "*"] };
    }
    return service;
}

function canaryAnalysis(meta: ObjectMeta, delivery: CanaryDeliverySettings): Record<string, unknown> {
    const window = `${Math.max(delivery.stepIntervalSeconds, MIN_METRIC_WINDOW_SECONDS)}s`;
    const thresholds: Record<CanaryGate, { min?: number; max?: number }> = {
        "request-count": { min: delivery.gates.minRequests },
        "error-rate": { max: delivery.gates.maxErrorPercent },
        "p99-latency": { max: delivery.gates.maxP99LatencyMs },
    };
    const metrics = CANARY_GATES.map((gate) => ({
        name: metricTemplateName(meta.name, gate),
        templateRef: { name: metricTemplateName(meta.name, gate), namespace: meta.namespace },
        thresholdRange: thresholds[gate],
        interval: window,
    }));
    const match = canaryMatch(delivery.match, delivery.router);
    const steps = match
        // A/B testing: Flagger sends the matching requests to the canary for `iterations` intervals, the rest stays on
        // the primary, then promotes. It takes no weights (scheduler.go runs A/B whenever match and iterations are set).
        ? { iterations: delivery.stepWeights.length, match }
        : { stepWeights: delivery.stepWeights };
    return { interval: `${delivery.stepIntervalSeconds}s`, threshold: delivery.failedChecks, ...steps, metrics };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Flagger's analysis.match (Istio's HTTPMatchRequest, each entry ORed): a header by exact value or regex; a cookie as
 * a regex on the Cookie header (Gateway API, Istio). Flagger's nginx router reads a `cookie` header's exact value as
 * the cookie's name (canary-by-cookie, whose value must be "always": validate-delivery.ts).
 */
export function canaryMatch(match: CanaryDeliverySettings["match"], router: CanaryRouter): Record<string, unknown>[] | undefined {
    if (!match) {
        return undefined;
    }
    const entries: Record<string, unknown>[] = [];
    if (match.header) {
        const value = match.header.regex !== undefined ? { regex: match.header.regex } : { exact: match.header.value };
        entries.push({ headers: { [match.header.name.toLowerCase()]: value } });
    }
    if (match.cookie && router === "nginx") {
        entries.push({ headers: { cookie: { exact: match.cookie.name } } });
    } else if (match.cookie) {
        entries.push({ headers: { cookie: { regex: `^(.*?;\\s*)?(${escapeRegex(match.cookie.name)}=${escapeRegex(match.cookie.value)})(;.*)?$` } } });
    }
    return entries.length > 0 ? entries : undefined;
}

/** How long `pulumi up` waits for Flagger's verdict: every step and every allowed failed check, two more, then the pods. */
export function verdictTimeoutSeconds(settings: CanarySettings): number {
    const d = settings.delivery;
    // With a match the A/B runs one interval per step too (its iterations).
    return (d.stepWeights.length + d.failedChecks + 2) * d.stepIntervalSeconds + settings.rollout.timeoutSeconds;
}

