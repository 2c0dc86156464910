// One entry point for every registry. Cloud adapters are loaded only when chosen, so a stack that uses the
// generic registry never loads @pulumi/aws or @pulumi/alicloud (nor needs their plugins).
import * as pulumi from "@pulumi/pulumi";
import type { AcrEnterpriseRegistryArgs, AcrPersonalRegistryArgs } from "./acr";
import type { EcrRegistryArgs } from "./ecr";
import { refuseProblems } from "../validation/problems";
import { GenericRegistry, GenericRegistryArgs } from "./generic";
import { ContainerRegistry } from "./types";
import { REGISTRY_RULES } from "./validate";

export * from "./types";
export { GenericRegistry, GenericRegistryArgs } from "./generic";
export { dockerConfigJson, pullSecretProblems, SHORT_LIVED_TOKENS } from "./pull-secret";
export { ACR_ENDPOINTS, AcrEndpoint, ECR_ENCRYPTIONS, EcrEncryption, REGISTRY_RULES, REGISTRY_TYPES, RegistryType, registryProblems } from "./validate";

export type RegistrySettings =
    | ({ type: "generic" } & GenericRegistryArgs)
    | ({ type: "ecr" } & EcrRegistryArgs)
    | ({ type: "acr-personal" } & AcrPersonalRegistryArgs)
    | ({ type: "acr-enterprise" } & AcrEnterpriseRegistryArgs);

export function createRegistry(
    name: string,
    settings: RegistrySettings,
    opts?: pulumi.ComponentResourceOptions,
): ContainerRegistry {
    if (!REGISTRY_RULES.type.accepts(settings.type)) {
        refuseProblems(`createRegistry ${name}`, [{ path: "type", expected: REGISTRY_RULES.type.expected, got: JSON.stringify(settings.type) }]);
    }
    switch (settings.type) {
        case "generic":
            return new GenericRegistry(name, settings, opts);
        case "ecr": {
            const { EcrRegistry } = require("./ecr") as typeof import("./ecr");
            return new EcrRegistry(name, settings, opts);
        }
        case "acr-personal": {
            const { AcrPersonalRegistry } = require("./acr") as typeof import("./acr");
            return new AcrPersonalRegistry(name, settings, opts);
        }
        case "acr-enterprise": {
            const { AcrEnterpriseRegistry } = require("./acr") as typeof import("./acr");
            return new AcrEnterpriseRegistry(name, settings, opts);
        }
    }
}
