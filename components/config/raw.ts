// The stack's config as the engine hands it to the program: strings (structured values as JSON text), and which
// keys the stack stores encrypted.
import * as pulumi from "@pulumi/pulumi";

export interface RawConfig {
    /** A key of this project's namespace. */
    get(key: string): string | undefined;
    /** All keys set in this project's namespace. */
    keys(): string[];
    /** Every key the stack sets, namespace included (`aws:region`, `goship:replicas`, a misspelt `gosihp:replicas`). */
    allKeys(): string[];
    /** A key of another namespace, e.g. `aws:region`. */
    getQualified(fullKey: string): string | undefined;
    /** Whether the stack stores the key encrypted (set with --secret). */
    isSecret(key: string): boolean;
}

export function runtimeConfig(project: string): RawConfig {
    const all = (): Record<string, string> => pulumi.runtime.allConfig();
    const prefix = `${project}:`;
    return {
        get: (key) => pulumi.runtime.getConfig(`${project}:${key}`),
        keys: () => Object.keys(all()).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)),
        allKeys: () => Object.keys(all()),
        getQualified: (fullKey) => pulumi.runtime.getConfig(fullKey),
        isSecret: (key) => runtimeIsConfigSecret(`${project}:${key}`),
    };
}

/** The SDK knows which keys the stack stores encrypted, but does not declare the function in its typings. */
function runtimeIsConfigSecret(fullKey: string): boolean {
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };
    return runtimeConfig.isConfigSecret?.(fullKey) ?? false;
}
