// Wiring only: stack config → registry → image → web service → outputs. The config hands over the components'
// arguments as they are (components/config); the components own their defaults and their checks.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./components/config";
import { buildGoServiceImage } from "./components/image";
import { createKubernetesProvider } from "./components/kubernetes-provider";
import { createRegistry, dockerConfigJson } from "./components/registry";
import { WebService } from "./components/web-service";

const settings = loadSettings({ projectDir: __dirname });

const registry = createRegistry("registry", settings.registry);

const image = buildGoServiceImage("app", settings.imageBuilder, {
    ...settings.image,
    registry,
    logFile: path.resolve(__dirname, ".goship", "logs", "image-build.log"),
});

const provider = createKubernetesProvider("cluster", settings.kubernetes);

const service = new WebService(settings.appName, {
    ...settings.service,
    provider,
    image: image.ref,
    imagePullDockerConfigJson: settings.imagePullSecret ? dockerConfigJson(registry) : undefined,
});

export const imageRef = image.ref;
export const url = service.url;
export const namespace = service.namespace;
export const deploymentName = service.deploymentName;
export const serviceName = service.serviceName;
export const registryRepository = registry.repositoryUrl;
// For stacks that build into the same registry (examples/platform-two-services): its server and, where it lasts
// (not an ECR or ACR EE token), its login.
export const registryServer = registry.server;
const login = registry.shortLivedToken ? undefined : registry.credentials;
export const registryUsername = login && pulumi.unsecret(login.apply((credentials) => credentials.username));
export const registryPassword = login && pulumi.secret(login.apply((credentials) => credentials.password));
