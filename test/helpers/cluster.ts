// The local cluster from the tests' side: kubectl, HTTP through the Ingress, and constant-rate load (vegeta).
// Everything here talks only to loopback and to the node's own addresses.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./stack-config";

/** Where Traefik listens (scripts/cluster/lib.sh INGRESS_ADDR). */
export const INGRESS = { host: "127.0.0.1", port: 8000 };

export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** The cluster's kubectl with the admin kubeconfig (npm run kubectl). */
export function kubectl(args: string[], options: { allowFailure?: boolean } = {}): CommandResult {
    const result = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "cluster", "kubectl.sh"), ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const outcome = { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    if (outcome.code !== 0 && !options.allowFailure) {
        throw new Error(`kubectl ${args.join(" ")} failed (exit ${outcome.code}): ${outcome.stderr}`);
    }
    return outcome;
}

export function kubectlJson<T = any>(args: string[]): T {
    return JSON.parse(kubectl([...args, "-o", "json"]).stdout) as T;
}

/** Fails the suite loudly when the local cluster is not running (tests never skip silently). */
export function requireCluster(): void {
    const ready = kubectl(["get", "--raw", "/readyz"], { allowFailure: true });
    if (ready.code !== 0 || ready.stdout.trim() !== "ok") {
        throw new Error(`the local cluster is not running (kubectl get --raw /readyz: ${ready.stderr.trim() || ready.stdout.trim()}); run \`npm run up\` first`);
    }
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, intervalMs = 1000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}

/** GET through the Ingress with a Host header (the Ingress rule's host). */
export async function ingressGet(urlPath: string, host: string): Promise<{ status: number; body: string }> {
    const { status, body } = await httpRequest({ ...INGRESS, hostHeader: host, method: "GET", path: urlPath });
    return { status, body };
}

/** One HTTP request to an address (a pod, a cluster IP, or the Ingress with a Host header), a JSON body, answered in full. */
export function httpRequest(options: { host: string; port: number; method: string; path: string; hostHeader?: string; body?: unknown }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
        const request = http.request({
            host: options.host, port: options.port, method: options.method, path: options.path, timeout: 5000,
            headers: { ...(options.hostHeader ? { Host: options.hostHeader } : {}), ...(payload ? { "Content-Type": "application/json" } : {}) },
        }, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (body += chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        });
        request.on("timeout", () => request.destroy(new Error(`${options.method} ${options.path} timed out`)));
        request.on("error", reject);
        request.end(payload);
    });
}

