// Resources as the policy analyzer sees them: a compliant baseline of each kind, which tests copy and break.
import { TestResource } from "./policy-harness";

export const DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
export const PINNED_IMAGE = `registry.example.com/team/app@${DIGEST}`;

const labels = { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" };

export function container(overrides: Record<string, any> = {}): Record<string, any> {
    return {
        name: "app",
        image: PINNED_IMAGE,
        resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
        livenessProbe: { httpGet: { path: "/livez", port: "http" } },
        readinessProbe: { httpGet: { path: "/readyz", port: "http" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: 65532,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        ...overrides,
    };
}

export function podSpec(overrides: Record<string, any> = {}): Record<string, any> {
    return {
        securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
        containers: [container()],
        volumes: [{ name: "tmp", emptyDir: {} }],
        ...overrides,
    };
}

export function deployment(options: { name?: string; namespace?: string; replicas?: number; pod?: Record<string, any>; annotations?: Record<string, string> } = {}): TestResource {
    const name = options.name ?? "web";
    return {
        type: "kubernetes:apps/v1:Deployment",
        name: `${name}-deployment`,
        props: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name, namespace: options.namespace ?? "apps", labels, annotations: options.annotations },
            spec: {
                replicas: options.replicas,
                selector: { matchLabels: labels },
                template: { metadata: { labels }, spec: options.pod ?? podSpec() },
            },
        },
    };
}

export function cronJob(pod: Record<string, any> = podSpec()): TestResource {
    return {
        type: "kubernetes:batch/v1:CronJob",
        name: "nightly",
        props: { metadata: { name: "nightly", namespace: "apps" }, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: pod } } } } },
    };
}

export function hpa(target = "web", options: { name?: string; minReplicas?: number } = {}): TestResource {
    const name = options.name ?? target;
    return {
        type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        name: `${name}-hpa`,
        props: {
            metadata: { name, namespace: "apps" },
            spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, minReplicas: options.minReplicas, maxReplicas: 5 },
        },
    };
}

export function scaledObject(target = "web", options: { name?: string; minReplicaCount?: number } = {}): TestResource {
    const name = options.name ?? `${target}-so`;
    return {
        type: "kubernetes:keda.sh/v1alpha1:ScaledObject",
        name: `${name}-scaledobject`,
        props: {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { name, namespace: "apps" },
            spec: { scaleTargetRef: { name: target }, minReplicaCount: options.minReplicaCount, maxReplicaCount: 10, triggers: [] },
        },
    };
}

export function pdb(selector: Record<string, any> = { matchLabels: labels }, namespace = "apps"): TestResource {
    return {
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        name: "web-pdb",
        props: { metadata: { name: "web", namespace }, spec: { maxUnavailable: 1, selector } },
    };
}

export function ingress(spec: Record<string, any>): TestResource {
    return { type: "kubernetes:networking.k8s.io/v1:Ingress", name: "web-ingress", props: { metadata: { name: "web", namespace: "apps" }, spec } };
}

export function rule(host?: string): Record<string, any> {
    return {
        host,
        http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] },
    };
}

export function ecrRepository(props: Record<string, any> = {}): TestResource {
    return {
        type: "aws:ecr/repository:Repository",
        name: "registry-repo",
        props: { name: "team/app", imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "IMMUTABLE", ...props },
    };
}
