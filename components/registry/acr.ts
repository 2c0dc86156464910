// Alibaba Cloud Container Registry, both editions. The region comes from the alicloud provider (alicloud:region).
//  - Enterprise Edition: the instance is looked up (never created here: it is a paid subscription), the namespace
//    and repository are created, and push credentials are the temporary token (valid 1 hour) that the instance
//    details return on every run. RAM roles can only use this token.
//  - Personal Edition: namespace and repository are created; the login is the fixed registry password that the
//    account sets in the console (there is no token API for it in the provider).
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { refuseProblems } from "../validation/problems";
import { SHORT_LIVED_TOKENS } from "./pull-secret";
import { ContainerRegistry, RegistryCommonArgs, RegistryCredentials } from "./types";
import { AcrEndpoint, registryProblems } from "./validate";

interface AcrCommonArgs extends RegistryCommonArgs {
    /** Required. ACR namespace; `repository` (one path component) is created inside it. */
    namespace: string;
    /** Push and pull through the public or the VPC endpoint. @default "public" */
    endpoint?: AcrEndpoint;
    /** Create the namespace; false when it already exists. @default true */
    createNamespace?: boolean;
}

export interface AcrEnterpriseRegistryArgs extends AcrCommonArgs {
    /** Required. Enterprise Edition instance id, e.g. cri-xxxxxxxx. */
    instanceId: string;
}

export interface AcrPersonalRegistryArgs extends AcrCommonArgs {
    /** Required. */
    username: pulumi.Input<string>;
    /** Required. The registry password set in the console. */
    password: pulumi.Input<string>;
    /** Registry domain of instances with their own domain (crpi-<id>[-vpc].<region>.personal.cr.aliyuncs.com). */
    domain?: string;
}

/** Chooses the instance endpoint for the configured network, failing with a message the user can act on. */
export function pickEnterpriseEndpoint(
    instance: { id: string; publicEndpoints: string[]; vpcEndpoints: string[] },
    endpoint: AcrEndpoint,
): string {
    const candidates = endpoint === "vpc" ? instance.vpcEndpoints : instance.publicEndpoints;
    const found = candidates.find((domain) => domain.length > 0);
    if (!found) {
        throw new Error(
            `ACR Enterprise instance ${instance.id} has no ${endpoint} endpoint: enable it in the console ` +
            `(and link the VPC for vpc access) or set goship:acrEndpoint to ${endpoint === "vpc" ? "public" : "vpc"}`,
        );
    }
    return found;
}

export class AcrEnterpriseRegistry extends pulumi.ComponentResource implements ContainerRegistry {
    readonly server: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly credentials: pulumi.Output<RegistryCredentials>;
    readonly insecure = false;
    readonly shortLivedToken = SHORT_LIVED_TOKENS["acr-enterprise"];

    /** Every problem of the arguments is reported at once, before anything is registered. */
    constructor(name: string, args: AcrEnterpriseRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseProblems(`AcrEnterpriseRegistry ${name}`, registryProblems("acr-enterprise", { ...args }));
        super("goship:registry:AcrEnterpriseRegistry", name, {}, opts);

        const lookup = alicloud.cs.getRegistryEnterpriseInstancesOutput(
            { ids: [args.instanceId], enableDetails: true },
            { parent: this },
        );
        const instance = lookup.instances.apply((instances) => {
            const found = instances.find((candidate) => candidate.id === args.instanceId);
            if (!found) {
                throw new Error(`ACR Enterprise instance ${args.instanceId} not found in this account and region (alicloud:region)`);
            }
            return found;
        });

        const namespace = args.createNamespace ?? DEFAULTS.acr.createNamespace
            ? new alicloud.cs.RegistryEnterpriseNamespace(`${name}-namespace`, {
                instanceId: args.instanceId,
                name: args.namespace,
                autoCreate: false,
                defaultVisibility: "PRIVATE",
            }, { parent: this }).name
            : pulumi.output(args.namespace);

        const repo = new alicloud.cs.RegistryEnterpriseRepo(`${name}-repo`, {
            instanceId: args.instanceId,
            namespace,
            name: args.repository,
            repoType: "PRIVATE",
            summary: "Go service image built by goship",
            tagImmutability: true,
        }, { parent: this });

        this.server = instance.apply((found) => pickEnterpriseEndpoint(found, args.endpoint ?? DEFAULTS.acr.endpoint));
        this.repositoryUrl = pulumi.interpolate`${this.server}/${namespace}/${repo.name}`;
        this.credentials = pulumi.secret(
            instance.apply((found) => ({ username: found.tempUsername, password: found.authorizationToken })),
        );
        this.registerOutputs({ server: this.server, repositoryUrl: this.repositoryUrl });
    }
}

export class AcrPersonalRegistry extends pulumi.ComponentResource implements ContainerRegistry {
    readonly server: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly credentials: pulumi.Output<RegistryCredentials>;
    readonly insecure = false;

    /** Every problem of the arguments is reported at once, before anything is registered. */
    constructor(name: string, args: AcrPersonalRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseProblems(`AcrPersonalRegistry ${name}`, registryProblems("acr-personal", { ...args }));
        super("goship:registry:AcrPersonalRegistry", name, {}, opts);

        const namespace = args.createNamespace ?? DEFAULTS.acr.createNamespace
            ? new alicloud.cr.Namespace(`${name}-namespace`, {
                name: args.namespace,
                autoCreate: false,
                defaultVisibility: "PRIVATE",
            }, { parent: this }).name
            : pulumi.output(args.namespace);

        const repo = new alicloud.cr.Repo(`${name}-repo`, {
            namespace,
            name: args.repository,
            repoType: "PRIVATE",
            summary: "Go service image built by goship",
        }, { parent: this });

        this.server = args.domain !== undefined
            ? pulumi.output(args.domain)
            : repo.domainList.apply((domains) => ((args.endpoint ?? DEFAULTS.acr.endpoint) === "vpc" ? domains.vpc : domains.public));
        this.repositoryUrl = pulumi.interpolate`${this.server}/${namespace}/${repo.name}`;
        this.credentials = pulumi.secret(
            pulumi.all([args.username, args.password]).apply(([username, password]) => ({ username, password })),
        );
        this.registerOutputs({ server: this.server, repositoryUrl: this.repositoryUrl });
    }
}
