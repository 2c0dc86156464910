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

    const deployments = run.resources.filter((resource) => POD_TEMPLATE_KINDS.includes(resource.type));
    assert.equal(deployments.length, 1);
    const deployment = deployments[0].inputs;
    const hpas = ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    const scaledObjects = ofType(run, "kubernetes:keda.sh/v1alpha1:ScaledObject");
    assert.ok(hpas.length + scaledObjects.length <= 1, "never an HPA and a ScaledObject on one Deployment");
    if (hpas.length + scaledObjects.length === 1) {
        assert.equal(deployment.spec.replicas, undefined, "replicas omitted when an autoscaler owns them");
    } else {
        assert.ok(deployment.spec.replicas >= 1, "replicas set without an autoscaler");
    }
    for (const scaler of [...hpas, ...scaledObjects]) {
        assert.equal(scaler.inputs.spec.scaleTargetRef.name, deployment.metadata.name);
    }

    const pod = deployment.spec.template.spec;
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

    const guaranteed = scaledObjects.length + hpas.length === 0
        ? deployment.spec.replicas
        : (hpas[0]?.inputs.spec.minReplicas ?? scaledObjects[0]?.inputs.spec.minReplicaCount);
    const pdbs = ofType(run, "kubernetes:policy/v1:PodDisruptionBudget");
    assert.equal(pdbs.length, guaranteed >= 2 ? 1 : 0, "a PDB exactly when at least 2 pods are guaranteed");
    if (options.production) {
        assert.ok(guaranteed >= 3, "production guarantees at least 3 pods");
        assert.equal(pdbs.length, 1);
    }
}
