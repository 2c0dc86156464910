// The worker's pods: the service image by digest running `server worker`, with the service's restricted security,
// resources and probes, but on the admin port only (it serves no HTTP API) and a grace period above its drain.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { APP_CONTRACT, DEFAULTS, PRODUCTION_ANNOTATION } from "../defaults";
import { kafkaEnv } from "../kafka/env";
import { KafkaArgs } from "../kafka/types";
import { ChildOptions, ObjectMeta } from "../web-service/child-options";
import { DatabaseSecretRef, databaseEnv, goRuntimeEnv } from "../web-service/container-env";
import { POD_SECURITY_CONTEXT, RESTRICTED_CONTAINER_SECURITY, TMP_VOLUME, containerResources, envFromSources } from "../web-service/deployment";
import { selectorLabels } from "../web-service/labels";
import { workerTerminationGracePeriodSeconds } from "./resolve";
import { WorkerSettings } from "./types";

export interface WorkerPodInputs {
    image: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
    kafka: KafkaArgs;
    kafkaSecretName?: pulumi.Input<string>;
    configMapName?: pulumi.Input<string>;
    pullSecretName?: pulumi.Input<string>;
    databaseSecret?: DatabaseSecretRef;
}

/** The worker's own environment (app/README.md): admin port, log level, drain, consumer group, Kafka, store. */
export function workerEnv(settings: WorkerSettings, inputs: WorkerPodInputs): k8s.types.input.core.v1.EnvVar[] {
    return [
        { name: "ADMIN_PORT", value: String(APP_CONTRACT.adminPort) },
        { name: "LOG_LEVEL", value: settings.logLevel },
        { name: "WORKER_DRAIN_TIMEOUT", value: `${settings.drainTimeoutSeconds}s` },
        { name: "KAFKA_CONSUMER_GROUP", value: settings.consumerGroup },
        ...goRuntimeEnv(settings.resources.memoryLimit),
        ...kafkaEnv(inputs.kafka, inputs.kafkaSecretName),
        ...databaseEnv(inputs.databaseSecret),
        ...(settings.faultInjection ? [{ name: "FAULT_DELAY", value: `${settings.faultInjection.delayMs}ms` }] : []),
    ];
}

export function createWorkerDeployment(
    meta: ObjectMeta,
    settings: WorkerSettings,
    inputs: WorkerPodInputs,
    opts: ChildOptions & { dependsOn: pulumi.Resource[] },
): k8s.apps.v1.Deployment {
    const probe = (path: string, timing: { periodSeconds: number; failureThreshold: number }): k8s.types.input.core.v1.Probe =>
        ({ httpGet: { path, port: "admin" }, timeoutSeconds: 1, ...timing });
    return new k8s.apps.v1.Deployment(`${meta.name}-deployment`, {
        metadata: {
            ...meta,
            annotations: {
                ...meta.annotations,
                "pulumi.com/timeoutSeconds": String(settings.rolloutTimeoutSeconds),
                ...(settings.production ? { [PRODUCTION_ANNOTATION]: "true" } : {}),
            },
        },
        spec: {
            // KEDA owns the count: declaring it too would fight the ScaledObject's HPA.
            replicas: undefined,
            revisionHistoryLimit: DEFAULTS.rollout.revisionHistoryLimit,
            selector: { matchLabels: selectorLabels(meta.name) },
            // The service's rollout: new pods join the group before old ones leave it.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: DEFAULTS.rollout.maxSurge, maxUnavailable: Number(DEFAULTS.rollout.maxUnavailable) } },
            template: {
                metadata: {
                    labels: meta.labels,
                    annotations: {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": String(APP_CONTRACT.adminPort),
                        "prometheus.io/path": APP_CONTRACT.metricsPath,
                    },
                },
                spec: {
                    serviceAccountName: inputs.serviceAccountName,
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    terminationGracePeriodSeconds: workerTerminationGracePeriodSeconds(settings),
                    securityContext: POD_SECURITY_CONTEXT,
                    imagePullSecrets: inputs.pullSecretName ? [{ name: inputs.pullSecretName }] : undefined,
                    topologySpreadConstraints: settings.maxReplicas < 2 ? undefined : [{
                        maxSkew: 1,
                        topologyKey: "kubernetes.io/hostname",
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: selectorLabels(meta.name) },
                    }],
                    containers: [{
                        name: "worker",
                        image: inputs.image,
                        imagePullPolicy: "IfNotPresent",
                        args: [...APP_CONTRACT.worker.args],
                        ports: [{ name: "admin", containerPort: APP_CONTRACT.adminPort, protocol: "TCP" }],
                        env: workerEnv(settings, inputs),
                        envFrom: envFromSources({ ...inputs, secretName: undefined }),
                        resources: containerResources(settings),
                        startupProbe: probe(APP_CONTRACT.worker.livenessPath, { periodSeconds: 1, failureThreshold: 30 }),
                        livenessProbe: probe(APP_CONTRACT.worker.livenessPath, { periodSeconds: 10, failureThreshold: 3 }),
                        readinessProbe: probe(APP_CONTRACT.worker.readinessPath, { periodSeconds: 2, failureThreshold: 2 }),
                        securityContext: RESTRICTED_CONTAINER_SECURITY,
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    }],
                    volumes: [TMP_VOLUME],
                },
            },
        },
    }, opts);
}
