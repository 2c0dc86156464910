// The local cluster's Flagger (scripts/cluster/addon.sh flagger, on demand) and Gateway API (addons.sh: CRDs,
// GatewayClass traefik, Gateway traefik/goship served by Traefik) work for real: the entry point installs Flagger and
// is a fast no-op the second time; an HTTPRoute of our own answers through http://127.0.0.1:8000 by its hostname; a
// Canary is initialized by Flagger (primary Deployment, Services, its HTTPRoute on the Gateway, the target scaled to
// 0) and a change of its pod template is promoted through the Gateway. Namespace flagger-operator-test, deleted after.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { ingressGet, kubectl, kubectlJson, requireCluster, waitFor } from "../helpers/cluster";
import { PROJECT_DIR } from "../helpers/stack-config";

const NS = "flagger-operator-test";
const MINUTE = 60_000;
const CLUSTER = path.join(PROJECT_DIR, "scripts", "cluster");
/** An image every cluster has (addons.sh imports it for local-path-provisioner); its busybox has httpd. */
const BUSYBOX_IMAGE = /^BUSYBOX_IMAGE=(\S+)$/m.exec(fs.readFileSync(path.join(CLUSTER, "lib.sh"), "utf8"))![1];
const GATEWAY = { name: "goship", namespace: "traefik" };

function addon(): { code: number; output: string; seconds: number } {
    const started = Date.now();
    const result = spawnSync("bash", [path.join(CLUSTER, "addon.sh"), "flagger"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { code: result.status ?? 1, output: `${result.stdout}\n${result.stderr}`, seconds: (Date.now() - started) / 1000 };
}
function applyAll(objects: object[]): void {
    const result = spawnSync("bash", [path.join(CLUSTER, "kubectl.sh"), "apply", "-f", "-"],
        { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }), encoding: "utf8" });
    assert.equal(result.status, 0, `kubectl apply: ${result.stderr}`);
}
const conditionOf = (object: any, type: string): string | undefined =>
    (object?.status?.conditions ?? []).find((c: { type: string }) => c.type === type)?.status;

/**
 * A Deployment answering every GET with `body` (busybox httpd, restricted security context). No replicas: the
 * default 1 to start with, and a Canary's target is scaled by Flagger, which a re-apply must not undo.
 */
const httpServer = (name: string, body: string) => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: NS, labels: { "app.kubernetes.io/name": name } },
    spec: {
        selector: { matchLabels: { app: name } },
        template: {
            metadata: { labels: { app: name, "app.kubernetes.io/name": name } },
            spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
                containers: [{
                    name: "http", image: BUSYBOX_IMAGE, imagePullPolicy: "Never",
                    command: ["/bin/busybox", "sh", "-c", 'mkdir -p /tmp/www && echo "$BODY" > /tmp/www/index.html && exec /bin/busybox httpd -f -p 8080 -h /tmp/www'],
                    env: [{ name: "BODY", value: body }],
                    ports: [{ name: "http", containerPort: 8080 }],
                    readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 2 },
                    resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { memory: "32Mi" } },
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                }],
            },
        },
    },
});

/** The JSON answer of Prometheus's instant query API to a one-shot pod (busybox wget, restricted) in `namespace`. */
function queryPrometheusFrom(namespace: string, query: string): any {
    const name = `prometheus-query-${Date.now()}`;
    const url = `http://prometheus.monitoring:9090/api/v1/query?query=${encodeURIComponent(query)}`;
    const overrides = {
        apiVersion: "v1",
        spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
                name, image: BUSYBOX_IMAGE, imagePullPolicy: "Never", command: ["/bin/busybox", "timeout", "10", "/bin/busybox", "wget", "-q", "-O", "-", url], // its wget -T crashes
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            }],
        },
    };
    const run = kubectl(["-n", namespace, "run", name, "--rm", "-i", "--quiet", "--restart=Never", `--image=${BUSYBOX_IMAGE}`,
        `--overrides=${JSON.stringify(overrides)}`, "--pod-running-timeout=60s"], { allowFailure: true });
    assert.equal(run.code, 0, `GET ${url} from namespace ${namespace}: ${run.stderr}${run.stdout}`);
    return JSON.parse(run.stdout);
}

