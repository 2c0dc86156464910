// Valid configurations beyond the three stack files: other registries, pull secrets, builders, switches.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IMAGE_BUILD, ofType, runProgram, single } from "../helpers/mocks";
import { secretValue, toEngineConfig } from "../helpers/stack-config";

const GENERIC = {
    registryServer: "docker.io",
    registryUsername: "someone",
    registryPassword: secretValue("dckr_pat_example"),
    imageRepository: "someone/goship",
    renderYamlTo: "/tmp/goship-test-render",
};

describe("configuration variants under mocks", () => {
    it("Docker Hub: pushes to docker.io/<user>/<repo>", async () => {
        const run = await runProgram("variant", toEngineConfig(GENERIC));
        assert.equal(run.error, undefined, run.error?.message);
        assert.equal(single(run, IMAGE_BUILD).inputs.repository, "docker.io/someone/goship");
    });

    it("imagePullSecret: a dockerconfigjson Secret from the registry login, used by the pods", async () => {
        // Applied, not rendered: rendering would write the Secret in plaintext (and is refused).
        const run = await runProgram("variant", toEngineConfig({ ...GENERIC, renderYamlTo: undefined, kubeContext: "ci", imagePullSecret: "true" }));
        assert.equal(run.error, undefined, run.error?.message);
        const secret = ofType(run, "kubernetes:core/v1:Secret").find((s) => s.inputs.type === "kubernetes.io/dockerconfigjson");
        assert.ok(secret, "pull secret created");
        const config = JSON.parse(secret.inputs.stringData[".dockerconfigjson"]);
        assert.deepEqual(config.auths["docker.io"], {
            username: "someone", password: "dckr_pat_example", auth: Buffer.from("someone:dckr_pat_example").toString("base64"),
        });
        const pod = single(run, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
        assert.deepEqual(pod.imagePullSecrets, [{ name: "goship-pull" }]);
    });

    it("ACR Personal: namespace and repository, the fixed password, the repository's VPC domain", async () => {
        const run = await runProgram("variant", toEngineConfig({
            registryType: "acr-personal", "alicloud:region": "cn-hangzhou", acrNamespace: "team", acrEndpoint: "vpc",
            registryUsername: "aliyun-user", registryPassword: secretValue("acr-password"), renderYamlTo: "/tmp/goship-test-render",
        }));
        assert.equal(run.error, undefined, run.error?.message);
        const namespace = single(run, "alicloud:cr/namespace:Namespace").inputs;
        assert.deepEqual([namespace.name, namespace.defaultVisibility, namespace.autoCreate], ["team", "PRIVATE", false]);
        assert.equal(single(run, "alicloud:cr/repo:Repo").inputs.repoType, "PRIVATE");
        const image = single(run, IMAGE_BUILD).inputs;
        assert.equal(image.server, "registry-vpc.cn-hangzhou.aliyuncs.com");
        assert.equal(image.repository, "registry-vpc.cn-hangzhou.aliyuncs.com/team/goship");
        assert.equal(image.username, "aliyun-user");
    });

    it("ACR Personal with its own domain and an existing namespace", async () => {
        const run = await runProgram("variant", toEngineConfig({
            registryType: "acr-personal", "alicloud:region": "cn-hangzhou", acrNamespace: "team", acrCreateNamespace: "false",
            acrPersonalDomain: "crpi-abc123.cn-hangzhou.personal.cr.aliyuncs.com",
            registryUsername: "aliyun-user", registryPassword: secretValue("acr-password"), renderYamlTo: "/tmp/goship-test-render",
        }));
        assert.equal(ofType(run, "alicloud:cr/namespace:Namespace").length, 0);
        assert.equal(single(run, IMAGE_BUILD).inputs.repository, "crpi-abc123.cn-hangzhou.personal.cr.aliyuncs.com/team/goship");
    });

    it("ECR with KMS encryption", async () => {
        const run = await runProgram("variant", toEngineConfig({
            registryType: "ecr", ecrEncryption: "KMS", ecrKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc", renderYamlTo: "/tmp/goship-test-render",
        }));
        assert.deepEqual(single(run, "aws:ecr/repository:Repository").inputs.encryptionConfigurations,
            [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/abc" }]);
    });

    it("KEDA with a Kafka consumer-lag trigger may scale to zero", async () => {
        const run = await runProgram("variant", toEngineConfig({
            ...GENERIC, autoscaling: "keda", minReplicas: "0", maxReplicas: "8", kedaAwaitReady: "false",
            kedaTriggers: [{ type: "kafka", bootstrapServers: "kafka:9092", consumerGroup: "svc", topic: "orders", lagThreshold: 50 }],
        }));
        assert.equal(run.error, undefined, run.error?.message);
        const scaled = single(run, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs;
        assert.equal(scaled.spec.minReplicaCount, 0);
        assert.deepEqual(scaled.spec.triggers, [{ type: "kafka", metadata: { bootstrapServers: "kafka:9092", consumerGroup: "svc", topic: "orders", lagThreshold: "50" } }]);
        assert.equal(scaled.metadata.annotations["pulumi.com/waitFor"], undefined);
        assert.equal(ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").length, 0);
    });

    it("a canary on the Gateway API: Flagger's Canary and gates, the ingress host as the route's, no Ingress or Service of its own", async () => {
        const run = await runProgram("variant", toEngineConfig({
            // Applied, not rendered: the release waits for Flagger's verdict on the cluster (rendering is refused).
            ...GENERIC, renderYamlTo: undefined, kubeContext: "ci", autoscaling: "hpa", serviceMonitor: "true", ingressHost: "orders.example.com",
            delivery: { kind: "canary", gateway: { name: "goship", namespace: "traefik" }, stepWeights: [10, 50, 100], stepIntervalSeconds: 30, gates: { maxP99LatencyMs: 500 } },
        }));
        assert.equal(run.error, undefined, run.error?.message);
        const canary = single(run, "kubernetes:flagger.app/v1beta1:Canary").inputs.spec;
        assert.deepEqual(canary.service.gatewayRefs, [{ name: "goship", namespace: "traefik" }]);
        assert.deepEqual(canary.service.hosts, ["orders.example.com"]);
        assert.deepEqual(canary.analysis.stepWeights, [10, 50, 100]);
        assert.equal(canary.analysis.interval, "30s");
        assert.deepEqual(canary.analysis.metrics.map((m: { thresholdRange: unknown }) => m.thresholdRange), [{ min: 20 }, { max: 1 }, { max: 500 }]);
        assert.equal(ofType(run, "kubernetes:flagger.app/v1beta1:MetricTemplate").length, 3);
        assert.equal(ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
        assert.deepEqual(ofType(run, "kubernetes:core/v1:Service").map((s) => s.inputs.metadata.name), ["goship-metrics"]);
    });

    it("no Ingress, no NetworkPolicy, existing namespace, a fixed replica count", async () => {
        const run = await runProgram("variant", toEngineConfig({
            ...GENERIC, ingressEnabled: "false", networkPolicyEnabled: "false", createNamespace: "false", namespace: "shared", replicas: "4",
        }));
        assert.equal(ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
        assert.equal(ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").length, 0);
        assert.equal(ofType(run, "kubernetes:core/v1:Namespace").length, 0);
        const deployment = single(run, "kubernetes:apps/v1:Deployment").inputs;
        assert.equal(deployment.metadata.namespace, "shared");
        assert.equal(deployment.spec.replicas, 4);
        assert.equal(run.outputs.url, undefined);
    });

    it("a kubeconfig path passes through as a path (state stays stable when its certificates rotate)", async () => {
        const run = await runProgram("variant", toEngineConfig({
            ...GENERIC, renderYamlTo: undefined, kubeconfig: secretValue(__filename), kubeContext: "ci",
        }));
        const provider = single(run, "pulumi:providers:kubernetes").inputs;
        assert.equal(provider.kubeconfig, __filename);
        assert.equal(provider.context, "ci");
    });

    it("the pulumi-docker builder uses @pulumi/docker's Image with the same tag scheme", async () => {
        const run = await runProgram("variant", toEngineConfig({ ...GENERIC, imageBuilder: "pulumi-docker" }));
        const image = single(run, "docker:index/image:Image").inputs;
        assert.match(image.imageName, /^docker\.io\/someone\/goship:src-[0-9a-f]{20}$/);
        assert.equal(image.build.platform, "linux/amd64");
        assert.equal(image.registry.server, "docker.io");
        assert.equal(ofType(run, IMAGE_BUILD).length, 0);
    });
});
