// kubectl `get … --output json` for the dynamic providers that watch what an operator reports (KEDA's ScaledObject
// readiness, Flagger's canary verdict). Their code is serialized by Pulumi and runs in the engine: Node built-ins only.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface KubectlConnection {
    namespace: string;
    /** A path, or a kubeconfig's contents; unset: kubectl's own default (KUBECONFIG, ~/.kube/config). */
    kubeconfig?: string;
    context?: string;
}

export interface Kubectl {
    /** `kubectl --namespace <ns> get <args> --output json`, parsed. */
    get(args: string[]): Promise<unknown>;
    /** Removes the kubeconfig file written for contents. */
    close(): void;
}

/** The kubectl executable: $GOSHIP_KUBECTL, else `kubectl` on PATH. */
export function kubectlBinary(): string {
    return process.env.GOSHIP_KUBECTL || "kubectl";
}

/**
 * A kubectl bound to one cluster and namespace. `reading` names what is read and `remedy` what to do, for the error
 * when kubectl cannot run at all: "cannot run kubectl to read <reading>: ENOENT (<remedy>)".
 */
export function kubectl(connection: KubectlConnection, reading: string, remedy: string): Kubectl {
    let file: string | undefined;
    const flags: string[] = [];
    if (connection.kubeconfig !== undefined) {
        if (/(^|\n)\s*(apiVersion|clusters|contexts)\s*:/.test(connection.kubeconfig)) {
            file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "goship-kubectl-")), "kubeconfig");
            fs.writeFileSync(file, connection.kubeconfig, { mode: 0o600 });
            flags.push("--kubeconfig", file);
        } else {
            flags.push("--kubeconfig", connection.kubeconfig);
        }
    }
    if (connection.context !== undefined) {
        flags.push("--context", connection.context);
    }
    return {
        get: (args) => new Promise((resolve, reject) => {
            const child = spawn(kubectlBinary(), [...flags, "--namespace", connection.namespace, "get", ...args, "--output", "json"], { stdio: ["ignore", "pipe", "pipe"] });
            let out = "";
            let err = "";
            child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
            child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
            child.on("error", (error) => reject(new Error(`cannot run ${kubectlBinary()} to read ${reading}: ${error.message} (${remedy})`)));
            child.on("close", (code) => {
                if (code !== 0) {
                    reject(new Error(`${kubectlBinary()} get ${args.join(" ")} failed (exit ${code}): ${err.trim()}`));
                    return;
                }
                try {
                    resolve(JSON.parse(out));
                } catch {
                    reject(new Error(`${kubectlBinary()} get ${args.join(" ")} printed no JSON: ${out.slice(0, 200)}`));
                }
            });
        }),
        close: () => {
            if (file !== undefined) {
                fs.rmSync(path.dirname(file), { recursive: true, force: true });
            }
        },
    };
}