/** GET / through the Ingress address with a Host header; undefined until it answers `expected`. */
async function answers(host: string, expected: string): Promise<true | undefined> {
    try {
        const { status, body } = await ingressGet("/", host);
        return status === 200 && body.trim() === expected ? true : undefined;
    } catch {
        return undefined;
    }
}

describe("Flagger and the Gateway API on the local cluster", () => {
    let first: ReturnType<typeof addon>;

    before(() => {
        requireCluster();
        kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=true"]);
        first = addon();
        assert.equal(first.code, 0, `scripts/cluster/addon.sh flagger failed:\n${first.output.slice(-4000)}`);
        console.log(`# figure: addon.sh flagger ${first.seconds.toFixed(1)} s (first run in this test)`);
        kubectl(["create", "namespace", NS]);
    });
    after(() => kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=false"], { allowFailure: true }));

    it("runs Flagger: Deployment Available, restricted, on the Gateway API and the cluster's Prometheus", () => {
        const deployment = kubectlJson(["-n", "flagger-system", "get", "deployment", "flagger"]);
        assert.equal(conditionOf(deployment, "Available"), "True", "deployment flagger-system/flagger Available (kubectl -n flagger-system describe deploy flagger)");
        const container = deployment.spec.template.spec.containers[0];
        for (const arg of ["-mesh-provider=gatewayapi:v1", "-metrics-server=http://prometheus.monitoring:9090", "-include-label-prefix=app.kubernetes.io"]) {
            assert.ok(container.args.includes(arg), `flagger runs with ${arg}`);
        }
        const namespace = kubectlJson(["get", "namespace", "flagger-system"]);
        assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("reaches the cluster's Prometheus: from its namespace, and in its own start-up check", () => {
        const answer = queryPrometheusFrom("flagger-system", "vector(1)");
        assert.equal(answer.status, "success", JSON.stringify(answer));
        assert.equal(answer.data.result[0]?.value?.[1], "1", JSON.stringify(answer));
        // Flagger checks once, at start; addon.sh restarts a Flagger that started before Prometheus (a restarted cluster).
        const logs = kubectl(["-n", "flagger-system", "logs", "deploy/flagger"]).stdout;
        assert.match(logs, /Connected to metrics server http:\/\/prometheus\.monitoring:9090/, `Flagger reached Prometheus at start:\n${logs.slice(-3000)}`);
    });

    it("has its CRDs Established: Canary, MetricTemplate, AlertProvider", () => {
        for (const crd of ["canaries.flagger.app", "metrictemplates.flagger.app", "alertproviders.flagger.app"]) {
            assert.equal(conditionOf(kubectlJson(["get", "crd", crd]), "Established"), "True", crd);
        }
    });

    it("a second run of the entry point builds and imports nothing, and changes nothing", () => {
        const second = addon();
        assert.equal(second.code, 0, second.output.slice(-4000));
        console.log(`# figure: addon.sh flagger ${second.seconds.toFixed(1)} s (already installed)`);
        assert.match(second.output, /flagger v[\d.]+ present/);
        assert.doesNotMatch(second.output, /==> build flagger|==> flagger image|imported goship\.local\/flagger/);
        assert.ok(second.seconds < 30, `a no-op run took ${second.seconds} s`);
    });

    it("serves Gateway traefik/goship: class and Gateway Accepted, Gateway Programmed with the ingress address", () => {
        // The statuses outlive the provider: a Traefik applied from an older manifests/traefik.yaml keeps them.
        const traefikArgs: string[] = kubectlJson(["-n", "traefik", "get", "deployment", "traefik"]).spec.template.spec.containers[0].args;
        assert.ok(traefikArgs.includes("--providers.kubernetesgateway=true"), "Traefik runs its Gateway API provider (re-run scripts/cluster/addons.sh)");
        assert.equal(conditionOf(kubectlJson(["get", "gatewayclass", "traefik"]), "Accepted"), "True", "GatewayClass traefik Accepted by Traefik");
        const gateway = kubectlJson(["-n", GATEWAY.namespace, "get", "gateway", GATEWAY.name]);
        assert.equal(conditionOf(gateway, "Accepted"), "True");
        assert.equal(conditionOf(gateway, "Programmed"), "True");
        assert.equal(gateway.status.addresses?.[0]?.value, "127.0.0.1");
        assert.equal(gateway.spec.listeners[0].port, 8000, "the listener is on Traefik's web entrypoint");
    });

    it("routes an HTTPRoute of another namespace through http://127.0.0.1:8000 by its hostname", async () => {
        const host = "route.flagger-operator-test.goship.test";
        applyAll([
            httpServer("plain", "plain-route"),
            { apiVersion: "v1", kind: "Service", metadata: { name: "plain", namespace: NS }, spec: { selector: { app: "plain" }, ports: [{ port: 80, targetPort: 8080 }] } },
            {
                apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "plain", namespace: NS },
                spec: { parentRefs: [GATEWAY], hostnames: [host], rules: [{ backendRefs: [{ name: "plain", port: 80 }] }] },
            },
        ]);
        const parent = await waitFor("HTTPRoute plain Accepted and its backend resolved", MINUTE, () => {
            const parent = kubectlJson(["-n", NS, "get", "httproute", "plain"]).status?.parents?.[0];
            return conditionOf({ status: parent }, "Accepted") === "True" && conditionOf({ status: parent }, "ResolvedRefs") === "True" ? parent : undefined;
        });
        assert.equal(parent.controllerName, "traefik.io/gateway-controller");
        kubectl(["-n", NS, "rollout", "status", "deploy/plain", "--timeout=60s"]);
        await waitFor(`GET http://127.0.0.1:8000/ with Host ${host} answered by the route's backend`, MINUTE, () => answers(host, "plain-route"));
        // Another host is not this route's (the local stack's Ingress, if deployed, catches every host).
        const other = await ingressGet("/", "unrouted.flagger-operator-test.goship.test");
        assert.notEqual(other.body.trim(), "plain-route", `a host the route does not name got its backend (status ${other.status})`);
    });

    it("initializes a Canary (primary, Services, HTTPRoute on the Gateway) and promotes a new pod template", async () => {
        const host = "canary.flagger-operator-test.goship.test";
        const canary = {
            apiVersion: "flagger.app/v1beta1", kind: "Canary", metadata: { name: "web", namespace: NS },
            spec: {
                targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
                service: { port: 80, targetPort: 8080, hosts: [host], gatewayRefs: [GATEWAY] },
                // No metrics: each step only needs the canary's pods Ready, so the promotion takes a few intervals.
                analysis: { interval: "10s", threshold: 2, maxWeight: 50, stepWeight: 50, metrics: [] },
            },
        };
        applyAll([httpServer("web", "web-v1"), canary]);
        const phase = (): string | undefined => kubectlJson(["-n", NS, "get", "canary", "web"]).status?.phase;
        await waitFor("Canary web Initialized", 3 * MINUTE, () => (phase() === "Initialized" ? true : undefined), 2000);
        assert.equal(kubectlJson(["-n", NS, "get", "deployment", "web-primary"]).status?.readyReplicas, 1, "Flagger's primary Deployment is Ready");
        assert.equal(kubectlJson(["-n", NS, "get", "deployment", "web"]).spec.replicas, 0, "the target is scaled to 0 once the primary serves");
        for (const service of ["web", "web-primary", "web-canary"]) kubectl(["-n", NS, "get", "service", service]);
        const route = kubectlJson(["-n", NS, "get", "httproute", "web"]);
        assert.deepEqual(route.spec.parentRefs.map((p: { name: string; namespace: string }) => ({ name: p.name, namespace: p.namespace })), [GATEWAY]);
        assert.deepEqual(route.spec.hostnames, [host]);
        await waitFor(`the primary answering through the Gateway (Host ${host})`, MINUTE, () => answers(host, "web-v1"));

        applyAll([httpServer("web", "web-v2")]);
        await waitFor("Canary web Progressing", 2 * MINUTE, () => (phase() === "Progressing" ? true : undefined), 2000);
        await waitFor("Canary web Succeeded", 4 * MINUTE, () => (phase() === "Succeeded" ? true : undefined), 2000);
        await waitFor(`the promoted primary answering web-v2 through the Gateway`, MINUTE, () => answers(host, "web-v2"));
    });
});
