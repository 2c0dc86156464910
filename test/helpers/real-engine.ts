// A throw-away copy of the project driven by the project's own Pulumi toolchain (npm run pulumi), with its own
// file backend, so end-to-end tests never touch the user's stacks or working tree.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./stack-config";

export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
}

export class ProjectCopy {
    readonly dir: string;
    readonly backend: string;

    private constructor(dir: string) {
        this.dir = dir;
        this.backend = path.join(dir, ".pulumi-state");
    }

    /** Copies the working tree (tracked and untracked, not ignored files) and links node_modules. */
    static create(): ProjectCopy {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-e2e-"));
        const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_DIR, encoding: "utf8" });
        if (listed.status !== 0) {
            throw new Error(`git ls-files failed: ${listed.stderr}`);
        }
        for (const file of listed.stdout.split("\0").filter(Boolean)) {
            const source = path.join(PROJECT_DIR, file);
            if (!fs.existsSync(source)) {
                continue; // deleted in the working tree
            }
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.copyFileSync(source, path.join(dir, file));
        }
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
        fs.mkdirSync(path.join(dir, ".pulumi-state"));
        return new ProjectCopy(dir);
    }

    /** Runs the project's Pulumi CLI in the copy; fails loudly when the toolchain is not built. */
    pulumi(args: string[], options: { allowFailure?: boolean } = {}): CommandResult {
        return this.run("bash", [path.join(PROJECT_DIR, "scripts", "toolchain", "pulumi-run.sh"), ...args], options);
    }

    /** pulumi() without blocking the event loop: a test can watch the cluster while `pulumi up` runs. */
    pulumiAsync(args: string[]): Promise<CommandResult> {
        return new Promise((resolve) => {
            const child = spawn("bash", [path.join(PROJECT_DIR, "scripts", "toolchain", "pulumi-run.sh"), ...args], { cwd: this.dir, env: this.env() });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk) => { stdout += chunk; });
            child.stderr.on("data", (chunk) => { stderr += chunk; });
            child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        });
    }

    private env(): NodeJS.ProcessEnv {
        return { ...process.env, PULUMI_BACKEND_URL: `file://${this.backend}`, PULUMI_CONFIG_PASSPHRASE: "local-only-passphrase" };
    }

    /** Runs a command in the copy with the copy's backend and the local passphrase. */
    run(command: string, args: string[], options: { allowFailure?: boolean } = {}): CommandResult {
        const result = spawnSync(command, args, {
            cwd: this.dir,
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
            env: this.env(),
        });
        const outcome = { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
        if (outcome.code !== 0 && !options.allowFailure) {
            throw new Error(`${command} ${args.join(" ")} failed (exit ${outcome.code}):\n${outcome.stdout.slice(-4000)}\n${outcome.stderr.slice(-4000)}`);
        }
        return outcome;
    }

    file(relative: string): string {
        return path.join(this.dir, relative);
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Steps of `pulumi preview --json` that change something. */
export function changedSteps(previewJson: string): { op: string; type: string; name: string }[] {
    const digest = JSON.parse(previewJson) as { steps?: { op: string; urn: string }[] };
    return (digest.steps ?? [])
        .filter((step) => step.op !== "same")
        .map((step) => {
            const parts = step.urn.split("::");
            const type = parts[2].split("$").pop()!;
            return { op: step.op, type, name: parts[3] };
        });
}

/** The manifest digest the registry serves for a tag (HTTP API, basic auth). */
export async function registryDigest(registry: string, repository: string, tag: string, auth?: { username: string; password: string }): Promise<{ status: number; digest?: string }> {
    const headers: Record<string, string> = {
        Accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
    };
    if (auth) {
        headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
    }
    const response = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, { method: "HEAD", headers });
    return { status: response.status, digest: response.headers.get("docker-content-digest") ?? undefined };
}
