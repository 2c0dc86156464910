// Event-driven scaling on the local cluster, for real: the KEDA operator scales the Worker on its Kafka consumer
// group's lag (SASL/SCRAM through a TriggerAuthentication) and the web service on its own request rate (a Prometheus
// trigger, the prod stack's shape). Needs `npm run up` first (the cluster, KEDA, Prometheus and the Kafka broker) and
// fails loudly without it.
//
// The copy deploys into a namespace, an Ingress host, a topic and a consumer group of its own, next to the user's
// `npm run up` deployment; each worker pod's processing is slowed (worker.faultInjection) so a backlog builds up.
// Figures (scale-out and drain seconds, duplicates) are printed as `# figure:` lines for docs/benchmarks.md.
import * as assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConstantLoad, kubectl, kubectlJson, requireCluster, waitFor } from "../helpers/cluster";
import { KAFKA_BOOTSTRAP, kafkaTool, requireKafka } from "../helpers/kafka";
import { Prometheus } from "../helpers/monitoring";
import { ProjectCopy } from "../helpers/real-engine";

const runId = `${Date.now().toString(36)}${process.pid}`;
const NAMESPACE = `goship-kafka-${runId}`;
const HOST = `kafka-${runId}.goship.test`;
const TOPIC = `orders-e2e-${runId}`;
const GROUP = `worker-e2e-${runId}`;
const PARTITIONS = 6;
const MESSAGES = 20_000;
const WORKER = "goship-worker";
const SERVICE = "goship";
/** Per message in each worker pod: one pod alone would need MESSAGES × 10 ms = 200 s; six share it. */
const PROCESSING_DELAY_MS = 10;
const SCALE_DOWN_SECONDS = 30;
/** The web service's Prometheus trigger: this many requests per second per pod. */
const RATE_PER_POD = 10;

const WORKER_CONFIG = {
    consumerGroup: GROUP, minReplicas: 1, maxReplicas: PARTITIONS, lagThreshold: 100, pollingIntervalSeconds: 5,
    scaleDownStabilizationSeconds: SCALE_DOWN_SECONDS, readyTimeoutSeconds: 60, rolloutTimeoutSeconds: 120,
    faultInjection: { delayMs: PROCESSING_DELAY_MS },
};

function figure(text: string): void {
    console.log(`# figure: ${text}`);
}

function deployment(name: string): { desired: number; ready: number } {
    const found = kubectlJson(["-n", NAMESPACE, "get", "deployment", name]);
    return { desired: found.spec.replicas ?? 0, ready: found.status.readyReplicas ?? 0 };
}

/** The group's lag summed over the topic's partitions (consumer-groups --describe, column LAG); undefined until it has offsets. */
function groupLag(): number | undefined {
    const described = kafkaTool("consumer-groups", ["--describe", "--group", GROUP], { allowFailure: true });
    const rows = described.stdout.split("\n").filter((line) => line.trim().startsWith(GROUP) && line.includes(TOPIC));
    if (described.code !== 0 || rows.length < PARTITIONS) {
        return undefined;
    }
    return rows.reduce((sum, row) => {
        const lag = row.trim().split(/\s+/)[5];
        return sum + (/^[0-9]+$/.test(lag) ? Number(lag) : Number.NaN);
    }, 0);
}

/** One value of a query on the copy's PostgreSQL, through psql in its pod. */
function sql(query: string): string {
    const pods = kubectlJson<{ items: any[] }>(["-n", NAMESPACE, "get", "pods", "-l", "app.kubernetes.io/component=database"]).items;
    assert.ok(pods.length > 0, `no database pod in ${NAMESPACE}`);
    return kubectl(["-n", NAMESPACE, "exec", pods[0].metadata.name, "-c", pods[0].spec.containers[0].name, "--",
        "psql", "-U", "goship", "-d", "goship", "-tAc", query]).stdout.trim();
}

