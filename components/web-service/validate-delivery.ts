// Gray release by Flagger: what Flagger's admission and its controller would refuse, or silently do otherwise, refused
// here — and what it needs from the rest of the arguments (an autoscaler, the scraped metrics, a route to shift).
import { DNS_LABEL } from "../validation/kubernetes-names";
import { Checks, fieldsOf, integer, isRecord, key, matching, oneOf, rule } from "../validation/rules";
import { LARGEST_LATENCY_BUCKET_MS, SERVICE_RULES as R } from "./rules";
import { CANARY_ROUTERS, CanaryDeliveryArgs, CanaryGateArgs, CanaryMatchArgs, DELIVERY_KINDS, WebServiceArgs } from "./types";

const FIELDS = {
    rolling: ["kind"],
    canary: fieldsOf<CanaryDeliveryArgs>({
        kind: true, router: true, stepWeights: true, stepIntervalSeconds: true, gates: true, failedChecks: true, match: true,
        gateway: true, prometheusAddress: true,
    }),
};
const GATE_FIELDS = fieldsOf<CanaryGateArgs>({ maxP99LatencyMs: true, maxErrorPercent: true, minRequests: true });
const MATCH_FIELDS = fieldsOf<CanaryMatchArgs>({ header: true, cookie: true });
const HEADER_FIELDS = ["name", "value", "regex"];
const COOKIE_FIELDS = ["name", "value"];
const GATEWAY_FIELDS = ["name", "namespace"];
/** ingress-nginx routes a canary-by-cookie request to the canary only when the cookie's value is this. */
export const NGINX_CANARY_COOKIE_VALUE = "always";

export const DELIVERY_RULES = {
    kind: oneOf(DELIVERY_KINDS),
    router: oneOf(CANARY_ROUTERS),
    stepWeight: integer(1, 100),
    // Flagger checks every interval; below a few seconds its own reconcile loop and the scrapes cannot keep up.
    stepIntervalSeconds: integer(5, 3600),
    failedChecks: integer(1, 100),
    maxP99LatencyMs: integer(1, LARGEST_LATENCY_BUCKET_MS),
    maxErrorPercent: rule("a percentage above 0 and at most 100", (value) => typeof value === "number" && Number.isFinite(value) && value > 0 && value <= 100),
    minRequests: integer(1, 1_000_000),
    prometheusAddress: matching(/^https?:\/\/[^\s/]+(\/\S*)?$/, "an http(s) URL of a Prometheus such as http://prometheus.monitoring:9090"),
    // RFC 9110 token: what a header name (and a cookie name, RFC 6265) may hold.
    headerName: matching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "an HTTP header name (a token such as x-canary)", 256),
    headerValue: matching(/^[\t\x20-\x7e]*$/, "a header value of visible ASCII characters"),
    cookieName: matching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "a cookie name (a token such as user-group)", 256),
    cookieValue: matching(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/, "a cookie value (visible ASCII without spaces, quotes, commas, semicolons or backslashes)"),
} as const;

