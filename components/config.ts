// Stack config → typed, validated settings. Every problem is collected and reported in one error, each as
// `key: expected …, got …`, before the program registers a single resource.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import {
    ACR_ENDPOINTS,
    AUTOSCALING_KINDS,
    CONFIG_KEYS,
    ConfigKey,
    ConfigKeyDef,
    ECR_ENCRYPTIONS,
    IMAGE_BUILDERS,
    LOG_LEVELS,
    PATH_TYPES,
    REGISTRY_TYPES,
} from "./config-schema";
import { DEFAULTS } from "./defaults";
import { expandHome, isKubeconfigContent } from "./kubeconfig";
import { parseCpu, parseMemory } from "./quantity";
import type { RegistrySettings } from "./registry";
import {
    AutoscalingSettings,
    IngressSettings,
    KedaTrigger,
    NetworkPolicySettings,
    WebServiceSettings,
} from "./web-service/types";
import { RESERVED_ENV } from "./web-service/container-env";

export interface ImageSettings {
    /** Build context relative to the project directory. */
    context: string;
    dockerfile: string;
    mainPackage: string;
    platform: string;
    builderImage?: string;
    runtimeImage?: string;
    buildArgs: Record<string, string>;
    builder: (typeof IMAGE_BUILDERS)[number];
    passGoProxy: boolean;
    network?: string;
}

export interface KubernetesSettings {
    /** Kubeconfig contents or path (secret); undefined: the ambient KUBECONFIG / current context. */
    kubeconfig?: pulumi.Output<string>;
    context?: string;
    renderYamlTo?: string;
}

export interface Settings {
    appName: string;
    production: boolean;
    registry: RegistrySettings;
    imagePullSecret: boolean;
    image: ImageSettings;
    kubernetes: KubernetesSettings;
    service: WebServiceSettings;
    /** Secret environment variables (secret Output); undefined when none are configured. */
    secretEnv?: pulumi.Output<Record<string, string>>;
}

/** The stack's raw config as the engine hands it to the program (structured values as JSON text). */
export interface RawConfig {
    /** A key of this project's namespace. */
    get(key: string): string | undefined;
    /** All keys set in this project's namespace. */
    keys(): string[];
    /** A key of another namespace, e.g. `aws:region`. */
    getQualified(fullKey: string): string | undefined;
    /** Whether the stack stores the key encrypted (set with --secret). */
    isSecret(key: string): boolean;
}

