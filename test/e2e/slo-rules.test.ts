// The SLO rules WebService renders, run by promtool (`promtool test rules`) on synthetic series: each alert fires
// when it should, with its labels and annotations, and stays silent on healthy traffic, on no traffic (probes only)
// and on a spike shorter than its `for`. Here and not in the unit suite: promtool is built by `npm run up`
// (test/helpers/promtool.ts); without it this test fails, it is never skipped.
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { SloArgs, WebService } from "../../components/web-service";
import { runProgram, single } from "../helpers/mocks";
import { requirePromtool } from "../helpers/promtool";

const SLO: SloArgs = { latencyP99Ms: 800, latencyForMinutes: 3, errorRatePercent: 5, errorRateForMinutes: 3, availabilityPercent: 99 };
const SERIES = { job: "orders", namespace: "shop" };
const STEPS = 130; // 30 s apart: 65 minutes of samples

/** The rule groups exactly as the component renders them, under mocks. */
async function renderedGroups(): Promise<unknown[]> {
    const run = await runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => void new WebService("orders", {
            provider: new k8s.Provider("cluster", {}), image: `r.example.com/orders@sha256:${"a".repeat(64)}`,
            namespace: SERIES.namespace, serviceMonitor: true, slo: SLO,
        }),
    });
    assert.equal(run.error, undefined, run.error?.message);
    return single(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs.spec.groups;
}

const labels = (extra: Record<string, string>) =>
    `{${Object.entries({ ...SERIES, ...extra }).map(([key, value]) => `${key}="${value}"`).join(",")}}`;

/** Counters growing by `perStep` every 30 s (a request rate of perStep / 30 per second). */
const counter = (perStep: number) => `0+${perStep}x${STEPS}`;

/** Requests per step by code, and how many of them were slow (in the 0.5–1 s bucket, else under 10 ms). */
function traffic(options: { ok: number; errors?: number; slowSteps?: [number, number]; route?: string }): { series: string; values: string }[] {
    const route = options.route ?? "/api/v1/users/:id";
    const total = options.ok + (options.errors ?? 0);
    const bucket = (le: string, fast: boolean) => {
        const [from, to] = options.slowSteps ?? [STEPS + 1, STEPS + 1];
        // Cumulative counts, step by step: a slow step adds to the 1 s bucket and above only.
        const values: number[] = [0];
        for (let step = 1; step <= STEPS; step++) {
            const slow = step >= from && step < to;
            values.push(values[step - 1] + (fast && slow ? 0 : total));
        }
        return { series: `http_request_duration_seconds_bucket${labels({ method: "GET", route, le })}`, values: values.join(" ") };
    };
    return [
        { series: `http_requests_total${labels({ method: "GET", route, code: "200" })}`, values: counter(options.ok) },
        ...(options.errors ? [{ series: `http_requests_total${labels({ method: "GET", route, code: "500" })}`, values: counter(options.errors) }] : []),
        bucket("0.01", true), bucket("0.5", true), bucket("1", false), bucket("+Inf", false),
    ];
}

/** The probes the kubelet sends: traffic the rules must not count. */
const probes = () => traffic({ ok: 15, route: "/readyz" }).concat(traffic({ ok: 3, route: "/livez" }));

const ALERTS = ["GoshipLatencyP99High", "GoshipErrorRateHigh", "GoshipErrorBudgetBurnPage", "GoshipErrorBudgetBurnTicket"];

interface Expected { alert: string; severity: string; value: string }

let groups: any[];
function annotations(alert: string, value: string): Record<string, string> {
    const rule = groups[1].rules.find((r: { alert: string }) => r.alert === alert);
    return Object.fromEntries(Object.entries(rule.annotations as Record<string, string>).map(([key, text]) => [key, text
        .replace("{{ $labels.namespace }}", SERIES.namespace).replace("{{ $labels.job }}", SERIES.job)
        .replace(/\{\{ \$value \| humanize(Duration|Percentage) \}\}/, value)]));
}

