// Stack config → the components' arguments. This adapter only parses the stack's keys and maps each onto the
// argument it sets (config/keys.ts); the components judge the values, and their problems come back worded with the
// keys the user wrote. Every problem is reported in one error, before the program registers a single resource.
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { ImageBuilder } from "../image/builder";
import { GoServiceImageArgs } from "../image/build-plan";
import { imageProblems } from "../image/validate";
import { KubernetesConnection, kubernetesConnectionProblems } from "../kubernetes-provider";
import type { RegistrySettings } from "../registry";
import { pullSecretProblems } from "../registry/pull-secret";
import { RegistryType, registryProblems } from "../registry/validate";
import type { AlicloudDatabaseArgs, AwsDatabaseArgs, KubernetesDatabaseArgs } from "../database/types";
import { databaseProblems, renderingProblems } from "../database/validate";
import { resolveSettings } from "../web-service/resolve";
import { WebServiceArgs } from "../web-service/types";
import { webServiceProblems } from "../web-service/validate";
import type { KafkaArgs } from "../kafka/types";
import { resolveWorkerSettings } from "../worker/resolve";
import type { WorkerArgs } from "../worker/types";
import { workerProblems } from "../worker/validate";
import { SECRET_SHOWN } from "../validation/problems";
import { isRecord } from "../validation/rules";
import { CONFIG_KEYS, ConfigKey, keyDef } from "./keys";
import { ArgumentTree } from "./map";
import { KeyProblems, isRelevant, parseValue, reportKeys } from "./parse";
import { RawConfig, runtimeConfig } from "./raw";

export { RawConfig, runtimeConfig } from "./raw";
export { CONFIG_KEYS, ConfigKey, ConfigKeyDef, GROUPS } from "./keys";

/** The components' arguments, as the program (index.ts) passes them on. */
export interface Settings {
    appName: string;
    registry: RegistrySettings;
    /** Create an image pull secret from the registry's login. */
    imagePullSecret: boolean;
    imageBuilder: ImageBuilder;
    image: Omit<GoServiceImageArgs, "registry">;
    kubernetes: KubernetesConnection;
    service: Omit<WebServiceArgs, "provider" | "image">;
    /** The Database's arguments but what the program supplies: the cluster, the namespace and the password. */
    database?: DatabaseSettings;
    /** The database user's password, a secret Output (set when database is). */
    databasePassword?: pulumi.Output<string>;
    /** The orders topic, for the service's producer and the worker (the password apart). */
    kafka?: Omit<KafkaArgs, "password">;
    /** The SASL password, a secret Output (set when kafka.mechanism is). */
    kafkaPassword?: pulumi.Output<string>;
    /** The worker's name and arguments but what the program supplies: cluster, image, topic, database, namespace, pull secret. */
    worker?: { name: string; args: WorkerSettingsArgs };
}

/** A Worker's arguments as the stack config gives them; the stack-wide ones (namespace, production, …) already set. */
export type WorkerSettingsArgs = Omit<WorkerArgs, "provider" | "image" | "kafka" | "database" | "namespace" | "imagePullDockerConfigJson">;

type FromProgram = "kubernetesProvider" | "namespace" | "password";
/** kubernetes: `image` is a tag in the stack's registry, pinned by digest by the program (RegistryImage). */
export type DatabaseSettings =
    | Omit<KubernetesDatabaseArgs, FromProgram | "imagePullDockerConfigJson">
    | Omit<AwsDatabaseArgs, FromProgram>
    | Omit<AlicloudDatabaseArgs, FromProgram>;

