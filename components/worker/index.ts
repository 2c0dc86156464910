// Worker: the service image's Kafka consumer (`server worker`) on Kubernetes, scaled by KEDA on its consumer group's
// lag. Next to a WebService, sharing its image, namespace and database; one concern per file, as WebService.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kafkaEgressRules } from "../kafka/egress";
import { createKafkaSecret } from "../kafka/secret";
import { connectionOf, renderedTo } from "../kubernetes-provider";
import { refuseProblems } from "../validation/problems";
import { ChildOptions, ObjectMeta, applyAnnotations } from "../web-service/child-options";
import { databaseEgressRule } from "../web-service/database-egress";
import { createEnvConfigMap, createPullSecret } from "../web-service/env-objects";
import { commonLabels, selectorLabels } from "../web-service/labels";
import { createPodDisruptionBudget } from "../web-service/pdb";
import { createServiceAccount } from "../web-service/service-account";
import { createWorkerDeployment } from "./deployment";
import { createPodMonitor } from "./pod-monitor";
import { ScaledObjectReadiness } from "./readiness";
import { resolveWorkerSettings } from "./resolve";
import { createTriggerAuthentication, createWorkerScaledObject } from "./scaled-object";
import { createWorkerNetworkPolicy } from "./network-policy";
import { WorkerArgs } from "./types";
import { workerProblems } from "./validate";

export * from "./types";
export { resolveWorkerSettings, workerTerminationGracePeriodSeconds } from "./resolve";
export { WORKER_RULES, workerProblems } from "./validate";
export { notReadyMessage, awaitScaledObjectReady } from "./keda-status";

/** The pods of a Worker that connect to the database: what a Database's `clients` should admit too. */
export function workerDatabaseClients(name: string): Record<string, string>[] {
    return [selectorLabels(name)];
}

export class Worker extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly deploymentName: pulumi.Output<string>;
    readonly scaledObjectName: pulumi.Output<string>;
    readonly consumerGroup: string;
    readonly deployment: k8s.apps.v1.Deployment;

    /**
     * `name` is the worker's name: object names and labels derive from it, and the consumer group defaults to it.
     * Every problem of the arguments is reported at once, before anything is registered.
     */
    constructor(name: string, args: WorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = resolveWorkerSettings(name, args);
        const renderYamlTo = args.provider && renderedTo(args.provider);
        const problems = workerProblems(name, args, settings, { renderYamlTo });
        if (!pulumi.ProviderResource.isInstance(args.provider)) {
            problems.unshift({ path: "provider", expected: "a Kubernetes provider (k8s.Provider)", got: args.provider === undefined ? "nothing" : "something else" });
        }
        if (args.image === undefined) {
            problems.unshift({ path: "image", expected: "the service's image reference pinned by digest (repo@sha256:…)", got: "nothing" });
        }
        refuseProblems(`Worker ${name}`, problems);
        super("goship:kubernetes:Worker", name, {}, opts);

        const child: ChildOptions = { parent: this, provider: args.provider };
        const labels = { ...commonLabels(name), "app.kubernetes.io/component": "worker" };
        const namespace = pulumi.output(args.namespace ?? settings.namespace);
        const meta: ObjectMeta = { name, namespace, labels, annotations: applyAnnotations(settings.forceApply) };

        const serviceAccount = createServiceAccount(meta, child);
        const configMap = createEnvConfigMap(meta, settings.env, child);
        const pullSecret = args.imagePullDockerConfigJson === undefined ? undefined : createPullSecret(meta, args.imagePullDockerConfigJson, child);
        const credentials = createKafkaSecret(meta, args.kafka, child);
        if (args.database === undefined) {
            pulumi.log.warn(`Worker ${name}: no database, so USERS_STORE=memory: each pod keeps what it processed to itself ` +
                "(development only; give `database` to write the orders to PostgreSQL)", this);
        }
        // The pods of a new image start once its schema is there (a WebService's migration Job): a failed migration
        // leaves the running ones as they are, and `up` fails on the migration alone.
        const migration = args.database?.migration ? [args.database.migration] : [];
        this.deployment = createWorkerDeployment(meta, settings, {
            image: args.image,
            serviceAccountName: serviceAccount.metadata.name,
            kafka: args.kafka,
            kafkaSecretName: credentials?.secret.metadata.name,
            configMapName: configMap?.metadata.name,
            pullSecretName: pullSecret?.metadata.name,
            databaseSecret: args.database?.connectionSecret,
        }, { ...child, dependsOn: migration });

        // Named after the credentials' Secret: new credentials are a new authenticationRef, so KEDA rebuilds the scaler.
        const authentication = credentials && createTriggerAuthentication(meta, credentials, child);
        const scaledObject = createWorkerScaledObject(meta, settings, {
            kafka: args.kafka,
            authentication,
            deploymentInputs: [args.image, args.database?.connectionSecret],
            deploymentDependsOn: migration,
        }, child);
        if (settings.awaitReady) {
            const connection = connectionOf(args.provider);
            if (connection === undefined) {
                pulumi.log.warn(`Worker ${name}: the provider was not made by createKubernetesProvider, so the ScaledObject's readiness is read ` +
                    "with kubectl's default kubeconfig and context (set awaitReady false if that is another cluster)", this);
            }
            new ScaledObjectReadiness(`${name}-scaledobject-ready`, {
                namespace,
                name: scaledObject.metadata.name,
                trigger: `kafka trigger (topic ${args.kafka.topic}, consumer group ${settings.consumerGroup}, brokers ${args.kafka.bootstrapServers})`,
                timeoutSeconds: settings.readyTimeoutSeconds,
                revisions: [scaledObject.metadata.resourceVersion, ...(authentication ? [authentication.metadata.resourceVersion] : [])],
                kubeconfig: connection?.kubeconfig,
                context: connection?.context,
            }, { parent: this, dependsOn: [scaledObject] });
        }

        if (settings.minReplicas >= 2) {
            createPodDisruptionBudget(meta, child);
        }
        if (settings.networkPolicy) {
            createWorkerNetworkPolicy(meta, settings.networkPolicy, [
                ...kafkaEgressRules(args.kafka.bootstrapServers),
                ...(args.database?.egress ? [databaseEgressRule(args.database.egress)] : []),
            ], child);
        }
        if (settings.podMonitor) {
            createPodMonitor(meta, child);
        }

        this.namespace = namespace;
        this.deploymentName = this.deployment.metadata.name;
        this.scaledObjectName = scaledObject.metadata.name;
        this.consumerGroup = settings.consumerGroup;
        this.registerOutputs({ namespace: this.namespace, deploymentName: this.deploymentName, scaledObjectName: this.scaledObjectName });
    }
}
