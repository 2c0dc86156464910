// Drives the `docker` CLI: log in, reuse an image the registry already holds, else build and push, and report the
// pushed manifest digest. This module runs inside the dynamic provider, whose code Pulumi serializes: it may import
// Node built-ins only.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface BuildRequest {
    /** Repository without tag, e.g. 127.0.0.1:5000/goship. */
    repository: string;
    tag: string;
    context: string;
    dockerfile: string;
    platform: string;
    buildArgs: Record<string, string>;
    network?: string;
    server: string;
    username: string;
    password: string;
    insecure: boolean;
    /** Append the commands and their output here (the builder's own log). */
    logFile: string;
}

export interface BuildResult {
    digest: string;
    /** Whether the image was built here (false: the registry already had this exact input hash). */
    built: boolean;
}

interface RunResult {
    code: number;
    output: string;
}

const DIGEST = /sha256:[0-9a-f]{64}/;

/** The docker executable: $GOSHIP_DOCKER, else `docker` on PATH. */
function dockerBinary(): string {
    return process.env.GOSHIP_DOCKER || "docker";
}

function run(args: string[], env: NodeJS.ProcessEnv, logFile: string, stdin?: string): Promise<RunResult> {
    fs.appendFileSync(logFile, `$ docker ${args.join(" ")}\n`);
    return new Promise((resolve, reject) => {
        const child = spawn(dockerBinary(), args, { env, stdio: ["pipe", "pipe", "pipe"] });
        let output = "";
        const collect = (chunk: Buffer) => {
            output += chunk.toString();
            fs.appendFileSync(logFile, chunk);
        };
        child.stdout.on("data", collect);
        child.stderr.on("data", collect);
        child.on("error", (err) => reject(new Error(`cannot run ${dockerBinary()}: ${err.message} (is the docker CLI installed?)`)));
        child.on("close", (code) => resolve({ code: code ?? 1, output }));
        child.stdin.end(stdin ?? "");
    });
}

function failure(step: string, result: RunResult): Error {
    const tail = result.output.trim().split("\n").slice(-30).join("\n");
    return new Error(`docker ${step} failed (exit ${result.code}):\n${tail}`);
}

/**
 * Builds and pushes `repository:tag` unless the registry already serves that tag, and returns its digest.
 * Credentials live only in a private, temporary DOCKER_CONFIG that is removed as soon as the push is done.
 */
export async function buildAndPush(request: BuildRequest): Promise<BuildResult> {
    fs.mkdirSync(path.dirname(request.logFile), { recursive: true });
    fs.appendFileSync(request.logFile, `\n# ${new Date().toISOString()} image ${request.repository}:${request.tag}\n`);
    const dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), "goship-docker-"));
    fs.chmodSync(dockerConfig, 0o700);
    const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
    const ref = `${request.repository}:${request.tag}`;
    try {
        const login = await run(
            ["login", request.server, "--username", request.username, "--password-stdin"], env, request.logFile, request.password,
        );
        if (login.code !== 0) {
            throw failure(`login to ${request.server}`, login);
        }

        const existing = await remoteDigest(ref, request.insecure, env, request.logFile);
        if (existing) {
            fs.appendFileSync(request.logFile, `# registry already has ${ref} (${existing}): nothing to build\n`);
            return { digest: existing, built: false };
        }

        const build = await run(dockerBuildArgs(request, ref), env, request.logFile);
        if (build.code !== 0) {
            throw failure("build", build);
        }

        const push = await run(["push", ref], env, request.logFile);
        if (push.code !== 0) {
            throw failure(`push to ${request.server}`, push);
        }
        const digest = DIGEST.exec(/digest: (sha256:[0-9a-f]{64})/.exec(push.output)?.[1] ?? "")?.[0]
            ?? await localRepoDigest(ref, request.repository, env, request.logFile);
        return { digest, built: true };
    } finally {
        fs.rmSync(dockerConfig, { recursive: true, force: true });
    }
}

/** Where a registry-hosted image is, and the login to read it with. */
export interface DigestRequest {
    /** `repository:tag`. */
    image: string;
    server: string;
    username: string;
    password: string;
    insecure: boolean;
    logFile: string;
}

/** The digest the registry serves for `repository:tag`; an error naming the image when it has none. */
export async function resolveDigest(request: DigestRequest): Promise<string> {
    fs.mkdirSync(path.dirname(request.logFile), { recursive: true });
    const dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), "goship-docker-"));
    fs.chmodSync(dockerConfig, 0o700);
    const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
    try {
        const login = await run(["login", request.server, "--username", request.username, "--password-stdin"], env, request.logFile, request.password);
        if (login.code !== 0) {
            throw failure(`login to ${request.server}`, login);
        }
        const digest = await remoteDigest(request.image, request.insecure, env, request.logFile);
        if (!digest) {
            throw new Error(`the registry ${request.server} has no image ${request.image} (push it first; see ${request.logFile})`);
        }
        return digest;
    } finally {
        fs.rmSync(dockerConfig, { recursive: true, force: true });
    }
}

/** The `docker build` command line (also for `npm run compose:up`, which builds the same image without pushing). */
export function dockerBuildArgs(
    request: Pick<BuildRequest, "context" | "dockerfile" | "platform" | "network" | "buildArgs">, ref: string,
): string[] {
    const buildArgs = Object.keys(request.buildArgs).sort().flatMap((name) => ["--build-arg", `${name}=${request.buildArgs[name]}`]);
    return [
        "build",
        "--file", path.join(request.context, request.dockerfile),
        "--tag", ref,
        "--platform", request.platform,
        ...(request.network ? ["--network", request.network] : []),
        ...buildArgs,
        request.context,
    ];
}

/** The manifest digest the registry serves for a tag, or undefined when it has no such tag. */
async function remoteDigest(ref: string, insecure: boolean, env: NodeJS.ProcessEnv, logFile: string): Promise<string | undefined> {
    const inspect = await run(["manifest", "inspect", "--verbose", ...(insecure ? ["--insecure"] : []), ref], env, logFile);
    if (inspect.code !== 0) {
        return undefined;
    }
    try {
        const parsed = JSON.parse(inspect.output) as unknown;
        // A single-platform image is one object; an index lists one per platform. The digest we deploy is the
        // tag's own (top-level) manifest, which is the Descriptor of a single object.
        const first = Array.isArray(parsed) ? undefined : (parsed as { Descriptor?: { digest?: string } });
        return first?.Descriptor?.digest && DIGEST.test(first.Descriptor.digest) ? first.Descriptor.digest : undefined;
    } catch {
        return undefined;
    }
}

async function localRepoDigest(ref: string, repository: string, env: NodeJS.ProcessEnv, logFile: string): Promise<string> {
    const inspect = await run(["image", "inspect", "--format", "{{json .RepoDigests}}", ref], env, logFile);
    if (inspect.code !== 0) {
        throw failure("image inspect", inspect);
    }
    const digests = JSON.parse(inspect.output) as string[];
    const mine = digests.find((entry) => entry.startsWith(`${repository}@`));
    if (!mine) {
        throw new Error(`pushed ${ref} but docker reports no digest for ${repository}`);
    }
    return mine.slice(repository.length + 1);
}
