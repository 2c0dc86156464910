// A platform team's program built from goship's components: two Go services ("orders" and "payments") in one
// namespace, pushed to one registry, on the cluster the platform stack runs. The cluster and the registry are not
// this program's: their coordinates come from the platform stack's outputs through a StackReference. Every argument
// left out takes the component's default.
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GenericRegistry, GoServiceImage, WebService, createKubernetesProvider, dockerConfigJson } from "goship";

const config = new pulumi.Config();
const namespaceName = config.get("namespace") ?? "shop";
const domain = config.get("domain") ?? "shop.example.com";
const servicesDir = path.resolve(__dirname, config.get("servicesDir") ?? "../../app");
const production = config.getBoolean("production") ?? true;
// Each service's database: a Secret (holding DATABASE_URL) that the platform provisions next to its RDS instances,
// by service name. A service without one keeps its users in memory — development only: WebService refuses that on
// a production service.
const databaseSecrets = config.getObject<Record<string, string>>("databaseSecrets") ?? {};

// The platform stack exports: registryServer, registryUsername, registryPassword (secret), and kubeconfig (secret)
// unless this stack names a context of the ambient kubeconfig (kubeContext).
const platform = new pulumi.StackReference("platform", { name: config.require("platformStack") });
const output = (name: string) => platform.requireOutput(name) as pulumi.Output<string>;
const kubeContext = config.get("kubeContext");

const provider = createKubernetesProvider("cluster", kubeContext ? { context: kubeContext } : { kubeconfig: pulumi.secret(output("kubeconfig")) });

// Both services share the namespace; it enforces the restricted Pod Security Standard, as WebService's own does.
const shopNamespace = new k8s.core.v1.Namespace("namespace", {
    metadata: {
        name: namespaceName,
        labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" },
    },
}, { provider });

interface ServiceSpec {
    /** Main package of the service's binary inside its Go module. */
    mainPackage: string;
    minReplicas: number;
    maxReplicas: number;
}

const services: Record<string, ServiceSpec> = {
    orders: { mainPackage: "./cmd/server", minReplicas: 2, maxReplicas: 6 },
    payments: { mainPackage: "./cmd/server", minReplicas: 2, maxReplicas: 4 },
};

function deployService(name: string, spec: ServiceSpec): WebService {
    // One registry: the same server and robot account, a repository per service.
    const registry = new GenericRegistry(`${name}-registry`, {
        server: output("registryServer"),
        repository: `${namespaceName}/${name}`,
        username: output("registryUsername"),
        password: pulumi.secret(output("registryPassword")),
        insecure: config.getBoolean("registryInsecure"),
    });
    const image = new GoServiceImage(name, {
        registry,
        context: servicesDir,
        mainPackage: spec.mainPackage,
        buildArgs: config.getObject<Record<string, string>>("buildArgs"),
        network: config.get("buildNetwork"),
    });
    return new WebService(name, {
        provider,
        image: image.ref,
        // The Namespace's output, not its name: every object of the service waits for the Namespace to exist.
        namespace: shopNamespace.metadata.name,
        createNamespace: false,
        production,
        autoscaling: { kind: "hpa", minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas },
        ingress: {
            className: config.get("ingressClassName") ?? "nginx",
            host: `${name}.${domain}`,
            tls: production ? { certManagerIssuer: config.get("certManagerIssuer") ?? "letsencrypt-prod" } : undefined,
        },
        imagePullDockerConfigJson: config.getBoolean("imagePullSecret") ? dockerConfigJson(registry) : undefined,
        // The platform's Secret; this service's image migrates its schema in a Job before each rollout.
        database: databaseSecrets[name] === undefined ? undefined : { connectionSecret: { name: databaseSecrets[name], key: "DATABASE_URL" } },
    });
}

const deployed = Object.fromEntries(Object.entries(services).map(([name, spec]) => [name, deployService(name, spec)]));

export const namespace = shopNamespace.metadata.name;
export const urls = pulumi.all(Object.fromEntries(Object.entries(deployed).map(([name, service]) => [name, service.url])));
export const deployments = pulumi.all(Object.fromEntries(Object.entries(deployed).map(([name, service]) => [name, service.deploymentName])));
