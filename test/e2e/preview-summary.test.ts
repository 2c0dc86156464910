// The preview summary with the real engine on the local stack: after an up, a new autoscaling maximum and an edit
// to a .go file of the binary show up as exactly those changes, with the image digest called out; a failing
// preview exits non-zero with the engine's diagnostics. The up needs `npm run up` first (Docker engine, registry,
// local cluster); the summary itself only previews.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { after, before, describe, it } from "node:test";
import { kubectl } from "../helpers/cluster";
import { CommandResult, ProjectCopy } from "../helpers/real-engine";

const runId = `${Date.now().toString(36)}${process.pid}`;
const REPOSITORY = `goship-e2e/summary-${runId}`;
const NAMESPACE = `goship-summary-${runId}`;
const IMAGE_BUILD_TYPE = "pulumi-nodejs:dynamic/goship:GoServiceImageBuild";

describe("preview summary, real engine", () => {
    let project: ProjectCopy;

    // The copy's own command, as `npm run preview:summary -- --stack local` runs it there.
    const summary = (options: { allowFailure?: boolean } = {}): CommandResult => project.run(
        process.execPath,
        ["--require", "ts-node/register/transpile-only", project.file("scripts/preview-summary/cli.ts"), "--stack", "local"],
        options,
    );
    const row = (markdown: string, resource: string) => markdown.split("\n").find((line) => line.includes(`| \`${resource}\` |`)) ?? "";

    before(() => {
        project = ProjectCopy.create();
        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        project.pulumi(["config", "set", "goship:imageRepository", REPOSITORY, "--stack", "local"]);
        // The up lands on the live local cluster: a namespace and an Ingress host of its own, beside `npm run up`'s.
        project.pulumi(["config", "set", "goship:namespace", NAMESPACE, "--stack", "local"]);
        project.pulumi(["config", "set", "goship:ingressHost", `summary-${runId}.goship.test`, "--stack", "local"]);
    });

    after(() => {
        if (!project) {
            return;
        }
        if (project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true }).code !== 0) {
            kubectl(["delete", "namespace", NAMESPACE, "--wait=false"], { allowFailure: true });
        }
        project.remove();
    });

    it("a failing preview exits 1 and shows the engine's diagnostics", () => {
        // Valid YAML, invalid for the program: the stack config fails the run before any resource exists.
        project.pulumi(["config", "set", "goship:replicas", "3", "--stack", "local"]);
        try {
            const result = summary({ allowFailure: true });
            assert.equal(result.code, 1, result.stdout + result.stderr);
            assert.equal(result.stdout, "", "no summary for a failed preview");
            assert.match(result.stderr, /^error: pulumi preview of stack local failed \(exit \d+\)\.\nThe engine reported:\n/);
            assert.ok(result.stderr.includes(
                'replicas: expected unset unless autoscaling is none (the autoscaler owns the replica count: use minReplicas), got "3"',
            ), result.stderr);
        } finally {
            project.pulumi(["config", "rm", "goship:replicas", "--stack", "local"]);
        }
    });

    it("after an up, a new maxReplicas and a Go edit are exactly the changes shown, with the digest called out", () => {
        project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"]);
        const state = JSON.parse(project.pulumi(["stack", "export", "--stack", "local"]).stdout);
        const image = state.deployment.resources.find((resource: { type: string }) => resource.type === IMAGE_BUILD_TYPE).outputs;
        const maxReplicas = Number(project.pulumi(["config", "get", "goship:maxReplicas", "--stack", "local"]).stdout.trim());

        project.pulumi(["config", "set", "goship:maxReplicas", String(maxReplicas + 2), "--stack", "local"]);
        fs.appendFileSync(project.file("app/cmd/server/main.go"), `\nfunc init() { version += "-summary-${runId}" }\n`);

        const result = summary();
        const markdown = result.stdout;
        // The dashboard draws the pods against the autoscaler's bounds, so a new maxReplicas is a new dashboard; a
        // ConfigMap's data change is a replacement in the Kubernetes provider. The migration Job is named after the
        // image digest: a new image replaces it, and it runs before the Deployment changes. The worker's Deployment
        // runs the same image.
        assert.ok(markdown.startsWith("### Pulumi preview: `local`\n\n**4 to update, 2 to replace**, "), markdown);
        assert.match(markdown, /\| update \| 4 \|/);
        assert.match(markdown, /\| replace \| 2 \|/);
        assert.match(row(markdown, "goship-dashboard"), /replace.*`data\["goship\.json"\]`/);
        assert.match(row(markdown, "goship-migrate"), /replace.*`metadata\.name`: `goship-migrate-[0-9a-f]{10}` → \(known after update\)/);

        assert.ok(row(markdown, "goship-hpa").includes(`\`spec.maxReplicas\`: ${maxReplicas} → ${maxReplicas + 2}`), markdown);
        const oldDigest = `sha256:${image.digest.slice("sha256:".length, "sha256:".length + 12)}…`;
        assert.ok(markdown.includes(`- GoServiceImage \`app\`: \`${oldDigest}\` (tag \`${image.tag}\`) → new digest, known once built (tag \`src-`), markdown);
        assert.ok(markdown.includes(
            `- Deployment \`goship-deployment\`, container \`app\`: \`127.0.0.1:5000/${REPOSITORY}@${oldDigest}\` → new digest, known after the image build`,
        ), markdown);
        assert.ok(markdown.includes(
            `- Job \`goship-migrate\`, container \`migrate\`: \`127.0.0.1:5000/${REPOSITORY}@${oldDigest}\` → new digest, known after the image build`,
        ), markdown);
        assert.match(row(markdown, "goship-deployment"), /`spec\.template\.spec\.containers\[0\]\.image`: `127\.0\.0\.1:5000\/.*` → \(known after update\)/);
        assert.match(row(markdown, "app"), /`tag`: `src-[0-9a-f]{20}` → `src-[0-9a-f]{20}`/);
        assert.ok(!markdown.includes("#### Warnings"), "the engine warned about nothing");
        const changedRows = markdown.split("\n").filter((line) => /^\| `[^`]+` (update|create|delete|replace)/.test(line));
        assert.equal(changedRows.length, 6, `only the image, the migration Job, the Deployments of the service and the worker (one image), the HPA and the dashboard change:\n${changedRows.join("\n")}`);
    });
});
