// `pulumi preview --json` → a Markdown summary for a pull request: how many resources each operation touches, every
// changed resource with the fields that change (old → new), and image digests called out. A pure function: the
// CLI (cli.ts) runs the preview; tests render fixtures.
import {
    PreviewDiagnostic,
    PreviewDigest,
    PreviewStep,
    isSecretValue,
    isUnknown,
    newValue,
    oldValue,
    parsePropertyPath,
    urnParts,
} from "./preview-json";

/** The dynamic resource of goship's GoServiceImage: its outputs carry the pushed digest. */
export const IMAGE_BUILD_TYPE = "pulumi-nodejs:dynamic/goship:GoServiceImageBuild";

/** The dynamic resource of goship's canary delivery: an update is a release Flagger analyses (canary-verdict.ts). */
export const CANARY_VERDICT_TYPE = "pulumi-nodejs:dynamic/goship:CanaryVerdict";

/** Operations in the order a reviewer cares about, with the symbol the CLI uses. */
const OPERATIONS: [op: string, symbol: string][] = [
    ["create", "+"],
    ["update", "~"],
    ["replace", "+-"],
    ["create-replacement", "++"],
    ["delete-replaced", "--"],
    ["delete", "-"],
    ["import", "="],
    ["read", ">"],
    ["refresh", "~"],
    ["discard", "<"],
    ["same", " "],
];
const SYMBOLS = new Map(OPERATIONS);
const DIFF_KINDS: Record<string, string> = {
    "add": "added",
    "add-replace": "added, forces replacement",
    "delete": "removed",
    "delete-replace": "removed, forces replacement",
    "update": "",
    "update-replace": "forces replacement",
};
const IMAGE_PATH = /(^|\.)(containers|initContainers|ephemeralContainers)\[(\d+)\]\.image$/;
const MAX_VALUE = 72;

export interface RenderOptions {
    stack: string;
}

/** Error diagnostics of a preview: why it failed. */
export function previewErrors(digest: PreviewDigest): PreviewDiagnostic[] {
    return (digest.diagnostics ?? []).filter((diagnostic) => diagnostic.severity === "error");
}

export function renderPreviewSummary(digest: PreviewDigest, options: RenderOptions): string {
    const steps = digest.steps ?? [];
    const counts = operationCounts(digest);
    const changed = steps.filter((step) => step.op !== "same");
    const lines: string[] = [`### Pulumi preview: \`${options.stack}\``, ""];

    lines.push(headline(counts), "");
    lines.push("| operation | resources |", "|---|---:|");
    for (const [op, count] of orderedCounts(counts)) {
        lines.push(`| ${op} | ${count} |`);
    }
    lines.push("");

    const images = imageChanges(changed);
    if (images.length > 0) {
        lines.push("#### Image digests", "", ...images.map((line) => `- ${line}`), "");
    }

    const canaries = canaryReleases(changed);
    if (canaries.length > 0) {
        lines.push("#### Canary releases", "", ...canaries.map((line) => `- ${line}`), "");
    }

    if (changed.length > 0) {
        lines.push("#### Changes", "", "| | resource | type | changed fields |", "|---|---|---|---|");
        for (const step of changed) {
            const { type, name } = urnParts(step.urn);
            const fields = changedFields(step);
            lines.push(`| \`${SYMBOLS.get(step.op) ?? "?"}\` ${step.op} | \`${cell(name)}\` | \`${cell(type)}\` | ${fields.map(cell).join("<br>")} |`);
        }
        lines.push("");
    }

    const warnings = (digest.diagnostics ?? []).filter((diagnostic) => diagnostic.severity === "warning");
    if (warnings.length > 0) {
        lines.push("#### Warnings", "", ...warnings.map((warning) => `- ${describeDiagnostic(warning)}`), "");
    }
    return lines.join("\n");
}

export function describeDiagnostic(diagnostic: PreviewDiagnostic): string {
    const where = diagnostic.urn ? `${urnParts(diagnostic.urn).name}: ` : "";
    // Continuation lines indented, so a multi-line message stays inside its list item.
    return `${where}${diagnostic.message.replace(/^(error|warning): /, "").trim().replace(/\n/g, "\n    ")}`;
}

function operationCounts(digest: PreviewDigest): Map<string, number> {
    // changeSummary is the engine's own count; fall back to counting steps for documents without it.
    const counts = new Map<string, number>(Object.entries(digest.changeSummary ?? {}));
    if (counts.size === 0) {
        for (const step of digest.steps ?? []) {
            counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
        }
    }
    return counts;
}

function orderedCounts(counts: Map<string, number>): [string, number][] {
    const known = OPERATIONS.map(([op]) => op).filter((op) => counts.has(op));
    const others = [...counts.keys()].filter((op) => !SYMBOLS.has(op)).sort();
    return [...known, ...others].map((op) => [op, counts.get(op)!]);
}

function headline(counts: Map<string, number>): string {
    const changes = orderedCounts(counts).filter(([op, count]) => op !== "same" && count > 0);
    const same = counts.get("same") ?? 0;
    if (changes.length === 0) {
        return `**No changes** (${same} unchanged).`;
    }
    const phrase: Record<string, string> = { create: "to create", update: "to update", replace: "to replace", delete: "to delete" };
    return `**${changes.map(([op, count]) => `${count} ${phrase[op] ?? op}`).join(", ")}**, ${same} unchanged.`;
}

