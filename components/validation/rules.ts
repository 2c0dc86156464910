// Rules an argument's value follows, each with the words a message and the README use for it, and the checks that
// collect every broken rule as a Problem.
import { Phrase, Problem, SECRET_SHOWN, shown } from "./problems";

export interface Rule {
    /** What a valid value is, e.g. "an integer from 1 to 1000". */
    readonly expected: string;
    accepts(value: unknown): boolean;
}

export function rule(expected: string, accepts: (value: unknown) => boolean): Rule {
    return { expected, accepts };
}

export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): Rule {
    const expected = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    return rule(expected, (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max);
}

export function oneOf<T extends string>(values: readonly T[]): Rule {
    return rule(`one of ${values.join(", ")}`, (value) => (values as readonly unknown[]).includes(value));
}

export function matching(pattern: RegExp, expected: string, maxLength = Number.MAX_SAFE_INTEGER): Rule {
    return rule(expected, (value) => typeof value === "string" && value.length <= maxLength && pattern.test(value));
}

export const BOOLEAN = rule("true or false", (value) => typeof value === "boolean");
export const NON_EMPTY = rule("a non-empty string", (value) => typeof value === "string" && value.trim() !== "");
/** A string-valued map entry: stack files write numbers and booleans unquoted. */
export const STRING = rule("a string (quote numbers and booleans)", (value) => typeof value === "string");

/** The fields of an argument type, complete by construction (a missing or extra one is a type error). */
export function fieldsOf<T>(fields: Record<keyof T, true>): string[] {
    return Object.keys(fields);
}

/** `base.field`, or `base["odd/key"]` for keys that are not identifiers. */
export function key(base: string, field: string | number): string {
    if (typeof field === "number") {
        return `${base}[${field}]`;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
        return base === "" ? field : `${base}.${field}`;
    }
    return `${base}[${JSON.stringify(field)}]`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Collects problems; each check returns whether the value passed (absent optional values pass). */
export class Checks {
    readonly problems: Problem[] = [];

    add(path: string, expected: Phrase, got: string): void {
        this.problems.push({ path, expected, got });
    }

    /** Checks a value against a rule; `required` makes an absent value a problem. */
    check(path: string, value: unknown, r: Rule, options: { required?: boolean; secret?: boolean } = {}): boolean {
        if (value === undefined) {
            if (options.required) {
                this.add(path, r.expected, "nothing");
            }
            return !options.required;
        }
        if (!r.accepts(value)) {
            this.add(path, r.expected, options.secret ? SECRET_SHOWN : shown(value));
            return false;
        }
        return true;
    }

    /** An object whose fields are all known; an unknown one is a problem with the nearest known field suggested. */
    fields(path: string, value: unknown, known: readonly string[], what: string): Record<string, unknown> | undefined {
        if (!isRecord(value)) {
            this.add(path, what, shown(value));
            return undefined;
        }
        for (const field of Object.keys(value)) {
            if (!known.includes(field)) {
                const suggestion = closest(field, known);
                this.add(key(path, field), `a field of ${what}${suggestion ? ` (did you mean ${suggestion}?)` : ""}: ${known.join(", ")}`, "an unknown field");
            }
        }
        return value;
    }

    /** A map whose keys follow `keyRule` and whose values follow `valueRule`. */
    map(path: string, value: unknown, keyRule: Rule, valueRule: Rule, options: { secretValues?: boolean } = {}): Record<string, unknown> {
        if (value === undefined) {
            return {};
        }
        if (!isRecord(value)) {
            this.add(path, "a map", options.secretValues ? SECRET_SHOWN : shown(value));
            return {};
        }
        for (const [name, entry] of Object.entries(value)) {
            if (!keyRule.accepts(name)) {
                this.add(key(path, name), keyRule.expected, JSON.stringify(name));
            } else {
                this.check(key(path, name), entry, valueRule, { secret: options.secretValues });
            }
        }
        return value;
    }

    /** A list; each item is handed to `item` with its path. */
    list(path: string, value: unknown, item: (itemPath: string, entry: unknown) => void, options: { nonEmpty?: string } = {}): void {
        if (value === undefined) {
            return;
        }
        if (!Array.isArray(value)) {
            this.add(path, "a list", shown(value));
            return;
        }
        if (options.nonEmpty && value.length === 0) {
            this.add(path, options.nonEmpty, "an empty list");
        }
        value.forEach((entry, index) => item(key(path, index), entry));
    }
}

/** The candidate nearest to a misspelt name, if it is near enough to be the one meant. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (!best || distance < best.distance) {
            best = { candidate, distance };
        }
    }
    return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
