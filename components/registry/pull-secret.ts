import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, Problem } from "../validation/problems";
import { ContainerRegistry, ShortLivedToken } from "./types";
import { RegistryType } from "./validate";

/**
 * Registries whose push credentials are tokens that expire: a pull secret made from one lets new pods pull only
 * until it does (an HPA scale-out or a node drain hours later fails with ImagePullBackOff).
 */
export const SHORT_LIVED_TOKENS: Partial<Record<RegistryType, ShortLivedToken>> = {
    ecr: {
        lifetime: "12 h",
        instead: "pull by node identity (the node role or IRSA with ECR read access) or the kubelet's ECR credential provider",
    },
    "acr-enterprise": {
        lifetime: "1 h",
        instead: "pull by node identity (a RAM role on the ACK nodes) or ACK's aliyun-acr-credential-helper",
    },
};

function refusal(token: ShortLivedToken, registry: string): Problem {
    return {
        path: "",
        expected: `no pull secret for ${registry}: its token expires after ${token.lifetime} and new pods could pull no longer; ${token.instead}`,
        got: "a pull secret",
    };
}

/** What a pull secret for a registry of `type` would break (empty when nothing). */
export function pullSecretProblems(type: RegistryType): Problem[] {
    const token = SHORT_LIVED_TOKENS[type];
    return token ? [refusal(token, type)] : [];
}

/**
 * The `.dockerconfigjson` of an image pull secret for a registry with a lasting login, as a secret Output.
 * Registries that only issue short-lived tokens are refused (see SHORT_LIVED_TOKENS).
 */
export function dockerConfigJson(registry: ContainerRegistry): pulumi.Output<string> {
    if (registry.shortLivedToken) {
        throw new ArgumentError("dockerConfigJson", [{ ...refusal(registry.shortLivedToken, "this registry"), path: "registry" }]);
    }
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
