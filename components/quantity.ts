// Kubernetes resource quantities (the subset used for CPU, memory and ephemeral storage), parsed to numbers so the
// components can check requests against limits and derive GOMEMLIMIT before anything reaches the cluster.
import { Rule, rule } from "./validation/rules";

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
    return Number(match[1]) * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/**
 * Parses a CPU quantity (cores). Only cores and millicores: the API server takes `500M` as 500 million cores, a pod
 * no node can schedule, so every other suffix is refused as the typo it is.
 */
export function parseCpu(text: string): number | undefined {
    return /^[0-9.]+m?$/.test(text.trim()) ? parseQuantity(text) : undefined;
}

/** Parses a byte quantity (memory, ephemeral storage); milli-bytes are refused as the typo they always are. */
export function parseBytes(text: string): number | undefined {
    return /m$/.test(text.trim()) ? undefined : parseQuantity(text);
}

function positive(parse: (text: string) => number | undefined): (value: unknown) => boolean {
    return (value) => typeof value === "string" && (parse(value) ?? 0) > 0;
}

export const CPU_QUANTITY: Rule = rule("a CPU quantity in cores or millicores such as 500m or 2", positive(parseCpu));
export const BYTE_QUANTITY: Rule = rule("a byte quantity such as 128Mi or 1Gi", positive(parseBytes));

/** GOMEMLIMIT value for a memory limit: a share of it, in whole MiB so the Go runtime parses it exactly. */
export function goMemLimit(memoryLimitBytes: number, ratio: number): string {
    return `${Math.max(1, Math.floor((memoryLimitBytes * ratio) / 2 ** 20))}MiB`;
}
