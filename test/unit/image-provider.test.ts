// The GoServiceImage provider against a fake `docker` on PATH: what it runs, in which order, with which secrets.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeEach, describe, it } from "node:test";
import { ImageProviderInputs, ImageProviderOutputs, imageProvider } from "../../components/image/provider";
import { FAKE_PUSH_DIGEST, FAKE_REMOTE_DIGEST, FakeDocker, installFakeDocker } from "../helpers/fake-docker";

const PASSWORD = "s3cret-registry-token";
let docker: FakeDocker;
let buildLog: string;

function request(overrides: Partial<ImageProviderInputs> = {}): ImageProviderInputs {
    return {
        repository: "registry.example.com/team/svc",
        tag: "src-0123456789abcdef0123",
        contentHash: "0123456789abcdef0123" + "0".repeat(44),
        context: "/src/app",
        dockerfile: "Dockerfile",
        platform: "linux/amd64",
        buildArgs: { VERSION: "1", BUILDER_IMAGE: "golang:1.26" },
        network: "host",
        server: "registry.example.com",
        username: "robot",
        password: PASSWORD,
        insecure: false,
        logFile: buildLog,
        ...overrides,
    };
}

beforeEach(() => {
    docker = installFakeDocker();
    buildLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "goship-log-")), "logs", "image-build.log");
    process.env.PATH = `${docker.binDir}${path.delimiter}${process.env.PATH}`;
    process.env.FAKE_DOCKER_LOG = docker.logFile;
    delete process.env.FAKE_DOCKER_FAIL;
    delete process.env.FAKE_DOCKER_REMOTE;
    delete process.env.GOSHIP_DOCKER;
});

describe("image provider create", () => {
    it("logs in, checks the registry, builds, pushes and returns the pushed digest", async () => {
        const result = await imageProvider.create!(request());
        const calls = docker.calls();
        assert.deepEqual(calls.map((call) => call.args[0]), ["login", "manifest", "build", "push"]);
        assert.deepEqual(calls[0].args, ["login", "registry.example.com", "--username", "robot", "--password-stdin"]);
        assert.equal(calls[0].stdin, PASSWORD, "password goes through stdin");
        assert.deepEqual(calls[1].args, ["manifest", "inspect", "--verbose", "registry.example.com/team/svc:src-0123456789abcdef0123"]);
        assert.deepEqual(calls[2].args, [
            "build", "--file", "/src/app/Dockerfile", "--tag", "registry.example.com/team/svc:src-0123456789abcdef0123",
            "--platform", "linux/amd64", "--network", "host",
            "--build-arg", "BUILDER_IMAGE=golang:1.26", "--build-arg", "VERSION=1", "/src/app",
        ]);
        assert.deepEqual(calls[3].args, ["push", "registry.example.com/team/svc:src-0123456789abcdef0123"]);

        const outs = result.outs as ImageProviderOutputs;
        assert.equal(outs.digest, FAKE_PUSH_DIGEST);
        assert.equal(outs.ref, `registry.example.com/team/svc@${FAKE_PUSH_DIGEST}`);
        assert.equal(result.id, "registry.example.com/team/svc:src-0123456789abcdef0123");
        assert.ok(!JSON.stringify(outs).includes(PASSWORD), "no credential in the outputs");
        assert.ok(!JSON.stringify(outs).includes("robot"), "no username in the outputs either");
    });

    it("keeps credentials in a private temporary DOCKER_CONFIG that is gone after the push", async () => {
        await imageProvider.create!(request());
        const calls = docker.calls();
        const configDirs = new Set(calls.map((call) => call.configDir));
        assert.equal(configDirs.size, 1, "one config dir for the whole run");
        const [configDir] = configDirs;
        assert.ok(configDir && configDir.startsWith(os.tmpdir()));
        assert.ok(calls.every((call) => call.configDirExists), "present while docker runs");
        assert.ok(!fs.existsSync(configDir!), "removed afterwards");
        assert.ok(calls.every((call) => !call.args.join(" ").includes(PASSWORD)), "never on a command line");
        assert.ok(!fs.readFileSync(buildLog, "utf8").includes(PASSWORD), "never in the build log");
    });

    it("uses --insecure for plain-HTTP registries when checking for an existing image", async () => {
        await imageProvider.create!(request({ insecure: true }));
        assert.ok(docker.calls()[1].args.includes("--insecure"));
    });

    it("reuses the image the registry already has for this content hash: no build, no push", async () => {
        process.env.FAKE_DOCKER_REMOTE = "present";
        const result = await imageProvider.create!(request());
        assert.deepEqual(docker.calls().map((call) => call.args[0]), ["login", "manifest"]);
        assert.equal((result.outs as ImageProviderOutputs).digest, FAKE_REMOTE_DIGEST);
        assert.match(fs.readFileSync(buildLog, "utf8"), /nothing to build/);
    });

    it("fails with docker's own message when the build fails, and still removes the credentials", async () => {
        process.env.FAKE_DOCKER_FAIL = "build";
        await assert.rejects(imageProvider.create!(request()), /docker build failed \(exit 1\):\nfake docker: build failed on purpose\nline two of the error/);
        assert.deepEqual(docker.calls().map((call) => call.args[0]), ["login", "manifest", "build"]);
        assert.ok(!fs.existsSync(docker.calls()[0].configDir!));
    });

    it("fails before building when the login is refused", async () => {
        process.env.FAKE_DOCKER_FAIL = "login";
        await assert.rejects(imageProvider.create!(request()), /docker login to registry\.example\.com failed/);
        assert.deepEqual(docker.calls().map((call) => call.args[0]), ["login"]);
    });

    it("names the missing docker CLI", async () => {
        process.env.GOSHIP_DOCKER = "/nonexistent/docker";
        await assert.rejects(imageProvider.create!(request()), /cannot run \/nonexistent\/docker: .*is the docker CLI installed/);
    });
});

describe("image provider diff and update", () => {
    const olds = (overrides: Partial<ImageProviderOutputs> = {}): ImageProviderOutputs => ({
        repository: request().repository, tag: request().tag, contentHash: request().contentHash, platform: "linux/amd64",
        digest: FAKE_PUSH_DIGEST, ref: `${request().repository}@${FAKE_PUSH_DIGEST}`, ...overrides,
    });

    it("sees no change when only the credentials or build log moved (fresh tokens every run)", async () => {
        const diff = await imageProvider.diff!("id", olds(), request({ password: "new-token", username: "AWS", logFile: "/elsewhere.log" }));
        assert.equal(diff.changes, false);
    });

    for (const [field, value] of [["contentHash", "f".repeat(64)], ["repository", "other.example.com/svc"], ["platform", "linux/arm64"]] as const) {
        it(`updates in place (no replace, old image kept) when ${field} changes`, async () => {
            const diff = await imageProvider.diff!("id", olds(), request({ [field]: value }));
            assert.equal(diff.changes, true);
            assert.deepEqual(diff.replaces, []);
        });
    }

    it("update builds and pushes the new tag", async () => {
        const result = await imageProvider.update!("id", olds(), request({ tag: "src-ffffffffffffffffffff" }));
        assert.equal(docker.calls().find((call) => call.args[0] === "push")!.args[1], "registry.example.com/team/svc:src-ffffffffffffffffffff");
        assert.equal((result.outs as ImageProviderOutputs).ref, `registry.example.com/team/svc@${FAKE_PUSH_DIGEST}`);
    });

    it("delete leaves the image in the registry", async () => {
        await imageProvider.delete!("id", olds());
        assert.deepEqual(docker.calls(), []);
    });
});
