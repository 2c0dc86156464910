// The local stack with the real engine: the project's own Pulumi CLI, the Docker engine, the authenticated local
// registry. Needs `npm run bootstrap` (or `npm run up`) first, and fails loudly without it.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { after, before, describe, it } from "node:test";
import { ProjectCopy, changedSteps, registryDigest } from "../helpers/real-engine";

const REGISTRY = "127.0.0.1:5000";
const IMAGE_BUILD_TYPE = "pulumi-nodejs:dynamic/goship:GoServiceImageBuild";
const runId = `${Date.now().toString(36)}${process.pid}`;
// A repository of its own: the first up really builds and pushes (the registry has no image for this run yet).
const REPOSITORY = `goship-e2e/${runId}`;
const APP_SECRET = `e2e-app-secret-${runId}`;

describe("local stack, real engine", () => {
    let project: ProjectCopy;
    let registryPassword: string;
    let firstDigest: string;

    const buildCount = () => {
        const log = project.file(".goship/logs/image-build.log");
        return fs.existsSync(log) ? (fs.readFileSync(log, "utf8").match(/^\$ docker build /gm) ?? []).length : 0;
    };
    const imageOutputs = () => {
        const state = JSON.parse(project.pulumi(["stack", "export", "--stack", "local"]).stdout);
        const image = state.deployment.resources.find((resource: { type: string }) => resource.type === IMAGE_BUILD_TYPE);
        return image.outputs as { tag: string; digest: string; ref: string };
    };

    before(() => {
        project = ProjectCopy.create();
        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        project.pulumi(["config", "set", "goship:imageRepository", REPOSITORY, "--stack", "local"]);
        project.pulumi(["config", "set", "--secret", "goship:secretEnv", JSON.stringify({ API_TOKEN: APP_SECRET }), "--stack", "local"]);
        registryPassword = project.pulumi(["config", "get", "goship:registryPassword", "--stack", "local"]).stdout.trim();
    });

    after(() => project?.remove());

    it("previews the image and every Kubernetes object as creates", () => {
        const steps = changedSteps(project.pulumi(["preview", "--stack", "local", "--json"]).stdout);
        const types = steps.map((step) => step.type);
        assert.ok(steps.every((step) => step.op === "create"));
        for (const type of [IMAGE_BUILD_TYPE, "kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"]) {
            assert.ok(types.includes(type), `${type} in preview`);
        }
        assert.equal(buildCount(), 0, "preview builds nothing");
    });

    it("up builds app/Dockerfile, pushes it with credentials, and outputs the digest the registry serves", async () => {
        project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"]);
        assert.equal(buildCount(), 1);
        const outputs = JSON.parse(project.pulumi(["stack", "output", "--stack", "local", "--json"]).stdout);
        const match = /^127\.0\.0\.1:5000\/(.+)@(sha256:[0-9a-f]{64})$/.exec(outputs.imageRef);
        assert.ok(match, `imageRef ${outputs.imageRef}`);
        assert.equal(match[1], REPOSITORY);
        firstDigest = match[2];

        const { tag } = imageOutputs();
        const served = await registryDigest(REGISTRY, REPOSITORY, tag, { username: "goship", password: registryPassword });
        assert.equal(served.status, 200);
        assert.equal(served.digest, firstDigest, "stack output digest = registry manifest digest");
        assert.equal((await registryDigest(REGISTRY, REPOSITORY, tag)).status, 401, "the registry demands credentials");

        const deployment = fs.readFileSync(project.file(".goship/rendered/1-manifest/apps_v1-deployment-goship-goship.yaml"), "utf8");
        assert.ok(deployment.includes(`image: ${outputs.imageRef}`), "the Deployment runs the image by digest");
    });

    it("a second up changes nothing and builds nothing", () => {
        const before = buildCount();
        project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview", "--expect-no-changes"]);
        assert.equal(buildCount(), before, "no docker build");
    });

    it("editing app/README.md or a _test.go file changes nothing", () => {
        fs.appendFileSync(project.file("app/README.md"), "\nAn edit that must not rebuild.\n");
        const testFile = fs.readdirSync(project.file("app/internal/api")).find((name) => name.endsWith("_test.go"));
        assert.ok(testFile, "a _test.go file in app/internal/api");
        fs.appendFileSync(project.file(`app/internal/api/${testFile}`), "\n// An edit that must not rebuild.\n");
        project.pulumi(["preview", "--stack", "local", "--expect-no-changes"]);
    });

    it("editing a .go file of the binary updates exactly the image and the Deployment that runs it", async () => {
        // A change the compiler keeps (a comment alone yields the same binary, so the same digest under a new tag).
        fs.appendFileSync(project.file("app/cmd/server/main.go"), `\nfunc init() { version += "-${runId}" }\n`);
        const steps = changedSteps(project.pulumi(["preview", "--stack", "local", "--json"]).stdout);
        assert.deepEqual(
            steps.map((step) => `${step.op} ${step.type}`).sort(),
            ["update kubernetes:apps/v1:Deployment", `update ${IMAGE_BUILD_TYPE}`],
        );

        const before = buildCount();
        project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"]);
        assert.equal(buildCount(), before + 1, "one build");
        const { tag, digest } = imageOutputs();
        assert.notEqual(digest, firstDigest);
        const served = await registryDigest(REGISTRY, REPOSITORY, tag, { username: "goship", password: registryPassword });
        assert.equal(served.digest, digest);
    });

    it("the exported state holds no plaintext registry password or app secret", () => {
        const exported = project.pulumi(["stack", "export", "--stack", "local"]).stdout;
        assert.ok(exported.length > 1000);
        assert.ok(!exported.includes(registryPassword), "registry password not in state");
        assert.ok(!exported.includes(APP_SECRET), "app secret not in state");
        assert.ok(exported.includes("ciphertext"), "secrets are stored encrypted");
    });
});
