// One contract for every way in: each class of input that used to pass preview and fail later (in the pods, at the
// API server, in KEDA, at the registry, inside the build) is refused before anything is registered, both when a
// platform team calls the components directly and when a stack's config reaches them through the adapter, each as
// `path: expected …, got …` (components) or `key: expected …, got …` (stack config).
import * as assert from "node:assert/strict";
import * as path from "path";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { GoServiceImage, GoServiceImageArgs } from "../../components/image";
import { createKubernetesProvider } from "../../components/kubernetes-provider";
import { GenericRegistry, createRegistry, dockerConfigJson } from "../../components/registry";
import type { EcrRegistryArgs } from "../../components/registry/ecr";
import { KedaTrigger, WebService, WebServiceArgs } from "../../components/web-service";
import { ProgramRun, runProgram } from "../helpers/mocks";
import { PROJECT_DIR, secretValue, toEngineConfig } from "../helpers/stack-config";

const IMAGE = `registry.example.com/team/orders@sha256:${"c".repeat(64)}`;
const APP = path.join(PROJECT_DIR, "app");
/** A valid stack; each case changes it. Applied through a kube context, so secret values are allowed. */
const BASE = { registryServer: "registry.example.com", registryUsername: "robot", registryPassword: secretValue("robot-token"), kubeContext: "test" };
const KEDA = { autoscaling: "keda", kedaAwaitReady: "false" };

type Way =
    | { webService: Omit<WebServiceArgs, "provider" | "image">; renderYamlTo?: string }
    | { image: Partial<GoServiceImageArgs> }
    | { registry: () => void };

interface Case {
    name: string;
    component: Way;
    componentExpect: string[];
    /** What may exist when the component refuses (the registry a pull secret is asked of). */
    registered?: string[];
    config: Record<string, unknown>;
    configExpect: string[];
}

const trigger = (fields: Record<string, unknown>) => fields as unknown as KedaTrigger;

