// A platform team's program built from goship's components: two Go services ("orders" and "payments") in one
// namespace, pushed to one registry, on the cluster the platform stack runs. The cluster and the registry are not
// this program's: their coordinates come from the platform stack's outputs through a StackReference.
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GenericRegistry, GoServiceImage, WebService, createKubernetesProvider } from "goship";

const config = new pulumi.Config();
const namespaceName = config.get("namespace") ?? "shop";
const domain = config.get("domain") ?? "shop.example.com";
const servicesDir = path.resolve(__dirname, config.get("servicesDir") ?? "../../app");

// The platform stack exports: kubeconfig (secret), registryServer, registryUsername, registryPassword (secret).
const platform = new pulumi.StackReference("platform", { name: config.require("platformStack") });
const output = (name: string) => platform.requireOutput(name) as pulumi.Output<string>;

const provider = createKubernetesProvider("cluster", { kubeconfig: pulumi.secret(output("kubeconfig")) });

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
    });
    const image = new GoServiceImage(name, { registry, context: servicesDir, mainPackage: spec.mainPackage });
    return new WebService(name, {
        provider,
        image: image.ref,
        // The Namespace's output, not its name: every object of the service waits for the Namespace to exist.
        namespace: shopNamespace.metadata.name,
        createNamespace: false,
        production: true,
        autoscaling: {
            kind: "hpa",
            minReplicas: spec.minReplicas,
            maxReplicas: spec.maxReplicas,
            targetCpuUtilization: 70,
            scaleUpStabilizationSeconds: 0,
            scaleDownStabilizationSeconds: 300,
        },
        ingress: {
            className: "nginx",
            host: `${name}.${domain}`,
            path: "/",
            pathType: "Prefix",
            tls: { secretName: `${name}-tls`, certManagerIssuer: "letsencrypt-prod" },
            annotations: {},
            skipAwait: false,
        },
    });
}

const deployed = Object.fromEntries(Object.entries(services).map(([name, spec]) => [name, deployService(name, spec)]));

export const namespace = shopNamespace.metadata.name;
export const urls = pulumi.all(Object.fromEntries(Object.entries(deployed).map(([name, service]) => [name, service.url])));
export const deployments = pulumi.all(Object.fromEntries(Object.entries(deployed).map(([name, service]) => [name, service.deploymentName])));
