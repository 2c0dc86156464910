// The `config:` section of Pulumi.yaml, derived from CONFIG_KEYS. Only keys with a default are declared there:
// the engine treats a declared key without a default as required, and would reject a secret key's plaintext
// default. Optional and secret keys are validated by config.ts and documented in the README.
import { CONFIG_KEYS, ConfigKeyDef } from "./config-schema";

export interface ProjectConfigDeclaration {
    type: "string" | "integer" | "boolean";
    default: string | number | boolean;
    description: string;
}

export function projectConfigSchema(): Record<string, ProjectConfigDeclaration> {
    const schema: Record<string, ProjectConfigDeclaration> = {};
    for (const [key, def] of Object.entries(CONFIG_KEYS) as [string, ConfigKeyDef][]) {
        if (def.default === undefined || def.secret) {
            continue;
        }
        if (def.type !== "string" && def.type !== "integer" && def.type !== "boolean") {
            throw new Error(`${key}: a default of type ${def.type} cannot be declared in Pulumi.yaml`);
        }
        const allowed = def.allowed ? ` One of: ${def.allowed.join(", ")}.` : "";
        schema[key] = { type: def.type, default: def.default, description: `${def.description}${allowed}` };
    }
    return schema;
}
