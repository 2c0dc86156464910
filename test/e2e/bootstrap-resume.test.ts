// The toolchain bootstrap interrupted in the middle of a build, then run again: it finishes the interrupted build,
// redoes none of the finished ones, and never trusts a half-written binary. Runs against a scratch cache seeded
// with the finished CLI and language host from the real cache, so only the Kubernetes provider is left to build.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, describe, it } from "node:test";
import { PROJECT_DIR } from "../helpers/stack-config";

const SOURCE_CACHE = process.env.GOSHIP_CACHE ?? path.join(os.homedir(), ".cache", "goship");
const versions = (() => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    return { pulumi: pkg.dependencies["@pulumi/pulumi"], kubernetes: pkg.dependencies["@pulumi/kubernetes"] };
})();
const SCRIPT = path.join(PROJECT_DIR, "scripts", "toolchain", "pulumi.sh");

function seedCache(): string {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "goship-cache-"));
    const finished = path.join(SOURCE_CACHE, "toolchain", `pulumi-${versions.pulumi}`);
    assert.ok(fs.existsSync(path.join(finished, "bin", "pulumi")), `run npm run bootstrap first: ${finished} has no pulumi CLI`);
    fs.mkdirSync(path.join(cache, "toolchain"), { recursive: true });
    for (const dir of [`pulumi-${versions.pulumi}`, "src"]) {
        spawnSync("cp", ["-a", path.join(SOURCE_CACHE, "toolchain", dir), path.join(cache, "toolchain", dir)]);
    }
    return cache;
}

/** Runs the bootstrap until `marker` appears in its output, lets it work `graceMs` longer, then interrupts it. */
function interruptAfter(cache: string, marker: string, graceMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [SCRIPT], { env: { ...process.env, GOSHIP_CACHE: cache }, detached: true });
        let output = "";
        let timer: NodeJS.Timeout | undefined;
        const onData = (chunk: Buffer) => {
            output += chunk.toString();
            if (!timer && output.includes(marker)) {
                timer = setTimeout(() => process.kill(-child.pid!, "SIGTERM"), graceMs);
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("error", reject);
        child.on("close", () => (timer ? resolve(output) : reject(new Error(`exited before "${marker}":\n${output}`))));
    });
}

describe("toolchain bootstrap, interrupted and resumed", () => {
    const cache = seedCache();
    after(() => fs.rmSync(cache, { recursive: true, force: true }));
    const provider = path.join(cache, "toolchain", `kubernetes-provider-${versions.kubernetes}`, "pulumi-resource-kubernetes");

    it("leaves no half-built provider when interrupted mid-build", async () => {
        const output = await interruptAfter(cache, `==> build pulumi-resource-kubernetes ${versions.kubernetes}`, 3000);
        assert.ok(!output.includes("==> build pulumi "), "the finished CLI was not rebuilt");
        assert.ok(!fs.existsSync(provider), "no provider binary where a re-run would trust it");
    });

    it("re-run completes the provider, skips the finished builds, and installs the plugin", () => {
        const rerun = spawnSync("bash", [SCRIPT], { env: { ...process.env, GOSHIP_CACHE: cache }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        const output = rerun.stdout + rerun.stderr;
        assert.equal(rerun.status, 0, output.slice(-3000));
        assert.ok(output.includes(`<== build pulumi-resource-kubernetes ${versions.kubernetes}`), "the interrupted build ran to its end");
        assert.ok(!/==> build pulumi(-language-nodejs)? /.test(output), "finished builds were not redone");
        assert.ok(fs.existsSync(provider));
        assert.ok(fs.existsSync(path.join(cache, "pulumi-home", "plugins", `resource-kubernetes-v${versions.kubernetes}`, "pulumi-resource-kubernetes")));
    });
});
