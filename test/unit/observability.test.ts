// Tracing, fault injection, SLO rules, alert delivery and the dashboard: what each setting renders, and every
// problem of its arguments, reported by the component (paths) and by the stack config (keys).
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WebService, WebServiceArgs } from "../../components/web-service";
import { ProgramRun, ofType, runProgram, single } from "../helpers/mocks";
import { deployment } from "../helpers/policy-fixtures";
import { policyNames, runPolicies } from "../helpers/policy-harness";
import { readStackConfig, secretValue } from "../helpers/stack-config";

const IMAGE = `registry.example.com/team/orders@sha256:${"c".repeat(64)}`;
const SLO = { latencyP99Ms: 800, errorRatePercent: 5, availabilityPercent: 99.9 };
const WEBHOOK = "https://hooks.example.com/services/T000/B000/very-secret-token";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const ALERTMANAGER_CONFIG = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig";

function deploy(args: Omit<WebServiceArgs, "provider" | "image">): Promise<ProgramRun> {
    return runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => void new WebService("orders", { provider: new k8s.Provider("cluster", {}), image: IMAGE, namespace: "shop", ...args }),
    });
}

/** The service's container env (a stack's worker has a Deployment of its own). */
const envOf = (run: ProgramRun): Record<string, any> => Object.fromEntries(ofType(run, "kubernetes:apps/v1:Deployment").find((r) => !r.name.endsWith("-worker-deployment"))!.inputs
    .spec.template.spec.containers[0].env.map((entry: { name: string; value?: string; valueFrom?: unknown }) => [entry.name, entry.value ?? entry.valueFrom]));

function problems(run: ProgramRun): string[] {
    assert.ok(run.error, "the arguments are refused");
    return run.error.message.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, ""));
}

describe("tracing", () => {
    it("sets the OpenTelemetry SDK's variables, the pod's name and node from the downward API", async () => {
        const run = await deploy({ tracing: { endpoint: "http://jaeger.monitoring.svc:4318", resourceAttributes: { "team": "shop" } } });
        assert.equal(run.error, undefined);
        const env = envOf(run);
        assert.deepEqual(env.K8S_POD_NAME, { fieldRef: { fieldPath: "metadata.name" } });
        assert.deepEqual(env.K8S_NODE_NAME, { fieldRef: { fieldPath: "spec.nodeName" } });
        assert.equal(env.OTEL_SERVICE_NAME, "orders");
        assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, "http://jaeger.monitoring.svc:4318");
        assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf");
        assert.equal(env.OTEL_TRACES_SAMPLER, "parentbased_traceidratio");
        assert.equal(env.OTEL_TRACES_SAMPLER_ARG, "0.1", "the stated default");
        assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, "deployment.environment=test,k8s.namespace.name=shop,k8s.deployment.name=orders," +
            "k8s.pod.name=$(K8S_POD_NAME),k8s.node.name=$(K8S_NODE_NAME),k8s.container.name=app,team=shop");
        const names = Object.keys(env);
        assert.ok(names.indexOf("K8S_POD_NAME") < names.indexOf("OTEL_RESOURCE_ATTRIBUTES"), "$(…) expands only variables defined before");
    });

    it("sets nothing without tracing settings", async () => {
        const env = envOf(await deploy({}));
        assert.deepEqual(Object.keys(env).filter((name) => name.startsWith("OTEL_") || name.startsWith("K8S_")), []);
    });

    it("refuses a bad endpoint, ratio and attributes, and OTEL_* variables set by hand", async () => {
        const run = await deploy({
            tracing: { endpoint: "http://collector:4318/v1/traces", samplingRatio: 1.5, resourceAttributes: { "a,b": "x", team: "x=y", "k8s.pod.name": "p" } },
            env: { OTEL_SERVICE_NAME: "other" },
            secretEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://elsewhere:4318" },
        });
        assert.deepEqual(problems(run), [
            'env.OTEL_SERVICE_NAME: expected a name goship does not set itself (OTEL_SERVICE_NAME comes from tracing), got "OTEL_SERVICE_NAME"',
            'secretEnv.OTEL_EXPORTER_OTLP_ENDPOINT: expected a name goship does not set itself (OTEL_EXPORTER_OTLP_ENDPOINT comes from tracing), got "OTEL_EXPORTER_OTLP_ENDPOINT"',
            'tracing.endpoint: expected an http(s) base URL of an OTLP/HTTP collector such as http://jaeger.monitoring.svc:4318 (without /v1/traces: the SDK appends it), got "http://collector:4318/v1/traces"',
            "tracing.samplingRatio: expected a number from 0 to 1, got 1.5",
            `tracing.resourceAttributes["a,b"]: expected an attribute key without ',', '=' or spaces, got "a,b"`,
            `tracing.resourceAttributes.team: expected a string without ',' or '=', got "x=y"`,
            'tracing.resourceAttributes["k8s.pod.name"]: expected an attribute goship does not set itself (service.name, k8s.namespace.name, k8s.deployment.name, k8s.pod.name, k8s.node.name, k8s.container.name come from the workload), got "k8s.pod.name"',
        ]);
    });

    it("needs an endpoint", async () => {
        assert.deepEqual(problems(await deploy({ tracing: {} as never })), [
            "tracing.endpoint: expected an http(s) base URL of an OTLP/HTTP collector such as http://jaeger.monitoring.svc:4318 (without /v1/traces: the SDK appends it), got nothing",
        ]);
    });
});

