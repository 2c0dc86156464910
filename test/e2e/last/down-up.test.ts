// `npm run down` leaves nothing behind; `npm run up` then brings everything back (warm: caches kept).
// Runs last (package.json test:e2e runs test/e2e/last/ after test/e2e/): it stops the cluster the other tests use,
// and leaves the machine as it found it — up, with the local stack deployed.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, it } from "node:test";
import { requireCluster } from "../../helpers/cluster";
import { PROJECT_DIR } from "../../helpers/stack-config";

const CACHE = process.env.GOSHIP_CACHE || path.join(os.homedir(), ".cache", "goship");
const OUR_PROCESSES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "traefik", "metrics-server", "coredns", "docker-registry",
    "keda", "keda-adapter", "keda-admission-webhooks"];

function npm(script: string): { code: number; output: string; seconds: number } {
    const started = Date.now();
    const result = spawnSync("npm", ["run", "--silent", script], { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { code: result.status ?? 1, output: `${result.stdout}\n${result.stderr}`, seconds: (Date.now() - started) / 1000 };
}

/** Names of running processes whose executable is one of ours (containerd: only the node's, by its config). */
function leftoverProcesses(): string[] {
    const left: string[] = [];
    for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
        let exe: string;
        let cmdline: string;
        try {
            exe = fs.readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, "");
            cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        } catch {
            continue; // exited meanwhile, or a kernel thread
        }
        const name = exe.split("/").pop()!;
        if (OUR_PROCESSES.includes(name) || (name === "containerd" && cmdline.includes("cluster/containerd/config.toml"))
            || (name === "containerd-shim-runc-v2" && cmdline.includes("/run/goship/containerd/containerd.sock"))
            || (name === "java" && cmdline.includes(" kafka.Kafka ") && cmdline.includes(path.join(CACHE, "kafka", "config")))) {
            left.push(`${name} (pid ${pid})`);
        }
    }
    return left;
}

describe("npm run down, then npm run up", () => {
    it("down destroys the stack and stops everything; up restores it", () => {
        requireCluster();
        const down = npm("down");
        assert.equal(down.code, 0, `npm run down failed:\n${down.output.slice(-4000)}`);
        console.log(`npm run down: ${down.seconds.toFixed(1)} s`);
        assert.match(down.output, /Resources:\s*\n?.*\d+ deleted/s, "the stack's resources were destroyed");

        assert.deepEqual(leftoverProcesses(), [], "no process of ours left");
        const mounts = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")
            .map((line) => line.split(" ")[4]).filter((point) => point && /^(\/var\/lib\/kubelet|\/run\/goship\/containerd|\/run\/netns\/cni-)/.test(point));
        assert.deepEqual(mounts, [], "no mounts left");
        const chains = spawnSync("iptables-save", { encoding: "utf8" }).stdout.split("\n").filter((line) => /^[:-].*\b(KUBE|CNI)-/.test(line));
        assert.deepEqual(chains, [], "no iptables chains of kube-proxy or the CNI left");
        const links = spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout;
        assert.ok(!/\bgoship0\b|\bgoship-node\b/.test(links), "the cluster's bridges are gone");
        assert.ok(!fs.existsSync(path.join(CACHE, "kafka")), "the Kafka broker's state (scripts/kafka/) is removed");

        const up = npm("up");
        assert.equal(up.code, 0, `npm run up failed:\n${up.output.slice(-4000)}`);
        console.log(`npm run up (warm: cluster stopped, caches kept): ${up.seconds.toFixed(1)} s`);
        assert.match(up.output, /kafka: broker answers on 10\.244\.0\.1:9092 \(SASL SCRAM-SHA-512, user goship\)/);
        assert.match(up.output, /\/ping → \{"message":"pong"\}/);
        requireCluster();
    });
});
