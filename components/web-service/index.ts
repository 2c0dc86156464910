// WebService: everything a production Go HTTP service needs on Kubernetes, one concern per file.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, ObjectMeta, applyAnnotations } from "./child-options";
import { createDeployment } from "./deployment";
import { createEnvConfigMap, createEnvSecret, createPullSecret } from "./env-objects";
import { createHpa } from "./hpa";
import { createIngress, ingressUrl } from "./ingress";
import { createScaledObject } from "./keda";
import { commonLabels } from "./labels";
import { createNamespace } from "./namespace";
import { createNetworkPolicy } from "./network-policy";
import { createPodDisruptionBudget } from "./pdb";
import { guaranteedReplicas, productionProblems, resolveSettings } from "./resolve";
import { createService } from "./service";
import { createServiceAccount } from "./service-account";
import { createServiceMonitor } from "./service-monitor";
import { WebServiceArgs } from "./types";

export * from "./types";
export { guaranteedReplicas, productionProblems, terminationGracePeriodSeconds } from "./resolve";

export class WebService extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly deploymentName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    /** Where the Ingress serves (or publicUrl); undefined without an Ingress. */
    readonly url: pulumi.Output<string | undefined>;
    readonly deployment: k8s.apps.v1.Deployment;

    /** `name` is the service's name: Kubernetes object names and labels derive from it. */
    constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:kubernetes:WebService", name, {}, opts);
        const settings = resolveSettings(args);
        const problems = settings.production ? productionProblems(settings) : [];
        if (problems.length > 0) {
            // The same invariants the policy pack enforces, caught before any object exists.
            throw new Error(`WebService ${name} is production but:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
        }
        const child: ChildOptions = { parent: this, provider: args.provider };
        const labels = commonLabels(name);

        if (settings.createNamespace && args.namespace !== undefined && typeof args.namespace !== "string") {
            throw new Error(`WebService ${name}: namespace must be a name to create it; pass createNamespace: false to use another resource's namespace`);
        }
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

        this.deployment = createDeployment(meta, settings, {
            image: args.image,
            serviceAccountName: serviceAccount.metadata.name,
            configMapName: configMap?.metadata.name,
            secretName: secret?.metadata.name,
            pullSecretName: pullSecret?.metadata.name,
        }, child);

        const service = createService(meta, { servicePort: settings.servicePort, exposeAdmin: settings.serviceMonitor }, child);
        if (settings.ingress) {
            createIngress(meta, settings.ingress, { serviceName: service.metadata.name, port: settings.servicePort }, child);
        }

        switch (settings.autoscaling.kind) {
            case "hpa":
                createHpa(meta, settings.autoscaling, { deploymentName: this.deployment.metadata.name }, child);
                break;
            case "keda":
                createScaledObject(meta, settings.autoscaling, { deployment: this.deployment }, child);
                break;
        }
        if (guaranteedReplicas(settings) >= 2) {
            createPodDisruptionBudget(meta, child);
        }
        if (settings.networkPolicy) {
            createNetworkPolicy(meta, settings.networkPolicy, child);
        }
        if (settings.serviceMonitor) {
            createServiceMonitor(meta, child);
        }

        this.namespace = namespace;
        this.deploymentName = this.deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.url = pulumi.output(settings.publicUrl ?? (settings.ingress ? ingressUrl(settings.ingress) : undefined));
        this.registerOutputs({
            namespace: this.namespace,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            url: this.url,
        });
    }
}
