// examples/platform-two-services under Pulumi mocks: a program written against the `goship` package (resolved to
// the sources, as its tsconfig does for the type-check) with the platform stack's outputs from a StackReference.
import * as assert from "node:assert/strict";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { IMAGE_BUILD, ProgramRun, ofType, runProgram } from "../helpers/mocks";
import { aliasPackage, tsconfigPath } from "../helpers/package-alias";
import { runPolicies } from "../helpers/policy-harness";
import { PROJECT_DIR } from "../helpers/stack-config";

const EXAMPLE_DIR = path.join(PROJECT_DIR, "examples", "platform-two-services");
const PROJECT = "platform-two-services";
const PLATFORM_STACK = "organization/platform/dev";
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";

describe("examples/platform-two-services under mocks", () => {
    let run: ProgramRun;
    let unalias: () => void;

    before(async () => {
        unalias = aliasPackage("goship", tsconfigPath(path.join(EXAMPLE_DIR, "tsconfig.json"), "goship"));
        run = await runProgram("dev", { config: { [`${PROJECT}:platformStack`]: PLATFORM_STACK, [`${PROJECT}:databaseSecrets`]: JSON.stringify({ orders: "orders-database", payments: "payments-database" }) }, secretKeys: [] }, {
            entry: path.join(EXAMPLE_DIR, "index.ts"),
            project: PROJECT,
            stackReferences: {
                [PLATFORM_STACK]: {
                    outputs: {
                        kubeconfig: KUBECONFIG,
                        registryServer: "registry.platform.example.com",
                        registryUsername: "robot$shop",
                        registryPassword: "platform-robot-token",
                    },
                    secretOutputNames: ["kubeconfig", "registryPassword"],
                },
            },
        });
        assert.equal(run.error, undefined, `program failed: ${run.error?.stack}`);
    });

    after(() => unalias?.());

    it("keeps each service's users in the platform's database: DATABASE_URL from its Secret, migrations in a Job first", () => {
        for (const name of ["orders", "payments"]) {
            const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === `${name}-deployment`)!;
            const env = deployment.inputs.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
            assert.deepEqual(env.find((entry) => entry.name === "USERS_STORE"), { name: "USERS_STORE", value: "postgres" });
            assert.deepEqual(env.find((entry) => entry.name === "DATABASE_URL")?.valueFrom, { secretKeyRef: { name: `${name}-database`, key: "DATABASE_URL" } });
            const job = run.resources.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === `${name}-migrate`)!;
            assert.match(job.inputs.metadata.name, new RegExp(`^${name}-migrate-[0-9a-f]{10}$`));
            assert.deepEqual(job.inputs.spec.template.spec.containers[0].args, ["migrate"]);
        }
    });

    it("reads the platform stack named in its config", () => {
        const references = ofType(run, "pulumi:pulumi:StackReference");
        assert.deepEqual(references.map((reference) => reference.inputs.name), [PLATFORM_STACK]);
    });

    it("deploys to the platform's cluster: one provider from its kubeconfig, kept secret, used by every object", () => {
        const providers = ofType(run, "pulumi:providers:kubernetes");
        assert.equal(providers.length, 1);
        assert.equal(providers[0].inputs.kubeconfig, KUBECONFIG);
        assert.ok(providers[0].secretPaths.includes("kubeconfig"), "kubeconfig is a secret Output");
        const objects = run.resources.filter((resource) => resource.type.startsWith("kubernetes:"));
        assert.ok(objects.length > 10);
        for (const object of objects) {
            assert.ok(object.provider?.startsWith(providers[0].urn), `${object.type} ${object.name} uses the platform's cluster`);
        }
    });

    it("builds two images into one registry, a repository each, with the platform's robot account", () => {
        const images = ofType(run, IMAGE_BUILD);
        assert.deepEqual(images.map((image) => image.inputs.repository).sort(), [
            "registry.platform.example.com/shop/orders",
            "registry.platform.example.com/shop/payments",
        ]);
        for (const image of images) {
            assert.equal(image.inputs.server, "registry.platform.example.com");
            assert.equal(image.inputs.username, "robot$shop");
            assert.equal(image.inputs.password, "platform-robot-token");
            assert.ok(image.secretPaths.includes("password"), "the robot token stays secret");
        }
        assert.notEqual(images[0].inputs.tag, images[1].inputs.tag, "the repository is part of each image's identity");
    });

    it("runs both services in one restricted namespace that it creates once", () => {
        const namespaces = ofType(run, "kubernetes:core/v1:Namespace");
        assert.equal(namespaces.length, 1);
        assert.equal(namespaces[0].inputs.metadata.name, "shop");
        assert.equal(namespaces[0].inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const deployments = ofType(run, "kubernetes:apps/v1:Deployment");
        assert.deepEqual(deployments.map((deployment) => [deployment.inputs.metadata.name, deployment.inputs.metadata.namespace]).sort(), [
            ["orders", "shop"],
            ["payments", "shop"],
        ]);
        for (const deployment of deployments) {
            assert.match(deployment.inputs.spec.template.spec.containers[0].image, /^registry\.platform\.example\.com\/shop\/[a-z]+@sha256:[0-9a-f]{64}$/);
        }
    });

    it("makes each service production-ready: HPA from 2 pods, a PDB, TLS at <service>.<domain>", () => {
        assert.deepEqual(ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((hpa) => [hpa.inputs.spec.scaleTargetRef.name, hpa.inputs.spec.minReplicas]).sort(), [
            ["orders", 2],
            ["payments", 2],
        ]);
        assert.equal(ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").length, 2);
        assert.deepEqual(run.outputs.urls, { orders: "https://orders.shop.example.com/", payments: "https://payments.shop.example.com/" });
        assert.deepEqual(run.outputs.deployments, { orders: "orders", payments: "payments" });
        assert.equal(run.outputs.namespace, "shop");
    });

    it("passes every policy of the pack, production rules included", () => {
        const resources = run.resources.map((resource) => ({ type: resource.type, props: resource.inputs, name: resource.name, urn: resource.urn }));
        assert.deepEqual(runPolicies(resources), []);
        const withoutBudgets = resources.filter((resource) => resource.type !== "kubernetes:policy/v1:PodDisruptionBudget");
        assert.deepEqual([...new Set(runPolicies(withoutBudgets).map((violation) => violation.policy))], ["production-pod-disruption-budget"],
            "the services are marked production, so the pack holds them to it");
    });
});
