// KEDA triggers: the fields of each type with the rule KEDA's scaler applies when it parses them (a value KEDA would
// refuse fails preview here, not later in the operator's log), and the ScaledObject entry each becomes.
import { BOOLEAN, Checks, NON_EMPTY, Rule, isRecord, matching, oneOf, rule } from "../validation/rules";
import { KAFKA_OFFSET_RESET_POLICIES, KEDA_TRIGGER_TYPES, KedaTrigger } from "./types";

type TriggerType = (typeof KEDA_TRIGGER_TYPES)[number];

interface Field {
    rule: Rule;
    required: boolean;
}

/** A number, or its decimal text: KEDA's metadata is strings and parses them itself. */
function numeric(expected: string, accepts: (value: number) => boolean, integerOnly: boolean): Rule {
    const text = integerOnly ? /^-?[0-9]+$/ : /^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;
    return rule(expected, (value) => {
        const parsed = typeof value === "string" && text.test(value.trim()) ? Number(value) : value;
        return typeof parsed === "number" && Number.isFinite(parsed) && (!integerOnly || Number.isInteger(parsed)) && accepts(parsed);
    });
}

const PERCENT = numeric("a whole percentage from 1 to 100", (n) => n >= 1 && n <= 100, true);
const POSITIVE = numeric("a number above 0", (n) => n > 0, false);
const NON_NEGATIVE = numeric("a number of at least 0", (n) => n >= 0, false);
const POSITIVE_INTEGER = numeric("a whole number of at least 1", (n) => n >= 1, true);
const NON_NEGATIVE_INTEGER = numeric("a whole number of at least 0", (n) => n >= 0, true);
const HTTP_URL = matching(/^https?:\/\/[^\s/]+(\/\S*)?$/, "an http(s) URL such as http://prometheus.monitoring.svc:9090");
const BROKERS = matching(/^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$/, "comma-separated host:port brokers such as kafka:9092");

/** An IANA time zone, spelt as the tz database spells it (KEDA loads it with Go's time.LoadLocation). */
const TIMEZONE = rule("an IANA time zone such as Europe/Berlin or UTC", (value) => {
    if (typeof value !== "string" || value === "" || value === "Local") {
        return false;
    }
    try {
        const resolved = new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
        // Intl ignores case; the tz database does not.
        return resolved === value || resolved.toLowerCase() !== value.toLowerCase();
    } catch {
        return false;
    }
});

const CRON_FIELDS = [
    { min: 0, max: 59 },
    { min: 0, max: 23 },
    { min: 1, max: 31 },
    { min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
    { min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/** One field of a standard 5-field cron expression, as robfig/cron (KEDA's parser) reads it. */
function cronField(text: string, bounds: (typeof CRON_FIELDS)[number], allowQuestion: boolean): boolean {
    const number = (part: string): number | undefined => {
        const named = bounds.names?.indexOf(part.toUpperCase()) ?? -1;
        if (named >= 0) {
            return named + bounds.min;
        }
        return /^[0-9]+$/.test(part) ? Number(part) : undefined;
    };
    return text.split(",").every((item) => {
        const [range, step, extra] = item.split("/");
        if (extra !== undefined || (step !== undefined && !(/^[0-9]+$/.test(step) && Number(step) > 0))) {
            return false;
        }
        if (range === "*" || (allowQuestion && range === "?")) {
            return true;
        }
        const [low, high, more] = range.split("-").map(number);
        const end = high ?? low;
        return more === undefined && !range.split("-").includes("") && low !== undefined && end !== undefined &&
            low >= bounds.min && end <= bounds.max && low <= end && (high !== undefined || step === undefined);
    });
}

const CRON = rule("a 5-field cron expression such as 0 8 * * 1-5 (minute hour day-of-month month day-of-week)", (value) => {
    const fields = typeof value === "string" ? value.trim().split(/\s+/) : [];
    return fields.length === 5 && fields.every((field, index) => cronField(field, CRON_FIELDS[index], index === 2 || index === 4));
});

const required = (r: Rule): Field => ({ rule: r, required: true });
const optional = (r: Rule): Field => ({ rule: r, required: false });
const UTILIZATION = { utilization: required(PERCENT) };

/** Every field of every trigger type; `type` itself aside. */
export const TRIGGER_FIELDS: Record<TriggerType, Record<string, Field>> = {
    cpu: UTILIZATION,
    memory: UTILIZATION,
    prometheus: {
        serverAddress: required(HTTP_URL),
        query: required(NON_EMPTY),
        threshold: required(POSITIVE),
        activationThreshold: optional(NON_NEGATIVE),
    },
    kafka: {
        bootstrapServers: required(BROKERS),
        consumerGroup: required(NON_EMPTY),
        topic: required(NON_EMPTY),
        lagThreshold: required(POSITIVE_INTEGER),
        activationLagThreshold: optional(NON_NEGATIVE_INTEGER),
        offsetResetPolicy: optional(oneOf(KAFKA_OFFSET_RESET_POLICIES)),
        allowIdleConsumers: optional(BOOLEAN),
    },
    cron: {
        timezone: required(TIMEZONE),
        start: required(CRON),
        end: required(CRON),
        desiredReplicas: required(POSITIVE_INTEGER),
    },
};

/** Checks one trigger's type and fields; returns its type when it has a known one. */
export function checkTrigger(checks: Checks, path: string, trigger: unknown): TriggerType | undefined {
    const type = (trigger as { type?: unknown } | undefined)?.type;
    const fields = TRIGGER_FIELDS[type as TriggerType];
    if (fields === undefined) {
        if (isRecord(trigger)) {
            checks.add(`${path}.type`, `one of ${KEDA_TRIGGER_TYPES.join(", ")}`, type === undefined ? "nothing" : JSON.stringify(type));
        } else {
            checks.add(path, "a trigger: an object with a type", JSON.stringify(trigger));
        }
        return undefined;
    }
    const source = checks.fields(path, trigger, ["type", ...Object.keys(fields)], `a ${type as string} trigger`)!;
    for (const [name, field] of Object.entries(fields)) {
        checks.check(`${path}.${name}`, source[name], field.rule, { required: field.required });
    }
    if (type === "cron" && source.start !== undefined && source.start === source.end) {
        checks.add(`${path}.end`, "a time other than start (KEDA refuses a window that starts and ends together)", JSON.stringify(source.end));
    }
    return type as TriggerType;
}

/**
 * The ScaledObject entry of a trigger: KEDA's metadata holds strings only; unset optional fields are left out.
 * `authenticationRef` names a TriggerAuthentication holding the trigger's credentials.
 */
export function kedaTrigger(trigger: KedaTrigger, authenticationRef?: { name: unknown }): Record<string, unknown> {
    const { type, ...fields } = trigger;
    const metadata = (values: Record<string, unknown>) => Object.fromEntries(
        Object.entries(values).filter(([, value]) => value !== undefined).map(([name, value]) => [name, String(value)]),
    );
    if (trigger.type === "cpu" || trigger.type === "memory") {
        return { type, metricType: "Utilization", metadata: metadata({ value: trigger.utilization }) };
    }
    return { type, metadata: metadata(fields), ...(authenticationRef ? { authenticationRef } : {}) };
}
