// npm run preview:summary -- --stack <stack> [--pulumi <command>] [--from-json <file>] [--out <file>] [-- <preview args>]
//
// Runs `pulumi preview --json` (by default through scripts/toolchain/pulumi-run.sh, the project's own CLI) and prints
// the Markdown summary of render.ts. In CI: --pulumi pulumi (the CLI pulumi/actions installed), and append the
// output to $GITHUB_STEP_SUMMARY or post it as a comment. A failed preview exits 1 with the engine's diagnostics.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PreviewDigest, parseDigest } from "./preview-json";
import { describeDiagnostic, previewErrors, renderPreviewSummary } from "./render";

const USAGE = "usage: npm run preview:summary -- --stack <stack> [--pulumi <command>] [--from-json <file>] [--out <file>] [-- <pulumi preview args>]";
const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export interface CliArgs {
    stack: string;
    /** Command that runs the Pulumi CLI (split on spaces); default: the project's toolchain. */
    pulumi: string[];
    fromJson?: string;
    out?: string;
    previewArgs: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
    const args: Partial<CliArgs> & { previewArgs: string[] } = { previewArgs: [] };
    for (let index = 0; index < argv.length; index++) {
        const flag = argv[index];
        const value = () => {
            const next = argv[++index];
            if (next === undefined || next.startsWith("--")) {
                throw new UsageError(`${flag} needs a value\n${USAGE}`);
            }
            return next;
        };
        switch (flag) {
            case "--stack": case "-s": args.stack = value(); break;
            case "--pulumi": args.pulumi = value().split(" ").filter(Boolean); break;
            case "--from-json": args.fromJson = value(); break;
            case "--out": args.out = value(); break;
            case "--": args.previewArgs = argv.slice(index + 1); index = argv.length; break;
            default: throw new UsageError(`unknown argument ${flag}\n${USAGE}`);
        }
    }
    if (!args.stack) {
        throw new UsageError(`--stack is required\n${USAGE}`);
    }
    return {
        stack: args.stack,
        pulumi: args.pulumi ?? ["bash", path.join(PROJECT_DIR, "scripts", "toolchain", "pulumi-run.sh")],
        fromJson: args.fromJson,
        out: args.out,
        previewArgs: args.previewArgs,
    };
}

export class PreviewFailedError extends Error {}

/** Runs the preview and returns its document; throws PreviewFailedError with the engine's own diagnostics. */
export function runPreview(args: CliArgs): PreviewDigest {
    const [command, ...prefix] = args.pulumi;
    const previewArgs = [...prefix, "preview", "--json", "--stack", args.stack, ...args.previewArgs];
    const result = spawnSync(command, previewArgs, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    if (result.error) {
        throw new PreviewFailedError(`cannot run ${command}: ${result.error.message}`);
    }
    return checkPreview(result.stdout, result.stderr, result.status ?? 1, args.stack);
}

/** A preview's document, or PreviewFailedError explaining why there is none (or why it failed). */
export function checkPreview(stdout: string, stderr: string, exitCode: number, stack: string): PreviewDigest {
    let digest: PreviewDigest | undefined;
    try {
        digest = parseDigest(stdout);
    } catch {
        digest = undefined;
    }
    const errors = digest ? previewErrors(digest) : [];
    if (exitCode === 0 && digest && errors.length === 0) {
        return digest;
    }
    const lines = [`pulumi preview of stack ${stack} failed${exitCode === 0 ? "" : ` (exit ${exitCode})`}.`];
    if (errors.length > 0) {
        lines.push("The engine reported:", ...errors.map((error) => `  - ${describeDiagnostic(error)}`));
    }
    const tail = stderr.trim().split("\n").slice(-20).join("\n");
    if (tail) {
        lines.push("stderr:", tail);
    }
    if (!digest) {
        lines.push("stdout was not a preview document:", stdout.trim().slice(0, 2000) || "(empty)");
    }
    throw new PreviewFailedError(lines.join("\n"));
}

export function main(argv: string[]): number {
    try {
        const args = parseArgs(argv);
        const digest = args.fromJson
            ? checkPreview(fs.readFileSync(args.fromJson, "utf8"), "", 0, args.stack)
            : runPreview(args);
        const markdown = renderPreviewSummary(digest, { stack: args.stack });
        if (args.out) {
            fs.writeFileSync(args.out, markdown);
        } else {
            process.stdout.write(markdown);
        }
        return 0;
    } catch (error) {
        if (error instanceof UsageError || error instanceof PreviewFailedError) {
            process.stderr.write(`error: ${error.message}\n`);
            return error instanceof UsageError ? 2 : 1;
        }
        throw error;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
