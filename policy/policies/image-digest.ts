// A tag can be moved: a pod restarted next week may run other code than the one reviewed. Only a digest names
// exactly the image that was built, scanned and previewed.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, describeContainer, describeObject, podSpecOf } from "../lib/kubernetes";
import { knownOrUndefined } from "../lib/known";

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedReason(image: string): string | undefined {
    if (DIGEST.test(image)) {
        return undefined;
    }
    if (image.includes("@")) {
        return "has a malformed digest (expected @sha256: and 64 hex digits)";
    }
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
    if (tag === undefined) {
        return "has neither tag nor digest, so it means :latest, whatever that is when a pod starts";
    }
    if (tag === "latest") {
        return "uses the moving tag latest";
    }
    return `is pinned only by the tag ${tag}, which can be pushed over`;
}

export const imagePinnedByDigest: ResourceValidationPolicy = {
    name: "image-pinned-by-digest",
    description: "Every container image is pinned by digest (repo@sha256:…): no tag-only references, no latest.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        // undefined for anything without a pod template
        const pod = podSpecOf(args.type, args.props);
        if (!pod) {
            return;
        }
        for (const ref of containersOf(pod, { init: true, ephemeral: true })) {
            // A digest not built yet is unknown during preview; `pulumi up` checks it before the rollout.
            const image = knownOrUndefined(() => ref.container.image as string | undefined);
            if (typeof image !== "string") {
                continue;
            }
            const reason = unpinnedReason(image);
            if (reason) {
                reportViolation(
                    `${describeObject(args.type, args.props, args.name)}: ${describeContainer(ref)} image "${image}" ${reason}; ` +
                    "pin it by digest as repo@sha256:<digest> — deploy GoServiceImage's `ref` output for images goship builds, " +
                    "and resolve other images' digests with `docker buildx imagetools inspect <image>`.",
                );
            }
        }
    },
};
