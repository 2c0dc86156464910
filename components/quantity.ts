// Kubernetes resource quantities (the subset used for CPU and memory), parsed to numbers so the config can
// check requests against limits and derive GOMEMLIMIT before anything reaches the cluster.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|m|k|M|G|T)?$/;

/** Parses a quantity to its value in base units (cores, bytes); undefined when it is not one. */
export function parseQuantity(text: string): number | undefined {
    const match = QUANTITY.exec(text.trim());
    if (!match) {
        return undefined;
    }
    const suffix = match[2] ?? "";
    const factor = BINARY[suffix] ?? DECIMAL[suffix];
    return Number(match[1]) * factor;
}

/** Parses a CPU quantity (cores); "m" is the only sensible sub-unit, so binary suffixes are rejected. */
export function parseCpu(text: string): number | undefined {
    if (/[KMGT]i$/.test(text.trim())) {
        return undefined;
    }
    return parseQuantity(text);
}

/** Parses a memory quantity (bytes); milli-bytes are rejected as the typo they always are. */
export function parseMemory(text: string): number | undefined {
    if (/m$/.test(text.trim())) {
        return undefined;
    }
    return parseQuantity(text);
}

/** GOMEMLIMIT value for a memory limit: a share of it, in whole MiB so the Go runtime parses it exactly. */
export function goMemLimit(memoryLimitBytes: number, ratio: number): string {
    return `${Math.max(1, Math.floor((memoryLimitBytes * ratio) / 2 ** 20))}MiB`;
}
