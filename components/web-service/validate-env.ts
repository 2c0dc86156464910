// The service's environment: names goship sets itself are refused (they would be silently overridden), and values
// of the variables the Go service reads must be ones it accepts at start (service-env.ts).
import * as pulumi from "@pulumi/pulumi";
import { SECRET_SHOWN } from "../validation/problems";
import { ENV_NAME } from "../validation/kubernetes-names";
import { Checks, STRING, isRecord, key } from "../validation/rules";
import { RESERVED_ENV } from "./container-env";
import { DEPLOYMENT_RULES, serviceVariable, variableRule } from "./service-env";
import { WebServiceArgs } from "./types";

function checkVariable(checks: Checks, path: string, name: string, value: unknown, secret: boolean): void {
    if (name in RESERVED_ENV) {
        const from = RESERVED_ENV[name];
        checks.add(path, (n) => `a name goship does not set itself (${name} ${from ? `comes from ${n(from)}` : "is fixed by the app's ports"})`, JSON.stringify(name));
        return;
    }
    const variable = serviceVariable(name);
    if (variable === undefined || typeof value !== "string") {
        return;
    }
    for (const r of [variableRule(variable), DEPLOYMENT_RULES[name]]) {
        if (r && !r.accepts(value)) {
            checks.add(path, `${r.expected} (the service ${r === DEPLOYMENT_RULES[name] ? "would not pass its probes" : "refuses anything else at start"})`,
                secret ? SECRET_SHOWN : JSON.stringify(value));
            return;
        }
    }
}

export function checkEnv(checks: Checks, args: Pick<WebServiceArgs, "env" | "secretEnv" | "trustedProxies">): void {
    const env = checks.map("env", args.env, ENV_NAME, STRING);
    for (const [name, value] of Object.entries(env)) {
        checkVariable(checks, key("env", name), name, value, false);
    }
    if (args.secretEnv !== undefined && !isRecord(args.secretEnv)) {
        checks.add("secretEnv", "a map of names to (secret) values, the names known now", pulumi.Output.isInstance(args.secretEnv) ? "an Output of a whole map" : SECRET_SHOWN);
    } else {
        for (const [name, value] of Object.entries(args.secretEnv ?? {})) {
            const path = key("secretEnv", name);
            if (!ENV_NAME.accepts(name)) {
                checks.add(path, ENV_NAME.expected, JSON.stringify(name));
            } else if (name in env) {
                checks.add(path, (n) => `a name not also in ${n("env")} (which one would win is not obvious)`, JSON.stringify(name));
            } else if (typeof value !== "string" && !pulumi.Output.isInstance(value)) {
                checks.add(path, "a string or an Output of one", SECRET_SHOWN);
            } else {
                checkVariable(checks, path, name, value, true);
            }
        }
    }
    const proxies = serviceVariable("TRUSTED_PROXIES");
    if (proxies) {
        checks.check("trustedProxies", args.trustedProxies, variableRule(proxies));
    }
}
