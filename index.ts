// Wiring only: stack config → settings → registry → image → web service → outputs.
import * as path from "path";
import { loadSettings } from "./components/config";
import { buildGoServiceImage, imageArgsFromSettings } from "./components/image";
import { createKubernetesProvider } from "./components/kubernetes-provider";
import { createRegistry, dockerConfigJson } from "./components/registry";
import { WebService } from "./components/web-service";

const settings = loadSettings();

const registry = createRegistry("registry", settings.registry);

const image = buildGoServiceImage("app", settings.image.builder, {
    registry,
    ...imageArgsFromSettings(settings.image, __dirname),
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
