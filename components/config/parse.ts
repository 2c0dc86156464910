// Parsing the stack's keys: each value to its type by the table (config/keys.ts), unknown and misplaced keys, and
// keys set where another key makes them meaningless. Everything else about a value is its component's to judge.
import { SECRET_SHOWN } from "../validation/problems";
import { closest, isRecord } from "../validation/rules";
import { CONFIG_KEYS, ConfigKey, keyDef } from "./keys";
import { RawConfig } from "./raw";

export class KeyProblems {
    /** Each already worded with the key: `key: expected …, got …`. */
    readonly list: string[] = [];
    /** Keys whose value could not be parsed: their components' problems would only repeat it. */
    readonly failed = new Set<string>();

    add(key: string, expected: string, got: string): void {
        this.list.push(`${key}: expected ${expected}, got ${got}`);
    }
}

function shownRaw(key: ConfigKey, value: string): string {
    return keyDef(key).secret ? SECRET_SHOWN : JSON.stringify(value);
}

/** A key's value as its type, or undefined (with a problem when it is set but unparsable). */
export function parseValue(raw: RawConfig, key: ConfigKey, problems: KeyProblems): unknown {
    const def = keyDef(key);
    const value = raw.get(key);
    if (value === undefined) {
        return undefined;
    }
    const fail = (expected: string) => {
        problems.add(key, expected, value.trim() === "" ? "an empty string" : shownRaw(key, value));
        problems.failed.add(key);
        return undefined;
    };
    switch (def.type) {
        case "string":
            if (value.trim() === "") {
                return fail(def.rule?.expected ?? "a non-empty string");
            }
            if (def.allowed && !def.allowed.includes(value)) {
                return fail(`one of ${def.allowed.join(", ")}`);
            }
            return value;
        case "integer":
            return /^\s*-?[0-9]+\s*$/.test(value) ? Number(value) : fail(def.rule?.expected ?? "an integer");
        case "boolean":
            return value === "true" || value === "false" ? value === "true" : fail("true or false");
        case "map":
        case "list": {
            let parsed: unknown;
            try {
                parsed = JSON.parse(value);
            } catch {
                return fail(`a ${def.type}`);
            }
            const shape = def.type === "map" ? isRecord(parsed) : Array.isArray(parsed);
            return shape ? parsed : fail(`a ${def.type}`);
        }
    }
}

/**
 * Set to something other than its default. The engine fills in the defaults declared in Pulumi.yaml, so a value
 * equal to the default is indistinguishable from (and as harmless as) no value.
 */
export function isSet(raw: RawConfig, key: ConfigKey): boolean {
    const value = raw.get(key);
    const fallback = keyDef(key).default;
    return value !== undefined && (fallback === undefined || value !== String(fallback));
}

/**
 * Whether a key means something under the values of the keys it depends on; when it does not and is set anyway,
 * that is a problem: the user's intent would be lost.
 */
export function isRelevant(raw: RawConfig, key: ConfigKey, values: Map<string, unknown>, problems: KeyProblems): boolean {
    const when = keyDef(key).when;
    if (!when || problems.failed.has(when.key) || when.is.includes(values.get(when.key) as string | boolean)) {
        return true;
    }
    if (isSet(raw, key)) {
        const why = when.why ? ` (${when.why})` : "";
        problems.add(key, `unset unless ${when.key} is ${when.is.join(" or ")}${why}`, shownRaw(key, raw.get(key)!));
    }
    return false;
}

/** Unknown keys (with the nearest known one), a misspelt project namespace, and secret keys stored in plaintext. */
export function reportKeys(raw: RawConfig, project: string, problems: KeyProblems): void {
    const known = Object.keys(CONFIG_KEYS);
    for (const key of raw.keys()) {
        if (!known.includes(key)) {
            const suggestion = closest(key, known);
            problems.add(key, `a known key${suggestion ? ` (did you mean ${suggestion}?)` : ""}; see README "Configuration"`, "an unknown key");
        } else if (keyDef(key as ConfigKey).secret && !raw.isSecret(key)) {
            problems.add(key, `a secret value (pulumi config set --secret ${key} …)`, "a plaintext value");
        }
    }
    for (const fullKey of raw.allKeys()) {
        const [namespace, ...rest] = fullKey.split(":");
        const name = rest.join(":");
        if (namespace !== project && closest(namespace, [project]) === project) {
            const meant = known.includes(name) ? `${project}:${name}` : `${project}:${closest(name, known) ?? name}`;
            problems.add(fullKey, `a key of the ${project} namespace (did you mean ${meant}?)`, "a key of an unknown namespace");
        }
    }
}
