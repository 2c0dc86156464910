// scripts/toolchain/pulumi-run.sh and the passphrase: the local-only one reaches the local stack and no other; a
// dev or prod stack without a passphrase of its own stops with a clear error. A fake toolchain stands in for the
// real one (nothing is built).
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { PROJECT_DIR } from "../helpers/stack-config";

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));

describe("pulumi-run.sh gives the local-only passphrase to the local stack alone", () => {
    let cache: string;

    const run = (args: string[], env: Record<string, string> = {}) => {
        const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PULUMI_CONFIG_PASSPHRASE")));
        return spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "toolchain", "pulumi-run.sh"), ...args], {
            encoding: "utf8",
            env: { ...clean, GOSHIP_CACHE: cache, PULUMI_BACKEND_URL: `file://${path.join(cache, "state")}`, ...env },
        });
    };

    before(() => {
        cache = fs.mkdtempSync(path.join(os.tmpdir(), "goship-fake-toolchain-"));
        const bin = path.join(cache, "toolchain", `pulumi-${pkg.dependencies["@pulumi/pulumi"]}`, "bin");
        const write = (file: string, content: string) => {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, content, { mode: 0o755 });
        };
        // `stack --show-name` answers with the selected stack ($FAKE_SELECTED; none: the CLI's error).
        write(path.join(bin, "pulumi"), [
            "#!/bin/sh",
            'if [ "$1 $2" = "stack --show-name" ]; then [ -n "$FAKE_SELECTED" ] && echo "$FAKE_SELECTED" && exit 0; echo "no stack selected" >&2; exit 255; fi',
            'echo "pulumi $* passphrase=${PULUMI_CONFIG_PASSPHRASE:-none}"',
        ].join("\n"));
        write(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\n");
        write(path.join(bin, "pulumi-resource-pulumi-nodejs"), "#!/bin/sh\n");
        write(path.join(cache, "pulumi-home", "plugins", `resource-kubernetes-v${pkg.dependencies["@pulumi/kubernetes"]}`, "pulumi-resource-kubernetes"), "#!/bin/sh\n");
    });

    after(() => fs.rmSync(cache, { recursive: true, force: true }));

    for (const args of [["up", "--stack", "local"], ["preview", "--stack=local"], ["config", "get", "x", "-s", "organization/goship/local"], ["stack", "init", "local", "--secrets-provider", "passphrase"], ["stack", "select", "local"], ["stack", "rm", "--yes", "local"]]) {
        it(`the local stack gets it: ${args.join(" ")}`, () => {
            const result = run(args);
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout, `pulumi ${args.join(" ")} passphrase=local-only-passphrase\n`);
        });
    }

    it("so does the selected stack when it is local", () => {
        assert.equal(run(["preview"], { FAKE_SELECTED: "local" }).stdout, "pulumi preview passphrase=local-only-passphrase\n");
    });

    for (const [args, selected] of [[["up", "--stack", "dev"], ""], [["preview"], "prod"], [["stack", "init", "prod"], ""]] as const) {
        it(`any other stack without a passphrase stops: ${args.join(" ")}${selected ? ` (selected: ${selected})` : ""}`, () => {
            const result = run([...args], selected ? { FAKE_SELECTED: selected } : {});
            assert.equal(result.status, 1);
            assert.equal(result.stdout, "");
            assert.match(result.stderr, /^error: stack (dev|prod) has no passphrase: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE \(the local-only passphrase is for the local stack alone\)\n$/);
        });
    }

    it("a stack with its own passphrase keeps it, and a command for no stack runs without one", () => {
        assert.equal(run(["up", "--stack", "prod"], { PULUMI_CONFIG_PASSPHRASE: "prod-secret" }).stdout, "pulumi up --stack prod passphrase=prod-secret\n");
        assert.equal(run(["up", "--stack", "prod"], { PULUMI_CONFIG_PASSPHRASE_FILE: "/run/prod" }).stdout, "pulumi up --stack prod passphrase=none\n");
        assert.equal(run(["version"]).stdout, "pulumi version passphrase=none\n");
        // A stack subcommand naming no stack, nothing selected (npm run down's `stack select` once failed here).
        const ls = run(["stack", "ls"]);
        assert.equal(ls.status, 0, ls.stderr);
        assert.equal(ls.stdout, "pulumi stack ls passphrase=none\n");
    });
});