/** The classes of the issue; each case names the class it belongs to. */
const CLASSES: Record<string, Case[]> = {
    "values the Go service refuses at start (env, secretEnv, trustedProxies)": [
        {
            name: "a duration without a unit",
            component: { webService: { env: { READ_TIMEOUT: "10" } } },
            componentExpect: ['env.READ_TIMEOUT: expected a positive Go duration such as "10s" (the service refuses anything else at start), got "10"'],
            config: { env: { READ_TIMEOUT: "10" } },
            configExpect: ['env.READ_TIMEOUT: expected a positive Go duration such as "10s" (the service refuses anything else at start), got "10"'],
        },
        {
            name: "a byte size with a unit",
            component: { webService: { env: { MAX_BODY_BYTES: "1MiB" } } },
            componentExpect: ['env.MAX_BODY_BYTES: expected an integer number of bytes from 1 to 1073741824 (the service refuses anything else at start), got "1MiB"'],
            config: { env: { MAX_BODY_BYTES: "1MiB" } },
            configExpect: ['env.MAX_BODY_BYTES: expected an integer number of bytes from 1 to 1073741824'],
        },
        {
            name: "a secret value the service refuses, without showing it",
            component: { webService: { secretEnv: { IDLE_TIMEOUT: "forever" } } },
            componentExpect: ['secretEnv.IDLE_TIMEOUT: expected a positive Go duration such as "2m0s" (the service refuses anything else at start), got a value (not shown: it is secret)'],
            config: { secretEnv: secretValue({ IDLE_TIMEOUT: "forever" }) },
            configExpect: ["secretEnv.IDLE_TIMEOUT: expected a positive Go duration such as \"2m0s\" (the service refuses anything else at start), got a value (not shown: it is secret)"],
        },
        {
            name: "a CIDR with too many bits",
            component: { webService: { trustedProxies: "10.0.0.0/33" } },
            componentExpect: ['trustedProxies: expected comma-separated IP addresses or CIDRs such as 10.0.0.0/8, got "10.0.0.0/33"'],
            config: { trustedProxies: "10.0.0.0/33" },
            configExpect: ['trustedProxies: expected comma-separated IP addresses or CIDRs such as 10.0.0.0/8, got "10.0.0.0/33"'],
        },
        {
            name: "a listen address the kubelet's probes cannot reach",
            component: { webService: { env: { LISTEN_HOST: "127.0.0.1" } } },
            componentExpect: ['env.LISTEN_HOST: expected unset, 0.0.0.0 or :: (the kubelet probes the pod\'s IP, which a server bound to one address does not answer on) (the service would not pass its probes), got "127.0.0.1"'],
            config: { env: { LISTEN_HOST: "127.0.0.1" } },
            configExpect: ["env.LISTEN_HOST: expected unset, 0.0.0.0 or ::"],
        },
        {
            name: "a variable goship sets itself, which would be silently overridden",
            component: { webService: { env: { PORT: "9999", LOG_LEVEL: "debug" } } },
            componentExpect: ['env.PORT: expected a name goship does not set itself (PORT is fixed by the app\'s ports), got "PORT"', 'env.LOG_LEVEL: expected a name goship does not set itself (LOG_LEVEL comes from logLevel), got "LOG_LEVEL"'],
            config: { env: { PORT: "9999", LOG_LEVEL: "debug" } },
            configExpect: ['env.LOG_LEVEL: expected a name goship does not set itself (LOG_LEVEL comes from logLevel), got "LOG_LEVEL"'],
        },
        {
            name: "a name in env and in secretEnv",
            component: { webService: { env: { TOKEN: "a" }, secretEnv: { TOKEN: "b" } } },
            componentExpect: ['secretEnv.TOKEN: expected a name not also in env (which one would win is not obvious), got "TOKEN"'],
            config: { env: { TOKEN: "a" }, secretEnv: secretValue({ TOKEN: "b" }) },
            configExpect: ['secretEnv.TOKEN: expected a name not also in env (which one would win is not obvious), got "TOKEN"'],
        },
    ],
    "values the API server, the ingress controller, KEDA or the registry would refuse": [
        {
            name: "an IP address as the Ingress host",
            component: { webService: { ingress: { host: "10.0.0.1" } } },
            componentExpect: ['ingress.host: expected a DNS host name such as api.example.com or *.example.com (not an IP address), got "10.0.0.1"'],
            config: { ingressHost: "10.0.0.1" },
            configExpect: ['ingressHost: expected a DNS host name such as api.example.com or *.example.com (not an IP address), got "10.0.0.1"'],
        },
        {
            name: "a percentage over 100%",
            component: { webService: { rollout: { maxUnavailable: "150%" } } },
            componentExpect: ['rollout.maxUnavailable: expected a count such as 1 or a percentage such as 25% up to 100%, got "150%"'],
            config: { maxUnavailable: "150%" },
            configExpect: ['maxUnavailable: expected a count such as 1 or a percentage such as 25% up to 100%, got "150%"'],
        },
        {
            name: "a name longer than object names allow",
            component: { webService: {} },
            componentExpect: [],
            config: { appName: `svc-${"a".repeat(40)}` },
            configExpect: [`appName: expected a DNS label starting with a letter, at most 40 characters, got "svc-${"a".repeat(40)}"`],
        },
        {
            name: "a port out of range",
            component: { webService: { servicePort: 70000 } },
            componentExpect: ["servicePort: expected an integer from 1 to 65535, got 70000"],
            config: { servicePort: "70000" },
            configExpect: ["servicePort: expected an integer from 1 to 65535, got 70000"],
        },
        {
            name: "a platform nodes cannot run",
            component: { image: { platform: "windows/amd64" as never } },
            componentExpect: ['platform: expected one of linux/amd64, linux/arm64, linux/arm/v7, linux/arm/v6, linux/386, linux/ppc64le, linux/s390x, linux/riscv64, got "windows/amd64"'],
            config: { imagePlatform: "windows/amd64" },
            configExpect: ['imagePlatform: expected one of linux/amd64, linux/arm64'],
        },
        {
            name: "a fractional lag threshold and a non-numeric Prometheus threshold",
            component: { webService: { autoscaling: { kind: "keda", triggers: [
                trigger({ type: "kafka", bootstrapServers: "kafka:9092", consumerGroup: "svc", topic: "orders", lagThreshold: 1.5 }),
                trigger({ type: "prometheus", serverAddress: "http://prom:9090", query: "up", threshold: "lots" }),
            ] } } },
            componentExpect: ["autoscaling.triggers[0].lagThreshold: expected a whole number of at least 1, got 1.5", 'autoscaling.triggers[1].threshold: expected a number above 0, got "lots"'],
            config: { ...KEDA, kedaTriggers: [{ type: "kafka", bootstrapServers: "kafka:9092", consumerGroup: "svc", topic: "orders", lagThreshold: "1.5" }, { type: "prometheus", serverAddress: "http://prom:9090", query: "up", threshold: "lots" }] },
            configExpect: ['kedaTriggers[0].lagThreshold: expected a whole number of at least 1, got "1.5"', 'kedaTriggers[1].threshold: expected a number above 0, got "lots"'],
        },
        {
            name: "a KEDA cron time zone and field that are not valid",
            component: { webService: { autoscaling: { kind: "keda", triggers: [trigger({ type: "cron", timezone: "Mars/Olympus", start: "0 25 * * *", end: "0 20 * * *", desiredReplicas: 2 })] } } },
            componentExpect: ['autoscaling.triggers[0].timezone: expected an IANA time zone such as Europe/Berlin or UTC, got "Mars/Olympus"', 'autoscaling.triggers[0].start: expected a 5-field cron expression such as 0 8 * * 1-5 (minute hour day-of-month month day-of-week), got "0 25 * * *"'],
            config: { ...KEDA, kedaTriggers: [{ type: "cron", timezone: "asia/shanghai", start: "0 8 * * 1-5", end: "0 20 * * 8", desiredReplicas: 2 }] },
            configExpect: ['kedaTriggers[0].timezone: expected an IANA time zone such as Europe/Berlin or UTC, got "asia/shanghai"', 'kedaTriggers[0].end: expected a 5-field cron expression'],
        },
        {
            name: "a KEDA fallback with only cpu and memory triggers",
            component: { webService: { autoscaling: { kind: "keda", fallbackReplicas: 4, triggers: [{ type: "cpu", utilization: 60 }, { type: "memory", utilization: 70 }] } } },
            componentExpect: ["autoscaling.fallbackReplicas: expected unset when every trigger is cpu or memory (KEDA has no fallback for them; add an event trigger to autoscaling.triggers), got 4"],
            config: { ...KEDA, kedaFallbackReplicas: "4", kedaTriggers: [{ type: "cpu", utilization: 60 }] },
            configExpect: ["kedaFallbackReplicas: expected unset when every trigger is cpu or memory (KEDA has no fallback for them; add an event trigger to kedaTriggers), got 4"],
        },
        {
            name: "a CPU quantity with a wrong suffix",
            component: { webService: { resources: { cpuRequest: "500M" } } },
            componentExpect: ['resources.cpuRequest: expected a CPU quantity in cores or millicores such as 500m or 2, got "500M"'],
            config: { cpuRequest: "500M" },
            configExpect: ['cpuRequest: expected a CPU quantity in cores or millicores such as 500m or 2, got "500M"'],
        },
        {
            name: "a rollout that can never progress",
            component: { webService: { rollout: { maxSurge: 0, maxUnavailable: "0%" } } },
            componentExpect: ['rollout.maxUnavailable: expected a non-zero value when rollout.maxSurge is 0 (a rollout could never progress), got "0%"'],
            config: { maxSurge: "0", maxUnavailable: "0%" },
            configExpect: ['maxUnavailable: expected a non-zero value when maxSurge is 0 (a rollout could never progress), got "0%"'],
        },
        {
            name: "a KEDA fallback above maxReplicas, and minReplicas above it",
            component: { webService: { autoscaling: { kind: "keda", minReplicas: 5, maxReplicas: 4, fallbackReplicas: 9, triggers: [trigger({ type: "prometheus", serverAddress: "http://prom:9090", query: "up", threshold: 10 })] } } },
            componentExpect: ["autoscaling.minReplicas: expected at most autoscaling.maxReplicas (4), got 5", "autoscaling.fallbackReplicas: expected at most autoscaling.maxReplicas (4), got 9"],
            config: { ...KEDA, minReplicas: "5", maxReplicas: "4", kedaFallbackReplicas: "9", kedaTriggers: [{ type: "prometheus", serverAddress: "http://prom:9090", query: "up", threshold: 10 }] },
            configExpect: ["minReplicas: expected at most maxReplicas (4), got 5", "kedaFallbackReplicas: expected at most maxReplicas (4), got 9"],
        },
        {
            name: "an ACR repository with a slash (ACR puts it in a namespace)",
            component: { registry: () => createRegistry("registry", { type: "acr-enterprise", repository: "team/app", namespace: "team", instanceId: "cri-abc" }) },
            componentExpect: ['repository: expected a lowercase repository name without \'/\' (the namespace is acrNamespace), 2 to 64 characters, got "team/app"'],
            config: { registryType: "acr-enterprise", registryServer: undefined, registryUsername: undefined, registryPassword: undefined, "alicloud:region": "cn-hangzhou", acrNamespace: "team", acrInstanceId: "cri-abc", imageRepository: "team/app" },
            configExpect: ['imageRepository: expected a lowercase repository name without \'/\''],
        },
    ],
    "unknown fields inside structured values, and a misspelt namespace": [
        {
            name: "a KEDA trigger with a misspelt field",
            component: { webService: { autoscaling: { kind: "keda", triggers: [trigger({ type: "cpu", utilisation: 60 })] } } },
            componentExpect: ["autoscaling.triggers[0].utilisation: expected a field of a cpu trigger (did you mean utilization?): type, utilization, got an unknown field"],
            config: { ...KEDA, kedaTriggers: [{ type: "cpu", utilisation: 60 }] },
            configExpect: ["kedaTriggers[0].utilisation: expected a field of a cpu trigger (did you mean utilization?): type, utilization, got an unknown field"],
        },
        {
            name: "an egress rule with a misspelt field",
            component: { webService: { networkPolicy: { egress: [{ cidr: ["10.0.0.0/8"] } as never] } } },
            componentExpect: ["networkPolicy.egress[0].cidr: expected a field of an egress rule (did you mean cidrs?): cidrs, namespaces, ports, got an unknown field"],
            config: { networkPolicyEgress: [{ cidr: ["10.0.0.0/8"] }] },
            configExpect: ["networkPolicyEgress[0].cidr: expected a field of an egress rule (did you mean cidrs?)"],
        },
        {
            name: "a misspelt argument / a key under a misspelt project namespace",
            component: { webService: { logLevels: "debug" } as never },
            componentExpect: ["logLevels: expected a field of a WebService argument (did you mean logLevel?)"],
            config: { "gosihp:replicas": "3" },
            configExpect: ["gosihp:replicas: expected a key of the goship namespace (did you mean goship:replicas?), got a key of an unknown namespace"],
        },
    ],
    "the image's inputs, checked before anything is registered": [
        {
            name: "a build context that is not there",
            component: { image: { context: "/nonexistent/orders" } },
            componentExpect: ['context: expected an absolute path of a Go module directory (go.mod at its root), got "/nonexistent/orders"'],
            config: { imageContext: "services/missing" },
            configExpect: [`imageContext: expected an absolute path of a Go module directory (go.mod at its root), got "${path.join(PROJECT_DIR, "services/missing")}"`],
        },
        {
            name: "a Dockerfile and a main package that are not in it",
            component: { image: { dockerfile: "Dockerfile.prod", mainPackage: "./cmd/api" } },
            componentExpect: [`dockerfile: expected a file inside the build context ${APP}, got "Dockerfile.prod"`, 'mainPackage: expected a directory of the module holding package main (a package path inside the module such as ./cmd/server), got "./cmd/api" (no such directory)'],
            config: { imageDockerfile: "Dockerfile.prod", imageMainPackage: "./internal/config" },
            configExpect: [`imageDockerfile: expected a file inside the build context ${APP}, got "Dockerfile.prod"`, 'imageMainPackage: expected a directory of the module holding package main (a package path inside the module such as ./cmd/server), got "./internal/config" (no package main there)'],
        },
        {
            name: "a build arg the Dockerfile does not declare (docker would ignore it)",
            component: { image: { buildArgs: { BUILDER_IMG: "golang:1.26" } } },
            componentExpect: ['buildArgs.BUILDER_IMG: expected a build arg the Dockerfile declares (BUILDER_IMAGE, RUNTIME_IMAGE, GOPROXY, GOSUMDB, VERSION); docker ignores others, got "BUILDER_IMG"'],
            config: { imageBuildArgs: { BUILDER_IMG: "golang:1.26" } },
            configExpect: ['imageBuildArgs.BUILDER_IMG: expected a build arg the Dockerfile declares'],
        },
    ],
    "a pull secret from a short-lived token": [
        {
            name: "ECR's 12-hour token",
            registered: ["goship:registry:EcrRegistry", "aws:ecr/repository:Repository", "aws:ecr/lifecyclePolicy:LifecyclePolicy"],
            component: { registry: () => dockerConfigJson(createRegistry("registry", { type: "ecr", repository: "team/orders" } as { type: "ecr" } & EcrRegistryArgs)) },
            componentExpect: ["dockerConfigJson: invalid arguments (1 problem):\n  - registry: expected no pull secret for this registry: its token expires after 12 h and new pods could pull no longer; pull by node identity (the node role or IRSA with ECR read access) or the kubelet's ECR credential provider, got a pull secret"],
            config: { registryType: "ecr", registryServer: undefined, registryUsername: undefined, registryPassword: undefined, imagePullSecret: "true" },
            configExpect: ["imagePullSecret: expected no pull secret for ecr: its token expires after 12 h and new pods could pull no longer; pull by node identity"],
        },
        {
            name: "ACR Enterprise's 1-hour token",
            registered: ["goship:registry:AcrEnterpriseRegistry", "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace", "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo"],
            component: { registry: () => dockerConfigJson(createRegistry("registry", { type: "acr-enterprise", repository: "orders", namespace: "team", instanceId: "cri-abc" })) },
            componentExpect: ["registry: expected no pull secret for this registry: its token expires after 1 h and new pods could pull no longer; pull by node identity (a RAM role on the ACK nodes) or ACK's aliyun-acr-credential-helper"],
            config: { registryType: "acr-enterprise", registryServer: undefined, registryUsername: undefined, registryPassword: undefined, "alicloud:region": "cn-hangzhou", acrNamespace: "team", acrInstanceId: "cri-abc", imagePullSecret: "true" },
            configExpect: ["imagePullSecret: expected no pull secret for acr-enterprise: its token expires after 1 h"],
        },
    ],
    "manifests that would misroute or leak": [
        {
            name: "an nginx rewrite without a capture group (every request rewritten to /)",
            component: { webService: { ingress: { annotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/" } } } },
            componentExpect: ['ingress.annotations["nginx.ingress.kubernetes.io/rewrite-target"]: expected a target that uses a capture group of ingress.path, with ingress.pathType ImplementationSpecific (e.g. path /api(/|$)(.*) and target /$2): ingress-nginx rewrites every request to a target without one, got "/" with path "/" (Prefix)'],
            config: { ingressAnnotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/" } },
            configExpect: ['ingressAnnotations["nginx.ingress.kubernetes.io/rewrite-target"]: expected a target that uses a capture group of ingressPath, with ingressPathType ImplementationSpecific'],
        },
        {
            name: "a canary whose weight Flagger would shift on an Ingress it never gets (nginx without one)",
            component: { webService: { autoscaling: { kind: "hpa" }, serviceMonitor: true, delivery: { kind: "canary", router: "nginx" } } },
            componentExpect: ["ingress: expected an Ingress with delivery.router nginx (Flagger shifts the weight on a copy of it), got nothing"],
            config: { autoscaling: "hpa", serviceMonitor: "true", ingressEnabled: "false", delivery: { kind: "canary", router: "nginx" } },
            configExpect: ["ingressEnabled: expected an Ingress with delivery.router nginx (Flagger shifts the weight on a copy of it), got nothing"],
        },
        {
            name: "a canary with a fixed replica count (Pulumi and Flagger would both own the Deployment's replicas)",
            component: { webService: { serviceMonitor: true, delivery: { kind: "canary", gateway: { name: "goship", namespace: "traefik" } } } },
            componentExpect: ['autoscaling.kind: expected hpa or keda with delivery.kind canary (Flagger owns the Deployment\'s replicas'],
            config: { replicas: "3", serviceMonitor: "true", delivery: { kind: "canary", gateway: { name: "goship", namespace: "traefik" } } },
            configExpect: ['autoscaling: expected hpa or keda with delivery.kind canary (Flagger owns the Deployment\'s replicas'],
        },
        {
            name: "Secrets rendered to files in plaintext",
            component: { webService: { secretEnv: { API_TOKEN: "t" } }, renderYamlTo: "/tmp/goship-render" },
            componentExpect: ['provider: expected a provider that applies manifests while secretEnv hold secret values (rendering writes their Secrets to files in plaintext), got one that renders to "/tmp/goship-render"'],
            config: { kubeContext: undefined, renderYamlTo: "/tmp/goship-render", imagePullSecret: "true", secretEnv: secretValue({ API_TOKEN: "t" }) },
            configExpect: ['renderYamlTo: expected a provider that applies manifests while secretEnv and imagePullSecret hold secret values (rendering writes their Secrets to files in plaintext), got one that renders to "/tmp/goship-render"'],
        },
        {
            name: "a canary rendered to files (its release would wait for a verdict on a cluster nothing was applied to)",
            component: { webService: { autoscaling: { kind: "hpa" }, serviceMonitor: true, delivery: { kind: "canary", gateway: { name: "goship", namespace: "traefik" } } }, renderYamlTo: "/tmp/goship-render" },
            componentExpect: ['delivery.kind: expected rolling when rendering manifests (a canary release waits for Flagger\'s verdict on the cluster'],
            config: { kubeContext: undefined, renderYamlTo: "/tmp/goship-render", autoscaling: "hpa", serviceMonitor: "true", delivery: { kind: "canary", gateway: { name: "goship", namespace: "traefik" } } },
            configExpect: ['delivery.kind: expected rolling when rendering manifests (a canary release waits for Flagger\'s verdict on the cluster'],
        },
    ],
};

async function throughComponents(way: Way): Promise<ProgramRun> {
    return runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => {
            if ("webService" in way) {
                const provider = way.renderYamlTo
                    ? createKubernetesProvider("cluster", { renderYamlTo: way.renderYamlTo })
                    : new k8s.Provider("cluster", {});
                new WebService("orders", { ...way.webService, provider, image: IMAGE });
            } else if ("image" in way) {
                const registry = new GenericRegistry("registry", { server: "registry.example.com", repository: "team/orders", username: "robot", password: "token" });
                new GoServiceImage("orders", { registry, context: APP, ...way.image });
            } else {
                way.registry();
            }
        },
    });
}

/** What the component itself registers: nothing of it may exist when it refuses its arguments. */
const ownResources = (run: ProgramRun, registered: string[] = []) => run.resources.filter((resource) =>
    !["pulumi:providers:kubernetes", "goship:registry:GenericRegistry", ...registered].includes(resource.type));

describe("one contract for every way in", () => {
    for (const [className, cases] of Object.entries(CLASSES)) {
        describe(className, () => {
            for (const testCase of cases) {
                if (testCase.componentExpect.length > 0) {
                    it(`${testCase.name}: refused by the component`, async () => {
                        const run = await throughComponents(testCase.component);
                        assert.equal(run.error?.name, "ArgumentError", run.error?.stack ?? "the component accepted it");
                        for (const expected of testCase.componentExpect) {
                            assert.ok(run.error.message.includes(expected), `message lacks «${expected}»:\n${run.error.message}`);
                        }
                        assert.deepEqual(ownResources(run, testCase.registered).map((resource) => resource.type), [], "nothing registered");
                    });
                }
                it(`${testCase.name}: refused by the stack config`, async () => {
                    const run = await runProgram("test", toEngineConfig({ ...BASE, ...testCase.config }));
                    assert.equal(run.error?.name, "ConfigError", run.error?.stack ?? "the stack config accepted it");
                    for (const expected of testCase.configExpect) {
                        assert.ok(run.error.message.includes(expected), `message lacks «${expected}»:\n${run.error.message}`);
                    }
                    assert.deepEqual(run.resources.map((resource) => resource.type), [], "nothing registered");
                    assert.deepEqual(run.calls, [], "no invoke made");
                });
            }
        });
    }

    it("two keys that set one argument: imageBuilderImage and imageBuildArgs.BUILDER_IMAGE", async () => {
        const run = await runProgram("test", toEngineConfig({ ...BASE, imageBuilderImage: "golang:1.26", imageBuildArgs: { BUILDER_IMAGE: "golang:1.25" } }));
        assert.equal(run.error?.name, "ConfigError");
        assert.ok(run.error.message.includes('imageBuildArgs.BUILDER_IMAGE: expected unset when imageBuilderImage is set (both set image.buildArgs.BUILDER_IMAGE), got "golang:1.25"'), run.error.message);
        assert.deepEqual(run.resources, []);
    });

    it("every problem at once, from every component, in one error", async () => {
        const run = await runProgram("test", toEngineConfig({
            ...BASE, registryServer: "https://registry.example.com", imagePlatform: "linux/amd65", cpuRequest: "500M", ingressHost: "10.0.0.1", kubeContext: "",
        }));
        assert.equal(run.error?.name, "ConfigError");
        assert.match(run.error.message, /^invalid stack configuration \(5 problems\):/);
        for (const key of ["registryServer", "imagePlatform", "cpuRequest", "ingressHost", "kubeContext"]) {
            assert.match(run.error.message, new RegExp(`\\n  - ${key}: expected `));
        }
    });

    it("valid values of the same classes pass both ways", async () => {
        const service: Omit<WebServiceArgs, "provider" | "image"> = {
            env: { READ_TIMEOUT: "30s", MAX_BODY_BYTES: "+2048", LISTEN_HOST: "::" },
            trustedProxies: "10.0.0.0/8, fd00::/8",
            rollout: { maxUnavailable: "100%" },
            ingress: { host: "*.example.com", path: "/api(/|$)(.*)", pathType: "ImplementationSpecific", annotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/$2" } },
            autoscaling: { kind: "keda", fallbackReplicas: 3, triggers: [
                { type: "cron", timezone: "Asia/Shanghai", start: "0 8 * * MON-FRI", end: "*/30 20 * * 1-5", desiredReplicas: "4" },
                { type: "prometheus", serverAddress: "http://prom:9090", query: "up", threshold: "0.5" },
                { type: "cpu", utilization: 70 },
            ] },
            networkPolicy: { egress: [{ cidrs: ["10.20.0.0/16"], ports: [5432] }, { namespaces: ["kafka"] }] },
        };
        const direct = await throughComponents({ webService: service });
        assert.equal(direct.error, undefined, direct.error?.message);
        const viaConfig = await runProgram("test", toEngineConfig({
            ...BASE, ...KEDA, env: service.env, trustedProxies: service.trustedProxies, maxUnavailable: "100%",
            ingressHost: "*.example.com", ingressPath: "/api(/|$)(.*)", ingressPathType: "ImplementationSpecific",
            ingressAnnotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/$2" }, kedaFallbackReplicas: "3",
            kedaTriggers: (service.autoscaling as { triggers: unknown[] }).triggers, networkPolicyEgress: [{ cidrs: ["10.20.0.0/16"], ports: [5432] }],
        }));
        assert.equal(viaConfig.error, undefined, viaConfig.error?.message);
    });
});
