import * as assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { assertStackInvariants } from "../helpers/invariants";
import { IMAGE_BUILD, ProgramRun, ofType, runProgram, single } from "../helpers/mocks";
import { readStackConfig, secretValue } from "../helpers/stack-config";

describe("dev stack (Pulumi.dev.yaml) under mocks", () => {
    let run: ProgramRun;
    before(async () => {
        // Secrets are set per environment, not committed: give the stack the secret env a real one would have.
        run = await runProgram("dev", readStackConfig("dev", { secretEnv: secretValue({ PAYMENTS_API_KEY: "pk-test-0123456789" }) }));
    });

    it("holds every stack invariant", () => assertStackInvariants(run, { production: false }));

    it("creates a hardened ECR repository with an ordered lifecycle policy", () => {
        const repo = single(run, "aws:ecr/repository:Repository").inputs;
        assert.equal(repo.name, "goship/dev");
        assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
        assert.equal(repo.imageTagMutability, "IMMUTABLE");
        assert.deepEqual(repo.encryptionConfigurations, [{ encryptionType: "AES256" }]);
        assert.equal(repo.forceDelete, false);
        const policy = JSON.parse(single(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
        assert.deepEqual(policy.rules.map((rule: { rulePriority: number }) => rule.rulePriority), [1, 2]);
        assert.equal(policy.rules[0].selection.countNumber, 3);
        assert.equal(policy.rules[1].selection.countNumber, 20);
        assert.deepEqual(policy.rules[1].selection.tagPrefixList, ["src-"]);
    });

    it("fetches a fresh ECR authorization token for the push", () => {
        const tokenCalls = run.calls.filter((call) => call.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken");
        assert.equal(tokenCalls.length, 1);
        const image = single(run, IMAGE_BUILD).inputs;
        assert.equal(image.server, "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assert.equal(image.repository, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/goship/dev");
        assert.equal(image.username, "AWS");
        assert.match(String(run.outputs.imageRef), /^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/goship\/dev@sha256:/);
    });

    it("targets the dev kubeconfig context", () => {
        assert.equal(single(run, "pulumi:providers:kubernetes").inputs.context, "dev");
    });

    it("applies without force: an object another manager owns is a conflict, not a takeover", () => {
        for (const resource of run.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
            assert.equal(resource.inputs.metadata?.annotations?.["pulumi.com/patchForce"], undefined, resource.type);
        }
    });

    it("autoscales 2 to 5 with an HPA and protects the two guaranteed pods with a PDB", () => {
        const hpa = single(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
        assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [2, 5]);
        assert.deepEqual(single(run, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.maxUnavailable, 1);
        const spread = single(run, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.topologySpreadConstraints;
        assert.deepEqual(spread.map((c: { topologyKey: string }) => c.topologyKey), ["kubernetes.io/hostname"]);
    });

    it("serves TLS from the given Secret under /goship/, rewriting each path to the service's own", () => {
        const ingress = single(run, "kubernetes:networking.k8s.io/v1:Ingress").inputs;
        assert.deepEqual(ingress.spec.tls, [{ secretName: "goship-dev-tls", hosts: ["goship.dev.example.com"] }]);
        // ingress-nginx: /goship/api/v1/users/1 matches with $2 = api/v1/users/1 and reaches the service as /api/v1/users/1.
        const [path] = ingress.spec.rules[0].http.paths;
        assert.deepEqual([path.path, path.pathType], ["/goship(/|$)(.*)", "ImplementationSpecific"]);
        assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/rewrite-target"], "/$2");
        const match = new RegExp(`^${path.path}`).exec("/goship/api/v1/users/1")!;
        assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/rewrite-target"].replace("$2", match[2]), "/api/v1/users/1");
        assert.equal(run.outputs.url, "https://goship.dev.example.com/goship");
    });

    it("puts secret env in a content-named Secret read by the Deployment", () => {
        const secret = ofType(run, "kubernetes:core/v1:Secret").find((r) => r.name === "goship-secret-env")!.inputs;
        assert.match(secret.metadata.name, /^goship-secret-env-[0-9a-f]{10}$/);
        const envFrom = single(run, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].envFrom;
        assert.deepEqual(envFrom.map((source: Record<string, unknown>) => Object.keys(source)[0]), ["configMapRef", "secretRef"]);
        assert.equal(ofType(run, "kubernetes:core/v1:Namespace").length, 1);
    });
});
