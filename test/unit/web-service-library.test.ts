// WebService used directly, as a platform team's program does (no stack config in between): production checked at
// construction and marked for the policy pack, a namespace from another resource, and what the pack still catches.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { PRODUCTION_ANNOTATION } from "../../components/defaults";
import { WebService, WebServiceArgs } from "../../components/web-service";
import { ProgramRun, ofType, runProgram, single } from "../helpers/mocks";
import { policyNames, runPolicies } from "../helpers/policy-harness";

const IMAGE = `registry.example.com/team/orders@sha256:${"c".repeat(64)}`;
const TLS_INGRESS: WebServiceArgs["ingress"] = {
    host: "orders.example.com", path: "/", pathType: "Prefix", annotations: {}, skipAwait: false, tls: { secretName: "orders-tls" },
};

function deploy(args: Omit<WebServiceArgs, "provider">, extra?: (provider: k8s.Provider) => Partial<WebServiceArgs>): Promise<ProgramRun> {
    return runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => {
            const provider = new k8s.Provider("cluster", {});
            new WebService("orders", { provider, ...args, ...extra?.(provider) });
        },
    });
}

describe("WebService as a library", () => {
    it("refuses a production service without 2 guaranteed pods, TLS and a database, naming all three", async () => {
        const run = await deploy({ image: IMAGE, production: true, autoscaling: { kind: "none", replicas: 1 }, ingress: { ...TLS_INGRESS!, tls: undefined } });
        assert.equal(
            run.error?.message,
            "WebService orders: invalid arguments (3 problems):\n" +
            "  - autoscaling.replicas: expected at least 2 guaranteed pods on a production service, got 1\n" +
            "  - ingress.tls: expected TLS on the Ingress of a production service (a Secret or a cert-manager issuer), got none\n" +
            "  - database: expected a database on a production service (without one its users live in each pod's memory and are lost on restart), got nothing",
        );
        assert.equal(run.resources.length, 1, "only the test's own provider: not even the component is registered");
        assert.equal(ofType(run, "kubernetes:apps/v1:Deployment").length, 0, "nothing is created");
    });

    it("refuses an unknown resources field or a resources that is not a map, which would otherwise leave the defaults", async () => {
        const typo = await deploy({ image: IMAGE, resources: { memory: "256Mi" } as never });
        assert.equal(typo.error?.message, "WebService orders: invalid arguments (1 problem):\n" +
            "  - resources.memory: expected a field of resources: cpuRequest, cpuLimit, memoryRequest, memoryLimit, ephemeralStorageRequest, " +
            "ephemeralStorageLimit, got an unknown field");
        const shape = await deploy({ image: IMAGE, resources: "small" as never });
        assert.match(shape.error!.message, /\n {2}- resources: expected resources, got "small"/);
    });

    it("refuses unknown shutdown and rollout fields, which would otherwise leave the defaults", async () => {
        const run = await deploy({ image: IMAGE, shutdown: { drainSeconds: 5 } as never, rollout: { timeoutSecond: 300 } as never });
        assert.equal(run.error?.message, "WebService orders: invalid arguments (2 problems):\n" +
            "  - shutdown.drainSeconds: expected a field of shutdown settings: preStopSleepSeconds, drainDelaySeconds, shutdownTimeoutSeconds, got an unknown field\n" +
            "  - rollout.timeoutSecond: expected a field of rollout settings (did you mean timeoutSeconds?): revisionHistoryLimit, maxSurge, maxUnavailable, timeoutSeconds, got an unknown field");
    });

    it("marks a production Deployment (not its pods) for the policy pack, which then passes it", async () => {
        const run = await deploy({ image: IMAGE, production: true, autoscaling: { kind: "none", replicas: 2 }, ingress: TLS_INGRESS, database: { connectionSecret: { name: "orders-database", key: "DATABASE_URL" } } });
        assert.equal(run.error, undefined);
        const deployment = single(run, "kubernetes:apps/v1:Deployment").inputs;
        assert.equal(deployment.metadata.annotations[PRODUCTION_ANNOTATION], "true");
        assert.equal(deployment.spec.template.metadata.annotations[PRODUCTION_ANNOTATION], undefined, "no rollout for the marker");
        const resources = run.resources.map((resource) => ({ type: resource.type, props: resource.inputs, name: resource.name }));
        assert.deepEqual(runPolicies(resources), []);
    });

    it("does not mark a service that is not production", async () => {
        const run = await deploy({ image: IMAGE, autoscaling: { kind: "none", replicas: 1 } });
        assert.equal(single(run, "kubernetes:apps/v1:Deployment").inputs.metadata.annotations[PRODUCTION_ANNOTATION], undefined);
    });

    it("runs in another resource's namespace, given as an output, without creating one", async () => {
        const run = await deploy({ image: IMAGE, createNamespace: false }, (provider) => ({
            namespace: new k8s.core.v1.Namespace("shop", { metadata: { name: "shop" } }, { provider }).metadata.name,
        }));
        assert.equal(run.error, undefined);
        assert.deepEqual(ofType(run, "kubernetes:core/v1:Namespace").map((namespace) => namespace.name), ["shop"], "only the caller's Namespace");
        for (const object of run.resources.filter((resource) => resource.type.startsWith("kubernetes:") && resource.type !== "kubernetes:core/v1:Namespace")) {
            assert.equal(object.inputs.metadata.namespace, "shop", `${object.type} in the given namespace`);
        }
    });

    it("refuses to create a namespace whose name is an output", async () => {
        const run = await deploy({ image: IMAGE }, (provider) => ({
            namespace: new k8s.core.v1.Namespace("shop", { metadata: { name: "shop" } }, { provider }).metadata.name,
        }));
        assert.match(run.error?.message ?? "", /namespace: expected a name to create \(or createNamespace false to use another resource's namespace\), got an Output/);
    });

    it("leaves a tag-only image to the policy pack, which fails it", async () => {
        const run = await deploy({ image: "registry.example.com/team/orders:1.2.0" });
        const resources = run.resources.map((resource) => ({ type: resource.type, props: resource.inputs, name: resource.name }));
        assert.deepEqual(policyNames(runPolicies(resources)), ["image-pinned-by-digest"]);
    });
});