/** One promtool test: at each time, exactly the `firing` alerts fire (every other alert is checked silent). */
function scenario(name: string, series: { series: string; values: string }[], checks: { at: string; firing: Expected[] }[]) {
    return {
        name,
        interval: "30s",
        input_series: series,
        alert_rule_test: checks.flatMap((check) => ALERTS.map((alertname) => ({
            eval_time: check.at,
            alertname,
            exp_alerts: check.firing.filter((e) => e.alert === alertname).map((e) => ({
                exp_labels: { ...SERIES, service: "orders", severity: e.severity },
                exp_annotations: annotations(e.alert, e.value),
            })),
        }))),
    };
}

describe("SLO rules under promtool", () => {
    let promtool: string;
    let dir: string;
    before(async () => {
        promtool = requirePromtool();
        groups = (await renderedGroups()) as any[];
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-slo-rules-"));
        fs.writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups }));
    });

    it("the rendered rule file is valid (promtool check rules)", () => {
        execFileSync(promtool, ["check", "rules", path.join(dir, "rules.yaml")], { encoding: "utf8" });
    });

    it("each alert fires when it should and stays silent when it should not", () => {
        const tests = [
            scenario("healthy traffic: 0.2% errors, fast", [...traffic({ ok: 59.88, errors: 0.12 }), ...probes()],
                [{ at: "10m", firing: [] }, { at: "60m", firing: [] }]),
            scenario("no traffic: counters flat, probes only", [...traffic({ ok: 0 }), ...probes()],
                [{ at: "10m", firing: [] }, { at: "60m", firing: [] }]),
            scenario("slow requests from minute 5 on: the latency alert after 3 minutes", [...traffic({ ok: 60, slowSteps: [10, STEPS + 1] }), ...probes()], [
                { at: "6m", firing: [] }, // pending
                { at: "12m", firing: [{ alert: "GoshipLatencyP99High", severity: "warning", value: "995ms" }] },
            ]),
            scenario("a 30 s latency spike stays shorter than `for`", [...traffic({ ok: 60, slowSteps: [10, 11] }), ...probes()],
                ["5m", "5m30s", "6m", "6m30s", "7m", "7m30s", "8m", "8m30s", "9m", "10m"].map((at) => ({ at, firing: [] }))),
            scenario("half the requests fail: error rate, then the fast burn (14.4× over 1h and 5m), then the ticket", [...traffic({ ok: 30, errors: 30 }), ...probes()], [
                { at: "2m", firing: [] },
                { at: "5m", firing: [
                    { alert: "GoshipErrorRateHigh", severity: "warning", value: "50%" },
                    { alert: "GoshipErrorBudgetBurnPage", severity: "page", value: "50%" },
                ] },
                { at: "20m", firing: [
                    { alert: "GoshipErrorRateHigh", severity: "warning", value: "50%" },
                    { alert: "GoshipErrorBudgetBurnPage", severity: "page", value: "50%" },
                    { alert: "GoshipErrorBudgetBurnTicket", severity: "ticket", value: "50%" },
                ] },
            ]),
            scenario("2% of requests fail: only the slow burn (1× over 3d and 6h) tickets", [...traffic({ ok: 58.8, errors: 1.2 }), ...probes()], [
                { at: "10m", firing: [] },
                { at: "30m", firing: [{ alert: "GoshipErrorBudgetBurnTicket", severity: "ticket", value: "2%" }] },
            ]),
            scenario("10% of requests fail: the page through 6× over 6h and 30m", [...traffic({ ok: 54, errors: 6 }), ...probes()], [
                { at: "10m", firing: [
                    { alert: "GoshipErrorRateHigh", severity: "warning", value: "10%" },
                    { alert: "GoshipErrorBudgetBurnPage", severity: "page", value: "10%" },
                ] },
            ]),
        ];
        const file = path.join(dir, "slo.test.yaml");
        fs.writeFileSync(file, stringify({ rule_files: ["rules.yaml"], evaluation_interval: "30s", tests }));
        try {
            execFileSync(promtool, ["test", "rules", file], { cwd: dir, encoding: "utf8", stdio: "pipe" });
        } catch (error) {
            const failed = error as { stdout?: string; stderr?: string };
            assert.fail(`promtool test rules failed (files in ${dir}):\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
        }
    });
});
