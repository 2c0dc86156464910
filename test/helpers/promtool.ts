// promtool, the Prometheus CLI that unit-tests rule files: built by `npm run up` with the cluster's observability
// add-ons into the cache, at the version scripts/cluster/lib.sh pins. A test that needs it fails loudly without it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./stack-config";

/** PROMETHEUS_VERSION's default in scripts/cluster/lib.sh: one place states it. */
export function prometheusVersion(): string {
    const lib = fs.readFileSync(path.join(PROJECT_DIR, "scripts", "cluster", "lib.sh"), "utf8");
    const match = /^PROMETHEUS_VERSION=\$\{PROMETHEUS_VERSION:-([0-9.]+)\}$/m.exec(lib);
    if (!match) {
        throw new Error("scripts/cluster/lib.sh: no PROMETHEUS_VERSION=${PROMETHEUS_VERSION:-X.Y.Z} line");
    }
    return process.env.PROMETHEUS_VERSION || match[1];
}

export function promtoolPath(): string {
    const cache = process.env.GOSHIP_CACHE || path.join(os.homedir(), ".cache", "goship");
    return path.join(cache, `prometheus-v${prometheusVersion()}`, "bin", "promtool");
}

/** The path of promtool; throws when it is missing, so the test fails instead of being skipped. */
export function requirePromtool(): string {
    const promtool = promtoolPath();
    if (!fs.existsSync(promtool)) {
        throw new Error(`promtool not found at ${promtool}: run \`npm run up\` (it builds the observability add-ons)`);
    }
    return promtool;
}