/** The delivery argument on its own, then what it needs from the others. */
export function checkDelivery(checks: Checks, args: Omit<WebServiceArgs, "provider" | "image">, context: { renderYamlTo?: string } = {}): void {
    const delivery = args.delivery;
    if (delivery === undefined) {
        return;
    }
    const at = (field: string) => key("delivery", field);
    if (!isRecord(delivery)) {
        checks.add("delivery", 'a delivery such as { kind: "rolling" } or { kind: "canary" }', JSON.stringify(delivery));
        return;
    }
    if (!checks.check(at("kind"), delivery.kind, DELIVERY_RULES.kind, { required: true })) {
        return;
    }
    checks.fields("delivery", delivery, FIELDS[delivery.kind], `a ${delivery.kind} delivery`);
    if (delivery.kind !== "canary") {
        return;
    }
    if (context.renderYamlTo !== undefined) {
        // The release waits for Flagger's verdict (CanaryVerdict) with kubectl: with nothing applied it would wait out
        // its timeout, or read whatever cluster kubectl's default context names.
        checks.add(at("kind"), "rolling when rendering manifests (a canary release waits for Flagger's verdict on the cluster, " +
            "and rendering applies nothing)", JSON.stringify(delivery.kind));
    }
    const router = checks.check(at("router"), delivery.router, DELIVERY_RULES.router) ? delivery.router ?? "gatewayapi" : undefined;
    checkSteps(checks, delivery);
    checks.check(at("failedChecks"), delivery.failedChecks, DELIVERY_RULES.failedChecks);
    checks.check(at("prometheusAddress"), delivery.prometheusAddress, DELIVERY_RULES.prometheusAddress);
    if (delivery.gates !== undefined && checks.fields(at("gates"), delivery.gates, GATE_FIELDS, "canary gates")) {
        for (const field of GATE_FIELDS) {
            checks.check(key(at("gates"), field), (delivery.gates as Record<string, unknown>)[field], DELIVERY_RULES[field as keyof CanaryGateArgs]);
        }
    }
    if (args.production === true) {
        // The defaults suit a demo; a production service states what its users may be made to suffer (the policy
        // pack's production-canary-gates checks the Canary too).
        for (const field of ["maxP99LatencyMs", "maxErrorPercent"] as const) {
            if ((isRecord(delivery.gates) ? delivery.gates[field] : undefined) === undefined) {
                checks.add(key(at("gates"), field), "a value chosen for a production service (the default is a demo's)", "nothing");
            }
        }
    }
    checkMatch(checks, delivery, router);
    checkRoute(checks, args, delivery, router);

    const scaling = args.autoscaling?.kind ?? "none";
    // An unknown kind is reported by the autoscaling checks already.
    if (scaling === "none") {
        checks.add("autoscaling.kind", (n) => `hpa or keda with ${n(at("kind"))} canary (Flagger owns the Deployment's replicas and scales ` +
            "the primary by the autoscaler it copies; a fixed count is hpa with minReplicas = maxReplicas)", JSON.stringify(scaling));
    }
    if (args.serviceMonitor !== true) {
        checks.add("serviceMonitor", (n) => `true with ${n(at("kind"))} canary (the gates query the metrics its scrapes record)`, JSON.stringify(args.serviceMonitor ?? false));
    }
}

function checkSteps(checks: Checks, delivery: CanaryDeliveryArgs): void {
    const at = (field: string) => key("delivery", field);
    checks.check(at("stepIntervalSeconds"), delivery.stepIntervalSeconds, DELIVERY_RULES.stepIntervalSeconds);
    let previous = 0;
    checks.list(at("stepWeights"), delivery.stepWeights, (item, weight) => {
        if (checks.check(item, weight, DELIVERY_RULES.stepWeight) && typeof weight === "number") {
            if (weight <= previous) {
                checks.add(item, `a weight above the step before it (${previous}%): the weights go up`, String(weight));
            }
            previous = weight;
        }
    }, { nonEmpty: "at least one step weight" });
    if (delivery.match !== undefined && delivery.stepWeights !== undefined) {
        // Flagger's A/B testing (analysis.match) takes a number of iterations, not weights: the two never combine.
        checks.add(at("stepWeights"), (n) => `unset with ${n(at("match"))} (Flagger runs either A/B testing, the matching users on the ` +
            "canary for as many intervals as there are default steps and the others on the stable version, or weighted steps; never both)",
        JSON.stringify(delivery.stepWeights));
    }
}

