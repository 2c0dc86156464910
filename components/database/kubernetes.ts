// PostgreSQL on the app's cluster: one pod of a StatefulSet with its own volume, locked down like the service's
// pods (restricted Pod Security, read-only root, no token), reachable on 5432 only from the pods the caller names.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, withDefaults } from "../defaults";
import { ChildOptions, ObjectMeta } from "../web-service/child-options";
import { createPullSecret } from "../web-service/env-objects";
import { ProvisionedDatabase } from "./provisioned";
import { KubernetesDatabaseArgs } from "./types";

const K = DEFAULTS.database.kubernetes;
const PORT = DEFAULTS.database.port;
const PG_ISREADY = "/usr/lib/postgresql/15/bin/pg_isready";
/** The image's PGDATA: a directory below the mount, so the volume's own root (lost+found) does not upset initdb. */
const DATA_MOUNT = "/var/lib/postgresql/data";
const PGDATA = `${DATA_MOUNT}/pgdata`;

/** Labels of the database's pod (its Service and NetworkPolicy select them). */
export function databasePodLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name, "app.kubernetes.io/component": "database" };
}

export function createKubernetesDatabase(
    meta: ObjectMeta,
    args: KubernetesDatabaseArgs,
    names: { databaseName: string; username: string },
    password: pulumi.Output<string>,
    opts: ChildOptions,
): ProvisionedDatabase {
    const selector = databasePodLabels(meta.name);
    const labels = { ...meta.labels, ...selector };
    const objectMeta = { ...meta, labels };
    const resources = withDefaults({
        cpuRequest: K.cpuRequest, cpuLimit: K.cpuLimit, memoryRequest: K.memoryRequest, memoryLimit: K.memoryLimit,
        ephemeralStorageRequest: K.ephemeralStorageRequest, ephemeralStorageLimit: K.ephemeralStorageLimit,
    }, args.resources);

    const passwordSecret = new k8s.core.v1.Secret(`${meta.name}-postgres`, {
        metadata: { ...objectMeta, name: `${meta.name}-postgres` },
        type: "Opaque",
        stringData: { POSTGRES_PASSWORD: pulumi.secret(password) },
    }, opts);
    const pullSecret = args.imagePullDockerConfigJson === undefined
        ? undefined
        : createPullSecret(objectMeta, args.imagePullDockerConfigJson, opts);

    const ports = [{ name: "postgres", port: PORT, targetPort: "postgres", protocol: "TCP" }];
    // Clients connect through the ClusterIP Service; the StatefulSet's governing Service is headless (the pod's
    // stable DNS name), as StatefulSets expect.
    const service = new k8s.core.v1.Service(`${meta.name}-service`, {
        metadata: { ...objectMeta, name: meta.name },
        spec: { type: "ClusterIP", selector, ports },
    }, opts);
    const headless = new k8s.core.v1.Service(`${meta.name}-headless`, {
        metadata: { ...objectMeta, name: `${meta.name}-headless` },
        spec: { clusterIP: "None", selector, ports },
    }, opts);

    // Only the named clients reach the port; postgres itself opens no connection (egress denied).
    new k8s.networking.v1.NetworkPolicy(`${meta.name}-netpol`, {
        metadata: { ...objectMeta, name: meta.name },
        spec: {
            podSelector: { matchLabels: selector },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{
                from: (args.clients ?? []).map((client) => ({ podSelector: { matchLabels: client } })),
                ports: [{ protocol: "TCP", port: PORT }],
            }],
            egress: [],
        },
    }, opts);

    const pgIsReady = { exec: { command: [PG_ISREADY, "-h", "127.0.0.1", "-p", String(PORT), "-U", names.username, "-d", names.databaseName] } };
    const statefulSet = new k8s.apps.v1.StatefulSet(`${meta.name}-statefulset`, {
        // The provider waits for the pod to be Ready (first start includes initdb) up to this long.
        metadata: { ...objectMeta, name: meta.name, annotations: { ...meta.annotations, "pulumi.com/timeoutSeconds": String(K.timeoutSeconds) } },
        spec: {
            replicas: 1,
            serviceName: headless.metadata.name,
            selector: { matchLabels: selector },
            template: {
                metadata: { labels },
                spec: {
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    // The image stops postgres with SIGINT, its fast shutdown (abort transactions, checkpoint, exit):
                    // a pool's idle connections do not hold it up the way they would a SIGTERM "smart" shutdown.
                    terminationGracePeriodSeconds: K.terminationGracePeriodSeconds,
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: K.uid,
                        runAsGroup: K.uid,
                        fsGroup: K.uid,
                        fsGroupChangePolicy: "OnRootMismatch",
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    imagePullSecrets: pullSecret ? [{ name: pullSecret.metadata.name }] : undefined,
                    containers: [{
                        name: "postgres",
                        image: args.image,
                        imagePullPolicy: "IfNotPresent",
                        ports: [{ name: "postgres", containerPort: PORT, protocol: "TCP" }],
                        env: [
                            { name: "POSTGRES_USER", value: names.username },
                            { name: "POSTGRES_DB", value: names.databaseName },
                            { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: passwordSecret.metadata.name, key: "POSTGRES_PASSWORD" } } },
                            { name: "PGDATA", value: PGDATA },
                        ],
                        resources: {
                            requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest, "ephemeral-storage": resources.ephemeralStorageRequest },
                            limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit, "ephemeral-storage": resources.ephemeralStorageLimit },
                        },
                        // initdb on a first start takes seconds; afterwards liveness stays strict.
                        startupProbe: { ...pgIsReady, periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2 },
                        readinessProbe: { ...pgIsReady, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
                        // The port, not a query: a busy database must not be restarted for answering slowly.
                        livenessProbe: { tcpSocket: { port: "postgres" }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 2 },
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            runAsNonRoot: true,
                            runAsUser: K.uid,
                            runAsGroup: K.uid,
                            capabilities: { drop: ["ALL"] },
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        // The image writes only PGDATA, its socket directory and /tmp.
                        volumeMounts: [
                            { name: "data", mountPath: DATA_MOUNT },
                            { name: "run", mountPath: "/var/run/postgresql" },
                            { name: "tmp", mountPath: "/tmp" },
                        ],
                    }],
                    volumes: [
                        { name: "run", emptyDir: { sizeLimit: "16Mi" } },
                        { name: "tmp", emptyDir: { sizeLimit: DEFAULTS.workload.tmpSizeLimit } },
                    ],
                },
            },
            volumeClaimTemplates: [{
                metadata: { name: "data", labels },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: args.storageClassName,
                    resources: { requests: { storage: args.storageSize ?? K.storageSize } },
                },
            }],
        },
    }, opts);

    return {
        host: pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc`,
        port: pulumi.output(PORT),
        // The image serves no TLS; the traffic stays inside the cluster, behind the NetworkPolicy.
        sslmode: "disable",
        egress: { podSelector: selector, port: PORT },
        ready: [statefulSet, service],
        podLabels: selector,
    };
}
