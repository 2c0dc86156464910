// The local cluster's KEDA (scripts/cluster/addons.sh) reconciles ScaledObjects for real: a cron trigger scales a
// Deployment 1 → 2 for its window and back, a cpu trigger becomes an HPA on resource metrics, and a trigger type the
// trimmed build leaves out fails with a message naming the built ones. Namespace keda-operator-test, deleted after.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { kubectl, kubectlJson, requireCluster, waitFor } from "../helpers/cluster";
import { PROJECT_DIR } from "../helpers/stack-config";

const NS = "keda-operator-test";
const MINUTE = 60_000;

/** A Deployment of the pause image (imported by up.sh), with requests so the cpu trigger has a utilisation. */
const target = (name: string) => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: NS },
    spec: {
        replicas: 1, selector: { matchLabels: { app: name } },
        template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "pause", image: "registry.k8s.io/pause:3.9", imagePullPolicy: "Never", resources: { requests: { cpu: "5m", memory: "8Mi" } } }] },
        },
    },
});
const scaledObject = (name: string, spec: object) => ({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name, namespace: NS }, spec: { scaleTargetRef: { name }, ...spec } });
function applyAll(objects: object[]): void {
    const result = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "cluster", "kubectl.sh"), "apply", "-f", "-"],
        { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }), encoding: "utf8" });
    assert.equal(result.status, 0, `kubectl apply: ${result.stderr}`);
}

const condition = (kind: string, name: string, type: string): { status?: string; message?: string } =>
    (kubectlJson(["-n", NS, "get", kind, name]).status?.conditions ?? []).find((c: { type: string }) => c.type === type) ?? {};
const readyReplicas = (name: string): number => kubectlJson(["-n", NS, "get", "deployment", name]).status?.readyReplicas ?? 0;
/** "MM HH" of now + minutes, UTC: a cron schedule's first two fields. */
const cronAt = (minutes: number): string => {
    const at = new Date(Date.now() + minutes * MINUTE);
    return `${at.getUTCMinutes()} ${at.getUTCHours()}`;
};

describe("KEDA operator on the local cluster", () => {
    before(() => {
        requireCluster();
        kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=true"]);
        kubectl(["create", "namespace", NS]);
    });
    after(() => kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=false"], { allowFailure: true }));

    it("runs the operator, metrics API server and webhooks, and serves external.metrics.k8s.io", () => {
        for (const name of ["keda-operator", "keda-metrics-apiserver", "keda-admission"]) {
            const available = (kubectlJson(["-n", "keda", "get", "deployment", name]).status?.conditions ?? []).find((c: { type: string }) => c.type === "Available");
            assert.equal(available?.status, "True", `deployment keda/${name} Available (kubectl -n keda describe deploy ${name})`);
        }
        const service = kubectlJson(["get", "apiservice", "v1beta1.external.metrics.k8s.io"]);
        assert.equal(service.status.conditions.find((c: { type: string }) => c.type === "Available")?.status, "True");
        assert.ok(service.spec.caBundle, "the operator's certificate rotation wrote the CA into the APIService");
    });

    it("cron: Ready, its HPA keda-hpa-cron, 2 replicas during the window and 1 after it", async () => {
        // The window opens at the next minute boundary at least 30 s away, and lasts two minutes.
        const lead = new Date().getUTCSeconds() < 30 ? 1 : 2;
        applyAll([target("cron"), scaledObject("cron", {
            minReplicaCount: 1, maxReplicaCount: 2, pollingInterval: 5,
            advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } } },
            triggers: [{ type: "cron", metadata: { timezone: "Etc/UTC", start: `${cronAt(lead)} * * *`, end: `${cronAt(lead + 2)} * * *`, desiredReplicas: "2" } }],
        })]);
        await waitFor("ScaledObject cron Ready=True", MINUTE, () => (condition("scaledobject", "cron", "Ready").status === "True" ? true : undefined));
        const hpa = await waitFor("HPA keda-hpa-cron", MINUTE, () => {
            const found = kubectl(["-n", NS, "get", "hpa", "keda-hpa-cron", "-o", "json"], { allowFailure: true });
            return found.code === 0 ? JSON.parse(found.stdout) : undefined;
        });
        assert.equal(hpa.spec.metrics[0].type, "External", "KEDA's HPA reads the cron scaler through external.metrics.k8s.io");
        await waitFor("2 ready replicas in the cron window", (lead + 1.5) * MINUTE, () => (readyReplicas("cron") === 2 ? true : undefined), 2000);
        await waitFor("1 replica after the cron window", 3 * MINUTE, () => {
            const replicas = kubectlJson(["-n", NS, "get", "deployment", "cron"]).spec.replicas;
            return replicas === 1 ? true : undefined;
        }, 2000);
    });

    it("cpu: Ready, and its HPA scales on the pods' CPU from metrics.k8s.io", async () => {
        applyAll([target("cpu"), scaledObject("cpu", {
            minReplicaCount: 1, maxReplicaCount: 3,
            triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "50" } }],
        })]);
        await waitFor("ScaledObject cpu Ready=True", MINUTE, () => (condition("scaledobject", "cpu", "Ready").status === "True" ? true : undefined));
        const hpa = await waitFor("HPA keda-hpa-cpu computing a CPU utilisation", 2 * MINUTE, () => {
            const found = kubectl(["-n", NS, "get", "hpa", "keda-hpa-cpu", "-o", "json"], { allowFailure: true });
            if (found.code !== 0) return undefined;
            const parsed = JSON.parse(found.stdout);
            return parsed.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization !== undefined ? parsed : undefined;
        }, 2000);
        assert.equal(hpa.spec.metrics[0].resource.name, "cpu");
        assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 50);
        assert.equal(hpa.status.desiredReplicas, 1, "an idle pause container stays at the minimum");
    });

    it("a trigger type the trimmed build leaves out: Ready=False, naming the built types", async () => {
        applyAll([target("rabbit"), scaledObject("rabbit", {
            triggers: [{ type: "rabbitmq", metadata: { host: "amqp://nowhere.invalid", queueName: "q", mode: "QueueLength", value: "5" } }],
        })]);
        await waitFor("ScaledObject rabbit Ready=False", MINUTE, () => (condition("scaledobject", "rabbit", "Ready").status === "False" ? true : undefined));
        // The operator records the scaler's error as an event on the ScaledObject (the condition has a summary).
        const message = await waitFor("a KEDAScalerFailed event on ScaledObject rabbit", MINUTE, () => {
            const events = kubectlJson(["-n", NS, "get", "events", "--field-selector", "involvedObject.kind=ScaledObject,involvedObject.name=rabbit"]).items;
            return events.map((e: { message: string }) => e.message).find((m: string) => m.includes("no scaler found"));
        });
        assert.match(message, /no scaler found for type: rabbitmq \(this KEDA is goship's trimmed build, with the trigger types cpu, cron, kafka, memory, prometheus only/);
    });
});
