// The migration Job: the service's own image runs `server migrate` (embedded goose migrations under an advisory
// lock) before the Deployment changes. It is named after the image's digest, so each new image migrates once, and
// the Deployment depends on it: a failed migration fails `pulumi up` with the migration's message (the pod's
// termination message) while the old pods keep serving.
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { containerEnv } from "./container-env";
import { DeploymentInputs, POD_SECURITY_CONTEXT, RESTRICTED_CONTAINER_SECURITY, TMP_VOLUME, containerResources, envFromSources } from "./deployment";
import { migrationSelectorLabels } from "./labels";
import { DatabaseSettings, WebServiceSettings } from "./types";

const M = DEFAULTS.migration;

/** `<name>-migrate-<first 10 hex of the image's sha256>` (of the reference itself when it has no digest). */
export function migrationJobName(name: string, image: string): string {
    const digest = /@sha256:([0-9a-f]{64})$/.exec(image)?.[1] ?? crypto.createHash("sha256").update(image).digest("hex");
    return `${name}-migrate-${digest.slice(0, 10)}`;
}

export function createMigrationJob(
    meta: ObjectMeta,
    settings: WebServiceSettings & { database: DatabaseSettings },
    inputs: DeploymentInputs & Required<Pick<DeploymentInputs, "databaseSecret">>,
    opts: ChildOptions,
): k8s.batch.v1.Job {
    const labels = { ...meta.labels, ...migrationSelectorLabels(meta.name) };
    const deadline = settings.database.migrationTimeoutSeconds;
    return new k8s.batch.v1.Job(`${meta.name}-migrate`, {
        metadata: {
            ...meta,
            name: pulumi.output(inputs.image).apply((image) => migrationJobName(meta.name, image)),
            labels,
            annotations: {
                ...meta.annotations,
                // Longer than the Job's own deadline: the Job fails first, with its reason and the pod's message.
                "pulumi.com/timeoutSeconds": String(deadline + M.awaitMarginSeconds),
                // A Job that failed (e.g. the database was down) runs again on the next `pulumi up` instead of staying failed.
                "pulumi.com/replaceUnready": "true",
            },
        },
        spec: {
            backoffLimit: M.backoffLimit,
            activeDeadlineSeconds: deadline,
            // No ttlSecondsAfterFinished: Pulumi owns the Job; a Job deleted by the cluster would be recreated and re-run.
            template: {
                metadata: { labels },
                spec: {
                    restartPolicy: "Never",
                    serviceAccountName: inputs.serviceAccountName,
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    securityContext: POD_SECURITY_CONTEXT,
                    imagePullSecrets: inputs.pullSecretName ? [{ name: inputs.pullSecretName }] : undefined,
                    containers: [{
                        name: "migrate",
                        image: inputs.image,
                        imagePullPolicy: "IfNotPresent",
                        // The image's ENTRYPOINT is the server; `migrate` is its subcommand.
                        args: ["migrate"],
                        env: containerEnv(settings, meta, inputs.databaseSecret),
                        envFrom: envFromSources(inputs),
                        resources: containerResources(settings),
                        // The service writes a failed migration's message to /dev/termination-log; the logs' tail otherwise.
                        terminationMessagePolicy: "FallbackToLogsOnError",
                        securityContext: RESTRICTED_CONTAINER_SECURITY,
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    }],
                    volumes: [TMP_VOLUME],
                },
            },
        },
        // Its name is fixed by the digest: a replacement (replaceUnready) must delete the failed Job first.
    }, { ...opts, deleteBeforeReplace: true });
}
