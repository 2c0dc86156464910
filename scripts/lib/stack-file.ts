// A stack's config the way the engine hands it to the program, read from Pulumi.<stack>.yaml without the engine:
// namespaced keys, structured values as JSON text, Pulumi.yaml's defaults filled in. Encrypted (`secure:`) values
// are not decrypted: the caller says what the program sees for them (the unit tests: test plaintexts; `npm run
// compose:up`, which needs no secret: a placeholder).
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { RawConfig } from "../../components/config";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const PROJECT = "goship";

export interface StackConfig {
    config: Record<string, string>;
    secretKeys: string[];
}

/** What the program sees for an encrypted value: `secure` holds the stack file's (or a test's) value. */
export type SecretText = (fullKey: string, value: { secure: string; plaintext?: string }) => string;

/** The `config:` map of Pulumi.<stack>.yaml, as written. */
export function stackFileValues(stack: string): Record<string, unknown> {
    const file = path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
    return (parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {};
}

/** Engine view of a plain key→value map (keys without a namespace get the project's). */
export function engineConfig(values: Record<string, unknown>, secretText: SecretText, secretKeys: string[] = []): StackConfig {
    const config: Record<string, string> = {};
    const secrets: string[] = [];
    const qualify = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
    for (const [key, value] of Object.entries(values)) {
        if (value === undefined) {
            continue;
        }
        const fullKey = qualify(key);
        if (isSecure(value)) {
            config[fullKey] = secretText(fullKey, value);
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

/** The program's RawConfig over an engine view (what components/config parseSettings reads). */
export function rawConfig(stack: StackConfig): RawConfig {
    const prefix = `${PROJECT}:`;
    return {
        get: (key) => stack.config[prefix + key],
        keys: () => Object.keys(stack.config).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)),
        allKeys: () => Object.keys(stack.config),
        getQualified: (fullKey) => stack.config[fullKey],
        isSecret: (key) => stack.secretKeys.includes(prefix + key),
    };
}

function isSecure(value: unknown): value is { secure: string; plaintext?: string } {
    return typeof value === "object" && value !== null && "secure" in value;
}
