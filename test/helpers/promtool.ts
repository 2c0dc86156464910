// promtool, the Prometheus CLI that unit-tests rule files: built by `npm run up` with the cluster's observability
// add-ons into the cache, at the version the lead's builds pin. A test that needs it fails loudly without it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const PROMETHEUS_VERSION = "v3.16.0";

export function promtoolPath(): string {
    const cache = process.env.GOSHIP_CACHE || path.join(os.homedir(), ".cache", "goship");
    return path.join(cache, `prometheus-${PROMETHEUS_VERSION}`, "bin", "promtool");
}

/** The path of promtool; throws when it is missing, so the test fails instead of being skipped. */
export function requirePromtool(): string {
    const promtool = promtoolPath();
    if (!fs.existsSync(promtool)) {
        throw new Error(`promtool not found at ${promtool}: run \`npm run up\` (it builds the observability add-ons)`);
    }
    return promtool;
}
