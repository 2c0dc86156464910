// The `config:` section of Pulumi.yaml, derived from the key table. Only keys with a default are declared there:
// the engine treats a declared key without a default as required, and would reject a secret key's plaintext
// default. Optional and secret keys are checked by the program and documented in the README.
import { CONFIG_KEYS, ConfigKey, keyDef } from "./keys";

export interface ProjectConfigDeclaration {
    type: "string" | "integer" | "boolean";
    default: string | number | boolean;
    description: string;
}

/** A key's description with the rule its value follows, as the README and Pulumi.yaml both show it. */
export function describeKey(key: ConfigKey): string {
    const def = keyDef(key);
    const rule = def.allowed ? `One of: ${def.allowed.join(", ")}.` : def.rule ? `Expected: ${def.rule.expected}.` : "";
    return rule === "" ? def.description : `${def.description} ${rule}`;
}

export function projectConfigSchema(): Record<string, ProjectConfigDeclaration> {
    const schema: Record<string, ProjectConfigDeclaration> = {};
    for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
        const def = keyDef(key);
        if (def.default === undefined || def.secret) {
            continue;
        }
        if (def.type !== "string" && def.type !== "integer" && def.type !== "boolean") {
            throw new Error(`${key}: a default of type ${def.type} cannot be declared in Pulumi.yaml`);
        }
        schema[key] = { type: def.type, default: def.default, description: describeKey(key) };
    }
    return schema;
}
