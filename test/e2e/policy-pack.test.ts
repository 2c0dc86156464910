// The policy pack with the real engine: `pulumi preview --policy-pack policy` on the local stack passes, and the
// same stack made to violate a policy (by editing the program in a throw-away copy: the stack config cannot express
// these violations, the components refuse them) fails with the policy's message. Preview only, so it does not matter
// whether the local stack renders YAML or targets a live cluster. Needs the project's toolchain (npm run bootstrap).
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { after, afterEach, before, describe, it } from "node:test";
import { ProjectCopy } from "../helpers/real-engine";

describe("policy pack, real engine", () => {
    let project: ProjectCopy;
    let program: string;

    const preview = () => project.pulumi(["preview", "--stack", "local", "--policy-pack", "policy"], { allowFailure: true });

    before(() => {
        project = ProjectCopy.create();
        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        program = fs.readFileSync(project.file("index.ts"), "utf8");
    });

    afterEach(() => fs.writeFileSync(project.file("index.ts"), program));
    after(() => project?.remove());

    it("the local stack passes every policy", () => {
        const result = preview();
        const output = result.stdout + result.stderr;
        assert.equal(result.code, 0, output.slice(-4000));
        assert.match(output, /goship@v0\.1\.0/, "the pack ran");
        assert.doesNotMatch(output, /\[mandatory\]|\[advisory\]/, "no violation of any level");
    });

    it("a tag-only image fails the preview with image-pinned-by-digest's message", () => {
        assert.ok(program.includes("    image: image.ref,"), "index.ts passes the built image to the WebService");
        fs.writeFileSync(project.file("index.ts"), program.replace("    image: image.ref,", '    image: "127.0.0.1:5000/goship:latest",'));
        const result = preview();
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0, "the preview fails");
        assert.match(output, /\[mandatory\] +image-pinned-by-digest/);
        assert.ok(output.includes(
            'Deployment goship/goship: container "app" image "127.0.0.1:5000/goship:latest" uses the moving tag latest; pin it by digest as repo@sha256:<digest>',
        ), output.slice(-4000));
    });

    it("an HPA and a KEDA ScaledObject on the same Deployment fail the preview with single-autoscaler-per-workload's message", () => {
        // The local stack has an HPA; a ScaledObject added past the config's validation targets the same Deployment.
        fs.writeFileSync(project.file("index.ts"), `${program}
import * as forcedK8s from "@pulumi/kubernetes";
new forcedK8s.apiextensions.CustomResource("forced-scaledobject", {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: "forced", namespace: service.namespace },
    spec: { scaleTargetRef: { name: service.deploymentName }, minReplicaCount: 1, maxReplicaCount: 3, triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "50" } }] },
}, { provider });
`);
        const result = preview();
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0, "the preview fails");
        assert.match(output, /\[mandatory\] +single-autoscaler-per-workload/);
        assert.ok(output.includes(
            "Deployment goship/goship is scaled by HorizontalPodAutoscaler goship/goship and ScaledObject goship/forced: KEDA creates its own HPA",
        ), output.slice(-4000));
        assert.doesNotMatch(output, /image-pinned-by-digest/, "only the autoscaler policy fails");
    });
});
