// What every component reports about its arguments: each problem as `path: expected …, got …`, all of them at once,
// before the component registers anything. The stack config reports the same problems under its own key names.
import * as pulumi from "@pulumi/pulumi";

/** Names an argument path in a message: the path itself for a component's caller, a stack key for the config. */
export type Namer = (path: string) => string;

/** What was expected; a function when it names another argument, so each audience sees its own name for it. */
export type Phrase = string | ((name: Namer) => string);

export interface Problem {
    /** Argument path, e.g. `autoscaling.maxReplicas`, `env.PORT`, `autoscaling.triggers[0].start`. */
    path: string;
    expected: Phrase;
    /** What was given, already described (see `shown`). */
    got: string;
}

export const asGiven: Namer = (path) => path;

export function formatProblem(problem: Problem, name: Namer = asGiven): string {
    const expected = typeof problem.expected === "function" ? problem.expected(name) : problem.expected;
    return `${name(problem.path)}: expected ${expected}, got ${problem.got}`;
}

/** A given value as a message shows it: `nothing` when absent, JSON otherwise. */
export function shown(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    if (typeof value === "string" && value.trim() === "") {
        return value === "" ? "an empty string" : JSON.stringify(value);
    }
    return pulumi.Output.isInstance(value) ? "an Output (give a plain value)" : JSON.stringify(value);
}

/** What a secret's value shows instead. */
export const SECRET_SHOWN = "a value (not shown: it is secret)";

/** Prefixes problem paths, for a component that checks a part of its arguments with another's checks. */
export function under(prefix: string, problems: Problem[]): Problem[] {
    return problems.map((problem) => ({ ...problem, path: problem.path === "" ? prefix : `${prefix}.${problem.path}` }));
}

/** A component's refusal of its arguments: every problem, one per line. */
export class ArgumentError extends pulumi.RunError {
    constructor(readonly component: string, readonly problems: Problem[]) {
        super(`${component}: invalid arguments (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((problem) => `  - ${formatProblem(problem)}`).join("\n"));
        this.name = "ArgumentError";
    }
}

/** Throws an ArgumentError when there is any problem. */
export function refuseProblems(component: string, problems: Problem[]): void {
    if (problems.length > 0) {
        throw new ArgumentError(component, problems);
    }
}
