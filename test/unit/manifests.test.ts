// What kube-linter, kube-score and checkov asked of the rendered manifests, both through the components and the stack
// config: a PDB that lets not-Ready pods be evicted, ephemeral-storage requests and limits (configurable, with
// defaults), an optional egress allow-list in the NetworkPolicy, and no database password in rendered files (checkov's
// secret scan found DATABASE_URL's credentials in them).
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
});
