// WebService: everything a production Go HTTP service needs on Kubernetes, one concern per file.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kafkaEgressRules } from "../kafka/egress";
import { createKafkaSecret } from "../kafka/secret";
import { connectionOf, renderedTo } from "../kubernetes-provider";
import { refuseProblems } from "../validation/problems";
import { createAlertWebhookSecret, createAlertmanagerConfig } from "./alert-delivery";
import { ChildOptions, ObjectMeta, applyAnnotations } from "./child-options";
import { createDashboardConfigMap } from "./dashboard";
import { createCanaryRelease } from "./canary";
import { createDeployment, podTemplate } from "./deployment";
import { createEnvConfigMap, createEnvSecret, createPullSecret } from "./env-objects";
import { createHpa } from "./hpa";
import { createIngress, ingressUrl } from "./ingress";
import { createScaledObject } from "./keda";
import { commonLabels } from "./labels";
import { createNamespace } from "./namespace";
import type { DatabaseConnection } from "../database/types";
import { databaseEgressRule } from "./database-egress";
import { createMigrationJob } from "./migration-job";
import { createMigrationNetworkPolicy, createNetworkPolicy } from "./network-policy";
import { createPodDisruptionBudget } from "./pdb";
import { guaranteedReplicas, resolveSettings } from "./resolve";
import { createMetricsService, createService } from "./service";
import { createServiceAccount } from "./service-account";
import { createServiceMonitor } from "./service-monitor";
import { createPrometheusRule } from "./slo-rules";
import { WebServiceArgs } from "./types";
import { routedByGateway, webServiceProblems } from "./validate";

export * from "./types";
export { guaranteedReplicas, resolveSettings, terminationGracePeriodSeconds } from "./resolve";
export { productionProblems, webServiceProblems, WebServiceContext } from "./validate";
export { SERVICE_VARIABLES, ServiceVariable } from "./service-env";
export { PrometheusRuleGroup, sloRuleGroups } from "./slo-rules";
export { dashboardModel } from "./dashboard";
export { migrationJobName } from "./migration-job";
export { webServiceDatabaseClients } from "./labels";
export { createServiceNamespace } from "./namespace";
export { CanaryVerdict, CanaryVerdictArgs, analysisSummary } from "./canary-verdict";
export { awaitCanaryVerdict, rolledBackMessage } from "./canary-status";

