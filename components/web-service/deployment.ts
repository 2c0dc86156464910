import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { APP_CONTRACT, DEFAULTS, PRODUCTION_ANNOTATION } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { KafkaArgs } from "../kafka/types";
import { kafkaEnv } from "../kafka/env";
import { DatabaseSecretRef, containerEnv } from "./container-env";
import { selectorLabels } from "./labels";
import { guaranteedReplicas, terminationGracePeriodSeconds } from "./resolve";
import { WebServiceSettings } from "./types";

export interface DeploymentInputs {
    image: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
    configMapName?: pulumi.Input<string>;
    secretName?: pulumi.Input<string>;
    pullSecretName?: pulumi.Input<string>;
    databaseSecret?: DatabaseSecretRef;
    /** The producer's topic and the Secret holding its SASL password. */
    kafka?: { args: KafkaArgs; secretName?: pulumi.Input<string> };
}

/** The pod-level security context of the service's pods and its migration Job's. */
export const POD_SECURITY_CONTEXT: k8s.types.input.core.v1.PodSecurityContext = {
    runAsNonRoot: true,
    runAsUser: APP_CONTRACT.uid,
    runAsGroup: APP_CONTRACT.uid,
    fsGroup: APP_CONTRACT.uid,
    seccompProfile: { type: "RuntimeDefault" },
};

export function envFromSources(inputs: Pick<DeploymentInputs, "configMapName" | "secretName">): k8s.types.input.core.v1.EnvFromSource[] | undefined {
    const envFrom: k8s.types.input.core.v1.EnvFromSource[] = [];
    if (inputs.configMapName) {
        envFrom.push({ configMapRef: { name: inputs.configMapName } });
    }
    if (inputs.secretName) {
        envFrom.push({ secretRef: { name: inputs.secretName } });
    }
    return envFrom.length > 0 ? envFrom : undefined;
}

export function containerResources(settings: Pick<WebServiceSettings, "resources">): k8s.types.input.core.v1.ResourceRequirements {
    return {
        requests: {
            cpu: settings.resources.cpuRequest,
            memory: settings.resources.memoryRequest,
            "ephemeral-storage": settings.resources.ephemeralStorageRequest,
        },
        limits: {
            cpu: settings.resources.cpuLimit,
            memory: settings.resources.memoryLimit,
            // /tmp, the logs and the writable layer: a runaway writer is evicted, not the node's disk filled.
            "ephemeral-storage": settings.resources.ephemeralStorageLimit,
        },
    };
}

/** /tmp, the only place the service writes. */
export const TMP_VOLUME: k8s.types.input.core.v1.Volume = { name: "tmp", emptyDir: { sizeLimit: DEFAULTS.workload.tmpSizeLimit } };

/** The Pod Security Standard "restricted" profile, plus a read-only root filesystem. */
export const RESTRICTED_CONTAINER_SECURITY: k8s.types.input.core.v1.SecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: APP_CONTRACT.uid,
    runAsGroup: APP_CONTRACT.uid,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

export function createDeployment(
    meta: ObjectMeta,
    settings: WebServiceSettings,
    inputs: DeploymentInputs,
    opts: ChildOptions & { dependsOn?: pulumi.Resource[] },
): k8s.apps.v1.Deployment {
    const selector = selectorLabels(meta.name);

    return new k8s.apps.v1.Deployment(`${meta.name}-deployment`, {
        // The provider waits this long for the rollout; a release whose pods never become Ready fails `pulumi up`.
        // The production marker goes on the Deployment, not its pod template: setting it rolls no pods.
        metadata: {
            ...meta,
            annotations: {
                ...meta.annotations,
                "pulumi.com/timeoutSeconds": String(settings.rollout.timeoutSeconds),
                ...(settings.production ? { [PRODUCTION_ANNOTATION]: "true" } : {}),
                // With a canary Flagger scales this Deployment to 0 and serves a copy; the verdict waits instead.
                ...(settings.delivery.kind === "canary" ? { "pulumi.com/skipAwait": "true" } : {}),
            },
        },
        spec: {
            // An autoscaler owns the count: declaring it too would fight the HPA/KEDA (a server-side-apply
            // conflict on every update). A canary always has one, and Flagger scales this Deployment to 0 besides.
            replicas: settings.autoscaling.kind === "none" ? settings.autoscaling.replicas : undefined,
            revisionHistoryLimit: settings.rollout.revisionHistoryLimit,
            selector: { matchLabels: selector },
            strategy: {
                type: "RollingUpdate",
                rollingUpdate: { maxSurge: intOrPercent(settings.rollout.maxSurge), maxUnavailable: intOrPercent(settings.rollout.maxUnavailable) },
            },
            template: podTemplate(meta, settings, inputs),
        },
    }, opts);
}

