// Properties every stack's resource graph must have, whatever its config.
import * as assert from "node:assert/strict";
import { IMAGE_BUILD, ProgramRun, ofType } from "./mocks";

const POD_TEMPLATE_KINDS = ["kubernetes:apps/v1:Deployment"];

export function assertStackInvariants(run: ProgramRun, options: { production: boolean }): void {
    assert.equal(run.error, undefined, `program failed: ${run.error?.message}`);

    const k8sResources = run.resources.filter((resource) => resource.type.startsWith("kubernetes:") && !resource.type.startsWith("pulumi:providers"));
    const provider = run.resources.find((resource) => resource.type === "pulumi:providers:kubernetes");
    assert.ok(provider, "a Kubernetes provider is created");
    for (const resource of k8sResources) {
        assert.ok(resource.provider?.startsWith(provider.urn), `${resource.type} ${resource.name} uses the stack's Kubernetes provider explicitly (got ${resource.provider})`);
    }

    // The service's Deployment, and its worker's when the stack has one: each with at most one autoscaler, its own.
    const deployments = run.resources.filter((resource) => POD_TEMPLATE_KINDS.includes(resource.type));
    assert.ok(deployments.length === 1 || deployments.length === 2, `one Deployment, or two with a worker (got ${deployments.length})`);
    const hpas = ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    const scaledObjects = ofType(run, "kubernetes:keda.sh/v1alpha1:ScaledObject");
    const guaranteedPods: number[] = [];
    for (const { inputs: deployment } of deployments) {
        const scalers = [...hpas, ...scaledObjects].filter((scaler) => scaler.inputs.spec.scaleTargetRef.name === deployment.metadata.name);
        assert.ok(scalers.length <= 1, `never an HPA and a ScaledObject on one Deployment (${deployment.metadata.name})`);
        if (scalers.length === 1) {
            assert.equal(deployment.spec.replicas, undefined, "replicas omitted when an autoscaler owns them");
        } else {
            assert.ok(deployment.spec.replicas >= 1, "replicas set without an autoscaler");
        }
        guaranteedPods.push(scalers.length === 0 ? deployment.spec.replicas : (scalers[0].inputs.spec.minReplicas ?? scalers[0].inputs.spec.minReplicaCount));
        assertRestrictedPods(deployment.spec.template.spec);
    }
    for (const scaler of [...hpas, ...scaledObjects]) {
        assert.ok(deployments.some((d) => d.inputs.metadata.name === scaler.inputs.spec.scaleTargetRef.name), `${scaler.name} targets one of the stack's Deployments`);
    }

    assert.match(String(run.outputs.imageRef), /@sha256:[0-9a-f]{64}$/);
    for (const secret of run.resources.filter((resource) => resource.type === "kubernetes:core/v1:Secret")) {
        assert.ok(secret.secretPaths.some((at) => at === "stringData" || at.startsWith("stringData.")), `${secret.name}: data is a secret Output`);
    }
    const image = run.resources.find((resource) => resource.type === IMAGE_BUILD);
    if (image) {
        assert.ok(image.secretPaths.includes("password"), "registry password reaches the image build as a secret Output");
    }
    const clusterProvider = run.resources.find((resource) => resource.type === "pulumi:providers:kubernetes")!;
    if (clusterProvider.inputs.kubeconfig !== undefined) {
        assert.ok(clusterProvider.secretPaths.includes("kubeconfig"), "kubeconfig is a secret Output");
    }

    const pdbs = ofType(run, "kubernetes:policy/v1:PodDisruptionBudget");
    assert.equal(pdbs.length, guaranteedPods.filter((pods) => pods >= 2).length, "a PDB exactly for each Deployment with at least 2 pods guaranteed");
    if (options.production) {
        // The service's Deployment is registered first.
        assert.ok(guaranteedPods[0] >= 3, "production guarantees at least 3 pods");
        assert.ok(pdbs.length >= 1);
    }
}

function assertRestrictedPods(pod: Record<string, any>): void {
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
    for (const container of pod.containers) {
        assert.ok(container.resources?.limits?.cpu && container.resources?.limits?.memory, `${container.name} has limits`);
        assert.ok(container.resources?.requests?.cpu && container.resources?.requests?.memory, `${container.name} has requests`);
        assert.ok(container.livenessProbe?.httpGet && container.readinessProbe?.httpGet && container.startupProbe?.httpGet, `${container.name} has probes`);
        const security = container.securityContext;
        assert.equal(security.allowPrivilegeEscalation, false);
        assert.equal(security.runAsNonRoot, true);
        assert.equal(security.readOnlyRootFilesystem, true);
        assert.deepEqual(security.capabilities.drop, ["ALL"]);
        assert.equal(security.seccompProfile.type, "RuntimeDefault");
        assert.match(container.image, /^[^@\s]+@sha256:[0-9a-f]{64}$/, "image pinned by digest");
    }
}
