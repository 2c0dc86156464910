// The stack policies (one autoscaler per workload; production pods, budgets and TLS) and the ECR policy.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PRODUCTION_ANNOTATION } from "../../components/defaults";
import { deployment, ecrRepository, hpa, ingress, pdb, rule, scaledObject } from "../helpers/policy-fixtures";
import { Violation, runPolicies } from "../helpers/policy-harness";

const only = (violations: Violation[], policy: string) => violations.filter((violation) => violation.policy === policy);
const productionMarker = { [PRODUCTION_ANNOTATION]: "true" };

describe("single-autoscaler-per-workload", () => {
    it("reports an HPA and a ScaledObject on the same Deployment, on the Deployment", () => {
        const web = deployment();
        const violations = only(runPolicies([web, hpa("web"), scaledObject("web")]), "single-autoscaler-per-workload");
        assert.equal(violations.length, 1);
        assert.equal(
            violations[0].message,
            "Deployment apps/web is scaled by HorizontalPodAutoscaler apps/web and ScaledObject apps/web-so: KEDA creates its own HPA " +
            "for a ScaledObject, so the two fight over the replica count. Keep exactly one autoscaler — with goship set " +
            "goship:autoscaling to hpa or keda (never both); otherwise delete the others.",
        );
        assert.equal(violations[0].urn, "urn:pulumi:test::goship::kubernetes:apps/v1:Deployment::web-deployment");
    });

    it("reports two HPAs on one Deployment", () => {
        const violations = only(runPolicies([deployment(), hpa("web"), hpa("web", { name: "web-2" })]), "single-autoscaler-per-workload");
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /scaled by HorizontalPodAutoscaler apps\/web and HorizontalPodAutoscaler apps\/web-2: they fight/);
    });

    it("accepts one autoscaler per workload, and autoscalers of different workloads", () => {
        const resources = [deployment(), deployment({ name: "api" }), hpa("web"), scaledObject("api")];
        assert.deepEqual(only(runPolicies(resources), "single-autoscaler-per-workload"), []);
    });

    it("tells workloads of the same name in different namespaces apart", () => {
        const other = scaledObject("web");
        other.props.metadata.namespace = "other";
        assert.deepEqual(only(runPolicies([deployment(), hpa("web"), other]), "single-autoscaler-per-workload"), []);
    });
});

describe("production rules apply only to production stacks", () => {
    // One pod, no budget, plain HTTP: fine anywhere but production.
    const risky = () => [deployment({ replicas: 1 }), ingress({ rules: [rule("web.example.com")] })];
    const productionPolicies = ["production-guaranteed-pods", "production-ingress-tls", "production-pod-disruption-budget"];
    const reported = (violations: Violation[]) => [...new Set(violations.map((violation) => violation.policy))].sort();

    it("skips a stack without a production marker", () => {
        assert.deepEqual(runPolicies(risky()), []);
    });

    it("applies to a stack whose workload carries the goship production annotation", () => {
        const resources = [deployment({ replicas: 1, annotations: productionMarker }), ingress({ rules: [rule("web.example.com")] })];
        assert.deepEqual(reported(runPolicies(resources)), productionPolicies);
    });

    it("applies to a stack tagged goship:production=true", () => {
        assert.deepEqual(reported(runPolicies(risky(), { stackTags: { "goship:production": "true" } })), productionPolicies);
    });

    it("follows the policy config over tags and markers", () => {
        const config = Object.fromEntries(productionPolicies.map((name) => [name, { production: true }]));
        assert.deepEqual(reported(runPolicies(risky(), { config })), productionPolicies);
        const off = Object.fromEntries(productionPolicies.map((name) => [name, { production: false }]));
        assert.deepEqual(runPolicies(risky(), { config: off, stackTags: { "goship:production": "true" } }), []);
    });
});

