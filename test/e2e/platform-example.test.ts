// examples/platform-two-services for real: its own stack next to the local stack, reading the local stack's outputs
// (the registry and its login) through a StackReference, two services built, pushed and deployed into one namespace
// of the local cluster, both answering through the Ingress; then destroyed. The example resolves `goship` to the
// package `npm run build` makes, installed into it as a platform team would. Needs `npm run up` first, and fails
// loudly without it.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { after, before, describe, it } from "node:test";
import { ingressGet, kubectl, kubectlJson, readyPods, requireCluster, waitFor } from "../helpers/cluster";
import { ProjectCopy, registryDigest } from "../helpers/real-engine";

const runId = `${Date.now().toString(36)}${process.pid}`;
const EXAMPLE = "examples/platform-two-services";
/** The local stack of this run: its own namespace and host, next to the user's `npm run up` deployment. */
const LOCAL_NAMESPACE = `goship-e2e-platform-${runId}`;
const SHOP = `shop-e2e-${runId}`;
const DOMAIN = `${runId}.goship.test`;
const SERVICES = ["orders", "payments"];
const PONG = '{"message":"pong"}';

describe("examples/platform-two-services on the local cluster, through a StackReference to the local stack", () => {
    let project: ProjectCopy;
    const example = (args: string[], options: { allowFailure?: boolean } = {}) =>
        project.pulumi([...args, "--cwd", EXAMPLE, "--stack", "e2e"], options);
    const timed = <T>(run: () => T): T & { seconds: number } => {
        const started = Date.now();
        const result = run();
        return { ...result, seconds: (Date.now() - started) / 1000 };
    };

    before(() => {
        requireCluster();
        project = ProjectCopy.create();
        // The package as `npm run build` makes it, where the example's `import ... from "goship"` finds it.
        project.run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"]);
        fs.mkdirSync(project.file(`${EXAMPLE}/node_modules`), { recursive: true });
        fs.symlinkSync(project.dir, project.file(`${EXAMPLE}/node_modules/goship`));

        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        for (const [key, value] of Object.entries({
            "goship:namespace": LOCAL_NAMESPACE,
            "goship:ingressHost": `platform-${DOMAIN}`,
            "goship:publicUrl": `http://platform-${DOMAIN}:8000/`,
        })) {
            project.pulumi(["config", "set", key, value, "--stack", "local"]);
        }

        project.pulumi(["stack", "init", "e2e", "--cwd", EXAMPLE, "--secrets-provider", "passphrase"]);
        const config: Record<string, string> = {
            platformStack: "organization/goship/local",
            namespace: SHOP,
            domain: DOMAIN,
            // The local cluster has no cert-manager: plain HTTP, so not production.
            production: "false",
            ingressClassName: "traefik",
            kubeContext: "goship-local",
            registryInsecure: "true",
            imagePullSecret: "true",
            // The offline base images and the host network for the Go module proxy, as the local stack builds.
            buildArgs: JSON.stringify({ BUILDER_IMAGE: "127.0.0.1:5000/goship/golang:1.26-bookworm", RUNTIME_IMAGE: "scratch" }),
            buildNetwork: "host",
        };
        for (const [key, value] of Object.entries(config)) {
            example(["config", "set", `platform-two-services:${key}`, value]);
        }
    });

    after(() => {
        if (!project) {
            return;
        }
        const destroyed = [
            example(["destroy", "--yes", "--skip-preview"], { allowFailure: true }),
            project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true }),
        ];
        if (destroyed.some((result) => result.code !== 0)) {
            for (const namespace of [SHOP, LOCAL_NAMESPACE]) {
                kubectl(["delete", "namespace", namespace, "--wait=false"], { allowFailure: true });
            }
        }
        project.remove();
    });

    it("the local stack is up and exports its registry and login for the platform's programs", () => {
        const up = timed(() => project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true }));
        assert.equal(up.code, 0, `pulumi up (local) failed:\n${up.stdout.slice(-3000)}\n${up.stderr.slice(-3000)}`);
        const outputs = JSON.parse(project.pulumi(["stack", "output", "--stack", "local", "--json"]).stdout);
        assert.equal(outputs.registryServer, "127.0.0.1:5000");
        assert.equal(outputs.registryUsername, "goship");
        assert.equal(outputs.registryPassword, "[secret]", "the password stays a secret output");
        console.log(`local stack: pulumi up ${up.seconds.toFixed(1)} s`);
    });

    it("the example's up builds both images into the local registry and deploys them by digest", async () => {
        const up = timed(() => example(["up", "--yes", "--skip-preview"], { allowFailure: true }));
        assert.equal(up.code, 0, `pulumi up (example) failed:\n${up.stdout.slice(-4000)}\n${up.stderr.slice(-3000)}`);
        const outputs = JSON.parse(example(["stack", "output", "--json"]).stdout);
        assert.equal(outputs.namespace, SHOP);
        assert.deepEqual(outputs.deployments, { orders: "orders", payments: "payments" });
        assert.deepEqual(outputs.urls, { orders: `http://orders.${DOMAIN}/`, payments: `http://payments.${DOMAIN}/` });

        const password = project.pulumi(["config", "get", "goship:registryPassword", "--stack", "local"]).stdout.trim();
        for (const name of SERVICES) {
            const image = kubectlJson(["-n", SHOP, "get", "deployment", name]).spec.template.spec.containers[0].image as string;
            const match = new RegExp(`^127\\.0\\.0\\.1:5000/${SHOP}/${name}@(sha256:[0-9a-f]{64})$`).exec(image);
            assert.ok(match, `${name} runs ${image}`);
            const state = JSON.parse(example(["stack", "export"]).stdout);
            const built = state.deployment.resources.find((resource: { type: string; outputs?: { ref?: string } }) =>
                resource.type === "pulumi-nodejs:dynamic/goship:GoServiceImageBuild" && resource.outputs?.ref === image);
            assert.ok(built, `the stack built ${image}`);
            const served = await registryDigest("127.0.0.1:5000", `${SHOP}/${name}`, built.outputs.tag, { username: "goship", password });
            assert.equal(served.digest, match[1], `the registry serves ${name}'s digest`);
        }
        const namespace = kubectlJson(["get", "namespace", SHOP]);
        assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        console.log(`example: pulumi up ${up.seconds.toFixed(1)} s (2 images built and pushed, 2 services rolled out to Ready)`);
    });

    it("both services answer through the Ingress, each with its HPA's two pods", async () => {
        for (const name of SERVICES) {
            const host = `${name}.${DOMAIN}`;
            const ping = await waitFor(`/ping of ${name} through Traefik`, 30_000, async () => {
                const response = await ingressGet("/ping", host);
                return response.status === 200 ? response : undefined;
            });
            assert.equal(ping.body, PONG);
            await waitFor(`2 Ready pods of ${name}`, 120_000, () => (readyPods(SHOP, `app.kubernetes.io/name=${name}`).length >= 2 ? true : undefined));
        }
        // (Another host would reach the user's own `npm run up` deployment, whose Ingress takes any host.)
        for (const name of SERVICES) {
            const ingress = kubectlJson(["-n", SHOP, "get", "ingress", name]);
            assert.deepEqual(ingress.spec.rules.map((rule: { host: string }) => rule.host), [`${name}.${DOMAIN}`]);
            assert.deepEqual(ingress.status.loadBalancer.ingress, [{ ip: "127.0.0.1" }], "admitted by Traefik");
        }
    });

    it("destroying the example removes its namespace and leaves the local stack serving", async () => {
        const destroyed = timed(() => example(["destroy", "--yes", "--skip-preview"], { allowFailure: true }));
        assert.equal(destroyed.code, 0, `pulumi destroy (example) failed:\n${destroyed.stdout.slice(-3000)}`);
        await waitFor(`namespace ${SHOP} gone`, 120_000, () => (kubectl(["get", "namespace", SHOP], { allowFailure: true }).code !== 0 ? true : undefined));
        assert.equal((await ingressGet("/ping", `platform-${DOMAIN}`)).body, PONG, "the referenced stack is untouched");
        console.log(`example: pulumi destroy ${destroyed.seconds.toFixed(1)} s`);
    });
});