/** The pods' template: with a canary, its hash is the release the verdict waits for (a change = an analysis). */
export function podTemplate(meta: ObjectMeta, settings: WebServiceSettings, inputs: DeploymentInputs): k8s.types.input.core.v1.PodTemplateSpec {
    const selector = selectorLabels(meta.name);
    return {
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
            terminationGracePeriodSeconds: terminationGracePeriodSeconds(settings),
            securityContext: POD_SECURITY_CONTEXT,
            imagePullSecrets: inputs.pullSecretName ? [{ name: inputs.pullSecretName }] : undefined,
            topologySpreadConstraints: topologySpread(settings, selector),
            containers: [{
                name: "app",
                image: inputs.image,
                imagePullPolicy: "IfNotPresent",
                ports: [
                    { name: "http", containerPort: APP_CONTRACT.httpPort, protocol: "TCP" },
                    { name: "admin", containerPort: APP_CONTRACT.adminPort, protocol: "TCP" },
                ],
                env: [
                    ...containerEnv(settings, meta, inputs.databaseSecret),
                    ...(inputs.kafka ? kafkaEnv(inputs.kafka.args, inputs.kafka.secretName) : []),
                ],
                envFrom: envFromSources(inputs),
                resources: containerResources(settings),
                // Startup allows a slow first start without making liveness lenient afterwards.
                startupProbe: httpProbe(APP_CONTRACT.livenessPath, { periodSeconds: 1, failureThreshold: 30 }),
                livenessProbe: httpProbe(APP_CONTRACT.livenessPath, { periodSeconds: 10, failureThreshold: 3 }),
                readinessProbe: httpProbe(APP_CONTRACT.readinessPath, { periodSeconds: 2, failureThreshold: 2 }),
                lifecycle: settings.shutdown.preStopSleepSeconds > 0
                    // The native sleep action: the image has no shell or sleep binary.
                    ? { preStop: { sleep: { seconds: settings.shutdown.preStopSleepSeconds } } }
                    : undefined,
                securityContext: RESTRICTED_CONTAINER_SECURITY,
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [TMP_VOLUME],
        },
    };
}

function httpProbe(path: string, timing: { periodSeconds: number; failureThreshold: number }): k8s.types.input.core.v1.Probe {
    return { httpGet: { path, port: "http" }, timeoutSeconds: 1, ...timing };
}

function intOrPercent(value: number | string): number | string {
    return typeof value === "string" && value.endsWith("%") ? value : Number(value);
}

/** Spread over nodes (best effort) and, when asked, over zones (enforced) once there is more than one pod. */
function topologySpread(
    settings: WebServiceSettings,
    selector: Record<string, string>,
): k8s.types.input.core.v1.TopologySpreadConstraint[] | undefined {
    const maxPods = settings.autoscaling.kind === "none" ? settings.autoscaling.replicas : settings.autoscaling.maxReplicas;
    if (maxPods < 2 && guaranteedReplicas(settings) < 2) {
        return undefined;
    }
    const constraints: k8s.types.input.core.v1.TopologySpreadConstraint[] = [{
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selector },
    }];
    if (settings.zoneSpread) {
        constraints.push({
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: selector },
        });
    }
    return constraints;
}
