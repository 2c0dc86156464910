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
import { resolveSettings } from "../web-service/resolve";
import { WebServiceArgs } from "../web-service/types";
import { webServiceProblems } from "../web-service/validate";
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
}

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
    // The pull secret's content comes from the registry at run time; for the checks its presence is what counts.
    const serviceWithPullSecret = { ...service, imagePullDockerConfigJson: pullSecret ? "(from the registry)" : undefined };

    const found = [
        ...problems.list,
        ...(type ? tree.report("registry", registryProblems(type, registry), problems.failed) : []),
        ...(type && pullSecret ? tree.report("pullSecret", pullSecretProblems(type), problems.failed) : []),
        ...tree.report("image", imageProblems(image), problems.failed),
        ...tree.report("kubernetes", kubernetesConnectionProblems(kubernetes), problems.failed),
        ...tree.report("service", webServiceProblems(name, serviceWithPullSecret, resolveSettings(name, service),
            { renderYamlTo: kubernetes.renderYamlTo }), problems.failed),
    ];
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
    };
}
