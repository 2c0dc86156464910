// Keys onto argument paths and back: a parsed value is set at its key's argument path (two keys reaching one
// argument are refused), and a component's problem at an argument path is reported under the key that set it.
import { Namer, Problem, formatProblem } from "../validation/problems";
import { isRecord, key as pathKey } from "../validation/rules";
import { CONFIG_KEYS, ConfigKey, keyDef } from "./keys";
import { KeyProblems } from "./parse";

/** Splits `a.b["c/d"][0]` into its segments. */
function segments(path: string): (string | number)[] {
    return [...path.matchAll(/([^.[\]]+)|\["((?:[^"\\]|\\.)*)"\]|\[([0-9]+)\]/g)].map((match) =>
        match[3] !== undefined ? Number(match[3]) : match[2] !== undefined ? JSON.parse(`"${match[2]}"`) : match[1]);
}

export class ArgumentTree {
    readonly root: Record<string, unknown> = {};
    /** Which key (or key entry, `imageBuildArgs.BUILDER_IMAGE`) set each leaf argument. */
    private readonly origins = new Map<string, string>();

    constructor(private readonly problems: KeyProblems) {}

    /** Sets the argument at `path` to `value` on behalf of `origin`; a map's entries are each a leaf of their own. */
    set(path: string, value: unknown, origin: string): void {
        if (isRecord(value) && Object.keys(value).length > 0) {
            for (const [name, entry] of Object.entries(value)) {
                this.set(pathKey(path, name), entry, pathKey(origin, name));
            }
            return;
        }
        const taken = this.origins.get(path);
        if (taken !== undefined) {
            this.problems.add(origin, `unset when ${taken} is set (both set ${path})`, JSON.stringify(value));
            return;
        }
        const parts = segments(path);
        let node = this.root;
        for (const part of parts.slice(0, -1)) {
            if (!isRecord(node[part])) {
                node[part] = {};
            }
            node = node[part] as Record<string, unknown>;
        }
        const last = parts[parts.length - 1];
        if (!(isRecord(node[last]) && isRecord(value))) {
            node[last] = value;
        }
        if (!isRecord(value)) {
            this.origins.set(path, origin);
        }
    }

    get(path: string): unknown {
        return segments(path).reduce<unknown>((node, part) => (isRecord(node) ? node[part] : undefined), this.root);
    }

    /** The key a problem at `path` belongs to, with the rest of the path (`env.PORT`, `kedaTriggers[0].start`). */
    keyFor(path: string): string {
        const exact = this.origins.get(path);
        if (exact !== undefined) {
            return exact;
        }
        const owners: [string, ConfigKey][] = (Object.keys(CONFIG_KEYS) as ConfigKey[]).flatMap((name) =>
            [keyDef(name).arg, ...(keyDef(name).reports ?? [])].map((arg): [string, ConfigKey] => [arg, name]));
        let best: [string, string] | undefined;
        for (const [arg, name] of owners) {
            if (arg === path) {
                return name;
            }
            // Inside a structured value: `env.PORT`, `kedaTriggers[0].start`.
            const structured = keyDef(name).type === "map" || keyDef(name).type === "list";
            if (structured && (path.startsWith(`${arg}.`) || path.startsWith(`${arg}[`)) && (!best || arg.length > best[0].length)) {
                best = [arg, name];
            }
        }
        if (best) {
            return `${best[1]}${path.slice(best[0].length)}`;
        }
        // A problem about an argument object (`service.ingress.tls`): the first key inside it.
        return owners.find(([arg]) => arg.startsWith(`${path}.`))?.[1] ?? path;
    }

    /** Words a component's problems with key names; a problem of a key that failed to parse is dropped (it repeats). */
    report(prefix: string, problems: Problem[], failed: Set<string>): string[] {
        const namer: Namer = (path) => this.keyFor(prefix === "" ? path : path === "" ? prefix : `${prefix}.${path}`);
        return problems
            .filter((problem) => !failed.has(namer(problem.path).split(/[.[]/)[0]))
            .map((problem) => formatProblem(problem, namer));
    }
}
