// The document `pulumi preview --json` prints (pulumi/pulumi sdk/go/common/display/json.go, PreviewDigest), and
// reading property values out of its step states by the paths detailedDiff names.
/* eslint-disable @typescript-eslint/no-explicit-any -- resource states are untyped property bags */

export interface StepState {
    urn?: string;
    type?: string;
    inputs?: Record<string, any>;
    outputs?: Record<string, any>;
}

export interface PropertyDiff {
    /** add | add-replace | delete | delete-replace | update | update-replace */
    kind: string;
    inputDiff?: boolean;
}

export interface PreviewStep {
    op: string;
    urn: string;
    oldState?: StepState;
    newState?: StepState;
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, PropertyDiff> | null;
}

export interface PreviewDiagnostic {
    urn?: string;
    prefix?: string;
    message: string;
    severity?: string;
}

export interface PreviewDigest {
    config?: Record<string, string>;
    steps?: PreviewStep[];
    diagnostics?: PreviewDiagnostic[];
    changeSummary?: Record<string, number>;
    duration?: number;
}

/** How the engine marks a value that is computed during the update (plugin.UnknownStringValue). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Pulumi's secret signature, should a secret reach the JSON unmasked. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE;
}

export function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && SECRET_SIG in value;
}

export function parseDigest(text: string): PreviewDigest {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error("not a pulumi preview --json document (expected an object)");
    }
    return parsed as PreviewDigest;
}

/** URN → resource name and type (the last type of a parent chain). */
export function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    return { type: (parts[2] ?? "").split("$").pop() ?? "", name: parts[3] ?? urn };
}

/**
 * Splits a property path as the engine writes it (resource.PropertyPath): `a.b[0].c`, `metadata.annotations["x.y/z"]`.
 */
export function parsePropertyPath(path: string): (string | number)[] {
    const segments: (string | number)[] = [];
    let index = 0;
    while (index < path.length) {
        const char = path[index];
        if (char === ".") {
            index++;
        } else if (char === "[") {
            const close = path.indexOf("]", index);
            if (close < 0) {
                throw new Error(`property path ${path}: unclosed [`);
            }
            const inner = path.slice(index + 1, close);
            if (inner.startsWith("\"")) {
                // A quoted key may itself contain "]": read up to the closing quote.
                const end = path.indexOf("\"]", index + 2);
                segments.push(JSON.parse(path.slice(index + 1, end + 1)) as string);
                index = end + 2;
            } else {
                segments.push(inner === "*" ? inner : Number(inner));
                index = close + 1;
            }
        } else {
            let end = index;
            while (end < path.length && path[end] !== "." && path[end] !== "[") {
                end++;
            }
            segments.push(path.slice(index, end));
            index = end;
        }
    }
    return segments;
}

export function valueAt(root: unknown, path: (string | number)[]): unknown {
    let at: any = root;
    for (const segment of path) {
        if (at === null || typeof at !== "object" || isSecretValue(at)) {
            return isSecretValue(at) ? at : undefined;
        }
        at = at[segment];
    }
    return at;
}

/** The value a step's old state had at `path` (inputs first: what the program declared). */
export function oldValue(step: PreviewStep, path: (string | number)[]): unknown {
    const fromInputs = valueAt(step.oldState?.inputs, path);
    return fromInputs !== undefined ? fromInputs : valueAt(step.oldState?.outputs, path);
}

export function newValue(step: PreviewStep, path: (string | number)[]): unknown {
    const fromInputs = valueAt(step.newState?.inputs, path);
    return fromInputs !== undefined ? fromInputs : valueAt(step.newState?.outputs, path);
}