describe("fault injection", () => {
    it("sets FAULT_DELAY as a Go duration and FAULT_ERROR_PERCENT", async () => {
        const env = envOf(await deploy({ faultInjection: { delayMs: 1500, errorPercent: 20 } }));
        assert.deepEqual([env.FAULT_DELAY, env.FAULT_ERROR_PERCENT], ["1500ms", "20"]);
        const off = envOf(await deploy({}));
        assert.deepEqual([off.FAULT_DELAY, off.FAULT_ERROR_PERCENT], [undefined, undefined]);
    });

    it("refuses values out of range and the variables set by hand", async () => {
        assert.deepEqual(problems(await deploy({ faultInjection: { delayMs: -1, errorPercent: 101 }, env: { FAULT_DELAY: "1s" } })), [
            'env.FAULT_DELAY: expected a name goship does not set itself (FAULT_DELAY comes from faultInjection), got "FAULT_DELAY"',
            "faultInjection.delayMs: expected an integer from 0 to 60000, got -1",
            "faultInjection.errorPercent: expected an integer from 0 to 100, got 101",
        ]);
    });

    it("is refused on a production service, naming the setting", async () => {
        const run = await deploy({ production: true, autoscaling: { kind: "none", replicas: 2 }, faultInjection: { errorPercent: 5 }, database: { connectionSecret: { name: "db", key: "DATABASE_URL" } } });
        assert.deepEqual(problems(run), ['faultInjection: expected unset on a production service (production is true; fault injection is for tests), got {"errorPercent":5}']);
    });

    it("is refused on the prod stack under its key", async () => {
        const run = await runProgram("prod", readStackConfig("prod", { faultInjection: { delayMs: 100 } }));
        assert.match(run.error?.message ?? "", /- faultInjection: expected unset on a production service \(production is true; fault injection is for tests\), got \{"delayMs":100\}/);
    });

    it("is denied by the policy pack on a production stack, in a container's env or an env ConfigMap", () => {
        const tags = { stackTags: { "goship:production": "true" } };
        const web = deployment({ replicas: 2 });
        web.props.spec.template.spec.containers[0].env = [{ name: "FAULT_DELAY", value: "1s" }];
        const configMap = { type: "kubernetes:core/v1:ConfigMap", name: "web-env", props: { metadata: { name: "web-env", namespace: "apps" }, data: { FAULT_ERROR_PERCENT: "5" } } };
        const violations = runPolicies([web, configMap], tags).filter((violation) => violation.policy === "production-no-fault-injection");
        assert.deepEqual(violations.map((violation) => violation.message), [
            'Deployment apps/web: container "app" sets FAULT_DELAY on a production stack; remove them: fault injection is for tests (goship: unset goship:faultInjection).',
            "ConfigMap apps/web-env holds FAULT_ERROR_PERCENT on a production stack (pods may load it with envFrom); remove them: fault injection is for tests (goship: unset goship:faultInjection).",
        ]);
        assert.deepEqual(runPolicies([web, configMap]).filter((violation) => violation.policy === "production-no-fault-injection"), [], "not production: allowed");
    });
});