/** What stands in for the arguments the program supplies while the config is checked. */
const PLACEHOLDER_DIGEST = `@sha256:${"0".repeat(64)}`;
const TAGGED_IMAGE = /^[^\s@]+\/[^\s@]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((problem) => `  - ${problem}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Reads the running stack's config; throws ConfigError listing every problem. */
export function loadSettings(options: { project?: string; projectDir?: string } = {}): Settings {
    const project = options.project ?? pulumi.getProject();
    return parseSettings(runtimeConfig(project), { project, projectDir: options.projectDir ?? process.cwd() });
}

export function parseSettings(raw: RawConfig, options: { project: string; projectDir: string }): Settings {
    const problems = new KeyProblems();
    reportKeys(raw, options.project, problems);

    // Parsed first, all of them: whether a key is relevant depends on the values of others.
    const keys = Object.keys(CONFIG_KEYS) as ConfigKey[];
    const values = new Map<string, unknown>(keys.map((key) => [key, parseValue(raw, key, problems)]));
    const tree = new ArgumentTree(problems);
    for (const key of keys) {
        const value = values.get(key);
        if (value === undefined || !isRelevant(raw, key, values, problems)) {
            continue;
        }
        const def = keyDef(key);
        const arg = def.toArg ? def.toArg(value, { projectDir: options.projectDir }) : value;
        if (arg !== undefined) {
            tree.set(def.arg, arg, key);
        }
    }

    // A password inside the kafka or database map would sit in the stack file in plaintext, and the program passes the
    // secret key's value instead: refused, and left out of the checks (they then ask for the secret key when it is missing).
    for (const [mapKey, secretKey] of [["kafka", "kafkaPassword"], ["database", "databasePassword"]] as const) {
        const map = tree.get(mapKey);
        if (isRecord(map) && "password" in map) {
            problems.add(`${mapKey}.password`, `unset (the password is the secret key ${secretKey}: pulumi config set --secret ${secretKey} …)`, SECRET_SHOWN);
            delete map.password;
        }
    }

    const name = (tree.get("name") as string | undefined) ?? DEFAULTS.appName;
    const registry = (tree.get("registry") ?? {}) as Record<string, unknown>;
    registry.repository ??= name;
    const type = registry.type as RegistryType | undefined;
    if (type?.startsWith("acr-") && raw.getQualified("alicloud:region") === undefined) {
        problems.add("alicloud:region", `a region such as cn-hangzhou when registryType is ${type}`, "nothing");
    }
    const image = (tree.get("image") ?? {}) as Omit<GoServiceImageArgs, "registry">;
    const kubernetes = (tree.get("kubernetes") ?? {}) as KubernetesConnection;
    const service = (tree.get("service") ?? {}) as Omit<WebServiceArgs, "provider" | "image">;
    const pullSecret = tree.get("pullSecret") === true;
    const database = tree.get("database") as DatabaseSettings | undefined;
    // The pull secret's and the database's Secrets come at run time; for the checks their presence is what counts.
    const serviceWithPullSecret = {
        ...service,
        imagePullDockerConfigJson: pullSecret ? "(from the registry)" : undefined,
        database: database ? { connectionSecret: { name: "placeholder", key: "DATABASE_URL" } } : undefined,
    };

    const password = tree.get("databasePassword") as string | undefined;
    if (password !== undefined && database === undefined) {
        problems.add("databasePassword", "unset unless database is set (it is the database user's password)", "a value (not shown: it is secret)");
    }

    const kafka = tree.get("kafka") as Omit<KafkaArgs, "password"> | undefined;
    const kafkaPassword = tree.get("kafkaPassword") as string | undefined;
    if (kafkaPassword !== undefined && kafka === undefined) {
        problems.add("kafkaPassword", "unset unless kafka is set (it is the SASL password of kafka.username)", "a value (not shown: it is secret)");
    }
    const kafkaArgs = kafka && { ...kafka, ...(kafkaPassword !== undefined ? { password: kafkaPassword } : {}) };
    serviceWithPullSecret.kafka = kafkaArgs;
    const worker = workerFromConfig(tree.get("worker"), name, service);
    for (const field of ["provider", "image", "kafka", "database", "namespace", "imagePullDockerConfigJson"]) {
        if (worker && field in worker.args) {
            problems.add(`worker.${field}`, `unset (the program gives the worker the stack's ${field === "kafka" ? "kafka key" : field})`, "a value");
        }
    }
    if (worker && !kafka) {
        problems.add("worker", "unset unless kafka is set (the topic the worker consumes)", "worker settings");
    }
    const workerChecked = worker && kafkaArgs && {
        ...worker.args,
        kafka: kafkaArgs,
        namespace: service.namespace,
        imagePullDockerConfigJson: serviceWithPullSecret.imagePullDockerConfigJson,
        database: database ? { connectionSecret: { name: "placeholder", key: "DATABASE_URL" }, egress: { podSelector: { placeholder: "database" }, port: DEFAULTS.database.port } } : undefined,
    } as Omit<WorkerArgs, "provider" | "image">;

    const found = [
        ...problems.list,
        ...(database ? databaseConfigProblems(tree, database, password, name, kubernetes.renderYamlTo, problems.failed) : []),
        ...(type ? tree.report("registry", registryProblems(type, registry), problems.failed) : []),
        ...(type && pullSecret ? tree.report("pullSecret", pullSecretProblems(type), problems.failed) : []),
        ...tree.report("image", imageProblems(image), problems.failed),
        ...tree.report("kubernetes", kubernetesConnectionProblems(kubernetes), problems.failed),
        ...tree.report("service", webServiceProblems(name, serviceWithPullSecret, resolveSettings(name, serviceWithPullSecret),
            { renderYamlTo: kubernetes.renderYamlTo }), problems.failed),
        ...(worker && workerChecked ? tree.report("worker", workerProblems(worker.name, workerChecked, resolveWorkerSettings(worker.name, workerChecked),
            { renderYamlTo: kubernetes.renderYamlTo }), problems.failed) : []),
    ].filter((problem, index, all) => all.indexOf(problem) === index); // a kafka problem both the service and the worker report, once
    if (found.length > 0) {
        throw new ConfigError(found);
    }
    return {
        appName: name,
        registry: registry as unknown as RegistrySettings,
        imagePullSecret: pullSecret,
        imageBuilder: (tree.get("builder") as ImageBuilder | undefined) ?? DEFAULTS.image.builder,
        image,
        kubernetes,
        service,
        database,
        databasePassword: database && password !== undefined ? pulumi.secret(password) : undefined,
        kafka,
        kafkaPassword: kafka && kafkaPassword !== undefined ? pulumi.secret(kafkaPassword) : undefined,
        worker,
    };
}

