// WebService's delivery: canary renders Flagger's Canary and MetricTemplates for each router and leaves Flagger what
// Flagger owns (the Service `<name>`, the primary, the replicas); every selector covers the primary's pods; the
// arguments are refused all at once.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { PRODUCTION_ANNOTATION } from "../../components/defaults";
import { createKubernetesProvider } from "../../components/kubernetes-provider";
import { WebService, WebServiceArgs } from "../../components/web-service";
import { CANARY_QUERIES } from "../../components/web-service/metric-templates";
import { ProgramRun, RecordedResource, ofType, runProgram, single } from "../helpers/mocks";
import { policyNames, runPolicies } from "../helpers/policy-harness";

const IMAGE = `registry.example.com/team/orders@sha256:${"c".repeat(64)}`;
const HPA: WebServiceArgs["autoscaling"] = { kind: "hpa", minReplicas: 2, maxReplicas: 6 };
const GATEWAY = { name: "goship", namespace: "traefik" };
const CANARY = "kubernetes:flagger.app/v1beta1:Canary";
const TEMPLATE = "kubernetes:flagger.app/v1beta1:MetricTemplate";
const VERDICT = "pulumi-nodejs:dynamic/goship:CanaryVerdict";

function deploy(args: Omit<WebServiceArgs, "provider" | "image">): Promise<ProgramRun> {
    return runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => {
            const provider = new k8s.Provider("cluster", {});
            new WebService("orders", { provider, image: IMAGE, ...args });
        },
    });
}

const canaryArgs = (delivery: Partial<Extract<WebServiceArgs["delivery"], { kind: "canary" }>> = {}, extra: Partial<WebServiceArgs> = {}) =>
    deploy({ autoscaling: HPA, serviceMonitor: true, delivery: { kind: "canary", gateway: GATEWAY, ...delivery }, ...extra });

const kinds = (run: ProgramRun) => run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes")
    .map((r) => `${r.type.replace(/^kubernetes:/, "")} ${r.inputs.metadata?.name ?? r.name}`).sort();
const canaryOf = (run: ProgramRun): RecordedResource => single(run, CANARY);