function orderCounts(prefix: string): { rows: number; deliveries: number } {
    const [rows, deliveries] = sql(`SELECT count(*), coalesce(sum(deliveries), 0) FROM orders WHERE id LIKE '${prefix}%'`).split("|").map(Number);
    return { rows, deliveries };
}

/** Produces `count` orders with ids `<prefix><i>` through the Kafka CLI (key = id, as the API does). */
function produce(prefix: string, count: number): void {
    const createdAt = new Date().toISOString();
    const lines = Array.from({ length: count }, (_, i) => `${prefix}${i}\t${JSON.stringify({ id: `${prefix}${i}`, sku: "sku-e2e", quantity: 1 + (i % 5), created_at: createdAt })}`);
    kafkaTool("console-producer", ["--topic", TOPIC, "--reader-property", "parse.key=true", "--reader-property", "key.separator=\t",
        "--producer-property", "acks=all", "--producer-property", "linger.ms=20"], { input: `${lines.join("\n")}\n`, timeoutMs: 300_000 });
}

function scaledObjectReady(name: string): string | undefined {
    const found = kubectlJson(["-n", NAMESPACE, "get", "scaledobject", name]);
    return (found.status?.conditions ?? []).find((condition: { type: string }) => condition.type === "Ready")?.status;
}