/**
 * The `worker` key's map as a Worker's name and arguments: the name defaults to the service's plus a suffix, and the
 * stack-wide settings the worker shares with the service (production, forceApply, monitoring, log level) carry over.
 */
function workerFromConfig(value: unknown, appName: string, service: Omit<WebServiceArgs, "provider" | "image">): Settings["worker"] {
    if (value === undefined || value === null || typeof value !== "object" || Array.isArray(value)) {
        return value === undefined ? undefined : { name: `${appName}${DEFAULTS.worker.nameSuffix}`, args: value as WorkerSettingsArgs };
    }
    const { name, ...args } = value as Record<string, unknown>;
    return {
        // A name of another type goes on to the Worker's checks, which refuse it (the default would hide the mistake).
        name: name === undefined ? `${appName}${DEFAULTS.worker.nameSuffix}` : name as string,
        args: {
            production: service.production,
            forceApply: service.forceApply,
            podMonitor: service.serviceMonitor,
            logLevel: service.logLevel,
            ...args,
        } as WorkerSettingsArgs,
    };
}

/** The Database's problems, under the config's keys; the program's own arguments stand in as valid. */
function databaseConfigProblems(tree: ArgumentTree, database: DatabaseSettings, password: string | undefined, name: string, renderYamlTo: string | undefined, failed: Set<string>): string[] {
    const found: string[] = [];
    const args = { ...database } as Record<string, unknown>;
    if (database.provider === "kubernetes" && typeof database.image === "string") {
        if (TAGGED_IMAGE.test(database.image)) {
            args.image = database.image.replace(/:[^/:]+$/, "") + PLACEHOLDER_DIGEST;
        } else {
            found.push(`database.image: expected an image with a tag in the stack's registry, such as 127.0.0.1:5000/goship/postgres:15.20-0-deb12u1, got ${JSON.stringify(database.image)}`);
            args.image = `placeholder/image${PLACEHOLDER_DIGEST}`;
        }
    }
    const problems = databaseProblems(`${name}-db`, { ...args, namespace: "placeholder", password } as never)
        .filter((problem) => problem.path !== "kubernetesProvider" && problem.path !== "name");
    const renamed = problems.map((problem) => (problem.path === "password" ? { ...problem, path: "" } : problem));
    return [
        ...found,
        ...tree.report("databasePassword", renamed.filter((problem) => problem.path === ""), failed),
        ...tree.report("database", renamed.filter((problem) => problem.path !== ""), failed),
        ...tree.report("database", renderingProblems(renderYamlTo), failed),
    ];
}
