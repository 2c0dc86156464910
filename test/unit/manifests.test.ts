// What kube-linter, kube-score and checkov asked of the rendered manifests, both through the components and the stack
// config: a PDB that lets not-Ready pods be evicted, ephemeral-storage requests and limits (configurable, with
// defaults), an optional egress allow-list in the NetworkPolicy, and no database password in rendered files (checkov's
// secret scan found DATABASE_URL's credentials in them), and every selector and reference resolving to an object of
// the stack (kube-linter's dangling-* and non-existent-* checks, which could not be run here: its module is not served).
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { Database } from "../../components/database";
import { createKubernetesProvider } from "../../components/kubernetes-provider";
import { WebService, WebServiceArgs } from "../../components/web-service";
import { ProgramRun, runProgram, single } from "../helpers/mocks";
import { TEST_DATABASE_PASSWORD, readStackConfig, secretValue, toEngineConfig } from "../helpers/stack-config";

const IMAGE = `registry.example.com/team/orders@sha256:${"c".repeat(64)}`;
const BASE = { registryServer: "registry.example.com", registryUsername: "robot", registryPassword: secretValue("t"), kubeContext: "test" };

function component(args: Omit<WebServiceArgs, "provider" | "image">): Promise<ProgramRun> {
    return runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => void new WebService("orders", { ...args, provider: new k8s.Provider("cluster", {}), image: IMAGE }),
    });
}
const container = (run: ProgramRun) => single(run, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
const selects = (selector: Selector | undefined, labels: Record<string, string>) => selector !== undefined &&
    Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every((e) => e.operator === "In" ? (e.values ?? []).includes(labels[e.key]) : e.operator === "Exists" ? e.key in labels : false);

/** What does not resolve among the stack's objects: selectors that select no pod, references to objects or keys not rendered. */
function danglingReferences(run: ProgramRun): string[] {
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r): Record<string, any> => ({ ...r.inputs, kind: r.type.split(":")[2] }));
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
    const hasKey = (kind: string, name: string, key: string) => key in { ...named(kind, name)?.data, ...named(kind, name)?.stringData };
    const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind));
    const pods: { name: string; labels: Record<string, string>; spec: any }[] = workloads.map((w) => ({ name: w.metadata.name, labels: w.spec.template.metadata.labels, spec: w.spec.template.spec }));
    // Flagger's primary: the target's pods with its selector label (app.kubernetes.io/name) suffixed -primary.
    for (const canary of objects.filter((o) => o.kind === "Canary")) {
        const target = pods.find((p) => p.name === canary.spec.targetRef.name)!;
        pods.push({ ...target, name: `${target.name}-primary`, labels: { ...target.labels, "app.kubernetes.io/name": `${target.labels["app.kubernetes.io/name"]}-primary` } });
    }
    const none = (selector: Selector | undefined) => !pods.some((pod) => selects(selector, pod.labels));
    const found: string[] = [];
    for (const o of objects) {
        const what = `${o.kind} ${o.metadata?.name}`;
        if (o.kind === "Service" && o.spec.selector && none({ matchLabels: o.spec.selector })) found.push(`${what} selects no pod`);
        if (o.kind === "PodDisruptionBudget" && none(o.spec.selector)) found.push(`${what} selects no pod`);
        if (o.kind === "NetworkPolicy") {
            if (none(o.spec.podSelector)) found.push(`${what} selects no pod`);
            for (const peer of (o.spec.ingress ?? []).flatMap((rule: any) => rule.from ?? [])) {
                if (peer.podSelector && !peer.namespaceSelector && none(peer.podSelector)) found.push(`${what} admits pods that do not exist: ${JSON.stringify(peer.podSelector)}`);
            }
        }
        if (["HorizontalPodAutoscaler", "ScaledObject", "Canary"].includes(o.kind)) {
            const target = o.spec.scaleTargetRef ?? o.spec.targetRef;
            if (!named(target.kind, target.name)) found.push(`${what} targets ${target.kind} ${target.name}, not rendered`);
        }
        if (o.kind === "ScaledObject") {
            for (const ref of (o.spec.triggers ?? []).map((t: any) => t.authenticationRef?.name).filter(Boolean)) {
                if (!named("TriggerAuthentication", ref)) found.push(`${what} authenticates with TriggerAuthentication ${ref}, not rendered`);
            }
        }
        if (o.kind === "TriggerAuthentication") {
            for (const ref of o.spec.secretTargetRef ?? []) {
                if (!hasKey("Secret", ref.name, ref.key)) found.push(`${what} reads ${ref.name}/${ref.key}, not rendered`);
            }
        }
        if (o.kind === "Canary") {
            for (const ref of (o.spec.analysis.metrics ?? []).map((m: any) => m.templateRef?.name).filter(Boolean)) {
                if (!named("MetricTemplate", ref)) found.push(`${what} uses MetricTemplate ${ref}, not rendered`);
            }
        }
    }
    for (const pod of workloads.map((w) => ({ name: w.metadata.name, spec: w.spec.template.spec }))) {
        if (pod.spec.serviceAccountName && !named("ServiceAccount", pod.spec.serviceAccountName)) found.push(`${pod.name}: ServiceAccount ${pod.spec.serviceAccountName} not rendered`);
        for (const ref of pod.spec.imagePullSecrets ?? []) {
            if (!named("Secret", ref.name)) found.push(`${pod.name}: pull Secret ${ref.name} not rendered`);
        }
        for (const volume of pod.spec.volumes ?? []) {
            if (volume.secret && !named("Secret", volume.secret.secretName)) found.push(`${pod.name}: volume of Secret ${volume.secret.secretName}, not rendered`);
            if (volume.configMap && !named("ConfigMap", volume.configMap.name)) found.push(`${pod.name}: volume of ConfigMap ${volume.configMap.name}, not rendered`);
        }
        for (const container of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
            for (const env of container.env ?? []) {
                const secret = env.valueFrom?.secretKeyRef;
                const configMap = env.valueFrom?.configMapKeyRef;
                if (secret && !hasKey("Secret", secret.name, secret.key)) found.push(`${pod.name}/${container.name}: ${env.name} from ${secret.name}/${secret.key}, not rendered`);
                if (configMap && !hasKey("ConfigMap", configMap.name, configMap.key)) found.push(`${pod.name}/${container.name}: ${env.name} from ${configMap.name}/${configMap.key}, not rendered`);
            }
            for (const from of container.envFrom ?? []) {
                const ref = from.secretRef ? ["Secret", from.secretRef.name] : ["ConfigMap", from.configMapRef.name];
                if (!named(ref[0], ref[1])) found.push(`${pod.name}/${container.name}: envFrom ${ref.join(" ")}, not rendered`);
            }
            const ports = (container.ports ?? []).flatMap((p: any) => [p.name, p.containerPort]);
            for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
                const port = container[probe]?.httpGet?.port;
                if (port !== undefined && !ports.includes(port)) found.push(`${pod.name}/${container.name}: ${probe} on port ${port}, not declared`);
            }
        }
    }
    return found;
}