describe("production-guaranteed-pods", () => {
    const tags = { stackTags: { "goship:production": "true" } };

    it("reports one replica, saying which setting to raise", () => {
        const violations = only(runPolicies([deployment({ replicas: 1 }), pdb()], tags), "production-guaranteed-pods");
        assert.equal(violations.length, 1);
        assert.equal(
            violations[0].message,
            "Deployment apps/web guarantees 1 pod (replicas 1) on a production stack; raise it to at least 2 so a node drain or a " +
            "crash cannot take the service down (goship: goship:replicas, or goship:minReplicas with an autoscaler).",
        );
    });

    it("counts an omitted replicas field as Kubernetes' default of 1", () => {
        assert.equal(only(runPolicies([deployment(), pdb()], tags), "production-guaranteed-pods").length, 1);
    });

    it("uses the autoscaler's minimum when one owns the Deployment (KEDA's default minimum is 0)", () => {
        const keda = only(runPolicies([deployment(), scaledObject("web"), pdb()], tags), "production-guaranteed-pods");
        assert.match(keda[0].message, /guarantees 0 pods \(ScaledObject apps\/web-so minReplicaCount 0\)/);
        const hpaFloor = only(runPolicies([deployment(), hpa("web", { minReplicas: 1 }), pdb()], tags), "production-guaranteed-pods");
        assert.match(hpaFloor[0].message, /guarantees 1 pod \(HorizontalPodAutoscaler apps\/web minReplicas 1\)/);
        assert.deepEqual(only(runPolicies([deployment(), hpa("web", { minReplicas: 3 }), pdb()], tags), "production-guaranteed-pods"), []);
    });

    it("accepts 2 replicas, and a higher minimum from the config", () => {
        assert.deepEqual(only(runPolicies([deployment({ replicas: 2 }), pdb()], tags), "production-guaranteed-pods"), []);
        const config = { "production-guaranteed-pods": { minPods: 3 } } as any;
        assert.match(only(runPolicies([deployment({ replicas: 2 }), pdb()], { ...tags, config }), "production-guaranteed-pods")[0].message, /raise it to at least 3/);
    });
});

describe("production-pod-disruption-budget", () => {
    const tags = { stackTags: { "goship:production": "true" } };

    it("reports a workload without a budget, naming the labels to select", () => {
        const violations = only(runPolicies([deployment({ replicas: 3 })], tags), "production-pod-disruption-budget");
        assert.equal(violations.length, 1);
        assert.equal(
            violations[0].message,
            "Deployment apps/web has no PodDisruptionBudget on a production stack; add one in namespace apps whose selector matches its " +
            "pod labels (app.kubernetes.io/name=web, app.kubernetes.io/instance=web), e.g. maxUnavailable: 1, so drains and upgrades " +
            "evict its pods one at a time (goship's WebService creates it whenever at least 2 pods are guaranteed).",
        );
    });

    it("does not count a budget of another namespace or with a selector that misses the pods", () => {
        for (const budget of [pdb(undefined, "other"), pdb({ matchLabels: { "app.kubernetes.io/name": "api" } }), pdb({ matchExpressions: [{ key: "tier", operator: "Exists" }] })]) {
            assert.equal(only(runPolicies([deployment({ replicas: 3 }), budget], tags), "production-pod-disruption-budget").length, 1);
        }
    });

    it("accepts a budget selecting the pods by labels or expressions", () => {
        for (const budget of [pdb(), pdb({ matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["web", "api"] }] })]) {
            assert.deepEqual(only(runPolicies([deployment({ replicas: 3 }), budget], tags), "production-pod-disruption-budget"), []);
        }
    });
});

describe("production-ingress-tls", () => {
    const tags = { stackTags: { "goship:production": "true" } };
    const check = (spec: Record<string, any>) => only(runPolicies([ingress(spec)], tags), "production-ingress-tls");

    it("reports an Ingress without TLS", () => {
        const violations = check({ rules: [rule("web.example.com")] });
        assert.equal(violations.length, 1);
        assert.equal(
            violations[0].message,
            "Ingress apps/web serves web.example.com without TLS on a production stack; add spec.tls with a certificate Secret listing " +
            "those hosts (goship: goship:ingressTlsSecret, or goship:ingressCertManagerIssuer to have cert-manager issue it).",
        );
    });

    it("reports the hosts TLS does not cover, and a host-less rule without TLS", () => {
        assert.match(check({ rules: [rule("web.example.com"), rule("api.example.com")], tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }] })[0].message, /serves api\.example\.com without TLS/);
        assert.match(check({ rules: [rule()] })[0].message, /serves any host without TLS/);
    });

    it("accepts TLS covering every host", () => {
        assert.deepEqual(check({ rules: [rule("web.example.com")], tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }] }), []);
        assert.deepEqual(check({ rules: [rule()], tls: [{ secretName: "default-tls" }] }), []);
    });
});

