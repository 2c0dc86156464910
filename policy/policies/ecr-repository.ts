// Scan-on-push finds known CVEs the moment an image lands; immutable tags make a tag mean one image forever,
// so a digest resolved from it yesterday is still the image behind it today.
import { ResourceValidationPolicy } from "@pulumi/policy";

export const ECR_REPOSITORY = "aws:ecr/repository:Repository";

export const ecrScanOnPushAndImmutableTags: ResourceValidationPolicy = {
    name: "ecr-scan-on-push-immutable-tags",
    description: "ECR repositories scan images on push and have immutable tags.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ECR_REPOSITORY) {
            return;
        }
        const name = args.props.name ?? args.name;
        if (args.props.imageScanningConfiguration?.scanOnPush !== true) {
            reportViolation(
                `ECR repository ${name} does not scan images on push; set imageScanningConfiguration: { scanOnPush: true } ` +
                "(goship: goship:ecrScanOnPush: true, the default).",
            );
        }
        if (args.props.imageTagMutability !== "IMMUTABLE") {
            reportViolation(
                `ECR repository ${name} has ${args.props.imageTagMutability ?? "MUTABLE (the default)"} tags; set imageTagMutability: "IMMUTABLE" ` +
                "so a tag can never be pushed over (goship: goship:ecrImmutableTags: true, the default).",
            );
        }
    },
};
