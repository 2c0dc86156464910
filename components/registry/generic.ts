// Any registry reached with a username and a password or token: Docker Hub, Harbor (robot accounts),
// GitLab, a local registry. Nothing is created; the repository appears on first push.
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, RegistryCommonArgs, RegistryCredentials } from "./types";

export interface GenericRegistryArgs extends RegistryCommonArgs {
    /** host[:port], e.g. 127.0.0.1:5000, docker.io, harbor.example.com; may come from another stack's outputs. */
    server: pulumi.Input<string>;
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
    /** Plain HTTP (a local registry). */
    insecure?: boolean;
}

export class GenericRegistry extends pulumi.ComponentResource implements ContainerRegistry {
    readonly server: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly credentials: pulumi.Output<RegistryCredentials>;
    readonly insecure: boolean;

    constructor(name: string, args: GenericRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:registry:GenericRegistry", name, {}, opts);
        this.server = pulumi.output(args.server);
        this.repositoryUrl = pulumi.all([args.server, args.repository]).apply(([server, repository]) => genericRepositoryUrl(server, repository));
        this.credentials = pulumi.secret(
            pulumi.all([args.username, args.password]).apply(([username, password]) => ({ username, password })),
        );
        this.insecure = args.insecure ?? false;
        this.registerOutputs({ server: this.server, repositoryUrl: this.repositoryUrl });
    }
}

/** Where a generic registry keeps a repository (also for `npm run compose:up`, which runs without the engine). */
export function genericRepositoryUrl(server: string, repository: string): string {
    return `${server}/${repository}`;
}
