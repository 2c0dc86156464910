// Runs the pack's policies in-process, the way @pulumi/policy's analyzer server calls them (validateResource per
// resource, validateStack over all), without constructing PolicyPack (which starts a gRPC server). Mirrors the
// SDK's own internal test helper (pulumi/pulumi-policy sdk/nodejs/policy/tests/util.ts) and its server.js:
// per-policy config and enforcement levels, unknown values raising UnknownValueError.
import {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { POLICIES } from "../../policy/policies";
import { PROJECT } from "./stack-config";

/** How the analyzer hands a policy a string not known until the update (the SDK's typed unknown sentinel). */
export const UNKNOWN_STRING: string = (require("@pulumi/policy/proxy") as { unknownStringValue: string }).unknownStringValue;

export interface TestResource {
    type: string;
    props: Record<string, any>;
    name: string;
    urn?: string;
}

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    message: string;
    urn?: string;
}

export interface RunOptions {
    config?: PolicyPackConfig;
    stackTags?: Record<string, string>;
}

function urnOf(resource: TestResource): string {
    return resource.urn ?? `urn:pulumi:test::${PROJECT}::${resource.type}::${resource.name}`;
}

function levelOf(policy: ResourceValidationPolicy | StackValidationPolicy, config: PolicyPackConfig): EnforcementLevel {
    const entry = config[policy.name];
    const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
    return configured ?? policy.enforcementLevel ?? "mandatory";
}

function configOf(policy: ResourceValidationPolicy | StackValidationPolicy, config: PolicyPackConfig): Record<string, unknown> {
    const entry = config[policy.name];
    if (entry === undefined || typeof entry === "string") {
        return {};
    }
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { enforcementLevel, ...properties } = entry;
    return properties;
}

const notApplicable = (reason?: string): never => {
    throw new Error(`notApplicable: ${reason}`);
};

/** Violations of every policy (not disabled) against these resources. */
export function runPolicies(resources: TestResource[], options: RunOptions = {}, policies: Policies = POLICIES): Violation[] {
    const config = options.config ?? {};
    const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(options.stackTags ?? {}));
    const violations: Violation[] = [];
    const proxied = resources.map((resource) => ({ ...resource, urn: urnOf(resource), props: unknownCheckingProxy(resource.props) }));

    for (const policy of policies) {
        const enforcementLevel = levelOf(policy, config);
        if (enforcementLevel === "disabled") {
            continue;
        }
        const report = (urn?: string) => (message: string, violationUrn?: string) =>
            violations.push({ policy: policy.name, enforcementLevel, message, urn: violationUrn ?? urn });
        if ("validateResource" in policy && policy.validateResource) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const resource of proxied) {
                const args: ResourceValidationArgs = {
                    type: resource.type,
                    props: resource.props,
                    urn: resource.urn,
                    name: resource.name,
                    opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: {} },
                    stackTags,
                    isType: () => false,
                    asType: () => undefined,
                    getConfig: <T extends object>() => configOf(policy, config) as T,
                    notApplicable,
                } as unknown as ResourceValidationArgs;
                for (const validation of validations) {
                    validation(args, report(resource.urn));
                }
            }
        }
        if ("validateStack" in policy && policy.validateStack) {
            const args: StackValidationArgs = {
                resources: proxied.map((resource) => ({
                    type: resource.type,
                    props: resource.props,
                    urn: resource.urn,
                    name: resource.name,
                    dependencies: [],
                    propertyDependencies: {},
                    isType: () => false,
                    asType: () => undefined,
                } as unknown as PolicyResource)),
                stackTags,
                getConfig: <T extends object>() => configOf(policy, config) as T,
                notApplicable,
            };
            policy.validateStack(args, report());
        }
    }
    return violations;
}

/** Only the violations that would fail a preview. */
export function mandatory(violations: Violation[]): Violation[] {
    return violations.filter((violation) => violation.enforcementLevel === "mandatory");
}

export function policyNames(violations: Violation[]): string[] {
    return [...new Set(violations.map((violation) => violation.policy))].sort();
}