function checkMatch(checks: Checks, delivery: CanaryDeliveryArgs, router: string | undefined): void {
    const at = key("delivery", "match");
    const match = delivery.match;
    if (match === undefined || !checks.fields(at, match, MATCH_FIELDS, "a canary match")) {
        return;
    }
    if (match.header === undefined && match.cookie === undefined) {
        checks.add(at, "a header or a cookie to match", "neither");
    }
    const header = match.header === undefined ? undefined : checks.fields(key(at, "header"), match.header, HEADER_FIELDS, "a header match");
    if (header) {
        checks.check(key(key(at, "header"), "name"), header.name, DELIVERY_RULES.headerName, { required: true });
        if ((header.value === undefined) === (header.regex === undefined)) {
            checks.add(key(at, "header"), "exactly one of value (exact) and regex (RE2)", header.value === undefined ? "neither" : "both");
        }
        checks.check(key(key(at, "header"), "value"), header.value, DELIVERY_RULES.headerValue);
        if (header.regex !== undefined && !isRegex(header.regex)) {
            checks.add(key(key(at, "header"), "regex"), "an RE2 regular expression", JSON.stringify(header.regex));
        }
    }
    const cookie = match.cookie === undefined ? undefined : checks.fields(key(at, "cookie"), match.cookie, COOKIE_FIELDS, "a cookie match");
    if (cookie) {
        checks.check(key(key(at, "cookie"), "name"), cookie.name, DELIVERY_RULES.cookieName, { required: true });
        if (checks.check(key(key(at, "cookie"), "value"), cookie.value, DELIVERY_RULES.cookieValue, { required: true }) &&
            router === "nginx" && cookie.value !== NGINX_CANARY_COOKIE_VALUE) {
            checks.add(key(key(at, "cookie"), "value"), (n) => `"${NGINX_CANARY_COOKIE_VALUE}" with ${n("delivery.router")} nginx ` +
                "(ingress-nginx's canary-by-cookie sends a request to the canary only when the cookie's value is that)", JSON.stringify(cookie.value));
        }
    }
}

/** JavaScript's syntax is close enough to RE2's to catch what neither accepts; the routers compile it themselves. */
function isRegex(value: unknown): boolean {
    if (typeof value !== "string" || value === "") {
        return false;
    }
    try {
        new RegExp(value);
        return true;
    } catch {
        return false;
    }
}

/** gatewayapi and istio attach Flagger's route to a Gateway; nginx shifts the weight on the service's own Ingress. */
function checkRoute(checks: Checks, args: Omit<WebServiceArgs, "provider" | "image">, delivery: CanaryDeliveryArgs, router: string | undefined): void {
    const at = key("delivery", "gateway");
    if (router === "nginx") {
        if (delivery.gateway !== undefined) {
            checks.add(at, (n) => `unset with ${n("delivery.router")} nginx (Flagger adds a canary Ingress next to the service's own)`, "a gateway");
        }
        if (args.ingress === undefined) {
            checks.add("ingress", (n) => `an Ingress with ${n("delivery.router")} nginx (Flagger shifts the weight on a copy of it)`, "nothing");
        }
        return;
    }
    if (router === undefined) {
        return;
    }
    if (delivery.gateway === undefined) {
        checks.add(at, (n) => `the Gateway Flagger's ${router === "istio" ? "VirtualService" : "HTTPRoute"} attaches to, {name, namespace}, with ${n("delivery.router")} ${router}`, "nothing");
    } else if (checks.fields(at, delivery.gateway, GATEWAY_FIELDS, "a Gateway reference {name, namespace}")) {
        checks.check(key(at, "name"), delivery.gateway.name, R.secretName, { required: true });
        checks.check(key(at, "namespace"), delivery.gateway.namespace, DNS_LABEL, { required: true });
    }
    // The Ingress becomes the route's host; no Ingress is created, so what only an Ingress means is refused (its
    // pathType and skipAwait mean nothing for every path of a route that is not awaited).
    if (isRecord(args.ingress)) {
        const ingress = args.ingress;
        const meaningful: Record<string, boolean> = {
            className: ingress.className !== undefined,
            tls: ingress.tls !== undefined,
            annotations: Object.keys(ingress.annotations ?? {}).length > 0,
            path: ingress.path !== undefined && ingress.path !== "/",
        };
        for (const field of Object.keys(meaningful).filter((name) => meaningful[name])) {
            checks.add(key("ingress", field), (n) => `unset with ${n("delivery.router")} ${router} (no Ingress is created: Flagger's route serves ` +
                `${n("ingress.host")} on every path of the Gateway, whose listeners hold TLS and the class)`, "a value");
        }
    }
}
