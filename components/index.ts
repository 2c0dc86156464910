// The goship component library: import these into your own Pulumi stacks.
export * from "./defaults";
export { loadSettings, parseSettings, runtimeConfig, ConfigError, Settings, RawConfig, CONFIG_KEYS, ConfigKeyDef } from "./config";
export * from "./registry";
export * from "./image";
export * from "./web-service";
export * from "./worker";
export * from "./kafka";
export { createKubernetesProvider, kubernetesConnectionProblems, KubernetesConnection } from "./kubernetes-provider";
export { ArgumentError, Problem, formatProblem } from "./validation/problems";
