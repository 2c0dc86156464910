// Stack config's image settings → the image's build arguments. The program and `npm run compose:up` both build
// from this, so the compose setup runs the very image (same content hash, same tag) the stack deploys.
import * as path from "path";
import type { ImageSettings } from "../config";
import { GoServiceImageArgs } from "./build-plan";

export function imageArgsFromSettings(image: ImageSettings, projectDir: string): Omit<GoServiceImageArgs, "registry"> {
    return {
        context: path.resolve(projectDir, image.context),
        dockerfile: image.dockerfile,
        mainPackage: image.mainPackage,
        platform: image.platform,
        buildArgs: {
            ...(image.builderImage ? { BUILDER_IMAGE: image.builderImage } : {}),
            ...(image.runtimeImage ? { RUNTIME_IMAGE: image.runtimeImage } : {}),
            ...image.buildArgs,
        },
        passGoProxy: image.passGoProxy,
        network: image.network,
    };
}
