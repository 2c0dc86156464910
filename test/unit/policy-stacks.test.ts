// The components and the policy pack agree: the resources the program creates for each stack (under Pulumi mocks)
// pass every policy, and the production rules really apply to the production stack.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProgramRun, runProgram } from "../helpers/mocks";
import { TestResource, Violation, policyNames, runPolicies } from "../helpers/policy-harness";
import { readStackConfig, secretValue } from "../helpers/stack-config";

function resourcesOf(run: ProgramRun): TestResource[] {
    assert.equal(run.error, undefined, `program failed: ${run.error?.message}`);
    return run.resources.map((resource) => ({ type: resource.type, props: resource.inputs, name: resource.name, urn: resource.urn }));
}

/** The local stack's HPA keys unset (as the stack file names them), for variants with another kind of scaling. */
const LOCAL_WITHOUT_HPA = {
    "goship:autoscaling": "none", "goship:minReplicas": undefined, "goship:maxReplicas": undefined, "goship:targetCpuUtilization": undefined,
    "goship:scaleDownStabilizationSeconds": undefined,
};

const describeViolations = (violations: Violation[]) => violations.map((violation) => `${violation.policy}: ${violation.message}`).join("\n");

describe("policy pack against the stacks' resources (Pulumi mocks)", () => {
    for (const stack of ["local", "dev", "prod"]) {
        it(`${stack}: no policy reports anything`, async () => {
            const resources = resourcesOf(await runProgram(stack, readStackConfig(stack, { secretEnv: secretValue({ TOKEN: "t" }) })));
            assert.ok(resources.some((resource) => resource.type === "kubernetes:apps/v1:Deployment"));
            const violations = runPolicies(resources);
            assert.deepEqual(violations, [], describeViolations(violations));
        });
    }

    it("prod is recognised as production: without its budget and TLS the production rules fail it", async () => {
        const resources = resourcesOf(await runProgram("prod", readStackConfig("prod")))
            .filter((resource) => resource.type !== "kubernetes:policy/v1:PodDisruptionBudget")
            .map((resource) => resource.type === "kubernetes:networking.k8s.io/v1:Ingress"
                ? { ...resource, props: { ...resource.props, spec: { ...resource.props.spec, tls: undefined } } }
                : resource);
        assert.deepEqual(policyNames(runPolicies(resources)), ["production-ingress-tls", "production-pod-disruption-budget"]);
    });

    it("local is not production: the same removals pass", async () => {
        const resources = resourcesOf(await runProgram("local", readStackConfig("local", { ...LOCAL_WITHOUT_HPA, replicas: 1 })));
        assert.equal(resources.filter((resource) => resource.type === "kubernetes:policy/v1:PodDisruptionBudget").length, 0);
        assert.deepEqual(runPolicies(resources), []);
    });

    const variants: { name: string; stack: string; config: Record<string, unknown> }[] = [
        { name: "local with KEDA", stack: "local", config: { ...LOCAL_WITHOUT_HPA, "goship:autoscaling": "keda", minReplicas: 1, kedaTriggers: [{ type: "cpu", utilization: 60 }] } },
        { name: "local with a fixed count and no Ingress", stack: "local", config: { ...LOCAL_WITHOUT_HPA, replicas: 3, ingressEnabled: false, "goship:ingressClassName": undefined } },
        { name: "dev with an egress allow-list", stack: "dev", config: { networkPolicyEgress: [{ cidrs: ["10.20.0.0/16"], ports: [5432] }] } },
        { name: "prod with HPA instead of KEDA", stack: "prod", config: { "goship:autoscaling": "hpa", "goship:kedaTriggers": undefined, "goship:kedaFallbackReplicas": undefined } },
    ];
    for (const variant of variants) {
        it(`${variant.name}: no policy reports anything`, async () => {
            const violations = runPolicies(resourcesOf(await runProgram(variant.stack, readStackConfig(variant.stack, variant.config))));
            assert.deepEqual(violations, [], describeViolations(violations));
        });
    }

    it("dev with scan-on-push and immutable tags switched off in config fails the ECR policy", async () => {
        const config = readStackConfig("dev", { ecrScanOnPush: false, ecrImmutableTags: false });
        const violations = runPolicies(resourcesOf(await runProgram("dev", config)));
        assert.deepEqual(policyNames(violations), ["ecr-scan-on-push-immutable-tags"]);
        assert.equal(violations.length, 2);
    });
});
