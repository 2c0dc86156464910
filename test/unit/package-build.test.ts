// The components as a package: `npm run build` (tsconfig.build.json) emits JavaScript and declarations where
// package.json's `exports` and `types` point, and what it emits loads and exports the library.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { PROJECT_DIR } from "../helpers/stack-config";

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));

describe("the component package", () => {
    let packageDir: string;
    let outDir: string;

    before(() => {
        // The build's own config, into a scratch package directory (its dist/, and the project's node_modules so
        // the built code resolves its dependencies as an installed package would).
        packageDir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-build-"));
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(packageDir, "node_modules"));
        outDir = path.join(packageDir, "dist");
        const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(tsc.status, 0, `tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
    });

    after(() => fs.rmSync(packageDir, { recursive: true, force: true }));

    const built = (target: string) => path.join(packageDir, target);

    it("exports and types point at what the build emits, inside the published files", () => {
        const entry = pkg.exports["."];
        assert.equal(pkg.types, entry.types.replace(/^\.\//, ""));
        for (const target of [entry.types, entry.default]) {
            assert.ok(target.startsWith("./dist/components/"), target);
            assert.ok(fs.existsSync(built(target)), `the build emits ${target}`);
            assert.ok(pkg.files.some((prefix: string) => target.slice(2).startsWith(prefix)), `${target} is in package.json files`);
        }
        assert.ok(fs.readFileSync(path.join(PROJECT_DIR, ".gitignore"), "utf8").split("\n").includes("dist/"), "dist/ is not committed");
    });

    it("the Pulumi program stays index.ts: Pulumi.yaml names it, or the runtime would run the package's exports", () => {
        const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { main?: string };
        assert.equal(project.main, "index.ts");
    });

    it("the built entry point loads and exports the components", () => {
        const library = require(built(pkg.exports["."].default));
        for (const name of ["WebService", "GoServiceImage", "GenericRegistry", "createRegistry", "createKubernetesProvider", "loadSettings", "productionProblems"]) {
            assert.equal(typeof library[name], "function", `${name} is exported`);
        }
        assert.equal(library.PRODUCTION_ANNOTATION, "goship.io/production");
    });

    it("the declarations describe the components' arguments", () => {
        const declarations = fs.readFileSync(built(pkg.exports["."].types), "utf8");
        assert.match(declarations, /export \* from "\.\/web-service";/);
        const webService = fs.readFileSync(path.join(outDir, "components", "web-service", "index.d.ts"), "utf8");
        assert.match(webService, /export declare class WebService extends pulumi\.ComponentResource/);
        const types = fs.readFileSync(path.join(outDir, "components", "web-service", "types.d.ts"), "utf8");
        assert.match(types, /namespace\?: pulumi\.Input<string>;/);
    });
});
