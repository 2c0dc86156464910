// scripts/toolchain/pulumi-run.sh with --policy-pack: a cached fallback language host built before the RunPlugin
// patch gets a clear instruction instead of the engine's "not supported"; any other host runs the CLI. A fake
// toolchain in a scratch cache stands in for the real one (nothing is built).
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { PROJECT_DIR } from "../helpers/stack-config";

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
const MARKER = /TOOLCHAIN_LANGHOST_RUNPLUGIN_MARKER="([^"]+)"/.exec(fs.readFileSync(path.join(PROJECT_DIR, "scripts", "toolchain", "common.sh"), "utf8"))![1];

describe("pulumi-run.sh --policy-pack and the language host", () => {
    let cache: string;
    let bin: string;

    const writeExecutable = (file: string, content: string) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content, { mode: 0o755 });
    };
    const run = (...args: string[]) => spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "toolchain", "pulumi-run.sh"), ...args], {
        encoding: "utf8",
        env: { ...process.env, GOSHIP_CACHE: cache, PULUMI_BACKEND_URL: `file://${path.join(cache, "state")}` },
    });

    before(() => {
        cache = fs.mkdtempSync(path.join(os.tmpdir(), "goship-fake-toolchain-"));
        bin = path.join(cache, "toolchain", `pulumi-${pkg.dependencies["@pulumi/pulumi"]}`, "bin");
        writeExecutable(path.join(bin, "pulumi"), "#!/bin/sh\necho \"fake pulumi $*\"\n");
        writeExecutable(path.join(bin, "pulumi-resource-pulumi-nodejs"), "#!/bin/sh\n");
        const plugin = path.join(cache, "pulumi-home", "plugins", `resource-kubernetes-v${pkg.dependencies["@pulumi/kubernetes"]}`);
        writeExecutable(path.join(plugin, "pulumi-resource-kubernetes"), "#!/bin/sh\n");
        fs.writeFileSync(path.join(bin, "..", "BUILDINFO.language-nodejs"), "  FALLBACK: pulumi-language-nodejs built from github.com/pulumi/pulumi/sdk/v3 v3.68.0\n");
    });

    after(() => fs.rmSync(cache, { recursive: true, force: true }));

    it("stops a policy-pack preview on a fallback host without the patch, saying what to run", () => {
        writeExecutable(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\n# an older build\n");
        const result = run("preview", "--stack", "local", "--policy-pack", "policy");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /pulumi-language-nodejs predates policy-pack support; run scripts\/toolchain\/pulumi\.sh \(it rebuilds only the language host/);
        assert.equal(result.stdout, "");
        assert.equal(run("preview", "--stack", "local").stdout, "fake pulumi preview --stack local\n", "without a policy pack the old host is fine");
    });

    it("runs the CLI when the host has the patch", () => {
        writeExecutable(path.join(bin, "pulumi-language-nodejs"), `#!/bin/sh\n# ${MARKER}\n`);
        const result = run("preview", "--stack", "local", "--policy-pack=policy");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, "fake pulumi preview --stack local --policy-pack=policy\n");
    });

    it("the marker is the one the language host patch compiles in", () => {
        const source = fs.readFileSync(path.join(PROJECT_DIR, "scripts", "toolchain", "langhost", "goship_runplugin.go"), "utf8");
        assert.ok(source.includes(`const goshipRunPluginSupported = "${MARKER}"`));
    });
});
