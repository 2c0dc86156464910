// The environment the Go service reads (app/README.md), derived from the settings so that the Kubernetes side
// and the service agree on ports, log level and the shutdown sequence.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { APP_CONTRACT, DEFAULTS } from "../defaults";
import { goMemLimit, parseBytes } from "../quantity";
import { ObjectMeta } from "./child-options";
import { KAFKA_ENV } from "../kafka/env";
import { FAULT_ENV, faultInjectionEnv } from "./fault-env";
import { TRACING_ENV, tracingEnv } from "./tracing-env";
import { WebServiceSettings } from "./types";

/** Variables goship sets itself, each with the argument it comes from (none: the app contract's ports). */
export const RESERVED_ENV: Record<string, string | undefined> = {
    PORT: undefined,
    ADMIN_PORT: undefined,
    LOG_LEVEL: "logLevel",
    SHUTDOWN_DRAIN_DELAY: "shutdown.drainDelaySeconds",
    SHUTDOWN_TIMEOUT: "shutdown.shutdownTimeoutSeconds",
    TRUSTED_PROXIES: "trustedProxies",
    GOMEMLIMIT: "resources.memoryLimit",
    GOMAXPROCS: "resources.cpuLimit",
    ...Object.fromEntries(TRACING_ENV.map((name) => [name, "tracing"])),
    ...Object.fromEntries(FAULT_ENV.map((name) => [name, "faultInjection"])),
    USERS_STORE: "database",
    DATABASE_URL: "database",
    ...Object.fromEntries(KAFKA_ENV.map((name) => [name, "kafka"])),
};

/** The Secret and key holding the service's DATABASE_URL. */
export interface DatabaseSecretRef {
    name: pulumi.Input<string>;
    key: string;
}

export function containerEnv(
    settings: WebServiceSettings,
    meta: Pick<ObjectMeta, "name" | "namespace">,
    database?: DatabaseSecretRef,
): k8s.types.input.core.v1.EnvVar[] {
    const memoryLimit = parseBytes(settings.resources.memoryLimit);
    const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: "PORT", value: String(APP_CONTRACT.httpPort) },
        { name: "ADMIN_PORT", value: String(APP_CONTRACT.adminPort) },
        { name: "LOG_LEVEL", value: settings.logLevel },
        { name: "SHUTDOWN_DRAIN_DELAY", value: `${settings.shutdown.drainDelaySeconds}s` },
        { name: "SHUTDOWN_TIMEOUT", value: `${settings.shutdown.shutdownTimeoutSeconds}s` },
        // Whole cores, rounded up: the Go scheduler's threads then match the CPU quota.
        { name: "GOMAXPROCS", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1" } } },
    ];
    if (memoryLimit !== undefined) {
        // Below the limit, so the GC works harder before the kernel OOM-kills the container.
        env.push({ name: "GOMEMLIMIT", value: goMemLimit(memoryLimit, DEFAULTS.workload.goMemLimitRatio) });
    }
    if (settings.trustedProxies) {
        env.push({ name: "TRUSTED_PROXIES", value: settings.trustedProxies });
    }
    if (settings.tracing) {
        env.push(...tracingEnv(meta.name, meta.namespace, settings.tracing));
    }
    if (settings.faultInjection) {
        env.push(...faultInjectionEnv(settings.faultInjection));
    }
    env.push(...databaseEnv(database));
    return env;
}

/** The store settings: PostgreSQL from the connection Secret, or memory. Shared by the service and its worker. */
export function databaseEnv(database: DatabaseSecretRef | undefined): k8s.types.input.core.v1.EnvVar[] {
    // Explicit either way: without DATABASE_URL the service's default store (postgres) refuses to start.
    return database
        ? [{ name: "USERS_STORE", value: "postgres" }, { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: database.name, key: database.key } } }]
        : [{ name: "USERS_STORE", value: "memory" }];
}

/** GOMAXPROCS and GOMEMLIMIT from the container's limits. */
export function goRuntimeEnv(memoryLimitText: string): k8s.types.input.core.v1.EnvVar[] {
    const memoryLimit = parseBytes(memoryLimitText);
    return [
        // Whole cores, rounded up: the Go scheduler's threads then match the CPU quota.
        { name: "GOMAXPROCS", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1" } } },
        // Below the limit, so the GC works harder before the kernel OOM-kills the container.
        ...(memoryLimit === undefined ? [] : [{ name: "GOMEMLIMIT", value: goMemLimit(memoryLimit, DEFAULTS.workload.goMemLimitRatio) }]),
    ];
}
