// The worker's KEDA objects: a TriggerAuthentication reading the Kafka credentials' Secret, and a ScaledObject with
// one kafka trigger on the consumer group's lag (WebService's ScaledObject spec, shared through keda.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KafkaSecret } from "../kafka/secret";
import { KafkaArgs } from "../kafka/types";
import { ChildOptions, ObjectMeta } from "../web-service/child-options";
import { scaledObjectSpec } from "../web-service/keda";
import { kedaTrigger } from "../web-service/keda-triggers";
import { KedaTrigger } from "../web-service/types";
import { WorkerSettings } from "./types";

export function createTriggerAuthentication(meta: ObjectMeta, credentials: KafkaSecret, opts: ChildOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${meta.name}-kafka-auth`, {
        apiVersion: "keda.sh/v1alpha1",
        kind: "TriggerAuthentication",
        metadata: { ...meta, name: credentials.secret.metadata.name },
        spec: {
            secretTargetRef: credentials.parameters.map((parameter) => ({ parameter, name: credentials.secret.metadata.name, key: parameter })),
        },
    }, opts);
}

/** The kafka trigger of the worker's consumer group, as WebService's keda triggers are typed. */
export function workerTrigger(settings: WorkerSettings, kafka: KafkaArgs): Extract<KedaTrigger, { type: "kafka" }> {
    return {
        type: "kafka",
        bootstrapServers: kafka.bootstrapServers,
        consumerGroup: settings.consumerGroup,
        topic: kafka.topic,
        lagThreshold: settings.lagThreshold,
        activationLagThreshold: settings.activationLagThreshold,
        // The worker's new group starts at the oldest record: its lag is the whole backlog.
        offsetResetPolicy: "earliest",
        allowIdleConsumers: settings.allowIdleConsumers || undefined,
    };
}

export function createWorkerScaledObject(
    meta: ObjectMeta,
    settings: WorkerSettings,
    inputs: {
        kafka: KafkaArgs;
        authentication?: k8s.apiextensions.CustomResource;
        /** What the Deployment is created after (the image, the database's Secret): the ScaledObject waits for the same. */
        deploymentInputs: pulumi.Input<unknown>[];
        /** And the resources it depends on (the schema's migration). */
        deploymentDependsOn: pulumi.Resource[];
    },
    opts: ChildOptions,
): k8s.apiextensions.CustomResource {
    const trigger = kedaTrigger(workerTrigger(settings, inputs.kafka), inputs.authentication && { name: inputs.authentication.metadata.name });
    return new k8s.apiextensions.CustomResource(`${meta.name}-scaledobject`, {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: meta,
        // The Deployment's name, not its output: the ScaledObject (and its readiness check) need not wait for the
        // rollout, so a trigger KEDA refuses is reported even when the pods cannot become ready for the same reason
        // (a wrong password).
        spec: scaledObjectSpec({ ...settings, fallbackReplicas: undefined }, meta.name, [trigger]),
    }, {
        ...opts,
        // Registered when the Deployment is, not minutes before it (a cold image build): KEDA refuses a ScaledObject
        // whose target does not exist and retries with a doubling backoff that outlasts the readiness check. Waiting
        // on the inputs, not on the Deployment's outputs, keeps the spec known in a preview.
        dependsOn: pulumi.all(inputs.deploymentInputs).apply(() => [...inputs.deploymentDependsOn, ...(inputs.authentication ? [inputs.authentication] : [])]),
    });
}
