import * as assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { assertStackInvariants } from "../helpers/invariants";
import { IMAGE_BUILD, ProgramRun, ofType, runProgram, single } from "../helpers/mocks";
import { readStackConfig } from "../helpers/stack-config";
import { localStackImage } from "../../scripts/compose/app-image";
import { BuildRequest, dockerBuildArgs } from "../../components/image/docker-cli";

/** The service's Deployment (the worker has its own). */
const serviceDeployment = (run: ProgramRun) => ofType(run, "kubernetes:apps/v1:Deployment").find((r) => r.name === "goship-deployment")!;

describe("local stack (Pulumi.local.yaml) under mocks", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("local", readStackConfig("local"));
    });

    it("holds every stack invariant", () => assertStackInvariants(run, { production: false }));

    it("loads no cloud provider: no AWS or Alicloud resource, invoke or module", () => {
        assert.deepEqual(run.resources.filter((r) => /^(aws|alicloud|pulumi:providers:(aws|alicloud))/.test(r.type)), []);
        assert.deepEqual(run.calls.filter((c) => /^(aws|alicloud):/.test(c.token)), []);
        const loaded = Object.keys(require.cache).filter((file) => /node_modules\/@pulumi\/(aws|alicloud|docker)\//.test(file));
        assert.deepEqual(loaded, []);
    });

    it("pushes to the local authenticated registry and deploys by digest", () => {
        const image = single(run, IMAGE_BUILD);
        assert.equal(image.inputs.repository, "127.0.0.1:5000/goship");
        assert.equal(image.inputs.server, "127.0.0.1:5000");
        assert.equal(image.inputs.username, "goship");
        assert.equal(image.inputs.insecure, true);
        assert.match(image.inputs.tag, /^src-[0-9a-f]{20}$/);
        assert.equal(image.inputs.buildArgs.BUILDER_IMAGE, "127.0.0.1:5000/goship/golang:1.26-bookworm");
        assert.equal(image.inputs.buildArgs.RUNTIME_IMAGE, "scratch");
        assert.equal(image.inputs.network, "host");
        assert.match(String(run.outputs.imageRef), /^127\.0\.0\.1:5000\/goship@sha256:/);
    });

    it("npm run compose:up builds the same image: same reference and docker build command, computed without the engine", () => {
        const image = single(run, IMAGE_BUILD).inputs;
        const compose = localStackImage();
        assert.equal(compose.ref, `${image.repository}:${image.tag}`);
        assert.deepEqual(compose.buildCommand, dockerBuildArgs(image as BuildRequest, compose.ref), "the provider's docker build command");
        assert.equal(compose.builderImage, image.buildArgs.BUILDER_IMAGE);
    });

    it("targets the local cluster's kubeconfig context and bounds the rollout wait", () => {
        const provider = single(run, "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.context, "goship-local");
        assert.equal(provider.inputs.renderYamlToDirectory, undefined);
        const deployment = serviceDeployment(run).inputs;
        assert.equal(deployment.metadata.annotations["pulumi.com/timeoutSeconds"], "180");
        // forceApply: every object takes over what a lost state left in the cluster; the pods do not roll for it.
        for (const type of ["kubernetes:core/v1:Namespace", "kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "kubernetes:monitoring.coreos.com/v1:PrometheusRule"]) {
            for (const resource of ofType(run, type)) {
                assert.equal(resource.inputs.metadata.annotations?.["pulumi.com/patchForce"], "true", `${type} ${resource.name}`);
            }
        }
        for (const configMap of ofType(run, "kubernetes:core/v1:ConfigMap")) {
            assert.equal(configMap.inputs.metadata.annotations?.["pulumi.com/patchForce"], "true", configMap.name);
        }
        assert.equal(deployment.spec.template.metadata.annotations["pulumi.com/patchForce"], undefined);
        // The node pulls from the authenticated registry with the stack's pull secret.
        const pullSecret = ofType(run, "kubernetes:core/v1:Secret").find((r) => r.name === "goship-pull")!.inputs;
        assert.equal(pullSecret.type, "kubernetes.io/dockerconfigjson");
        assert.deepEqual(deployment.spec.template.spec.imagePullSecrets, [{ name: pullSecret.metadata.name }]);
    });

    it("autoscales 1 to 3 pods with an HPA on CPU and no PDB for a single guaranteed pod", () => {
        const hpa = single(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
        assert.equal(hpa.minReplicas, 1);
        assert.equal(hpa.maxReplicas, 3);
        assert.deepEqual(hpa.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }]);
        assert.equal(hpa.behavior.scaleDown.stabilizationWindowSeconds, 60);
        assert.equal(single(run, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec.scaleTargetRef.name, "goship-worker", "KEDA scales only the worker");
        assert.equal(ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").length, 0);
    });

    it("routes the traefik Ingress to the Service's HTTP port without TLS", () => {
        const ingress = single(run, "kubernetes:networking.k8s.io/v1:Ingress").inputs;
        assert.equal(ingress.spec.ingressClassName, "traefik");
        assert.equal(ingress.spec.tls, undefined);
        const backend = ingress.spec.rules[0].http.paths[0].backend.service;
        assert.equal(backend.name, "goship");
        assert.equal(backend.port.number, 80);
        assert.equal(run.outputs.url, "http://127.0.0.1:8000/", "Traefik's address on loopback");
    });

    it("puts the env map in a content-named ConfigMap the Deployment reads", () => {
        assert.deepEqual(ofType(run, "kubernetes:core/v1:ConfigMap").map((map) => map.name), ["goship-env", "goship-dashboard"], "the env and the dashboard");
        const configMap = ofType(run, "kubernetes:core/v1:ConfigMap").find((map) => map.name === "goship-env")!.inputs;
        assert.match(configMap.metadata.name, /^goship-env-[0-9a-f]{10}$/);
        assert.equal(configMap.immutable, true);
        assert.deepEqual(configMap.data, { APP_GREETING: "hello from the local stack" });
        const container = serviceDeployment(run).inputs.spec.template.spec.containers[0];
        assert.deepEqual(container.envFrom, [{ configMapRef: { name: configMap.metadata.name } }]);
    });

    it("exposes the HTTP port and, for the cluster's Prometheus Operator, the admin port on the Service", () => {
        const ports = ofType(run, "kubernetes:core/v1:Service").find((r) => r.name === "goship-service")!.inputs.spec.ports;
        assert.deepEqual(ports, [
            { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
            { name: "admin", port: 9090, targetPort: "admin", protocol: "TCP" },
        ]);
        assert.deepEqual(single(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs.spec.endpoints, [{ port: "admin", path: "/metrics", interval: "30s" }]);
    });

    it("deploys the worker next to the service: same image, namespace and database, scaled 1 to 6 on the orders topic's lag", () => {
        const worker = ofType(run, "kubernetes:apps/v1:Deployment").find((r) => r.name === "goship-worker-deployment")!.inputs;
        const service = serviceDeployment(run).inputs;
        const container = worker.spec.template.spec.containers[0];
        assert.equal(container.image, service.spec.template.spec.containers[0].image, "the same image, by digest");
        assert.deepEqual(container.args, ["worker"]);
        assert.equal(worker.metadata.namespace, "goship");
        const env = Object.fromEntries(container.env.map((entry: any) => [entry.name, entry.value ?? entry.valueFrom]));
        assert.equal(env.KAFKA_BROKERS, "10.244.0.1:9092", "the pod bridge's address: the broker is a host process");
        assert.equal(env.KAFKA_TOPIC, "orders");
        assert.equal(env.KAFKA_SASL_MECHANISM, "SCRAM-SHA-512");
        assert.equal(env.KAFKA_USERNAME, "goship");
        assert.equal(env.KAFKA_CONSUMER_GROUP, "goship-worker");
        assert.ok(env.KAFKA_PASSWORD.secretKeyRef, "the password from the credentials' Secret");
        assert.deepEqual(env.DATABASE_URL, service.spec.template.spec.containers[0].env.find((entry: any) => entry.name === "DATABASE_URL").valueFrom, "the service's database");
        const serviceEnv = Object.fromEntries(service.spec.template.spec.containers[0].env.map((entry: any) => [entry.name, entry.value ?? entry.valueFrom]));
        assert.equal(serviceEnv.KAFKA_BROKERS, "10.244.0.1:9092", "the API produces to the same topic");
        // Each reads its own Secret (named after its owner), of the same content: the same hash.
        assert.equal(serviceEnv.KAFKA_PASSWORD.secretKeyRef.name.replace(/^goship-/, "goship-worker-"), env.KAFKA_PASSWORD.secretKeyRef.name);
        const scaled = single(run, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec;
        assert.equal(scaled.minReplicaCount, 1);
        assert.equal(scaled.maxReplicaCount, 6);
        assert.equal(scaled.pollingInterval, 5);
        assert.equal(scaled.triggers[0].metadata.lagThreshold, "100");
        assert.equal(scaled.triggers[0].metadata.topic, "orders");
        assert.ok(scaled.triggers[0].authenticationRef.name);
        assert.ok(ofType(run, "kubernetes:monitoring.coreos.com/v1:PodMonitor").length === 1, "monitoring on: the worker's metrics are scraped too");
        assert.equal(single(run, "pulumi-nodejs:dynamic/goship:ScaledObjectReadiness").inputs.context, "goship-local");
        // The database admits the worker's pods.
        const dbPolicy = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => r.name === "goship-db-netpol")!.inputs;
        assert.ok(JSON.stringify(dbPolicy.spec.ingress).includes("goship-worker"), JSON.stringify(dbPolicy.spec.ingress));
    });

    it("exports what a user needs", () => {
        assert.equal(run.outputs.namespace, "goship");
        assert.equal(run.outputs.deploymentName, "goship");
        assert.equal(run.outputs.serviceName, "goship");
        assert.equal(run.outputs.registryRepository, "127.0.0.1:5000/goship");
        assert.equal(run.outputs.workerName, "goship-worker");
        assert.equal(run.outputs.workerScaledObject, "goship-worker");
        assert.equal(run.outputs.workerConsumerGroup, "goship-worker");
    });
});
