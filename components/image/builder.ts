import * as pulumi from "@pulumi/pulumi";
import { GoServiceImage, GoServiceImageArgs } from "./go-service-image";

export const IMAGE_BUILDERS = ["docker-cli", "pulumi-docker"] as const;
export type ImageBuilder = (typeof IMAGE_BUILDERS)[number];

/** The image, built by the chosen builder; @pulumi/docker is loaded only when chosen. */
export function buildGoServiceImage(
    name: string,
    builder: ImageBuilder,
    args: GoServiceImageArgs,
    opts?: pulumi.ComponentResourceOptions,
): { ref: pulumi.Output<string> } {
    if (builder === "pulumi-docker") {
        const { PulumiDockerGoServiceImage } = require("./pulumi-docker-image") as typeof import("./pulumi-docker-image");
        return new PulumiDockerGoServiceImage(name, args, opts);
    }
    return new GoServiceImage(name, args, opts);
}