const netpol = (run: ProgramRun) => run.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.name.endsWith("-netpol") && !r.name.includes("-migrate") && !r.name.includes("-db"))!.inputs.spec;

describe("manifests as external linters judge them", () => {
    it("the PDB lets pods that are not Ready be evicted (a stuck pod never blocks a drain)", async () => {
        for (const run of [await component({}), await runProgram("dev", readStackConfig("dev"))]) {
            assert.equal(run.error, undefined, run.error?.message);
            const pdb = single(run, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec;
            assert.deepEqual([pdb.maxUnavailable, pdb.unhealthyPodEvictionPolicy], [1, "AlwaysAllow"]);
        }
    });

    it("ephemeral storage is requested and limited, by default and as configured", async () => {
        const byDefault = container(await component({}));
        assert.equal(byDefault.resources.requests["ephemeral-storage"], "64Mi");
        assert.equal(byDefault.resources.limits["ephemeral-storage"], "256Mi");
        const direct = container(await component({ resources: { ephemeralStorageRequest: "100Mi", ephemeralStorageLimit: "1Gi" } }));
        const configured = container(await runProgram("test", toEngineConfig({ ...BASE, ephemeralStorageRequest: "100Mi", ephemeralStorageLimit: "1Gi" })));
        for (const resources of [direct.resources, configured.resources]) {
            assert.deepEqual([resources.requests["ephemeral-storage"], resources.limits["ephemeral-storage"]], ["100Mi", "1Gi"]);
        }
    });

    it("an ephemeral-storage limit below /tmp's size, or below the request, is refused", async () => {
        const direct = await component({ resources: { ephemeralStorageRequest: "128Mi", ephemeralStorageLimit: "32Mi" } });
        assert.match(direct.error?.message ?? "", /resources\.ephemeralStorageRequest: expected at most resources\.ephemeralStorageLimit \(32Mi\), got "128Mi"/);
        assert.match(direct.error?.message ?? "", /resources\.ephemeralStorageLimit: expected at least 64Mi \(\/tmp alone may hold that much/);
        const configured = await runProgram("test", toEngineConfig({ ...BASE, ephemeralStorageLimit: "32Mi" }));
        assert.match(configured.error?.message ?? "", /ephemeralStorageRequest: expected at most ephemeralStorageLimit \(32Mi\), got "64Mi"/);
    });

    it("without an egress allow-list, egress is not restricted", async () => {
        const spec = netpol(await component({}));
        assert.deepEqual(spec.policyTypes, ["Ingress"]);
        assert.equal(spec.egress, undefined);
    });

    it("with one, egress is denied but for DNS and the listed destinations", async () => {
        const egress = [{ cidrs: ["10.20.0.0/16"], ports: [5432] }, { namespaces: ["kafka"] }];
        const expected = [
            { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
            { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] },
            { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kafka" } } }] },
        ];
        for (const run of [await component({ networkPolicy: { egress } }), await runProgram("test", toEngineConfig({ ...BASE, networkPolicyEgress: egress }))]) {
            assert.equal(run.error, undefined, run.error?.message);
            assert.deepEqual(netpol(run).policyTypes, ["Ingress", "Egress"]);
            assert.deepEqual(netpol(run).egress, expected);
        }
    });

    it("an egress rule that allows nothing, or a CIDR that is not one, is refused", async () => {
        const run = await component({ networkPolicy: { egress: [{ ports: [443] }, { cidrs: ["10.0.0.0/40"] }] } });
        assert.match(run.error?.message ?? "", /networkPolicy\.egress\[0\]: expected cidrs or namespaces to allow, got neither/);
        assert.match(run.error?.message ?? "", /networkPolicy\.egress\[1\]\.cidrs\[0\]: expected a CIDR such as 10\.0\.0\.0\/16, got "10\.0\.0\.0\/40"/);
    });

    it("a Database is refused a provider that renders manifests: its Secrets would hold the password in plaintext files", async () => {
        const expected = "a provider that applies manifests (the database password is in its Secrets, which rendering writes to files in plaintext), " +
            'got one that renders to "/tmp/goship-render"';
        for (const args of [
            { provider: "kubernetes" as const, image: IMAGE },
            { provider: "aws" as const, vpcId: "vpc-0d0e0f0a0b0c0d0e0", subnetIds: ["subnet-0a1b2c3d4e5f60708", "subnet-0b1c2d3e4f5a60718"], allowedCidrs: ["10.20.0.0/16"] },
        ]) {
            const direct = await runProgram("test", { config: {}, secretKeys: [] }, {
                program: () => void new Database("orders-db", {
                    ...args, kubernetesProvider: createKubernetesProvider("cluster", { renderYamlTo: "/tmp/goship-render" }), namespace: "goship", password: TEST_DATABASE_PASSWORD,
                }),
            });
            assert.ok(direct.error?.message.includes(`kubernetesProvider: expected ${expected}`), direct.error?.message);
            assert.deepEqual(direct.resources.filter((r) => r.type !== "pulumi:providers:kubernetes"), [], "nothing is registered");
        }
        for (const stack of ["local", "dev"]) {
            const run = await runProgram(stack, readStackConfig(stack, {
                "goship:renderYamlTo": "/tmp/goship-render", "goship:kubeContext": undefined, "goship:imagePullSecret": "false",
                "goship:kafka": undefined, "goship:kafkaPassword": undefined, "goship:worker": undefined,
            }));
            assert.match(run.error?.message ?? "", /invalid stack configuration \(1 problem\)/);
            assert.ok(run.error?.message.includes(`renderYamlTo: expected ${expected}`), run.error?.message);
        }
        const applied = await runProgram("test", { config: {}, secretKeys: [] }, {
            program: () => void new Database("orders-db", { provider: "kubernetes", image: IMAGE, kubernetesProvider: new k8s.Provider("cluster", {}), namespace: "goship", password: TEST_DATABASE_PASSWORD }),
        });
        assert.equal(applied.error, undefined, applied.error?.message);
    });

    it("every selector selects a pod of the stack and every reference names a rendered object (and key)", async () => {
        const kafka = {
            kafka: { bootstrapServers: "kafka-0.kafka:9092", topic: "orders", partitions: 6, mechanism: "SCRAM-SHA-256", username: "orders" },
            kafkaPassword: secretValue("kafka-password-0001"), worker: { maxReplicas: 6 },
        };
        const runs: Record<string, ProgramRun> = {
            local: await runProgram("local", readStackConfig("local")),
            dev: await runProgram("dev", readStackConfig("dev")),
            prod: await runProgram("prod", readStackConfig("prod")),
            "local, canary on the Gateway API": await runProgram("local", readStackConfig("local", {
                "goship:delivery": { kind: "canary", gateway: { name: "goship", namespace: "traefik" } }, "goship:ingressClassName": undefined,
            })),
            "canary on NGINX with a worker": await runProgram("test", toEngineConfig({
                ...BASE, ...kafka, autoscaling: "hpa", serviceMonitor: "true", ingressHost: "orders.example.com", delivery: { kind: "canary", router: "nginx" },
            })),
        };
        for (const [name, run] of Object.entries(runs)) {
            assert.equal(run.error, undefined, `${name}: ${run.error?.message}`);
            assert.deepEqual(danglingReferences(run), [], name);
        }
        // The check itself: a Service, a NetworkPolicy peer and a Secret key that match nothing are found.
        const local = runs.local.resources;
        const broken = { ...runs.local, resources: local.map((r) => {
            if (r.type === "kubernetes:core/v1:Service" && r.name.endsWith("-headless")) return { ...r, inputs: { ...r.inputs, spec: { ...r.inputs.spec, selector: { app: "gone" } } } };
            if (r.type === "kubernetes:core/v1:Secret" && r.name === "goship-worker-kafka") return { ...r, inputs: { ...r.inputs, stringData: {} } };
            return r;
        }) };
        const found = danglingReferences(broken);
        assert.ok(found.some((f) => /^Service goship-db-headless selects no pod$/.test(f)), found.join("\n"));
        assert.ok(found.some((f) => /^TriggerAuthentication .* reads goship-worker-kafka-[0-9a-f]+\/password, not rendered$/.test(f)), found.join("\n"));
    });
});