export class WebService extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly deploymentName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    /** Where the Ingress serves (or publicUrl); undefined without an Ingress. */
    readonly url: pulumi.Output<string | undefined>;
    readonly deployment: k8s.apps.v1.Deployment;
    /**
     * `database` with this service's migration Job as its `migration`: give it to a Worker of the same image, which
     * then waits for the schema its pods need. Undefined without a database.
     */
    readonly migratedDatabase?: DatabaseConnection;

    /**
     * `name` is the service's name: Kubernetes object names and labels derive from it. Every problem of the
     * arguments is reported at once, before anything is registered.
     */
    constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = resolveSettings(name, args);
        const problems = webServiceProblems(name, args, settings, { renderYamlTo: args.provider && renderedTo(args.provider) });
        if (!pulumi.ProviderResource.isInstance(args.provider)) {
            problems.unshift({ path: "provider", expected: "a Kubernetes provider (k8s.Provider)", got: args.provider === undefined ? "nothing" : "something else" });
        }
        if (args.image === undefined) {
            problems.unshift({ path: "image", expected: "an image reference pinned by digest (repo@sha256:…)", got: "nothing" });
        }
        refuseProblems(`WebService ${name}`, problems);
        super("goship:kubernetes:WebService", name, {}, opts);

        const child: ChildOptions = { parent: this, provider: args.provider };
        const labels = commonLabels(name);
        const namespace = settings.createNamespace
            ? createNamespace(settings.namespace, labels, applyAnnotations(settings.forceApply), child).metadata.name
            : pulumi.output(args.namespace ?? settings.namespace);
        const meta: ObjectMeta = { name, namespace, labels, annotations: applyAnnotations(settings.forceApply) };

        const serviceAccount = createServiceAccount(meta, child);
        const configMap = createEnvConfigMap(meta, settings.env, child);
        const secret = createEnvSecret(meta, args.secretEnv, child);
        const pullSecret = args.imagePullDockerConfigJson === undefined
            ? undefined
            : createPullSecret(meta, args.imagePullDockerConfigJson, child);

        if (args.database === undefined) {
            pulumi.log.warn(`WebService ${name}: no database, so USERS_STORE=memory: each pod keeps its own users and loses them on restart ` +
                "(development only; give `database` to keep them in PostgreSQL)", this);
        }
        const podInputs = {
            image: args.image,
            serviceAccountName: serviceAccount.metadata.name,
            configMapName: configMap?.metadata.name,
            secretName: secret?.metadata.name,
            pullSecretName: pullSecret?.metadata.name,
            databaseSecret: args.database?.connectionSecret,
            kafka: args.kafka && { args: args.kafka, secretName: createKafkaSecret(meta, args.kafka, child)?.secret.metadata.name },
        };
        const databaseEgress = args.database?.egress && databaseEgressRule(args.database.egress);
        // Before the Deployment changes: a failed migration stops `pulumi up` while the old pods keep serving.
        const migration = settings.database?.migrate && podInputs.databaseSecret
            ? createMigrationJob(meta, { ...settings, database: settings.database }, { ...podInputs, databaseSecret: podInputs.databaseSecret }, child)
            : undefined;
        // And after a migration it was given (the schema of another service of the same image and database).
        const schema = [migration, args.database?.migration].filter((resource): resource is pulumi.Resource => resource !== undefined);
        this.deployment = createDeployment(meta, settings, podInputs, { ...child, dependsOn: schema });
        this.migratedDatabase = args.database && {
            connectionSecret: args.database.connectionSecret,
            egress: args.database.egress,
            migration: migration ?? args.database.migration,
        };

        const delivery = settings.delivery;
        const canary = delivery.kind === "canary";
        // With a canary Flagger creates the Service `<name>` (and -primary, -canary) from the Canary; the admin port
        // is scraped through a Service of its own.
        const serviceName = canary ? pulumi.output(name) : createService(meta, { servicePort: settings.servicePort, exposeAdmin: settings.serviceMonitor }, child).metadata.name;
        if (canary && settings.serviceMonitor) {
            createMetricsService(meta, child);
        }
        // A Gateway API or Istio canary has no Ingress: Flagger's route serves its host (validate-delivery.ts).
        const ingress = settings.ingress && !routedByGateway(settings)
            ? createIngress(meta, settings.ingress, { serviceName, port: settings.servicePort }, child)
            : undefined;

        let autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler | k8s.apiextensions.CustomResource | undefined;
        switch (settings.autoscaling.kind) {
            case "hpa":
                autoscaler = createHpa(meta, settings.autoscaling, { deploymentName: this.deployment.metadata.name }, child);
                break;
            case "keda":
                autoscaler = createScaledObject(meta, settings.autoscaling, { deployment: this.deployment }, child);
                break;
        }
        if (delivery.kind === "canary" && autoscaler) {
            createCanaryRelease(meta, { ...settings, delivery }, { deployment: this.deployment, autoscaler, ingress }, {
                image: args.image,
                podTemplate: podTemplate(meta, settings, podInputs),
                connection: connectionOf(args.provider),
            }, child);
        }
        if (guaranteedReplicas(settings) >= 2) {
            createPodDisruptionBudget(meta, child, { canary });
        }
        if (settings.networkPolicy) {
            createNetworkPolicy(meta, settings.networkPolicy, [
                ...(databaseEgress ? [databaseEgress] : []),
                ...(args.kafka ? kafkaEgressRules(args.kafka.bootstrapServers) : []),
            ], { canary }, child);
            if (migration) {
                createMigrationNetworkPolicy(meta, settings.networkPolicy, databaseEgress, child);
            }
        }
        if (settings.serviceMonitor) {
            createServiceMonitor(meta, { canary }, child);
        }
        if (settings.slo) {
            createPrometheusRule(meta, settings.slo, child);
        }
        if (settings.alerting && args.alerting) {
            const webhook = createAlertWebhookSecret(meta, args.alerting.webhookUrl, child);
            createAlertmanagerConfig(meta, settings.alerting, { secretName: webhook.metadata.name }, child);
        }
        if (settings.dashboard) {
            const scaling = settings.autoscaling;
            const pods = scaling.kind === "none"
                ? { minPods: scaling.replicas, maxPods: scaling.replicas }
                : { minPods: scaling.minReplicas, maxPods: scaling.maxReplicas };
            createDashboardConfigMap(meta, { ...pods, database: args.database !== undefined }, child);
        }

        this.namespace = namespace;
        this.deploymentName = this.deployment.metadata.name;
        this.serviceName = serviceName;
        this.url = pulumi.output(settings.publicUrl ?? (settings.ingress ? ingressUrl(settings.ingress) : undefined));
        this.registerOutputs({
            namespace: this.namespace,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            url: this.url,
        });
    }
}
