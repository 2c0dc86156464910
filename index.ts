// Wiring only: stack config → settings → registry → image → web service → outputs.
import * as path from "path";
import { loadSettings } from "./components/config";
import { buildGoServiceImage } from "./components/image";
import { createKubernetesProvider } from "./components/kubernetes-provider";
import { createRegistry, dockerConfigJson } from "./components/registry";
import { WebService } from "./components/web-service";

const settings = loadSettings();

const registry = createRegistry("registry", settings.registry);

const image = buildGoServiceImage("app", settings.image.builder, {
    registry,
    context: path.resolve(__dirname, settings.image.context),
    dockerfile: settings.image.dockerfile,
    mainPackage: settings.image.mainPackage,
    platform: settings.image.platform,
    buildArgs: {
        ...(settings.image.builderImage ? { BUILDER_IMAGE: settings.image.builderImage } : {}),
        ...(settings.image.runtimeImage ? { RUNTIME_IMAGE: settings.image.runtimeImage } : {}),
        ...settings.image.buildArgs,
    },
    passGoProxy: settings.image.passGoProxy,
    network: settings.image.network,
    logFile: path.resolve(__dirname, ".goship", "logs", "image-build.log"),
});

const provider = createKubernetesProvider("cluster", settings.kubernetes);

const service = new WebService(settings.appName, {
    ...settings.service,
    provider,
    image: image.ref,
    secretEnv: settings.secretEnv,
    imagePullDockerConfigJson: settings.imagePullSecret ? dockerConfigJson(registry) : undefined,
});

export const imageRef = image.ref;
export const url = service.url;
export const namespace = service.namespace;
export const deploymentName = service.deploymentName;
export const serviceName = service.serviceName;
export const registryRepository = registry.repositoryUrl;
