import * as assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { assertStackInvariants } from "../helpers/invariants";
import { IMAGE_BUILD, ProgramRun, ofType, runProgram, single } from "../helpers/mocks";
import { readStackConfig, secretValue } from "../helpers/stack-config";

describe("prod stack (Pulumi.prod.yaml) under mocks", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("prod", readStackConfig("prod", { secretEnv: secretValue({ PAYMENTS_API_KEY: "pk-test-0123456789" }) }));
    });

    it("holds every stack invariant, production included", () => assertStackInvariants(run, { production: true }));

    it("looks up the ACR Enterprise instance and creates namespace and immutable repository", () => {
        const lookup = run.calls.filter((call) => call.token === "alicloud:cs/getRegistryEnterpriseInstances:getRegistryEnterpriseInstances");
        assert.equal(lookup.length, 1);
        assert.deepEqual(lookup[0].inputs.ids, ["cri-goshipprod01"]);
        assert.equal(lookup[0].inputs.enableDetails, true);
        const namespace = single(run, "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace").inputs;
        assert.deepEqual([namespace.instanceId, namespace.name, namespace.defaultVisibility], ["cri-goshipprod01", "goship", "PRIVATE"]);
        const repo = single(run, "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo").inputs;
        assert.deepEqual([repo.namespace, repo.name, repo.repoType, repo.tagImmutability], ["goship", "goship", "PRIVATE", true]);
        assert.equal(ofType(run, "aws:ecr/repository:Repository").length, 0);
    });

    it("pushes through the VPC endpoint with the instance's temporary token", () => {
        const image = single(run, IMAGE_BUILD).inputs;
        assert.equal(image.server, "cri-goshipprod01-registry-vpc.cn-hangzhou.cr.aliyuncs.com");
        assert.equal(image.username, "cr_temp_user");
        assert.equal(image.repository, "cri-goshipprod01-registry-vpc.cn-hangzhou.cr.aliyuncs.com/goship/goship");
    });

    it("scales with a KEDA ScaledObject: typed triggers, fallback, behavior, Ready await", () => {
        const scaled = single(run, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs;
        assert.equal(scaled.metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
        assert.deepEqual([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount], [3, 20]);
        assert.deepEqual(scaled.spec.fallback, { failureThreshold: 3, replicas: 6 });
        assert.equal(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds, 600);
        assert.deepEqual(scaled.spec.triggers.map((t: { type: string }) => t.type), ["prometheus", "cpu", "cron"]);
        assert.deepEqual(scaled.spec.triggers[0].metadata.threshold, "200");
        assert.deepEqual(scaled.spec.triggers[1], { type: "cpu", metricType: "Utilization", metadata: { value: "70" } });
        assert.deepEqual(scaled.spec.triggers[2].metadata, { timezone: "Asia/Shanghai", start: "0 8 * * 1-5", end: "0 20 * * 1-5", desiredReplicas: "6" });
        assert.equal(ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
    });

    it("spreads pods across zones and nodes with a PDB", () => {
        const spread = single(run, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.topologySpreadConstraints;
        assert.deepEqual(spread.map((c: { topologyKey: string; whenUnsatisfiable: string }) => [c.topologyKey, c.whenUnsatisfiable]), [
            ["kubernetes.io/hostname", "ScheduleAnyway"],
            ["topology.kubernetes.io/zone", "DoNotSchedule"],
        ]);
        assert.equal(ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").length, 1);
    });

    it("matches the kubelet's grace period to preStop + drain + shutdown", () => {
        const pod = single(run, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
        assert.equal(pod.terminationGracePeriodSeconds, 5 + 10 + 20 + 5);
        const env = Object.fromEntries(pod.containers[0].env.filter((e: { value?: string }) => e.value).map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.equal(env.SHUTDOWN_DRAIN_DELAY, "10s");
        assert.equal(env.SHUTDOWN_TIMEOUT, "20s");
        assert.equal(env.GOMEMLIMIT, "230MiB");
        assert.deepEqual(pod.containers[0].lifecycle, { preStop: { sleep: { seconds: 5 } } });
    });

    it("gets TLS from cert-manager and a ServiceMonitor for the admin port", () => {
        const ingress = single(run, "kubernetes:networking.k8s.io/v1:Ingress").inputs;
        assert.equal(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
        assert.deepEqual(ingress.spec.tls, [{ secretName: "goship-tls", hosts: ["goship.example.com"] }]);
        const ports = ofType(run, "kubernetes:core/v1:Service").find((r) => r.name === "goship-service")!.inputs.spec.ports;
        assert.deepEqual(ports.map((port: { name: string }) => port.name), ["http", "admin"], "the ServiceMonitor scrapes the admin port");
        const monitor = single(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs;
        assert.deepEqual(monitor.spec.endpoints, [{ port: "admin", path: "/metrics", interval: "30s" }]);
        const policy = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => r.name === "goship-netpol")!.inputs.spec;
        assert.deepEqual(policy.ingress.map((rule: { ports: { port: number }[] }) => rule.ports[0].port), [8080, 9090]);
    });
});
