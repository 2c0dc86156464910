// Which stacks the production policies apply to.
import { PolicyResource } from "@pulumi/policy";
import { PRODUCTION_ANNOTATION } from "../../components/defaults";
import { knownOrUndefined } from "./known";

/** Stack tag a platform team can set on any stack: `pulumi stack tag set goship:production true`. */
export const PRODUCTION_STACK_TAG = "goship:production";

/** Policy config shared by the production policies. */
export interface ProductionConfig {
    /** Force the production rules on (true) or off (false); unset: decided by the stack (see isProductionStack). */
    production?: boolean;
}

export const PRODUCTION_CONFIG_SCHEMA = {
    production: {
        type: "boolean" as const,
        description: "Apply (true) or skip (false) the production rules regardless of stack tags and markers.",
    },
};

/**
 * A stack is production when, first match wins:
 *  1. the policy's config says so (`production: true|false`, e.g. from `--policy-pack-config`);
 *  2. the stack carries the tag goship:production=true;
 *  3. a resource carries the annotation goship.io/production=true — what WebService sets when `production` is on
 *     (goship:production in the stack config), so goship stacks need no extra setup.
 */
export function isProductionStack(
    config: ProductionConfig,
    stackTags: ReadonlyMap<string, string>,
    resources: PolicyResource[],
): boolean {
    if (typeof config.production === "boolean") {
        return config.production;
    }
    if (stackTags.get(PRODUCTION_STACK_TAG) === "true") {
        return true;
    }
    return resources.some((resource) =>
        knownOrUndefined(() => resource.props.metadata?.annotations?.[PRODUCTION_ANNOTATION]) === "true");
}
