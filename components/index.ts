// The goship component library: import these into your own Pulumi stacks.
export * from "./defaults";
export { loadSettings, parseSettings, runtimeConfig, ConfigError, Settings, ImageSettings, KubernetesSettings, RawConfig } from "./config";
export { CONFIG_KEYS, ConfigKeyDef } from "./config-schema";
export * from "./registry";
export * from "./image";
export * from "./web-service";
export { createKubernetesProvider, KubernetesConnection } from "./kubernetes-provider";