describe("ecr-scan-on-push-immutable-tags", () => {
    it("reports a repository without scan-on-push and with mutable tags, one message each", () => {
        const violations = only(runPolicies([ecrRepository({ imageScanningConfiguration: { scanOnPush: false }, imageTagMutability: "MUTABLE" })]), "ecr-scan-on-push-immutable-tags");
        assert.deepEqual(violations.map((violation) => violation.message), [
            "ECR repository team/app does not scan images on push; set imageScanningConfiguration: { scanOnPush: true } (goship: goship:ecrScanOnPush: true, the default).",
            'ECR repository team/app has MUTABLE tags; set imageTagMutability: "IMMUTABLE" so a tag can never be pushed over (goship: goship:ecrImmutableTags: true, the default).',
        ]);
    });

    it("treats unset settings as AWS's defaults (no scanning, mutable tags)", () => {
        const violations = only(runPolicies([ecrRepository({ imageScanningConfiguration: undefined, imageTagMutability: undefined })]), "ecr-scan-on-push-immutable-tags");
        assert.equal(violations.length, 2);
        assert.match(violations[1].message, /has MUTABLE \(the default\) tags/);
    });

    it("accepts scan-on-push with immutable tags", () => {
        assert.deepEqual(runPolicies([ecrRepository()]), []);
    });
});

describe("production-authenticated-kafka", () => {
    const kafka = (authenticationRef?: { name: string }) => {
        const so = scaledObject("orders-worker");
        so.props.spec.triggers = [
            { type: "cpu", metadata: { value: "70" } },
            { type: "kafka", metadata: { bootstrapServers: "kafka:9092", consumerGroup: "orders", topic: "orders", lagThreshold: "100" }, ...(authenticationRef ? { authenticationRef } : {}) },
        ];
        return so;
    };
    const production = () => deployment({ name: "orders-worker", annotations: productionMarker });

    it("reports a kafka trigger without authenticationRef on a production stack, naming the trigger", () => {
        const violations = only(runPolicies([production(), kafka()]), "production-authenticated-kafka");
        assert.equal(violations.length, 1);
        assert.equal(violations[0].message, "ScaledObject apps/orders-worker-so reads Kafka without credentials on a production stack (triggers [1] have no authenticationRef); " +
            "give each a TriggerAuthentication (goship: the Worker creates one from goship:kafka's mechanism and username and goship:kafkaPassword).");
    });

    it("accepts an authenticated kafka trigger, and anything off production", () => {
        assert.deepEqual(only(runPolicies([production(), kafka({ name: "orders-kafka" })]), "production-authenticated-kafka"), []);
        assert.deepEqual(only(runPolicies([deployment({ name: "orders-worker" }), kafka()]), "production-authenticated-kafka"), []);
    });
});

describe("production-canary-gates", () => {
    const canary = (metrics: Record<string, unknown>[]) => ({
        type: "kubernetes:flagger.app/v1beta1:Canary",
        name: "web-canary",
        props: { metadata: { name: "web", namespace: "apps" }, spec: { targetRef: { kind: "Deployment", name: "web" }, analysis: { interval: "1m", threshold: 2, metrics } } },
    });
    const production = () => deployment({ annotations: productionMarker });
    const gate = (name: string, range: Record<string, number>) => ({ name, templateRef: { name, namespace: "apps" }, thresholdRange: range });

    it("reports a production Canary gated on neither latency nor errors, naming both and the goship settings", () => {
        const violations = only(runPolicies([production(), canary([gate("web-request-count", { min: 20 })])]), "production-canary-gates");
        assert.equal(violations.length, 1);
        assert.equal(violations[0].message,
            "Canary apps/web promotes on a production stack without a latency or error rate gate; add analysis.metrics measuring it with " +
            "thresholdRange.max (goship: set delivery.gates.maxP99LatencyMs and delivery.gates.maxErrorPercent in goship:delivery).");
        assert.equal(violations[0].urn, "urn:pulumi:test::goship::kubernetes:flagger.app/v1beta1:Canary::web-canary");
    });

    it("reports a gate without a maximum (a min on latency bounds nothing)", () => {
        const violations = only(runPolicies([production(), canary([gate("web-p99-latency", { min: 1 }), gate("web-error-rate", { max: 1 })])]), "production-canary-gates");
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /without a latency gate;.*delivery\.gates\.maxP99LatencyMs in/);
    });

    it("accepts goship's gates, Flagger's built-in request-duration with an inline error metric, and any canary off production", () => {
        const goship = canary([gate("web-request-count", { min: 20 }), gate("web-error-rate", { max: 1 }), gate("web-p99-latency", { max: 800 })]);
        assert.deepEqual(only(runPolicies([production(), goship]), "production-canary-gates"), []);
        const builtIn = canary([{ name: "request-duration", thresholdRange: { max: 500 } }, { name: "error-ratio", query: "sum(x)", thresholdRange: { max: 2 } }]);
        assert.deepEqual(only(runPolicies([production(), builtIn]), "production-canary-gates"), []);
        assert.deepEqual(only(runPolicies([deployment(), canary([])]), "production-canary-gates"), []);
    });
});
