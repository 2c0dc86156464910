// The app image for `npm run compose:up`: the image the local stack deploys — same build inputs, content hash and
// tag, computed by components/image from Pulumi.local.yaml — built into the local Docker engine only when it is not
// there yet (a `pulumi up` of the stack leaves it there), and never pushed. Prints the reference on stdout.
import { spawnSync } from "child_process";
import { parseSettings } from "../../components/config";
import { imageTag, planSourceBuild } from "../../components/image/build-plan";
import { dockerBuildArgs } from "../../components/image/docker-cli";
import { imageContentHash } from "../../components/image/source-hash";
import { genericRepositoryUrl } from "../../components/registry/generic";
import { PROJECT, PROJECT_DIR, engineConfig, rawConfig, stackFileValues } from "../lib/stack-file";

const STACK = "local";

function say(message: string): void {
    process.stderr.write(`app-image: ${message}\n`);
}

function docker(args: string[], output: "ignore" | "stream"): boolean {
    const result = spawnSync("docker", args, { stdio: ["ignore", output === "stream" ? process.stderr : "ignore", output === "stream" ? "inherit" : "ignore"] });
    if (result.error) {
        throw new Error(`cannot run docker: ${result.error.message}`);
    }
    return result.status === 0;
}

/** The local stack's image as `pulumi up` would build it: reference, build command and builder image. */
export function localStackImage(): { ref: string; buildCommand: string[]; builderImage?: string; hashedFiles: number } {
    // No secret is needed to build: encrypted values stay encrypted. Nor the database settings: they change nothing
    // in the image (compose runs its own PostgreSQL from the same image as the stack's, with its own password, see
    // scripts/compose/up.sh), and without the decrypted databasePassword they would not even parse.
    const values = Object.fromEntries(Object.entries(stackFileValues(STACK)).filter(([key]) => !key.startsWith("goship:database")));
    const settings = parseSettings(rawConfig(engineConfig(values, () => "not-decrypted")), { project: PROJECT, projectDir: PROJECT_DIR });
    if (settings.registry.type !== "generic") {
        throw new Error(`the ${STACK} stack's registry is ${settings.registry.type}; compose runs the local stack's image (generic registry)`);
    }
    const args = settings.image;
    const plan = planSourceBuild(args);
    const server = settings.registry.server;
    if (typeof server !== "string") {
        throw new Error("registryServer must be a plain value in stack config");
    }
    const repository = genericRepositoryUrl(server, settings.registry.repository);
    const ref = `${repository}:${imageTag(imageContentHash(plan.sourceHash, repository))}`;
    return {
        ref,
        buildCommand: dockerBuildArgs({ ...plan, context: args.context, network: args.network }, ref),
        builderImage: plan.buildArgs.BUILDER_IMAGE,
        hashedFiles: plan.hashedFiles.length,
    };
}

function main(): void {
    const image = localStackImage();
    if (docker(["image", "inspect", image.ref], "ignore")) {
        say(`${image.ref} is in the local engine: nothing to build`);
    } else {
        if (image.builderImage && !docker(["image", "inspect", image.builderImage], "ignore")) {
            throw new Error(`the build-stage image ${image.builderImage} is not in the local engine: run \`npm run bootstrap\` (scripts/base-images.sh makes it)`);
        }
        say(`building ${image.ref} (${image.hashedFiles} files hashed)`);
        if (!docker(image.buildCommand, "stream")) {
            throw new Error(`docker build of ${image.ref} failed (output above)`);
        }
    }
    process.stdout.write(`${image.ref}\n`);
}

if (require.main === module) {
    try {
        main();
    } catch (error) {
        say(`ERROR: ${(error as Error).message}`);
        process.exitCode = 1;
    }
}