export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((problem) => `  - ${problem}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Reads the running stack's config; throws ConfigError listing every problem. */
export function loadSettings(project: string = pulumi.getProject()): Settings {
    return parseSettings(runtimeConfig(project));
}

export function runtimeConfig(project: string): RawConfig {
    const all = (): Record<string, string> => pulumi.runtime.allConfig();
    const prefix = `${project}:`;
    return {
        get: (key) => pulumi.runtime.getConfig(`${project}:${key}`),
        keys: () => Object.keys(all()).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)),
        getQualified: (fullKey) => pulumi.runtime.getConfig(fullKey),
        isSecret: (key) => runtimeIsConfigSecret(`${project}:${key}`),
    };
}

/** The SDK knows which keys the stack stores encrypted, but does not declare the function in its typings. */
function runtimeIsConfigSecret(fullKey: string): boolean {
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };
    return runtimeConfig.isConfigSecret?.(fullKey) ?? false;
}

// ---------------------------------------------------------------------------------------------------------------
// Readers: each returns the typed value (or the key's default) and records a problem instead of throwing.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const REGISTRY_HOST = /^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?(:[0-9]{1,5})?$/;
const REPOSITORY_PATH = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9]+(\/v[0-9]+)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INT_OR_PERCENT = /^[0-9]+%?$/;

function describe(raw: string | undefined): string {
    return raw === undefined ? "nothing" : JSON.stringify(raw);
}

function defaultOf(key: ConfigKey): string | number | boolean | undefined {
    return (CONFIG_KEYS[key] as ConfigKeyDef).default;
}

/** How a bad value is shown in an error: never the value of a secret key. */
function shown(key: ConfigKey, value: unknown): string {
    if ((CONFIG_KEYS[key] as ConfigKeyDef).secret) {
        return "a value (not shown: the key is secret)";
    }
    return typeof value === "string" ? describe(value) : JSON.stringify(value);
}

class Reader {
    readonly problems: string[] = [];

    constructor(private readonly raw: RawConfig) {}

    problem(key: string, expected: string, got: string): void {
        this.problems.push(`${key}: expected ${expected}, got ${got}`);
    }

    /**
     * Set to something other than its default. The engine fills in the defaults declared in Pulumi.yaml, so a value
     * equal to the default is indistinguishable from (and as harmless as) no value.
     */
    isSet(key: ConfigKey): boolean {
        const value = this.raw.get(key);
        const fallback = defaultOf(key);
        return value !== undefined && (fallback === undefined || value !== String(fallback));
    }

    rawValue(key: ConfigKey): string | undefined {
        return this.raw.get(key);
    }

    optionalString(key: ConfigKey, pattern?: RegExp, expected?: string): string | undefined {
        const value = this.raw.get(key);
        if (value === undefined) {
            return undefined;
        }
        if (value.trim() === "") {
            this.problem(key, expected ?? "a non-empty string", "an empty string");
            return undefined;
        }
        if (pattern && !pattern.test(value)) {
            this.problem(key, expected ?? `a value matching ${pattern}`, describe(value));
            return undefined;
        }
        return value;
    }

    string(key: ConfigKey, pattern?: RegExp, expected?: string): string {
        return this.optionalString(key, pattern, expected) ?? String(defaultOf(key) ?? "");
    }

    requiredString(key: ConfigKey, because: string, pattern?: RegExp, expected?: string): string {
        if (this.raw.get(key) === undefined) {
            this.problem(key, `${expected ?? "a value"} ${because}`, "nothing");
            return "";
        }
        return this.optionalString(key, pattern, expected) ?? "";
    }

    oneOf<T extends string>(key: ConfigKey, allowed: readonly T[]): T {
        const value = this.raw.get(key);
        const fallback = defaultOf(key) as T;
        if (value === undefined) {
            return fallback;
        }
        if (!(allowed as readonly string[]).includes(value)) {
            this.problem(key, `one of ${allowed.join(", ")}`, describe(value));
            return fallback;
        }
        return value as T;
    }

    boolean(key: ConfigKey): boolean {
        const value = this.raw.get(key);
        if (value === undefined) {
            return defaultOf(key) as boolean;
        }
        if (value !== "true" && value !== "false") {
            this.problem(key, "true or false", describe(value));
            return defaultOf(key) as boolean;
        }
        return value === "true";
    }

    optionalInteger(key: ConfigKey, min: number, max: number): number | undefined {
        const value = this.raw.get(key);
        if (value === undefined) {
            return undefined;
        }
        const parsed = Number(value);
        if (!/^-?[0-9]+$/.test(value.trim()) || parsed < min || parsed > max) {
            this.problem(key, `an integer from ${min} to ${max}`, describe(value));
            return undefined;
        }
        return parsed;
    }

    integer(key: ConfigKey, min: number, max: number): number {
        return this.optionalInteger(key, min, max) ?? (defaultOf(key) as number);
    }

    /** A string-to-string map, e.g. env or annotations. */
    map(key: ConfigKey, keyPattern?: RegExp, keyExpected?: string): Record<string, string> {
        const parsed = this.json(key);
        if (parsed === undefined) {
            return {};
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            this.problem(key, "a map of strings", shown(key, this.raw.get(key)));
            return {};
        }
        const result: Record<string, string> = {};
        for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
            if (keyPattern && !keyPattern.test(name)) {
                this.problem(`${key}.${name}`, keyExpected ?? `a key matching ${keyPattern}`, JSON.stringify(name));
                continue;
            }
            if (typeof value !== "string") {
                this.problem(`${key}.${name}`, "a string (quote numbers and booleans)", shown(key, value));
                continue;
            }
            result[name] = value;
        }
        return result;
    }

    list(key: ConfigKey): unknown[] | undefined {
        const parsed = this.json(key);
        if (parsed === undefined) {
            return undefined;
        }
        if (!Array.isArray(parsed)) {
            this.problem(key, "a list", describe(this.raw.get(key)));
            return undefined;
        }
        return parsed;
    }

    private json(key: ConfigKey): unknown {
        const value = this.raw.get(key);
        if (value === undefined) {
            return undefined;
        }
        try {
            return JSON.parse(value);
        } catch {
            this.problem(key, CONFIG_KEYS[key].type === "list" ? "a list" : "a map", shown(key, value));
            return undefined;
        }
    }

    /** Keys that only mean something under another setting must not be set, or the user's intent is lost. */
    unusedUnless(condition: boolean, keys: ConfigKey[], because: string): void {
        if (condition) {
            return;
        }
        for (const key of keys) {
            if (this.isSet(key)) {
                this.problem(key, `unset ${because}`, shown(key, this.raw.get(key)));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------

export function parseSettings(raw: RawConfig): Settings {
    const r = new Reader(raw);
    reportUnknownKeys(raw, r);

    const appName = r.string("appName", DNS_1035_LABEL, "a DNS label of at most 40 characters starting with a letter");
    if (appName.length > 40) {
        r.problem("appName", "at most 40 characters", describe(appName));
    }
    const production = r.boolean("production");
    const registry = readRegistry(r, raw, appName);
    const image = readImage(r);
    const kubernetes = readKubernetes(r);
    const service = readService(r, production);
    const secretEnv = readSecretEnv(r, service.env);

    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return {
        appName,
        production,
        registry,
        imagePullSecret: r.boolean("imagePullSecret"),
        image,
        kubernetes,
        service,
        secretEnv,
    };
}

function reportUnknownKeys(raw: RawConfig, r: Reader): void {
    const known = Object.keys(CONFIG_KEYS);
    for (const key of raw.keys()) {
        if (known.includes(key) && (CONFIG_KEYS[key as ConfigKey] as ConfigKeyDef).secret && !raw.isSecret(key)) {
            r.problem(key, `a secret value (pulumi config set --secret ${key} …)`, "a plaintext value");
        }
        if (!known.includes(key)) {
            const suggestion = closest(key, known);
            r.problem(key, `a known key${suggestion ? ` (did you mean ${suggestion}?)` : ""}; see README "Configuration"`, "an unknown key");
        }
    }
}

/** The known key nearest to a typo, if it is near enough to be the one meant. */
function closest(key: string, known: string[]): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const candidate of known) {
        const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
        if (!best || distance < best.distance) {
            best = { key: candidate, distance };
        }
    }
    return best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

const ECR_KEYS: ConfigKey[] = [
    "ecrScanOnPush", "ecrImmutableTags", "ecrEncryption", "ecrKmsKeyArn", "ecrKeepImages", "ecrExpireUntaggedDays", "ecrForceDelete",
];
const ACR_KEYS: ConfigKey[] = ["acrNamespace", "acrEndpoint", "acrCreateNamespace"];

function readRegistry(r: Reader, raw: RawConfig, appName: string): RegistrySettings {
    const type = r.oneOf("registryType", REGISTRY_TYPES);
    const repository = r.optionalString("imageRepository", REPOSITORY_PATH, "a lowercase repository path like team/goship") ?? appName;
    const because = `when registryType is ${type}`;

    r.unusedUnless(type === "generic", ["registryServer", "registryInsecure"], "unless registryType is generic");
    r.unusedUnless(type === "generic" || type === "acr-personal", ["registryUsername", "registryPassword"],
        "unless registryType is generic or acr-personal (ecr and acr-enterprise issue tokens)");
    r.unusedUnless(type === "ecr", ECR_KEYS, "unless registryType is ecr");
    r.unusedUnless(type.startsWith("acr-"), ACR_KEYS, "unless registryType is acr-personal or acr-enterprise");
    r.unusedUnless(type === "acr-enterprise", ["acrInstanceId"], "unless registryType is acr-enterprise");
    r.unusedUnless(type === "acr-personal", ["acrPersonalDomain"], "unless registryType is acr-personal");

    const loginFromConfig = () => ({
        username: r.requiredString("registryUsername", because),
        password: pulumi.secret(r.requiredString("registryPassword", because)),
    });

    switch (type) {
        case "generic":
            return {
                type,
                repository,
                server: r.requiredString("registryServer", because, REGISTRY_HOST, "a registry host[:port]"),
                insecure: r.boolean("registryInsecure"),
                ...loginFromConfig(),
            };
        case "ecr": {
            const encryption = r.oneOf("ecrEncryption", ECR_ENCRYPTIONS);
            r.unusedUnless(encryption === "KMS", ["ecrKmsKeyArn"], "unless ecrEncryption is KMS");
            return {
                type,
                repository,
                scanOnPush: r.boolean("ecrScanOnPush"),
                immutableTags: r.boolean("ecrImmutableTags"),
                encryption: encryption === "KMS"
                    ? { type: "KMS", kmsKeyArn: r.requiredString("ecrKmsKeyArn", "when ecrEncryption is KMS", /^arn:aws[-a-z]*:kms:/, "a KMS key ARN") }
                    : { type: "AES256" },
                keepImages: r.integer("ecrKeepImages", 1, 1000),
                expireUntaggedDays: r.integer("ecrExpireUntaggedDays", 1, 3650),
                forceDelete: r.boolean("ecrForceDelete"),
            };
        }
        case "acr-personal":
        case "acr-enterprise": {
            if (raw.getQualified("alicloud:region") === undefined) {
                r.problem("alicloud:region", `a region such as cn-hangzhou ${because}`, "nothing");
            }
            const common = {
                repository,
                namespace: r.requiredString("acrNamespace", because, DNS_LABEL, "a lowercase namespace"),
                endpoint: r.oneOf("acrEndpoint", ACR_ENDPOINTS),
                createNamespace: r.boolean("acrCreateNamespace"),
            };
            if (type === "acr-enterprise") {
                return { type, ...common, instanceId: r.requiredString("acrInstanceId", because, /^cri-[a-z0-9]+$/, "an instance id like cri-xxxx") };
            }
            return { type, ...common, ...loginFromConfig(), domain: r.optionalString("acrPersonalDomain", HOSTNAME, "a registry domain") };
        }
    }
}

function readImage(r: Reader): ImageSettings {
    return {
        context: r.string("imageContext"),
        dockerfile: r.string("imageDockerfile"),
        mainPackage: r.string("imageMainPackage", /^\.\/?[A-Za-z0-9_./-]*$/, "a package path relative to the module, like ./cmd/server"),
        platform: r.string("imagePlatform", PLATFORM, "os/arch like linux/amd64"),
        builderImage: r.optionalString("imageBuilderImage"),
        runtimeImage: r.optionalString("imageRuntimeImage"),
        buildArgs: r.map("imageBuildArgs", /^[A-Za-z_][A-Za-z0-9_]*$/, "a build-arg name"),
        builder: r.oneOf("imageBuilder", IMAGE_BUILDERS),
        passGoProxy: r.boolean("imagePassGoProxy"),
        network: r.optionalString("imageBuildNetwork", /^[a-zA-Z0-9_.-]+$/, "a docker network name such as host"),
    };
}

function readKubernetes(r: Reader): KubernetesSettings {
    const renderYamlTo = r.optionalString("renderYamlTo");
    if (renderYamlTo !== undefined) {
        r.unusedUnless(false, ["kubeconfig", "kubeContext"], "when renderYamlTo is set (rendering needs no cluster)");
    }
    const kubeconfig = r.optionalString("kubeconfig");
    if (kubeconfig !== undefined && !isKubeconfigContent(kubeconfig) && !fs.existsSync(expandHome(kubeconfig))) {
        r.problem("kubeconfig", "kubeconfig contents or the path of an existing file", "a path to a missing file");
    }
    return {
        kubeconfig: kubeconfig === undefined ? undefined : pulumi.secret(kubeconfig),
        context: r.optionalString("kubeContext"),
        renderYamlTo,
    };
}

function readService(r: Reader, production: boolean): WebServiceSettings {
    const resources = {
        cpuRequest: r.string("cpuRequest"),
        cpuLimit: r.string("cpuLimit"),
        memoryRequest: r.string("memoryRequest"),
        memoryLimit: r.string("memoryLimit"),
    };
    checkResources(r, resources);

    const rollout = {
        revisionHistoryLimit: r.integer("revisionHistoryLimit", 0, 100),
        maxSurge: r.string("maxSurge", INT_OR_PERCENT, "a count or a percentage like 25%"),
        maxUnavailable: r.string("maxUnavailable", INT_OR_PERCENT, "a count or a percentage like 0"),
        timeoutSeconds: r.integer("rolloutTimeoutSeconds", 30, 3600),
    };
    if (/^0+%?$/.test(rollout.maxSurge) && /^0+%?$/.test(rollout.maxUnavailable)) {
        r.problem("maxUnavailable", "a non-zero value when maxSurge is 0 (a rollout could never progress)", describe(rollout.maxUnavailable));
    }

    const env = r.map("env", ENV_NAME, "an environment variable name");
    for (const name of Object.keys(env)) {
        if (RESERVED_ENV.includes(name)) {
            r.problem(`env.${name}`, `a name goship does not set itself (it sets ${RESERVED_ENV.join(", ")})`, JSON.stringify(name));
        }
    }

    const autoscaling = readAutoscaling(r);
    const ingress = readIngress(r, production);
    const guaranteed = autoscaling.kind === "none" ? autoscaling.replicas : autoscaling.minReplicas;
    if (production && guaranteed < 2) {
        const key = autoscaling.kind === "none" ? "replicas" : "minReplicas";
        r.problem(key, "at least 2 on a production stack (production: true)", String(guaranteed));
    }

    const networkPolicyEnabled = r.boolean("networkPolicyEnabled");
    r.unusedUnless(networkPolicyEnabled, ["ingressControllerNamespace", "metricsNamespace"], "when networkPolicyEnabled is false");
    const networkPolicy: NetworkPolicySettings | false = networkPolicyEnabled
        ? {
            ingressControllerNamespace: r.string("ingressControllerNamespace", DNS_LABEL, "a namespace name"),
            metricsNamespace: r.string("metricsNamespace", DNS_LABEL, "a namespace name"),
        }
        : false;

    return {
        production,
        namespace: r.string("namespace", DNS_LABEL, "a DNS label (lowercase letters, digits, '-')"),
        createNamespace: r.boolean("createNamespace"),
        autoscaling,
        resources,
        shutdown: {
            drainDelaySeconds: r.integer("drainDelaySeconds", 0, 120),
            shutdownTimeoutSeconds: r.integer("shutdownTimeoutSeconds", 1, 600),
            preStopSleepSeconds: r.integer("preStopSleepSeconds", 0, 120),
        },
        rollout,
        logLevel: r.oneOf("logLevel", LOG_LEVELS),
        zoneSpread: r.boolean("zoneSpread"),
        servicePort: r.integer("servicePort", 1, 65535),
        env,
        trustedProxies: r.optionalString("trustedProxies", /^[0-9a-fA-F:./]+(,\s*[0-9a-fA-F:./]+)*$/, "comma-separated IPs or CIDRs"),
        ingress,
        networkPolicy,
        serviceMonitor: r.boolean("serviceMonitor"),
        forceApply: r.boolean("forceApply"),
        publicUrl: r.optionalString("publicUrl", /^https?:\/\/[^\s]+$/, "an http(s) URL"),
    };
}

function checkResources(r: Reader, resources: WebServiceSettings["resources"]): void {
    const cpu = { request: parseCpu(resources.cpuRequest), limit: parseCpu(resources.cpuLimit) };
    const memory = { request: parseMemory(resources.memoryRequest), limit: parseMemory(resources.memoryLimit) };
    const check = (key: ConfigKey, value: number | undefined, text: string, expected: string) => {
        if (value === undefined || value <= 0) {
            r.problem(key, expected, describe(text));
        }
    };
    check("cpuRequest", cpu.request, resources.cpuRequest, "a CPU quantity like 100m or 1");
    check("cpuLimit", cpu.limit, resources.cpuLimit, "a CPU quantity like 500m or 2");
    check("memoryRequest", memory.request, resources.memoryRequest, "a memory quantity like 64Mi");
    check("memoryLimit", memory.limit, resources.memoryLimit, "a memory quantity like 128Mi");
    if (cpu.request !== undefined && cpu.limit !== undefined && cpu.request > cpu.limit) {
        r.problem("cpuRequest", `at most cpuLimit (${resources.cpuLimit})`, describe(resources.cpuRequest));
    }
    if (memory.request !== undefined && memory.limit !== undefined && memory.request > memory.limit) {
        r.problem("memoryRequest", `at most memoryLimit (${resources.memoryLimit})`, describe(resources.memoryRequest));
    }
    if (memory.limit !== undefined && memory.limit < 16 * 2 ** 20) {
        r.problem("memoryLimit", "at least 16Mi (the Go runtime alone needs several MiB)", describe(resources.memoryLimit));
    }
}

const HPA_KEYS: ConfigKey[] = ["targetCpuUtilization", "targetMemoryUtilization"];
const KEDA_KEYS: ConfigKey[] = ["kedaTriggers", "kedaPollingIntervalSeconds", "kedaCooldownSeconds", "kedaFallbackReplicas", "kedaAwaitReady"];
const SCALER_KEYS: ConfigKey[] = ["minReplicas", "maxReplicas", "scaleUpStabilizationSeconds", "scaleDownStabilizationSeconds"];

function readAutoscaling(r: Reader): AutoscalingSettings {
    const kind = r.oneOf("autoscaling", AUTOSCALING_KINDS);
    r.unusedUnless(kind === "none", ["replicas"], `when autoscaling is ${kind} (the autoscaler owns the replica count: use minReplicas)`);
    r.unusedUnless(kind !== "none", SCALER_KEYS, "when autoscaling is none");
    r.unusedUnless(kind === "hpa", HPA_KEYS, "unless autoscaling is hpa");
    r.unusedUnless(kind === "keda", KEDA_KEYS, "unless autoscaling is keda");

    if (kind === "none") {
        return { kind, replicas: r.integer("replicas", 1, 1000) };
    }
    const behavior = {
        scaleUpStabilizationSeconds: r.integer("scaleUpStabilizationSeconds", 0, 3600),
        scaleDownStabilizationSeconds: r.integer("scaleDownStabilizationSeconds", 0, 3600),
    };
    const maxReplicas = r.integer("maxReplicas", 1, 1000);

    if (kind === "hpa") {
        const minReplicas = r.integer("minReplicas", 1, 1000);
        checkMinMax(r, minReplicas, maxReplicas);
        const targetCpuUtilization = r.integer("targetCpuUtilization", 1, 100);
        const targetMemoryUtilization = r.optionalInteger("targetMemoryUtilization", 1, 100);
        return { kind, minReplicas, maxReplicas, targetCpuUtilization, targetMemoryUtilization, ...behavior };
    }

    const triggers = readKedaTriggers(r);
    // KEDA can scale to zero, but only on event triggers: cpu and memory need a running pod to measure.
    const eventDriven = triggers.some((trigger) => trigger.type !== "cpu" && trigger.type !== "memory");
    const minReplicas = r.integer("minReplicas", eventDriven ? 0 : 1, 1000);
    checkMinMax(r, minReplicas, maxReplicas);
    const fallbackReplicas = r.optionalInteger("kedaFallbackReplicas", 1, 1000);
    if (fallbackReplicas !== undefined && fallbackReplicas > maxReplicas) {
        r.problem("kedaFallbackReplicas", `at most maxReplicas (${maxReplicas})`, String(fallbackReplicas));
    }
    return {
        kind,
        minReplicas,
        maxReplicas,
        triggers,
        pollingIntervalSeconds: r.integer("kedaPollingIntervalSeconds", 1, 3600),
        cooldownSeconds: r.integer("kedaCooldownSeconds", 0, 86400),
        fallbackReplicas,
        awaitReady: r.boolean("kedaAwaitReady"),
        ...behavior,
    };
}

function checkMinMax(r: Reader, minReplicas: number, maxReplicas: number): void {
    if (minReplicas > maxReplicas) {
        r.problem("minReplicas", `at most maxReplicas (${maxReplicas})`, String(minReplicas));
    }
}

/** Field readers for one KEDA trigger object, reporting under `kedaTriggers[i].field`. */
function triggerFields(r: Reader, at: string, source: Record<string, unknown>) {
    const got = (field: string) => (source[field] === undefined ? "nothing" : JSON.stringify(source[field]));
    return {
        text(field: string): string {
            const value = source[field];
            if (typeof value !== "string" || value.trim() === "") {
                r.problem(`${at}.${field}`, "a non-empty string", got(field));
                return "";
            }
            return value;
        },
        number(field: string, min: number, max: number, optional = false): number | undefined {
            const value = source[field];
            if (value === undefined && optional) {
                return undefined;
            }
            // KEDA's metadata is strings; accept numbers given either way.
            const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
            if (typeof parsed !== "number" || !Number.isFinite(parsed) || parsed < min || parsed > max) {
                r.problem(`${at}.${field}`, `a number from ${min} to ${max}`, got(field));
                return min;
            }
            return parsed;
        },
    };
}

const KEDA_TRIGGER_TYPES = ["cpu", "memory", "prometheus", "kafka", "cron"] as const;
const CRON_FIELDS = /^(\S+\s+){4}\S+$/;

function readKedaTriggers(r: Reader): KedaTrigger[] {
    const list = r.list("kedaTriggers");
    if (list === undefined) {
        if (!r.isSet("kedaTriggers")) {
            r.problem("kedaTriggers", "at least one trigger when autoscaling is keda", "nothing");
        }
        return [];
    }
    if (list.length === 0) {
        r.problem("kedaTriggers", "at least one trigger when autoscaling is keda", "an empty list");
    }
    const triggers: KedaTrigger[] = [];
    list.forEach((item, index) => {
        const at = `kedaTriggers[${index}]`;
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
            r.problem(at, "an object with a type", JSON.stringify(item));
            return;
        }
        const source = item as Record<string, unknown>;
        const f = triggerFields(r, at, source);
        switch (source.type) {
            case "cpu":
            case "memory":
                triggers.push({ type: source.type, utilization: f.number("utilization", 1, 100)! });
                break;
            case "prometheus":
                triggers.push({
                    type: "prometheus",
                    serverAddress: f.text("serverAddress"),
                    query: f.text("query"),
                    threshold: f.number("threshold", 0, Number.MAX_SAFE_INTEGER)!,
                    activationThreshold: f.number("activationThreshold", 0, Number.MAX_SAFE_INTEGER, true),
                });
                break;
            case "kafka":
                triggers.push({
                    type: "kafka",
                    bootstrapServers: f.text("bootstrapServers"),
                    consumerGroup: f.text("consumerGroup"),
                    topic: f.text("topic"),
                    lagThreshold: f.number("lagThreshold", 1, Number.MAX_SAFE_INTEGER)!,
                    activationLagThreshold: f.number("activationLagThreshold", 0, Number.MAX_SAFE_INTEGER, true),
                });
                break;
            case "cron": {
                const trigger = {
                    type: "cron" as const,
                    timezone: f.text("timezone"),
                    start: f.text("start"),
                    end: f.text("end"),
                    desiredReplicas: f.number("desiredReplicas", 1, 1000)!,
                };
                for (const field of ["start", "end"] as const) {
                    if (trigger[field] !== "" && !CRON_FIELDS.test(trigger[field])) {
                        r.problem(`${at}.${field}`, "a 5-field cron expression like 0 8 * * 1-5", JSON.stringify(trigger[field]));
                    }
                }
                triggers.push(trigger);
                break;
            }
            default:
                r.problem(`${at}.type`, `one of ${KEDA_TRIGGER_TYPES.join(", ")}`, source.type === undefined ? "nothing" : JSON.stringify(source.type));
        }
    });
    return triggers;
}

function readIngress(r: Reader, production: boolean): IngressSettings | undefined {
    const enabled = r.boolean("ingressEnabled");
    const ingressKeys: ConfigKey[] = [
        "ingressClassName", "ingressHost", "ingressPath", "ingressPathType", "ingressTlsSecret",
        "ingressCertManagerIssuer", "ingressAnnotations", "ingressSkipAwait",
    ];
    r.unusedUnless(enabled, ingressKeys, "when ingressEnabled is false");
    if (!enabled) {
        return undefined;
    }
    const host = r.optionalString("ingressHost", HOSTNAME, "a host name like api.example.com");
    const tlsSecret = r.optionalString("ingressTlsSecret", DNS_LABEL, "a Secret name");
    const issuer = r.optionalString("ingressCertManagerIssuer", DNS_LABEL, "a ClusterIssuer name");
    if (issuer !== undefined && host === undefined && r.isSet("ingressHost") === false) {
        r.problem("ingressHost", "a host name when ingressCertManagerIssuer is set (the certificate is issued for it)", "nothing");
    }
    if (production && tlsSecret === undefined && issuer === undefined) {
        r.problem("ingressTlsSecret", "a TLS Secret (or ingressCertManagerIssuer) on a production stack", "nothing");
    }
    const path = r.string("ingressPath", /^\/\S*$/, "a path starting with /");
    return {
        className: r.optionalString("ingressClassName", DNS_LABEL, "an IngressClass name"),
        host,
        path,
        pathType: r.oneOf("ingressPathType", PATH_TYPES),
        tls: tlsSecret !== undefined || issuer !== undefined
            ? { secretName: tlsSecret ?? `${r.rawValue("appName") ?? DEFAULTS.appName}-tls`, certManagerIssuer: issuer }
            : undefined,
        annotations: r.map("ingressAnnotations", /^([a-z0-9.-]+\/)?[A-Za-z0-9_.-]+$/, "an annotation key"),
        skipAwait: r.boolean("ingressSkipAwait"),
    };
}

function readSecretEnv(r: Reader, env: Record<string, string>): pulumi.Output<Record<string, string>> | undefined {
    if (!r.isSet("secretEnv")) {
        return undefined;
    }
    const values = r.map("secretEnv", ENV_NAME, "an environment variable name");
    for (const name of Object.keys(values)) {
        if (RESERVED_ENV.includes(name)) {
            r.problem(`secretEnv.${name}`, "a name goship does not set itself", JSON.stringify(name));
        }
        if (name in env) {
            r.problem(`secretEnv.${name}`, "a name not also in env (which one would win is not obvious)", JSON.stringify(name));
        }
    }
    return pulumi.secret(values);
}
