// Invalid configurations: each must fail with a message naming the key, what was expected and what was given,
// before the program registers a single resource.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram } from "../helpers/mocks";
import { secretValue, toEngineConfig } from "../helpers/stack-config";

const SECRET = { secure: "v1:test" };
/** A valid generic-registry stack; each case changes it. */
const BASE = {
    registryServer: "registry.example.com",
    registryUsername: "robot",
    registryPassword: SECRET,
    renderYamlTo: "/tmp/goship-test-render",
};

interface Case {
    name: string;
    config: Record<string, unknown>;
    expect: string[];
}

const CASES: Case[] = [
    { name: "unknown registry type", config: { registryType: "gcr" }, expect: ['registryType: expected one of generic, ecr, acr-personal, acr-enterprise, got "gcr"'] },
    { name: "generic without server", config: { registryServer: undefined }, expect: ["registryServer: expected a registry host[:port] such as harbor.example.com or 127.0.0.1:5000 (no scheme), got nothing"] },
    { name: "generic server with a scheme", config: { registryServer: "https://registry.example.com" }, expect: ['registryServer: expected a registry host[:port] such as harbor.example.com or 127.0.0.1:5000 (no scheme), got "https://registry.example.com"'] },
    { name: "generic without password", config: { registryPassword: undefined }, expect: ["registryPassword: expected a non-empty string, got nothing"] },
    { name: "password in plaintext", config: { registryPassword: "hunter2" }, expect: ["registryPassword: expected a secret value (pulumi config set --secret registryPassword …), got a plaintext value"] },
    { name: "ECR keys on a generic registry", config: { ecrScanOnPush: "false" }, expect: ['ecrScanOnPush: expected unset unless registryType is ecr, got "false"'] },
    { name: "ECR with a login", config: { registryType: "ecr", registryServer: undefined }, expect: ["registryUsername: expected unset unless registryType is generic or acr-personal (ecr and acr-enterprise issue tokens), got \"robot\""] },
    { name: "ECR KMS without key", config: { registryType: "ecr", registryServer: undefined, registryUsername: undefined, registryPassword: undefined, ecrEncryption: "KMS" }, expect: ["ecrKmsKeyArn: expected a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/…, got nothing"] },
    { name: "ACR Enterprise without instance, namespace and region", config: { registryType: "acr-enterprise", registryServer: undefined, registryUsername: undefined, registryPassword: undefined }, expect: ["alicloud:region: expected a region such as cn-hangzhou when registryType is acr-enterprise, got nothing", "acrNamespace: expected a lowercase namespace of 2 to 30 characters, got nothing", "acrInstanceId: expected an instance id such as cri-xxxx, got nothing"] },
    { name: "ACR bad endpoint", config: { registryType: "acr-personal", registryServer: undefined, "alicloud:region": "cn-hangzhou", acrNamespace: "team", acrEndpoint: "internal" }, expect: ['acrEndpoint: expected one of public, vpc, got "internal"'] },
    { name: "repository with upper case", config: { imageRepository: "Team/App" }, expect: ['imageRepository: expected a lowercase repository path such as team/goship, got "Team/App"'] },
    { name: "non-integer replicas", config: { replicas: "two" }, expect: ['replicas: expected an integer from 1 to 1000, got "two"'] },
    { name: "zero replicas", config: { replicas: "0" }, expect: ['replicas: expected an integer from 1 to 1000, got 0'] },
    { name: "replicas with an autoscaler", config: { autoscaling: "hpa", replicas: "3" }, expect: ['replicas: expected unset unless autoscaling is none (the autoscaler owns the replica count: use minReplicas), got "3"'] },
    { name: "unknown autoscaler", config: { autoscaling: "vpa" }, expect: ['autoscaling: expected one of none, hpa, keda, got "vpa"'] },
    { name: "min above max", config: { autoscaling: "hpa", minReplicas: "8", maxReplicas: "4" }, expect: ["minReplicas: expected at most maxReplicas (4), got 8"] },
    { name: "HPA target out of range", config: { autoscaling: "hpa", targetCpuUtilization: "150" }, expect: ['targetCpuUtilization: expected an integer from 1 to 100, got 150'] },
    { name: "scaler keys without autoscaling", config: { minReplicas: "3" }, expect: ['minReplicas: expected unset unless autoscaling is hpa or keda, got "3"'] },
    { name: "KEDA triggers with HPA (both autoscalers)", config: { autoscaling: "hpa", kedaTriggers: [{ type: "cpu", utilization: 50 }] }, expect: ["kedaTriggers: expected unset unless autoscaling is keda"] },
    { name: "KEDA without triggers", config: { autoscaling: "keda" }, expect: ["kedaTriggers: expected at least one trigger, got nothing"] },
    { name: "KEDA trigger of unknown type", config: { autoscaling: "keda", kedaTriggers: [{ type: "sqs" }] }, expect: ['kedaTriggers[0].type: expected one of cpu, memory, prometheus, kafka, cron, got "sqs"'] },
    { name: "KEDA prometheus trigger incomplete", config: { autoscaling: "keda", kedaTriggers: [{ type: "prometheus", serverAddress: "http://prom:9090" }] }, expect: ["kedaTriggers[0].query: expected a non-empty string, got nothing", "kedaTriggers[0].threshold: expected a number above 0, got nothing"] },
    { name: "KEDA cron with a bad schedule", config: { autoscaling: "keda", kedaTriggers: [{ type: "cron", timezone: "UTC", start: "8am", end: "0 20 * * *", desiredReplicas: 2 }] }, expect: ['kedaTriggers[0].start: expected a 5-field cron expression such as 0 8 * * 1-5 (minute hour day-of-month month day-of-week), got "8am"'] },
    { name: "KEDA fallback above max", config: { autoscaling: "keda", maxReplicas: "4", kedaFallbackReplicas: "9", kedaTriggers: [{ type: "cpu", utilization: 60 }] }, expect: ["kedaFallbackReplicas: expected at most maxReplicas (4), got 9"] },
    { name: "bad CPU quantity", config: { cpuLimit: "lots" }, expect: ['cpuLimit: expected a CPU quantity in cores or millicores such as 500m or 2, got "lots"'] },
    { name: "request above limit", config: { memoryRequest: "1Gi", memoryLimit: "256Mi" }, expect: ['memoryRequest: expected at most memoryLimit (256Mi), got "1Gi"'] },
    { name: "memory in millibytes", config: { memoryLimit: "128m" }, expect: ['memoryLimit: expected a byte quantity such as 128Mi or 1Gi, got "128m"'] },
    { name: "rollout that cannot progress", config: { maxSurge: "0", maxUnavailable: "0" }, expect: ['maxUnavailable: expected a non-zero value when maxSurge is 0 (a rollout could never progress), got "0"'] },
    { name: "reserved env name", config: { env: { PORT: "9999" } }, expect: ['env.PORT: expected a name goship does not set itself'] },
    { name: "env value not a string", config: { env: { WORKERS: 4 } }, expect: ["env.WORKERS: expected a string (quote numbers and booleans), got 4"] },
    { name: "secret env overlapping env", config: { env: { TOKEN: "a" }, secretEnv: secretValue({ TOKEN: "b" }) }, expect: ['secretEnv.TOKEN: expected a name not also in env'] },
    { name: "invalid namespace", config: { namespace: "My_Namespace" }, expect: ['namespace: expected a DNS label (lowercase letters, digits and \'-\', at most 63 characters), got "My_Namespace"'] },
    { name: "app name too long", config: { appName: "a".repeat(41) }, expect: ["appName: expected a DNS label starting with a letter, at most 40 characters, got \"aaaa"] },
    { name: "production with one pod and no TLS", config: { production: "true" }, expect: ["ingressTlsSecret: expected TLS on the Ingress of a production service (a Secret or a cert-manager issuer), got none"] },
    { name: "production with one guaranteed pod", config: { production: "true", replicas: "1", ingressTlsSecret: "tls" }, expect: ["replicas: expected at least 2 guaranteed pods on a production service, got 1"] },
    { name: "cert-manager without host", config: { ingressCertManagerIssuer: "letsencrypt" }, expect: ["ingressHost: expected a host name when ingressCertManagerIssuer is set (the certificate is issued for it), got nothing"] },
    { name: "ingress keys with ingress disabled", config: { ingressEnabled: "false", ingressHost: "a.example.com" }, expect: ['ingressHost: expected unset unless ingressEnabled is true, got "a.example.com"'] },
    { name: "path without slash", config: { ingressPath: "api" }, expect: ['ingressPath: expected a path starting with /, got "api"'] },
    { name: "kubeconfig and render together", config: { kubeContext: "prod" }, expect: ['kubeContext: expected unset when renderYamlTo is set (rendering needs no cluster), got "prod"'] },
    { name: "kubeconfig path that does not exist", config: { renderYamlTo: undefined, kubeconfig: secretValue("/nonexistent/kubeconfig") }, expect: ["kubeconfig: expected kubeconfig contents or the path of an existing file, got a path to a missing file"] },
    { name: "typo in a key", config: { replcas: "3" }, expect: ["replcas: expected a known key (did you mean replicas?)"] },
    { name: "bad boolean", config: { zoneSpread: "yes" }, expect: ['zoneSpread: expected true or false, got "yes"'] },
    { name: "bad platform", config: { imagePlatform: "amd64" }, expect: ['imagePlatform: expected one of linux/amd64, linux/arm64, linux/arm/v7, linux/arm/v6, linux/386, linux/ppc64le, linux/s390x, linux/riscv64, got "amd64"'] },
    {
        name: "a canary without an autoscaler, metrics or gateway, and with descending steps",
        config: { delivery: { kind: "canary", stepWeights: [50, 10], gates: { maxErrorPercent: 0, maxLatency: 800 } }, ingressTlsSecret: "tls" },
        expect: [
            "delivery.stepWeights[1]: expected a weight above the step before it (50%): the weights go up, got 10",
            "delivery.gates.maxErrorPercent: expected a percentage above 0 and at most 100, got 0",
            "delivery.gates.maxLatency: expected a field of canary gates: maxP99LatencyMs, maxErrorPercent, minRequests, got an unknown field",
            "delivery.gateway: expected the Gateway Flagger's HTTPRoute attaches to, {name, namespace}, with delivery.router gatewayapi, got nothing",
            "ingressTlsSecret: expected unset with delivery.router gatewayapi (no Ingress is created: Flagger's route serves ingressHost on every path of the Gateway, whose listeners hold TLS and the class), got a value",
            'autoscaling: expected hpa or keda with delivery.kind canary (Flagger owns the Deployment\'s replicas and scales the primary by the autoscaler it copies; a fixed count is hpa with minReplicas = maxReplicas), got "none"',
            "serviceMonitor: expected true with delivery.kind canary (the gates query the metrics its scrapes record), got false",
        ],
    },
    {
        name: "an nginx canary with ingress disabled and a match nginx cannot express",
        config: { autoscaling: "hpa", serviceMonitor: "true", ingressEnabled: "false", delivery: { kind: "canary", router: "nginx", match: { header: { name: "x-canary" }, cookie: { name: "user-group", value: "canary" } } } },
        expect: [
            "delivery.match.header: expected exactly one of value (exact) and regex (RE2), got neither",
            'delivery.match.cookie.value: expected "always" with delivery.router nginx',
            "ingressEnabled: expected an Ingress with delivery.router nginx (Flagger shifts the weight on a copy of it), got nothing",
        ],
    },
    { name: "an unknown delivery", config: { delivery: { kind: "bluegreen" } }, expect: ['delivery.kind: expected one of rolling, canary, got "bluegreen"'] },
    {
        name: "several problems at once",
        config: { replicas: "-1", logLevel: "verbose", servicePort: "70000" },
        expect: ['replicas: expected an integer from 1 to 1000, got -1', 'logLevel: expected one of debug, info, warn, error, got "verbose"', 'servicePort: expected an integer from 1 to 65535, got 70000'],
    },
];

describe("invalid stack configurations", () => {
    it("has at least 25 cases", () => assert.ok(CASES.length >= 25, `${CASES.length} cases`));

    it("the base configuration itself is valid", async () => {
        const run = await runProgram("test", toEngineConfig(BASE));
        assert.equal(run.error, undefined, run.error?.message);
        assert.ok(run.resources.length > 5);
    });

    for (const testCase of CASES) {
        it(testCase.name, async () => {
            const run = await runProgram("test", toEngineConfig({ ...BASE, ...testCase.config }));
            assert.ok(run.error, "the program must fail");
            assert.equal(run.error.name, "ConfigError", run.error.stack);
            for (const expected of testCase.expect) {
                assert.ok(run.error.message.includes(expected), `message lacks «${expected}»:\n${run.error.message}`);
            }
            assert.deepEqual(run.resources.map((resource) => resource.type), [], "no resource registered");
            assert.deepEqual(run.calls, [], "no invoke made");
            assert.ok(!run.error.message.includes("hunter2") && !run.error.message.includes("test-secret"), "no secret in the message");
        });
    }
});