describe("event-driven scaling with KEDA on the local cluster", () => {
    let project: ProjectCopy;

    const up = () => {
        const started = Date.now();
        const result = project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
        return { ...result, seconds: (Date.now() - started) / 1000 };
    };
    const mustUp = () => {
        const result = up();
        assert.equal(result.code, 0, `pulumi up failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-3000)}`);
        return result;
    };
    const setConfig = (key: string, value: string, secret = false) =>
        project.pulumi(["config", "set", ...(secret ? ["--secret"] : []), key, value, "--stack", "local"]);

    before(() => {
        requireCluster();
        requireKafka();
        for (const name of ["keda-operator", "keda-metrics-apiserver", "keda-admission"]) {
            const ready = kubectl(["-n", "keda", "get", "deployment", name, "-o", "jsonpath={.status.readyReplicas}"], { allowFailure: true });
            assert.ok(Number(ready.stdout) >= 1, `KEDA's ${name} is not running (${ready.stderr.trim() || "0 ready"}): run \`npm run up\``);
        }
        kafkaTool("topics", ["--create", "--topic", TOPIC, "--partitions", String(PARTITIONS), "--replication-factor", "1"]);
        project = ProjectCopy.create();
        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        const config: Record<string, string> = {
            "goship:imageRepository": `goship-e2e/${runId}`,
            "goship:namespace": NAMESPACE,
            "goship:ingressHost": HOST,
            "goship:publicUrl": `http://${HOST}:8000/`,
            "goship:kafka": JSON.stringify({ bootstrapServers: KAFKA_BOOTSTRAP, topic: TOPIC, partitions: PARTITIONS, mechanism: "SCRAM-SHA-512", username: "goship" }),
            "goship:worker": JSON.stringify(WORKER_CONFIG),
            // The prod stack's trigger shape (Pulumi.prod.yaml), on this namespace's own request rate.
            "goship:autoscaling": "keda",
            "goship:minReplicas": "1",
            "goship:maxReplicas": "3",
            "goship:kedaTriggers": JSON.stringify([{
                type: "prometheus",
                serverAddress: "http://prometheus.monitoring.svc:9090",
                query: `sum(rate(http_requests_total{namespace="${NAMESPACE}",route!="/livez",route!="/readyz"}[1m]))`,
                threshold: String(RATE_PER_POD),
            }]),
            "goship:kedaPollingIntervalSeconds": "5",
            "goship:kedaCooldownSeconds": "30",
            "goship:scaleDownStabilizationSeconds": String(SCALE_DOWN_SECONDS),
        };
        for (const [key, value] of Object.entries(config)) {
            setConfig(key, value);
        }
        // An HPA setting of the local stack, refused with keda.
        project.pulumi(["config", "rm", "goship:targetCpuUtilization", "--stack", "local"]);
        const result = mustUp();
        figure(`first up of the copy with a worker: ${result.seconds.toFixed(0)} s`);
    });

    after(() => {
        if (project) {
            project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
            project.remove();
        }
        kafkaTool("topics", ["--delete", "--if-exists", "--topic", TOPIC], { allowFailure: true });
    });

    it(`${MESSAGES} orders on ${PARTITIONS} partitions: the worker scales out to at most ${PARTITIONS}, drains the lag, records every order once (a pod stopped mid-stream loses none) and scales back`, async () => {
        await waitFor("the worker at its minimum of 1 Ready pod", 120_000, () => (deployment(WORKER).ready === 1 ? true : undefined));
        const prefix = `e2e-${runId}-`;
        const started = Date.now();
        produce(prefix, MESSAGES);
        figure(`produced ${MESSAGES} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);

        let most = 0;
        let scaledOutAt: number | undefined;
        let stopped: string | undefined;
        await waitFor(`all ${MESSAGES} orders in table orders`, 10 * 60_000, () => {
            const { desired, ready } = deployment(WORKER);
            most = Math.max(most, desired);
            assert.ok(desired <= PARTITIONS, `never more pods than partitions (${desired})`);
            if (ready === PARTITIONS && scaledOutAt === undefined) {
                scaledOutAt = Date.now();
            }
            // SIGTERM to one worker mid-stream: it finishes the order in hand, commits and leaves the group.
            if (scaledOutAt !== undefined && stopped === undefined) {
                const pods = kubectlJson<{ items: any[] }>(["-n", NAMESPACE, "get", "pods", "-l", `app.kubernetes.io/name=${WORKER}`]).items;
                stopped = pods[0].metadata.name as string;
                kubectl(["-n", NAMESPACE, "delete", "pod", stopped, "--wait=false"]);
            }
            return orderCounts(prefix).rows >= MESSAGES ? true : undefined;
        }, 2000);
        const drainedAt = Date.now();
        const lag = await waitFor("the group's lag at 0", 60_000, () => (groupLag() === 0 ? 0 : undefined), 2000);
        const counts = orderCounts(prefix);
        assert.equal(most, PARTITIONS, `scaled out to one pod per partition (at most ${most})`);
        assert.ok(scaledOutAt, `${PARTITIONS} Ready worker pods at some point`);
        assert.ok(stopped, "a worker pod was stopped mid-stream");
        assert.equal(counts.rows, MESSAGES, "every order recorded: none lost");
        assert.equal(lag, 0);
        const duplicates = counts.deliveries - counts.rows;
        figure(`scale-out to ${PARTITIONS} Ready pods: ${((scaledOutAt! - started) / 1000).toFixed(0)} s after the first message; ` +
            `drain of ${MESSAGES}: ${((drainedAt - started) / 1000).toFixed(0)} s; redeliveries (a pod stopped mid-stream, at-least-once): ${duplicates}`);
        // At-least-once: a redelivery is possible only for records in flight when partitions moved, a few per partition.
        assert.ok(duplicates <= 50 * PARTITIONS, `redeliveries bounded by the in-flight records (${duplicates})`);

        const idleSince = Date.now();
        await waitFor("the worker back at 1 pod after the lag is gone", (SCALE_DOWN_SECONDS + 180) * 1000, () => (deployment(WORKER).desired === 1 ? true : undefined), 2000);
        figure(`scale-in to 1 pod: ${((Date.now() - idleSince) / 1000).toFixed(0)} s after the drain (stabilisation window ${SCALE_DOWN_SECONDS} s)`);

        const prometheus = new Prometheus();
        await waitFor("goship_worker_messages_processed_total scraped from the worker's pods (PodMonitor)", 120_000, async () => {
            const series = await prometheus.query(`sum(goship_worker_messages_processed_total{namespace="${NAMESPACE}"})`);
            return series.length === 1 ? true : undefined;
        }, 5000);
    });

    it("a Prometheus trigger on the service's own request rate scales it under load and back", async () => {
        await waitFor("the service at 1 Ready pod", 120_000, () => (deployment(SERVICE).ready === 1 ? true : undefined));
        const load = ConstantLoad.start({ host: HOST, path: "/ping", ratePerSecond: RATE_PER_POD * 4 });
        const started = Date.now();
        let report;
        try {
            // Scrape (30 s) + the 1 m rate window + KEDA's 5 s polling: more than one pod's worth within minutes.
            await waitFor("the service scaled out to its maximum of 3", 5 * 60_000, () => (deployment(SERVICE).desired === 3 ? true : undefined), 2000);
            figure(`Prometheus trigger: 1 → 3 pods ${((Date.now() - started) / 1000).toFixed(0)} s after ${RATE_PER_POD * 4} req/s began`);
        } finally {
            report = await load.stop();
        }
        assert.equal(report.failures, 0, `no failed request while scaling out: ${JSON.stringify(report.statusCodes)} ${report.errors.join("; ")}`);
        const stoppedAt = Date.now();
        await waitFor("the service back at 1 pod", 6 * 60_000, () => (deployment(SERVICE).desired === 1 ? true : undefined), 2000);
        figure(`Prometheus trigger: back to 1 pod ${((Date.now() - stoppedAt) / 1000).toFixed(0)} s after the load stopped`);
    });

    it("a wrong SASL password: pulumi up fails naming the kafka trigger and KEDA's reason; nothing scales on the broken signal; the right one recovers", async () => {
        // A second worker whose credentials are wrong from the start, so KEDA never had a working scaler for it (after
        // a password change KEDA keeps scaling on the scaler it built with the old one until it rebuilds it). The
        // first worker stays: the failed up deletes nothing, and its pods drain the backlog.
        const broken = `${WORKER}-broken`;
        const password = project.pulumi(["config", "get", "goship:kafkaPassword", "--stack", "local"]).stdout.trim();
        setConfig("goship:kafkaPassword", "not-the-password", true);
        setConfig("goship:worker", JSON.stringify({ ...WORKER_CONFIG, name: broken }));
        const failed = up();
        const output = failed.stdout + failed.stderr;
        assert.notEqual(failed.code, 0, "pulumi up fails");
        assert.match(output, new RegExp(`ScaledObject ${NAMESPACE}/${broken} with its kafka trigger \\(topic ${TOPIC}, consumer group ${GROUP}`), output.slice(-4000));
        assert.match(output, /SASL Authentication failed/, "KEDA's reason: the refused login");
        figure(`wrong SASL password: pulumi up failed after ${failed.seconds.toFixed(0)} s`);
        assert.equal(scaledObjectReady(broken), "False", "KEDA holds the ScaledObject not Ready");

        produce(`e2e-${runId}-broken-`, 3000);
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
            assert.equal(deployment(broken).desired, WORKER_CONFIG.minReplicas, "no scaling on a trigger that cannot read the lag");
            await new Promise((resolve) => setTimeout(resolve, 3000));
        }

        setConfig("goship:kafkaPassword", password, true);
        setConfig("goship:worker", JSON.stringify(WORKER_CONFIG));
        mustUp();
        assert.equal(scaledObjectReady(WORKER), "True");
        assert.equal(kubectl(["-n", NAMESPACE, "get", "scaledobject", broken], { allowFailure: true }).code, 1, "the broken worker is gone");
        await waitFor("the backlog produced meanwhile, recorded", 5 * 60_000, () => (orderCounts(`e2e-${runId}-broken-`).rows === 3000 ? true : undefined), 3000);
    });
});
