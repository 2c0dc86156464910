// Wiring only: stack config → registry → image → namespace → database → web service (and its worker) → outputs. The config hands over
// the components' arguments as they are (components/config); the components own their defaults and their checks.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./components/config";
import { Database, DatabaseArgs } from "./components/database";
import { RegistryImage, buildGoServiceImage } from "./components/image";
import { createKubernetesProvider } from "./components/kubernetes-provider";
import { createRegistry, dockerConfigJson } from "./components/registry";
import { WebService, createServiceNamespace, webServiceDatabaseClients } from "./components/web-service";
import { Worker, workerDatabaseClients } from "./components/worker";

const settings = loadSettings({ projectDir: __dirname });

const registry = createRegistry("registry", settings.registry);

const image = buildGoServiceImage("app", settings.imageBuilder, {
    ...settings.image,
    registry,
    logFile: path.resolve(__dirname, ".goship", "logs", "image-build.log"),
});

const provider = createKubernetesProvider("cluster", settings.kubernetes);
const pullSecret = settings.imagePullSecret ? dockerConfigJson(registry) : undefined;

// Created ahead of the service: the database's Secret lives in it too.
const appNamespace = settings.service.createNamespace === false
    ? settings.service.namespace
    : createServiceNamespace(settings.appName, { provider, namespace: settings.service.namespace as string | undefined, forceApply: settings.service.forceApply }).metadata.name;

const db = settings.database;
const database = db && new Database(`${settings.appName}-db`, {
    ...db,
    ...(db.provider === "kubernetes"
        ? {
            image: new RegistryImage("postgres-image", { image: db.image as string, registry }).ref,
            imagePullDockerConfigJson: pullSecret,
            clients: [...webServiceDatabaseClients(settings.appName), ...(settings.worker ? workerDatabaseClients(settings.worker.name) : [])],
        }
        : {}),
    kubernetesProvider: provider,
    namespace: appNamespace,
    forceApply: settings.service.forceApply,
    password: settings.databasePassword!,
} as DatabaseArgs);

const kafka = settings.kafka && { ...settings.kafka, password: settings.kafkaPassword };

const service = new WebService(settings.appName, {
    ...settings.service,
    namespace: appNamespace,
    createNamespace: false,
    provider,
    image: image.ref,
    imagePullDockerConfigJson: pullSecret,
    database: database?.connection,
    kafka,
});

// The orders consumer: the same image, namespace and database as the service, scaled by KEDA on its lag.
const worker = settings.worker && kafka && new Worker(settings.worker.name, {
    ...settings.worker.args,
    provider,
    image: image.ref,
    namespace: appNamespace,
    imagePullDockerConfigJson: pullSecret,
    kafka,
    database: service.migratedDatabase,
});

export const imageRef = image.ref;
export const url = service.url;
export const namespace = service.namespace;
export const deploymentName = service.deploymentName;
export const serviceName = service.serviceName;
export const registryRepository = registry.repositoryUrl;
export const databaseHost = database?.host;
export const databaseConnectionSecret = database?.connectionSecret.name;
export const workerName = worker ? worker.deploymentName : undefined;
export const workerScaledObject = worker ? worker.scaledObjectName : undefined;
export const workerConsumerGroup = worker ? pulumi.output(worker.consumerGroup) : undefined;
// For stacks that build into the same registry (examples/platform-two-services): its server and, where it lasts
// (not an ECR or ACR EE token), its login.
export const registryServer = registry.server;
const login = registry.shortLivedToken ? undefined : registry.credentials;
export const registryUsername = login && pulumi.unsecret(login.apply((credentials) => credentials.username));
export const registryPassword = login && pulumi.secret(login.apply((credentials) => credentials.password));
