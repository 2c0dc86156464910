// The environment variables the Go service reads and the values it refuses at start, from the description the Go
// code exports (service-variables.json, generated from app/internal/config/spec.go and kept in step with its parser by a
// Go test). A value the service would refuse is refused here, before a pod could crash-loop on it.
import { isCidr, isIpAddress, isUnspecifiedAddress } from "../validation/net";
import { Rule, rule } from "../validation/rules";
import spec = require("./service-variables.json");

export interface ServiceVariable {
    name: string;
    kind: "port" | "ip-address" | "log-level" | "proxies" | "duration" | "byte-count" | "integer" | "enum" | "url" | "ratio"
        | "postgres-url" | "host-ports" | "kafka-name" | "text";
    default: string;
    description: string;
    min?: number;
    max?: number;
    values?: string[];
    /** The service's own words for a valid value. */
    expected: string;
    /** The value is never echoed. */
    secret?: boolean;
}

export const SERVICE_VARIABLES = spec.variables as ServiceVariable[];

/** Go's time.ParseDuration in nanoseconds; undefined when it is not a duration. */
export function parseGoDuration(text: string): number | undefined {
    if (text === "0") {
        return 0;
    }
    const match = /^([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
    if (!match) {
        return undefined;
    }
    const unit: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };
    let total = 0;
    for (const [, amount, suffix] of match[2].matchAll(/([0-9.]+)(ns|us|µs|μs|ms|s|m|h)/g)) {
        total += Number(amount) * unit[suffix];
    }
    return match[1] === "-" ? -total : total;
}

/** strconv.ParseInt / Atoi in base 10: an optional sign and digits. */
function goInteger(text: string): number | undefined {
    return /^[-+]?[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** strconv.ParseFloat of a decimal number (NaN and infinities are refused by the range check). */
function goFloat(text: string): number | undefined {
    return /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : undefined;
}

/** url.Parse with an http or https scheme and a host, as the service requires of an OTLP endpoint. */
function isHttpUrl(text: string): boolean {
    try {
        const url = new URL(text);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
        return false;
    }
}

/** libpq's sslmode values, which pgx's ParseConfig also requires. */
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/**
 * url.Parse with a postgres or postgresql scheme, a host and a database name, then what pgx's ParseConfig refuses of
 * such a URL (a port above 65535 fails WHATWG parsing too; an unknown sslmode is checked here).
 */
function isPostgresUrl(text: string): boolean {
    try {
        const url = new URL(text);
        const sslmode = url.searchParams.get("sslmode");
        return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== ""
            && url.pathname.replace(/^\/+/, "") !== "" && (sslmode === null || SSL_MODES.includes(sslmode));
    } catch {
        return false;
    }
}

/** net.SplitHostPort with a host (a DNS name or a bracketed IPv6 address) and a port from 1 to 65535, as KAFKA_BROKERS. */
function isHostPort(text: string): boolean {
    const match = /^(?:\[([^\]]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)):([0-9]+)$/.exec(text);
    if (!match) {
        return false;
    }
    const port = Number(match[3]);
    return port >= 1 && port <= 65535 && (match[1] === undefined || (isIpAddress(match[1]) && match[1].includes(":")));
}

function inRange(value: number | undefined, min = -Infinity, max = Infinity): boolean {
    return value !== undefined && value >= min && value <= max;
}

/** The rule a variable's value follows, in the service's own words. */
export function variableRule(variable: ServiceVariable): Rule {
    const accepts = (text: string): boolean => {
        switch (variable.kind) {
            case "port":
            case "byte-count":
            case "integer":
                return inRange(goInteger(text), variable.min, variable.max);
            case "duration":
                return inRange(parseGoDuration(text), variable.min, variable.max);
            case "ratio":
                return inRange(goFloat(text), variable.min, variable.max);
            case "log-level":
            case "enum":
                return (variable.values ?? []).includes(text.toLowerCase());
            case "url":
                return isHttpUrl(text);
            case "postgres-url":
                return isPostgresUrl(text);
            case "ip-address":
                return isIpAddress(text, { zone: true });
            case "host-ports": {
                const entries = text.split(",").map((entry) => entry.trim()).filter(Boolean);
                return entries.length > 0 && entries.every(isHostPort);
            }
            case "kafka-name":
                return /^[A-Za-z0-9._-]{1,249}$/.test(text);
            case "text":
                return !/\p{Cc}/u.test(text);
            case "proxies":
                return text.split(",").map((entry) => entry.trim()).filter(Boolean)
                    .every((entry) => (entry.includes("/") ? isCidr(entry) : isIpAddress(entry)));
        }
    };
    // An empty value counts as unset for the service: its default applies.
    return rule(variable.expected, (value) => typeof value === "string" && (value === "" || accepts(value)));
}

/**
 * What the deployment itself needs of a variable beyond the service's rules: the kubelet probes the pod's IP, so
 * the service must listen on every interface.
 */
export const DEPLOYMENT_RULES: Record<string, Rule> = {
    LISTEN_HOST: rule(
        "unset, 0.0.0.0 or :: (the kubelet probes the pod's IP, which a server bound to one address does not answer on)",
        (value) => value === "" || (typeof value === "string" && isUnspecifiedAddress(value)),
    ),
};

export function serviceVariable(name: string): ServiceVariable | undefined {
    return SERVICE_VARIABLES.find((variable) => variable.name === name);
}