/** One entry per changed field: `path`: old → new (kind), or what happens to the whole resource. */
function changedFields(step: PreviewStep): string[] {
    switch (step.op) {
        case "create":
        case "create-replacement":
            return ["(new resource)"];
        case "delete":
        case "delete-replaced":
            return ["(removed)"];
        case "read":
        case "import":
            return ["(read from the provider)"];
    }
    const diff = step.detailedDiff ?? {};
    const paths = Object.keys(diff);
    if (paths.length === 0) {
        const reasons = [...new Set([...(step.diffReasons ?? []), ...(step.replaceReasons ?? [])])];
        if (reasons.length > 0) {
            return reasons.map((reason) => `\`${reason}\``);
        }
        // Providers without a detailed diff (dynamic providers among them): compare the declared inputs instead.
        const changed = changedInputs(step);
        return changed.length > 0
            ? changed.map((key) => `\`${key}\`: ${formatValue(step.oldState?.inputs?.[key])} → ${formatValue(step.newState?.inputs?.[key])} (inputs)`)
            : ["(the provider reported no field-level diff)"];
    }
    return paths.sort().map((path) => {
        const segments = parsePropertyPath(path);
        const kind = DIFF_KINDS[diff[path].kind] ?? diff[path].kind;
        const before = oldValue(step, segments);
        const after = newValue(step, segments);
        const values = diff[path].kind.startsWith("add") ? formatValue(after)
            : diff[path].kind.startsWith("delete") ? formatValue(before)
                : `${formatValue(before)} → ${formatValue(after)}`;
        return `\`${path}\`: ${values}${kind ? ` (${kind})` : ""}`;
    });
}

/** Top-level inputs whose value differs between the old and the new state. */
function changedInputs(step: PreviewStep): string[] {
    const before = step.oldState?.inputs ?? {};
    const after = step.newState?.inputs ?? {};
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
        .sort();
}

function formatValue(value: unknown): string {
    if (value === undefined) {
        return "(unset)";
    }
    if (isUnknown(value)) {
        return "(known after update)";
    }
    if (isSecretValue(value) || value === "[secret]") {
        return "[secret]";
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const shown = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
    return typeof value === "string" ? `\`${shown.replace(/`/g, "'")}\`` : shown.replace(/`/g, "'");
}

/** Digests called out: goship image builds, and every container image that changes in a pod template. */
function imageChanges(steps: PreviewStep[]): string[] {
    const lines: string[] = [];
    for (const step of steps) {
        const { type, name } = urnParts(step.urn);
        if (type === IMAGE_BUILD_TYPE && step.op !== "delete" && step.op !== "delete-replaced") {
            const oldDigest = step.oldState?.outputs?.digest;
            const newDigest = step.newState?.outputs?.digest;
            const from = typeof oldDigest === "string" ? `${shortDigest(oldDigest)} (tag \`${step.oldState?.outputs?.tag ?? "?"}\`)` : "(none)";
            const to = typeof newDigest === "string" && !isUnknown(newDigest)
                ? shortDigest(newDigest)
                : "new digest, known once built";
            lines.push(`GoServiceImage \`${name}\`: ${from} → ${to} (tag \`${step.newState?.inputs?.tag ?? "?"}\`): the Go build inputs changed`);
            continue;
        }
        for (const path of Object.keys(step.detailedDiff ?? {})) {
            const match = IMAGE_PATH.exec(path);
            if (!match) {
                continue;
            }
            const segments = parsePropertyPath(path);
            const containerName = newValue(step, [...segments.slice(0, -1), "name"]) ?? oldValue(step, [...segments.slice(0, -1), "name"]);
            const before = oldValue(step, segments);
            const after = newValue(step, segments);
            const to = isUnknown(after) ? "new digest, known after the image build" : imageText(after);
            lines.push(`${type.split(":").pop()} \`${name}\`, container \`${String(containerName ?? match[3])}\`: ${imageText(before)} → ${to}`);
        }
    }
    return lines;
}

/**
 * What Flagger will do: an updated CanaryVerdict is a new revision, analysed step by step between the two images; a
 * created one is a first release, which Flagger only initializes. Read from the verdict's inputs (its summary too).
 */
function canaryReleases(steps: PreviewStep[]): string[] {
    const lines: string[] = [];
    for (const step of steps) {
        if (urnParts(step.urn).type !== CANARY_VERDICT_TYPE) {
            continue;
        }
        const inputs = step.newState?.inputs ?? {};
        const known = (value: unknown) => (typeof value === "string" && !isUnknown(value) ? value : undefined);
        const where = `\`${known(inputs.namespace) ?? "(namespace known after update)"}/${known(inputs.name) ?? urnParts(step.urn).name}\``;
        const summary = known(inputs.summary);
        const after = isUnknown(inputs.image) ? "new digest, known after the image build" : imageText(inputs.image);
        if (step.op === "update") {
            lines.push(`canary analysis will run for ${where}: ${imageText(step.oldState?.inputs?.image)} → ${after}${summary ? ` (${summary})` : ""}`);
        } else if (step.op === "create" || step.op === "replace") {
            lines.push(`canary delivery starts for ${where} with ${after}; no analysis on the first release${summary ? ` (later releases: ${summary})` : ""}`);
        }
    }
    return lines;
}

function imageText(image: unknown): string {
    if (typeof image !== "string") {
        return formatValue(image);
    }
    const at = image.indexOf("@");
    return at < 0 ? `\`${image}\` (not pinned by digest)` : `\`${image.slice(0, at + 1)}${shortHex(image.slice(at + 1))}\``;
}

function shortDigest(digest: string): string {
    return `\`${shortHex(digest)}\``;
}

/** sha256:0123456789ab… — enough to tell digests apart in a review. */
function shortHex(digest: string): string {
    const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
    return match ? `sha256:${match[1].slice(0, 12)}…` : digest;
}

/** Markdown table cells cannot hold | or newlines. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
