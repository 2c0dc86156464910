import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry } from "./types";

/**
 * The `.dockerconfigjson` of an image pull secret for a registry, as a secret Output. It carries whatever the
 * registry issued this run: for token registries (ECR: 12 h, ACR EE: 1 h) it is as fresh as the last `pulumi up`,
 * so prefer node identity (IRSA, RAM roles) where the cluster has it.
 */
export function dockerConfigJson(registry: ContainerRegistry): pulumi.Output<string> {
    return pulumi.secret(
        pulumi.all([registry.server, registry.credentials]).apply(([server, { username, password }]) =>
            JSON.stringify({
                auths: {
                    [server]: {
                        username,
                        password,
                        auth: Buffer.from(`${username}:${password}`).toString("base64"),
                    },
                },
            }),
        ),
    );
}
