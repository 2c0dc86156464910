// The local stack with the real engine on the real local cluster: the project's own Pulumi CLI, the Docker engine,
// the authenticated local registry, Kubernetes built from source, Traefik on 127.0.0.1:8000, metrics-server.
// Needs `npm run up` first, and fails loudly without it.
//
// The copy deploys into a namespace and an Ingress host of its own, next to the user's `npm run up` deployment.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { after, before, describe, it } from "node:test";
import { ConstantLoad, INGRESS, LoadReport, httpRequest, ingressGet, kubectl, kubectlJson, readyPods, requireCluster, waitFor } from "../helpers/cluster";
import { ProjectCopy, changedSteps, registryDigest } from "../helpers/real-engine";

const REGISTRY = "127.0.0.1:5000";
const IMAGE_BUILD_TYPE = "pulumi-nodejs:dynamic/goship:GoServiceImageBuild";
const MIGRATION_JOB_TYPE = "kubernetes:batch/v1:Job";
const runId = `${Date.now().toString(36)}${process.pid}`;
// A repository of its own: the first up really builds and pushes (the registry has no image for this run yet).
const REPOSITORY = `goship-e2e/${runId}`;
const APP_SECRET = `e2e-app-secret-${runId}`;
const NAMESPACE = `goship-e2e-${runId}`;
const HOST = `e2e-${runId}.goship.test`;
const SELECTOR = "app.kubernetes.io/name=goship";
const PONG = '{"message":"pong"}';
const MIN_REPLICAS = 2;
const MAX_REPLICAS = 4;

/** One line per load phase, printed with the test output: the figures docs/benchmarks.md quotes. */
function describeLoad(phase: string, report: LoadReport): string {
    return `${phase}: ${report.requests} requests at ${report.rate.toFixed(1)}/s, status ${JSON.stringify(report.statusCodes)}, `
        + `transport errors ${report.errors.length ? JSON.stringify(report.errors) : "none"}, p99 ${report.latencyP99Ms.toFixed(1)} ms`;
}

