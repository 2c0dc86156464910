// Reads a Pulumi.<stack>.yaml the way the engine hands it to the program: namespaced keys, structured values as
// JSON text, Pulumi.yaml defaults filled in, and `secure:` values replaced by test plaintexts marked secret.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const PROJECT = "goship";

export interface StackConfig {
    config: Record<string, string>;
    secretKeys: string[];
}

/** A secret value for a test's config: stored as `secure:` in a stack file, seen by the program as `plaintext`. */
export function secretValue(plaintext: unknown): { secure: string; plaintext: string } {
    return { secure: "v1:test", plaintext: typeof plaintext === "string" ? plaintext : JSON.stringify(plaintext) };
}

/** The plaintext a test sees for an encrypted value of a stack file. */
export function testSecret(fullKey: string): string {
    return `test-secret-for-${fullKey.replace(/[^a-zA-Z0-9]/g, "-")}`;
}

export function readStackConfig(stack: string, overrides: Record<string, unknown> = {}, secretOverrides: string[] = []): StackConfig {
    const file = path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
    const raw = (parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {};
    return toEngineConfig({ ...raw, ...overrides }, secretOverrides);
}

/** Engine view of a plain key→value map (keys without a namespace get the project's). */
export function toEngineConfig(values: Record<string, unknown>, secretKeys: string[] = []): StackConfig {
    const config: Record<string, string> = {};
    const secrets: string[] = [];
    const qualify = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
    for (const [key, value] of Object.entries(values)) {
        if (value === undefined) {
            continue;
        }
        const fullKey = qualify(key);
        if (isSecure(value)) {
            config[fullKey] = (value as { plaintext?: string }).plaintext ?? testSecret(fullKey);
            secrets.push(fullKey);
        } else {
            config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    for (const key of secretKeys) {
        secrets.push(qualify(key));
    }
    // Defaults declared in Pulumi.yaml, as the engine merges them.
    const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
        config?: Record<string, { default?: unknown }>;
    };
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const fullKey = qualify(key);
        if (!(fullKey in config) && declaration.default !== undefined) {
            config[fullKey] = String(declaration.default);
        }
    }
    return { config, secretKeys: secrets };
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && "secure" in value;
}
