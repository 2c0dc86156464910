// Any registry reached with a username and a password or token: Docker Hub, Harbor (robot accounts),
// GitLab, a local registry. Nothing is created; the repository appears on first push.
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { refuseProblems } from "../validation/problems";
import { ContainerRegistry, RegistryCommonArgs, RegistryCredentials } from "./types";
import { registryProblems } from "./validate";

export interface GenericRegistryArgs extends RegistryCommonArgs {
    /** Required. host[:port], e.g. 127.0.0.1:5000, docker.io, harbor.example.com; may come from another stack's outputs. */
    server: pulumi.Input<string>;
    /** Required. */
    username: pulumi.Input<string>;
    /** Required. A password or token that lasts (a robot account's). */
    password: pulumi.Input<string>;
    /** Plain HTTP (a local registry). @default false */
    insecure?: boolean;
}

export class GenericRegistry extends pulumi.ComponentResource implements ContainerRegistry {
    readonly server: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly credentials: pulumi.Output<RegistryCredentials>;
    readonly insecure: boolean;

    /** Every problem of the arguments is reported at once, before anything is registered. */
    constructor(name: string, args: GenericRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseProblems(`GenericRegistry ${name}`, registryProblems("generic", { ...args }));
        super("goship:registry:GenericRegistry", name, {}, opts);
        this.server = pulumi.output(args.server);
        this.repositoryUrl = pulumi.all([args.server, args.repository]).apply(([server, repository]) => genericRepositoryUrl(server, repository));
        this.credentials = pulumi.secret(
            pulumi.all([args.username, args.password]).apply(([username, password]) => ({ username, password })),
        );
        this.insecure = args.insecure ?? DEFAULTS.registryInsecure;
        this.registerOutputs({ server: this.server, repositoryUrl: this.repositoryUrl });
    }
}

/** Where a generic registry keeps a repository (also for `npm run compose:up`, which runs without the engine). */
export function genericRepositoryUrl(server: string, repository: string): string {
    return `${server}/${repository}`;
}
