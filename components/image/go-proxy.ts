// The Go module proxy settings of the machine running Pulumi, read from the Go client (`go env`) and handed to the
// build as build args — never a hard-coded host. They change where modules come from, not what is built (go.sum
// pins the content), so they are not part of the content hash.
import { execFileSync } from "child_process";
import * as fs from "fs";

const PROXY_VARIABLES = ["GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY"];

/** The proxy variables the Dockerfile declares as ARG, with this machine's non-empty values. */
export function goProxyBuildArgs(dockerfilePath: string): Record<string, string> {
    const declared = declaredArgs(dockerfilePath);
    const wanted = PROXY_VARIABLES.filter((name) => declared.has(name));
    if (wanted.length === 0) {
        return {};
    }
    const values = goEnv(wanted);
    return Object.fromEntries(wanted.filter((name) => values[name]).map((name) => [name, values[name]]));
}

function declaredArgs(dockerfilePath: string): Set<string> {
    const text = fs.readFileSync(dockerfilePath, "utf8");
    return new Set([...text.matchAll(/^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)/gim)].map((match) => match[1]));
}

/** `go env` when Go is installed, else the process environment. */
function goEnv(names: string[]): Record<string, string> {
    try {
        const output = execFileSync("go", ["env", "-json", ...names], { encoding: "utf8", timeout: 20_000 });
        return JSON.parse(output) as Record<string, string>;
    } catch {
        return Object.fromEntries(names.map((name) => [name, process.env[name] ?? ""]));
    }
}