describe("SLO rules", () => {
    it("render a PrometheusRule next to the ServiceMonitor: recording rules, then alerts with labels and annotations", async () => {
        const run = await deploy({ serviceMonitor: true, slo: SLO });
        assert.equal(run.error, undefined);
        const rule = single(run, PROMETHEUS_RULE).inputs;
        assert.deepEqual([rule.metadata.name, rule.metadata.namespace], ["orders", "shop"]);
        const [recording, alerts] = rule.spec.groups;
        assert.deepEqual([recording.name, alerts.name], ["orders-slo-recording", "orders-slo-alerts"]);
        assert.deepEqual(recording.rules.map((r: { record: string }) => r.record), [
            "goship:http_requests:rate2m",
            ...["2m", "5m", "1h", "30m", "6h", "2h", "1d", "3d"].map((w) => `goship:http_requests_errors:ratio_rate${w}`),
            "goship:http_request_duration_seconds:p99_rate2m",
        ]);
        assert.deepEqual(alerts.rules.map((r: { alert: string; for: string; labels: object }) => [r.alert, r.for, r.labels]), [
            ["GoshipLatencyP99High", "3m", { severity: "warning", service: "orders" }],
            ["GoshipErrorRateHigh", "3m", { severity: "warning", service: "orders" }],
            ["GoshipErrorBudgetBurnPage", "2m", { severity: "page", service: "orders" }],
            ["GoshipErrorBudgetBurnTicket", "15m", { severity: "ticket", service: "orders" }],
        ]);
        for (const alert of alerts.rules) {
            assert.deepEqual(Object.keys(alert.annotations).sort(), ["description", "runbook_url", "summary"], alert.alert);
            assert.match(alert.annotations.description, /\{\{ \$value/, alert.alert);
            assert.equal(alert.annotations.runbook_url, "docs/observability.md#runbook");
            assert.match(alert.expr, /\{job="orders",namespace="shop"\}/, alert.alert);
        }
        assert.equal(alerts.rules[0].expr, 'goship:http_request_duration_seconds:p99_rate2m{job="orders",namespace="shop"} > 0.8');
        assert.equal(alerts.rules[2].expr,
            '(goship:http_requests_errors:ratio_rate1h{job="orders",namespace="shop"} > 0.0144 and goship:http_requests_errors:ratio_rate5m{job="orders",namespace="shop"} > 0.0144)' +
            ' or (goship:http_requests_errors:ratio_rate6h{job="orders",namespace="shop"} > 0.006 and goship:http_requests_errors:ratio_rate30m{job="orders",namespace="shop"} > 0.006)');
        assert.match(recording.rules[1].expr, /\/ \(sum by \(job, namespace\) \(rate\(http_requests_total\{job="orders",namespace="shop",route!~"\/livez\|\/readyz"\}\[2m\]\)\) > 0\)$/,
            "divides only by a rate above zero");
    });

    it("refuses SLOs without a ServiceMonitor, and every bad field at once", async () => {
        const run = await deploy({ slo: { latencyP99Ms: 20_000, latencyForMinutes: 0, errorRatePercent: 0, errorRateForMinutes: 1.5, availabilityPercent: 100, runbookUrl: "not a url", typo: 1 } as never });
        assert.deepEqual(problems(run), [
            "slo.typo: expected a field of SLO settings: latencyP99Ms, latencyForMinutes, errorRatePercent, errorRateForMinutes, availabilityPercent, runbookUrl, got an unknown field",
            "slo: expected unset unless serviceMonitor is true (the rules read the series the ServiceMonitor scrapes), got SLO settings",
            "slo.latencyP99Ms: expected an integer from 1 to 10000 (the service's largest latency bucket is 10 s), got 20000",
            "slo.latencyForMinutes: expected an integer from 1 to 1440, got 0",
            "slo.errorRatePercent: expected a percentage above 0 and at most 100, got 0",
            "slo.errorRateForMinutes: expected an integer from 1 to 1440, got 1.5",
            "slo.availabilityPercent: expected a percentage above 0 and below 100, such as 99.9 (100 leaves no error budget), got 100",
            'slo.runbookUrl: expected an http(s) URL or a path of this repository\'s docs, got "not a url"',
        ]);
        assert.deepEqual(problems(await deploy({ serviceMonitor: true, slo: {} as never })).map((p) => p.split(":")[0]),
            ["slo.latencyP99Ms", "slo.errorRatePercent", "slo.availabilityPercent"], "the three objectives are required");
    });
});

describe("alert delivery", () => {
    it("routes the service's alerts to a webhook whose URL is only in a Secret, encrypted", async () => {
        const run = await deploy({ serviceMonitor: true, slo: SLO, alerting: { webhookUrl: WEBHOOK } });
        assert.equal(run.error, undefined);
        const secret = ofType(run, "kubernetes:core/v1:Secret").find((s) => s.name === "orders-alert-webhook")!;
        assert.equal(secret.inputs.metadata.name, "orders-alert-webhook");
        assert.equal(secret.inputs.stringData.url, WEBHOOK);
        assert.ok(secret.secretPaths.some((at) => at === "stringData.url" || at === "stringData"), `secret: ${secret.secretPaths.join(", ")}`);
        const config = single(run, ALERTMANAGER_CONFIG);
        assert.deepEqual([config.inputs.metadata.name, config.inputs.metadata.namespace], ["orders", "shop"]);
        assert.deepEqual(config.inputs.spec, {
            route: {
                receiver: "webhook",
                groupBy: ["alertname", "namespace", "service"],
                groupWait: "10s",
                groupInterval: "60s",
                repeatInterval: "240m",
                matchers: [{ name: "service", value: "orders", matchType: "=" }],
            },
            receivers: [{ name: "webhook", webhookConfigs: [{ urlSecret: { name: "orders-alert-webhook", key: "url" }, sendResolved: true }] }],
        });
        for (const resource of run.resources.filter((r) => r !== secret)) {
            assert.ok(!JSON.stringify(resource.inputs).includes("very-secret-token"), `${resource.type} holds no webhook URL`);
        }
    });

    it("accepts the URL as a secret Output and takes the grouping settings", async () => {
        const run = await deploy({ serviceMonitor: true, slo: SLO, alerting: { webhookUrl: pulumi.secret(WEBHOOK), groupWaitSeconds: 0, groupIntervalSeconds: 30, repeatIntervalMinutes: 60 } });
        assert.equal(run.error, undefined);
        const route = single(run, ALERTMANAGER_CONFIG).inputs.spec.route;
        assert.deepEqual([route.groupWait, route.groupInterval, route.repeatInterval], ["0s", "30s", "60m"]);
    });

    it("refuses delivery without SLOs, a URL that is not one (without showing it) and bad intervals", async () => {
        assert.deepEqual(problems(await deploy({ alerting: { webhookUrl: "hooks.example.com/secret", groupWaitSeconds: -1, groupIntervalSeconds: 0, repeatIntervalMinutes: 0 } })), [
            "alerting.webhookUrl: expected unset unless slo is set (there are no alerts to deliver), got a value (not shown: it is secret)",
            "alerting.webhookUrl: expected an http(s) URL, got a value (not shown: it is secret)",
            "alerting.groupWaitSeconds: expected an integer from 0 to 3600, got -1",
            "alerting.groupIntervalSeconds: expected an integer from 1 to 86400, got 0",
            "alerting.repeatIntervalMinutes: expected an integer from 1 to 10080, got 0",
        ]);
    });

    it("from the stack config: a secret key, reported under its name", async () => {
        const run = await runProgram("local", readStackConfig("local", { alertWebhookUrl: secretValue(WEBHOOK), alertRouting: { groupWaitSeconds: 5 } }));
        assert.equal(run.error, undefined, run.error?.message);
        assert.equal(single(run, ALERTMANAGER_CONFIG).inputs.spec.route.groupWait, "5s");
        const plain = await runProgram("local", readStackConfig("local", { alertWebhookUrl: WEBHOOK }));
        assert.match(plain.error?.message ?? "", /alertWebhookUrl: expected a secret value \(pulumi config set --secret alertWebhookUrl …\), got a plaintext value/);
        const noSlo = await runProgram("local", readStackConfig("local", { "goship:slo": undefined, alertWebhookUrl: secretValue(WEBHOOK) }));
        assert.match(noSlo.error?.message ?? "", /- alertWebhookUrl: expected unset unless slo is set \(there are no alerts to deliver\), got a value \(not shown: it is secret\)/);
    });
});

describe("dashboard", () => {
    it("ships a ConfigMap for Grafana's sidecar, on by default with the ServiceMonitor, with the autoscaler's bounds", async () => {
        const run = await deploy({ serviceMonitor: true, autoscaling: { kind: "hpa", minReplicas: 2, maxReplicas: 7 } });
        const map = ofType(run, "kubernetes:core/v1:ConfigMap").find((c) => c.name === "orders-dashboard")!;
        assert.equal(map.inputs.metadata.labels.grafana_dashboard, "1");
        const model = JSON.parse(map.inputs.data["orders.json"]);
        assert.deepEqual(model.panels.map((p: { title: string }) => p.title.split(":")[0]), ["Traffic", "Errors", "Errors", "Latency", "Saturation", "Saturation", "Saturation", "Pods"]);
        const pods = model.panels[7].targets.map((t: { expr: string }) => t.expr);
        assert.deepEqual(pods, ['count(up{job="orders",namespace="shop"} == 1) or vector(0)', "vector(2)", "vector(7)"]);
        assert.equal(ofType(run, "kubernetes:core/v1:ConfigMap").filter((c) => c.name === "orders-dashboard").length, 1);
        const off = await deploy({ serviceMonitor: true, dashboard: false });
        assert.equal(ofType(off, "kubernetes:core/v1:ConfigMap").filter((c) => c.name === "orders-dashboard").length, 0);
        assert.equal(ofType(await deploy({}), "kubernetes:core/v1:ConfigMap").filter((c) => c.name === "orders-dashboard").length, 0, "off without a ServiceMonitor");
    });

    it("is refused without a ServiceMonitor", async () => {
        assert.deepEqual(problems(await deploy({ dashboard: true })), [
            'dashboard: expected false or unset unless serviceMonitor is true (its queries read the series the ServiceMonitor scrapes), got true',
        ]);
    });
});

describe("stacks", () => {
    it("local: ServiceMonitor, tracing to Jaeger sampling everything, SLO rules and the dashboard; no delivery without a webhook", async () => {
        const run = await runProgram("local", readStackConfig("local"));
        assert.equal(run.error, undefined, run.error?.message);
        const env = envOf(run);
        assert.deepEqual([env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_TRACES_SAMPLER_ARG], ["http://jaeger.monitoring.svc:4318", "1"]);
        assert.equal(ofType(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").length, 1);
        const alerts = single(run, PROMETHEUS_RULE).inputs.spec.groups[1].rules;
        assert.equal(alerts[0].expr, 'goship:http_request_duration_seconds:p99_rate2m{job="goship",namespace="goship"} > 0.8');
        assert.equal(alerts[0].for, "3m");
        assert.equal(ofType(run, ALERTMANAGER_CONFIG).length, 0);
        assert.ok(ofType(run, "kubernetes:core/v1:ConfigMap").some((c) => c.name === "goship-dashboard"));
    });

    it("the policy pack passes every stack with its SLO objects", async () => {
        for (const stack of ["local", "dev", "prod"]) {
            const run = await runProgram(stack, readStackConfig(stack, stack === "local" ? {} : { secretEnv: secretValue({ A: "b" }) }));
            assert.equal(run.error, undefined, `${stack}: ${run.error?.message}`);
            assert.equal(ofType(run, PROMETHEUS_RULE).length, 1, stack);
            const resources = run.resources.map((resource) => ({ type: resource.type, props: resource.inputs, name: resource.name }));
            assert.deepEqual(policyNames(runPolicies(resources)), [], stack);
        }
    });
});
