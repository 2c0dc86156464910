import * as pulumi from "@pulumi/pulumi";

export interface RegistryCredentials {
    username: string;
    password: string;
}

/**
 * What every registry adapter gives the image build and the cluster: where to push, and how to log in.
 * Credentials are secret Outputs, fetched on every run where the registry issues short-lived tokens.
 */
export interface ContainerRegistry {
    /** Host the docker CLI logs in to, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com or 127.0.0.1:5000. */
    readonly server: pulumi.Output<string>;
    /** Repository to push to, without tag or digest: `<server>/<path>`. */
    readonly repositoryUrl: pulumi.Output<string>;
    /** Push (and pull) credentials; always a secret Output. */
    readonly credentials: pulumi.Output<RegistryCredentials>;
    /** The registry speaks plain HTTP. */
    readonly insecure: boolean;
    /** Set when the credentials are a token that expires: no pull secret can be made from them. */
    readonly shortLivedToken?: ShortLivedToken;
}

export interface ShortLivedToken {
    /** How long a token lasts, e.g. "12 h". */
    lifetime: string;
    /** What to pull with instead. */
    instead: string;
}

/** Options every adapter accepts. */
export interface RegistryCommonArgs {
    /** Required. Repository path inside the registry, e.g. `team/goship`. */
    repository: string;
}