/** Ready pods of a Deployment's selector, with their IPs. */
export function readyPods(namespace: string, selector: string): { name: string; ip: string }[] {
    const pods = kubectlJson<{ items: any[] }>(["-n", namespace, "get", "pods", "-l", selector]);
    return pods.items
        .filter((pod) => !pod.metadata.deletionTimestamp && (pod.status.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True"))
        .map((pod) => ({ name: pod.metadata.name as string, ip: pod.status.podIP as string }));
}

export interface LoadReport {
    requests: number;
    /** Requests per second vegeta actually sent. */
    rate: number;
    statusCodes: Record<string, number>;
    /** Distinct transport errors (connection refused, timeouts, …). */
    errors: string[];
    /** Responses whose status was not 2xx, plus transport errors (status 0). */
    failures: number;
    /** Failures per "METHOD path", for every target. */
    failuresByTarget: Record<string, number>;
    /** Bodies of the responses, counted: which versions answered. */
    bodies: Record<string, number>;
    /**
     * Every response (status 0: a transport error), in the order sent: what writes were acknowledged. `at` is when it
     * was sent (ms since the epoch); `version` is the X-Goship-Version header (services run with VERSION_HEADER=true).
     */
    responses: { method: string; path: string; code: number; body: string; at: number; version?: string }[];
    latencyP50Ms: number;
    latencyP99Ms: number;
    latencyMaxMs: number;
}

export interface LoadTarget {
    method: string;
    url: string;
    headers?: Record<string, string>;
    body?: string;
}

/**
 * Constant-rate load through the Ingress (vegeta attack -rate): runs until stop().
 * vegeta is built once by scripts/tools/vegeta.sh (Debian has none).
 */
export class ConstantLoad {
    private constructor(private readonly child: ChildProcess, private readonly dir: string, private readonly vegeta: string) {}

    static start(options: { host: string; path: string; ratePerSecond: number; workers?: number }): ConstantLoad {
        return ConstantLoad.startTargets({
            targets: [{ method: "GET", url: `http://${INGRESS.host}:${INGRESS.port}${options.path}`, headers: { Host: options.host } }],
            ratePerSecond: options.ratePerSecond,
            workers: options.workers,
        });
    }

    /**
     * Constant-rate load over the targets in turn, on keep-alive connections (vegeta's default). net/http, which
     * vegeta uses, retries a GET whose reused connection fails before any response, but never a PUT or POST: a lost
     * request shows as a transport error only for those.
     */
    static startTargets(options: { targets: LoadTarget[]; ratePerSecond: number; workers?: number }): ConstantLoad {
        const vegeta = vegetaBinary();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-load-"));
        // vegeta's JSON target format: one object per line, bodies inline (base64), so thousands of distinct
        // writes need no file each.
        const targets = path.join(dir, "targets.jsonl");
        fs.writeFileSync(targets, options.targets.map((target) => JSON.stringify({
            method: target.method,
            url: target.url,
            header: Object.fromEntries(Object.entries(target.headers ?? {}).map(([name, value]) => [name, [value]])),
            ...(target.body === undefined ? {} : { body: Buffer.from(target.body).toString("base64") }),
        }) + "\n").join(""));
        const child = spawn(vegeta, [
            "attack", "-format=json", `-targets=${targets}`, `-rate=${options.ratePerSecond}/1s`, "-duration=0", "-timeout=5s",
            `-workers=${options.workers ?? 10}`, `-output=${path.join(dir, "results.bin")}`,
        ], { stdio: ["ignore", "ignore", "pipe"] });
        return new ConstantLoad(child, dir, vegeta);
    }

    async stop(): Promise<LoadReport> {
        const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        this.child.kill("SIGINT");
        await exited;
        const results = path.join(this.dir, "results.bin");
        const report = JSON.parse(spawnSync(this.vegeta, ["report", "-type=json", results], { encoding: "utf8" }).stdout);
        // Bodies and failures per target: vegeta encode to JSON lines, one per result (body base64).
        const encoded = spawnSync(this.vegeta, ["encode", "-to=json", results], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 }).stdout;
        const bodies: Record<string, number> = {};
        const failuresByTarget: Record<string, number> = {};
        const responses: LoadReport["responses"] = [];
        for (const line of encoded.split("\n").filter(Boolean)) {
            const result = JSON.parse(line) as { body?: string; method: string; url: string; code: number; timestamp: string; headers?: Record<string, string[]> };
            const body = Buffer.from(result.body ?? "", "base64").toString("utf8");
            bodies[body] = (bodies[body] ?? 0) + 1;
            const target = `${result.method} ${new URL(result.url).pathname}`;
            const version = Object.entries(result.headers ?? {}).find(([name]) => name.toLowerCase() === "x-goship-version")?.[1]?.[0];
            responses.push({ method: result.method, path: new URL(result.url).pathname, code: result.code, body, at: Date.parse(result.timestamp), version });
            failuresByTarget[target] = (failuresByTarget[target] ?? 0) + (result.code >= 200 && result.code < 300 ? 0 : 1);
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
        const statusCodes = report.status_codes as Record<string, number>;
        const failures = Object.entries(statusCodes).filter(([code]) => !code.startsWith("2")).reduce((sum, [, n]) => sum + n, 0);
        return {
            requests: report.requests,
            rate: report.rate,
            statusCodes,
            // vegeta lists a non-2xx answer's status line among its errors; those are in statusCodes already.
            errors: ((report.errors ?? []) as string[]).filter((error) => !/^\d{3} /.test(error)),
            failures,
            failuresByTarget,
            bodies,
            responses,
            latencyP50Ms: report.latencies["50th"] / 1e6,
            latencyP99Ms: report.latencies["99th"] / 1e6,
            latencyMaxMs: report.latencies.max / 1e6,
        };
    }
}

let vegetaPath: string | undefined;
function vegetaBinary(): string {
    if (!vegetaPath) {
        const built = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "tools", "vegeta.sh")], { encoding: "utf8" });
        if (built.status !== 0) {
            throw new Error(`scripts/tools/vegeta.sh failed: ${built.stderr}`);
        }
        vegetaPath = built.stdout.trim();
    }
    return vegetaPath;
}