describe("local stack, real engine, local cluster", () => {
    let project: ProjectCopy;
    let registryPassword: string;
    let firstDigest: string;
    let freshDeploySeconds: number;
    /** A no-op `pulumi up` of the same stack: the engine's fixed cost, the baseline the rollout times are divided by. */
    let noOpSeconds: number;

    const buildCount = () => {
        const log = project.file(".goship/logs/image-build.log");
        return fs.existsSync(log) ? (fs.readFileSync(log, "utf8").match(/^\$ docker build /gm) ?? []).length : 0;
    };
    const imageOutputs = () => {
        const state = JSON.parse(project.pulumi(["stack", "export", "--stack", "local"]).stdout);
        const image = state.deployment.resources.find((resource: { type: string }) => resource.type === IMAGE_BUILD_TYPE);
        return image.outputs as { tag: string; digest: string; ref: string };
    };
    const deployedImage = () => kubectlJson(["-n", NAMESPACE, "get", "deployment", "goship"]).spec.template.spec.containers[0].image as string;
    const replicas = () => kubectlJson(["-n", NAMESPACE, "get", "deployment", "goship"]).status.replicas as number;
    const timedUp = (args: string[] = []) => {
        const started = Date.now();
        const result = project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview", ...args], { allowFailure: true });
        return { ...result, seconds: (Date.now() - started) / 1000 };
    };

    before(() => {
        requireCluster();
        project = ProjectCopy.create();
        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        const config: Record<string, string> = {
            "goship:imageRepository": REPOSITORY,
            "goship:namespace": NAMESPACE,
            "goship:ingressHost": HOST,
            "goship:publicUrl": `http://${HOST}:8000/`,
            "goship:minReplicas": String(MIN_REPLICAS),
            "goship:maxReplicas": String(MAX_REPLICAS),
            "goship:scaleDownStabilizationSeconds": "15",
            "goship:rolloutTimeoutSeconds": "90",
        };
        for (const [key, value] of Object.entries(config)) {
            project.pulumi(["config", "set", key, value, "--stack", "local"]);
        }
        project.pulumi(["config", "set", "--secret", "goship:secretEnv", JSON.stringify({ API_TOKEN: APP_SECRET }), "--stack", "local"]);
        registryPassword = project.pulumi(["config", "get", "goship:registryPassword", "--stack", "local"]).stdout.trim();
    });

    after(() => {
        if (!project) {
            return;
        }
        const destroyed = project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
        if (destroyed.code !== 0) {
            kubectl(["delete", "namespace", NAMESPACE, "--wait=false"], { allowFailure: true });
        }
        project.remove();
    });

    it("previews the image and every Kubernetes object as creates", () => {
        const steps = changedSteps(project.pulumi(["preview", "--stack", "local", "--json"]).stdout);
        const types = steps.map((step) => step.type);
        assert.ok(steps.every((step) => step.op === "create"));
        for (const type of [IMAGE_BUILD_TYPE, "kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"]) {
            assert.ok(types.includes(type), `${type} in preview`);
        }
        assert.equal(buildCount(), 0, "preview builds nothing");
    });

    it("up builds, pushes with credentials, deploys by digest and waits until the pods are Ready", async () => {
        const up = timedUp();
        assert.equal(up.code, 0, `pulumi up failed:\n${up.stdout.slice(-3000)}\n${up.stderr.slice(-3000)}`);
        freshDeploySeconds = up.seconds;
        assert.equal(buildCount(), 1);
        const outputs = JSON.parse(project.pulumi(["stack", "output", "--stack", "local", "--json"]).stdout);
        const match = /^127\.0\.0\.1:5000\/(.+)@(sha256:[0-9a-f]{64})$/.exec(outputs.imageRef);
        assert.ok(match, `imageRef ${outputs.imageRef}`);
        assert.equal(match[1], REPOSITORY);
        firstDigest = match[2];
        assert.equal(outputs.url, `http://${HOST}:8000/`);

        const { tag } = imageOutputs();
        const served = await registryDigest(REGISTRY, REPOSITORY, tag, { username: "goship", password: registryPassword });
        assert.equal(served.status, 200);
        assert.equal(served.digest, firstDigest, "stack output digest = registry manifest digest");
        assert.equal((await registryDigest(REGISTRY, REPOSITORY, tag)).status, 401, "the registry demands credentials");

        assert.equal(deployedImage(), outputs.imageRef, "the Deployment runs the image by digest");
        // `pulumi up` returned only after the rollout: a pod is Ready now, not eventually. The Deployment declares no
        // replica count (the HPA owns it), so Kubernetes starts one pod and the HPA raises it to minReplicas.
        assert.ok(readyPods(NAMESPACE, SELECTOR).length >= 1, "a Ready pod when up returns");
        await waitFor(`${MIN_REPLICAS} Ready pods (HPA minReplicas)`, 90_000, () => readyPods(NAMESPACE, SELECTOR).length >= MIN_REPLICAS ? true : undefined);
    });

    it("answers /ping, /readyz through the Ingress; /metrics only on the pods' admin port", async () => {
        const ping = await waitFor("/ping through Traefik", 20_000, async () => {
            const response = await ingressGet("/ping", HOST);
            return response.status === 200 ? response : undefined;
        });
        assert.equal(ping.body, PONG);
        assert.equal((await ingressGet("/readyz", HOST)).status, 200);
        assert.equal((await ingressGet("/metrics", HOST)).status, 404, "metrics are not public");
        const ingress = kubectlJson(["-n", NAMESPACE, "get", "ingress", "goship"]);
        assert.deepEqual(ingress.status.loadBalancer.ingress, [{ ip: "127.0.0.1" }], "admitted by Traefik, which published its address");

        // The /ping above reached one of the pods: together they counted it, by route template.
        let pings = 0;
        for (const pod of readyPods(NAMESPACE, SELECTOR)) {
            const metrics = await fetch(`http://${pod.ip}:9090/metrics`);
            assert.equal(metrics.status, 200);
            const counted = /^http_requests_total\{code="200",method="GET",route="\/ping"\} (\d+)$/m.exec(await metrics.text());
            pings += counted ? Number(counted[1]) : 0;
        }
        assert.ok(pings >= 1, `the pods counted ${pings} /ping requests`);
    });

    it("a second up changes nothing and builds nothing", () => {
        const before = buildCount();
        const noOp = timedUp(["--expect-no-changes"]);
        assert.equal(noOp.code, 0, `a no-op up failed:\n${noOp.stdout.slice(-3000)}`);
        assert.equal(buildCount(), before, "no docker build");
        noOpSeconds = noOp.seconds;
        console.log(`fresh deploy: pulumi up ${freshDeploySeconds.toFixed(1)} s (build + push + rollout to Ready) = `
            + `${(freshDeploySeconds / noOpSeconds).toFixed(2)}× a no-op up of the same stack (${noOpSeconds.toFixed(1)} s)`);
    });

    it("editing app/README.md or a _test.go file changes nothing", () => {
        fs.appendFileSync(project.file("app/README.md"), "\nAn edit that must not rebuild.\n");
        const testFile = fs.readdirSync(project.file("app/internal/api")).find((name) => name.endsWith("_test.go"));
        assert.ok(testFile, "a _test.go file in app/internal/api");
        fs.appendFileSync(project.file(`app/internal/api/${testFile}`), "\n// An edit that must not rebuild.\n");
        project.pulumi(["preview", "--stack", "local", "--expect-no-changes"]);
    });

    it("a .go edit updates exactly the image and the Deployments of the service and the worker; it rolls out under constant load with 0 errors", async () => {
        // A change the compiler keeps (a comment alone yields the same binary, so the same digest under a new tag).
        fs.appendFileSync(project.file("app/cmd/server/main.go"), `\nfunc init() { version += "-${runId}" }\n`);
        const steps = changedSteps(project.pulumi(["preview", "--stack", "local", "--json"]).stdout);
        // The migration Job is named after the image digest: a new image replaces it (it runs before the rollout).
        const [jobSteps, otherSteps] = [steps.filter((step) => step.type === MIGRATION_JOB_TYPE), steps.filter((step) => step.type !== MIGRATION_JOB_TYPE)];
        // The worker runs the same image: its Deployment rolls too.
        assert.deepEqual(
            otherSteps.map((step) => `${step.op} ${step.type}`).sort(),
            ["update kubernetes:apps/v1:Deployment", "update kubernetes:apps/v1:Deployment", `update ${IMAGE_BUILD_TYPE}`],
        );
        assert.ok(jobSteps.length > 0 && jobSteps.every((step) => ["replace", "create-replacement", "delete-replaced"].includes(step.op)), `the migration Job is replaced: ${JSON.stringify(jobSteps)}`);

        const podsBefore = readyPods(NAMESPACE, SELECTOR).map((pod) => pod.name);
        const before = buildCount();
        const load = ConstantLoad.start({ host: HOST, path: "/ping", ratePerSecond: 50 });
        // Straight to the pods, no proxy that could retry: keep-alive connections to the Service's cluster IP, which
        // kube-proxy pins to one pod each, so every old pod's shutdown meets connections with requests on them.
        const clusterIp = kubectlJson(["-n", NAMESPACE, "get", "service", "goship"]).spec.clusterIP as string;
        const created = await httpRequest({ ...INGRESS, hostHeader: HOST, method: "POST", path: "/api/v1/users", body: { name: "Ada", email: "ada@example.com" } });
        assert.equal(created.status, 201, created.body);
        const userId = (JSON.parse(created.body) as { id: number }).id;
        const direct = ConstantLoad.startTargets({
            targets: [
                { method: "GET", url: `http://${clusterIp}/ping` },
                { method: "PUT", url: `http://${clusterIp}/api/v1/users/${userId}`, headers: { "Content-Type": "application/json" }, body: '{"name":"Ada","email":"ada@example.com"}' },
            ],
            ratePerSecond: 50,
        });
        const up = timedUp();
        // Keep the load on while the old pods finish terminating (preStop + drain).
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        const report = await load.stop();
        const directReport = await direct.stop();
        console.log(describeLoad(`rolling update (pulumi up ${up.seconds.toFixed(1)} s = ${(up.seconds / noOpSeconds).toFixed(2)}× a no-op up)`, report));
        console.log(describeLoad("rolling update, keep-alive GET and PUT straight to the pods (cluster IP)", directReport));
        assert.equal(up.code, 0, `pulumi up failed:\n${up.stdout.slice(-3000)}\n${up.stderr.slice(-3000)}`);
        assert.equal(buildCount(), before + 1, "one build");

        const { tag, digest, ref } = imageOutputs();
        assert.notEqual(digest, firstDigest);
        assert.equal((await registryDigest(REGISTRY, REPOSITORY, tag, { username: "goship", password: registryPassword })).digest, digest);
        assert.equal(deployedImage(), ref);
        const podsAfter = readyPods(NAMESPACE, SELECTOR).map((pod) => pod.name);
        assert.ok(podsAfter.every((name) => !podsBefore.includes(name)), `every pod replaced (before ${podsBefore}, after ${podsAfter})`);

        for (const [name, r] of [["through the Ingress", report], ["straight to the pods", directReport]] as const) {
            assert.ok(r.requests > 500, `${name}: load ran throughout (${r.requests} requests)`);
            assert.deepEqual(r.errors, [], `${name}: no transport errors`);
            assert.equal(r.failures, 0, `${name}: no non-2xx responses: ${JSON.stringify(r.statusCodes)}`);
        }
    });

    it("deleting a pod under load: the service keeps answering", async () => {
        const [victim] = readyPods(NAMESPACE, SELECTOR);
        const load = ConstantLoad.start({ host: HOST, path: "/ping", ratePerSecond: 50 });
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        kubectl(["-n", NAMESPACE, "delete", "pod", victim.name, "--wait=true"]);
        await waitFor(`${MIN_REPLICAS} Ready pods again`, 60_000, () => readyPods(NAMESPACE, SELECTOR).length >= MIN_REPLICAS ? true : undefined);
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const report = await load.stop();
        console.log(describeLoad("pod deleted", report));
        assert.ok(!readyPods(NAMESPACE, SELECTOR).some((pod) => pod.name === victim.name));
        assert.deepEqual(report.errors, [], "no transport errors");
        assert.equal(report.failures, 0, `no non-2xx responses: ${JSON.stringify(report.statusCodes)}`);
    });

    it("the HPA scales out under load and back in afterwards", async () => {
        // 50m CPU request per pod, 50% target: a few hundred requests per second are well above it.
        const started = Date.now();
        const load = ConstantLoad.start({ host: HOST, path: "/ping", ratePerSecond: 400, workers: 20 });
        let report: LoadReport;
        let peak: number;
        try {
            peak = await waitFor("scale-out above minReplicas", 180_000, () => {
                const count = replicas();
                return count > MIN_REPLICAS ? count : undefined;
            }, 2000);
        } finally {
            report = await load.stop();
        }
        const scaleOutSeconds = (Date.now() - started) / 1000;
        const stopped = Date.now();
        await waitFor(`scale-in to ${MIN_REPLICAS}`, 240_000, () => replicas() === MIN_REPLICAS ? true : undefined, 2000);
        const scaleInSeconds = (Date.now() - stopped) / 1000;
        console.log(describeLoad(`HPA: ${MIN_REPLICAS} → ${peak} pods in ${scaleOutSeconds.toFixed(0)} s under load, back to ${MIN_REPLICAS} ${scaleInSeconds.toFixed(0)} s after it stopped`, report));
        assert.ok(peak > MIN_REPLICAS && peak <= MAX_REPLICAS);
    });

    it("readiness gates traffic: a release whose pods never become Ready gets none, and up fails clearly", async () => {
        // The broken release answers differently and never reports ready.
        const pingFile = project.file("app/internal/api/ping.go");
        fs.writeFileSync(pingFile, fs.readFileSync(pingFile, "utf8").replace('{"message":"pong"}', '{"message":"broken"}'));
        const runFile = project.file("app/internal/server/run.go");
        const run = fs.readFileSync(runFile, "utf8");
        assert.ok(run.includes("\treadiness.MarkReady()\n"));
        fs.writeFileSync(runFile, run.replace("\treadiness.MarkReady()\n", "\t_ = readiness // never ready: the e2e test's broken release\n"));

        const load = ConstantLoad.start({ host: HOST, path: "/ping", ratePerSecond: 20 });
        const up = timedUp();
        const report = await load.stop();
        console.log(describeLoad(`broken release (pulumi up failed after ${up.seconds.toFixed(0)} s)`, report));
        const output = `${up.stdout}\n${up.stderr}`;
        console.log(`what pulumi up reported:\n${output.split("\n").filter((line) => /error:|[Tt]imed out|Ready|failed/.test(line)).slice(0, 8).join("\n")}`);
        assert.notEqual(up.code, 0, `pulumi up must fail; it reported:\n${output.slice(-3000)}`);
        assert.match(output, /goship-deployment/, "the failure names the Deployment");
        assert.match(output, /[Tt]imed out waiting/, `a clear message:\n${output.slice(-2500)}`);
        assert.ok(!Object.keys(report.bodies).some((body) => body.includes("broken")), `no traffic reached the unready pods: ${JSON.stringify(report.bodies)}`);
        assert.equal(report.failures, 0, `the old pods kept serving: ${JSON.stringify(report.statusCodes)}`);
        assert.equal((await ingressGet("/ping", HOST)).body, PONG);
    });

    it("the exported state holds no plaintext registry password or app secret", () => {
        const exported = project.pulumi(["stack", "export", "--stack", "local"]).stdout;
        assert.ok(exported.length > 1000);
        assert.ok(!exported.includes(registryPassword), "registry password not in state");
        assert.ok(!exported.includes(APP_SECRET), "app secret not in state");
        assert.ok(exported.includes("ciphertext"), "secrets are stored encrypted");
    });
});
