import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { CONFIG_KEYS } from "../../components/config/keys";
import { withConfigReference } from "../../components/config/reference";
import { projectConfigSchema } from "../../components/config/project-schema";
import { PROJECT_DIR } from "../helpers/stack-config";

describe("Pulumi.yaml config schema", () => {
    it("is what `npm run gen:schema` generates from components/config/keys.ts", () => {
        const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
        assert.deepEqual(project.config, projectConfigSchema(), "run `npm run gen:schema`");
    });

    it("declares every key with a default, and no secret or optional key (the engine would demand them)", () => {
        const declared = Object.keys(projectConfigSchema());
        for (const [key, def] of Object.entries(CONFIG_KEYS)) {
            const expected = "default" in def && !("secret" in def);
            assert.equal(declared.includes(key), expected, key);
        }
    });

    it("every stack file sets only known keys", () => {
        for (const stack of ["local", "dev", "prod"]) {
            const config = parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, unknown>;
            for (const key of Object.keys(config)) {
                const [namespace, name] = key.split(":");
                if (namespace === "goship") {
                    assert.ok(name in CONFIG_KEYS, `${stack}: ${key}`);
                }
            }
        }
    });
});

describe("README configuration reference", () => {
    it("is what `npm run gen:schema` generates", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        assert.equal(readme, withConfigReference(readme), "run `npm run gen:schema`");
    });
});