describe("WebService delivery: canary", () => {
    it("creates Flagger's inputs and none of what Flagger owns (Service <name>, primary, replicas, route)", async () => {
        const run = await canaryArgs({}, { ingress: { host: "orders.example.com" } });
        assert.equal(run.error, undefined);
        assert.deepEqual(kinds(run), [
            "apps/v1:Deployment orders",
            "autoscaling/v2:HorizontalPodAutoscaler orders",
            "core/v1:ConfigMap orders-dashboard",
            "core/v1:Namespace goship",
            "core/v1:Service orders-metrics",
            "core/v1:ServiceAccount orders",
            "flagger.app/v1beta1:Canary orders",
            "flagger.app/v1beta1:MetricTemplate orders-error-rate",
            "flagger.app/v1beta1:MetricTemplate orders-p99-latency",
            "flagger.app/v1beta1:MetricTemplate orders-request-count",
            "monitoring.coreos.com/v1:ServiceMonitor orders",
            "networking.k8s.io/v1:NetworkPolicy orders",
            "policy/v1:PodDisruptionBudget orders",
        ].sort());
        const deployment = single(run, "kubernetes:apps/v1:Deployment").inputs;
        assert.equal(deployment.spec.replicas, undefined, "Flagger and the autoscaler own the count");
        assert.equal(deployment.metadata.annotations["pulumi.com/skipAwait"], "true", "Flagger scales it to 0: the verdict waits instead");
        assert.equal(ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").length, 0, "the HTTPRoute is Flagger's");
    });

    it("renders the Canary for Gateway API with the contract's defaults: steps 5/20/100 every 60 s, gates, threshold 2", async () => {
        const run = await canaryArgs({}, { ingress: { host: "orders.example.com" } });
        const spec = canaryOf(run).inputs.spec;
        assert.equal(spec.provider, "gatewayapi:v1");
        assert.deepEqual(spec.targetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "orders" });
        assert.deepEqual(spec.autoscalerRef, { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: "orders" });
        assert.equal(spec.ingressRef, undefined);
        assert.equal(spec.progressDeadlineSeconds, 600, "the rollout timeout");
        assert.deepEqual(spec.service, { port: 80, targetPort: "http", portName: "http", gatewayRefs: [GATEWAY], hosts: ["orders.example.com"] });
        assert.deepEqual(spec.analysis, {
            interval: "60s",
            threshold: 2,
            stepWeights: [5, 20, 100],
            metrics: [
                { name: "orders-request-count", templateRef: { name: "orders-request-count", namespace: "goship" }, thresholdRange: { min: 20 }, interval: "60s" },
                { name: "orders-error-rate", templateRef: { name: "orders-error-rate", namespace: "goship" }, thresholdRange: { max: 1 }, interval: "60s" },
                { name: "orders-p99-latency", templateRef: { name: "orders-p99-latency", namespace: "goship" }, thresholdRange: { max: 800 }, interval: "60s" },
            ],
        });
    });

    it("queries the canary's pods only, in the units of the gates, and counts a quiet canary as 0 requests", async () => {
        const run = await canaryArgs({ prometheusAddress: "http://prom.example:9090" });
        const templates: Record<string, { provider: unknown; query: string }> = Object.fromEntries(ofType(run, TEMPLATE).map((t) => [t.inputs.metadata.name, t.inputs.spec]));
        for (const spec of Object.values(templates)) {
            assert.deepEqual(spec.provider, { type: "prometheus", address: "http://prom.example:9090" });
            assert.match(spec.query, /pod=~"\{\{ target \}\}-\[0-9a-z\]\+-\[0-9a-z\]\+"/);
            assert.match(spec.query, /namespace="\{\{ namespace \}\}"/);
            assert.match(spec.query, /route!~"\/livez\|\/readyz"/, "probes are not traffic");
        }
        assert.match(templates["orders-p99-latency"].query, /^1000 \* histogram_quantile\(0\.99, sum by \(le\) \(rate\(http_request_duration_seconds_bucket\{/);
        assert.match(templates["orders-error-rate"].query, /^100 \* \(sum\(rate\(http_requests_total\{.*,code=~"5\.\."\}\[\{\{ interval \}\}\]\)\) or vector\(0\)\) \/ sum\(rate\(http_requests_total\{/);
        assert.match(templates["orders-request-count"].query, /^sum\(increase\(http_requests_total\{.*\}\[\{\{ interval \}\}\]\)\) or vector\(0\)$/);
        // The pod pattern as Prometheus applies it: anchored at both ends.
        const pattern = new RegExp(`^orders-[0-9a-z]+-[0-9a-z]+$`);
        assert.ok(pattern.test("orders-7d9f8c6b5-x2x4k"), "a canary pod");
        assert.ok(!pattern.test("orders-primary-7d9f8c6b5-x2x4k"), "never a primary pod");
        assert.equal(CANARY_QUERIES["p99-latency"], templates["orders-p99-latency"].query);
    });

    it("scrapes primary and canary pods through a headless metrics Service, as job <name>", async () => {
        const run = await canaryArgs();
        const metrics = single(run, "kubernetes:core/v1:Service").inputs;
        assert.equal(metrics.metadata.name, "orders-metrics");
        assert.equal(metrics.spec.clusterIP, "None");
        assert.deepEqual(metrics.spec.selector, { "app.kubernetes.io/instance": "orders" });
        assert.deepEqual(metrics.spec.ports.map((p: { name: string }) => p.name), ["admin"], "the HTTP port's Services are Flagger's");
        const monitor = single(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs.spec;
        assert.deepEqual(monitor.selector.matchLabels, metrics.metadata.labels);
        assert.equal(metrics.metadata.labels["app.kubernetes.io/component"], "metrics", "not a label of Flagger's Services");
        assert.equal(monitor.jobLabel, "app.kubernetes.io/name");
        assert.equal(monitor.endpoints[0].interval, "10s", "the gates need fresh samples of the canary's new series within a step");
        assert.equal(metrics.metadata.labels["app.kubernetes.io/name"], "orders", "job stays the service's name (SLO rules, dashboard)");
    });

    it("selects the primary's pods and the canary's, never the migration Job's, in the PDB and the NetworkPolicy", async () => {
        const run = await canaryArgs();
        const expected = {
            matchLabels: { "app.kubernetes.io/instance": "orders" },
            matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["orders", "orders-primary"] }],
        };
        assert.deepEqual(single(run, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.selector, expected);
        assert.deepEqual(single(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec.podSelector, expected);
        // The Deployment's own selector and its spread constraint are the target's; Flagger rewrites both for the primary.
        const deployment = single(run, "kubernetes:apps/v1:Deployment").inputs.spec;
        assert.deepEqual(deployment.selector.matchLabels, { "app.kubernetes.io/name": "orders", "app.kubernetes.io/instance": "orders" });
    });

    it("keeps a rolling service as it was: its Service, selectors and awaited Deployment", async () => {
        const run = await deploy({ autoscaling: HPA, serviceMonitor: true, delivery: { kind: "rolling" } });
        assert.equal(run.error, undefined);
        assert.equal(ofType(run, CANARY).length + ofType(run, TEMPLATE).length + ofType(run, VERDICT).length, 0);
        assert.equal(single(run, "kubernetes:core/v1:Service").inputs.metadata.name, "orders");
        assert.equal(single(run, "kubernetes:apps/v1:Deployment").inputs.metadata.annotations["pulumi.com/skipAwait"], undefined);
        assert.deepEqual(single(run, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.selector,
            { matchLabels: { "app.kubernetes.io/name": "orders", "app.kubernetes.io/instance": "orders" } });
    });

    it("refers to a ScaledObject with keda", async () => {
        const run = await canaryArgs({}, { autoscaling: { kind: "keda", minReplicas: 2, triggers: [{ type: "cpu", utilization: 60 }], awaitReady: false } });
        assert.equal(run.error, undefined);
        assert.deepEqual(canaryOf(run).inputs.spec.autoscalerRef, { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", name: "orders" });
        assert.equal(ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0, "KEDA's HPA, Flagger's primary ScaledObject");
    });

    it("renders Istio: the gateway as ns/name and the host, no Ingress, no VirtualService (Flagger's)", async () => {
        const run = await canaryArgs({ router: "istio", gateway: { name: "public", namespace: "istio-system" } }, { ingress: { host: "orders.example.com" } });
        assert.equal(run.error, undefined);
        const spec = canaryOf(run).inputs.spec;
        assert.equal(spec.provider, "istio");
        assert.deepEqual(spec.service, { port: 80, targetPort: "http", portName: "http", gateways: ["istio-system/public"], hosts: ["orders.example.com"] });
        assert.equal(ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
        assert.equal(run.resources.filter((r) => r.type.includes("networking.istio.io")).length, 0);
        const anyHost = await canaryArgs({ router: "istio", gateway: { name: "public", namespace: "istio-system" } });
        assert.deepEqual(canaryOf(anyHost).inputs.spec.service.hosts, ["*"]);
    });

    it("renders NGINX: the service's Ingress stays, pointing at Flagger's Service <name>, and is the Canary's ingressRef", async () => {
        const run = await deploy({
            autoscaling: HPA, serviceMonitor: true, ingress: { className: "nginx", host: "orders.example.com" },
            delivery: { kind: "canary", router: "nginx", match: { cookie: { name: "canary", value: "always" } } },
        });
        assert.equal(run.error, undefined);
        const ingress = single(run, "kubernetes:networking.k8s.io/v1:Ingress").inputs;
        assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, "orders");
        const spec = canaryOf(run).inputs.spec;
        assert.equal(spec.provider, "nginx");
        assert.deepEqual(spec.ingressRef, { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "orders" });
        assert.deepEqual(spec.service, { port: 80, targetPort: "http", portName: "http" });
        // Flagger's nginx router reads the cookie header's exact value as canary-by-cookie's name.
        assert.deepEqual(spec.analysis.match, [{ headers: { cookie: { exact: "canary" } } }]);
    });

    it("renders a match as Flagger's A/B testing: iterations instead of weights, a cookie as a regex on Cookie", async () => {
        const run = await canaryArgs({ match: { cookie: { name: "user-group", value: "canary" }, header: { name: "X-Canary", value: "insider" } } });
        assert.equal(run.error, undefined);
        const analysis = canaryOf(run).inputs.spec.analysis;
        assert.equal(analysis.stepWeights, undefined);
        assert.equal(analysis.iterations, 3);
        assert.deepEqual(analysis.match, [
            { headers: { "x-canary": { exact: "insider" } } },
            { headers: { cookie: { regex: "^(.*?;\\s*)?(user-group=canary)(;.*)?$" } } },
        ]);
        const cookie = new RegExp(analysis.match[1].headers.cookie.regex);
        assert.ok(cookie.test("user-group=canary"));
        assert.ok(cookie.test("session=abc; user-group=canary; theme=dark"));
        assert.ok(!cookie.test("user-group=canary2"));
        assert.ok(!cookie.test("xuser-group=canary"));
        // Flagger 1.41's Gateway API router writes an empty timeout into the A/B rule without one: refused by Gateway API.
        assert.equal(canaryOf(run).inputs.spec.service.timeout, "60s");
        assert.equal(canaryOf(await canaryArgs({})).inputs.spec.service.timeout, undefined, "weighted steps: the Gateway's own timeout");
    });

    it("waits for the verdict on a pod-template revision, the image, and a timeout derived from the steps", async () => {
        const run = await canaryArgs({ stepIntervalSeconds: 30, failedChecks: 3 }, { rollout: { timeoutSeconds: 300 } });
        const verdict = single(run, VERDICT).inputs;
        assert.equal(verdict.namespace, "goship");
        assert.equal(verdict.name, "orders");
        assert.equal(verdict.image, IMAGE);
        assert.match(verdict.revision, /^[0-9a-f]{64}$/);
        assert.equal(verdict.timeoutSeconds, (3 + 3 + 2) * 30 + 300);
        // The metrics window is the step, and never falls below two of the canary's 10 s scrapes.
        assert.equal(canaryOf(run).inputs.spec.analysis.metrics[0].interval, "30s");
        assert.equal(canaryOf(run).inputs.spec.analysis.interval, "30s");
        const short = await canaryArgs({ stepIntervalSeconds: 5 });
        assert.equal(canaryOf(short).inputs.spec.analysis.metrics[0].interval, "20s");

        const same = await canaryArgs({ stepIntervalSeconds: 30, failedChecks: 3 }, { rollout: { timeoutSeconds: 300 }, dashboard: false });
        assert.equal(single(same, VERDICT).inputs.revision, verdict.revision, "no pod-template change: the same revision");
        const other = await canaryArgs({ stepIntervalSeconds: 30, failedChecks: 3 }, { rollout: { timeoutSeconds: 300 }, logLevel: "debug" });
        assert.notEqual(single(other, VERDICT).inputs.revision, verdict.revision, "a new pod template: a release");
    });

    it("marks a production Canary like its Deployment", async () => {
        const run = await canaryArgs({ gates: { maxP99LatencyMs: 500, maxErrorPercent: 1 } }, {
            production: true, ingress: { host: "orders.example.com" },
            database: { connectionSecret: { name: "orders-database", key: "DATABASE_URL" } },
        });
        assert.equal(run.error, undefined, "TLS is the Gateway's: no Ingress to require it of");
        assert.equal(canaryOf(run).inputs.metadata.annotations[PRODUCTION_ANNOTATION], "true");
    });
});

describe("WebService delivery: refused arguments", () => {
    it("reports every problem of a canary at once", async () => {
        const run = await deploy({
            autoscaling: { kind: "none", replicas: 2 },
            ingress: { host: "orders.example.com", tls: { secretName: "orders-tls" } },
            delivery: {
                kind: "canary", stepWeights: [20, 5, 101], stepIntervalSeconds: 2, failedChecks: 0,
                gates: { maxP99LatencyMs: 0, maxErrorPercent: -1, minRequests: 0 },
                match: { header: { name: "x-canary", value: "a", regex: "b" } },
                prometheusAddress: "prometheus:9090",
            },
        });
        assert.equal(run.error?.message,
            "WebService orders: invalid arguments (14 problems):\n" +
            "  - delivery.stepIntervalSeconds: expected an integer from 5 to 3600, got 2\n" +
            "  - delivery.stepWeights[1]: expected a weight above the step before it (20%): the weights go up, got 5\n" +
            "  - delivery.stepWeights[2]: expected an integer from 1 to 100, got 101\n" +
            "  - delivery.stepWeights: expected unset with delivery.match (Flagger runs either A/B testing, the matching users on the canary for as many intervals as there are default steps and the others on the stable version, or weighted steps; never both), got [20,5,101]\n" +
            "  - delivery.failedChecks: expected an integer from 1 to 100, got 0\n" +
            "  - delivery.prometheusAddress: expected an http(s) URL of a Prometheus such as http://prometheus.monitoring:9090, got \"prometheus:9090\"\n" +
            "  - delivery.gates.maxP99LatencyMs: expected an integer from 1 to 10000, got 0\n" +
            "  - delivery.gates.maxErrorPercent: expected a percentage above 0 and at most 100, got -1\n" +
            "  - delivery.gates.minRequests: expected an integer from 1 to 1000000, got 0\n" +
            "  - delivery.match.header: expected exactly one of value (exact) and regex (RE2), got both\n" +
            "  - delivery.gateway: expected the Gateway Flagger's HTTPRoute attaches to, {name, namespace}, with delivery.router gatewayapi, got nothing\n" +
            "  - ingress.tls: expected unset with delivery.router gatewayapi (no Ingress is created: Flagger's route serves ingress.host on every path of the Gateway, whose listeners hold TLS and the class), got a value\n" +
            "  - autoscaling.kind: expected hpa or keda with delivery.kind canary (Flagger owns the Deployment's replicas and scales the primary by the autoscaler it copies; a fixed count is hpa with minReplicas = maxReplicas), got \"none\"\n" +
            "  - serviceMonitor: expected true with delivery.kind canary (the gates query the metrics its scrapes record), got false");
        assert.equal(run.resources.length, 1, "nothing but the test's provider");
    });

    it("refuses an unknown kind, an empty match, a bad regex, an nginx canary without an Ingress or with a cookie value nginx cannot match", async () => {
        const unknown = await deploy({ delivery: { kind: "blue-green" } as never });
        assert.match(unknown.error?.message ?? "", /delivery\.kind: expected one of rolling, canary, got "blue-green"/);
        const nginx = await deploy({
            autoscaling: HPA, serviceMonitor: true,
            delivery: { kind: "canary", router: "nginx", gateway: GATEWAY, match: { cookie: { name: "user-group", value: "canary" } } },
        });
        assert.deepEqual(nginx.error?.message.split("\n").slice(1), [
            "  - delivery.match.cookie.value: expected \"always\" with delivery.router nginx (ingress-nginx's canary-by-cookie sends a request to the canary only when the cookie's value is that), got \"canary\"",
            "  - delivery.gateway: expected unset with delivery.router nginx (Flagger adds a canary Ingress next to the service's own), got a gateway",
            "  - ingress: expected an Ingress with delivery.router nginx (Flagger shifts the weight on a copy of it), got nothing",
        ]);
        const match = await deploy({ autoscaling: HPA, serviceMonitor: true, delivery: { kind: "canary", gateway: GATEWAY, match: {} } });
        assert.match(match.error?.message ?? "", /delivery\.match: expected a header or a cookie to match, got neither/);
        const regex = await deploy({ autoscaling: HPA, serviceMonitor: true, delivery: { kind: "canary", gateway: GATEWAY, match: { header: { name: "x", regex: "(" } } } });
        assert.match(regex.error?.message ?? "", /delivery\.match\.header\.regex: expected an RE2 regular expression, got "\("/);
        const rolling = await deploy({ delivery: { kind: "rolling", stepWeights: [5] } as never });
        assert.match(rolling.error?.message ?? "", /delivery\.stepWeights: expected a field of a rolling delivery: kind, got an unknown field/);
    });

    it("refuses a canary on a provider that renders manifests: its verdict would wait on a cluster nothing was applied to", async () => {
        const run = await runProgram("test", { config: {}, secretKeys: [] }, {
            program: () => {
                const provider = createKubernetesProvider("cluster", { renderYamlTo: "/tmp/goship-render" });
                new WebService("orders", { provider, image: IMAGE, autoscaling: HPA, serviceMonitor: true, delivery: { kind: "canary", gateway: GATEWAY } });
            },
        });
        assert.equal(run.error?.message, "WebService orders: invalid arguments (1 problem):\n" +
            "  - delivery.kind: expected rolling when rendering manifests (a canary release waits for Flagger's verdict on the cluster, " +
            "and rendering applies nothing), got \"canary\"");
        assert.equal(ofType(run, CANARY).length, 0);
    });
});

describe("WebService delivery: production", () => {
    const production = { production: true, ingress: { host: "orders.example.com" }, database: { connectionSecret: { name: "orders-database", key: "DATABASE_URL" } } };

    it("refuses a production canary that leaves its latency and error gates to the defaults", async () => {
        const run = await canaryArgs({ gates: { minRequests: 50 } }, production);
        assert.deepEqual(run.error?.message.split("\n").slice(1), [
            "  - delivery.gates.maxP99LatencyMs: expected a value chosen for a production service (the default is a demo's), got nothing",
            "  - delivery.gates.maxErrorPercent: expected a value chosen for a production service (the default is a demo's), got nothing",
        ]);
    });

    it("passes the policy pack with its gates set, and the pack catches a Canary stripped of them", async () => {
        const run = await canaryArgs({ gates: { maxP99LatencyMs: 500, maxErrorPercent: 0.5 } }, production);
        assert.equal(run.error, undefined, run.error?.message);
        const resources = run.resources.map((resource) => ({ type: resource.type, props: resource.inputs, name: resource.name }));
        // Its PDB's matchExpressions cover the Deployment's pods, its Canary has the gates.
        assert.deepEqual(policyNames(runPolicies(resources)), []);
        const stripped = resources.map((resource) => resource.type === CANARY
            ? { ...resource, props: { ...resource.props, spec: { ...resource.props.spec, analysis: { ...resource.props.spec.analysis, metrics: [] } } } }
            : resource);
        assert.ok(policyNames(runPolicies(stripped)).includes("production-canary-gates"));
    });
});
